/* VMC scenarios end to end: the unmodified ibmvmc driver in a ppc64 partition, the CRQ
 * facility and the VMC hypervisor with its simulated HMC, and an HMC agent process. Each
 * scenario runs with the monitors live and records a trace; `chansim check`'s offline pass
 * over that trace must reach the same verdicts. Faulty hypervisor scripts are caught by rule
 * ID; the driver's own bugs by the kernel shim. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "crq_family.h"
#include "kshim/kernel.h"

#define DATA(f) TESTDATA_DIR "/" f

struct verdicts {
    char rules[64][8];
    unsigned n;
};

static void add_rule(struct verdicts *v, const char *rule)
{
    if (v->n < 64)
        snprintf(v->rules[v->n++], sizeof(v->rules[0]), "%s", rule);
}

static int has_rule(const struct verdicts *v, const char *rule)
{
    for (unsigned i = 0; i < v->n; i++)
        if (strcmp(v->rules[i], rule) == 0)
            return 1;
    return 0;
}

struct outcome {
    struct crq_vmc_device dev;
    struct vmc_hv_stats hv;
    struct ks_kernel_stats ks;
    struct ks_finding_record kfirst[KS_FINDING_KINDS];
    uint64_t protocol_findings;
    struct verdicts live, offline;
    struct cs_run_summary run;
    int rtl; /* the RTL engine's clock: the platform cycle it reached, edges evaluated, gated */
    uint64_t rtl_cycle, rtl_edges, rtl_gated;
};

static void collect(void *ctx, const struct cs_finding *f)
{
    add_rule(ctx, f->rule);
}

static int run_scenario_until(const char *platform, const char *trace_dir, uint64_t until_ns,
                              struct outcome *o, cs_error *err)
{
    memset(o, 0, sizeof(*o));
    const struct cs_family *fams[] = {&crq_family};
    struct cs_platform *p = NULL;
    cs_trace_writer *tw = NULL;
    struct cs_machine *m = NULL;
    int rc = -1;
    if (cs_platform_load(platform, NULL, &p, err) < 0)
        return -1;
    if (cs_trace_writer_open(&tw, trace_dir, p->clock_hz, err) < 0)
        goto out;
    if (cs_machine_build(p, fams, 1, tw, &m, err) < 0)
        goto out;
    struct cs_monitor_hub *hub;
    if (cs_monitor_attach_live(m, &hub, err) < 0)
        goto out;
    struct crq_vmc_device *const *devs;
    ck_assert_uint_eq(crq_vmc_devices(&devs), 1);
    ks_kernel_set_console_level(devs[0]->kernel, -1);
    struct cs_run_opts ro = {until_ns};
    if (cs_sc_run(m, &ro, &o->run, err) < 0)
        goto out;
    cs_monitor_finish_live(m, hub);
    o->protocol_findings = m->protocol_findings;
    o->dev = *devs[0];
    o->rtl = crq_adapter_rtl_clocked(vmc_hv_adapter(devs[0]->hv), &o->rtl_cycle, &o->rtl_edges,
                                     &o->rtl_gated) == 0;
    vmc_hv_stats(devs[0]->hv, &o->hv);
    ks_kernel_stats(devs[0]->kernel, &o->ks);
    size_t n;
    const struct ks_finding_record *f = ks_kernel_findings(devs[0]->kernel, &n);
    for (size_t i = n; i-- > 0;)
        o->kfirst[f[i].kind] = f[i];
    rc = 0;
out:
    cs_machine_free(m);
    if (tw && cs_trace_writer_close(tw, err) < 0)
        rc = -1;
    cs_platform_free(p);
    return rc;
}

static int run_scenario(const char *platform, const char *trace_dir, struct outcome *o,
                        cs_error *err)
{
    return run_scenario_until(platform, trace_dir, 2000000000ull, o, err);
}

/* The live findings are logged on the "sim" channel as "rule <ID> broken on ..."; the
 * offline pass runs the same monitors over the trace, as `chansim check` does. */
static void verdicts_from_trace(const char *dir, struct verdicts *live, struct verdicts *off)
{
    cs_error err = {0};
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *hub = cs_monitor_hub_new(collect, off);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++)
        cs_monitor_hub_channel(hub, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        last = ev.cycles;
        if (ev.type == CS_TRACE_LOG) {
            char rule[8];
            if (sscanf((const char *)ev.payload, "rule %7s broken", rule) == 1)
                add_rule(live, rule);
            continue;
        }
        struct cs_mon_msg m = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(hub, &m);
    }
    ck_assert_int_eq(got, 0);
    cs_monitor_hub_finish(hub, last);
    cs_monitor_hub_free(hub);
    cs_trace_reader_close(r);
}

