/* The VM guest of a vfio-ccw DASD as a simulated user process (see css_vfio_guest.h). Its
 * memory is one buffer mapped for DMA at IOVA GUEST_IO: channel programs in the first part,
 * data blocks after. Blocks written carry a pattern derived from the seed and the block
 * number, so a read is checked bit-exact without keeping what was written. */
#include "css_vfio_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eckd_irb.h"
#include "eckd_program.h"
#include "kshim/kernel.h"
#include "kshim/ks.h"
#include "kshim/mdev.h"
#include "kshim/vfio.h"
#include "cs_bytes.h"

#define GUEST_IO    0x10000u
#define GUEST_SZ    0x20000u
#define PROG        0x10000u /* programs: IOVA 0x10000-0x1bfff */
#define DATA        0x1c000u /* data: 0x1c000-0x2ffff, 4 KiB blocks or a few across pages */
#define TYPE_ID     "vfio_ccw-io"
#define ASYNC_OFF   (1 << 10) /* the async command region follows the I/O region */
#define ASYNC_HSCH  1
#define ASYNC_CSCH  2
#define ORB_W1_SUSP (1u << 27)
#define ORB_W1_PFCH (1u << 22)
#define ORB_W1_C64  (1u << 17) /* format-2 IDAWs */
#define ORB_W1_I2K  (1u << 16) /* 2 KiB IDAW blocks */

struct guest {
    struct css_vfio_guest_config *cfg;
    struct css_vfio_guest_result *r;
    struct ks_uproc *p;
    int fd, efd;
    uint8_t *mem;
    struct ccw_io_region *io;
    struct ccw_cmd_region *cmd;
    uint64_t *events;
    uint64_t next; /* program-memory allocator */
    struct eckd_geom g;
};

