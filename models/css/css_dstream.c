/* CCW fetch and the data stream of one command (css_device.h): data chaining, direct and
 * indirect (format-1 and format-2 IDAW) addressing, skip and read backward. Address and
 * alignment rules follow css.md §1.3-1.4 and §3.1; every violation is a program check, a
 * refusal of the access hook a protection check, both recorded against the CCW in use. */
#include "css_internal.h"

#include <string.h>

#include "cs_machine.h"
#include "css_wire.h"
#include "cs_bytes.h"

#define CCW_TIC 0x08

static void tap_data(struct css_subch *s, uint64_t lo, uint64_t len, uint8_t flags)
{
    uint8_t rec[CSS_DATA_LEN];
    cs_put_be64(rec, lo);
    rec[8] = (uint8_t)(len >> 24);
    rec[9] = (uint8_t)(len >> 16);
    rec[10] = (uint8_t)(len >> 8);
    rec[11] = (uint8_t)len;
    rec[12] = flags;
    css_tap(s, (flags & CSS_DATA_STORE) ? CS_TAP_TO_GUEST : CS_TAP_TO_FW, CSS_K_DATA, rec,
            sizeof(rec));
}

/* 0, or the subchannel status bit saying why [gpa, gpa+len) cannot be used. */
static uint8_t storage_check(struct css_subch *s, uint64_t gpa, uint64_t len, int write)
{
    if (!cs_gmem_ptr(s->c->mem, gpa, len))
        return CST_PROG;
    int r = css_access(s->c, gpa, len, write);
    if (r && r != CSS_ACCESS_DATA_ERROR) {
        /* a refusal, not a storage error: recorded so that a monitor can name it (S22);
         * looking ahead (css_peek_ccw) records nothing, as it has no effect */
        uint8_t rec[CSS_ACCESS_DENIED_LEN];
        cs_put_be64(rec, gpa);
        rec[8] = (uint8_t)(len >> 24);
        rec[9] = (uint8_t)(len >> 16);
        rec[10] = (uint8_t)(len >> 8);
        rec[11] = (uint8_t)len;
        rec[12] = write ? 1 : 0;
        css_tap(s, CS_TAP_TO_FW, CSS_K_ACCESS_DENIED, rec, sizeof(rec));
    }
    if (r == CSS_ACCESS_DATA_ERROR) {
        if (!s->err_cstat) {
            s->err_faddr = gpa;
            s->err_faddr_valid = 1;
        }
        return CST_CDC;
    }
    return r ? CST_PROT : 0;
}

static void decode(const struct css_subch *s, const uint8_t *p, struct css_ccw *o)
{
    if (s->orb.fmt) {
        o->cmd = p[0];
        o->flags = p[1];
        o->count = (uint16_t)(p[2] << 8 | p[3]);
        o->cda = cs_be32(p + 4);
    } else if ((p[0] & 0x0f) == CCW_TIC) {
        /* format 0: any xxxx1000 is a TIC; flags and count are ignored */
        o->cmd = CCW_TIC;
        o->flags = 0;
        o->count = 0;
        o->cda = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    } else {
        o->cmd = p[0];
        o->cda = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        o->flags = p[4];
        o->count = (uint16_t)(p[6] << 8 | p[7]);
    }
}

int css_peek_ccw(struct css_subch *s, uint64_t addr, struct css_ccw *out)
{
    const uint8_t *p = (addr & 7) ? NULL : cs_gmem_ptr(s->c->mem, addr, 8);
    if (!p || css_access(s->c, addr, 8, 0))
        return -1;
    decode(s, p, out);
    return 0;
}

void css_tap_ccw(struct css_subch *s, const struct css_ccw *o)
{
    uint8_t w[8] = {o->cmd,
                    o->flags,
                    (uint8_t)(o->count >> 8),
                    (uint8_t)o->count,
                    (uint8_t)(o->cda >> 24),
                    (uint8_t)(o->cda >> 16),
                    (uint8_t)(o->cda >> 8),
                    (uint8_t)o->cda};
    css_tap(s, CS_TAP_TO_FW, CSS_K_CCW, w, sizeof(w));
}

/* One CCW fetch: a CCW address must be doubleword aligned, inside storage and accessible. */
static uint8_t fetch(struct css_subch *s, uint64_t addr, struct css_ccw *o)
{
    if (addr & 7)
        return CST_PROG;
    uint8_t why = storage_check(s, addr, 8, 0);
    if (why)
        return why;
    decode(s, cs_gmem_ptr(s->c->mem, addr, 8), o);
    css_tap_ccw(s, o);
    return 0;
}

