#include "eckd_gmem.h"

static int g_alloc(void *ctx, size_t len, size_t align, uint64_t *addr, cs_error *err)
{
    struct eckd_gmem *g = ctx;
    if (!align)
        align = 1;
    uint64_t a = (g->next + align - 1) / align * align;
    if (a > g->end || len > g->end - a)
        return cs_error_set(err, "guest memory window %#llx..%#llx exhausted (%zu bytes wanted)",
                            (unsigned long long)g->base, (unsigned long long)g->end, len);
    *addr = a;
    g->next = a + len;
    return 0;
}

static int g_write(void *ctx, uint64_t addr, const void *buf, size_t len, cs_error *err)
{
    struct eckd_gmem *g = ctx;
    return cs_gmem_write(g->mem, addr, buf, len, err);
}

static int g_read(void *ctx, uint64_t addr, void *buf, size_t len, cs_error *err)
{
    struct eckd_gmem *g = ctx;
    return cs_gmem_read(g->mem, addr, buf, len, err);
}

int eckd_gmem_init(struct eckd_gmem *g, struct eckd_mem *m, struct cs_gmem *mem, uint64_t base,
                   uint64_t end, cs_error *err)
{
    if (base >= end || !cs_gmem_ptr(mem, base, end - base))
        return cs_error_set(err, "guest memory window %#llx..%#llx outside %s's %llu bytes",
                            (unsigned long long)base, (unsigned long long)end,
                            mem->owner ? mem->owner : "the domain", (unsigned long long)mem->size);
    g->mem = mem;
    g->base = g->next = base;
    g->end = end;
    *m = (struct eckd_mem){g, g_alloc, g_write, g_read};
    return 0;
}

void eckd_gmem_reset(struct eckd_gmem *g)
{
    g->next = g->base;
}