static void scenario(const char *name, struct outcome *o)
{
    char platform[512], dir[512];
    snprintf(platform, sizeof(platform), "%s/vmc-%s.xml", TESTDATA_DIR, name);
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "vmc-%s", name);
    cs_test_tmpdir(dir, sizeof(dir), prefix);
    cs_error err = {0};
    ck_assert_msg(run_scenario(platform, dir, o, &err) == 0, "%s: %s", name, err.msg);
    verdicts_from_trace(dir, &o->live, &o->offline);
    /* the offline check reproduces the live verdicts, rule for rule */
    ck_assert_uint_eq(o->live.n, o->protocol_findings);
    ck_assert_uint_eq(o->offline.n, o->live.n);
    for (unsigned i = 0; i < o->live.n; i++)
        ck_assert_str_eq(o->offline.rules[i], o->live.rules[i]);
}

/* ibmvmc_write copies from user space while holding hmc->lock (upstream 6.1): a real K1, one
 * per message written. Nothing else may be found. */
static void expect_only_known_driver_bug(const struct outcome *o, uint64_t writes)
{
    ck_assert_uint_eq(o->ks.findings[KS_SLEEP_IN_ATOMIC], writes);
    ck_assert_uint_eq(o->ks.total_findings, writes);
    if (writes) {
        cs_assert_contains(o->kfirst[KS_SLEEP_IN_ATOMIC].file, "drivers/misc/ibmvmc.c");
        cs_assert_contains(o->kfirst[KS_SLEEP_IN_ATOMIC].msg, "copy_from_user");
    }
}

START_TEST(session_with_real_driver)
{
    static struct outcome o;
    scenario("session", &o);
    const struct vmc_app_result *r = &o.dev.result;
    ck_assert(r->done);
    ck_assert_int_eq(r->open_rc, 0);
    ck_assert_int_eq(r->sethmcid_rc, 0);
    ck_assert_msg(r->errors == 0, "agent error %d", r->last_error);
    ck_assert_uint_eq(r->sent, 16);
    ck_assert_uint_eq(r->received, 16);
    ck_assert_uint_eq(r->mismatched, 0);
    ck_assert_uint_eq(o.hv.opened, 1);
    ck_assert_uint_eq(o.hv.closed, 1);
    ck_assert_uint_eq(o.hv.signals_in, 16);
    ck_assert_uint_eq(o.hv.signals_out, 16);
    ck_assert_uint_eq(o.protocol_findings, 0);
    expect_only_known_driver_bug(&o, 16);
    ck_assert(o.run.idle);
}
END_TEST

START_TEST(reverse_hmc_three_sessions)
{
    static struct outcome o;
    scenario("reverse", &o);
    const struct vmc_app_result *r = &o.dev.result;
    ck_assert(r->done);
    ck_assert_msg(r->errors == 0, "agent error %d", r->last_error);
    ck_assert_uint_eq(r->received, 24);
    ck_assert_uint_eq(r->mismatched, 0);
    ck_assert_uint_eq(o.hv.opened, 3);
    ck_assert_uint_eq(o.hv.closed, 3);
    ck_assert_uint_eq(o.protocol_findings, 0);
    expect_only_known_driver_bug(&o, 24);
}
END_TEST

START_TEST(hypervisor_restarts_under_the_driver)
{
    static struct outcome o;
    scenario("restart", &o);
    const struct vmc_app_result *r = &o.dev.result;
    ck_assert(r->done);
    ck_assert_msg(r->errors == 0, "agent error %d", r->last_error);
    /* every 7th message is lost with the hypervisor; the agent reconnects and sends again */
    ck_assert_uint_eq(o.hv.restarts, 2);
    ck_assert_uint_eq(r->recoveries, 2);
    ck_assert_uint_eq(r->received, 20);
    ck_assert_uint_eq(r->mismatched, 0);
    ck_assert_uint_eq(o.hv.opened, 3);
    ck_assert_uint_eq(o.protocol_findings, 0);
    expect_only_known_driver_bug(&o, 22);
}
END_TEST

