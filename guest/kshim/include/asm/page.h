#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H
#define PAGE_SHIFT        12
#define PAGE_SIZE         (1UL << PAGE_SHIFT)
#define PAGE_MASK         (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)     (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
/* Storage key of kernel pages: 0, access to all (channel programs run with it). */
#define PAGE_DEFAULT_ACC 0
#define PAGE_DEFAULT_KEY (PAGE_DEFAULT_ACC << 4)
#define get_order(size)  ks_get_order(size)
static inline int ks_get_order(unsigned long size)
{
    int order = 0;
    size = (size - 1) >> PAGE_SHIFT;
    while (size) {
        order++;
        size >>= 1;
    }
    return order;
}
#endif
