/* Kernel memory inside guest-physical memory: a page allocator and a kmalloc over it, with the
 * checks of a debug kernel (SLUB poisoning and red zones, leak reports at module unload) and,
 * in the sanitizer build, ASan poisoning so that reads of freed memory are caught too.
 *
 * Layout of a domain's memory of size S: [0, S/8) stays free for firmware and models,
 * [S/8, S/4) is simulated user-process memory, [S/4, S) the kernel heap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/slab.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define poison(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define poison(p, n)   ((void)(p), (void)(n))
#define unpoison(p, n) ((void)(p), (void)(n))
#endif

#define POISON_FREE     0x6b        /* freed memory, as SLUB's POISON_FREE */
#define POISON_INUSE    0x5a        /* fresh kmalloc memory, as SLUB's POISON_INUSE */
#define REDZONE         0xcc        /* after each object */
#define MIN_CLASS_SHIFT 5           /* 32-byte objects */
#define MAX_CLASS_SHIFT 26          /* 64 MiB */
#define CHUNK           (64 * 1024) /* slab chunk for small classes */
#define QUARANTINE      4096        /* freed objects held back before reuse */

enum blk_state { BLK_LIVE = 1, BLK_FREED = 2, BLK_PAGES = 3 };

struct blk {
    u64 off; /* payload offset in guest memory; 0 marks an empty slot (the heap never starts at 0)
              */
    u64 size;
    u8 shift;
    u8 state;
    const char *owner, *file;
    int line;
    const char *free_file;
    int free_line;
};

struct ks_mem {
    u64 heap_lo, heap_hi; /* guest offsets */
    u8 *used;             /* a byte per heap page */
    u64 npages, hint;
    /* block table: open addressing on payload offset */
    struct blk *tab;
    u64 cap, count;
    /* per class: carving point and recycled offsets */
    u64 carve[MAX_CLASS_SHIFT + 1], carve_end[MAX_CLASS_SHIFT + 1];
    u64 *freelist[MAX_CLASS_SHIFT + 1];
    size_t nfree[MAX_CLASS_SHIFT + 1], capfree[MAX_CLASS_SHIFT + 1];
    u64 quarantine[QUARANTINE];
    size_t qhead, qlen;
    u64 live, live_bytes;
};

/* ---- kernels by address --------------------------------------------------------------- */

#define MAX_KERNELS 16
static struct ks_kernel *kernels[MAX_KERNELS];

void ks_kernel_register(struct ks_kernel *k)
{
    for (int i = 0; i < MAX_KERNELS; i++)
        if (!kernels[i]) {
            kernels[i] = k;
            return;
        }
}

void ks_kernel_unregister(struct ks_kernel *k)
{
    for (int i = 0; i < MAX_KERNELS; i++)
        if (kernels[i] == k)
            kernels[i] = NULL;
}

struct ks_kernel *ks_kernel_for_addr(const void *p)
{
    for (int i = 0; i < MAX_KERNELS; i++) {
        struct ks_kernel *k = kernels[i];
        if (k && (const u8 *)p >= k->dom->mem.host &&
            (const u8 *)p < k->dom->mem.host + k->dom->mem.size)
            return k;
    }
    return NULL;
}

static u8 *host(struct ks_kernel *k, u64 off)
{
    return k->dom->mem.host + off;
}

/* ---- pages ---------------------------------------------------------------------------- */

static u64 pages_alloc(struct ks_mem *m, unsigned order)
{
    u64 n = 1ull << order;
    /* order-aligned blocks, like the buddy allocator: DMA users rely on that alignment */
    for (int pass = 0; pass < 2; pass++) {
        u64 start = pass ? 0 : (m->hint & ~(n - 1));
        for (u64 i = start; i + n <= m->npages; i += n) {
            u64 j = 0;
            while (j < n && !m->used[i + j])
                j++;
            if (j == n) {
                memset(&m->used[i], 1, n);
                m->hint = i + n;
                return m->heap_lo + (i << PAGE_SHIFT);
            }
        }
    }
    return 0;
}

