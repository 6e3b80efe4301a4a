/* `chansim convert --from ftrace` as a user meets it: the summary on standard error, exit
 * statuses and one-line errors, no output directory on failure, and imported traces that
 * `chansim check` and `convert --to jsonl` accept. */
#include <dirent.h>
#include <stdio.h>

#include "cs_test.h"
#include "test_cli_util.h"

struct result {
    int status;
    char out[1 << 16];
    char err[8192];
};

static const char *data(const char *name)
{
    static char p[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof(p[i]), "%s/%s", FTRACE_TESTDATA, name);
    return p[i];
}

#define CHANSIM(...) CLI_RUN(r, CHANSIM_BIN, __VA_ARGS__)

static void setup(void)
{
    cs_test_tmpdir(cli_tmpdir, sizeof(cli_tmpdir), "ftrace-cli");
}

static void teardown(void)
{
    cs_test_rmtree(cli_tmpdir);
}

/* Names in cli_tmpdir other than the captured output and the empty input. */
static int leftovers(void)
{
    DIR *d = opendir(cli_tmpdir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "stdout") &&
             strcmp(e->d_name, "stderr") && strcmp(e->d_name, "empty.txt");
    closedir(d);
    return n;
}

START_TEST(import_prints_summary_and_check_accepts_it)
{
    static struct result r;
    char t[1100];
    snprintf(t, sizeof(t), "%s", cli_tmp_path("css"));
    CHANSIM("convert", "--from", "ftrace", data("css_trace.txt"), "-o", t);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_msg(cli_one_line(r.err), "%s", r.err);
    cs_assert_contains(r.err, "chansim convert: ");
    cs_assert_contains(r.err, "css_trace.txt: 19 lines imported, 12 skipped: 0 other "
                              "tracepoints, 12 comments or headers, 0 malformed\n");
    ck_assert_str_eq(r.out, "");
    CHANSIM("check", t);
    ck_assert_msg(r.status == 0, "status %d: %s%s", r.status, r.out, r.err);
    cs_assert_contains(r.out, "19 events on 5 channels");
    cs_assert_contains(r.out, ": 0 findings");
    CHANSIM("convert", t, "--to", "jsonl");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "{\"t\":0,\"channel\":\"ftrace.css.0.0.0042\",\"ch\":0,\"type\":"
                              "\"msg\",\"dir\":\"to_firmware\",\"kind\":262,\"len\":28,");
}
END_TEST

/* Every sample imports and checks clean; hcall records carry no arguments (hcall_entry does
 * not record them) and the CRQ monitor checks nothing that depends on them. */
START_TEST(check_accepts_imported_samples)
{
    static struct result r;
    static const char *const files[] = {"css_trace.txt",
                                        "vfio_ccw.txt",
                                        "trace_cmd_report.txt",
                                        "prefix_variants.txt",
                                        "hcall_timebase.txt",
                                        "skipped.txt",
                                        "hcall.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char name[64];
        snprintf(name, sizeof(name), "t%zu", i);
        char t[1100];
        snprintf(t, sizeof(t), "%s", cli_tmp_path(name));
        CHANSIM("convert", "--from", "ftrace", data(files[i]), "-o", t);
        ck_assert_msg(r.status == 0, "%s: status %d: %s", files[i], r.status, r.err);
        CHANSIM("check", t);
        ck_assert_msg(r.status == 0, "%s: check status %d: %s%s", files[i], r.status, r.out, r.err);
        cs_assert_contains(r.out, ": 0 findings");
    }
}
END_TEST

START_TEST(skipped_lines_and_warnings_on_stderr)
{
    static struct result r;
    CHANSIM("convert", "--from", "ftrace", data("skipped.txt"), "-o", cli_tmp_path("s"));
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    cs_assert_contains(r.err, "skipped.txt: 3 lines imported, 21 skipped: 3 other tracepoints, "
                              "4 comments or headers, 14 malformed (first at line 8: "
                              "s390_cio_tsch: no cstat= field)\n");
    cs_assert_contains(r.err, "skipped.txt: warning: the kernel lost 23 events");
}
END_TEST

START_TEST(failures_exit_2_with_one_line_and_no_output)
{
    static struct result r;
    char t[1100], empty[1100];
    snprintf(t, sizeof(t), "%s", cli_tmp_path("out"));
    snprintf(empty, sizeof(empty), "%s", cli_tmp_path("empty.txt"));
    FILE *f = fopen(empty, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    CHANSIM("convert", "--from", "ftrace", empty, "-o", t);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(cli_one_line(r.err), "%s", r.err);
    cs_assert_contains(r.err, "chansim convert: ");
    cs_assert_contains(r.err, "empty.txt: no supported ftrace events (the file is empty)");
    ck_assert(!cli_exists(t));

    CHANSIM("convert", "--from", "ftrace", cli_tmp_path("nonexistent.txt"), "-o", t);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(cli_one_line(r.err), "%s", r.err);
    cs_assert_contains(r.err, "nonexistent.txt: cannot open: No such file or directory");
    ck_assert(!cli_exists(t));

    CHANSIM("convert", "--from", "ftrace", data("hcall.txt"));
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--from ftrace needs -o TRACE");
    CHANSIM("convert", "--from", "perf", data("hcall.txt"), "-o", t);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--from perf: supported input formats: ftrace");
    CHANSIM("convert", "--from", "ftrace", data("hcall.txt"), "--to", "jsonl", "-o", t);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--from and --to cannot be combined");
    ck_assert(!cli_exists(t));
    ck_assert_int_eq(leftovers(), 0);

    /* an existing trace is never overwritten */
    CHANSIM("convert", "--from", "ftrace", data("hcall.txt"), "-o", t);
    ck_assert_int_eq(r.status, 0);
    CHANSIM("convert", "--from", "ftrace", data("css_trace.txt"), "-o", t);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "already exists");
    CHANSIM("convert", t, "--to", "jsonl");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "ftrace.hcall.cpu3");
    ck_assert_int_eq(leftovers(), 1);
}
END_TEST

START_TEST(help_names_the_import)
{
    static struct result r;
    CHANSIM("convert", "--help");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "chansim convert --from ftrace FILE -o TRACE");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ftrace_cli");
    TCase *tc = tcase_create("convert_from_ftrace");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, import_prints_summary_and_check_accepts_it);
    tcase_add_test(tc, check_accepts_imported_samples);
    tcase_add_test(tc, skipped_lines_and_warnings_on_stderr);
    tcase_add_test(tc, failures_exit_2_with_one_line_and_no_output);
    tcase_add_test(tc, help_names_the_import);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
