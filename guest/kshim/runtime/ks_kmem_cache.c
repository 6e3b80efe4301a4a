/* Object caches (linux/slab.h) on the shim's heap, and message rate limiting
 * (linux/ratelimit.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ks_internal.h"
#include <linux/jiffies.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>

struct kmem_cache {
    char name[48];
    unsigned int size;
    void (*ctor)(void *);
};

struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
                                              unsigned int align, unsigned int flags,
                                              unsigned int useroffset, unsigned int usersize,
                                              void (*ctor)(void *))
{
    /* The heap aligns objects to their power-of-two size class; usercopy bounds and
     * accounting have no counterpart in the shim. */
    (void)align;
    (void)flags;
    (void)useroffset;
    (void)usersize;
    struct kmem_cache *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ctor = ctor;
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->size = size;
    return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
    free(s);
}

/* Objects belong to the allocating module, as kmalloc's do, for the leak check at unload. */
void *ks_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp, const char *owner, const char *file,
                          int line)
{
    void *p = ks_kmalloc(s->size, gfp, owner, file, line);
    if (p && s->ctor)
        s->ctor(p);
    return p;
}

void ks_kmem_cache_free(struct kmem_cache *s, void *p, const char *file, int line)
{
    (void)s;
    ks_kfree(p, file, line);
}

int ___ratelimit(struct ratelimit_state *rs, const char *func)
{
    (void)func;
    if (!rs->interval)
        return 1;
    if (!rs->begin || time_after(jiffies, rs->begin + (unsigned long)rs->interval)) {
        rs->begin = jiffies;
        rs->printed = 0;
    }
    if (rs->burst && rs->burst > rs->printed) {
        rs->printed++;
        return 1;
    }
    rs->missed++;
    return 0;
}
