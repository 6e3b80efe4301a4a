/* The kernel shim proven on proofdrv: a user process reads events that a timer and an
 * interrupt produce through a tasklet, a kthread and a work item; runs are deterministic; and
 * each deliberate driver bug is reported by the shim with its ID, file and line. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "kshim/kernel.h"
#include "proofdrv.h"

#define PULSES       20
#define WANT_RECORDS 16

struct outcome {
    int opened, bad_records, poll_ready, ioctl_rc;
    unsigned records;
    struct proof_stats stats;
    int unload_rc, app_done;
    struct ks_kernel_stats ks;
    struct ks_finding_record first[KS_FINDING_KINDS];
    struct cs_run_summary run;
};

struct source {
    struct cs_domain *dom;
    unsigned line;
    int left;
};

/* The event source: a device pulsing its interrupt line every 3 ms. */
static void pulse_low(void *arg)
{
    struct source *s = arg;
    cs_irq_set_level(&s->dom->irqs, s->line, 0);
}

static void pulse(void *arg)
{
    struct source *s = arg;
    struct cs_machine *m = s->dom->machine;
    cs_irq_set_level(&s->dom->irqs, s->line, 1);
    cs_sched_after(m->sched, 1, pulse_low, s);
    if (--s->left > 0)
        cs_sched_after(m->sched, cs_machine_ns_to_cycles(m, 3000000), pulse, s);
}

struct app {
    struct ks_kernel *k;
    struct outcome *out;
};

static void management_app(struct ks_uproc *p, void *arg)
{
    struct app *a = arg;
    struct outcome *o = a->out;
    struct proof_record *recs = ks_umalloc(p, 4 * sizeof(*recs));
    struct proof_stats *st = ks_umalloc(p, sizeof(*st));
    /* the module loads in the boot task meanwhile: wait for its device node, as udev would */
    int fd = -1;
    for (int i = 0; i < 100 && fd < 0; i++) {
        fd = ks_sys_open(p, "/dev/proof", O_RDWR);
        if (fd < 0)
            ks_sys_sleep_ms(p, 1);
    }
    o->opened = fd >= 0;
    if (fd < 0)
        return;
    while (o->records < WANT_RECORDS) {
        ssize_t n = ks_sys_read(p, fd, recs, 4 * sizeof(*recs));
        if (n <= 0)
            break;
        for (size_t i = 0; i < (size_t)n / sizeof(*recs); i++) {
            const struct proof_record *r = &recs[i];
            if (r->check != (r->seq * 2654435761u ^ r->source) || r->seq != o->records + 1)
                o->bad_records++;
            o->records++;
        }
    }
    o->poll_ready = ks_sys_poll(p, fd, POLLIN, 50);
    o->ioctl_rc = (int)ks_sys_ioctl(p, fd, PROOF_IOC_STATS, (unsigned long)st);
    o->stats = *st;
    ks_sys_close(p, fd);
    o->unload_rc = ks_module_unload(a->k, "proofdrv");
}

/* until_ns 0: 2 s of simulated time at most, by when the clean driver is long idle. */
static int run_proof_until(int bug, const char *trace_dir, uint64_t until_ns, struct outcome *o,
                           cs_error *err)
{
    memset(o, 0, sizeof(*o));
    struct cs_platform *p = NULL;
    cs_trace_writer *tw = NULL;
    struct cs_machine *m = NULL;
    struct ks_kernel *k = NULL;
    int rc = -1;
    if (cs_platform_load(TESTDATA_DIR "/proof.xml", NULL, &p, err) < 0)
        return -1;
    if (trace_dir && cs_trace_writer_open(&tw, trace_dir, p->clock_hz, err) < 0)
        goto out;
    if (cs_machine_build(p, NULL, 0, tw, &m, err) < 0)
        goto out;
    struct cs_domain *dom = &m->domains[0];
    if (ks_kernel_create(dom, "kernel", &k, err) < 0)
        goto out;
    ks_kernel_set_console_level(k, -1);
    static struct source src;
    src = (struct source){dom, cs_irq_alloc(&dom->irqs, "proof-source"), PULSES};
    char num[16];
    snprintf(num, sizeof(num), "%u", src.line);
    snprintf(num + 8, 8, "%d", bug);
    if (ks_module_param_set(k, "proofdrv", "irq", num, err) < 0 ||
        ks_module_param_set(k, "proofdrv", "bug", num + 8, err) < 0)
        goto out;
    const char *mods[] = {"proofdrv"};
    if (ks_kernel_boot(k, mods, 1, err) < 0)
        goto out;
    cs_sched_after(m->sched, cs_machine_ns_to_cycles(m, 1000000), pulse, &src);
    static struct app a;
    a = (struct app){k, o};
    struct ks_uproc *app = ks_uproc_spawn(k, "mgmt-app", management_app, &a);
    struct cs_run_opts ro = {until_ns ? until_ns : 2000000000ull};
    if (cs_sc_run(m, &ro, &o->run, err) < 0)
        goto out;
    o->app_done = ks_uproc_done(app);
    ks_kernel_stats(k, &o->ks);
    size_t n;
    const struct ks_finding_record *f = ks_kernel_findings(k, &n);
    for (size_t i = n; i-- > 0;)
        o->first[f[i].kind] = f[i];
    rc = 0;
out:
    ks_kernel_destroy(k);
    cs_machine_free(m);
    if (tw && cs_trace_writer_close(tw, err) < 0)
        rc = -1;
    cs_platform_free(p);
    return rc;
}

