#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H
#include "kshim/types.h"
#include <asm/page.h>
/* One per page of a guest kernel's memory; the page's address is derived from its place in
 * the owning kernel's map. */
struct page {
    unsigned long flags;
    void *ks_virt;
};
struct page *virt_to_page(const void *addr);
void *page_address(const struct page *page);
phys_addr_t page_to_phys(const struct page *page);
unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
#define virt_addr_valid(a) (virt_to_page(a) != NULL)
#endif
