/* The s390 debug feature: per-component logs of text, hex and sprintf entries with a level
 * each. In the shim an entry at or below the log's level goes to the kernel log at debug level
 * (kept in the trace when ks_kernel_set_log_level(k, 7)); entries above it cost nothing. */
#ifndef _ASM_S390_DEBUG_H
#define _ASM_S390_DEBUG_H
#include "kshim/types.h"

struct debug_view {
    const char *name;
};
extern struct debug_view debug_hex_ascii_view;
extern struct debug_view debug_sprintf_view;

typedef struct debug_info {
    char name[64];
    int level;
    int buf_size;
    u64 entries; /* entries recorded */
} debug_info_t;

#define DEBUG_MAX_LEVEL 6
#define DEBUG_OFF_LEVEL -1

debug_info_t *debug_register(const char *name, int pages, int nr_areas, int buf_size);
void debug_unregister(debug_info_t *id);
int debug_register_view(debug_info_t *id, struct debug_view *view);
void debug_set_level(debug_info_t *id, int new_level);

void ks_debug_text(debug_info_t *id, int level, const char *txt);
void ks_debug_hex(debug_info_t *id, int level, const void *data, int length);
void ks_debug_sprintf(debug_info_t *id, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline bool debug_level_enabled(debug_info_t *id, int level)
{
    return id && level <= id->level;
}
static inline void *debug_text_event(debug_info_t *id, int level, const char *txt)
{
    if (debug_level_enabled(id, level))
        ks_debug_text(id, level, txt);
    return NULL;
}
static inline void *debug_event(debug_info_t *id, int level, void *data, int length)
{
    if (debug_level_enabled(id, level))
        ks_debug_hex(id, level, data, length);
    return NULL;
}
#define debug_sprintf_event(id, level, fmt, ...)                                                   \
    do {                                                                                           \
        if (debug_level_enabled(id, level))                                                        \
            ks_debug_sprintf(id, level, fmt, ##__VA_ARGS__);                                       \
    } while (0)
#endif
