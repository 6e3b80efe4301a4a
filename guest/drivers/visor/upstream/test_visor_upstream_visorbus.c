/* The upstream visorbus core (Linux 4.16-5.18 drivers/visorbus, compiled unmodified, its VMCALL
 * rewritten into a call of the shim's thunk) booted by the visor family against the command
 * partition model with the live monitors, and chansim's function drivers probing on it and
 * doing real traffic. Upstream polls the controlvm channel for ever: every run has a time
 * limit and ends there, never idle. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_monitor.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "visor_upstream_run.h"

#define DATA(f)          TESTDATA_DIR "/" f
#define UPSTREAM_DATA(f) UPSTREAM_TESTDATA_DIR "/" f
#define SECONDS          1000000000ull

/* Defined by upstream's visorbus_main.c only: proof that the program runs upstream's core
 * (module "visorbus") and not chansim's, which has no such function. */
extern char visorbus_create_instance[] __attribute__((weak));

static struct visor_upstream_result r;

static void run(const char *platform, uint64_t until_ns)
{
    cs_error err = {0};
    ck_assert_ptr_nonnull(visorbus_create_instance);
    ck_assert_msg(visor_upstream_run(platform, until_ns, &r, &err) == 0, "%s", err.msg);
    printf("%s%s: %.3f s simulated in %.3f s wall, %llu activations, %llu channel messages\n",
           r.report, platform, r.sum.sim_ns / 1e9, r.sum.wall_seconds,
           (unsigned long long)r.sum.activations, (unsigned long long)r.sum.messages);
    /* upstream polls the controlvm channel for ever: the run ends at the limit */
    ck_assert_int_eq(r.sum.idle, 0);
    ck_assert_uint_eq(r.sum.sim_ns, until_ns);
    cs_assert_contains(r.report, "guest visor drivers booted");
}

static void teardown(void)
{
    visor_upstream_result_free(&r);
}

/* Discovery (CPUID leaf, VMCALL 0x0501 through the rewritten instruction), CHIPSET_INIT, two
 * BUS_CREATEs and DEVICE_CREATEs for vhba, vnic, keyboard and mouse, CHIPSET_READY: every
 * command ACKed and answered as the command partition model expects, and chansim's function
 * drivers bound by upstream's bus: SCSI READ/WRITE through the IO partition with the data
 * verified, keyboard and mouse reports read back by the guest. */
START_TEST(boots_and_creates_every_device_type)
{
    run(DATA("scenario-boot.xml"), 3 * SECONDS);
    cs_assert_contains(r.report, "controlvm 8/8 commands sent, 8 acked, 8 answered (0 failed), "
                                 "0 protocol errors\n");
    cs_assert_contains(r.report, "(50 reads, 50 writes, 0 check conditions)");
    cs_assert_contains(r.report,
                       "workload: 100/100 commands done, 50 verified, 0 errors, 0 busy\n");
    cs_assert_contains(r.report, "11 input reports inserted, 0 waiting");
    cs_assert_contains(r.report, "/11 input events read, 11 verified, 0 errors\n");
    cs_assert_contains(r.report, "6 input reports inserted, 0 waiting");
    cs_assert_contains(r.report, "/6 input events read, 6 verified, 0 errors\n");
    ck_assert_uint_eq(r.protocol_findings, 0);
    ck_assert_uint_eq(r.driver_findings, 0);
}
END_TEST

/* Upstream polls the controlvm channel every jiffy and, after 10 s without a message, every
 * 100 jiffies, for ever. Over 60 s of a platform that is idle after its first seconds that is
 * about 4,400 polls (2.5 s busy plus 10 s at 250 Hz, then 2.5 per second); polling every jiffy
 * throughout would alone be 15,000 activations. */
START_TEST(controlvm_poll_slows_down_when_idle)
{
    run(DATA("scenario-boot.xml"), 60 * SECONDS);
    cs_assert_contains(r.report, "controlvm 8/8 commands sent, 8 acked, 8 answered (0 failed), "
                                 "0 protocol errors\n");
    ck_assert_uint_lt(r.sum.activations, 15000);
    ck_assert_uint_eq(r.protocol_findings, 0);
}
END_TEST