static void pages_free(struct ks_mem *m, u64 off, unsigned order)
{
    memset(&m->used[(off - m->heap_lo) >> PAGE_SHIFT], 0, 1ull << order);
}

/* ---- block table ---------------------------------------------------------------------- */

static u64 slot_of(u64 off, u64 cap)
{
    return (off * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
}

static struct blk *tab_find(struct ks_mem *m, u64 off)
{
    for (u64 i = slot_of(off, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->tab[i].off == off)
            return &m->tab[i];
        if (!m->tab[i].off)
            return NULL;
    }
}

static struct blk *tab_insert(struct ks_mem *m, const struct blk *b);

static void tab_grow(struct ks_mem *m)
{
    struct blk *old = m->tab;
    u64 oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 1024;
    m->tab = calloc(m->cap, sizeof(*m->tab));
    if (!m->tab)
        abort();
    m->count = 0;
    for (u64 i = 0; i < oldcap; i++)
        if (old[i].off)
            tab_insert(m, &old[i]);
    free(old);
}

static struct blk *tab_insert(struct ks_mem *m, const struct blk *b)
{
    if ((m->count + 1) * 2 > m->cap)
        tab_grow(m);
    u64 i = slot_of(b->off, m->cap);
    while (m->tab[i].off)
        i = (i + 1) & (m->cap - 1);
    m->tab[i] = *b;
    m->count++;
    return &m->tab[i];
}

/* Linear probing deletion by shifting later members of the cluster back. */
static void tab_remove(struct ks_mem *m, struct blk *b)
{
    u64 i = (u64)(b - m->tab);
    m->tab[i].off = 0;
    m->count--;
    for (u64 j = (i + 1) & (m->cap - 1); m->tab[j].off; j = (j + 1) & (m->cap - 1)) {
        struct blk e = m->tab[j];
        m->tab[j].off = 0;
        m->count--;
        tab_insert(m, &e);
    }
}

/* ---- objects -------------------------------------------------------------------------- */

static unsigned class_of(u64 size)
{
    unsigned s = MIN_CLASS_SHIFT;
    while (s <= MAX_CLASS_SHIFT && (1ull << s) < size + 16) /* 16 bytes of red zone at least */
        s++;
    return s;
}

static void push_free(struct ks_mem *m, unsigned shift, u64 off)
{
    if (m->nfree[shift] == m->capfree[shift]) {
        m->capfree[shift] = m->capfree[shift] ? 2 * m->capfree[shift] : 64;
        m->freelist[shift] = realloc(m->freelist[shift], m->capfree[shift] * sizeof(u64));
        if (!m->freelist[shift])
            abort();
    }
    m->freelist[shift][m->nfree[shift]++] = off;
}

static u64 obj_alloc(struct ks_mem *m, unsigned shift)
{
    if (m->nfree[shift])
        return m->freelist[shift][--m->nfree[shift]];
    u64 sz = 1ull << shift;
    if (sz >= CHUNK)
        return pages_alloc(m, (unsigned)(shift - PAGE_SHIFT));
    if (m->carve[shift] + sz > m->carve_end[shift]) {
        u64 c = pages_alloc(m, (unsigned)__builtin_ctzll(CHUNK >> PAGE_SHIFT));
        if (!c)
            return 0;
        m->carve[shift] = c;
        m->carve_end[shift] = c + CHUNK;
    }
    u64 off = m->carve[shift];
    m->carve[shift] += sz;
    return off;
}

static int bytes_are(const u8 *p, u64 n, u8 v, u64 *at)
{
    for (u64 i = 0; i < n; i++)
        if (p[i] != v) {
            *at = i;
            return 0;
        }
    return 1;
}

/* Leaving quarantine: a changed poison byte means someone wrote after the free. */
static void recycle(struct ks_kernel *k, u64 off)
{
    struct ks_mem *m = k->mem;
    struct blk *b = tab_find(m, off);
    if (!b || b->state != BLK_FREED)
        return;
    u8 *p = host(k, off);
    u64 at;
    unpoison(p, 1ull << b->shift);
    if (!bytes_are(p, b->size, POISON_FREE, &at))
        ks_report(
            KS_USE_AFTER_FREE, b->free_file, b->free_line,
            "object of %llu bytes allocated at %s:%d was written at offset %llu after this free",
            b->size, b->file, b->line, at);
    unsigned shift = b->shift;
    tab_remove(m, b);
    push_free(m, shift, off);
}

void *ks_kmalloc(size_t size, gfp_t gfp, const char *owner, const char *file, int line)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return NULL;
    if (gfp & __GFP_DIRECT_RECLAIM)
        ks_might_sleep(file, line, "kmalloc(GFP_KERNEL)");
    if (size == 0)
        return (void *)16; /* ZERO_SIZE_PTR: not NULL, never dereferenceable */
    unsigned shift = class_of(size);
    if (shift > MAX_CLASS_SHIFT)
        return NULL;
    struct ks_mem *m = k->mem;
    u64 off = obj_alloc(m, shift);
    if (!off && m->qlen) { /* memory pressure: give quarantined objects back early */
        while (m->qlen) {
            recycle(k, m->quarantine[m->qhead]);
            m->qhead = (m->qhead + 1) % QUARANTINE;
            m->qlen--;
        }
        off = obj_alloc(m, shift);
    }
    if (!off) {
        if (!(gfp & __GFP_NOWARN))
            printk(KERN_WARNING "%s:%d: kmalloc of %zu bytes failed: guest kernel heap is full",
                   file, line, size);
        return NULL;
    }
    struct blk b = {off, size, (u8)shift, BLK_LIVE, owner, file, line, NULL, 0};
    tab_insert(m, &b);
    u8 *p = host(k, off);
    unpoison(p, size);
    memset(p, (gfp & __GFP_ZERO) ? 0 : POISON_INUSE, size);
    u64 zone = (1ull << shift) - size;
    unpoison(p + size, zone);
    memset(p + size, REDZONE, zone);
    poison(p + size, zone);
    m->live++;
    m->live_bytes += size;
    return p;
}

