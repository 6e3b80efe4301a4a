/* The guest's ECKD programs through the channel subsystem model (models/css) to the 3390 model:
 * SSCH of the ORB, the simulated run, TSCH, and the IRB read by eckd_check_irb. */
#include <stdio.h>

#include "cs_machine.h"
#include "cs_platform.h"
#include "cs_sched.h"
#include "cs_test.h"
#include "css.h"
#include "css_timing.h"
#include "dasd.h"
#include "dasd_image.h"
#include "eckd_gmem.h"
#include "eckd_irb.h"
#include "eckd_program.h"

static int claims_nothing(const struct cs_domain_desc *d, const struct cs_device_desc *dev)
{
    (void)d;
    (void)dev;
    return 0;
}
static const struct cs_family css_costs = {.name = "css",
                                           .models = "",
                                           .costs = css_cost_table,
                                           .ncosts = CSS_COST_COUNT,
                                           .claims = claims_nothing};
static const struct cs_family dasd_costs = {.name = "dasd",
                                            .models = "",
                                            .costs = dasd_cost_table,
                                            .ncosts = DASD_COST_COUNT,
                                            .claims = claims_nothing};

#define PROG_BASE 0x10000ull /* programs, parameters, IDAWs, ORBs, IRBs */
#define PROG_END  0x800000ull
#define DATA      0x1000000ull /* data buffers */

static struct {
    struct cs_platform *p;
    struct cs_machine *m;
    struct cs_domain *dom;
    struct css *c;
    struct dasd *dev;
    uint32_t sid;
    unsigned ints;
    struct eckd_gmem gm;
    struct eckd_mem mem;
    char dir[512], path[600];
} e;