/* One trace event, kept for comparison after the reader moves on. */
struct kept_event {
    struct cs_trace_event ev;
    uint8_t *bytes;
};

static struct kept_event *read_trace(const char *dir, size_t *n)
{
    cs_error err = {0};
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct kept_event *v = NULL;
    size_t cap = 0;
    *n = 0;
    struct cs_trace_event ev;
    int got;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            v = realloc(v, cap * sizeof(*v));
            ck_assert_ptr_nonnull(v);
        }
        v[*n].ev = ev;
        v[*n].bytes = malloc(ev.len + 1);
        ck_assert_ptr_nonnull(v[*n].bytes);
        memcpy(v[*n].bytes, ev.payload, ev.len);
        (*n)++;
    }
    ck_assert_int_eq(got, 0);
    cs_trace_reader_close(r);
    return v;
}

/* The same scenario with the queue mechanics in the RTL engine, which charges the cycles it
 * takes, leaves the C model's trace, which charges its calibrated costs: event for event and
 * at the same cycles, and so the same end-to-end time (docs/calibration.md, within 5% the
 * target). A SystemC simulation runs once per process, so the C run is a child of its own. */
/* Bytes 8..11 of a VMC SIGNAL the partition sends are reserved and ibmvmc never initialises
 * them: stack contents, which differ between processes in the sanitizer build. In an H_SEND_CRQ
 * record they are bytes 24..27 (the high half of word 2). */
static int same_bytes(const struct cs_trace_event *e, const uint8_t *x, const uint8_t *y)
{
    int signal = e->type == CS_TRACE_MSG && e->kind == CRQ_K_HCALL && e->len >= 32 &&
                 crq_be64(x) == H_SEND_CRQ && x[16] == CRQ_HDR_PAYLOAD && x[17] == VMC_SIGNAL;
    for (uint32_t k = 0; k < e->len; k++)
        if (x[k] != y[k] && !(signal && k >= 24 && k < 28))
            return 0;
    return 1;
}

/* rtl: the RTL platform's suffix after vmc-NAME ("-rtl": the default clock, continuous). */
static void compare_engines(const char *name, const char *rtl, uint64_t received)
{
    char cdir[512], rdir[512], cplat[512], rplat[512], tag[64];
    snprintf(cplat, sizeof(cplat), "%s/vmc-%s.xml", TESTDATA_DIR, name);
    snprintf(rplat, sizeof(rplat), "%s/vmc-%s%s.xml", TESTDATA_DIR, name, rtl);
    snprintf(tag, sizeof(tag), "vmc-%s-c", name);
    cs_test_tmpdir(cdir, sizeof(cdir), tag);
    snprintf(tag, sizeof(tag), "vmc-%s%s", name, rtl);
    cs_test_tmpdir(rdir, sizeof(rdir), tag);
    fflush(stdout);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        static struct outcome o;
        cs_error err = {0};
        int rc = run_scenario(cplat, cdir, &o, &err);
        if (rc < 0)
            fprintf(stderr, "C model: %s\n", err.msg);
        _exit(rc < 0 || !o.dev.result.done ? 1 : 0);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the C model's run failed");
    static struct outcome o;
    cs_error err = {0};
    ck_assert_msg(run_scenario(rplat, rdir, &o, &err) == 0, "%s", err.msg);
    ck_assert(o.dev.result.done);
    ck_assert_uint_eq(o.dev.result.received, received);

    size_t nc, nr;
    struct kept_event *c = read_trace(cdir, &nc), *r = read_trace(rdir, &nr);
    size_t elements = 0;
    for (size_t i = 0; i < nc && i < nr; i++) {
        const struct cs_trace_event *a = &c[i].ev, *b = &r[i].ev;
        /* the simulator's opening line names the platform file, which differs */
        if (i == 0 && a->len > 9 && b->len > 9 && memcmp(c[i].bytes, "platform ", 9) == 0 &&
            memcmp(r[i].bytes, "platform ", 9) == 0)
            continue;
        ck_assert_msg(a->type == b->type && a->channel == b->channel && a->dir == b->dir &&
                          a->kind == b->kind && a->len == b->len &&
                          same_bytes(a, c[i].bytes, r[i].bytes),
                      "event %zu differs: C kind %u len %u, RTL kind %u len %u", i, a->kind, a->len,
                      b->kind, b->len);
        ck_assert_msg(a->cycles == b->cycles, "event %zu: C at cycle %llu, RTL at %llu", i,
                      (unsigned long long)a->cycles, (unsigned long long)b->cycles);
        elements += a->type == CS_TRACE_MSG && a->kind == CRQ_K_ELEMENT;
    }
    ck_assert_uint_eq(nr, nc);
    ck_assert_uint_gt(elements, received);
    uint64_t tc = c[nc - 1].ev.cycles, tr = r[nr - 1].ev.cycles;
    printf("vmc-%s end to end: C engine %llu cycles, RTL engine %llu\n", name,
           (unsigned long long)tc, (unsigned long long)tr);
    ck_assert_msg(tc * 100 <= tr * 105 && tc * 105 >= tr * 100,
                  "end to end: C %llu cycles, RTL %llu: more than 5%% apart",
                  (unsigned long long)tc, (unsigned long long)tr);
    for (size_t i = 0; i < nc; i++)
        free(c[i].bytes);
    for (size_t i = 0; i < nr; i++)
        free(r[i].bytes);
    free(c);
    free(r);
}