static struct blk *lookup(struct ks_kernel *k, const void *p)
{
    return k ? tab_find(k->mem, (u64)((const u8 *)p - k->dom->mem.host)) : NULL;
}

void ks_kfree(const void *p, const char *file, int line)
{
    if (!p || p == (void *)16)
        return;
    struct ks_kernel *k = ks_kernel_for_addr(p);
    if (!k && ks_current_kernel() && (uintptr_t)p < ks_current_kernel()->dom->mem.size) {
        /* s390 maps kernel memory one to one, and vfio_ccw_cp frees an IDAL through the
         * physical address in its CCW (docs/findings.md): take a pointer that is the
         * guest-physical address of a live object of this kernel as that identity mapping. */
        struct ks_kernel *cur = ks_current_kernel();
        const void *v = cur->dom->mem.host + (uintptr_t)p;
        struct blk *vb = lookup(cur, v);
        if (vb && vb->state == BLK_LIVE) {
            k = cur;
            p = v;
        }
    }
    struct blk *b = lookup(k, p);
    if (!b || b->state == BLK_PAGES) {
        ks_report(KS_BAD_FREE, file, line, "kfree of %p, which kmalloc did not return", p);
        return;
    }
    if (b->state == BLK_FREED) {
        ks_report(KS_BAD_FREE, file, line,
                  "double kfree of an object allocated at %s:%d, first freed at %s:%d", b->file,
                  b->line, b->free_file, b->free_line);
        return;
    }
    struct ks_mem *m = k->mem;
    u8 *obj = (u8 *)p;
    u64 zone = (1ull << b->shift) - b->size, at;
    unpoison(obj + b->size, zone);
    if (!bytes_are(obj + b->size, zone, REDZONE, &at))
        ks_report(KS_OOB_WRITE, b->file, b->line,
                  "object of %llu bytes allocated here was written %llu bytes past its end (found "
                  "at kfree, %s:%d)",
                  b->size, at, file, line);
    memset(obj, POISON_FREE, 1ull << b->shift);
    poison(obj, 1ull << b->shift);
    b->state = BLK_FREED;
    b->free_file = file;
    b->free_line = line;
    m->live--;
    m->live_bytes -= b->size;
    u64 off = b->off; /* recycling below may move table entries */
    if (m->qlen == QUARANTINE) {
        recycle(k, m->quarantine[m->qhead]);
        m->qhead = (m->qhead + 1) % QUARANTINE;
        m->qlen--;
    }
    m->quarantine[(m->qhead + m->qlen++) % QUARANTINE] = off;
}

