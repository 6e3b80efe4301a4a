/* The guest's ECKD programs run against the 3390 model. The channel subsystem's part is played
 * by a small interpreter here (format-1 CCWs, command chaining, TIC, status modifier, suspend,
 * format-2 IDAWs), a test double that stands in until the programs go through models/css. */
#include <stdio.h>
#include <time.h>

#include "cs_test.h"
#include "dasd.h"
#include "dasd_image.h"
#include "eckd_irb.h"
#include "eckd_program.h"
#include "test_flatmem.h"

struct css_dstream {
    struct flatmem *fm;
    struct eckd_ccw ccw;
    size_t pos;
};

/* Guest address of byte o of the CCW's data area. */
static uint64_t data_addr(struct css_dstream *s, size_t o)
{
    if (!(s->ccw.flags & ECKD_CCW_IDA))
        return s->ccw.addr + o;
    const uint8_t *l = s->fm->b + s->ccw.addr;
    uint64_t first = 0;
    for (int i = 0; i < 8; i++)
        first = first << 8 | l[i];
    size_t off = (first & 0xFFF) + o, k = off >> 12;
    if (k == 0)
        return first + o;
    uint64_t a = 0;
    for (int i = 0; i < 8; i++)
        a = a << 8 | l[8 * k + i];
    return a + (off & 0xFFF);
}

static long xfer(struct css_dstream *s, uint8_t *buf, size_t n, int to_storage)
{
    size_t m = s->ccw.count - s->pos < n ? s->ccw.count - s->pos : n;
    for (size_t i = 0; i < m; i++) {
        uint64_t a = data_addr(s, s->pos + i);
        if (a >= s->fm->size)
            return -1;
        if (to_storage)
            s->fm->b[a] = buf[i];
        else
            buf[i] = s->fm->b[a];
    }
    s->pos += m;
    return (long)m;
}

long css_dstream_write(struct css_dstream *s, const void *buf, size_t n)
{
    return xfer(s, (uint8_t *)buf, n, 1);
}
long css_dstream_read(struct css_dstream *s, void *buf, size_t n)
{
    return xfer(s, buf, n, 0);
}
size_t css_dstream_avail(const struct css_dstream *s)
{
    return s->ccw.count - s->pos;
}

static struct flatmem fm;
static struct eckd_mem mem;
static struct dasd *dev;
static char dir[512], path[600];
static uint64_t busy_total;
static unsigned searches;

/* Run the program from cpa to its end or suspension; the IRB is built as a channel subsystem
 * would store it for the outcome, and read back through eckd_check_irb. */
static struct eckd_result run_from(const struct eckd_program *p, uint64_t cpa, int start)
{
    uint8_t dstat = 0;
    uint16_t resid = 0;
    uint8_t actl = 0, stctl = 0x07;
    if (start)
        dasd_device_ops.program_start(dev);
    for (;;) {
        struct css_dstream s = {.fm = &fm};
        eckd_ccw_decode(fm.b + cpa, &s.ccw);
        if (s.ccw.cmd == ECKD_CMD_TIC) {
            cpa = s.ccw.addr;
            continue;
        }
        if ((s.ccw.flags & ECKD_CCW_S) && (p->orb.ctl & ECKD_ORB_S)) {
            actl = ECKD_ACTL_SUSPENDED;
            stctl = ECKD_STCTL_INTERMEDIATE | ECKD_STCTL_PENDING;
            cpa += 8;
            break;
        }
        if (s.ccw.cmd == 0x31)
            searches++;
        struct css_dev_result r = dasd_device_ops.command(dev, s.ccw.cmd, &s);
        busy_total += r.busy_ns;
        dstat = r.dstat;
        resid = (uint16_t)(s.ccw.count - s.pos);
        cpa += (r.dstat & CSS_DEV_STATUS_MOD) ? 16 : 8;
        if ((r.dstat & CSS_DEV_UNIT_CHECK) || !(s.ccw.flags & ECKD_CCW_CC))
            break;
    }
    if (!actl)
        dasd_device_ops.program_end(dev);
    uint8_t irb[ECKD_IRB_LEN] = {0};
    irb[0] = 0x04;
    irb[2] = (uint8_t)(ECKD_FCTL_START << 4 | actl >> 3);
    irb[3] = (uint8_t)((actl & 7) << 5 | stctl);
    for (int i = 0; i < 4; i++)
        irb[4 + i] = (uint8_t)(cpa >> (24 - 8 * i));
    irb[8] = dstat;
    irb[10] = (uint8_t)(resid >> 8);
    irb[11] = (uint8_t)resid;
    struct eckd_result res;
    cs_error err = {0};
    ck_assert_int_eq(eckd_check_irb(irb, sizeof irb, &res, &err), 0);
    return res;
}

