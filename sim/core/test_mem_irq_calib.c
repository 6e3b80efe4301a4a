/* Guest memory bounds, interrupt line delivery and the calibration table. */
#include "cs_calib.h"
#include "cs_gmem.h"
#include "cs_irq.h"
#include "cs_test.h"

START_TEST(gmem_round_trip_and_bounds)
{
    struct cs_gmem g;
    cs_error err = {0};
    ck_assert_int_eq(cs_gmem_init(&g, 1 << 20, "d0", &err), 0);
    const char msg[] = "hello";
    ck_assert_int_eq(cs_gmem_write(&g, 0xfff0, msg, sizeof(msg), &err), 0);
    char back[8] = {0};
    ck_assert_int_eq(cs_gmem_read(&g, 0xfff0, back, sizeof(msg), &err), 0);
    ck_assert_str_eq(back, "hello");
    ck_assert_ptr_eq(cs_gmem_ptr(&g, 0xfff0, 6), g.host + 0xfff0);
    /* the last byte is in, one past is out, and a wrapping length is out */
    ck_assert_ptr_nonnull(cs_gmem_ptr(&g, (1 << 20) - 1, 1));
    ck_assert_ptr_null(cs_gmem_ptr(&g, (1 << 20) - 1, 2));
    ck_assert_ptr_null(cs_gmem_ptr(&g, 16, UINT64_MAX));
    ck_assert_int_eq(cs_gmem_write(&g, 0xffffe, msg, 4, &err), -1);
    cs_assert_contains(err.msg, "domain 'd0': guest write of 4 bytes at 0xffffe lies outside");
    cs_gmem_release(&g);
}
END_TEST

START_TEST(gmem_large_guest_is_lazy)
{
    struct cs_gmem g;
    cs_error err = {0};
    /* 64 GiB reserved without touching it */
    ck_assert_int_eq(cs_gmem_init(&g, 64ull << 30, "big", &err), 0);
    uint32_t v = 0xfeedface, r = 0;
    ck_assert_int_eq(cs_gmem_write(&g, (64ull << 30) - 4, &v, 4, &err), 0);
    ck_assert_int_eq(cs_gmem_read(&g, (64ull << 30) - 4, &r, 4, &err), 0);
    ck_assert_uint_eq(r, v);
    cs_gmem_release(&g);
    ck_assert_int_eq(cs_gmem_init(&g, 0, "none", &err), -1);
}
END_TEST

static int handled[4];
static void on_irq(void *arg, unsigned line)
{
    (void)arg;
    handled[line]++;
}

START_TEST(irq_edges_masking_and_delivery)
{
    struct cs_sched *s = cs_sched_new();
    struct cs_irq_set set;
    cs_irq_set_init(&set, s);
    unsigned l0 = cs_irq_alloc(&set, "crq0"), l1 = cs_irq_alloc(&set, "crq1");
    memset(handled, 0, sizeof(handled));
    cs_irq_set_handler(&set, l0, on_irq, NULL);
    cs_irq_set_handler(&set, l1, on_irq, NULL);

    cs_irq_set_level(&set, l0, 1);
    ck_assert_int_eq(handled[l0], 0); /* delivered as an activation, not inline */
    cs_sched_run_standalone(s, UINT64_MAX);
    ck_assert_int_eq(handled[l0], 1);
    cs_irq_set_level(&set, l0, 1); /* still high: no new edge */
    cs_sched_run_standalone(s, UINT64_MAX);
    ck_assert_int_eq(handled[l0], 1);

    cs_irq_set_masked(&set, l1, 1);
    cs_irq_set_level(&set, l1, 1);
    cs_sched_run_standalone(s, UINT64_MAX);
    ck_assert_int_eq(handled[l1], 0);
    cs_irq_set_masked(&set, l1, 0); /* pending level is seen on unmask */
    cs_sched_run_standalone(s, UINT64_MAX);
    ck_assert_int_eq(handled[l1], 1);

    /* lowered before the activation runs: nothing is delivered */
    cs_irq_set_level(&set, l0, 0);
    cs_irq_set_level(&set, l0, 1);
    cs_irq_set_level(&set, l0, 0);
    cs_sched_run_standalone(s, UINT64_MAX);
    ck_assert_int_eq(handled[l0], 1);
    ck_assert_uint_eq(cs_irq_line_get(&set, l0)->raised, 2);
    ck_assert_ptr_null(cs_irq_line_get(&set, 7));
    cs_irq_set_release(&set);
    cs_sched_free(s);
}
END_TEST

static const struct cs_cost costs[] = {
    {"t.send", 100, "test figure"},
    {"t.recv", 50, "test figure"},
};

START_TEST(calib_defaults_overrides_and_errors)
{
    struct cs_calib c = {0};
    cs_error err = {0};
    ck_assert_int_eq(cs_calib_add(&c, costs, 2, &err), 0);
    ck_assert_uint_eq(cs_calib_find(&c, "t.send")->cycles, 100);
    ck_assert_ptr_null(cs_calib_find(&c, "t.nope"));
    ck_assert_int_eq(cs_calib_add(&c, costs, 1, &err), -1);
    cs_assert_contains(err.msg, "'t.send' declared twice");
    ck_assert_int_eq(cs_calib_override(&c, "t.recv", 7, "p.xml:3", &err), 0);
    ck_assert_uint_eq(cs_calib_find(&c, "t.recv")->cycles, 7);
    ck_assert_str_eq(cs_calib_find(&c, "t.recv")->overridden_at, "p.xml:3");
    ck_assert_int_eq(cs_calib_override(&c, "t.recv", 8, "p.xml:4", &err), -1);
    cs_assert_contains(err.msg, "p.xml:4: cost of 't.recv' is already set at p.xml:3");
    ck_assert_int_eq(cs_calib_override(&c, "t.bogus", 8, "p.xml:5", &err), -1);
    cs_assert_contains(err.msg, "p.xml:5: no modelled operation is called 't.bogus'");
    cs_calib_release(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mem-irq-calib");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, gmem_round_trip_and_bounds);
    tcase_add_test(tc, gmem_large_guest_is_lazy);
    tcase_add_test(tc, irq_edges_masking_and_delivery);
    tcase_add_test(tc, calib_defaults_overrides_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