static void fail(struct guest *v, const char *fmt, ...)
{
    v->r->errors++;
    if (v->r->why[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->r->why, sizeof(v->r->why), fmt, ap);
    va_end(ap);
}

static int g_alloc(void *ctx, size_t len, size_t align, uint64_t *addr, cs_error *err)
{
    struct guest *v = ctx;
    uint64_t a = (v->next + align - 1) / align * align;
    if (a + len > DATA)
        return cs_error_set(err, "program memory exhausted");
    *addr = a;
    v->next = a + len;
    return 0;
}

static int g_write(void *ctx, uint64_t addr, const void *buf, size_t len, cs_error *err)
{
    struct guest *v = ctx;
    if (addr < GUEST_IO || addr + len > GUEST_IO + GUEST_SZ)
        return cs_error_set(err, "write at %#llx outside guest memory", (unsigned long long)addr);
    memcpy(v->mem + (addr - GUEST_IO), buf, len);
    return 0;
}

static int g_read(void *ctx, uint64_t addr, void *buf, size_t len, cs_error *err)
{
    struct guest *v = ctx;
    if (addr < GUEST_IO || addr + len > GUEST_IO + GUEST_SZ)
        return cs_error_set(err, "read at %#llx outside guest memory", (unsigned long long)addr);
    memcpy(buf, v->mem + (addr - GUEST_IO), len);
    return 0;
}

static uint8_t *at(struct guest *v, uint64_t iova)
{
    return v->mem + (iova - GUEST_IO);
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The bytes block b holds once the guest wrote it. */
static void pattern(const struct guest *v, uint64_t block, uint8_t *buf, size_t len)
{
    for (size_t w = 0; w < len / 8; w++) {
        uint64_t x = mix(v->cfg->seed ^ (block << 20) ^ w);
        memcpy(buf + 8 * w, &x, 8);
    }
}

/* Start the program whose ORB is `orb` through the I/O region: the driver's answer (0 when
 * the write returned its count, else its negative errno or the region's ret_code). */
static int start(struct guest *v, const uint8_t orb[12])
{
    memset(v->io, 0, sizeof(*v->io));
    memcpy(v->io->orb_area, orb, sizeof(v->io->orb_area));
    cs_put_be32(v->io->scsw_area, 4u << 12); /* start function */
    ssize_t rc = ks_sys_pwrite(v->p, v->fd, v->io, sizeof(*v->io), 0);
    v->r->programs++;
    if (rc != (ssize_t)sizeof(*v->io))
        return rc < 0 ? (int)rc : -EIO;
    return 0;
}

/* Wait for the interruption that ends the program (intermediate ones, PCI, are read and
 * skipped) and decode its IRB. */
static int finish(struct guest *v, struct eckd_result *res)
{
    for (int n = 0; n < 64; n++) {
        if (ks_sys_read(v->p, v->efd, v->events, sizeof(*v->events)) != sizeof(*v->events) ||
            ks_sys_pread(v->p, v->fd, v->io, sizeof(*v->io), 0) != (ssize_t)sizeof(*v->io)) {
            fail(v, "eventfd or I/O region read failed");
            return -1;
        }
        cs_error err = {0};
        if (eckd_check_irb(v->io->irb_area, sizeof(v->io->irb_area), res, &err) < 0) {
            fail(v, "IRB: %s", err.msg);
            return -1;
        }
        if (res->outcome != ECKD_INTERMEDIATE)
            return 0;
    }
    fail(v, "no final status after 64 interruptions");
    return -1;
}

/* Run `prog` and expect `want`; a description of anything else becomes the error. */
static int run(struct guest *v, const struct eckd_program *prog, enum eckd_outcome want,
               const char *what)
{
    int rc = start(v, prog->orb_bytes);
    if (rc) {
        fail(v, "%s: the driver refused the program (%d)", what, rc);
        return -1;
    }
    struct eckd_result res;
    if (finish(v, &res) < 0)
        return -1;
    if (res.outcome != want) {
        char d[160];
        eckd_result_describe(&res, d, sizeof(d));
        fail(v, "%s: %s, expected %s", what, d, eckd_outcome_name(want));
        return -1;
    }
    return 0;
}

static const struct eckd_mem *mem_of(struct guest *v, struct eckd_mem *m)
{
    *m = (struct eckd_mem){v, g_alloc, g_write, g_read};
    v->next = PROG;
    return m;
}

static int identify(struct guest *v)
{
    struct eckd_mem m;
    struct eckd_program prog;
    struct eckd_devinfo di;
    cs_error err = {0};
    if (eckd_build_sense_id(mem_of(v, &m), DATA, 1, &prog, &err) < 0)
        return fail(v, "Sense ID: %s", err.msg), -1;
    if (run(v, &prog, ECKD_DONE, "Sense ID") < 0)
        return -1;
    if (eckd_parse_sense_id(at(v, DATA), 7, &di, &err) < 0)
        return fail(v, "Sense ID data: %s", err.msg), -1;
    if (eckd_build_rdc(mem_of(v, &m), DATA, 2, &prog, &err) < 0 ||
        run(v, &prog, ECKD_DONE, "Read Device Characteristics") < 0)
        return err.set ? (fail(v, "RDC: %s", err.msg), -1) : -1;
    if (eckd_parse_rdc(at(v, DATA), 64, &di, &err) < 0 ||
        eckd_geom_3390(&di, v->cfg->block_size, &v->g, &err) < 0)
        return fail(v, "RDC data: %s", err.msg), -1;
    v->r->cu_type = di.cu_type;
    v->r->dev_type = di.dev_type;
    return 0;
}

/* One block read or write of `n` blocks at `first`, data at `data`, builder flags. */
static int block_io(struct guest *v, enum eckd_dir dir, uint64_t first, unsigned n, uint64_t data,
                    unsigned flags, enum eckd_outcome want)
{
    struct eckd_mem m;
    struct eckd_program prog;
    cs_error err = {0};
    if (eckd_build_rw(mem_of(v, &m), &v->g, dir, first, n, data, flags, (uint32_t)first, &prog,
                      &err) < 0)
        return fail(v, "block %llu: %s", (unsigned long long)first, err.msg), -1;
    char what[64];
    snprintf(what, sizeof(what), "%s of block %llu", dir == ECKD_READ ? "read" : "write",
             (unsigned long long)first);
    return run(v, &prog, want, what);
}

static int write_blocks(struct guest *v, uint64_t first, unsigned n, uint64_t data, unsigned flags)
{
    const uint32_t bs = v->g.block_size;
    for (unsigned i = 0; i < n; i++)
        pattern(v, first + i, at(v, data + (uint64_t)i * bs), bs);
    int want = v->cfg->readonly ? ECKD_UNIT_CHECK : ECKD_DONE;
    if (block_io(v, ECKD_WRITE, first, n, data, flags, want) < 0)
        return -1;
    if (!v->cfg->readonly)
        v->r->bytes += (uint64_t)n * bs;
    return 0;
}

static int read_blocks(struct guest *v, uint64_t first, unsigned n, uint64_t data, unsigned flags)
{
    const uint32_t bs = v->g.block_size;
    memset(at(v, data), 0xa5, (size_t)n * bs);
    if (block_io(v, ECKD_READ, first, n, data, flags, ECKD_DONE) < 0)
        return -1;
    uint8_t want[4096];
    for (unsigned i = 0; i < n; i++) {
        /* a read-only volume keeps the zeros of its formatted records */
        if (v->cfg->readonly)
            memset(want, 0, bs);
        else
            pattern(v, first + i, want, bs);
        if (memcmp(at(v, data + (uint64_t)i * bs), want, bs) != 0) {
            fail(v, "block %llu read back differs from what was %s",
                 (unsigned long long)(first + i), v->cfg->readonly ? "formatted" : "written");
            return -1;
        }
    }
    v->r->bytes += (uint64_t)n * bs;
    return 0;
}

/* `ios` distinct random blocks: written, then read back and compared. */
static void prog_rw(struct guest *v)
{
    const uint64_t blocks = (uint64_t)v->g.cylinders * v->g.heads * v->g.blocks_per_track;
    uint32_t n = v->cfg->ios;
    if (n > blocks / 2) {
        fail(v, "ios=%u: more than half the volume's %llu blocks", n, (unsigned long long)blocks);
        return;
    }
    /* process memory (zeroed), freed with the process even when a run stops it early */
    uint8_t *used = ks_umalloc(v->p, blocks / 8 + 1);
    uint64_t *list = ks_umalloc(v->p, (n ? n : 1) * sizeof(*list));
    if (!used || !list) {
        fail(v, "ios=%u: no process memory for the block list", n);
        return;
    }
    uint64_t s = v->cfg->seed;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t b;
        do
            b = (s = mix(s)) % blocks;
        while (used[b / 8] & (1u << (b % 8)));
        used[b / 8] |= (uint8_t)(1u << (b % 8));
        list[i] = b;
    }
    for (uint32_t i = 0; i < n && write_blocks(v, list[i], 1, DATA, 0) == 0; i++)
        v->r->io_programs++;
    for (uint32_t i = 0; i < n && !v->r->errors && read_blocks(v, list[i], 1, DATA, 0) == 0; i++)
        v->r->io_programs++;
}

/* `ios` random reads, each checked against the zeros of the formatted volume. */
static void prog_read(struct guest *v)
{
    const uint64_t blocks = (uint64_t)v->g.cylinders * v->g.heads * v->g.blocks_per_track;
    uint64_t s = v->cfg->seed;
    int ro = v->cfg->readonly;
    v->cfg->readonly = 1; /* read_blocks then expects zeros */
    for (uint32_t i = 0; i < v->cfg->ios && read_blocks(v, (s = mix(s)) % blocks, 1, DATA, 0) == 0;
         i++)
        v->r->io_programs++;
    v->cfg->readonly = ro;
}

/* Every CCW flag and IDAW format vfio_ccw passes, then the IDAW formats it refuses. */
static void prog_flags(struct guest *v)
{
    static const unsigned variants[] = {0, ECKD_FORCE_IDAL, ECKD_PCI_LAST, ECKD_NO_PREFETCH,
                                        ECKD_FORCE_IDAL | ECKD_PCI_LAST};
    const uint64_t blocks = (uint64_t)v->g.cylinders * v->g.heads * v->g.blocks_per_track;
    uint64_t s = v->cfg->seed;
    for (uint32_t i = 0; i < v->cfg->ios && !v->r->errors; i++) {
        unsigned f = variants[i % (sizeof(variants) / sizeof(variants[0]))];
        /* three blocks at an odd offset: every block crosses a page (IDAL, data chaining
         * across Locate Record domains on track ends) */
        uint64_t first = (s = mix(s)) % (blocks - 3);
        uint64_t data = DATA + (i % 2 ? 0x800 : 0);
        if (write_blocks(v, first, 3, data, f) == 0 && read_blocks(v, first, 3, data, f) == 0)
            v->r->io_programs += 2;
        /* Search ID Equal with its TIC loop, one block */
        struct eckd_mem m;
        struct eckd_program prog;
        cs_error err = {0};
        uint64_t b = (s = mix(s)) % blocks;
        if (eckd_build_search_loop(mem_of(v, &m), &v->g, ECKD_READ, b, DATA, 0, (uint32_t)b, &prog,
                                   &err) < 0) {
            fail(v, "search loop: %s", err.msg);
            return;
        }
        if (run(v, &prog, ECKD_DONE, "Search ID Equal / TIC loop") == 0)
            v->r->io_programs++;
    }
    /* 2 KiB IDAWs and format-1 IDAWs: vfio_ccw translates format-2 4 KiB IDAWs only, and an
     * IDAL under any other ORB is refused with -EOPNOTSUPP before anything reaches the CSS */
    static const struct {
        uint32_t set, clear;
        const char *name;
    } refused[] = {{ORB_W1_I2K, 0, "2 KiB IDAWs"}, {0, ORB_W1_C64, "format-1 IDAWs"}};
    for (size_t i = 0; i < 2 && !v->r->errors; i++) {
        struct eckd_mem m;
        struct eckd_program prog;
        cs_error err = {0};
        if (eckd_build_rw(mem_of(v, &m), &v->g, ECKD_READ, 0, 1, DATA, ECKD_FORCE_IDAL, 0, &prog,
                          &err) < 0) {
            fail(v, "%s: %s", refused[i].name, err.msg);
            return;
        }
        uint32_t w1 = (cs_be32(prog.orb_bytes + 4) | refused[i].set) & ~refused[i].clear;
        cs_put_be32(prog.orb_bytes + 4, w1);
        int rc = start(v, prog.orb_bytes);
        if (rc != -EOPNOTSUPP)
            fail(v, "%s: the driver answered %d, expected -EOPNOTSUPP", refused[i].name, rc);
    }
}

static void ccw1(struct guest *v, uint64_t at_iova, uint8_t cmd, uint8_t flags, uint16_t count,
                 uint32_t cda)
{
    uint8_t *p = at(v, at_iova);
    p[0] = cmd;
    p[1] = flags;
    p[2] = (uint8_t)(count >> 8);
    p[3] = (uint8_t)count;
    cs_put_be32(p + 4, cda);
}

static void idaw2(struct guest *v, uint64_t at_iova, uint64_t addr)
{
    cs_put_be32(at(v, at_iova), (uint32_t)(addr >> 32));
    cs_put_be32(at(v, at_iova) + 4, (uint32_t)addr);
}

/* What a malformed program must end in: a program check the channel subsystem reports in the
 * IRB, or vfio_ccw refusing it before any SSCH (its errno through the I/O region); or, where
 * the driver's translation hides the error from the channel subsystem (docs/findings.md), a
 * normal end, which the architecture would not give. */
enum check_end { END_PROGRAM_CHECK, END_REFUSED, END_HIDDEN_BY_DRIVER };

static const char *const check_names[] = {
    "command code 0x00",        "command code with low nibble 0",
    "CD with count 0",          "suspend flag, ORB S = 0",
    "suspend flag with CD",     "TIC to a TIC",
    "TIC with flags",           "MIDAW flag, ORB D = 0",
    "IDAL not on a doubleword", "second IDAW not on a page",
    "data outside the mapping", "IDAL address outside the mapping",
};
#define NCHECKS (sizeof(check_names) / sizeof(check_names[0]))

static const enum check_end check_ends[NCHECKS] = {
    END_PROGRAM_CHECK,    END_PROGRAM_CHECK,    END_PROGRAM_CHECK, END_PROGRAM_CHECK,
    END_PROGRAM_CHECK,    END_PROGRAM_CHECK,    END_PROGRAM_CHECK, END_PROGRAM_CHECK,
    END_HIDDEN_BY_DRIVER, END_HIDDEN_BY_DRIVER, END_REFUSED,       END_REFUSED,
};

/* Build malformed program `i` at PROG; its ORB word 1. */
static uint32_t build_check(struct guest *v, unsigned i)
{
    const uint32_t P = PROG, D = DATA;
    uint32_t w1 = ECKD_ORB_F | ECKD_ORB_P | ECKD_ORB_H | ECKD_ORB_LPM(0xff);
    memset(at(v, P), 0, 0x100);
    switch (i) {
    case 0:
        ccw1(v, P, 0x00, 0, 1, D);
        break;
    case 1:
        ccw1(v, P, 0x40, 0, 1, D);
        break;
    case 2:
        ccw1(v, P, 0xE4, ECKD_CCW_CD, 0, D);
        ccw1(v, P + 8, 0xE4, ECKD_CCW_SLI, 7, D);
        break;
    case 3:
        ccw1(v, P, 0xE4, ECKD_CCW_S | ECKD_CCW_SLI, 7, D);
        break;
    case 4:
        ccw1(v, P, 0xE4, ECKD_CCW_S | ECKD_CCW_CD, 4, D);
        ccw1(v, P + 8, 0xE4, ECKD_CCW_SLI, 3, D + 4);
        w1 |= ECKD_ORB_S;
        break;
    case 5:
        ccw1(v, P, 0xE4, ECKD_CCW_CC | ECKD_CCW_SLI, 7, D);
        ccw1(v, P + 8, 0x08, 0, 0, P + 16);
        ccw1(v, P + 16, 0x08, 0, 0, P);
        break;
    case 6:
        ccw1(v, P, 0xE4, ECKD_CCW_CC | ECKD_CCW_SLI, 7, D);
        ccw1(v, P + 8, 0x08, ECKD_CCW_CC, 0, P + 16);
        ccw1(v, P + 16, 0x03, ECKD_CCW_SLI, 1, 0);
        break;
    case 7:
        ccw1(v, P, 0xE4, 0x01 | ECKD_CCW_SLI, 7, P + 0x80);
        idaw2(v, P + 0x80, D);
        break;
    case 8:
        ccw1(v, P, 0x64, ECKD_CCW_IDA, 64, P + 0x84);
        idaw2(v, P + 0x84, D);
        break;
    case 9: /* 32 bytes before a page boundary, then an IDAW 8 bytes into the next page */
        ccw1(v, P, 0x64, ECKD_CCW_IDA, 64, P + 0x80);
        idaw2(v, P + 0x80, D + 0x1000 - 32);
        idaw2(v, P + 0x88, D + 0x1008);
        break;
    case 10:
        ccw1(v, P, 0xE4, ECKD_CCW_SLI, 7, GUEST_IO + GUEST_SZ + 0x100000);
        break;
    case 11:
        ccw1(v, P, 0xE4, ECKD_CCW_IDA | ECKD_CCW_SLI, 7, GUEST_IO + GUEST_SZ + 0x100000);
        break;
    }
    return w1;
}

/* The ORB-level program checks of the spec notes (docs/css.md §1.2) a guest can reach through
 * the I/O region. vfio_ccw copies the guest's ORB and replaces only the interruption
 * parameter, format, key, a zero LPM, the channel-program address and C64 (cp_init,
 * cp_get_orb): a field it keeps reaches SSCH, whose operand exception comes back as ret_code
 * -EIO (fsm_io_helper); transport mode it refuses before SSCH (-EOPNOTSUPP); a channel-program
 * address with bit 0 set it takes as a guest address outside the mapping and refuses while
 * translating (-EINVAL, no DMA mapping there). An ORB not on a word boundary cannot be
 * reached: the driver hands SSCH its own copy. */
struct orb_check {
    const char *name;
    uint32_t w1_bits, cpa_bits;
    int ret;          /* the region's ret_code */
    int reaches_ssch; /* 1: SSCH's program exception; 0: refused by vfio_ccw before SSCH */
};

static const struct orb_check orb_checks[] = {
    {"ORB transport mode (word 1 bit 13)", 1u << 18, 0, -EOPNOTSUPP, 0},
    {"ORB reserved bit 26", 1u << 5, 0, -EIO, 1},
    {"ORB reserved bit 30", 1u << 1, 0, -EIO, 1},
    {"ORB reserved bits 26-30", 0x3eu, 0, -EIO, 1},
    {"ORB MIDAW (word 1 bit 25)", 1u << 6, 0, -EIO, 1},
    {"ORB channel-program address bit 0", 0, 0x80000000u, -EINVAL, 0},
};

static void prog_orb_checks(struct guest *v)
{
    const uint32_t P = PROG, D = DATA;
    for (unsigned i = 0; i < sizeof(orb_checks) / sizeof(orb_checks[0]) && !v->r->errors; i++) {
        const struct orb_check *c = &orb_checks[i];
        memset(at(v, P), 0, 0x100);
        ccw1(v, P, 0xE4, ECKD_CCW_SLI, 7, D);
        uint8_t orb[12];
        cs_put_be32(orb, 0x100 + i);
        cs_put_be32(orb + 4,
                    ECKD_ORB_F | ECKD_ORB_P | ECKD_ORB_H | ECKD_ORB_LPM(0xff) | c->w1_bits);
        cs_put_be32(orb + 8, P | c->cpa_bits);
        int rc = start(v, orb);
        if (rc != c->ret) {
            if (rc == 0) {
                struct eckd_result res;
                if (finish(v, &res) < 0)
                    return;
            }
            fail(v, "%s: ret_code %d, expected %d (%s)", c->name, rc, c->ret,
                 c->reaches_ssch ? "SSCH's program exception" : "vfio_ccw refuses it");
            return;
        }
        v->r->io_programs++;
    }
}

/* Each malformed program of the spec notes' list (docs/css.md) that vfio_ccw lets through
 * must end in a program check; the others must be refused by the driver. Then a good program
 * shows the subchannel still works. */
static void prog_checks(struct guest *v)
{
    for (unsigned i = 0; i < NCHECKS && !v->r->errors; i++) {
        uint8_t orb[12];
        cs_put_be32(orb, i + 1);
        cs_put_be32(orb + 4, build_check(v, i));
        cs_put_be32(orb + 8, PROG);
        int rc = start(v, orb);
        if (rc) {
            if (check_ends[i] != END_REFUSED)
                fail(v, "%s: vfio_ccw refused it (%d), expected a program check", check_names[i],
                     rc);
            else
                v->r->io_programs++;
            continue;
        }
        struct eckd_result res;
        if (finish(v, &res) < 0)
            return;
        int ok = check_ends[i] == END_HIDDEN_BY_DRIVER
                     ? res.outcome == ECKD_DONE
                     : check_ends[i] == END_PROGRAM_CHECK && res.outcome == ECKD_CHANNEL_ERROR &&
                           (res.cstat & ECKD_CSTAT_PROGRAM_CHECK);
        if (!ok) {
            static const char *const want[] = {"a program check", "vfio_ccw to refuse it",
                                               "a normal end (the driver hides it)"};
            char d[160];
            eckd_result_describe(&res, d, sizeof(d));
            fail(v, "%s: %s, expected %s", check_names[i], d, want[check_ends[i]]);
            return;
        }
        v->r->io_programs++;
    }
    if (!v->r->errors)
        prog_orb_checks(v);
    if (!v->r->errors)
        prog_read(v);
}

/* Block writes whose parameter and data fetches the host refuses (it forgot the guest's
 * pins): each ends in a protection check at its first fetch, nothing written. */
static void prog_denied(struct guest *v)
{
    const uint64_t blocks = (uint64_t)v->g.cylinders * v->g.heads * v->g.blocks_per_track;
    uint64_t s = v->cfg->seed;
    for (uint32_t i = 0; i < v->cfg->ios && !v->r->errors; i++) {
        uint64_t first = (s = mix(s)) % blocks;
        struct eckd_mem m;
        struct eckd_program prog;
        cs_error err = {0};
        pattern(v, first, at(v, DATA), v->g.block_size);
        if (eckd_build_rw(mem_of(v, &m), &v->g, ECKD_WRITE, first, 1, DATA, 0, (uint32_t)first,
                          &prog, &err) < 0) {
            fail(v, "block %llu: %s", (unsigned long long)first, err.msg);
            return;
        }
        int rc = start(v, prog.orb_bytes);
        if (rc) {
            fail(v, "write of block %llu: the driver refused the program (%d)",
                 (unsigned long long)first, rc);
            return;
        }
        struct eckd_result res;
        if (finish(v, &res) < 0)
            return;
        if (res.outcome != ECKD_CHANNEL_ERROR || !(res.cstat & ECKD_CSTAT_PROTECTION_CHECK)) {
            char d[160];
            eckd_result_describe(&res, d, sizeof(d));
            fail(v, "write of block %llu: %s, expected a protection check",
                 (unsigned long long)first, d);
            return;
        }
        v->r->io_programs++;
    }
}

/* Each read is stopped by HSCH or CSCH through the async region while it runs. */
static void prog_stop(struct guest *v, uint32_t command)
{
    const uint64_t blocks = (uint64_t)v->g.cylinders * v->g.heads * v->g.blocks_per_track;
    uint64_t s = v->cfg->seed;
    const char *name = command == ASYNC_HSCH ? "HSCH" : "CSCH";
    for (uint32_t i = 0; i < v->cfg->ios && !v->r->errors; i++) {
        struct eckd_mem m;
        struct eckd_program prog;
        cs_error err = {0};
        /* many blocks, so that the program is still running when the command arrives */
        uint64_t first = (s = mix(s)) % (blocks - 8);
        if (eckd_build_rw(mem_of(v, &m), &v->g, ECKD_READ, first, 8, DATA, 0, (uint32_t)i, &prog,
                          &err) < 0) {
            fail(v, "%s: %s", name, err.msg);
            return;
        }
        int rc = start(v, prog.orb_bytes);
        if (rc) {
            fail(v, "%s: the read was refused (%d)", name, rc);
            return;
        }
        /* every other one while the device works on the program (a cache miss takes
         * milliseconds), the others while the start is still pending at the channel */
        if (i % 2)
            ks_sys_sleep_ms(v->p, 1);
        memset(v->cmd, 0, sizeof(*v->cmd));
        v->cmd->command = command;
        ssize_t w = ks_sys_pwrite(v->p, v->fd, v->cmd, sizeof(*v->cmd), ASYNC_OFF);
        if (w != (ssize_t)sizeof(*v->cmd)) {
            fail(v, "%s through the async region: %zd", name, w);
            return;
        }
        struct eckd_result res;
        if (finish(v, &res) < 0)
            return;
        enum eckd_outcome want = command == ASYNC_HSCH ? ECKD_HALTED : ECKD_CLEARED;
        if (res.outcome != want) {
            char d[160];
            eckd_result_describe(&res, d, sizeof(d));
            fail(v, "%s during a read: %s", name, d);
            return;
        }
        v->r->io_programs++;
    }
}

static void guest_main(struct ks_uproc *p, void *arg)
{
    struct guest v = {.p = p, .fd = -1, .efd = -1};
    v.cfg = arg;
    v.r = v.cfg->result;
    struct ks_kernel *k = v.cfg->k;
    for (int i = 0; i < 100 && ks_mdev_available(k, v.cfg->parent, TYPE_ID) < 0; i++)
        ks_sys_sleep_ms(p, 1);
    cs_error err = {0};
    if (ks_mdev_create(k, v.cfg->parent, TYPE_ID, v.cfg->uuid, &err) < 0) {
        fail(&v, "mdev create: %s", err.msg);
        return;
    }
    char path[64];
    snprintf(path, sizeof(path), "/dev/vfio/%s", v.cfg->uuid);
    v.fd = ks_sys_open(p, path, O_RDWR);
    v.efd = ks_sys_eventfd(p, 0, 0);
    struct vfio_irq_set *set = ks_umalloc(p, sizeof(*set) + sizeof(int32_t));
    int irq_set = 0;
    uint8_t *raw = ks_umalloc(p, GUEST_SZ + 4096);
    v.io = ks_umalloc(p, sizeof(*v.io));
    v.cmd = ks_umalloc(p, sizeof(*v.cmd));
    v.events = ks_umalloc(p, sizeof(*v.events));
    if (v.fd < 0 || v.efd < 0 || !set || !raw || !v.io || !v.cmd || !v.events) {
        fail(&v, "opening %s failed (%d)", path, v.fd);
        goto out;
    }
    *set = (struct vfio_irq_set){.argsz = sizeof(*set) + sizeof(int32_t),
                                 .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                                 .index = VFIO_CCW_IO_IRQ_INDEX,
                                 .count = 1};
    memcpy(set->data, &v.efd, sizeof(int32_t));
    v.mem = (uint8_t *)(((uintptr_t)raw + 4095) & ~(uintptr_t)4095);
    int rc = ks_sys_ioctl(p, v.fd, VFIO_DEVICE_SET_IRQS, (unsigned long)set);
    irq_set = rc == 0;
    if (rc || (rc = ks_vfio_dma_map(p, v.fd, v.mem, GUEST_IO, GUEST_SZ)) != 0) {
        fail(&v, "eventfd or DMA mapping refused (%d)", rc);
        goto out;
    }
    if (identify(&v) < 0)
        goto out;
    uint64_t t0 = ks_now_ns();
    switch (v.cfg->program) {
    case CSS_PROG_RW:
        prog_rw(&v);
        break;
    case CSS_PROG_READ:
        prog_read(&v);
        break;
    case CSS_PROG_FLAGS:
        prog_flags(&v);
        break;
    case CSS_PROG_HALT:
        prog_stop(&v, ASYNC_HSCH);
        break;
    case CSS_PROG_CLEAR:
        prog_stop(&v, ASYNC_CSCH);
        break;
    case CSS_PROG_CHECKS:
        prog_checks(&v);
        break;
    case CSS_PROG_DENIED:
        prog_denied(&v);
        break;
    case CSS_PROG_IDENTIFY:
        break;
    }
    v.r->sim_ns = ks_now_ns() - t0;
out:
    /* unregister the eventfd as QEMU does before closing: the driver holds a reference */
    if (irq_set) {
        int32_t none = -1;
        memcpy(set->data, &none, sizeof(none));
        ks_sys_ioctl(p, v.fd, VFIO_DEVICE_SET_IRQS, (unsigned long)set);
    }
    if (v.fd >= 0 && ks_sys_close(p, v.fd) < 0)
        fail(&v, "close of the mdev failed");
    if (v.efd >= 0)
        ks_sys_close(p, v.efd);
    memset(&err, 0, sizeof(err));
    if (ks_mdev_remove(k, v.cfg->uuid, &err) < 0)
        fail(&v, "mdev remove: %s", err.msg);
    v.r->done = 1;
}

void css_vfio_guest_start(struct css_vfio_guest_config *cfg, struct css_vfio_guest_result *r)
{
    cfg->result = r;
    ks_uproc_spawn(cfg->k, "vfio-ccw-guest", guest_main, cfg);
}
