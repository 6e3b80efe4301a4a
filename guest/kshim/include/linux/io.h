#ifndef _LINUX_IO_H
#define _LINUX_IO_H
#include "kshim/types.h"
#include <linux/string.h>
/* Guest-physical addresses of kernel memory: offsets into the domain's memory. */
phys_addr_t ks_virt_to_phys(const volatile void *addr, const char *file, int line);
void *ks_phys_to_virt(phys_addr_t pa);
#define virt_to_phys(a)  ks_virt_to_phys(a, __FILE__, __LINE__)
#define phys_to_virt(pa) ks_phys_to_virt(pa)
#define __pa(a)          virt_to_phys((const void *)(a))
#define __va(pa)         phys_to_virt(pa)
/* memremap of guest-physical memory the firmware owns (channels): a pointer into the domain's
 * memory, NULL when the range is not all inside it. Nothing to undo. */
enum { MEMREMAP_WB = 1, MEMREMAP_WT = 2, MEMREMAP_WC = 4, MEMREMAP_ENC = 8, MEMREMAP_DEC = 16 };
void *ks_memremap(resource_size_t offset, size_t size, unsigned long flags);
#define memremap(off, size, flags) ks_memremap(off, size, flags)
#define memunmap(p)                ((void)(p))
#define ioremap_cache(off, size)   ks_memremap(off, size, MEMREMAP_WB)
#define readq(p)                   (*(const volatile u64 *)(p))
#define readl(p)                   (*(const volatile u32 *)(p))
#define writeq(v, p)               (*(volatile u64 *)(p) = (v))
#define writel(v, p)               (*(volatile u32 *)(p) = (v))
#define memcpy_fromio(d, s, n)     memcpy(d, (const void *)(s), n)
#define memcpy_toio(d, s, n)       memcpy((void *)(d), s, n)
#endif
