/* Scatter-gather lists as <linux/scatterlist.h> describes them: an array of entries, each a
 * page, an offset into it and a length; the last entry carries the end mark (bit 1 of
 * page_link), as in the kernel. Chained lists are not built by the shim. */
#ifndef _LINUX_SCATTERLIST_H
#define _LINUX_SCATTERLIST_H
#include "kshim/types.h"
#include <linux/mm_types.h>
#include <linux/string.h>

struct scatterlist {
    unsigned long page_link;
    unsigned int offset;
    unsigned int length;
    dma_addr_t dma_address;
    unsigned int dma_length;
};

struct sg_table {
    struct scatterlist *sgl;
    unsigned int nents;
    unsigned int orig_nents;
};

#define SG_END 0x02ul

static inline struct page *sg_page(struct scatterlist *sg)
{
    return (struct page *)(sg->page_link & ~0x03ul);
}
static inline bool sg_is_last(const struct scatterlist *sg)
{
    return (sg->page_link & SG_END) != 0;
}
static inline void sg_assign_page(struct scatterlist *sg, struct page *page)
{
    sg->page_link = (sg->page_link & SG_END) | (unsigned long)page;
}
static inline void sg_set_page(struct scatterlist *sg, struct page *page, unsigned int len,
                               unsigned int offset)
{
    sg_assign_page(sg, page);
    sg->offset = offset;
    sg->length = len;
}
static inline void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
    memset(sgl, 0, sizeof(*sgl) * nents);
    if (nents)
        sgl[nents - 1].page_link |= SG_END;
}
static inline void sg_mark_end(struct scatterlist *sg)
{
    sg->page_link |= SG_END;
}
static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
    return sg_is_last(sg) ? NULL : sg + 1;
}
static inline void *sg_virt(struct scatterlist *sg)
{
    return (char *)page_address(sg_page(sg)) + sg->offset;
}
static inline phys_addr_t sg_phys(struct scatterlist *sg)
{
    return page_to_phys(sg_page(sg)) + sg->offset;
}
#define sg_dma_address(sg) ((sg)->dma_address)
#define sg_dma_len(sg)     ((sg)->dma_length)
#define for_each_sg(sglist, sg, nr, __i)                                                           \
    for (__i = 0, sg = (sglist); __i < (nr); __i++, sg = sg_next(sg))
#endif