static uint8_t *gmem(uint64_t gpa, size_t len)
{
    uint8_t *p = cs_gmem_ptr(&e.dom->mem, gpa, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void on_int(void *ctx, uint32_t sid, uint32_t intparm, unsigned isc)
{
    (void)ctx;
    (void)sid;
    (void)intparm;
    (void)isc;
    e.ints++;
}

static void open_dev(int readonly)
{
    cs_error err = {0};
    struct dasd_costs costs;
    ck_assert_msg(dasd_costs_load(&costs, e.dom, &err) == 0, "%s", err.msg);
    struct dasd_options o = {.readonly = readonly, .costs = &costs};
    e.dev = dasd_open(e.path, &o, &err);
    ck_assert_msg(e.dev, "%s", err.msg);
    ck_assert_msg(
        css_attach_device(e.c, 0, 0, 0x0200, 0x40, &dasd_device_ops, e.dev, &e.sid, &err) == 0,
        "%s", err.msg);
    /* enable the subchannel: interruption parameter, ISC 3, ENA (PMCW, STSCH then MSCH) */
    ck_assert_int_eq(css_stsch(e.c, e.sid, 0x3000), 0);
    uint8_t *s = gmem(0x3000, 52);
    s[0] = 0xD;
    s[4] = 3 << 3;
    s[5] |= 0x80;
    ck_assert_int_eq(css_msch(e.c, e.sid, 0x3000), 0);
}

static void close_dev(void)
{
    cs_error err = {0};
    ck_assert_msg(css_detach_device(e.c, e.sid, &err) == 0, "%s", err.msg);
    ck_assert_msg(dasd_close(e.dev, &err) == 0, "%s", err.msg);
    e.dev = NULL;
}

static void setup(void)
{
    cs_error err = {0};
    memset(&e, 0, sizeof e);
    const struct cs_family *fams[] = {&css_costs, &dasd_costs};
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/lpar.xml", NULL, &e.p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(e.p, fams, 2, NULL, &e.m, &err) == 0, "%s", err.msg);
    e.dom = &e.m->domains[0];
    ck_assert_msg(css_create(e.dom, &e.c, &err) == 0, "%s", err.msg);
    css_set_io_handler(e.c, on_int, NULL);
    ck_assert_msg(eckd_gmem_init(&e.gm, &e.mem, &e.dom->mem, PROG_BASE, PROG_END, &err) == 0, "%s",
                  err.msg);
    cs_test_tmpdir(e.dir, sizeof e.dir, "eckdcss");
    snprintf(e.path, sizeof e.path, "%s/vol.img", e.dir);
    ck_assert_msg(dasd_image_create(e.path, 3, 4096, &err) == 0, "%s", err.msg);
    open_dev(0);
}

static void teardown(void)
{
    if (e.dev)
        close_dev();
    css_free(e.c);
    cs_machine_free(e.m);
    cs_platform_free(e.p);
    cs_test_rmtree(e.dir);
}

/* Run the simulation until the subchannel has status, then TSCH and read the IRB. */
static struct eckd_result wait_status(void)
{
    cs_sched_run_standalone(e.m->sched, cs_sched_now(e.m->sched) + 10000000000ull);
    uint64_t irb = 0;
    cs_error err = {0};
    ck_assert_int_eq(e.mem.alloc(e.mem.ctx, ECKD_IRB_LEN, 8, &irb, &err), 0);
    ck_assert_int_eq(css_tsch(e.c, e.sid, irb), 0);
    struct eckd_result r;
    ck_assert_int_eq(eckd_check_irb(gmem(irb, ECKD_IRB_LEN), ECKD_IRB_LEN, &r, &err), 0);
    return r;
}

static struct eckd_result issue(const struct eckd_program *p)
{
    uint64_t orb;
    cs_error err = {0};
    ck_assert_msg(eckd_mem_put(&e.mem, p->orb_bytes, ECKD_ORB_LEN, &orb, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(css_ssch(e.c, e.sid, orb), 0);
    return wait_status();
}

static void expect_done(const struct eckd_result *r)
{
    char line[256];
    eckd_result_describe(r, line, sizeof line);
    ck_assert_msg(r->outcome == ECKD_DONE, "%s", line);
}

static void pattern(uint8_t *b, size_t n, uint64_t block, unsigned gen)
{
    uint64_t x = block * 0x9E3779B97F4A7C15ull + gen + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (uint8_t)x;
    }
}

static struct eckd_geom probe(void)
{
    struct eckd_program p;
    cs_error err = {0};
    uint64_t buf = 0;
    ck_assert_int_eq(e.mem.alloc(e.mem.ctx, 256, 8, &buf, &err), 0);
    ck_assert_int_eq(eckd_build_sense_id(&e.mem, buf, 1, &p, &err), 0);
    struct eckd_result r = issue(&p);
    expect_done(&r);
    ck_assert_uint_eq(r.residual, 256 - 7);
    struct eckd_devinfo di;
    ck_assert_int_eq(eckd_parse_sense_id(gmem(buf, 7), 7, &di, &err), 0);
    ck_assert_uint_eq(di.cu_type, 0x3990);
    ck_assert_uint_eq(di.dev_type, 0x3390);
    ck_assert_int_eq(eckd_build_rdc(&e.mem, buf, 2, &p, &err), 0);
    r = issue(&p);
    expect_done(&r);
    ck_assert_int_eq(eckd_parse_rdc(gmem(buf, 64), 64, &di, &err), 0);
    struct eckd_geom g;
    ck_assert_int_eq(eckd_geom_3390(&di, 4096, &g, &err), 0);
    ck_assert_uint_eq(g.cylinders, 3339);
    ck_assert_uint_eq(g.blocks_per_track, 12);
    return g;
}

static void round_trip(const struct eckd_geom *g, uint64_t first, unsigned n, uint64_t data,
                       uint64_t back, unsigned flags)
{
    struct eckd_program p;
    cs_error err = {0};
    for (unsigned i = 0; i < n; i++)
        pattern(gmem(data + 4096ull * i, 4096), 4096, first + i, 3);
    ck_assert_msg(eckd_build_rw(&e.mem, g, ECKD_WRITE, first, n, data, flags, 0, &p, &err) == 0,
                  "%s", err.msg);
    struct eckd_result r = issue(&p);
    expect_done(&r);
    ck_assert_int_eq(eckd_build_rw(&e.mem, g, ECKD_READ, first, n, back, flags, 0, &p, &err), 0);
    r = issue(&p);
    expect_done(&r);
    ck_assert_uint_eq(r.residual, 0);
    ck_assert_mem_eq(gmem(back, 4096ull * n), gmem(data, 4096ull * n), 4096ull * n);
}

START_TEST(identify_through_css)
{
    probe();
    ck_assert_uint_ge(e.ints, 2);
    /* the window's limits */
    struct eckd_gmem g;
    struct eckd_mem m;
    cs_error err = {0};
    ck_assert_int_eq(eckd_gmem_init(&g, &m, &e.dom->mem, 0x1000, 64ull << 21, &err), -1);
    cs_assert_contains(err.msg, "outside");
    ck_assert_int_eq(eckd_gmem_init(&g, &m, &e.dom->mem, 0x1000, 0x1100, &err), 0);
    uint64_t a;
    ck_assert_int_eq(m.alloc(m.ctx, 0x100, 8, &a, &err), 0);
    ck_assert_int_eq(m.alloc(m.ctx, 1, 8, &a, &err), -1);
    cs_assert_contains(err.msg, "exhausted");
    ck_assert_int_eq(m.write(m.ctx, 64ull << 20, "x", 1, &err), -1);
}
END_TEST

START_TEST(multitrack_idal_through_css)
{
    struct eckd_geom g = probe();
    round_trip(&g, 30, 40, DATA, DATA + 0x100000, 0);
    round_trip(&g, 2000, 13, DATA + 0x200800, DATA + 0x300400, 0); /* IDAWs: pages crossed */
    round_trip(&g, 9000, 200, DATA + 0x400000, DATA + 0x600000, ECKD_FORCE_IDAL);
}
END_TEST

START_TEST(search_tic_loop_through_css)
{
    struct eckd_geom g = probe();
    round_trip(&g, 12 * 40, 12, DATA, DATA + 0x100000, 0);
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(
        eckd_build_search_loop(&e.mem, &g, ECKD_READ, 12 * 40 + 9, DATA + 0x200000, 0, 0, &p, &err),
        0);
    struct eckd_result r = issue(&p);
    expect_done(&r);
    ck_assert_mem_eq(gmem(DATA + 0x200000, 4096), gmem(DATA + 9 * 4096, 4096), 4096);
}
END_TEST

START_TEST(suspend_resume_through_css)
{
    struct eckd_geom g = probe();
    round_trip(&g, 100, 4, DATA, DATA + 0x100000, 0);
    memset(gmem(DATA + 0x200000, 4 * 4096), 0, 4 * 4096);
    struct eckd_program p;
    cs_error err = {0};
    ck_assert_int_eq(
        eckd_build_rw(&e.mem, &g, ECKD_READ, 100, 4, DATA + 0x200000, ECKD_SUSPEND, 0, &p, &err),
        0);
    struct eckd_result r = issue(&p);
    char line[256];
    eckd_result_describe(&r, line, sizeof line);
    ck_assert_msg(r.outcome == ECKD_SUSPENDED, "%s", line);
    ck_assert_int_eq(eckd_resume_prepare(&e.mem, &p, &err), 0);
    ck_assert_int_eq(css_rsch(e.c, e.sid), 0);
    r = wait_status();
    expect_done(&r);
    ck_assert_mem_eq(gmem(DATA + 0x200000, 4 * 4096), gmem(DATA, 4 * 4096), 4 * 4096);
}
END_TEST

static enum eckd_sense_kind sense(void)
{
    struct eckd_program p;
    cs_error err = {0};
    uint64_t buf = 0;
    ck_assert_int_eq(e.mem.alloc(e.mem.ctx, 32, 8, &buf, &err), 0);
    ck_assert_int_eq(eckd_build_sense(&e.mem, buf, 9, &p, &err), 0);
    struct eckd_result r = issue(&p);
    expect_done(&r);
    return eckd_sense_classify(gmem(buf, 32), 32);
}

START_TEST(unit_checks_through_css)
{
    struct eckd_geom g = probe();
    struct eckd_program p;
    cs_error err = {0};
    struct eckd_geom wrong = g;
    wrong.blocks_per_track = 14;
    ck_assert_int_eq(eckd_build_rw(&e.mem, &wrong, ECKD_READ, 13, 1, DATA, 0, 0, &p, &err), 0);
    struct eckd_result r = issue(&p);
    char line[256];
    eckd_result_describe(&r, line, sizeof line);
    ck_assert_msg(r.outcome == ECKD_UNIT_CHECK, "%s", line);
    ck_assert_int_eq(sense(), ECKD_SENSE_NO_RECORD_FOUND);
    close_dev();
    open_dev(1);
    ck_assert_int_eq(eckd_build_rw(&e.mem, &g, ECKD_WRITE, 0, 1, DATA, 0, 0, &p, &err), 0);
    r = issue(&p);
    eckd_result_describe(&r, line, sizeof line);
    ck_assert_msg(r.outcome == ECKD_UNIT_CHECK, "%s", line);
    ck_assert_int_eq(sense(), ECKD_SENSE_FILE_PROTECTED);
}
END_TEST

START_TEST(random_reads_simulated_time)
{
    enum { N = 500 };
    struct eckd_geom g = probe();
    uint64_t total = (uint64_t)g.cylinders * g.heads * g.blocks_per_track;
    uint64_t x = 777;
    static uint64_t blocks[N];
    struct eckd_program p;
    cs_error err = {0};
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        blocks[i] = (x >> 20) % total;
        pattern(gmem(DATA, 4096), 4096, blocks[i], 11);
        ck_assert_int_eq(eckd_build_rw(&e.mem, &g, ECKD_WRITE, blocks[i], 1, DATA, 0, 0, &p, &err),
                         0);
        struct eckd_result r = issue(&p);
        expect_done(&r);
        eckd_gmem_reset(&e.gm);
    }
    /* read them back twice: the first pass hits the cache the writes filled */
    uint64_t t0 = cs_sched_now(e.m->sched);
    for (int i = N - 1; i >= 0; i--) {
        int later = 0;
        for (int j = i + 1; j < N && !later; j++)
            later = blocks[j] == blocks[i];
        ck_assert_int_eq(
            eckd_build_rw(&e.mem, &g, ECKD_READ, blocks[i], 1, DATA + 0x10000, 0, 0, &p, &err), 0);
        struct eckd_result r = issue(&p);
        expect_done(&r);
        if (!later) {
            pattern(gmem(DATA, 4096), 4096, blocks[i], 11);
            ck_assert_mem_eq(gmem(DATA + 0x10000, 4096), gmem(DATA, 4096), 4096);
        }
        eckd_gmem_reset(&e.gm);
    }
    uint64_t ns = cs_machine_cycles_to_ns(e.m, cs_sched_now(e.m->sched) - t0);
    printf("eckd through css: %d 4 KiB reads (cache hits), %.1f us simulated each = %.0f IOPS "
           "(published 4 KB cache hit: typically < 1 ms)\n",
           N, ns / 1e3 / N, N / (ns / 1e9));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("eckd_css");
    TCase *t = tcase_create("through_css");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, identify_through_css);
    tcase_add_test(t, multitrack_idal_through_css);
    tcase_add_test(t, search_tic_loop_through_css);
    tcase_add_test(t, suspend_resume_through_css);
    tcase_add_test(t, unit_checks_through_css);
    tcase_add_test(t, random_reads_simulated_time);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
