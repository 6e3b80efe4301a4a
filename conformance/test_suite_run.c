/* `chansim suite` as CI runs it: the crq suite passes with well-formed JUnit XML and TAP; a
 * rule that should break and does not fails its scenario with the reason in JUnit; a scenario
 * running past its time limit fails without taking the suite down; input errors (malformed
 * suite file, missing platform, unwritable output) stop everything before a scenario runs. */
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdio.h>

#include "cs_test.h"
#include "test_cli_util.h"

struct result {
    int status;
    char out[1 << 18];
    char err[1 << 16];
};

#define CHANSIM(...) CLI_RUN(r, CHANSIM_BIN, "suite", __VA_ARGS__)

static void setup(void)
{
    cs_test_tmpdir(cli_tmpdir, sizeof(cli_tmpdir), "suite");
}

/* ---- JUnit through libxml2 ------------------------------------------------------------ */

struct junit {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
};

static void junit_open(struct junit *j, const char *path)
{
    j->doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(j->doc != NULL, "%s is not well-formed XML", path);
    j->xp = xmlXPathNewContext(j->doc);
    ck_assert_ptr_nonnull(j->xp);
}

static double junit_number(struct junit *j, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, j->xp);
    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return v;
}

static void junit_string(struct junit *j, const char *expr, char *buf, size_t len)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, j->xp);
    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    xmlChar *s = xmlXPathCastToString(o);
    snprintf(buf, len, "%s", (const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
}

static void junit_close(struct junit *j)
{
    xmlXPathFreeContext(j->xp);
    xmlFreeDoc(j->doc);
}

/* ---- tests ---------------------------------------------------------------------------- */

static struct result r;
static char tap[1 << 16];

START_TEST(crq_suite_passes)
{
    const char *junit = cli_tmp_path("crq.xml"), *tapf = cli_tmp_path("crq.tap");
    CHANSIM("crq", "--junit", junit, "--tap", tapf);
    ck_assert_msg(r.status == 0, "status %d\n%s\n%s", r.status, r.out, r.err);
    cs_assert_contains(r.out, "scenarios: 7 passed, 0 failed");
    ck_assert_int_eq(cli_count_lines(r.out, "PASS  "), 7);
    cs_assert_contains(r.out, "known K1 x16");
    cs_assert_contains(r.out, "expected V6 x1");
    cs_assert_contains(r.out, "rules: ");

    struct junit j;
    junit_open(&j, junit);
    ck_assert_int_eq((int)junit_number(&j, "count(/testsuites/testsuite)"), 1);
    ck_assert_int_eq((int)junit_number(&j, "count(//testcase)"), 7);
    ck_assert_int_eq((int)junit_number(&j, "count(//failure)"), 0);
    ck_assert_int_eq((int)junit_number(&j, "number(/testsuites/testsuite/@tests)"), 7);
    ck_assert_int_eq((int)junit_number(&j, "number(/testsuites/testsuite/@failures)"), 0);
    char v[512];
    junit_string(&j, "//property[@name='rule.V2']/@value", v, sizeof(v));
    cs_assert_contains(v, "PASS family=crq");
    cs_assert_contains(v, "expected=2");
    junit_string(&j, "//property[@name='rule.K1']/@value", v, sizeof(v));
    cs_assert_contains(v, "known=6");
    junit_string(&j, "//property[@name='rules.exercised']/@value", v, sizeof(v));
    ck_assert_int_gt((int)strlen(v), 0);
    junit_string(&j, "//testcase[@name='vmc-session']/system-out", v, sizeof(v));
    cs_assert_contains(v, "rule K1 broken 16 times (known)");
    junit_close(&j);

    cli_read_all(tapf, tap, sizeof(tap));
    ck_assert_msg(strncmp(tap, "TAP version 13\n1..7\n", 20) == 0, "%s", tap);
    ck_assert_int_eq(cli_count_lines(tap, "ok "), 7);
    ck_assert_int_eq(cli_count_lines(tap, "not ok"), 0);
    cs_assert_contains(tap, "ok 1 - vmc-session\n");
    cs_assert_contains(tap, "ok 7 - vmc-payload-before-init\n");
}
END_TEST

/* One scenario, or a few, of a suite: a shard, as a job array runs it. */
START_TEST(selected_scenarios_only)
{
    const char *tapf = cli_tmp_path("shard.tap");
    CHANSIM("crq", "--scenario", "vmc-cap-max-hmc-0", "--scenario", "vmc-session", "--tap", tapf);
    ck_assert_msg(r.status == 0, "status %d\n%s\n%s", r.status, r.out, r.err);
    cli_read_all(tapf, tap, sizeof(tap));
    cs_assert_contains(tap, "1..2\nok 1 - vmc-session\n");
    cs_assert_contains(tap, "ok 2 - vmc-cap-max-hmc-0\n");
    CHANSIM("crq", "--scenario", "nope");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "no scenario 'nope'");
}
END_TEST

/* In parallel the outputs keep the suite's order. */
START_TEST(parallel_jobs_keep_order)
{
    const char *tapf = cli_tmp_path("par.tap");
    CHANSIM("crq", "-j", "3", "--tap", tapf);
    ck_assert_msg(r.status == 0, "status %d\n%s\n%s", r.status, r.out, r.err);
    cli_read_all(tapf, tap, sizeof(tap));
    cs_assert_contains(tap, "1..7\nok 1 - vmc-session\n");
    cs_assert_contains(tap, "ok 4 - vmc-cap-max-hmc-0\n");
}
END_TEST

