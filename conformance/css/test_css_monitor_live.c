/* The css monitor live on the CSS model and offline on the trace of the same run: conforming
 * channel programs, a malformed one the model ends in channel-program check and an invalid
 * ORB give no finding; a faulty record put on the subchannel's channel gives the same finding
 * live and offline, at the same cycle. */
#include <stdio.h>
#include <string.h>

#include "cs_ftrace_import.h"
#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "css.h"
#include "css_device.h"
#include "css_timing.h"

#define ORB_F    0x00800000u
#define ORB_LPM  0x00008000u
#define ORB_RSVD 0x00000008u
#define CC       0x40
#define SLI      0x20
#define IDA      0x04

static int claims_nothing(const struct cs_domain_desc *d, const struct cs_device_desc *dev)
{
    (void)d;
    (void)dev;
    return 0;
}

static const struct cs_family costs_only = {.name = "css",
                                            .models = "",
                                            .costs = css_cost_table,
                                            .ncosts = CSS_COST_COUNT,
                                            .claims = claims_nothing};

/* A device that answers every command with channel end and device end; Read (0x02) stores
 * four bytes. */
static void dev_nothing(void *d)
{
    (void)d;
}

static void dev_reset(void *d, int clear)
{
    (void)d;
    (void)clear;
}

static struct css_dev_result dev_command(void *d, uint8_t cmd, struct css_dstream *ds)
{
    (void)d;
    static const uint8_t data[4] = {1, 2, 3, 4};
    if (cmd == 0x02) {
        /* asks what the program offers first, as a DASD does: the channel looks ahead along
         * the data chain */
        ck_assert_uint_ge(css_dstream_avail(ds), 1);
        css_dstream_write(ds, data, sizeof(data));
    }
    return (struct css_dev_result){CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END, 1000};
}

static const struct css_device_ops dev_ops = {"test", dev_nothing, dev_command, dev_nothing,
                                              dev_reset};

struct tally {
    char rules[16][8];
    uint64_t counts[16], first_cycle[16];
    unsigned n;
};

static void tally_rule(void *ctx, const char *rule, uint64_t count, const struct cs_finding *first)
{
    struct tally *t = ctx;
    if (t->n < 16) {
        snprintf(t->rules[t->n], sizeof(t->rules[t->n]), "%s", rule);
        t->counts[t->n] = count;
        t->first_cycle[t->n] = first->cycle;
        t->n++;
    }
}