size_t ks_ksize(const void *p)
{
    struct blk *b = lookup(ks_kernel_for_addr(p), p);
    return b && b->state == BLK_LIVE ? (size_t)b->size : 0;
}

void *ks_krealloc(const void *p, size_t size, gfp_t gfp, const char *owner, const char *file,
                  int line)
{
    void *n = ks_kmalloc(size, gfp, owner, file, line);
    if (n && p) {
        size_t old = ks_ksize(p);
        memcpy(n, p, old < size ? old : size);
        ks_kfree(p, file, line);
    }
    return n;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
    void *p = ks_kmalloc(len, gfp, "kernel", __FILE__, __LINE__);
    if (p)
        memcpy(p, src, len);
    return p;
}

/* ---- whole pages ---------------------------------------------------------------------- */

unsigned long ks_get_pages(gfp_t gfp, unsigned int order, const char *owner, const char *file,
                           int line)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return 0;
    if (gfp & __GFP_DIRECT_RECLAIM)
        ks_might_sleep(file, line, "__get_free_pages(GFP_KERNEL)");
    u64 off = pages_alloc(k->mem, order);
    if (!off)
        return 0;
    u64 n = PAGE_SIZE << order;
    struct blk b = {off, n, (u8)(PAGE_SHIFT + order), BLK_PAGES, owner, file, line, NULL, 0};
    tab_insert(k->mem, &b);
    u8 *p = host(k, off);
    unpoison(p, n);
    memset(p, (gfp & __GFP_ZERO) ? 0 : POISON_INUSE, n);
    k->mem->live++;
    k->mem->live_bytes += n;
    return (unsigned long)p;
}

void ks_free_pages(unsigned long addr, unsigned int order, const char *file, int line)
{
    if (!addr)
        return;
    const void *p = (const void *)addr;
    struct ks_kernel *k = ks_kernel_for_addr(p);
    struct blk *b = lookup(k, p);
    if (!b || b->state != BLK_PAGES) {
        ks_report(KS_BAD_FREE, file, line,
                  "free_pages of %p, which the page allocator did not return (or freed twice)", p);
        return;
    }
    if (b->shift != PAGE_SHIFT + order)
        ks_report(KS_BAD_FREE, file, line,
                  "free_pages with order %u of pages allocated with order %d at %s:%d", order,
                  b->shift - PAGE_SHIFT, b->file, b->line);
    u64 n = b->size;
    memset((void *)p, POISON_FREE, n);
    poison(p, n);
    k->mem->live--;
    k->mem->live_bytes -= n;
    pages_free(k->mem, b->off, (unsigned)(b->shift - PAGE_SHIFT));
    tab_remove(k->mem, b);
}

/* ---- struct page and addresses -------------------------------------------------------- */

struct page *virt_to_page(const void *addr)
{
    struct ks_kernel *k = ks_kernel_for_addr(addr);
    if (!k)
        return NULL;
    u64 pfn = (u64)((const u8 *)addr - k->dom->mem.host) >> PAGE_SHIFT;
    struct page *pg = &k->pages[pfn];
    pg->ks_virt = k->dom->mem.host + (pfn << PAGE_SHIFT);
    return pg;
}

void *page_address(const struct page *page)
{
    return page ? page->ks_virt : NULL;
}

phys_addr_t page_to_phys(const struct page *page)
{
    struct ks_kernel *k = ks_kernel_for_addr(page->ks_virt);
    return k ? (phys_addr_t)((u8 *)page->ks_virt - k->dom->mem.host) : ~(phys_addr_t)0;
}

unsigned long page_to_pfn(const struct page *page)
{
    return (unsigned long)(page_to_phys(page) >> PAGE_SHIFT);
}

struct page *pfn_to_page(unsigned long pfn)
{
    return virt_to_page(ks_phys_to_virt((phys_addr_t)pfn << PAGE_SHIFT));
}

