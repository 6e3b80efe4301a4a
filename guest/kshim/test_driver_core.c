/* Driver-core pieces of the shim the upstream visorbus core uses: kstrtou8/16/32 with their
 * ranges, uevent variables (and refusal when full), bus_find_device with both match
 * signatures, seq_file for single_open users (bounded), debugfs absent. */
#include <errno.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "test_driver_core.h"

static struct cs_platform *p;
static struct cs_machine *m;
static struct ks_kernel *k;

static void setup(void)
{
    cs_error err = {0};
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/vio.xml", NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, NULL, 0, NULL, &m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&m->domains[0], "kernel", &k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(k, -1);
}

static void teardown(void)
{
    ks_kernel_destroy(k);
    cs_machine_free(m);
    cs_platform_free(p);
}

START_TEST(kstrtou_ranges)
{
    unsigned char b = 0;
    unsigned short h = 0;
    unsigned int w = 0;
    ck_assert_int_eq(tdc_kstrtou8("255", &b), 0);
    ck_assert_uint_eq(b, 255);
    ck_assert_int_eq(tdc_kstrtou8("256", &b), -ERANGE);
    ck_assert_uint_eq(b, 255);
    ck_assert_int_eq(tdc_kstrtou16("0x1234", &h), 0);
    ck_assert_uint_eq(h, 0x1234);
    ck_assert_int_eq(tdc_kstrtou16("65536", &h), -ERANGE);
    ck_assert_int_eq(tdc_kstrtou32("ffffffff", &w), 0);
    ck_assert_uint_eq(w, 0xffffffffu);
    ck_assert_int_eq(tdc_kstrtou8("x", &b), -EINVAL);
}
END_TEST

START_TEST(uevent_variables)
{
    char out[256];
    ck_assert_int_eq(tdc_uevent_vars(out, sizeof(out)), 0);
    ck_assert_str_eq(out, "2|VISOR_PARAHOTPLUG=1|VISOR_BUS=7|(end)");
}
END_TEST

START_TEST(bus_find_device_both_signatures)
{
    ck_assert(tdc_bus_find());
}
END_TEST

START_TEST(seq_file_single_open)
{
    char out[128];
    ck_assert_int_eq(tdc_seq_file(out, sizeof(out)), 0);
    ck_assert_str_eq(out, "partition 3\nname spar\n");
}
END_TEST

START_TEST(debugfs_is_absent)
{
    ck_assert(tdc_debugfs_absent());
}
END_TEST

static Suite *driver_core_suite(void)
{
    Suite *s = suite_create("driver_core");
    TCase *tc = tcase_create("driver_core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, kstrtou_ranges);
    tcase_add_test(tc, uevent_variables);
    tcase_add_test(tc, bus_find_device_both_signatures);
    tcase_add_test(tc, seq_file_single_open);
    tcase_add_test(tc, debugfs_is_absent);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(driver_core_suite)
