/* Criterion 6: JSON Lines export, byte-exact against a golden text. */
#include "cs_test.h"
#include "cs_trace.h"
#include "test_trace_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tt_setup(), then the trace whose JSON Lines export is golden[] below. */
static void setup(void)
{
    tt_setup();
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t a, b;
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "crq0", "crq", &a, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "css.0", "css", &b, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, b, 5, CS_DIR_TO_GUEST, 1, NULL, 0, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, a, 5, CS_DIR_TO_FW, 4, "\x0a\x0b\x0c", 3, &err), 0);
    ck_assert_int_eq(cs_trace_write_log(w, a, 7, 3,
                                        "q\" b\\ nl\n cr\r tab\t bs\b ff\f ctl\x01 del\x7f "
                                        "utf8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 bad \xff "
                                        "overlong \xc0\xaf surrogate \xed\xa0\x80 cut \xe2\x82",
                                        &err),
                     0);
    ck_assert_int_eq(cs_trace_write_log(w, b, 8, 0, "", &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, b, 18446744073709551615u, CS_DIR_INTERNAL, 65535,
                                        "\xff\x00", 2, &err),
                     0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
}

static const char golden[] =
    "{\"t\":5,\"channel\":\"crq0\",\"ch\":0,\"type\":\"msg\",\"dir\":\"to_firmware\",\"kind\":4,"
    "\"len\":3,\"payload\":\"0a0b0c\"}\n"
    "{\"t\":5,\"channel\":\"css.0\",\"ch\":1,\"type\":\"msg\",\"dir\":\"to_guest\",\"kind\":1,"
    "\"len\":0,\"payload\":\"\"}\n"
    "{\"t\":7,\"channel\":\"crq0\",\"ch\":0,\"type\":\"log\",\"level\":3,\"text\":\"q\\\" b\\\\ "
    "nl\\n cr\\r tab\\t bs\\b ff\\f ctl\\u0001 del\\u007f utf8 "
    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
    "bad \\u00ff overlong \\u00c0\\u00af surrogate \\u00ed\\u00a0\\u0080 cut \\u00e2\\u0082\"}\n"
    "{\"t\":8,\"channel\":\"css.0\",\"ch\":1,\"type\":\"log\",\"level\":0,\"text\":\"\"}\n"
    "{\"t\":18446744073709551615,\"channel\":\"css.0\",\"ch\":1,\"type\":\"msg\",\"dir\":"
    "\"internal\",\"kind\":65535,\"len\":2,\"payload\":\"ff00\"}\n";

static char *to_jsonl(const char *dir, int *rc, cs_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    *rc = cs_trace_to_jsonl(dir, f, err);
    fclose(f);
    return buf;
}

START_TEST(golden_output)
{
    cs_error err = {0};
    int rc;
    char *out = to_jsonl(tt_tdir, &rc, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_int_eq(err.set, 0);
    ck_assert_str_eq(out, golden);
    /* deterministic: a second conversion is identical */
    char *again = to_jsonl(tt_tdir, &rc, &err);
    ck_assert_str_eq(again, out);
    free(again);
    free(out);
}
END_TEST

START_TEST(truncated_trace_warns)
{
    char *s1 = tt_path(tt_tdir, "stream_1");
    tt_truncate(s1, tt_file_size(s1) - 1);
    cs_error err = {0};
    int rc;
    char *out = to_jsonl(tt_tdir, &rc, &err);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(err.set, 1);
    ck_assert_msg(strstr(err.msg, "stream_1: truncated packet at byte offset 0"), "%s", err.msg);
    /* channel 1's only packet is cut off: the golden lines of channel 0 remain */
    char want[sizeof(golden)] = "";
    for (const char *l = golden, *nl; *l; l = nl + 1) {
        nl = strchr(l, '\n');
        const char *hit = strstr(l, "\"ch\":0,");
        if (hit && hit < nl)
            strncat(want, l, (size_t)(nl + 1 - l));
    }
    ck_assert_ptr_nonnull(strstr(want, "\"type\":\"log\",\"level\":3"));
    ck_assert_str_eq(out, want);
    free(out);
    free(s1);
}
END_TEST

START_TEST(errors)
{
    cs_error err = {0};
    int rc;
    char *none = tt_path(tt_tmp, "none");
    char *out = to_jsonl(none, &rc, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err.msg, "cannot open trace directory"), "%s", err.msg);
    free(out);
    free(none);

    FILE *full = fopen("/dev/full", "w");
    if (full) {
        ck_assert_int_eq(cs_trace_to_jsonl(tt_tdir, full, &err), -1);
        ck_assert_msg(strstr(err.msg, "writing JSON Lines: No space left on device"), "%s",
                      err.msg);
        fclose(full);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace_jsonl");
    TCase *tc = tcase_create("jsonl");
    tcase_add_checked_fixture(tc, setup, tt_teardown);
    tcase_add_test(tc, golden_output);
    tcase_add_test(tc, truncated_trace_warns);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