/* Traffic on upstream's channels: 1,000 SCSI commands with their data verified, 500 frames each
 * way between two vnics through the IO partition's switch, every one verified. */
START_TEST(scsi_and_frames_through_upstream_channels)
{
    run(UPSTREAM_DATA("upstream-io.xml"), 6 * SECONDS);
    cs_assert_contains(r.report, "controlvm 6/6 commands sent, 6 acked, 6 answered (0 failed), "
                                 "0 protocol errors\n");
    cs_assert_contains(r.report, "1000 SCSI commands (500 reads, 500 writes, 0 check conditions)");
    cs_assert_contains(r.report,
                       "workload: 1000/1000 commands done, 500 verified, 0 errors, 0 busy\n");
    cs_assert_contains(r.report, "visor.1.1            vnic: 500 frames sent, 500 received, 0 "
                                 "dropped");
    cs_assert_contains(r.report, "visor.1.2            vnic: 500 frames sent, 500 received, 0 "
                                 "dropped");
    cs_assert_contains(r.report, "visor.1.1            workload: 500/500 frames sent, 500 "
                                 "verified, 0 errors\n");
    cs_assert_contains(r.report, "visor.1.2            workload: 500/500 frames sent, 500 "
                                 "verified, 0 errors\n");
    ck_assert_uint_eq(r.protocol_findings, 0);
    ck_assert_uint_eq(r.driver_findings, 0);
}
END_TEST

/* DEVICE_DESTROY of a busy vhba and of a keyboard, then BUS_DESTROY of their buses: upstream
 * removes the devices (the workload sees the device go) and answers every command. */
START_TEST(destroy_while_busy)
{
    run(DATA("scenario-destroy.xml"), 1 * SECONDS);
    cs_assert_contains(r.report, "controlvm 10/10 commands sent, 10 acked, 10 answered (0 failed), "
                                 "0 protocol errors\n");
    cs_assert_contains(r.report, "0 bad requests; destroyed;");
    cs_assert_contains(r.report, "keyboard: 3 input reports inserted, 0 waiting; destroyed;");
    cs_assert_contains(r.report, ", 0 busy: device gone: -19\n");
    ck_assert_uint_eq(r.protocol_findings, 0);
    ck_assert_uint_eq(r.driver_findings, 0);
}
END_TEST

/* The IO partition crashes under load and recovers: DEVICE_CHANGESTATE standby, then running,
 * each answered by upstream once chansim's visorhba completed the pause or resume; every
 * command completes once with its data verified. Without interrupts (upstream keeps no line)
 * visorhba polls every 2 ms, one command at a time: 4,000 commands take about 8 s. */
START_TEST(pause_and_resume_on_partition_crash)
{
    run(DATA("scenario-crash.xml"), 10 * SECONDS);
    cs_assert_contains(r.report, "controlvm 6/6 commands sent, 6 acked, 6 answered (0 failed), "
                                 "0 protocol errors\n");
    /* the command lost in the crash is sent again: 4,001 done for 4,000 */
    cs_assert_contains(r.report, "/4000 commands done, 2000 verified, 0 errors, 0 busy\n");
    ck_assert_uint_eq(r.protocol_findings, 0);
    ck_assert_uint_eq(r.driver_findings, 0);
}
END_TEST

/* Run `platform` in a child whose stderr comes back in buf, recording its trace in
 * `trace_dir`; returns the child's wait status. The child prints the run's end and its
 * findings after the run. In the sanitizer build the hostile runs end in the sanitizer's
 * report, in a plain build they end normally with the guest's oops or panic as a finding. */
struct child_run {
    const char *platform, *trace_dir;
    uint64_t until_ns;
};

