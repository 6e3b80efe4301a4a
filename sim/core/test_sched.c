/* The activation queue orders by cycle, then by insertion, and drives itself without SystemC. */
#include <string.h>

#include "cs_sched.h"
#include "cs_test.h"

struct log {
    struct cs_sched *s;
    char order[64];
    uint64_t at[64];
    int n;
};

struct tag {
    struct log *log;
    char c;
    uint64_t chain_delay; /* >0: schedule 'z' this many cycles later */
};

static void record(void *arg)
{
    struct tag *t = arg;
    t->log->order[t->log->n] = t->c;
    t->log->at[t->log->n++] = cs_sched_now(t->log->s);
}

START_TEST(orders_by_cycle_then_insertion)
{
    struct log l = {.s = cs_sched_new()};
    struct tag a = {&l, 'a', 0}, b = {&l, 'b', 0}, c = {&l, 'c', 0}, d = {&l, 'd', 0};
    cs_sched_after(l.s, 30, record, &a);
    cs_sched_after(l.s, 10, record, &b);
    cs_sched_after(l.s, 30, record, &c);
    cs_sched_after(l.s, 10, record, &d);
    ck_assert_uint_eq(cs_sched_run_standalone(l.s, UINT64_MAX), 30);
    l.order[l.n] = 0;
    ck_assert_str_eq(l.order, "bdac");
    ck_assert_uint_eq(l.at[0], 10);
    ck_assert_uint_eq(l.at[3], 30);
    ck_assert_uint_eq(cs_sched_activations(l.s), 4);
    cs_sched_free(l.s);
}
END_TEST

static struct tag later = {0};
static void chain(void *arg)
{
    struct tag *t = arg;
    record(t);
    later.log = t->log;
    later.c = 'z';
    cs_sched_after(t->log->s, t->chain_delay, record, &later);
}

START_TEST(same_cycle_work_runs_in_the_same_drain)
{
    struct log l = {.s = cs_sched_new()};
    struct tag a = {&l, 'a', 0};
    cs_sched_after(l.s, 5, chain, &a);
    cs_sched_run_due(l.s, 5);
    l.order[l.n] = 0;
    ck_assert_str_eq(l.order, "az");
    ck_assert_uint_eq(l.at[1], 5);
    uint64_t next;
    ck_assert_int_eq(cs_sched_next(l.s, &next), 0);
    cs_sched_free(l.s);
}
END_TEST

START_TEST(limit_stops_before_later_work)
{
    struct log l = {.s = cs_sched_new()};
    struct tag a = {&l, 'a', 0}, b = {&l, 'b', 0};
    cs_sched_after(l.s, 100, record, &a);
    cs_sched_after(l.s, 200, record, &b);
    ck_assert_uint_eq(cs_sched_run_standalone(l.s, 150), 100);
    ck_assert_int_eq(l.n, 1);
    uint64_t next = 0;
    ck_assert_int_eq(cs_sched_next(l.s, &next), 1);
    ck_assert_uint_eq(next, 200);
    cs_sched_free(l.s);
}
END_TEST

static uint64_t woken[8];
static int nwoken;
static void wake(void *ctx, uint64_t cycle)
{
    (void)ctx;
    woken[nwoken++] = cycle;
}

START_TEST(wakeup_only_when_earliest_changes)
{
    struct log l = {.s = cs_sched_new()};
    struct tag a = {&l, 'a', 0};
    nwoken = 0;
    cs_sched_set_wakeup(l.s, wake, NULL);
    cs_sched_after(l.s, 50, record, &a);
    cs_sched_after(l.s, 70, record, &a); /* later: no wake-up */
    cs_sched_after(l.s, 20, record, &a); /* earlier: wake-up */
    ck_assert_int_eq(nwoken, 2);
    ck_assert_uint_eq(woken[0], 50);
    ck_assert_uint_eq(woken[1], 20);
    cs_sched_free(l.s);
}
END_TEST

START_TEST(many_entries_stay_ordered)
{
    struct cs_sched *s = cs_sched_new();
    struct log l = {.s = s};
    static struct tag t[64];
    /* a pseudo-random permutation of delays; equal delays keep insertion order */
    for (int i = 0; i < 60; i++) {
        t[i] = (struct tag){&l, (char)('0' + i % 10), 0};
        cs_sched_after(s, (uint64_t)((i * 37) % 13), record, &t[i]);
    }
    cs_sched_run_standalone(s, UINT64_MAX);
    ck_assert_int_eq(l.n, 60);
    for (int i = 1; i < 60; i++)
        ck_assert_uint_le(l.at[i - 1], l.at[i]);
    cs_sched_free(s);
}
END_TEST

/* Drops the tags whose letter is in ctx. */
static int drop_letters(cs_action_fn fn, void *arg, void *ctx)
{
    return fn == record && strchr(ctx, ((struct tag *)arg)->c) != NULL;
}

START_TEST(dropped_entries_never_run_and_the_rest_keep_order)
{
    struct log l = {.s = cs_sched_new()};
    struct tag t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = (struct tag){&l, (char)('a' + i), 0};
        cs_sched_after(l.s, (uint64_t)(100 - 10 * (i % 5)), record, &t[i]);
    }
    ck_assert_uint_eq(cs_sched_drop(l.s, drop_letters, "bdeh"), 4);
    ck_assert_uint_eq(cs_sched_drop(l.s, drop_letters, "bdeh"), 0);
    cs_sched_run_standalone(l.s, UINT64_MAX);
    l.order[l.n] = 0;
    /* cycles: a,f 100; b,g 90; c,h 80; d,i 70; e,j 60 */
    ck_assert_str_eq(l.order, "jicgaf");
    ck_assert_uint_eq(cs_sched_activations(l.s), 6);
    cs_sched_free(l.s);
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("order");
    tcase_add_test(tc, orders_by_cycle_then_insertion);
    tcase_add_test(tc, same_cycle_work_runs_in_the_same_drain);
    tcase_add_test(tc, limit_stops_before_later_work);
    tcase_add_test(tc, wakeup_only_when_earliest_changes);
    tcase_add_test(tc, many_entries_stay_ordered);
    tcase_add_test(tc, dropped_entries_never_run_and_the_rest_keep_order);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(sched_suite)
