#include "eckd_ccw.h"
#include "cs_bytes.h"

#include <stdlib.h>
#include <string.h>

void eckd_ccw_encode(const struct eckd_ccw *c, uint8_t out[8])
{
    out[0] = c->cmd;
    out[1] = c->flags;
    out[2] = (uint8_t)(c->count >> 8);
    out[3] = (uint8_t)c->count;
    cs_put_be32(out + 4, c->addr);
}

void eckd_ccw_decode(const uint8_t in[8], struct eckd_ccw *c)
{
    c->cmd = in[0];
    c->flags = in[1];
    c->count = (uint16_t)(in[2] << 8 | in[3]);
    c->addr = cs_be32(in + 4);
}

void eckd_orb_encode(const struct eckd_orb *o, uint8_t out[ECKD_ORB_LEN])
{
    memset(out, 0, ECKD_ORB_LEN);
    cs_put_be32(out, o->intparm);
    cs_put_be32(out + 4, o->ctl);
    cs_put_be32(out + 8, o->cpa);
}

void eckd_orb_decode(const uint8_t in[ECKD_ORB_LEN], struct eckd_orb *o)
{
    o->intparm = cs_be32(in);
    o->ctl = cs_be32(in + 4);
    o->cpa = cs_be32(in + 8);
}

void eckd_chain_init(struct eckd_chain *ch)
{
    ch->n = 0;
}

int eckd_chain_add(struct eckd_chain *ch, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t addr,
                   cs_error *err)
{
    if (ch->n >= ECKD_MAX_CCWS)
        return cs_error_set(err, "channel program longer than %d CCWs", ECKD_MAX_CCWS);
    /* command chaining on the CCW before, unless it is a TIC: a format-1 TIC must have zero
     * flags and count (the channel branches on from it anyway) */
    if (ch->n && ch->tic_to[ch->n - 1] < 0)
        ch->ccw[ch->n - 1].flags |= ECKD_CCW_CC;
    ch->ccw[ch->n] = (struct eckd_ccw){cmd, flags, count, addr};
    ch->tic_to[ch->n] = -1;
    return (int)ch->n++;
}

int eckd_chain_tic(struct eckd_chain *ch, unsigned target, cs_error *err)
{
    if (target >= ch->n)
        return cs_error_set(err, "TIC to CCW %u of a chain of %u", target, ch->n);
    /* a format-1 TIC has zero flags and count; the CCW before it chains to it */
    int i = eckd_chain_add(ch, ECKD_CMD_TIC, 0, 0, 0, err);
    if (i >= 0)
        ch->tic_to[i] = (int)target;
    return i;
}

int eckd_mem_put(const struct eckd_mem *m, const void *buf, size_t len, uint64_t *addr,
                 cs_error *err)
{
    if (m->alloc(m->ctx, len, 8, addr, err) < 0)
        return -1;
    if (*addr + len > 0x80000000u)
        return cs_error_set(err, "guest address %#llx beyond the 31-bit CCW reach",
                            (unsigned long long)*addr);
    return m->write(m->ctx, *addr, buf, len, err);
}

int eckd_chain_place(const struct eckd_mem *m, const struct eckd_chain *ch, uint64_t *cpa,
                     cs_error *err)
{
    if (!ch->n)
        return cs_error_set(err, "empty channel program");
    uint64_t base;
    if (m->alloc(m->ctx, ch->n * 8u, 8, &base, err) < 0)
        return -1;
    if (base + ch->n * 8u > 0x80000000u)
        return cs_error_set(err, "channel program at %#llx beyond the 31-bit CCW reach",
                            (unsigned long long)base);
    uint8_t *bytes = malloc(ch->n * 8u);
    if (!bytes)
        return cs_error_set(err, "out of memory");
    for (unsigned i = 0; i < ch->n; i++) {
        struct eckd_ccw c = ch->ccw[i];
        if (ch->tic_to[i] >= 0)
            c.addr = (uint32_t)(base + 8u * (unsigned)ch->tic_to[i]);
        eckd_ccw_encode(&c, bytes + 8 * i);
    }
    int rc = m->write(m->ctx, base, bytes, ch->n * 8u, err);
    free(bytes);
    *cpa = base;
    return rc;
}

int eckd_idal_build(const struct eckd_mem *m, uint64_t addr, size_t len, uint64_t *list,
                    unsigned *nidaw, cs_error *err)
{
    uint64_t end = addr + (len ? len : 1);
    unsigned n = (unsigned)(((end - 1) >> 12) - (addr >> 12) + 1);
    uint8_t *b = malloc(n * 8u);
    if (!b)
        return cs_error_set(err, "out of memory");
    uint64_t a = addr;
    for (unsigned i = 0; i < n; i++) {
        for (int k = 0; k < 8; k++)
            b[8 * i + k] = (uint8_t)(a >> (56 - 8 * k));
        a = (a & ~(uint64_t)0xFFF) + 0x1000;
    }
    int rc = eckd_mem_put(m, b, n * 8u, list, err);
    free(b);
    *nidaw = n;
    return rc;
}
