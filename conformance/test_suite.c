/* Suite files: what a well-formed file gives, every malformed line named by file and line, and
 * the verdict on a scenario's findings (expected, known, unexpected, missing, wrong count). */
#include <stdio.h>

#include "cs_duration.h"
#include "cs_suite.h"
#include "cs_test.h"

static struct cs_suite *parse_ok(const char *text, const char *file)
{
    struct cs_suite *s = NULL;
    cs_error err = {0};
    ck_assert_msg(cs_suite_parse(text, file, &s, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void parse_fails(const char *text, const char *where, const char *why)
{
    struct cs_suite *s = NULL;
    cs_error err = {0};
    ck_assert_int_eq(cs_suite_parse(text, "dir/t.suite", &s, &err), -1);
    ck_assert_ptr_null(s);
    cs_assert_contains(err.msg, where);
    cs_assert_contains(err.msg, why);
}

START_TEST(well_formed_file)
{
    struct cs_suite *s = parse_ok("# a comment\n"
                                  "\n"
                                  "scenario one  a.xml\n"
                                  "  scenario\ttwo ../p/b.xml expect V2 C7=3 known K1=16 K5 # why\n"
                                  "scenario three /abs/c.xml until 10ms known K2\n",
                                  "conformance/suites/crq.suite");
    ck_assert_str_eq(s->name, "crq");
    ck_assert_str_eq(s->file, "conformance/suites/crq.suite");
    ck_assert_uint_eq(s->n, 3);

    const struct cs_scenario *a = &s->scenarios[0];
    ck_assert_str_eq(a->id, "one");
    ck_assert_str_eq(a->platform, "a.xml");
    ck_assert_str_eq(a->path, "conformance/suites/a.xml");
    ck_assert_int_eq(a->line, 3);
    ck_assert_uint_eq(a->nexpect + a->nknown, 0);
    ck_assert_uint_eq(a->until_ns, 0);

    const struct cs_scenario *b = &s->scenarios[1];
    ck_assert_str_eq(b->path, "conformance/suites/../p/b.xml");
    ck_assert_int_eq(b->line, 4);
    ck_assert_uint_eq(b->nexpect, 2);
    ck_assert_str_eq(b->expect[0].id, "V2");
    ck_assert_uint_eq(b->expect[0].count, 0);
    ck_assert_str_eq(b->expect[1].id, "C7");
    ck_assert_uint_eq(b->expect[1].count, 3);
    ck_assert_uint_eq(b->nknown, 2);
    ck_assert_str_eq(b->known[0].id, "K1");
    ck_assert_uint_eq(b->known[0].count, 16);
    ck_assert_str_eq(b->known[1].id, "K5");

    const struct cs_scenario *c = &s->scenarios[2];
    ck_assert_str_eq(c->path, "/abs/c.xml");
    ck_assert_uint_eq(c->until_ns, 10000000);
    ck_assert_uint_eq(c->nknown, 1);
    cs_suite_free(s);

    /* a suite file in the current directory: platforms relative to it as written */
    s = parse_ok("scenario x p.xml\n", "local.suite");
    ck_assert_str_eq(s->name, "local");
    ck_assert_str_eq(s->scenarios[0].path, "p.xml");
    cs_suite_free(s);
    /* no trailing newline, CRLF line ends */
    s = parse_ok("scenario x p.xml\r\nscenario y q.xml until 1s", "/s/noext");
    ck_assert_str_eq(s->name, "noext");
    ck_assert_str_eq(s->scenarios[1].path, "/s/q.xml");
    ck_assert_uint_eq(s->scenarios[1].until_ns, 1000000000ull);
    cs_suite_free(s);
}
END_TEST

START_TEST(malformed_lines_name_file_and_line)
{
    parse_fails("\n\nsenario x a.xml\n", "dir/t.suite:3:", "unknown directive 'senario'");
    parse_fails("scenario x\n", "dir/t.suite:1:", "scenario <id> <platform file>");
    parse_fails("scenario a/b a.xml\n", ":1:", "scenario id 'a/b'");
    parse_fails("scenario x a.xml\n#\nscenario x b.xml\n", ":3:", "already defined at line 1");
    parse_fails("scenario x a.xml expect V99\n", ":1:", "unknown rule 'V99'");
    parse_fails("scenario x a.xml expect V2 V2\n", ":1:", "rule V2 listed twice");
    parse_fails("scenario x a.xml expect V2 known V2\n", ":1:", "rule V2 listed twice");
    parse_fails("scenario x a.xml known K1=0\n", ":1:", "positive number");
    parse_fails("scenario x a.xml known K1=many\n", ":1:", "positive number");
    parse_fails("scenario x a.xml known K1=\n", ":1:", "positive number");
    parse_fails("scenario x a.xml expect\n", ":1:", "'expect' needs at least one rule");
    parse_fails("scenario x a.xml known until 1s\n", ":1:", "'known' needs at least one rule");
    parse_fails("scenario x a.xml until\n", ":1:", "'until' needs a positive time");
    parse_fails("scenario x a.xml until 10 ms\n", ":1:", "'until' needs a positive time");
    parse_fails("scenario x a.xml until 0ms\n", ":1:", "'until' needs a positive time");
    parse_fails("scenario x a.xml until 1s until 2s\n", ":1:", "'until' given twice");
    parse_fails("scenario x a.xml V2\n", ":1:", "unexpected 'V2'");
    parse_fails("# only comments\n\n", "dir/t.suite:", "no scenarios");
}
END_TEST

START_TEST(load_reads_files)
{
    struct cs_suite *s = NULL;
    cs_error err = {0};
    ck_assert_int_eq(cs_suite_load("/nonexistent/x.suite", &s, &err), -1);
    cs_assert_contains(err.msg, "/nonexistent/x.suite");
    cs_error_clear(&err);
    ck_assert_msg(cs_suite_load(SUITES_DIR "/crq.suite", &s, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(s->name, "crq");
    ck_assert_uint_ge(s->n, 7);
    cs_suite_free(s);
}
END_TEST

START_TEST(select_scenarios)
{
    struct cs_suite *s =
        parse_ok("scenario a p.xml\nscenario b q.xml known K1\nscenario c r.xml\n", "t.suite");
    cs_error err = {0};
    const char *bad[] = {"c", "zz"};
    ck_assert_int_eq(cs_suite_select(s, bad, 2, &err), -1);
    cs_assert_contains(err.msg, "t.suite: no scenario 'zz'");
    ck_assert_uint_eq(s->n, 3);
    const char *ids[] = {"c", "b"};
    ck_assert_int_eq(cs_suite_select(s, ids, 2, &err), 0);
    ck_assert_uint_eq(s->n, 2);
    ck_assert_str_eq(s->scenarios[0].id, "b"); /* the suite's order */
    ck_assert_uint_eq(s->scenarios[0].nknown, 1);
    ck_assert_str_eq(s->scenarios[1].id, "c");
    cs_suite_free(s);
}
END_TEST

START_TEST(times)
{
    uint64_t ns;
    ck_assert_int_eq(cs_parse_duration_ns("500us", &ns), 0);
    ck_assert_uint_eq(ns, 500000);
    ck_assert_int_eq(cs_parse_duration_ns("7ns", &ns), 0);
    ck_assert_uint_eq(ns, 7);
    ck_assert_int_eq(cs_parse_duration_ns("2", &ns), -1);
    ck_assert_int_eq(cs_parse_duration_ns("-2s", &ns), -1);
    ck_assert_int_eq(cs_parse_duration_ns("2h", &ns), -1);
    ck_assert_int_eq(cs_parse_duration_ns("99999999999999999999s", &ns), -1);
}
END_TEST

/* ---- verdicts -------------------------------------------------------------------------- */

static struct cs_suite *judged;

static const struct cs_scenario *scenario(const char *line)
{
    cs_suite_free(judged);
    judged = parse_ok(line, "t.suite");
    return &judged->scenarios[0];
}

static size_t judge(const struct cs_scenario *sc, const struct cs_rule_tally *f, size_t n,
                    struct cs_verdict *v, int *pass)
{
    ck_assert_uint_le(n + sc->nexpect + sc->nknown, 16);
    return cs_suite_judge(sc, f, n, v, pass);
}

START_TEST(verdicts)
{
    struct cs_verdict v[16];
    char reason[512];
    int pass;

    /* nothing listed, nothing found */
    ck_assert_uint_eq(judge(scenario("scenario s p.xml\n"), NULL, 0, v, &pass), 0);
    ck_assert_int_eq(pass, 1);

    /* an expected rule broken, a known one too, any number of times */
    const struct cs_rule_tally f1[] = {{"K1", 16}, {"V2", 2}};
    size_t n = judge(scenario("scenario s p.xml expect V2 known K1\n"), f1, 2, v, &pass);
    ck_assert_int_eq(pass, 1);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[0].rule, "K1");
    ck_assert_int_eq(v[0].v, CS_RV_KNOWN);
    ck_assert_uint_eq(v[0].count, 16);
    ck_assert_int_eq(v[1].v, CS_RV_EXPECTED);
    cs_suite_reason(v, n, reason, sizeof(reason));
    ck_assert_str_eq(reason, "");

    /* known is optional without a count */
    n = judge(scenario("scenario s p.xml known K1\n"), NULL, 0, v, &pass);
    ck_assert_int_eq(pass, 1);
    ck_assert_uint_eq(n, 0);

    /* an expected rule not broken, an unexpected one broken */
    const struct cs_rule_tally f2[] = {{"C4", 1}};
    n = judge(scenario("scenario s p.xml expect C9\n"), f2, 1, v, &pass);
    ck_assert_int_eq(pass, 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(v[0].v, CS_RV_UNEXPECTED);
    ck_assert_int_eq(v[1].v, CS_RV_MISSED);
    cs_suite_reason(v, n, reason, sizeof(reason));
    ck_assert_str_eq(reason, "rule C4 broken 1 time, not expected; rule C9 expected, not broken");

    /* exact counts: the same rule from two sources is summed */
    const struct cs_rule_tally f3[] = {{"K1", 10}, {"V2", 1}, {"K1", 7}};
    n = judge(scenario("scenario s p.xml expect V2=1 known K1=16\n"), f3, 3, v, &pass);
    ck_assert_int_eq(pass, 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(v[0].v, CS_RV_COUNT);
    ck_assert_uint_eq(v[0].count, 17);
    ck_assert_uint_eq(v[0].want, 16);
    ck_assert_int_eq(v[1].v, CS_RV_EXPECTED);
    cs_suite_reason(v, n, reason, sizeof(reason));
    ck_assert_str_eq(reason, "rule K1 broken 17 times, the suite says 16");

    /* a counted known rule that did not happen */
    n = judge(scenario("scenario s p.xml known K1=4\n"), NULL, 0, v, &pass);
    ck_assert_int_eq(pass, 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(v[0].v, CS_RV_COUNT);
    ck_assert_uint_eq(v[0].count, 0);

    /* zero counts are no findings */
    const struct cs_rule_tally f4[] = {{"C1", 0}};
    ck_assert_uint_eq(judge(scenario("scenario s p.xml\n"), f4, 1, v, &pass), 0);
    ck_assert_int_eq(pass, 1);

    /* a reason longer than its buffer is cut, not overrun */
    const struct cs_rule_tally f5[] = {{"C1", 1}, {"C2", 1}, {"C3", 1}};
    n = judge(scenario("scenario s p.xml\n"), f5, 3, v, &pass);
    char small[20];
    cs_suite_reason(v, n, small, sizeof(small));
    ck_assert_uint_eq(strlen(small), sizeof(small) - 1);

    cs_suite_free(judged);
    judged = NULL;
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("suite");
    TCase *t = tcase_create("files");
    tcase_add_test(t, well_formed_file);
    tcase_add_test(t, malformed_lines_name_file_and_line);
    tcase_add_test(t, load_reads_files);
    tcase_add_test(t, select_scenarios);
    tcase_add_test(t, times);
    suite_add_tcase(s, t);
    TCase *j = tcase_create("verdicts");
    tcase_add_test(j, verdicts);
    suite_add_tcase(s, j);
    return s;
}

CS_TEST_MAIN(suite)
