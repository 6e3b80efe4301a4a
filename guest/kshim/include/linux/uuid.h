/* 128-bit UUIDs (RFC 4122), as text 8-4-4-4-12 hex digits. */
#ifndef _LINUX_UUID_H
#define _LINUX_UUID_H
#include "kshim/types.h"
#define UUID_SIZE       16
#define UUID_STRING_LEN 36
typedef struct {
    __u8 b[UUID_SIZE];
} guid_t;
typedef struct {
    __u8 b[UUID_SIZE];
} uuid_t;
/* 0 when `s` is a well-formed UUID; the bytes then go to *g in text order. */
int guid_parse(const char *s, guid_t *g);
static inline bool guid_equal(const guid_t *a, const guid_t *b)
{
    return __builtin_memcmp(a, b, sizeof(*a)) == 0;
}
#endif