static void child_run(void *arg)
{
    const struct child_run *c = arg;
    cs_error err = {0};
    struct visor_upstream_opts o = {
        .until_ns = c->until_ns, .trace_dir = c->trace_dir, .keep_stderr = 1};
    if (visor_upstream_run_opts(c->platform, &o, &r, &err) < 0) {
        fprintf(stderr, "run failed: %s\n", err.msg);
        _exit(2);
    }
    fprintf(stderr, "%srun ended at %llu ns (%s): %llu driver findings, %llu protocol findings\n",
            r.report, (unsigned long long)r.sum.sim_ns, r.sum.idle ? "idle" : "time limit",
            (unsigned long long)r.driver_findings, (unsigned long long)r.protocol_findings);
}

static int run_in_child(const char *platform, uint64_t until_ns, const char *trace_dir, char *buf,
                        size_t size)
{
    struct child_run c = {platform, trace_dir, until_ns};
    return cs_test_child_stderr(child_run, &c, buf, size);
}

/* What `chansim check` finds in a trace, and the kernel log lines it holds with `text`. */
struct checked {
    char rules[256]; /* "U3 " per rule with findings */
    uint64_t findings, log_lines_with_text;
};

static void note_rule(void *ctx, const char *rule, uint64_t count, const struct cs_finding *first)
{
    (void)count;
    (void)first;
    struct checked *c = ctx;
    size_t n = strlen(c->rules);
    snprintf(c->rules + n, sizeof(c->rules) - n, "%s ", rule);
}

