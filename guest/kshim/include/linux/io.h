#ifndef _LINUX_IO_H
#define _LINUX_IO_H
#include "kshim/types.h"
/* Guest-physical addresses of kernel memory: offsets into the domain's memory. */
phys_addr_t ks_virt_to_phys(const volatile void *addr, const char *file, int line);
void *ks_phys_to_virt(phys_addr_t pa);
#define virt_to_phys(a)  ks_virt_to_phys(a, __FILE__, __LINE__)
#define phys_to_virt(pa) ks_phys_to_virt(pa)
#define __pa(a)          virt_to_phys((const void *)(a))
#define __va(pa)         phys_to_virt(pa)
#endif
