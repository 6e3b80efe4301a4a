/* Live and offline verdicts agree: the records of a run with findings on several channels, and
 * with records of two channels at the same cycle in the order the reader does not use, go to the
 * monitors directly and into a trace; `chansim check` on the trace prints the same findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_test.h"
#include "cs_trace.h"
#include "test_cli_util.h"
#include "visor_test_fx.h"

static struct {
    int status;
    char out[1 << 16];
    char err[4096];
} r;

static void setup(void)
{
    cs_test_tmpdir(cli_tmpdir, sizeof(cli_tmpdir), "visor-check");
}

static void teardown(void)
{
    cs_test_rmtree(cli_tmpdir);
}

struct rec {
    cs_trace_writer *w;
};

static void to_trace(void *ctx, const struct cs_mon_msg *m)
{
    struct rec *t = ctx;
    cs_error err = {0};
    ck_assert_msg(cs_trace_write_msg(t->w, m->channel, m->cycle, (enum cs_trace_dir)m->dir, m->kind,
                                     m->payload, m->len, &err) == 0,
                  "%s", err.msg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(check_reproduces_live_verdicts)
{
    const char *dir = cli_tmp_path("trace");
    struct rec t = {NULL};
    cs_error err = {0};
    ck_assert_msg(cs_trace_writer_open(&t.w, dir, 1000000000ull, &err) == 0, "%s", err.msg);
    for (int c = 0; c < NCH; c++) {
        uint16_t id;
        ck_assert_int_eq(cs_trace_writer_add_channel(t.w, names[c], "visor", &id, &err), 0);
        ck_assert_uint_eq(id, (unsigned)c);
    }
    struct fx f;
    fx_start(&f);
    f.record = to_trace;
    f.record_ctx = &t;
    create_channel(&f, CVM); /* fx_start created it before the trace was attached */
    boot(&f);

    uint8_t m[128];
    vhba_cmd(&f, 1);
    /* the pause command and the completion of handle 1 at the same cycle, the device channel
     * (id 1) first here, the controlvm channel (id 0) first when read back */
    changestate_cmd(m, &f, 0, 0x0073);
    f.cycle += 10;
    f.hold = 1;
    vhba_done(&f, 1);
    fx_command(&f, m);
    f.hold = 0;
    fx_ack(&f, m);
    fx_respond(&f, m, 0, 0);
    vhba_done(&f, 2); /* U15 (paused) and U18 (no such handle) */
    /* the resume and a new command at the same cycle: not in the pause either way */
    changestate_cmd(m, &f, 0, 0x00F7);
    f.cycle += 10;
    f.hold = 1;
    vhba_cmd(&f, 5);
    fx_command(&f, m);
    f.hold = 0;
    fx_ack(&f, m);
    fx_respond(&f, m, 0, 0);
    vhba_done(&f, 5);
    dev_msg(m, &f, 0x201, 1, 2); /* U12: device 1.2 exists */
    memcpy(m + 48 + 24, guid_kbd, 16);
    fx_exchange(&f, m);
    fx_key(&f, 99, 1); /* U17 */
    uint64_t end = f.cycle;
    ck_assert_int_eq(cs_trace_writer_close(t.w, &err), 0);
    f.record = NULL;
    cs_monitor_hub_finish(f.hub, end);
    cs_monitor_hub_free(f.hub);

    size_t live = nfound;
    ck_assert_uint_eq(live, 4);
    const char *want[64];
    for (size_t i = 0; i < live; i++)
        want[i] = found[i].line;
    qsort(want, live, sizeof(want[0]), cmp_str);

    CLI_RUN(r, CHANSIM_BIN, "check", dir);
    ck_assert_int_eq(r.status, 1);
    cs_assert_contains(r.out, "4 findings");
    const char *got[64];
    size_t n = 0;
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "rule ", 5) == 0 && n < 64)
            got[n++] = line;
    qsort(got, n, sizeof(got[0]), cmp_str);
    ck_assert_uint_eq(n, live);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(got[i], want[i]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_check");
    TCase *tc = tcase_create("offline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, check_reproduces_live_verdicts);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