/* The RTL engine is clocked by a thread of its own; it holds no pending activity of its own,
 * so a run without a time limit ends when the machine has nothing left to do, at the same
 * cycle as on the C model, in both clock modes. Continuous (loop 0): every cycle up to the
 * machine's last work is an evaluated edge. On demand (loop 1): only those of the elements'
 * operations and register accesses, the rest gated. */
START_TEST(rtl_engine_thread_lets_the_run_go_idle)
{
    static const char *const plats[] = {"vmc-session-rtl", "vmc-session-rtl-on-demand"};
    char plat[512], cplat[512], dir[512], cdir[512];
    snprintf(plat, sizeof(plat), "%s/%s.xml", TESTDATA_DIR, plats[_i]);
    snprintf(cplat, sizeof(cplat), "%s/vmc-session.xml", TESTDATA_DIR);
    cs_test_tmpdir(dir, sizeof(dir), plats[_i]);
    cs_test_tmpdir(cdir, sizeof(cdir), "vmc-session-c-idle");
    fflush(stdout);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork(); /* SystemC runs one simulation per process */
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        static struct outcome oc;
        cs_error err = {0};
        int rc = run_scenario_until(cplat, cdir, 0, &oc, &err);
        uint64_t end = rc == 0 && oc.run.idle ? oc.run.sim_ns : 0;
        _exit(write(fds[1], &end, sizeof(end)) == (ssize_t)sizeof(end) ? 0 : 1);
    }
    close(fds[1]);
    uint64_t c_end = 0;
    ck_assert_int_eq(read(fds[0], &c_end, sizeof(c_end)), (ssize_t)sizeof(c_end));
    close(fds[0]);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_uint_gt(c_end, 0);

    static struct outcome o;
    cs_error err = {0};
    ck_assert_msg(run_scenario_until(plat, dir, 0, &o, &err) == 0, "%s", err.msg);
    ck_assert(o.dev.result.done);
    ck_assert_uint_eq(o.dev.result.received, 16);
    ck_assert_int_eq(o.run.idle, 1);
    ck_assert_uint_eq(o.run.sim_ns, c_end); /* the clock did not outlive the machine's work */
    ck_assert_uint_eq(o.protocol_findings, 0);
    ck_assert(o.rtl);
    uint64_t end = o.run.sim_ns; /* 1 GHz: a cycle a nanosecond */
    printf("%s: engine at cycle %llu of %llu, %llu edges evaluated, %llu gated\n", plats[_i],
           (unsigned long long)o.rtl_cycle, (unsigned long long)end,
           (unsigned long long)o.rtl_edges, (unsigned long long)o.rtl_gated);
    if (_i == 0) {
        /* no edge gated, and the clock ran until the machine's end, within its last quantum */
        ck_assert_uint_eq(o.rtl_gated, 0);
        ck_assert_uint_ge(o.rtl_cycle + CRQ_RTL_QUANTUM_DEFAULT, end);
    } else {
        ck_assert_uint_lt(o.rtl_edges * 10, end);
        ck_assert_uint_gt(o.rtl_gated, 0);
    }
}
END_TEST

/* rtl-clock and rtl-quantum: a wrong value is refused with the device, the attribute and the
 * value named. */