static struct eckd_result run(const struct eckd_program *p)
{
    return run_from(p, p->cpa, 1);
}

static void open_dev(int readonly)
{
    cs_error err = {0};
    struct dasd_options o = {.readonly = readonly};
    dev = dasd_open(path, &o, &err);
    ck_assert_msg(dev, "%s", err.msg);
}

static void close_dev(void)
{
    cs_error err = {0};
    ck_assert_msg(dasd_close(dev, &err) == 0, "%s", err.msg);
    dev = NULL;
}

static void setup(void)
{
    cs_error err = {0};
    fm_init(&fm, &mem, 16 << 20, 0x1000);
    cs_test_tmpdir(dir, sizeof dir, "eckd");
    snprintf(path, sizeof path, "%s/vol.img", dir);
    ck_assert_msg(dasd_image_create(path, 3, 4096, &err) == 0, "%s", err.msg);
    open_dev(0);
}

static void teardown(void)
{
    if (dev)
        close_dev();
    cs_test_rmtree(dir);
    free(fm.b);
}

/* The volume's geometry, as the guest learns it: Sense ID, then RDC. */
static struct eckd_geom probe(void)
{
    struct eckd_program p;
    cs_error err = {0};
    uint64_t buf = 0;
    ck_assert_int_eq(fm_alloc(&fm, 256, 8, &buf, &err), 0);
    ck_assert_int_eq(eckd_build_sense_id(&mem, buf, 1, &p, &err), 0);
    struct eckd_result r = run(&p);
    ck_assert_int_eq(r.outcome, ECKD_DONE);
    struct eckd_devinfo di;
    ck_assert_int_eq(eckd_parse_sense_id(fm.b + buf, 256 - r.residual, &di, &err), 0);
    ck_assert_uint_eq(di.dev_type, 0x3390);
    ck_assert_int_eq(eckd_build_rdc(&mem, buf, 2, &p, &err), 0);
    r = run(&p);
    ck_assert_int_eq(r.outcome, ECKD_DONE);
    ck_assert_uint_eq(r.residual, 0);
    ck_assert_int_eq(eckd_parse_rdc(fm.b + buf, 64, &di, &err), 0);
    struct eckd_geom g;
    ck_assert_int_eq(eckd_geom_3390(&di, 4096, &g, &err), 0);
    return g;
}

static void pattern(uint8_t *b, size_t n, uint64_t block, unsigned gen)
{
    uint64_t x = block * 0x9E3779B97F4A7C15ull + gen;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (uint8_t)x;
    }
}

/* Write nblocks from `first` out of guest memory at data (patterned), then read them into
 * other memory and compare. */
static void write_read(const struct eckd_geom *g, uint64_t first, unsigned nblocks, uint64_t data,
                       uint64_t back, unsigned flags)
{
    struct eckd_program p;
    cs_error err = {0};
    for (unsigned i = 0; i < nblocks; i++)
        pattern(fm.b + data + (uint64_t)i * 4096, 4096, first + i, 1);
    ck_assert_msg(eckd_build_rw(&mem, g, ECKD_WRITE, first, nblocks, data, flags, 0, &p, &err) == 0,
                  "%s", err.msg);
    struct eckd_result r = run(&p);
    char line[256];
    eckd_result_describe(&r, line, sizeof line);
    ck_assert_msg(r.outcome == ECKD_DONE, "%s", line);
    ck_assert_int_eq(eckd_build_rw(&mem, g, ECKD_READ, first, nblocks, back, flags, 0, &p, &err),
                     0);
    r = run(&p);
    ck_assert_int_eq(r.outcome, ECKD_DONE);
    ck_assert_mem_eq(fm.b + back, fm.b + data, (size_t)nblocks * 4096);
}