phys_addr_t ks_virt_to_phys(const volatile void *addr, const char *file, int line)
{
    struct ks_kernel *k = ks_kernel_for_addr((const void *)addr);
    if (!k) {
        /* Static driver data lives in the host program, not in guest memory: it has no
         * guest-physical address a device could use. */
        printk(KERN_ERR "%s:%d: virt_to_phys(%p): not guest memory", file, line,
               (const void *)addr);
        return ~(phys_addr_t)0;
    }
    return (phys_addr_t)((const u8 *)addr - k->dom->mem.host);
}

void *ks_phys_to_virt(phys_addr_t pa)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k || pa >= k->dom->mem.size)
        return NULL;
    return k->dom->mem.host + pa;
}

/* ---- DMA ------------------------------------------------------------------------------ */

struct ks_dma_map {
    struct list_head node;
    struct device *dev;
    u64 addr, size;
    int dir;
    const char *owner, *file;
    int line;
};

dma_addr_t ks_dma_map(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir,
                      const char *owner, const char *file, int line)
{
    struct ks_kernel *k = ks_kernel_for_addr(ptr);
    if (!k || size == 0)
        return DMA_MAPPING_ERROR;
    struct ks_dma_map *d = malloc(sizeof(*d));
    if (!d)
        abort();
    *d = (struct ks_dma_map){
        {NULL, NULL}, dev, (u64)((u8 *)ptr - k->dom->mem.host), size, (int)dir, owner, file, line};
    list_add_tail(&d->node, &k->dma_maps);
    return d->addr;
}

void ks_dma_unmap(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir,
                  const char *file, int line)
{
    (void)dir;
    struct ks_kernel *k = ks_current_kernel();
    struct ks_dma_map *d;
    if (k)
        list_for_each_entry(d, &k->dma_maps, node)
        {
            if (d->addr == addr && d->dev == dev) {
                if (d->size != size)
                    ks_report(KS_BAD_FREE, file, line,
                              "dma_unmap of %zu bytes at 0x%llx mapped with %llu bytes at %s:%d",
                              size, addr, d->size, d->file, d->line);
                list_del(&d->node);
                free(d);
                return;
            }
        }
    ks_report(KS_BAD_FREE, file, line, "dma_unmap of 0x%llx, which is not mapped", addr);
}

void *ks_dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp,
                            const char *owner, const char *file, int line)
{
    unsigned order = (unsigned)ks_get_order(size);
    void *p = (void *)ks_get_pages(gfp | __GFP_ZERO, order, owner, file, line);
    if (!p)
        return NULL;
    *handle = ks_dma_map(dev, p, PAGE_SIZE << order, DMA_BIDIRECTIONAL, owner, file, line);
    return p;
}

void ks_dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle,
                          const char *file, int line)
{
    unsigned order = (unsigned)ks_get_order(size);
    ks_dma_unmap(dev, handle, PAGE_SIZE << order, DMA_BIDIRECTIONAL, file, line);
    ks_free_pages((unsigned long)cpu, order, file, line);
}

int ks_kmem_in_use(struct ks_kernel *k, uint64_t gpa, uint64_t len)
{
    struct ks_mem *m = k->mem;
    if (!m || !len || gpa + len < gpa || gpa < m->heap_lo || gpa + len > m->heap_hi)
        return 0;
    for (u64 pg = (gpa - m->heap_lo) >> PAGE_SHIFT;
         pg <= (gpa + len - 1 - m->heap_lo) >> PAGE_SHIFT; pg++)
        if (!m->used[pg])
            return 0;
    return 1;
}

int ks_dma_is_mapped(struct ks_kernel *k, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    if (!k || !len || end < addr)
        return 0;
    /* Mappings may abut or overlap: walk from mapping to mapping until the range is covered. */
    while (addr < end) {
        struct ks_dma_map *d, *hit = NULL;
        list_for_each_entry(d, &k->dma_maps, node)
        {
            if (addr >= d->addr && addr - d->addr < d->size) {
                hit = d;
                break;
            }
        }
        if (!hit)
            return 0;
        addr = hit->addr + hit->size;
    }
    return 1;
}