static void ignore(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    (void)f;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static uint8_t *mem(struct cs_domain *dom, uint64_t gpa, uint64_t len)
{
    uint8_t *p = cs_gmem_ptr(&dom->mem, gpa, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void ccw(struct cs_domain *dom, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count,
                uint32_t cda)
{
    uint8_t *p = mem(dom, at, 8);
    p[0] = cmd, p[1] = flags, p[2] = (uint8_t)(count >> 8), p[3] = (uint8_t)count;
    put32(p + 4, cda);
}

static void orb(struct cs_domain *dom, uint32_t w1, uint32_t cpa)
{
    uint8_t *p = mem(dom, 0x1000, 12);
    put32(p, 0x1234);
    put32(p + 4, w1);
    put32(p + 8, cpa);
}

static void run(struct cs_machine *m)
{
    cs_sched_run_standalone(m->sched, cs_sched_now(m->sched) + 1000000000ull);
}

/* Rules S18-S20 checked at least once each: counts one per rule that was. */
static void count_idaw_data_checks(void *ctx, const char *rule, uint64_t checks)
{
    if (checks && (!strcmp(rule, "S18") || !strcmp(rule, "S19") || !strcmp(rule, "S20")))
        ++*(uint64_t *)ctx;
}

START_TEST(live_and_offline_agree)
{
    char tmp[256], dir[300];
    cs_test_tmpdir(tmp, sizeof(tmp), "css-live");
    snprintf(dir, sizeof(dir), "%s/trace", tmp);
    cs_error err = {0};
    struct cs_platform *p;
    ck_assert_msg(cs_platform_load(CSS_TESTDATA "/lpar.xml", NULL, &p, &err) == 0, "%s", err.msg);
    cs_trace_writer *tw;
    ck_assert_msg(cs_trace_writer_open(&tw, dir, p->clock_hz, &err) == 0, "%s", err.msg);
    const struct cs_family *fams[] = {&costs_only};
    struct cs_machine *m;
    ck_assert_msg(cs_machine_build(p, fams, 1, tw, &m, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *live;
    ck_assert_msg(cs_monitor_attach_live(m, &live, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    struct css *c;
    ck_assert_msg(css_create(dom, &c, &err) == 0, "%s", err.msg);
    uint32_t sid;
    ck_assert_msg(css_attach_device(c, 0, 0, 0x0100, 0x42, &dev_ops, NULL, &sid, &err) == 0, "%s",
                  err.msg);
    /* enable with ISC 3 */
    ck_assert_int_eq(css_stsch(c, sid, 0x3000), 0);
    uint8_t *schib = mem(dom, 0x3000, 52);
    schib[4] = 3 << 3;
    schib[5] |= 0x80;
    ck_assert_int_eq(css_msch(c, sid, 0x3000), 0);

    /* a No-op chained to a Read */
    ccw(dom, 0x8000, 0x03, CC, 1, 0);
    ccw(dom, 0x8008, 0x02, SLI, 4, 0x9000);
    orb(dom, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(c, sid, 0x1000), 0);
    run(m);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 0);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 1);

    /* a TIC to a TIC: channel-program check, as the monitor expects */
    ccw(dom, 0x8100, 0x08, 0, 0, 0x8108);
    ccw(dom, 0x8108, 0x08, 0, 0, 0x8000);
    orb(dom, ORB_F | ORB_LPM, 0x8100);
    ck_assert_int_eq(css_ssch(c, sid, 0x1000), 0);
    run(m);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 0);
    ck_assert_uint_eq(mem(dom, 0x2000, 12)[9], 0x20);

    /* a Read through two format-1 IDAWs: 2 bytes at the end of one 2K block, 2 at the start
     * of the next; IDAWs and data are recorded and checked (S18-S20) */
    ccw(dom, 0x8200, 0x02, IDA, 4, 0x8300);
    put32(mem(dom, 0x8300, 4), 0x97fe);
    put32(mem(dom, 0x8304, 4), 0xa000);
    orb(dom, ORB_F | ORB_LPM, 0x8200);
    ck_assert_int_eq(css_ssch(c, sid, 0x1000), 0);
    run(m);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 0);
    ck_assert_uint_eq(mem(dom, 0x2000, 12)[9], 0);

    /* the second IDAW not on a block boundary: channel-program check, as the monitor expects */
    put32(mem(dom, 0x8304, 4), 0xa100);
    ck_assert_int_eq(css_ssch(c, sid, 0x1000), 0);
    run(m);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 0);
    ck_assert_uint_eq(mem(dom, 0x2000, 12)[9], 0x20);

    /* an ORB with a reserved bit: operand exception */
    orb(dom, ORB_F | ORB_LPM | ORB_RSVD, 0x8000);
    ck_assert_int_lt(css_ssch(c, sid, 0x1000), 0);
    ck_assert_uint_eq(cs_monitor_hub_findings(live), 0);

    /* a faulty record: an SSCH said to succeed while the real one is running */
    orb(dom, ORB_F | ORB_LPM, 0x8000);
    ck_assert_int_eq(css_ssch(c, sid, 0x1000), 0);
    int ch = css_subchannel_channel(c, sid);
    ck_assert_int_ge(ch, 0);
    uint8_t bogus[8] = {0, 0, (uint8_t)(sid >> 8), (uint8_t)sid, 0, 0, 0, 0};
    cs_tap_msg(&m->tap, (uint16_t)ch, CS_TAP_TO_FW, CSS_FT_SSCH, bogus, sizeof(bogus));
    run(m);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 0);

    cs_monitor_finish_live(m, live);
    uint64_t idaw_data_checks = 0;
    cs_monitor_hub_coverage(live, count_idaw_data_checks, &idaw_data_checks);
    ck_assert_uint_ge(idaw_data_checks, 3);
    struct tally lt = {0};
    cs_monitor_hub_findings_by_rule(live, tally_rule, &lt);
    css_free(c);
    cs_machine_free(m);
    ck_assert_msg(cs_trace_writer_close(tw, &err) == 0, "%s", err.msg);
    cs_platform_free(p);

    ck_assert_uint_eq(lt.n, 1);
    ck_assert_str_eq(lt.rules[0], "S1");
    ck_assert_uint_eq(lt.counts[0], 1);

    /* offline, as `chansim check` reads it */
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *off = cs_monitor_hub_new(ignore, NULL);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++)
        cs_monitor_hub_channel(off, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        last = ev.cycles;
        if (ev.type != CS_TRACE_MSG)
            continue;
        struct cs_mon_msg mm = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(off, &mm);
    }
    ck_assert_int_eq(got, 0);
    cs_monitor_hub_finish(off, last);
    struct tally ot = {0};
    cs_monitor_hub_findings_by_rule(off, tally_rule, &ot);
    cs_monitor_hub_free(off);
    cs_trace_reader_close(r);

    ck_assert_uint_eq(ot.n, lt.n);
    ck_assert_str_eq(ot.rules[0], lt.rules[0]);
    ck_assert_uint_eq(ot.counts[0], lt.counts[0]);
    ck_assert_uint_eq(ot.first_cycle[0], lt.first_cycle[0]);
    cs_test_rmtree(tmp);
}
END_TEST