START_TEST(expected_rule_not_broken_fails)
{
    const char *junit = cli_tmp_path("miss.xml"), *tapf = cli_tmp_path("miss.tap");
    CHANSIM(TESTDATA_DIR "/missing-expect.suite", "--junit", junit, "--tap", tapf);
    ck_assert_msg(r.status == 1, "status %d\n%s\n%s", r.status, r.out, r.err);
    cs_assert_contains(r.out, "FAIL  expects-c9");
    cs_assert_contains(r.out, "rule C9 expected, not broken");
    cs_assert_contains(r.out, "scenarios: 1 passed, 1 failed");

    struct junit j;
    junit_open(&j, junit);
    ck_assert_int_eq((int)junit_number(&j, "count(//testcase)"), 2);
    ck_assert_int_eq((int)junit_number(&j, "count(//failure)"), 1);
    ck_assert_int_eq((int)junit_number(&j, "number(//testsuite/@failures)"), 1);
    char v[512];
    junit_string(&j, "//testcase[@name='expects-c9']/failure/@message", v, sizeof(v));
    cs_assert_contains(v, "rule C9 expected, not broken");
    junit_string(&j, "//testcase[@name='expects-c9']/failure/@type", v, sizeof(v));
    ck_assert_str_eq(v, "findings");
    junit_string(&j, "//property[@name='rule.C9']/@value", v, sizeof(v));
    cs_assert_contains(v, "FAIL");
    cs_assert_contains(v, "missed=1");
    ck_assert_int_eq((int)junit_number(&j, "count(//testcase[@name='clean']/failure)"), 0);
    junit_close(&j);

    cli_read_all(tapf, tap, sizeof(tap));
    cs_assert_contains(tap, "TAP version 13\n1..2\nnot ok 1 - expects-c9\n");
    cs_assert_contains(tap, "message: 'rule C9 expected, not broken'");
    cs_assert_contains(tap, "\nok 2 - clean\n");
}
END_TEST

START_TEST(time_limit_fails_the_scenario_only)
{
    const char *junit = cli_tmp_path("hang.xml");
    CHANSIM(TESTDATA_DIR "/hang.suite", "--timeout", "1", "-j", "2", "--junit", junit);
    ck_assert_msg(r.status == 1, "status %d\n%s\n%s", r.status, r.out, r.err);
    cs_assert_contains(r.out, "FAIL  endless");
    cs_assert_contains(r.out, "timed out after 1 s of wall time");
    cs_assert_contains(r.out, "PASS  after");
    struct junit j;
    junit_open(&j, junit);
    char v[512];
    junit_string(&j, "//testcase[@name='endless']/failure/@type", v, sizeof(v));
    ck_assert_str_eq(v, "timeout");
    ck_assert_int_eq((int)junit_number(&j, "count(//failure)"), 1);
    junit_close(&j);
}
END_TEST

START_TEST(input_errors_stop_before_running)
{
    const char *junit = cli_tmp_path("never.xml");
    CHANSIM(TESTDATA_DIR "/malformed.suite", "--junit", junit);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "malformed.suite:3: unknown rule 'V99'");
    ck_assert_str_eq(r.out, "");
    ck_assert(!cli_exists(junit));

    CHANSIM(TESTDATA_DIR "/missing-platform.suite");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "missing-platform.suite:2: scenario gone");
    cs_assert_contains(r.err, "no-such-platform.xml");
    ck_assert_str_eq(r.out, "");

    CHANSIM("no-such-suite");
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "unknown suite 'no-such-suite'");

    CHANSIM("crq", "-j", "0");
    ck_assert_int_eq(r.status, 2);
    CHANSIM("crq", "--bogus");
    ck_assert_int_eq(r.status, 2);
}
END_TEST

/* The JUnit path cannot be written (its directory is a file): nothing runs, and the TAP
 * file asked for at the same time is not left behind either, not even as a temporary. */
START_TEST(unwritable_output_runs_nothing)
{
    const char *blocker = cli_tmp_path("file");
    FILE *f = fopen(blocker, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    const char *tapf = cli_tmp_path("out.tap");
    char junit[1100];
    snprintf(junit, sizeof(junit), "%s/junit.xml", blocker);
    CHANSIM("crq", "--tap", tapf, "--junit", junit);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "--junit");
    cs_assert_contains(r.err, junit);
    ck_assert_str_eq(r.out, "");
    ck_assert(!cli_exists(tapf));
    DIR *d = opendir(cli_tmpdir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        ck_assert_msg(strncmp(e->d_name, "out.tap", 7) != 0, "left behind: %s", e->d_name);
    closedir(d);

    CHANSIM("crq", "--junit", cli_tmpdir);
    ck_assert_int_eq(r.status, 2);
    cs_assert_contains(r.err, "is a directory");
}
END_TEST

START_TEST(listing)
{
    CHANSIM("--list");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "crq ");
    cs_assert_contains(r.out, "7 scenarios");
    CHANSIM("crq", "--list");
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(cli_count_lines(r.out, "vmc-"), 7);
    cs_assert_contains(r.out,
                       "vmc-session  ../../models/crq/testdata/vmc-session.xml  known K1=16");
    CHANSIM("--help");
    ck_assert_int_eq(r.status, 0);
    cs_assert_contains(r.out, "usage: chansim suite");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("suite-run");
    TCase *t = tcase_create("chansim suite");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_set_timeout(t, 300);
    tcase_add_test(t, crq_suite_passes);
    tcase_add_test(t, selected_scenarios_only);
    tcase_add_test(t, parallel_jobs_keep_order);
    tcase_add_test(t, expected_rule_not_broken_fails);
    tcase_add_test(t, time_limit_fails_the_scenario_only);
    tcase_add_test(t, input_errors_stop_before_running);
    tcase_add_test(t, unwritable_output_runs_nothing);
    tcase_add_test(t, listing);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