static void check_trace(const char *dir, const char *text, struct checked *c)
{
    memset(c, 0, sizeof(*c));
    cs_error err = {0};
    cs_trace_reader *tr = NULL;
    ck_assert_msg(cs_trace_reader_open(&tr, dir, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *hub = cs_monitor_hub_new(NULL, NULL);
    for (size_t i = 0; i < cs_trace_reader_channels(tr); i++)
        cs_monitor_hub_channel(hub, (uint16_t)i, cs_trace_reader_channel_name(tr, i),
                               cs_trace_reader_channel_family(tr, i));
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got;
    while ((got = cs_trace_reader_next(tr, &ev, &err)) == 1) {
        last = ev.cycles;
        if (ev.type == CS_TRACE_LOG) {
            if (strstr((const char *)ev.payload, text))
                c->log_lines_with_text++;
            continue;
        }
        struct cs_mon_msg m = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(hub, &m);
    }
    ck_assert_msg(got == 0, "%s", err.msg);
    cs_monitor_hub_finish(hub, last);
    c->findings = cs_monitor_hub_findings(hub);
    cs_monitor_hub_findings_by_rule(hub, note_rule, c);
    cs_monitor_hub_free(hub);
    cs_trace_reader_close(tr);
}

/* The run went on to its limit after the guest's oops or panic. */
static void assert_ended_normally(int status, const char *buf)
{
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the run died (status 0x%x)",
                  status);
    cs_assert_contains(buf, "run ended at 1000000000 ns (time limit)");
}

/* A hostile IO partition writes max_slots 0 into the vhba response queue while commands are
 * outstanding: upstream's signalremove computes (tail + 1) % max_slots from the header, a
 * divide error in the guest kernel. As in Linux it is an oops (K11) that kills the thread
 * polling the queue (chansim's visorhba), not the simulator; under UBSan its report stops the
 * run first. docs/findings.md. */
START_TEST(hostile_max_slots_oopses_upstream_signalremove)
{
    static char buf[1 << 16];
    char dir[256];
    cs_test_tmpdir(dir, sizeof(dir), "upbus-max-slots");
    int status = run_in_child(UPSTREAM_DATA("upstream-hostile-max-slots.xml"), 1 * SECONDS, dir,
                              buf, sizeof(buf));
    /* the monitors saw the poke first */
    cs_assert_contains(buf, "rule U3 broken on channel visor.1.0");
    cs_assert_contains(buf, "queue 1 max_slots 0");
#if defined(__SANITIZE_UNDEFINED__) || defined(__SANITIZE_ADDRESS__)
    if (strstr(buf, "division by zero")) {
        cs_assert_contains(buf, "visorchannel.c:222");
        ck_assert_msg(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
                      "the run ended normally after UBSan's report");
        cs_test_rmtree(dir);
        return;
    }
#endif
    assert_ended_normally(status, buf);
    cs_assert_contains(buf, "driver finding K11: signalremove_inner+0x");
    cs_assert_contains(buf, "oops: divide error (SIGFPE) at ip 0x");
    cs_assert_contains(buf, "in signalremove_inner+0x");
    cs_assert_contains(buf, " [visorchannel.c]; task ");
    cs_assert_contains(buf, "killed: parked for good");
    /* the trace is whole: `chansim check` reads it and finds the same */
    struct checked c;
    check_trace(dir, "driver finding K11: signalremove_inner+0x", &c);
    ck_assert_uint_ge(c.findings, 1);
    cs_assert_contains(c.rules, "U3 ");
    ck_assert_uint_eq(c.log_lines_with_text, 1);
    cs_test_rmtree(dir);
}
END_TEST

/* A hostile console partition writes signal_size 1216 into a keyboard queue: upstream's
 * signalremove copies 1216 bytes into the 16-byte report of the function driver (here chansim's
 * visorinput, polled by upstream's dev_periodic_work timer). With the guest compiled with
 * -fstack-protector-strong, as the kernel is, the function finds its canary smashed: the
 * stack protector's panic (K12) stops the guest kernel, the models and the run go on. Under
 * AddressSanitizer the overrun itself is reported first. docs/findings.md. */
START_TEST(hostile_signal_size_panics_the_guest)
{
    static char buf[1 << 16];
    char dir[256];
    cs_test_tmpdir(dir, sizeof(dir), "upbus-signal-size");
    int status = run_in_child(UPSTREAM_DATA("upstream-hostile-signal-size.xml"), 1 * SECONDS, dir,
                              buf, sizeof(buf));
    cs_assert_contains(buf, "rule U3 broken on channel visor.2.0");
    cs_assert_contains(buf, "queue 0 signal_size 1216");
#if defined(__SANITIZE_ADDRESS__)
    cs_assert_contains(buf, "stack-buffer-overflow");
    cs_assert_contains(buf, "WRITE of size 1216");
    cs_assert_contains(buf, "in signalremove_inner");
    ck_assert_msg(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "the run ended normally after the overrun");
#else
    assert_ended_normally(status, buf);
    cs_assert_contains(buf, "driver finding K12: ");
    cs_assert_contains(buf, "Kernel panic - not syncing: stack-protector: Kernel stack is "
                            "corrupted in: ");
    cs_assert_contains(buf, "the kernel stops");
    struct checked c;
    check_trace(dir, "stack-protector: Kernel stack is corrupted in: ", &c);
    ck_assert_uint_ge(c.findings, 1);
    cs_assert_contains(c.rules, "U3 ");
    ck_assert_uint_eq(c.log_lines_with_text, 1);
#endif
    cs_test_rmtree(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_upstream_visorbus");
    TCase *tc = tcase_create("upstream_core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, boots_and_creates_every_device_type);
    tcase_add_test(tc, controlvm_poll_slows_down_when_idle);
    tcase_add_test(tc, scsi_and_frames_through_upstream_channels);
    tcase_add_test(tc, destroy_while_busy);
    tcase_add_test(tc, pause_and_resume_on_partition_crash);
    suite_add_tcase(s, tc);
    /* hostile back-ends: the guest's oops and panic */
    TCase *hostile = tcase_create("hostile");
    tcase_add_checked_fixture(hostile, NULL, teardown);
    tcase_set_timeout(hostile, 600);
    tcase_add_test(hostile, hostile_max_slots_oopses_upstream_signalremove);
    tcase_add_test(hostile, hostile_signal_size_panics_the_guest);
    suite_add_tcase(s, hostile);
    return s;
}

CS_TEST_MAIN(suite)