int css_fetch_chained(struct css_subch *s, uint64_t addr, struct css_ccw *out, uint64_t *at)
{
    uint8_t why = fetch(s, addr, out);
    if (why) {
        /* the address came from the ORB or the previous CCW; reported as that CCW + 8 */
        css_program_check(s, why, addr + 8, 0);
        return -1;
    }
    *at = addr;
    if ((out->cmd & 0x0f) != CCW_TIC)
        return 0;
    /* A format-1 TIC is exactly 0x08 with no flags and no count; its target must be a
     * doubleword inside 31-bit storage and must not be another TIC. */
    if (out->cmd != CCW_TIC || out->flags || out->count || (out->cda & 0x80000007u)) {
        css_program_check(s, CST_PROG, addr + 8, 0);
        return -1;
    }
    uint64_t target = out->cda;
    why = fetch(s, target, out);
    if (why) {
        css_program_check(s, why, addr + 8, 0);
        return -1;
    }
    if ((out->cmd & 0x0f) == CCW_TIC) {
        css_program_check(s, CST_PROG, target + 8, out->count);
        return -1;
    }
    *at = target;
    return 0;
}

static unsigned idaw_width(const struct css_subch *s)
{
    return s->orb.c64 ? 8 : 4;
}

static uint64_t idaw_block(const struct css_subch *s)
{
    return s->orb.c64 && !s->orb.i2k ? 4096 : 2048;
}

/* Take up ccw as the CCW supplying data. */
static int use_ccw(struct css_dstream *ds, const struct css_ccw *ccw, uint64_t at)
{
    struct css_subch *s = ds->s;
    ds->ccw = *ccw;
    ds->ccw_addr = at;
    ds->left = ccw->count;
    ds->first_idaw = 1;
    ds->seg_left = 0;
    if (ccw->flags & CCW_IDA) {
        ds->idaw_next = ccw->cda;
        if (ccw->cda & (idaw_width(s) - 1)) {
            css_program_check(s, CST_PROG, at + 8, ccw->count);
            ds->error = 1;
            return -1;
        }
    } else {
        ds->addr = ccw->cda;
        ds->seg_left = ccw->count;
    }
    return 0;
}

int css_dstream_begin(struct css_subch *s, struct css_dstream *ds, const struct css_ccw *ccw,
                      uint64_t ccw_addr)
{
    memset(ds, 0, sizeof(*ds));
    ds->s = s;
    uint8_t low = ccw->cmd & 0x0f;
    ds->write_to_storage = (ccw->cmd & 3) == 2 || low == 0x4 || low == 0xc;
    ds->backward = low == 0xc;
    return use_ccw(ds, ccw, ccw_addr);
}

static int fail(struct css_dstream *ds, uint8_t why)
{
    css_program_check(ds->s, why, ds->ccw_addr + 8, (uint16_t)ds->left);
    ds->error = 1;
    return -1;
}

/* Count exhausted with CD: the next CCW continues the data area (a TIC may lead to it). */
static int next_data_ccw(struct css_dstream *ds)
{
    struct css_subch *s = ds->s;
    struct css_ccw n;
    uint64_t at;
    if (css_fetch_chained(s, ds->ccw_addr + 8, &n, &at) < 0) {
        ds->error = 1;
        return -1;
    }
    s->ccw_addr = at;
    /* the command code is ignored; a zero count, suspend and MIDAWs are not allowed */
    if (n.count == 0 || (n.flags & (CCW_S | CCW_MIDA))) {
        ds->ccw_addr = at;
        ds->left = n.count;
        return fail(ds, CST_PROG);
    }
    if (use_ccw(ds, &n, at) < 0)
        return -1;
    if (n.flags & CCW_PCI)
        css_pci(s, at);
    return 0;
}

/* The next IDAW: 4-byte format-1 IDAWs (31-bit, bit 0 zero) or 8-byte format-2 ones; every
 * IDAW after the first of a CCW starts a block (ends one, reading backward). */
static int next_idaw(struct css_dstream *ds)
{
    struct css_subch *s = ds->s;
    unsigned width = idaw_width(s);
    uint64_t block = idaw_block(s);
    uint8_t why = storage_check(s, ds->idaw_next, width, 0);
    if (why)
        return fail(ds, why);
    const uint8_t *p = cs_gmem_ptr(s->c->mem, ds->idaw_next, width);
    uint8_t rec[16];
    cs_put_be64(rec, ds->idaw_next);
    memcpy(rec + 8, p, width);
    css_tap(s, CS_TAP_TO_FW, CSS_K_IDAW, rec, 8 + width);
    uint64_t a;
    if (width == 8) {
        a = (uint64_t)cs_be32(p) << 32 | cs_be32(p + 4);
    } else {
        a = cs_be32(p);
        if (a & 0x80000000u)
            return fail(ds, CST_PROG);
    }
    uint64_t off = a & (block - 1);
    if (!ds->first_idaw && (ds->backward ? off != block - 1 : off != 0))
        return fail(ds, CST_PROG);
    ds->addr = a;
    ds->seg_left = ds->backward ? off + 1 : block - off;
    ds->idaw_next += width;
    ds->first_idaw = 0;
    return 0;
}

