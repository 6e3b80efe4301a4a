/* The chansim command as a user meets it: subcommands, exit statuses, one-line errors that
 * name file and position, the default run's summary, and a recorded trace that babeltrace2
 * lists and `convert --to jsonl` turns into JSON Lines. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_test.h"
#include "test_cli_util.h"

struct result {
    int status;
    char out[1 << 25]; /* the default run's trace listed by babeltrace2 */
    char err[8192];
};

#define CHANSIM(...) CLI_RUN(r, CHANSIM_BIN, __VA_ARGS__)

static void setup(void)
{
    cs_test_tmpdir(cli_tmpdir, sizeof(cli_tmpdir), "cli");
}

START_TEST(help_version_and_usage_errors)
{
    static struct result r;
    CHANSIM("--help");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "usage: chansim <command>");
    CHANSIM("--version");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "chansim " CHANSIM_VERSION);
    CHANSIM("frobnicate");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "unknown command 'frobnicate'");
    CHANSIM("run", "--until", "soon");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--until 'soon'");
    CHANSIM("replay", "x");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--mode firmware or --mode guest is required");
    CHANSIM("replay", cli_tmp_path("no-trace"), "--mode", "guest");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "no-trace");
    CHANSIM("rules");
    ck_assert_int_eq(r.status, 0);
}
END_TEST

START_TEST(default_run_prints_summary)
{
    static struct result r;
    CHANSIM("run");
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    cs_assert_contains(r.out, "platform " CHANSIM_DEFAULT_PLATFORM);
    cs_assert_contains(r.out, "domain power-mgmt");
    cs_assert_contains(r.out, "domain s390-guest");
    cs_assert_contains(r.out, "domain spar-guest");
    cs_assert_contains(r.out, "simulated time");
    cs_assert_contains(r.out, "wall time");
    cs_assert_contains(r.out, "events");
    /* the VMC session with the unmodified ibmvmc driver */
    cs_assert_contains(r.out, "vmc power-mgmt.vmc-30000002 16/16 messages of 1024 bytes echoed");
    /* ibmvmc_write copies from user space under a spinlock (upstream 6.1): caught once per
     * message, shown once on the console */
    cs_assert_contains(r.out, "findings        16 driver findings, 0 protocol findings");
    cs_assert_contains(r.err, "driver finding K1: drivers/misc/ibmvmc.c:");
    ck_assert_int_eq(cli_count_lines(r.err, "["), 1);
    CHANSIM("run", "--strict");
    ck_assert_int_eq(r.status, 1);
    CHANSIM("run", "--strict", "--until", "100us"); /* before the agent writes anything */
    ck_assert_int_eq(r.status, 0);
}
END_TEST

/* The default platform's vfio-ccw mdev (its hostdev's UUID) under the s390 domain's tree. */
#define MDEV_UUID "8a1c0b2d-3e4f-4a5b-9c6d-7e8f90a1b2c3"
#define MDEV_TYPE "/s390-guest/devices/0.0.0000/mdev_supported_types/vfio_ccw-io"

static const char *tree_file(const char *tree, const char *rel, char *buf, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s%s", tree, rel);
    cli_read_all(path, buf, cap);
    return buf;
}

/* --mdev-sysfs: the tree of the s390 domain as the run left it; stopped while the guest
 * works, its mdev exists (no instance left to create, linked from the bus and its type);
 * after the whole run it is removed again. */
START_TEST(mdev_sysfs_tree_of_the_default_platform)
{
    static struct result r;
    char buf[256], link[512];
    const char *mid = cli_tmp_path("mdev-mid");
    CHANSIM("run", "--until", "2ms", "--mdev-sysfs", mid);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(tree_file(mid, MDEV_TYPE "/name", buf, sizeof(buf)),
                     "I/O subchannel (Non-QDIO)\n");
    ck_assert_str_eq(tree_file(mid, MDEV_TYPE "/device_api", buf, sizeof(buf)), "vfio-ccw\n");
    ck_assert_str_eq(tree_file(mid, MDEV_TYPE "/available_instances", buf, sizeof(buf)), "0\n");
    char path[1024];
    snprintf(path, sizeof(path), "%s/s390-guest/bus/mdev/devices/" MDEV_UUID, mid);
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    ck_assert_int_gt(n, 0);
    link[n] = 0;
    ck_assert_str_eq(link, "../../../devices/0.0.0000/" MDEV_UUID);
    ck_assert_str_eq(
        tree_file(mid, "/s390-guest/bus/mdev/devices/" MDEV_UUID "/uuid", buf, sizeof(buf)),
        MDEV_UUID "\n");
    snprintf(path, sizeof(path), "%s" MDEV_TYPE "/devices/" MDEV_UUID "/mdev_type", mid);
    ck_assert_msg(cli_exists(path), "%s missing", path);

    const char *end = cli_tmp_path("mdev-end");
    CHANSIM("run", "--mdev-sysfs", end);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(tree_file(end, MDEV_TYPE "/available_instances", buf, sizeof(buf)), "1\n");
    snprintf(path, sizeof(path), "%s/s390-guest/bus/mdev/devices/" MDEV_UUID, end);
    ck_assert(!cli_exists(path));

    /* a directory that cannot be made: one line naming it, exit 2 */
    const char *file = cli_tmp_path("plain-file");
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    char under[600];
    snprintf(under, sizeof(under), "%s/tree", file);
    CHANSIM("run", "--mdev-sysfs", under);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--mdev-sysfs");
    cs_assert_contains(r.err, "plain-file");
}
END_TEST

