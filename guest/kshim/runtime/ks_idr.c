/* <linux/idr.h>: a table indexed by id, grown on demand in the caller's kernel memory. */
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kshim/types.h"

/* what a slot holds for an id allocated with a NULL pointer: taken, found as NULL */
static char reserved;
#define RESERVED ((void *)&reserved)

static void *value(void *slot)
{
    return slot == RESERVED ? NULL : slot;
}

int ks_idr_alloc(struct idr *idr, void *ptr, int start, int end, gfp_t gfp, const char *owner,
                 const char *file, int line)
{
    (void)gfp;
    unsigned int hi = end <= 0 ? (unsigned int)INT_MAX : (unsigned int)end;
    if (start < 0 || (unsigned int)start >= hi)
        return -EINVAL;
    unsigned int id = (unsigned int)start;
    while (id < idr->ks_cap && idr->ks_slots[id])
        id++;
    if (id >= hi)
        return -ENOSPC;
    if (id >= idr->ks_cap) {
        unsigned int cap = idr->ks_cap ? idr->ks_cap : 16;
        while (cap <= id)
            cap *= 2;
        void **n = ks_kmalloc(cap * sizeof(*n), GFP_ATOMIC | __GFP_ZERO, owner, file, line);
        if (!n)
            return -ENOMEM;
        if (idr->ks_slots) {
            memcpy(n, idr->ks_slots, idr->ks_cap * sizeof(*n));
            ks_kfree(idr->ks_slots, file, line);
        }
        idr->ks_slots = n;
        idr->ks_cap = cap;
    }
    /* a NULL pointer reserves the id (the kernel's idiom before idr_replace) */
    idr->ks_slots[id] = ptr ? ptr : RESERVED;
    idr->ks_count++;
    return (int)id;
}

void *idr_find(const struct idr *idr, unsigned long id)
{
    return id < idr->ks_cap ? value(idr->ks_slots[id]) : NULL;
}

void *idr_remove(struct idr *idr, unsigned long id)
{
    if (id >= idr->ks_cap || !idr->ks_slots[id])
        return NULL;
    void *p = value(idr->ks_slots[id]);
    idr->ks_slots[id] = NULL;
    idr->ks_count--;
    return p;
}

void *idr_replace(struct idr *idr, void *ptr, unsigned long id)
{
    if (id >= idr->ks_cap || !idr->ks_slots[id])
        return ERR_PTR(-ENOENT);
    void *old = value(idr->ks_slots[id]);
    idr->ks_slots[id] = ptr ? ptr : RESERVED;
    return old;
}

void ks_idr_destroy(struct idr *idr, const char *file, int line)
{
    if (idr->ks_slots)
        ks_kfree(idr->ks_slots, file, line);
    idr->ks_slots = NULL;
    idr->ks_cap = 0;
    idr->ks_count = 0;
}