static int run_proof(int bug, const char *trace_dir, struct outcome *o, cs_error *err)
{
    return run_proof_until(bug, trace_dir, 0, o, err);
}

/* The line of proofdrv.c carrying `marker`. */
static int line_of(const char *marker)
{
    FILE *f = fopen(PROOFDRV_SRC, "r");
    ck_assert_ptr_nonnull(f);
    char buf[512];
    int line = 0, found = 0;
    while (fgets(buf, sizeof(buf), f)) {
        line++;
        if (strstr(buf, marker)) {
            found = line;
            break;
        }
    }
    fclose(f);
    ck_assert_msg(found, "marker %s not in proofdrv.c", marker);
    return found;
}

START_TEST(clean_driver_serves_events)
{
    struct outcome o;
    cs_error err = {0};
    ck_assert_msg(run_proof(0, NULL, &o, &err) == 0, "%s", err.msg);
    ck_assert(o.opened);
    ck_assert_uint_ge(o.records, WANT_RECORDS);
    ck_assert_int_eq(o.bad_records, 0);
    ck_assert_int_eq(o.ioctl_rc, 0);
    ck_assert_uint_gt(o.stats.ticks, 0);
    ck_assert_uint_gt(o.stats.interrupts, 0);
    ck_assert_uint_gt(o.stats.tasklet_runs, 0);
    ck_assert_uint_gt(o.stats.thread_runs, 0);
    ck_assert_uint_gt(o.stats.work_runs, 0);
    ck_assert_uint_eq(o.stats.reads, o.records);
    ck_assert_int_eq(o.unload_rc, 0);
    ck_assert_msg(o.ks.total_findings == 0, "unexpected finding %s at %s:%d: %s",
                  ks_finding_id(o.first[0].kind), o.first[0].file, o.first[0].line, o.first[0].msg);
    ck_assert_uint_eq(o.ks.live_allocations, 0);
    ck_assert(o.run.idle); /* everything stopped after the unload */
    /* simulated time: 16 records at 4 ms ticks and 3 ms pulses need more than 20 ms */
    ck_assert_uint_gt(o.run.sim_ns, 20000000);
}
END_TEST

static void expect(int bug, enum ks_finding kind, const char *marker)
{
    struct outcome o;
    cs_error err = {0};
    ck_assert_msg(run_proof(bug, NULL, &o, &err) == 0, "%s", err.msg);
    ck_assert_msg(o.ks.findings[kind] >= 1, "bug %d: no %s finding (%llu findings)", bug,
                  ks_finding_id(kind), (unsigned long long)o.ks.total_findings);
    const struct ks_finding_record *f = &o.first[kind];
    cs_assert_contains(f->file, "proofdrv.c");
    ck_assert_msg(f->line == line_of(marker), "%s reported at line %d, expected %d: %s",
                  ks_finding_id(kind), f->line, line_of(marker), f->msg);
}

START_TEST(sleep_in_atomic)
{
    expect(1, KS_SLEEP_IN_ATOMIC, "proof:K1");
}
END_TEST

START_TEST(lock_held_at_return)
{
    expect(2, KS_LOCK_IMBALANCE, "proof:K2");
}
END_TEST

START_TEST(double_unlock)
{
    expect(3, KS_DOUBLE_UNLOCK, "proof:K3");
}
END_TEST

START_TEST(irq_restore_twice)
{
    expect(4, KS_IRQ_IMBALANCE, "proof:K4");
}
END_TEST

START_TEST(leak_at_unload)
{
    expect(5, KS_LEAK, "proof:K5");
}
END_TEST

START_TEST(double_free)
{
    expect(7, KS_BAD_FREE, "proof:K7");
}
END_TEST

START_TEST(recursive_lock)
{
    expect(8, KS_RECURSIVE_LOCK, "proof:K8");
}
END_TEST