/* Move up to n bytes between buf and the chain's storage; to_storage: device -> storage. */
static long xfer(struct css_dstream *ds, uint8_t *buf, size_t n, int to_storage)
{
    struct css_subch *s = ds->s;
    if (ds->error)
        return -1;
    size_t moved = 0;
    while (moved < n) {
        if (ds->left == 0) {
            if (!(ds->ccw.flags & CCW_CD)) {
                ds->wanted_more = 1;
                break;
            }
            if (next_data_ccw(ds) < 0)
                return -1;
            continue;
        }
        if (ds->seg_left == 0 && next_idaw(ds) < 0)
            return -1;
        uint64_t chunk = n - moved;
        if (chunk > ds->left)
            chunk = ds->left;
        if (chunk > ds->seg_left)
            chunk = ds->seg_left;
        if (ds->local) {
            size_t room = ds->local_cap - ds->moved - moved;
            if (chunk > room)
                chunk = room;
            if (!chunk) {
                ds->wanted_more = 1;
                break;
            }
            memcpy(ds->local + ds->moved + moved, buf + moved, chunk);
        } else if (to_storage && ds->write_to_storage && (ds->ccw.flags & CCW_SKIP)) {
            tap_data(s, ds->backward ? ds->addr - (chunk - 1) : ds->addr, chunk,
                     CSS_DATA_STORE | CSS_DATA_SKIP);
        } else {
            uint64_t lo = ds->backward ? ds->addr - (chunk - 1) : ds->addr;
            /* format-0 CCWs address 24 bits directly; format-1 and IDAWs 31 or 64 */
            uint64_t limit = (ds->ccw.flags & CCW_IDA) ? (s->orb.c64 ? UINT64_MAX : 0x80000000u)
                                                       : (s->orb.fmt ? 0x80000000u : 0x1000000u);
            if (ds->backward && ds->addr < chunk - 1)
                return fail(ds, CST_PROG);
            if (lo >= limit || chunk > limit - lo)
                return fail(ds, CST_PROG);
            uint8_t why = storage_check(s, lo, chunk, to_storage);
            if (why)
                return fail(ds, why);
            uint8_t *m = cs_gmem_ptr(s->c->mem, lo, chunk);
            if (ds->backward) {
                /* the first byte the device sends lands at the highest address */
                for (uint64_t i = 0; i < chunk; i++)
                    m[chunk - 1 - i] = buf[moved + i];
            } else if (to_storage) {
                memcpy(m, buf + moved, chunk);
            } else {
                memcpy(buf + moved, m, chunk);
            }
            tap_data(s, lo, chunk,
                     (uint8_t)((to_storage ? CSS_DATA_STORE : 0) |
                               (ds->backward ? CSS_DATA_BACKWARD : 0)));
        }
        ds->left -= (uint32_t)chunk;
        ds->seg_left -= chunk;
        ds->addr = ds->backward ? ds->addr - chunk : ds->addr + chunk;
        moved += chunk;
    }
    ds->moved += moved;
    return (long)moved;
}

long css_dstream_write(struct css_dstream *ds, const void *buf, size_t n)
{
    return xfer(ds, (uint8_t *)(uintptr_t)buf, n, 1);
}

long css_dstream_read(struct css_dstream *ds, void *buf, size_t n)
{
    if (ds->local)
        return -1; /* the concurrent-sense stream only takes data */
    return xfer(ds, buf, n, 0);
}

size_t css_dstream_avail(const struct css_dstream *ds)
{
    if (ds->error)
        return 0;
    if (ds->local)
        return ds->local_cap - ds->moved;
    size_t total = ds->left;
    struct css_ccw c = ds->ccw;
    uint64_t at = ds->ccw_addr;
    /* later data-chained CCWs, read without side effects; a CCW that cannot be read ends
     * the sum (the transfer will report it when it gets there) */
    for (int i = 0; i < 256 && (c.flags & CCW_CD); i++) {
        if (css_peek_ccw(ds->s, at + 8, &c) < 0)
            break;
        at += 8;
        if ((c.cmd & 0x0f) == CCW_TIC) {
            at = c.cda;
            if (css_peek_ccw(ds->s, at, &c) < 0 || (c.cmd & 0x0f) == CCW_TIC)
                break;
        }
        total += c.count;
    }
    return total;
}