START_TEST(rtl_clock_attributes_checked)
{
    static const struct {
        const char *attrs, *msg;
    } bad[] = {
        {"rtl-clock='sometimes'", "rtl-clock='sometimes': expected continuous or on-demand"},
        {"rtl-quantum='0'", "rtl-quantum='0' is not a number in [1, 1048576]"},
        {"rtl-quantum='16x'", "rtl-quantum='16x' is not a number"},
    };
    char dir[512], path[600];
    cs_test_tmpdir(dir, sizeof(dir), "vmc-rtl-clock-attrs");
    snprintf(path, sizeof(path), "%s/plat.xml", dir);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *fp = fopen(path, "w");
        ck_assert_ptr_nonnull(fp);
        fprintf(fp,
                "<domain type='test'><name>lpar</name><memory unit='MiB'>64</memory>"
                "<os><type arch='ppc64' machine='pseries'>hvm</type></os><metadata>"
                "<chansim:platform xmlns:chansim='urn:chansim:platform:1'>"
                "<chansim:vio model='ibmvmc' engine='rtl' %s reg='0x30000002'/>"
                "</chansim:platform></metadata></domain>\n",
                bad[i].attrs);
        fclose(fp);
        const struct cs_family *fams[] = {&crq_family};
        struct cs_platform *p = NULL;
        struct cs_machine *m = NULL;
        cs_error err = {0};
        ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
        ck_assert_int_lt(cs_machine_build(p, fams, 1, NULL, &m, &err), 0);
        ck_assert_ptr_null(m);
        ck_assert_msg(strstr(err.msg, bad[i].msg) && strstr(err.msg, "<vio>"), "%s", err.msg);
        cs_platform_free(p);
    }
}
END_TEST

START_TEST(rtl_engine_trace_equals_c_model)
{
    compare_engines("session", "-rtl", 16);
}
END_TEST

START_TEST(rtl_engine_on_demand_trace_equals_c_model)
{
    compare_engines("session", "-rtl-on-demand", 16);
}
END_TEST

START_TEST(rtl_engine_reverse_time_equals_c_model)
{
    compare_engines("reverse", "-rtl", 24);
}
END_TEST

static void expect_fault(const char *name, const char *rule)
{
    static struct outcome o;
    scenario(name, &o);
    ck_assert_msg(has_rule(&o.live, rule), "%s: rule %s not reported (%u findings%s%s)", name, rule,
                  o.live.n, o.live.n ? ", first " : "", o.live.n ? o.live.rules[0] : "");
    ck_assert_uint_gt(o.protocol_findings, 0);
}

START_TEST(hv_cap_max_hmc_zero)
{
    expect_fault("cap-max-hmc-0", "V2");
}
END_TEST

START_TEST(hv_double_cap_resp)
{
    expect_fault("double-cap-resp", "V2");
}
END_TEST

START_TEST(hv_signal_partition_buffer)
{
    expect_fault("signal-partition-buffer", "V6");
}
END_TEST

START_TEST(hv_payload_before_init)
{
    expect_fault("payload-before-init", "C7"); /* the CRQ rule speaks first */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vmc-session");
    TCase *ok = tcase_create("scenarios");
    tcase_set_timeout(ok, 120);
    tcase_add_test(ok, session_with_real_driver);
    tcase_add_test(ok, reverse_hmc_three_sessions);
    tcase_add_test(ok, hypervisor_restarts_under_the_driver);
    tcase_add_test(ok, rtl_engine_trace_equals_c_model);
    tcase_add_loop_test(ok, rtl_engine_thread_lets_the_run_go_idle, 0, 2);
    tcase_add_test(ok, rtl_engine_on_demand_trace_equals_c_model);
    tcase_add_test(ok, rtl_clock_attributes_checked);
    tcase_add_test(ok, rtl_engine_reverse_time_equals_c_model);
    suite_add_tcase(s, ok);
    TCase *bad = tcase_create("faulty hypervisor");
    tcase_set_timeout(bad, 120);
    tcase_add_test(bad, hv_cap_max_hmc_zero);
    tcase_add_test(bad, hv_double_cap_resp);
    tcase_add_test(bad, hv_signal_partition_buffer);
    tcase_add_test(bad, hv_payload_before_init);
    suite_add_tcase(s, bad);
    return s;
}

CS_TEST_MAIN(suite)
