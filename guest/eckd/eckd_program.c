#include "eckd_program.h"
#include "cs_bytes.h"

#include <string.h>

static void finish(struct eckd_program *p, uint64_t cpa, unsigned nccw, unsigned flags,
                   uint32_t intparm)
{
    p->cpa = cpa;
    p->nccw = nccw;
    p->orb.intparm = intparm;
    p->orb.cpa = (uint32_t)cpa;
    p->orb.ctl = ECKD_ORB_F | ECKD_ORB_LPM(0xFF) | (flags & ECKD_NO_PREFETCH ? 0 : ECKD_ORB_P) |
                 (p->idaws ? ECKD_ORB_H : 0) | (flags & ECKD_SUSPEND ? ECKD_ORB_S : 0);
    eckd_orb_encode(&p->orb, p->orb_bytes);
}

static int check_geom(const struct eckd_geom *g, cs_error *err)
{
    if (!g->cylinders || !g->heads || !g->blocks_per_track || !g->block_size ||
        g->block_size > 0xFFFF)
        return cs_error_set(err, "geometry %u cylinders x %u heads, %u blocks of %u bytes a track",
                            g->cylinders, g->heads, g->blocks_per_track, g->block_size);
    return 0;
}

/* A data CCW for [addr, addr+len): direct when it stays in one 4 KiB page below 2 GiB and IDAL
 * is not forced, otherwise through a format-2 IDAW list. */
static int add_data(const struct eckd_mem *m, struct eckd_chain *ch, uint8_t cmd, uint8_t flags,
                    uint64_t addr, uint32_t len, unsigned bflags, struct eckd_program *p,
                    cs_error *err)
{
    int direct = !(bflags & ECKD_FORCE_IDAL) && (addr >> 12) == ((addr + len - 1) >> 12) &&
                 addr + len <= 0x80000000u;
    if (direct)
        return eckd_chain_add(ch, cmd, flags, (uint16_t)len, (uint32_t)addr, err);
    uint64_t list;
    unsigned n;
    if (eckd_idal_build(m, addr, len, &list, &n, err) < 0)
        return -1;
    p->idaws += n;
    return eckd_chain_add(ch, cmd, flags | ECKD_CCW_IDA, (uint16_t)len, (uint32_t)list, err);
}

static void cchhr(uint8_t *b, const struct eckd_geom *g, uint64_t trk, unsigned rec)
{
    cs_put_be16(b, (uint32_t)(trk / g->heads));
    cs_put_be16(b + 2, (uint32_t)(trk % g->heads));
    if (rec <= 0xFF)
        b[4] = (uint8_t)rec;
}

int eckd_build_rw(const struct eckd_mem *m, const struct eckd_geom *g, enum eckd_dir dir,
                  uint64_t first, unsigned nblocks, uint64_t data, unsigned flags, uint32_t intparm,
                  struct eckd_program *p, cs_error *err)
{
    memset(p, 0, sizeof *p);
    if (check_geom(g, err) < 0)
        return -1;
    uint64_t total = (uint64_t)g->cylinders * g->heads * g->blocks_per_track;
    if (!nblocks || first >= total || nblocks > total - first)
        return cs_error_set(err, "blocks %llu..%llu outside the volume's %llu blocks",
                            (unsigned long long)first, (unsigned long long)(first + nblocks) - 1,
                            (unsigned long long)total);
    uint64_t ftrk = first / g->blocks_per_track;
    uint64_t ltrk = (first + nblocks - 1) / g->blocks_per_track;
    struct eckd_chain chain;
    struct eckd_chain *ch = &chain;
    eckd_chain_init(ch);

    /* Define Extent: 32 bytes as Linux builds them; reads inhibit all writes, writes may only
     * update (file mask 0x40 / 0x80). */
    uint8_t dx[32] = {0};
    dx[0] = dir == ECKD_READ ? 0x40 : 0x80;
    cs_put_be16(dx + 2, g->block_size);
    cchhr(dx + 8, g, ftrk, 0x100);
    cchhr(dx + 12, g, ltrk, 0x100);
    uint64_t a;
    if (eckd_mem_put(m, dx, sizeof dx, &a, err) < 0 ||
        eckd_chain_add(ch, 0x63, 0, sizeof dx, (uint32_t)a, err) < 0)
        return -1;

