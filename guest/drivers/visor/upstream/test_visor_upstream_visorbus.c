/* The upstream visorbus core (Linux 4.16-5.18 drivers/visorbus, compiled unmodified, its VMCALL
 * rewritten into a call of the shim's thunk) booted by the visor family against the command
 * partition model with the live monitors, and chansim's function drivers probing on it. */
#include <stdio.h>

#include "cs_test.h"
#include "visor_upstream_run.h"

#define DATA(f) TESTDATA_DIR "/" f

static struct visor_upstream_result r;

static void run(const char *platform, uint64_t until_ns)
{
    cs_error err = {0};
    ck_assert_msg(visor_upstream_run(platform, until_ns, &r, &err) == 0, "%s", err.msg);
    printf("%s", r.report);
}

static void teardown(void)
{
    visor_upstream_result_free(&r);
}

/* Defined by upstream's visorbus_main.c only: proof that the program runs upstream's core
 * (module "visorbus") and not chansim's, which has no such function. */
extern char visorbus_create_instance[] __attribute__((weak));

/* Discovery (CPUID leaf, VMCALL 0x0501 through the rewritten instruction), CHIPSET_INIT, two
 * BUS_CREATEs and DEVICE_CREATEs for vhba, vnic, keyboard and mouse, CHIPSET_READY: every
 * command ACKed and answered as the command partition model expects, and chansim's function
 * drivers bound by upstream's bus doing real traffic: SCSI READ/WRITE through the IO partition
 * with the data verified, keyboard and mouse reports read back by the guest. */
START_TEST(boots_and_creates_every_device_type)
{
    ck_assert_ptr_nonnull(visorbus_create_instance);
    run(DATA("scenario-boot.xml"), 3000000000ull);
    cs_assert_contains(r.report, "guest visor drivers booted");
    cs_assert_contains(r.report, "controlvm 8/8 commands sent, 8 acked, 8 answered (0 failed), "
                                 "0 protocol errors\n");
    cs_assert_contains(r.report, "(50 reads, 50 writes, 0 check conditions)");
    cs_assert_contains(r.report,
                       "workload: 100/100 commands done, 50 verified, 0 errors, 0 busy\n");
    cs_assert_contains(r.report, "11 input reports inserted, 0 waiting");
    cs_assert_contains(r.report, "/11 input events read, 11 verified, 0 errors\n");
    cs_assert_contains(r.report, "/6 input events read, 6 verified, 0 errors\n");
    ck_assert_uint_eq(r.protocol_findings, 0);
    ck_assert_uint_eq(r.driver_findings, 0);
    /* upstream polls the controlvm channel for ever: the run ends at the limit, never idle */
    ck_assert_int_eq(r.sum.idle, 0);
    ck_assert_uint_eq(r.sum.sim_ns, 3000000000ull);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_upstream_visorbus");
    TCase *tc = tcase_create("boot");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, boots_and_creates_every_device_type);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
