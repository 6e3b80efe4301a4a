/* Running a machine under SystemC: activations happen at their cycle in simulated time, a
 * time limit stops the run, the same platform gives a bit-identical trace twice, and clock
 * threads do not keep a run from ending. */
#include <stdio.h>
#include <sys/stat.h>

#include "cs_exec.h"
#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "test_echo_family.h"

#define DATA(f) TESTDATA_DIR "/" f

static const struct cs_family *const fams[] = {&test_echo_family};

static int run_echo(const char *trace_dir, uint64_t until_ns, struct cs_run_summary *sum,
                    cs_error *err)
{
    struct cs_platform *p = NULL;
    cs_trace_writer *tw = NULL;
    struct cs_machine *m = NULL;
    int rc = -1;
    if (cs_platform_load(DATA("echo.xml"), NULL, &p, err) < 0)
        return -1;
    if (trace_dir && cs_trace_writer_open(&tw, trace_dir, p->clock_hz, err) < 0)
        goto out;
    if (cs_machine_build(p, fams, 1, tw, &m, err) < 0)
        goto out;
    struct cs_run_opts o = {until_ns};
    rc = cs_sc_run(m, &o, sum, err);
out:
    cs_machine_free(m);
    if (tw && cs_trace_writer_close(tw, err) < 0)
        rc = -1;
    cs_platform_free(p);
    return rc;
}

START_TEST(runs_until_idle_in_simulated_time)
{
    struct cs_run_summary s;
    cs_error err = {0};
    ck_assert_msg(run_echo(NULL, 0, &s, &err) == 0, "%s", err.msg);
    ck_assert(s.idle);
    ck_assert_uint_eq(s.sim_cycles, 1000); /* 4 periods of 250 cycles */
    ck_assert_uint_eq(s.sim_ns, 500);      /* at 2 GHz */
    ck_assert_uint_eq(s.messages, 12);
    ck_assert_uint_eq(s.activations, 6 + 6); /* ticks and interrupt deliveries */
    ck_assert(s.wall_seconds > 0.0);         /* measured, not left at zero */
}
END_TEST

START_TEST(time_limit_stops_the_run)
{
    struct cs_run_summary s;
    cs_error err = {0};
    ck_assert_msg(run_echo(NULL, 300, &s, &err) == 0, "%s", err.msg);
    ck_assert(!s.idle);
    ck_assert_uint_eq(s.sim_ns, 300);
    ck_assert_uint_eq(s.sim_cycles, 600);
    ck_assert_uint_eq(s.messages, 8); /* periods at 250 and 500 cycles, both devices */
}
END_TEST

static int traced_run(void *dir)
{
    struct cs_run_summary s;
    cs_error err = {0};
    return run_echo(dir, 0, &s, &err);
}