START_TEST(unbalanced_enable_irq)
{
    expect(10, KS_IRQ_IMBALANCE, "proof:K4-irq");
}
END_TEST

#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer the shim poisons freed objects and red zones, so ASan stops the run
 * at the bad access itself, naming the driver line. */
static void expect_asan(int bug, const char *marker)
{
    fflush(NULL);
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 2);
        struct outcome o;
        cs_error err = {0};
        run_proof(bug, NULL, &o, &err);
        _exit(0);
    }
    close(pipefd[1]);
    static char out[65536];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof(out) - 1 && (r = read(pipefd[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = 0;
    close(pipefd[0]);
    int st;
    waitpid(pid, &st, 0);
    ck_assert_msg(!(WIFEXITED(st) && WEXITSTATUS(st) == 0), "ASan did not stop the run");
    cs_assert_contains(out, "use-after-poison");
    char where[64];
    snprintf(where, sizeof(where), "proofdrv.c:%d", line_of(marker));
    (void)where; /* the faulting line is the access, not the marker: checked by file */
    cs_assert_contains(out, "proofdrv.c");
}

START_TEST(use_after_free)
{
    expect_asan(6, "proof:K6");
}
END_TEST

START_TEST(overflow)
{
    expect_asan(9, "proof:K10");
}
END_TEST
#else
START_TEST(use_after_free)
{
    expect(6, KS_USE_AFTER_FREE, "proof:K6");
}
END_TEST

START_TEST(overflow)
{
    expect(9, KS_OOB_WRITE, "proof:K10");
}
END_TEST
#endif

/* A traced run of the clean driver, in a process of its own. */
static int traced_run(void *dir)
{
    struct outcome o;
    cs_error err = {0};
    return run_proof(0, dir, &o, &err) == 0 && o.records >= WANT_RECORDS ? 0 : 1;
}

START_TEST(two_runs_same_trace)
{
    char a[512], b[512];
    cs_test_tmpdir(a, sizeof(a), "proof-a");
    cs_test_tmpdir(b, sizeof(b), "proof-b");
    cs_test_in_child(traced_run, a);
    cs_test_in_child(traced_run, b);
    size_t total;
    ck_assert_int_eq(cs_test_dirs_identical(a, b, &total, NULL), 3); /* metadata, sim, kernel */
    ck_assert_uint_gt(total, 1000);
}
END_TEST

/* A run stopped by its time limit while everything is active: the timer armed, the kthread
 * and the system workqueue's worker asleep, the management process blocked in read(). The
 * kernel and the machine must still free all they own (under the sanitizer build the leak
 * check proves it) and nothing may touch freed memory. */
START_TEST(stopped_mid_activity_frees_everything)
{
    struct outcome o;
    cs_error err = {0};
    /* 2.5 ms: the module is up, the app waits for its first record, the timer is armed */
    const uint64_t until = 2500000;
    ck_assert_msg(run_proof_until(0, NULL, until, &o, &err) == 0, "%s", err.msg);
    ck_assert(o.opened);
    ck_assert(!o.run.idle); /* stopped by the limit, not because the work ran out */
    ck_assert_uint_eq(o.run.sim_ns, until);
    ck_assert(!o.app_done);
    ck_assert_uint_lt(o.records, WANT_RECORDS);
    ck_assert_uint_gt(o.ks.live_allocations, 0); /* the module was still loaded */
    ck_assert_msg(o.ks.total_findings == 0, "unexpected finding %s: %s",
                  ks_finding_id(o.first[0].kind), o.first[0].msg);
#if defined(__SANITIZE_ADDRESS__)
    ck_assert_msg(__lsan_do_recoverable_leak_check() == 0,
                  "memory leaked after a stopped run (report on stderr)");
#endif
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("proofdrv");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, 120);
    tcase_add_test(run, clean_driver_serves_events);
    tcase_add_test(run, two_runs_same_trace);
    tcase_add_test(run, stopped_mid_activity_frees_everything);
    suite_add_tcase(s, run);
    TCase *bugs = tcase_create("caught bugs");
    tcase_set_timeout(bugs, 120);
    tcase_add_test(bugs, sleep_in_atomic);
    tcase_add_test(bugs, lock_held_at_return);
    tcase_add_test(bugs, double_unlock);
    tcase_add_test(bugs, irq_restore_twice);
    tcase_add_test(bugs, leak_at_unload);
    tcase_add_test(bugs, use_after_free);
    tcase_add_test(bugs, double_free);
    tcase_add_test(bugs, recursive_lock);
    tcase_add_test(bugs, overflow);
    tcase_add_test(bugs, unbalanced_enable_irq);
    suite_add_tcase(s, bugs);
    return s;
}

CS_TEST_MAIN(suite)
