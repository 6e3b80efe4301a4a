#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H
#include "kshim/types.h"
/* Only the bits that change behaviour here: whether the allocation may sleep, and zeroing. */
#define __GFP_DIRECT_RECLAIM       0x400u
#define __GFP_ZERO                 0x100u
#define __GFP_NOWARN               0x200u
#define __GFP_DMA                  0x01u
#define __GFP_HIGHMEM              0x02u
#define __GFP_DMA32                0x04u
#define __GFP_NORETRY              0x1000u
#define GFP_ATOMIC                 0x20u
#define GFP_NOWAIT                 0u
#define GFP_KERNEL                 (__GFP_DIRECT_RECLAIM | 0x40u | 0x80u)
#define GFP_NOIO                   (__GFP_DIRECT_RECLAIM)
#define GFP_NOFS                   (__GFP_DIRECT_RECLAIM | 0x40u)
#define GFP_USER                   GFP_KERNEL
#define GFP_DMA                    __GFP_DMA
#define GFP_DMA32                  __GFP_DMA32
#define GFP_KERNEL_ACCOUNT         GFP_KERNEL
#define gfpflags_allow_blocking(f) (!!((f)&__GFP_DIRECT_RECLAIM))

#include <linux/mm_types.h>

#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "kernel"
#endif
unsigned long ks_get_pages(gfp_t gfp, unsigned int order, const char *owner, const char *file,
                           int line);
void ks_free_pages(unsigned long addr, unsigned int order, const char *file, int line);
#define __get_free_pages(gfp, order) ks_get_pages(gfp, order, KBUILD_MODNAME, __FILE__, __LINE__)
#define __get_free_page(gfp)         __get_free_pages(gfp, 0)
#define get_zeroed_page(gfp)         __get_free_pages((gfp) | __GFP_ZERO, 0)
#define free_pages(addr, order)      ks_free_pages((unsigned long)(addr), order, __FILE__, __LINE__)
#define free_page(addr)              free_pages(addr, 0)
#define alloc_pages(gfp, order)      virt_to_page((void *)__get_free_pages(gfp, order))
#define alloc_page(gfp)              alloc_pages(gfp, 0)
#define __free_pages(page, order)    free_pages((unsigned long)page_address(page), order)
#define __free_page(page)            __free_pages(page, 0)
#endif
