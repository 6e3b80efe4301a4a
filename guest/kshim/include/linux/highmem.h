/* Temporary kernel mappings of pages: every page of guest memory, user pages included, has a
 * permanent host address in the shim, so mapping is page_address. */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H
#include <linux/mm.h>
#include <linux/mm_types.h>
static inline void *kmap_local_page(struct page *page)
{
    return page_address(page);
}
#define kunmap_local(addr) ((void)(addr))
static inline void *kmap(struct page *page)
{
    return page_address(page);
}
#define kunmap(page) ((void)(page))
/* kmap_atomic: no sleeping between map and unmap in the kernel; here every page is mapped */
#define kmap_atomic(page)   kmap(page)
#define kunmap_atomic(addr) ((void)(addr))
#endif