    int first_data = -1, last = -1;
    for (unsigned done = 0; done < nblocks;) {
        unsigned n = nblocks - done < ECKD_LR_MAX ? nblocks - done : ECKD_LR_MAX;
        uint64_t b = first + done;
        uint8_t lr[16] = {0};
        lr[0] = dir == ECKD_READ ? 0x06 : 0x01;
        lr[1] = dir == ECKD_READ ? 0x00 : 0x80; /* writes: last bytes used valid */
        lr[3] = (uint8_t)n;
        cchhr(lr + 4, g, b / g->blocks_per_track, 0x100);
        cchhr(lr + 8, g, b / g->blocks_per_track, (unsigned)(b % g->blocks_per_track) + 1);
        cs_put_be16(lr + 14, g->block_size);
        if (eckd_mem_put(m, lr, sizeof lr, &a, err) < 0 ||
            eckd_chain_add(ch, 0x47, 0, sizeof lr, (uint32_t)a, err) < 0)
            return -1;
        for (unsigned i = 0; i < n; i++) {
            uint8_t cf = 0;
            if (first_data < 0 && (flags & ECKD_SUSPEND))
                cf |= ECKD_CCW_S;
            last =
                add_data(m, ch, dir == ECKD_READ ? 0x86 : 0x85, cf,
                         data + (uint64_t)(done + i) * g->block_size, g->block_size, flags, p, err);
            if (last < 0)
                return -1;
            if (first_data < 0)
                first_data = last;
        }
        done += n;
    }
    if (flags & ECKD_PCI_LAST)
        ch->ccw[last].flags |= ECKD_CCW_PCI;
    uint64_t cpa;
    if (eckd_chain_place(m, ch, &cpa, err) < 0)
        return -1;
    if (flags & ECKD_SUSPEND)
        p->suspend_ccw = cpa + 8u * (unsigned)first_data;
    finish(p, cpa, ch->n, flags, intparm);
    return 0;
}

int eckd_build_search_loop(const struct eckd_mem *m, const struct eckd_geom *g, enum eckd_dir dir,
                           uint64_t block, uint64_t data, unsigned flags, uint32_t intparm,
                           struct eckd_program *p, cs_error *err)
{
    memset(p, 0, sizeof *p);
    if (check_geom(g, err) < 0)
        return -1;
    uint64_t total = (uint64_t)g->cylinders * g->heads * g->blocks_per_track;
    if (block >= total)
        return cs_error_set(err, "block %llu outside the volume's %llu blocks",
                            (unsigned long long)block, (unsigned long long)total);
    uint64_t trk = block / g->blocks_per_track;
    struct eckd_chain chain;
    eckd_chain_init(&chain);
    uint8_t seek[6] = {0}, id[5];
    cchhr(seek + 2, g, trk, 0x100);
    cchhr(id, g, trk, (unsigned)(block % g->blocks_per_track) + 1);
    uint64_t a_seek, a_id;
    if (eckd_mem_put(m, seek, sizeof seek, &a_seek, err) < 0 ||
        eckd_mem_put(m, id, sizeof id, &a_id, err) < 0 ||
        eckd_chain_add(&chain, 0x07, 0, sizeof seek, (uint32_t)a_seek, err) < 0)
        return -1;
    int search = eckd_chain_add(&chain, 0x31, 0, sizeof id, (uint32_t)a_id, err);
    if (search < 0 || eckd_chain_tic(&chain, (unsigned)search, err) < 0 ||
        add_data(m, &chain, dir == ECKD_READ ? 0x06 : 0x05, 0, data, g->block_size, flags, p, err) <
            0)
        return -1;
    uint64_t cpa;
    if (eckd_chain_place(m, &chain, &cpa, err) < 0)
        return -1;
    finish(p, cpa, chain.n, flags & ~ECKD_SUSPEND, intparm);
    return 0;
}

int eckd_build_command(const struct eckd_mem *m, uint8_t cmd, uint8_t flags, uint16_t count,
                       uint64_t data, uint32_t intparm, struct eckd_program *p, cs_error *err)
{
    memset(p, 0, sizeof *p);
    if (data + count > 0x80000000u)
        return cs_error_set(err, "data area at %#llx beyond the 31-bit CCW reach",
                            (unsigned long long)data);
    struct eckd_chain chain;
    eckd_chain_init(&chain);
    if (eckd_chain_add(&chain, cmd, flags, count, (uint32_t)data, err) < 0)
        return -1;
    uint64_t cpa;
    if (eckd_chain_place(m, &chain, &cpa, err) < 0)
        return -1;
    finish(p, cpa, 1, 0, intparm);
    return 0;
}

