/* The s390 debug feature (asm/debug.h): an entry at or below its log's level goes to the
 * kernel log at debug level, named after the log; entries are counted either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/printk.h>
#include <asm/debug.h>

struct debug_view debug_hex_ascii_view = {"hex_ascii"};
struct debug_view debug_sprintf_view = {"sprintf"};

debug_info_t *debug_register(const char *name, int pages, int nr_areas, int buf_size)
{
    (void)pages; /* entries are not kept in areas of pages here */
    (void)nr_areas;
    debug_info_t *id = calloc(1, sizeof(*id));
    if (!id)
        return NULL;
    snprintf(id->name, sizeof(id->name), "%s", name);
    id->level = 3; /* DEBUG_DEFAULT_LEVEL */
    id->buf_size = buf_size;
    return id;
}

void debug_unregister(debug_info_t *id)
{
    free(id);
}

int debug_register_view(debug_info_t *id, struct debug_view *view)
{
    return id && view ? 0 : -EINVAL;
}

void debug_set_level(debug_info_t *id, int new_level)
{
    if (id && new_level >= DEBUG_OFF_LEVEL && new_level <= DEBUG_MAX_LEVEL)
        id->level = new_level;
}

void ks_debug_text(debug_info_t *id, int level, const char *txt)
{
    id->entries++;
    if (ks_log_enabled(7))
        printk(KERN_DEBUG "%s: %d: %.*s\n", id->name, level, id->buf_size, txt);
}

void ks_debug_hex(debug_info_t *id, int level, const void *data, int length)
{
    id->entries++;
    if (!ks_log_enabled(7))
        return;
    char hex[3 * 64 + 1] = "";
    const u8 *b = data;
    for (int i = 0; i < length && i < 64; i++)
        snprintf(hex + 3 * i, 4, "%02x ", b[i]);
    printk(KERN_DEBUG "%s: %d: %s\n", id->name, level, hex);
}

void ks_debug_sprintf(debug_info_t *id, int level, const char *fmt, ...)
{
    id->entries++;
    if (!ks_log_enabled(7))
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    printk(KERN_DEBUG "%s: %d: %s", id->name, level, text);
}
