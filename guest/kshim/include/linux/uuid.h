/* 128-bit UUIDs (RFC 4122), as text 8-4-4-4-12 hex digits. */
#ifndef _LINUX_UUID_H
#define _LINUX_UUID_H
#include "kshim/types.h"
#include <linux/string.h>
#define UUID_SIZE       16
#define UUID_STRING_LEN 36
/* guid_t: little-endian first three fields, as GUIDs are stored in memory (RFC 4122 mixed). */
typedef struct {
    __u8 b[UUID_SIZE];
} guid_t;
typedef struct {
    __u8 b[UUID_SIZE];
} uuid_t;
#define GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                                         \
    ((guid_t){{(a)&0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, (b)&0xff,      \
               ((b) >> 8) & 0xff, (c)&0xff, ((c) >> 8) & 0xff, (d0), (d1), (d2), (d3), (d4), (d5), \
               (d6), (d7)}})
extern const guid_t guid_null;
/* 0 when `s` is a well-formed UUID; the bytes then go to *g in text order (the mdev layer
 * parses and prints with the same order, so names round-trip). */
int guid_parse(const char *s, guid_t *g);
static inline bool guid_equal(const guid_t *a, const guid_t *b)
{
    return memcmp(a, b, sizeof(guid_t)) == 0;
}
static inline void guid_copy(guid_t *dst, const guid_t *src)
{
    memcpy(dst, src, sizeof(guid_t));
}
static inline bool guid_is_null(const guid_t *g)
{
    return guid_equal(g, &guid_null);
}
#endif