START_TEST(identify)
{
    struct eckd_geom g = probe();
    ck_assert_uint_eq(g.cylinders, 3339);
    ck_assert_uint_eq(g.heads, 15);
    ck_assert_uint_eq(g.blocks_per_track, 12);
}
END_TEST

START_TEST(multitrack_and_idal_round_trip)
{
    struct eckd_geom g = probe();
    write_read(&g, 7, 40, 0x100000, 0x200000, 0);                   /* 4 tracks, direct CCWs */
    write_read(&g, 1000, 13, 0x300800, 0x380400, 0);                /* every block crosses a page */
    write_read(&g, 5000, 300, 0x400000, 0x600000, ECKD_FORCE_IDAL); /* two LR domains */
}
END_TEST

START_TEST(search_tic_loop)
{
    struct eckd_geom g = probe();
    write_read(&g, 12 * 20, 12, 0x100000, 0x200000, 0);
    struct eckd_program p;
    cs_error err = {0};
    searches = 0;
    ck_assert_int_eq(
        eckd_build_search_loop(&mem, &g, ECKD_READ, 12 * 20 + 8, 0x700000, 0, 0, &p, &err), 0);
    struct eckd_result r = run(&p);
    ck_assert_int_eq(r.outcome, ECKD_DONE);
    ck_assert_uint_eq(searches, 10); /* R0..R9 passed the head */
    ck_assert_mem_eq(fm.b + 0x700000, fm.b + 0x100000 + 8 * 4096, 4096);
    /* a write through the loop, read back by a Locate Record program */
    pattern(fm.b + 0x710000, 4096, 99, 5);
    ck_assert_int_eq(
        eckd_build_search_loop(&mem, &g, ECKD_WRITE, 12 * 20 + 3, 0x710000, 0, 0, &p, &err), 0);
    ck_assert_int_eq(run(&p).outcome, ECKD_DONE);
    ck_assert_int_eq(eckd_build_rw(&mem, &g, ECKD_READ, 12 * 20 + 3, 1, 0x720000, 0, 0, &p, &err),
                     0);
    ck_assert_int_eq(run(&p).outcome, ECKD_DONE);
    ck_assert_mem_eq(fm.b + 0x720000, fm.b + 0x710000, 4096);
}
END_TEST

START_TEST(suspend_and_resume)
{
    struct eckd_geom g = probe();
    write_read(&g, 60, 3, 0x100000, 0x200000, 0);
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(eckd_build_rw(&mem, &g, ECKD_READ, 60, 3, 0x300000, ECKD_SUSPEND, 0, &p, &err),
                     0);
    struct eckd_result r = run(&p);
    ck_assert_int_eq(r.outcome, ECKD_SUSPENDED);
    ck_assert_uint_eq(r.cpa, p.suspend_ccw + 8);
    for (size_t i = 0; i < 3 * 4096; i++)
        ck_assert_uint_eq(fm.b[0x300000 + i], 0); /* nothing transferred yet */
    ck_assert_int_eq(eckd_resume_prepare(&mem, &p, &err), 0);
    r = run_from(&p, p.suspend_ccw, 0);
    ck_assert_int_eq(r.outcome, ECKD_DONE);
    ck_assert_mem_eq(fm.b + 0x300000, fm.b + 0x100000, 3 * 4096);
}
END_TEST

