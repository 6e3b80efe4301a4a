/* Guest memory for the ECKD tests: one host buffer, addresses from 0, a bump allocator. */
#ifndef TEST_FLATMEM_H
#define TEST_FLATMEM_H

#include <stdlib.h>
#include <string.h>

#include "eckd_ccw.h"

struct flatmem {
    uint8_t *b;
    size_t size, next;
};

static int fm_alloc(void *ctx, size_t len, size_t align, uint64_t *addr, cs_error *err)
{
    struct flatmem *f = ctx;
    size_t a = (f->next + align - 1) / align * align;
    if (a + len > f->size)
        return cs_error_set(err, "guest memory exhausted (%zu bytes wanted)", len);
    *addr = a;
    f->next = a + len;
    return 0;
}

static int fm_write(void *ctx, uint64_t addr, const void *buf, size_t len, cs_error *err)
{
    struct flatmem *f = ctx;
    if (addr + len > f->size)
        return cs_error_set(err, "write at %#llx outside guest memory", (unsigned long long)addr);
    memcpy(f->b + addr, buf, len);
    return 0;
}

static int fm_read(void *ctx, uint64_t addr, void *buf, size_t len, cs_error *err)
{
    struct flatmem *f = ctx;
    if (addr + len > f->size)
        return cs_error_set(err, "read at %#llx outside guest memory", (unsigned long long)addr);
    memcpy(buf, f->b + addr, len);
    return 0;
}

static inline void fm_init(struct flatmem *f, struct eckd_mem *m, size_t size, size_t first)
{
    f->b = calloc(1, size);
    f->size = size;
    f->next = first;
    m->ctx = f;
    m->alloc = fm_alloc;
    m->write = fm_write;
    m->read = fm_read;
}

#endif