START_TEST(trace_is_listed_by_babeltrace2_and_converts_to_jsonl)
{
    static struct result r;
    char trace[1024];
    snprintf(trace, sizeof(trace), "%s", cli_tmp_path("trace"));
    CHANSIM("run", "--trace", trace);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    cs_assert_contains(r.out, "trace           ");

    const char *const bt[] = {BABELTRACE2, trace, NULL};
    cli_run(&r, bt);
    ck_assert_msg(r.status == 0, "babeltrace2: %s", r.err);
    int listed = cli_count_lines(r.out, "[");
    ck_assert_int_ge(listed, 300); /* lifecycle, kernel log, every CRQ message */
    cs_assert_contains(r.out, "chansim:log");
    cs_assert_contains(r.out, "domain power-mgmt: ppc64 pseries, 256 MiB, 1 vCPU");

    char jsonl[1024];
    snprintf(jsonl, sizeof(jsonl), "%s", cli_tmp_path("trace.jsonl"));
    CHANSIM("convert", trace, "--to", "jsonl", "-o", jsonl);
    ck_assert_msg(r.status == 0, "convert: %s", r.err);
    static char buf[1 << 25];
    cli_read_all(jsonl, buf, sizeof(buf));
    ck_assert_int_eq(cli_count_lines(buf, "{"), listed);
    cs_assert_contains(buf, "\"channel\":\"sim\"");
    cs_assert_contains(buf, "run end (idle)");

    char vcd[1024];
    snprintf(vcd, sizeof(vcd), "%s", cli_tmp_path("trace.vcd"));
    CHANSIM("convert", trace, "--to", "vcd", "-o", vcd);
    ck_assert_msg(r.status == 0, "convert vcd: %s", r.err);
    cli_read_all(vcd, buf, sizeof(buf));
    cs_assert_contains(buf, "$timescale 1ns $end");
    cs_assert_contains(buf, "$scope module power-mgmt_vmc-30000002 $end");
    cs_assert_contains(buf, "queue_occupancy $end");
    cs_assert_contains(buf, "irq $end");
    ck_assert_int_ge(cli_count_lines(buf, "#"), 30); /* time steps of a 16-message session */

    CHANSIM("check", trace);
    ck_assert_int_eq(r.status, 0);
    /* every family of the default platform records on its own channels */
    cs_assert_contains(r.out, " channels checked against ");
    cs_assert_contains(r.out, "0 findings");
}
END_TEST

START_TEST(bad_platforms_exit_2_with_position)
{
    static struct result r;
    char trace[1024];
    snprintf(trace, sizeof(trace), "%s", cli_tmp_path("failed-trace"));
    CHANSIM("run", TESTDATA_DIR "/unmodelled.xml", "--trace", trace);
    ck_assert_int_eq(r.status, 2);
    ck_assert_int_eq(access(trace, F_OK), -1); /* no trace of a run that never ran */
    ck_assert(cli_one_line(r.err));
    cs_assert_contains(r.err, "unmodelled.xml:6: domain 'lpar': <controller> type='scsi' "
                              "model='ibmvscsi': chansim has no model for this device");
    CHANSIM("run", SIM_TESTDATA_DIR "/malformed.xml");
    ck_assert_int_eq(r.status, 2);
    ck_assert(cli_one_line(r.err));
    cs_assert_contains(r.err, "malformed.xml:4: malformed XML");
    CHANSIM("run", SIM_TESTDATA_DIR "/libvirt-rejects.xml");
    ck_assert_int_eq(r.status, 2);
    ck_assert(cli_one_line(r.err));
    cs_assert_contains(r.err, "libvirt rejects it");
    CHANSIM("run", cli_tmp_path("missing.xml"));
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "missing.xml: cannot open platform file");
}
END_TEST

START_TEST(bad_traces_exit_2_and_leave_no_output)
{
    static struct result r;
    char notrace[1024];
    snprintf(notrace, sizeof(notrace), "%s", cli_tmp_path("not-a-trace"));
    mkdir(notrace, 0755);
    CHANSIM("check", notrace);
    ck_assert_int_eq(r.status, 2);
    ck_assert(cli_one_line(r.err));
    cs_assert_contains(r.err, "not-a-trace");
    char out[1024];
    snprintf(out, sizeof(out), "%s", cli_tmp_path("out.jsonl"));
    CHANSIM("convert", notrace, "--to", "jsonl", "-o", out);
    ck_assert_int_eq(r.status, 2);
    ck_assert_int_eq(access(out, F_OK), -1);
    CHANSIM("convert", notrace, "--to", "yaml");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "supported output formats: jsonl");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("chansim");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, help_version_and_usage_errors);
    tcase_add_test(tc, default_run_prints_summary);
    tcase_add_test(tc, mdev_sysfs_tree_of_the_default_platform);
    tcase_add_test(tc, trace_is_listed_by_babeltrace2_and_converts_to_jsonl);
    tcase_add_test(tc, bad_platforms_exit_2_with_position);
    tcase_add_test(tc, bad_traces_exit_2_and_leave_no_output);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