int ks_dma_report_leaks(struct ks_kernel *k, const char *module)
{
    int n = 0;
    struct ks_dma_map *d, *t;
    list_for_each_entry_safe(d, t, &k->dma_maps, node)
    {
        if (strcmp(d->owner, module) != 0)
            continue;
        ks_report(KS_LEAK, d->file, d->line,
                  "DMA mapping of %llu bytes at 0x%llx made here is still mapped when module %s "
                  "unloads",
                  d->size, d->addr, module);
        list_del(&d->node);
        free(d);
        n++;
    }
    return n;
}

/* ---- lifetime ------------------------------------------------------------------------- */

int ks_mem_init(struct ks_kernel *k, cs_error *err)
{
    u64 size = k->dom->mem.size;
    if (size < 16 * PAGE_SIZE)
        return cs_error_set(err, "kernel %s: domain memory of %llu bytes is too small", k->name,
                            size);
    struct ks_mem *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->heap_lo = PAGE_ALIGN(size / 4);
    m->heap_hi = size & PAGE_MASK;
    m->npages = (m->heap_hi - m->heap_lo) >> PAGE_SHIFT;
    m->used = calloc(m->npages, 1);
    k->npages = size >> PAGE_SHIFT;
    k->pages = calloc(k->npages, sizeof(*k->pages));
    if (!m->used || !k->pages)
        abort();
    k->user_lo = k->user_next = PAGE_ALIGN(size / 8);
    k->user_hi = m->heap_lo;
    k->mem = m;
    tab_grow(m);
    /* Nothing in the heap is valid until it is allocated. */
    poison(host(k, m->heap_lo), m->heap_hi - m->heap_lo);
    return 0;
}

void ks_mem_release(struct ks_kernel *k)
{
    struct ks_mem *m = k->mem;
    if (!m)
        return;
    struct ks_dma_map *d, *t;
    list_for_each_entry_safe(d, t, &k->dma_maps, node)
    {
        list_del(&d->node);
        free(d);
    }
    unpoison(host(k, m->heap_lo), m->heap_hi - m->heap_lo);
    for (int i = 0; i <= MAX_CLASS_SHIFT; i++)
        free(m->freelist[i]);
    free(m->tab);
    free(m->used);
    free(m);
    free(k->pages);
    k->mem = NULL;
}

void ks_mem_report_leaks(struct ks_kernel *k, const char *module)
{
    struct ks_mem *m = k->mem;
    for (u64 i = 0; i < m->cap; i++) {
        struct blk *b = &m->tab[i];
        if (!b->off || b->state == BLK_FREED || strcmp(b->owner, module) != 0)
            continue;
        ks_report(KS_LEAK, b->file, b->line,
                  "%s of %llu bytes allocated here is still allocated when module %s "
                  "unloads",
                  b->state == BLK_PAGES ? "page block" : "object", b->size, module);
    }
}

/* Objects still in quarantine are checked when a module unloads too, so that a write after
 * free is reported even when the heap never gets busy enough to recycle the object. */
void ks_mem_check_freed(struct ks_kernel *k)
{
    struct ks_mem *m = k->mem;
    for (size_t i = 0; i < m->qlen; i++) {
        struct blk *b = tab_find(m, m->quarantine[(m->qhead + i) % QUARANTINE]);
        if (!b || b->state != BLK_FREED)
            continue;
        u8 *p = host(k, b->off);
        u64 at;
        unpoison(p, b->size);
        if (!bytes_are(p, b->size, POISON_FREE, &at)) {
            ks_report(KS_USE_AFTER_FREE, b->free_file, b->free_line,
                      "object of %llu bytes allocated at %s:%d was written at offset "
                      "%llu after this free",
                      b->size, b->file, b->line, at);
            memset(p, POISON_FREE, b->size); /* report each write once */
        }
        poison(p, b->size);
    }
}

void ks_mem_stats(const struct ks_kernel *k, uint64_t *live, uint64_t *bytes)
{
    *live = k->mem ? k->mem->live : 0;
    *bytes = k->mem ? k->mem->live_bytes : 0;
}