/* Refuses every access at or above *ctx, as a host's access check does for storage it does
 * not own. */
static int refuse_from(void *ctx, uint64_t gpa, uint64_t len, int write)
{
    (void)len;
    (void)write;
    return gpa >= *(const uint64_t *)ctx;
}

/* A Read data-chained through a TIC into refused storage: the channel's look-ahead at the TIC
 * target (for the count still to come) records nothing, the fetch that uses it is refused and
 * recorded, and ends the program in protection check: one S22 finding live, the same offline. */
START_TEST(refused_access_is_s22_live_and_offline)
{
    char tmp[256], dir[300];
    cs_test_tmpdir(tmp, sizeof(tmp), "css-live-denied");
    snprintf(dir, sizeof(dir), "%s/trace", tmp);
    cs_error err = {0};
    struct cs_platform *p;
    ck_assert_msg(cs_platform_load(CSS_TESTDATA "/lpar.xml", NULL, &p, &err) == 0, "%s", err.msg);
    cs_trace_writer *tw;
    ck_assert_msg(cs_trace_writer_open(&tw, dir, p->clock_hz, &err) == 0, "%s", err.msg);
    const struct cs_family *fams[] = {&costs_only};
    struct cs_machine *m;
    ck_assert_msg(cs_machine_build(p, fams, 1, tw, &m, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *live;
    ck_assert_msg(cs_monitor_attach_live(m, &live, &err) == 0, "%s", err.msg);
    struct cs_domain *dom = &m->domains[0];
    struct css *c;
    ck_assert_msg(css_create(dom, &c, &err) == 0, "%s", err.msg);
    uint32_t sid;
    ck_assert_msg(css_attach_device(c, 0, 0, 0x0100, 0x42, &dev_ops, NULL, &sid, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(css_stsch(c, sid, 0x3000), 0);
    uint8_t *schib = mem(dom, 0x3000, 52);
    schib[4] = 3 << 3;
    schib[5] |= 0x80;
    ck_assert_int_eq(css_msch(c, sid, 0x3000), 0);
    uint64_t limit = 0xb000;
    css_set_access_check(c, refuse_from, &limit);

    ccw(dom, 0x8400, 0x02, 0x80 /* CD */, 2, 0x9000);
    ccw(dom, 0x8408, 0x08, 0, 0, 0xb000);
    ccw(dom, 0xb000, 0x02, SLI, 2, 0x9002);
    orb(dom, ORB_F | ORB_LPM, 0x8400);
    ck_assert_int_eq(css_ssch(c, sid, 0x1000), 0);
    run(m);
    ck_assert_int_eq(css_tsch(c, sid, 0x2000), 0);
    ck_assert_uint_eq(mem(dom, 0x2000, 12)[9], 0x10); /* protection check */

    cs_monitor_finish_live(m, live);
    struct tally lt = {0};
    cs_monitor_hub_findings_by_rule(live, tally_rule, &lt);
    css_free(c);
    cs_machine_free(m);
    ck_assert_msg(cs_trace_writer_close(tw, &err) == 0, "%s", err.msg);
    cs_platform_free(p);
    ck_assert_uint_eq(lt.n, 1);
    ck_assert_str_eq(lt.rules[0], "S22");
    ck_assert_uint_eq(lt.counts[0], 1);

    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *off = cs_monitor_hub_new(ignore, NULL);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++)
        cs_monitor_hub_channel(off, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got, denied = 0;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        last = ev.cycles;
        if (ev.type != CS_TRACE_MSG)
            continue;
        if (ev.kind == 0x136) {
            denied++;
            ck_assert_uint_eq(ev.len, 13);
            ck_assert_uint_eq(ev.payload[6], 0xb0); /* be64 0xb000 */
            ck_assert_uint_eq(ev.payload[11], 8);   /* a CCW: 8 bytes */
            ck_assert_uint_eq(ev.payload[12], 0);   /* fetched */
        }
        struct cs_mon_msg mm = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(off, &mm);
    }
    ck_assert_int_eq(got, 0);
    cs_monitor_hub_finish(off, last);
    struct tally ot = {0};
    cs_monitor_hub_findings_by_rule(off, tally_rule, &ot);
    cs_monitor_hub_free(off);
    cs_trace_reader_close(r);
    ck_assert_int_eq(denied, 1);
    ck_assert_uint_eq(ot.n, 1);
    ck_assert_str_eq(ot.rules[0], "S22");
    ck_assert_uint_eq(ot.counts[0], lt.counts[0]);
    ck_assert_uint_eq(ot.first_cycle[0], lt.first_cycle[0]);
    cs_test_rmtree(tmp);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("css_monitor_live");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, live_and_offline_agree);
    tcase_add_test(tc, refused_access_is_s22_live_and_offline);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
