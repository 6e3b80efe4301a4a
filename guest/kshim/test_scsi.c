/* The shim's SCSI midlayer and sg driver (docs/kernel-shim.md, "SCSI") with the tscsi driver
 * (test_scsi_kside.c): the scan finds the two LUNs of target 0 through REPORT LUNS and none
 * on target 1, with slave_alloc/configure/destroy balanced; SG_IO moves data both ways and
 * returns CHECK CONDITION with its sense; busy answers are dispatched again; a command that
 * never completes goes through abort (failed) to device reset; bad SG_IO headers are
 * refused; rmmod leaves nothing. Each case is one simulation. */
#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "kshim/scsi.h"
#include "test_scsi.h"
#include "test_sg_io.h"

static struct cs_platform *p;
static struct cs_machine *m;
static struct ks_kernel *k;

struct out {
    int opened[2], gone_after_rmmod, unloaded;
    int data_ok[2], inq_ok, cc_ok, nosys, msgsize, id_lun;
    int busy_done, busy_ok;
    struct sg_io_hdr timed_out;
    int after_eh_ok;
    int finished;
};
static struct out out;
static int scenario; /* 0 basic, 1 busy, 2 timeout */

static void setup(void)
{
    cs_error err = {0};
    memset(&out, 0, sizeof(out));
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

static int ok(const struct sg_io_hdr *h)
{
    return h->info == SG_INFO_OK && h->status == 0 && h->host_status == 0;
}

/* 8 KiB at an odd offset of a page (3 scatter-gather entries) written and read back */
static int pattern_io(struct ks_uproc *pr, int fd, struct ks_test_sg_bufs *u, unsigned lba,
                      unsigned char seed)
{
    unsigned char c[10];
    for (unsigned i = 0; i < 8192; i++)
        u->data[i] = (unsigned char)(i * 7 + seed);
    ks_test_rw10(c, 1, lba, 16);
    if (ks_test_sg_io(pr, fd, u, c, 10, SG_DXFER_TO_DEV, 8192, 0) || !ok(u->h))
        return 0;
    memset(u->data, 0, 8192);
    ks_test_rw10(c, 0, lba, 16);
    if (ks_test_sg_io(pr, fd, u, c, 10, SG_DXFER_FROM_DEV, 8192, 0) || !ok(u->h))
        return 0;
    for (unsigned i = 0; i < 8192; i++)
        if (u->data[i] != (unsigned char)(i * 7 + seed))
            return 0;
    return 1;
}

static void user(struct ks_uproc *pr, void *arg)
{
    (void)arg;
    struct ks_test_sg_bufs u = {ks_umalloc(pr, sizeof(*u.h)), ks_umalloc(pr, 32),
                                ks_umalloc(pr, 32), NULL};
    unsigned char *raw = ks_umalloc(pr, 8192 + 4096);
    u.data = raw + 100;
    int fd[2];
    for (int i = 0; i < 2; i++) {
        char path[16] = "/dev/sg0";
        path[7] = (char)('0' + i);
        /* the nodes appear when the boot task's scan found the LUNs */
        fd[i] = -ENOENT;
        for (int t = 0; t < 1000 && fd[i] < 0; t++) {
            fd[i] = ks_sys_open(pr, path, O_RDWR);
            if (fd[i] < 0)
                ks_sys_sleep_ms(pr, 1);
        }
        out.opened[i] = fd[i] >= 0;
    }
    if (fd[0] < 0 || fd[1] < 0)
        goto done;
    unsigned char inq[6] = {0x12, 0, 0, 0, 36, 0};
    out.inq_ok = ks_test_sg_io(pr, fd[1], &u, inq, 6, SG_DXFER_FROM_DEV, 36, 0) == 0 && ok(u.h) &&
                 memcmp(u.data + 8, "TSCSI   RAMDISK", 15) == 0;
    struct sg_scsi_id *id = ks_umalloc(pr, sizeof(*id));
    if (ks_sys_ioctl(pr, fd[1], SG_GET_SCSI_ID, (unsigned long)id) == 0)
        out.id_lun = id->lun;
    if (scenario == 0) {
        out.data_ok[0] = pattern_io(pr, fd[0], &u, 3, 1);
        out.data_ok[1] = pattern_io(pr, fd[1], &u, 3, 2);
        /* the LUNs are apart */
        unsigned char c[10];
        ks_test_rw10(c, 0, 3, 16);
        out.data_ok[0] &=
            ks_test_sg_io(pr, fd[0], &u, c, 10, SG_DXFER_FROM_DEV, 8192, 0) == 0 && u.data[0] == 1;
        unsigned char bad[6] = {0xC5, 0, 0, 0, 0, 0};
        out.cc_ok = ks_test_sg_io(pr, fd[0], &u, bad, 6, SG_DXFER_NONE, 0, 0) == 0 &&
                    u.h->status == 0x02 && u.h->masked_status == 0x01 &&
                    u.h->info == SG_INFO_CHECK && u.h->sb_len_wr == 18 &&
                    (u.h->driver_status & 0x08) && u.sense[2] == 0x05 && u.sense[12] == 0x20;
        u.h->interface_id = 'Q';
        out.nosys = (int)ks_sys_ioctl(pr, fd[0], SG_IO, (unsigned long)u.h);
        ks_test_sg_io(pr, fd[0], &u, inq, 6, SG_DXFER_FROM_DEV, 36, 0);
        u.h->cmd_len = 20;
        out.msgsize = (int)ks_sys_ioctl(pr, fd[0], SG_IO, (unsigned long)u.h);
    } else if (scenario == 1) {
        int good = 1;
        for (int i = 0; i < 20; i++) {
            good &= pattern_io(pr, fd[i % 2], &u, (unsigned)(i * 16) % 96, (unsigned char)i);
            out.busy_done++;
        }
        out.busy_ok = good;
    } else {
        unsigned char c[10];
        ks_test_rw10(c, 0, 7, 1);
        ks_test_sg_io(pr, fd[0], &u, c, 10, SG_DXFER_FROM_DEV, 512, 50);
        out.timed_out = *u.h;
        out.after_eh_ok = pattern_io(pr, fd[0], &u, 40, 9);
    }
    ks_sys_close(pr, fd[0]);
    ks_sys_close(pr, fd[1]);
    out.unloaded = ks_module_unload(k, "tscsi") == 0;
    out.gone_after_rmmod = ks_sys_open(pr, "/dev/sg0", O_RDWR) == -ENOENT;
done:
    out.finished = 1;
}

static void run(int which, const char *param, const char *value)
{
    cs_error err = {0};
    scenario = which;
    if (param)
        ck_assert_msg(ks_module_param_set(k, "tscsi", param, value, &err) == 0, "%s", err.msg);
    const char *mods[] = {"tscsi"};
    ck_assert_msg(ks_kernel_boot(k, mods, 1, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(ks_uproc_spawn(k, "sg", user, NULL));
    struct cs_run_opts ro = {60000000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    ck_assert_msg(out.finished, "the process did not finish");
    ck_assert(out.opened[0] && out.opened[1]);
    ck_assert(out.inq_ok);
    ck_assert_int_eq(out.id_lun, 1);
    ck_assert(out.unloaded);
    ck_assert(out.gone_after_rmmod);
}

static void assert_clean(void)
{
    struct tscsi_counts c;
    struct ks_scsi_stats s;
    tscsi_get_counts(&c);
    ks_scsi_get_stats(&s);
    ck_assert(c.idr_ok);
    /* LUN 0 and 1 of target 0 found; LUN 0 probed, REPORT LUNS, LUN 1: every slave_alloc
     * has its slave_destroy */
    ck_assert_uint_eq(c.luns_configured, 3);
    ck_assert_uint_eq(c.slave_configure, 2);
    ck_assert_uint_eq(c.slave_alloc, c.slave_destroy);
    ck_assert_uint_eq(s.devices_found, 2);
    ck_assert_uint_eq(s.hosts_live, 0);
    ck_assert_uint_eq(s.devices_live, 0);
    ck_assert_uint_eq(s.objects_live, 0);
    struct ks_kernel_stats ks;
    ks_kernel_stats(k, &ks);
    ck_assert_uint_eq(ks.total_findings, 0);
}

START_TEST(scan_data_and_sense)
{
    run(0, NULL, NULL);
    ck_assert(out.data_ok[0]);
    ck_assert(out.data_ok[1]);
    ck_assert(out.cc_ok);
    ck_assert_int_eq(out.nosys, -ENOSYS);
    ck_assert_int_eq(out.msgsize, -EMSGSIZE);
    struct ks_scsi_stats s;
    ks_scsi_get_stats(&s);
    ck_assert_uint_eq(s.busy_requeues, 0);
    ck_assert_uint_eq(s.timeouts, 0);
    ck_assert_uint_eq(s.late_done, 0);
    assert_clean();
}
END_TEST

START_TEST(busy_is_dispatched_again)
{
    run(1, "busy_every", "3");
    ck_assert_int_eq(out.busy_done, 20);
    ck_assert(out.busy_ok);
    struct tscsi_counts c;
    struct ks_scsi_stats s;
    tscsi_get_counts(&c);
    ks_scsi_get_stats(&s);
    ck_assert_uint_gt(c.busy, 0);
    ck_assert_uint_eq(s.busy_requeues, c.busy);
    /* accepted: what tscsi queued and the INQUIRY target 1 answered DID_NO_CONNECT at once */
    ck_assert_uint_eq(s.commands, c.queued + 1);
    ck_assert_uint_eq(s.completed, s.commands);
    assert_clean();
}
END_TEST

START_TEST(timeout_escalates_to_device_reset)
{
    run(2, "hang_lba", "7");
    ck_assert_uint_eq(out.timed_out.host_status, 0x03); /* DID_TIME_OUT */
    ck_assert(out.after_eh_ok);
    struct tscsi_counts c;
    struct ks_scsi_stats s;
    tscsi_get_counts(&c);
    ks_scsi_get_stats(&s);
    ck_assert_uint_eq(c.aborts, 1);
    ck_assert_uint_eq(c.device_resets, 1);
    ck_assert_uint_eq(s.timeouts, 1);
    ck_assert_uint_eq(s.eh_abort, 1);
    ck_assert_uint_eq(s.eh_device_reset, 1);
    ck_assert_uint_eq(s.eh_success, 1);
    ck_assert_uint_eq(s.offlined, 0);
    ck_assert_uint_eq(s.late_done, 1); /* the reset handler's scsi_done of it */
    assert_clean();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scsi");
    TCase *tc = tcase_create("midlayer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, scan_data_and_sense);
    tcase_add_test(tc, busy_is_dispatched_again);
    tcase_add_test(tc, timeout_escalates_to_device_reset);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
