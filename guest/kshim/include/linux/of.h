/* Device-tree nodes (<linux/of.h>) as far as the shim builds them: the node of each VIO
 * device, holding the properties the harness gave it. Property values are stored as the
 * firmware presents them (big-endian cells, NUL-terminated string lists). */
#ifndef _LINUX_OF_H
#define _LINUX_OF_H
#include "kshim/types.h"

typedef u32 phandle;

struct property {
    char *name;
    int length;
    void *value;
    struct property *next;
};

struct device_node {
    const char *name;
    phandle phandle;
    const char *full_name;
    struct property *properties;
    struct device_node *parent;
};

/* The property `name` of `np`, or NULL; *lenp (when not NULL) gets its length in bytes. */
struct property *of_find_property(const struct device_node *np, const char *name, int *lenp);
const void *of_get_property(const struct device_node *np, const char *name, int *lenp);
/* Non-zero when `compat` is one of the node's "compatible" strings (case-insensitive). */
int of_device_is_compatible(const struct device_node *np, const char *compat);
static inline struct device_node *of_node_get(struct device_node *np)
{
    return np;
}
static inline void of_node_put(struct device_node *np)
{
    (void)np;
}
static inline const char *of_node_full_name(const struct device_node *np)
{
    return np ? np->full_name : "<no-node>";
}
#endif
