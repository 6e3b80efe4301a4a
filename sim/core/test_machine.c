/* Building a machine from a platform: families attach, calibration overrides apply, devices
 * no family models are refused before anything runs. Driven by the queue alone. */
#include "cs_machine.h"
#include "cs_test.h"
#include "test_echo_family.h"

#define DATA(f) TESTDATA_DIR "/" f

static const struct cs_family *const fams[] = {&test_echo_family};

static struct cs_platform *load(const char *path)
{
    cs_error err = {0};
    struct cs_platform *p = NULL;
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    return p;
}

static uint64_t msgs_to_fw;
static void count_to_fw(void *ctx, const struct cs_tap_msg *m)
{
    (void)ctx;
    if (m->dir == CS_TAP_TO_FW)
        msgs_to_fw++;
}

START_TEST(families_attach_and_run)
{
    struct cs_platform *p = load(DATA("echo.xml"));
    struct cs_machine *m = NULL;
    cs_error err = {0};
    ck_assert_msg(cs_machine_build(p, fams, 1, NULL, &m, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(m->ndomains, 1);
    ck_assert_uint_eq(m->tap.nchannels, 3); /* sim, echo-1000, echo-2000 */
    ck_assert_str_eq(m->tap.channels[1].name, "echo-1000");
    ck_assert_uint_eq(cs_calib_find(&m->domains[0].calib, "echo.period")->cycles, 250);
    msgs_to_fw = 0;
    ck_assert_int_eq(cs_tap_observe(&m->tap, (struct cs_tap_observer){count_to_fw, NULL}, &err), 0);

    uint64_t end = cs_sched_run_standalone(m->sched, UINT64_MAX);
    ck_assert_uint_eq(end, 4 * 250);             /* the longer device's last period */
    ck_assert_uint_eq(m->tap.msgs, 2 * (4 + 2)); /* tick and answer per period */
    ck_assert_uint_eq(msgs_to_fw, 4 + 2);
    ck_assert_uint_eq(m->tap.channels[1].msgs, 8);
    uint32_t v;
    ck_assert_int_eq(cs_gmem_read(&m->domains[0].mem, 0x1000, &v, 4, &err), 0);
    ck_assert_uint_eq(v, 4);
    ck_assert_uint_eq(cs_machine_cycles_to_ns(m, end), 500); /* 2 GHz */
    ck_assert_uint_eq(cs_machine_ns_to_cycles(m, 500), 1000);
    cs_machine_free(m);
    cs_platform_free(p);
}
END_TEST

START_TEST(unmodelled_device_is_refused)
{
    struct cs_platform *p = load(DATA("unmodelled.xml"));
    struct cs_machine *m = NULL;
    cs_error err = {0};
    ck_assert_int_eq(cs_machine_build(p, fams, 1, NULL, &m, &err), -1);
    ck_assert_ptr_null(m);
    cs_assert_contains(err.msg, "unmodelled.xml:11: domain 'lpar': <controller> type='scsi' "
                                "model='ibmvscsi': chansim has no model for this device");
    cs_assert_contains(err.msg, "it models: <chansim:vio model='test-echo'>");
    cs_platform_free(p);
}
END_TEST

START_TEST(override_of_unknown_cost_is_refused)
{
    struct cs_platform *p = load(DATA("bad-cost.xml"));
    struct cs_machine *m = NULL;
    cs_error err = {0};
    ck_assert_int_eq(cs_machine_build(p, fams, 1, NULL, &m, &err), -1);
    cs_assert_contains(err.msg, "bad-cost.xml:7: domain 'lpar': <cost>: no modelled operation "
                                "is called 'echo.nonesuch'");
    cs_platform_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("machine");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, families_attach_and_run);
    tcase_add_test(tc, unmodelled_device_is_refused);
    tcase_add_test(tc, override_of_unknown_cost_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
