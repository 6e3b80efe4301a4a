/* ID allocation (<linux/idr.h>): integers mapped to pointers, the lowest free id handed out.
 * The map is kernel memory charged to the caller's module, so a driver that never calls
 * idr_destroy is told at unload (K5), as kmemleak would. idr_preload has nothing to reserve:
 * the map grows with GFP_ATOMIC, which never sleeps. */
#ifndef _LINUX_IDR_H
#define _LINUX_IDR_H
#include "kshim/types.h"
#include <linux/gfp.h>

struct idr {
    void **ks_slots; /* ks_slots[id], NULL when free */
    unsigned int ks_cap;
    unsigned int ks_count;
};

#define IDR_INIT(name)                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
#define DEFINE_IDR(name) struct idr name = IDR_INIT(name)

static inline void idr_init(struct idr *idr)
{
    idr->ks_slots = NULL;
    idr->ks_cap = 0;
    idr->ks_count = 0;
}
/* The lowest free id in [start, end) (end <= 0: up to INT_MAX), or -ENOSPC / -ENOMEM. */
int ks_idr_alloc(struct idr *idr, void *ptr, int start, int end, gfp_t gfp, const char *owner,
                 const char *file, int line);
#define idr_alloc(idr, ptr, start, end, gfp)                                                       \
    ks_idr_alloc(idr, ptr, start, end, gfp, KBUILD_MODNAME, __FILE__, __LINE__)
void *idr_find(const struct idr *idr, unsigned long id);
/* Forget id; returns the pointer it mapped, NULL if it was not allocated. */
void *idr_remove(struct idr *idr, unsigned long id);
void *idr_replace(struct idr *idr, void *ptr, unsigned long id);
void ks_idr_destroy(struct idr *idr, const char *file, int line);
#define idr_destroy(idr) ks_idr_destroy(idr, __FILE__, __LINE__)
static inline bool idr_is_empty(const struct idr *idr)
{
    return idr->ks_count == 0;
}
static inline void idr_preload(gfp_t gfp)
{
    (void)gfp;
}
static inline void idr_preload_end(void)
{
}
#endif