START_TEST(same_platform_same_trace)
{
    char a[512], b[512];
    cs_test_tmpdir(a, sizeof(a), "sc-run-a");
    cs_test_tmpdir(b, sizeof(b), "sc-run-b");
    /* each run needs its own process: SystemC elaborates once per process */
    cs_test_in_child(traced_run, a);
    cs_test_in_child(traced_run, b);
    /* Every file, metadata (with its UUID) and streams, is identical byte for byte. */
    size_t smallest;
    int streams = cs_test_dirs_identical(a, b, NULL, &smallest);
    ck_assert_int_eq(streams, 4); /* metadata and one stream per channel */
    ck_assert_msg(smallest > 0, "a file of %s is empty", a);

    cs_error err = {0};
    cs_trace_reader *ra, *rb;
    ck_assert_msg(cs_trace_reader_open(&ra, a, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_trace_reader_open(&rb, b, &err) == 0, "%s", err.msg);
    struct cs_trace_event ea, eb;
    int n = 0, ga, gb;
    while ((ga = cs_trace_reader_next(ra, &ea, &err)) == 1) {
        gb = cs_trace_reader_next(rb, &eb, &err);
        ck_assert_int_eq(gb, 1);
        ck_assert_uint_eq(ea.cycles, eb.cycles);
        ck_assert_uint_eq(ea.channel, eb.channel);
        ck_assert_uint_eq(ea.type, eb.type);
        ck_assert_uint_eq(ea.kind, eb.kind);
        ck_assert_uint_eq(ea.len, eb.len);
        ck_assert_int_eq(memcmp(ea.payload, eb.payload, ea.len), 0);
        n++;
    }
    ck_assert_int_eq(ga, 0);
    ck_assert_int_eq(cs_trace_reader_next(rb, &eb, &err), 0);
    ck_assert_int_ge(n, 12);
    cs_trace_reader_close(ra);
    cs_trace_reader_close(rb);
}
END_TEST

/* Free-running clocks (cs_thread_wait_clock) beside the echo machine: they tick every quantum
 * and at the machine's own work, never beyond it, so the run still ends idle at the machine's
 * last activation, and two clocks do not keep each other going. */
struct clock {
    struct cs_machine *m;
    cs_event *ev;
    uint64_t quantum, wakes, last, notified;
};

static void clock_thread(void *arg)
{
    struct clock *c = arg;
    for (;;) {
        c->notified += (uint64_t)cs_thread_wait_clock(c->ev, c->quantum);
        c->wakes++;
        c->last = cs_sched_now(c->m->sched);
    }
}

START_TEST(clocks_keep_no_run_alive)
{
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    cs_error err = {0};
    ck_assert_msg(cs_platform_load(DATA("echo.xml"), NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, fams, 1, NULL, &m, &err) == 0, "%s", err.msg);
    static struct clock c[2];
    for (int i = 0; i < 2; i++) {
        c[i] = (struct clock){m, cs_event_new(), i ? 64 : 100, 0, 0, 0};
        cs_thread_spawn("clock", clock_thread, &c[i]);
    }
    struct cs_run_opts o = {0};
    struct cs_run_summary s;
    ck_assert_msg(cs_sc_run(m, &o, &s, &err) == 0, "%s", err.msg);
    ck_assert(s.idle);
    ck_assert_uint_eq(s.sim_cycles, 1000); /* as without clocks */
    for (int i = 0; i < 2; i++) {
        /* a tick every quantum at least, the last at the machine's last activation */
        ck_assert_uint_ge(c[i].wakes, 1000 / c[i].quantum);
        ck_assert_uint_eq(c[i].last, 1000);
        ck_assert_uint_eq(c[i].notified, 0);
        cs_event_free(c[i].ev);
    }
    cs_machine_free(m);
    cs_platform_free(p);
}
END_TEST

/* The machine's last work is a thread's long timed wait cut short at cycle 1000 by the echo
 * machine's last activation: a clock that counted on the deadline wakes with the thread and
 * does not carry the run past cycle 1000. */
struct waiter {
    cs_event *ev;
    int notified;
};

static void long_waiter(void *arg)
{
    struct waiter *w = arg;
    w->notified = cs_thread_wait(w->ev, 1000000);
}

static void wake_waiter(void *arg)
{
    cs_event_notify(((struct waiter *)arg)->ev);
}

START_TEST(clock_follows_a_deadline_cut_short)
{
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    cs_error err = {0};
    ck_assert_msg(cs_platform_load(DATA("echo.xml"), NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, fams, 1, NULL, &m, &err) == 0, "%s", err.msg);
    static struct waiter w;
    w.ev = cs_event_new();
    cs_thread_spawn("waiter", long_waiter, &w);
    cs_sched_after(m->sched, 1000, wake_waiter, &w);
    static struct clock c;
    c = (struct clock){m, cs_event_new(), 64, 0, 0, 0};
    cs_thread_spawn("clock", clock_thread, &c);
    struct cs_run_opts o = {0};
    struct cs_run_summary s;
    ck_assert_msg(cs_sc_run(m, &o, &s, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(w.notified, 1);
    ck_assert(s.idle);
    ck_assert_uint_eq(s.sim_cycles, 1000);
    ck_assert_uint_eq(c.last, 1000);
    cs_event_free(c.ev);
    cs_event_free(w.ev);
    cs_machine_free(m);
    cs_platform_free(p);
}
END_TEST

/* Timed waits much longer than the legs a long timeout is waited in (cs_sc_exec.cpp): each
 * ends at its timeout to the cycle with 0, or when notified with 1 (at a leg's end too), and
 * the run ends idle at the last of them. */
struct timed {
    struct cs_machine *m;
    cs_event *ev;
    uint64_t timeout, at;
    int notified;
};

static void timed_waiter(void *arg)
{
    struct timed *t = arg;
    t->notified = cs_thread_wait(t->ev, t->timeout);
    t->at = cs_sched_now(t->m->sched);
}

static void wake_timed(void *arg)
{
    cs_event_notify(((struct timed *)arg)->ev);
}

START_TEST(long_timed_waits_end_on_time)
{
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    cs_error err = {0};
    ck_assert_msg(cs_platform_load(DATA("echo.xml"), NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, fams, 1, NULL, &m, &err) == 0, "%s", err.msg);
    /* timeout, and when notified (0: never) */
    static const uint64_t plan[][2] = {
        {5500000, 0}, {3000000, 0}, {30000000, 2345678}, {4000000, 1000000}, {2500, 0},
    };
    static struct timed t[5];
    for (int i = 0; i < 5; i++) {
        t[i] = (struct timed){m, cs_event_new(), plan[i][0], 0, -1};
        cs_thread_spawn("timed", timed_waiter, &t[i]);
        if (plan[i][1])
            cs_sched_after(m->sched, plan[i][1], wake_timed, &t[i]);
    }
    struct cs_run_opts o = {0};
    struct cs_run_summary s;
    ck_assert_msg(cs_sc_run(m, &o, &s, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(t[i].notified, plan[i][1] != 0);
        ck_assert_uint_eq(t[i].at, plan[i][1] ? plan[i][1] : plan[i][0]);
        cs_event_free(t[i].ev);
    }
    ck_assert(s.idle);
    ck_assert_uint_eq(s.sim_cycles, 5500000);
    cs_machine_free(m);
    cs_platform_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sc-run");
    TCase *tc = tcase_create("run");
    tcase_add_test(tc, runs_until_idle_in_simulated_time);
    tcase_add_test(tc, time_limit_stops_the_run);
    tcase_add_test(tc, same_platform_same_trace);
    tcase_add_test(tc, clocks_keep_no_run_alive);
    tcase_add_test(tc, clock_follows_a_deadline_cut_short);
    tcase_add_test(tc, long_timed_waits_end_on_time);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