int eckd_build_sense_id(const struct eckd_mem *m, uint64_t buf, uint32_t intparm,
                        struct eckd_program *p, cs_error *err)
{
    return eckd_build_command(m, 0xE4, ECKD_CCW_SLI, 256, buf, intparm, p, err);
}

int eckd_build_rdc(const struct eckd_mem *m, uint64_t buf, uint32_t intparm, struct eckd_program *p,
                   cs_error *err)
{
    return eckd_build_command(m, 0x64, ECKD_CCW_SLI, 64, buf, intparm, p, err);
}

int eckd_build_sense(const struct eckd_mem *m, uint64_t buf, uint32_t intparm,
                     struct eckd_program *p, cs_error *err)
{
    return eckd_build_command(m, 0x04, ECKD_CCW_SLI, 32, buf, intparm, p, err);
}

int eckd_resume_prepare(const struct eckd_mem *m, const struct eckd_program *p, cs_error *err)
{
    if (!p->suspend_ccw)
        return cs_error_set(err, "the program has no CCW that suspends");
    uint8_t f;
    if (m->read(m->ctx, p->suspend_ccw + 1, &f, 1, err) < 0)
        return -1;
    f &= (uint8_t)~ECKD_CCW_S;
    return m->write(m->ctx, p->suspend_ccw + 1, &f, 1, err);
}

int eckd_parse_sense_id(const uint8_t *b, size_t n, struct eckd_devinfo *di, cs_error *err)
{
    if (n < 7)
        return cs_error_set(err, "Sense ID: %zu bytes, at least 7 expected", n);
    if (b[0] != 0xFF)
        return cs_error_set(err, "Sense ID: byte 0 is %#04x, expected 0xff", b[0]);
    di->cu_type = (uint16_t)cs_be16(b + 1);
    di->cu_model = b[3];
    di->dev_type = (uint16_t)cs_be16(b + 4);
    di->dev_model = b[6];
    return 0;
}

int eckd_parse_rdc(const uint8_t *b, size_t n, struct eckd_devinfo *di, cs_error *err)
{
    if (n < 64)
        return cs_error_set(err, "Read Device Characteristics: %zu bytes, 64 expected", n);
    di->cu_type = (uint16_t)cs_be16(b);
    di->cu_model = b[2];
    di->dev_type = (uint16_t)cs_be16(b + 3);
    di->dev_model = b[5];
    di->cylinders = cs_be16(b + 12);
    /* large volumes report 0xFFFE here and the count in the long field (bytes 60-63) */
    if (di->cylinders == 0xFFFE)
        di->cylinders = cs_be16(b + 60) << 16 | cs_be16(b + 62);
    di->heads = cs_be16(b + 14);
    if (!di->cylinders || !di->heads)
        return cs_error_set(err, "Read Device Characteristics: %u cylinders x %u heads",
                            di->cylinders, di->heads);
    return 0;
}

static unsigned ceil_div(unsigned a, unsigned b)
{
    return (a + b - 1) / b;
}

int eckd_geom_3390(const struct eckd_devinfo *di, uint32_t block_size, struct eckd_geom *g,
                   cs_error *err)
{
    if (di->dev_type != 0x3390)
        return cs_error_set(err, "device type %04x is not a 3390", di->dev_type);
    if (!block_size || block_size > 56664)
        return cs_error_set(err, "block size %u does not fit a 3390 track", block_size);
    /* 3390 track capacity: 1729 cells, a record without key takes 19 cells plus its data in
     * 34-byte cells with 6 bytes per 232-byte chunk (IBM 3390 Reference Summary) */
    unsigned dn = ceil_div(block_size + 6, 232) + 1;
    g->blocks_per_track = 1729 / (10 + 9 + ceil_div(block_size + 6 * dn, 34));
    g->cylinders = di->cylinders;
    g->heads = di->heads;
    g->block_size = block_size;
    return 0;
}