/* After a unit check the guest asks Sense and classifies the bytes. */
static enum eckd_sense_kind sense_after(void)
{
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(eckd_build_sense(&mem, 0xF00000, 3, &p, &err), 0);
    ck_assert_int_eq(run(&p).outcome, ECKD_DONE);
    return eckd_sense_classify(fm.b + 0xF00000, 32);
}

START_TEST(errors_reach_the_guest)
{
    struct eckd_geom g = probe();
    struct eckd_program p;
    cs_error err = {0};
    /* a record the tracks do not hold: pretend 13 blocks a track */
    struct eckd_geom wrong = g;
    wrong.blocks_per_track = 13;
    ck_assert_int_eq(eckd_build_rw(&mem, &wrong, ECKD_READ, 12, 1, 0x100000, 0, 0, &p, &err), 0);
    ck_assert_int_eq(run(&p).outcome, ECKD_UNIT_CHECK);
    ck_assert_int_eq(sense_after(), ECKD_SENSE_NO_RECORD_FOUND);
    /* an unknown command */
    ck_assert_int_eq(eckd_build_command(&mem, 0xA7, 0, 0, 0, 0, &p, &err), 0);
    ck_assert_int_eq(run(&p).outcome, ECKD_UNIT_CHECK);
    ck_assert_int_eq(sense_after(), ECKD_SENSE_COMMAND_REJECT);
    /* a read-only volume refuses writes */
    close_dev();
    open_dev(1);
    ck_assert_int_eq(eckd_build_rw(&mem, &g, ECKD_WRITE, 0, 1, 0x100000, 0, 0, &p, &err), 0);
    ck_assert_int_eq(run(&p).outcome, ECKD_UNIT_CHECK);
    ck_assert_int_eq(sense_after(), ECKD_SENSE_FILE_PROTECTED);
}
END_TEST

START_TEST(random_blocks_survive_restart)
{
    enum { N = 2000 };
    struct eckd_geom g = probe();
    uint64_t total = (uint64_t)g.cylinders * g.heads * g.blocks_per_track;
    static uint64_t blocks[N];
    uint64_t x = 12345;
    struct eckd_program p;
    cs_error err = {0};
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        blocks[i] = (x >> 20) % total;
        pattern(fm.b + 0x100000, 4096, blocks[i], 7);
        ck_assert_int_eq(
            eckd_build_rw(&mem, &g, ECKD_WRITE, blocks[i], 1, 0x100000, 0, 0, &p, &err), 0);
        ck_assert_int_eq(run(&p).outcome, ECKD_DONE);
        fm.next = 0x1000; /* the programs' memory is used again */
    }
    /* a restart of the simulation: the image is opened afresh */
    close_dev();
    open_dev(0);
    busy_total = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = N - 1; i >= 0; i--) {
        /* a later write of the same block wins */
        int later = 0;
        for (int j = i + 1; j < N && !later; j++)
            later = blocks[j] == blocks[i];
        ck_assert_int_eq(eckd_build_rw(&mem, &g, ECKD_READ, blocks[i], 1, 0x200000, 0, 0, &p, &err),
                         0);
        ck_assert_int_eq(run(&p).outcome, ECKD_DONE);
        pattern(fm.b + 0x100000, 4096, blocks[i], 7);
        ck_assert_mem_eq(fm.b + 0x200000, fm.b + 0x100000, 4096);
        fm.next = 0x1000;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    uint64_t hits, misses;
    dasd_cache_stats(dev, &hits, &misses);
    printf("eckd+dasd: %d random 4 KiB reads after reopen: %.0f programs/s wall time (built, "
           "run, checked); simulated device busy %.1f ms (%llu cache misses, %llu hits)\n",
           N, N / s, busy_total / 1e6, (unsigned long long)misses, (unsigned long long)hits);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("eckd_dasd");
    TCase *t = tcase_create("end_to_end");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, identify);
    tcase_add_test(t, multitrack_and_idal_round_trip);
    tcase_add_test(t, search_tic_loop);
    tcase_add_test(t, suspend_and_resume);
    tcase_add_test(t, errors_reach_the_guest);
    tcase_add_test(t, random_blocks_survive_restart);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
