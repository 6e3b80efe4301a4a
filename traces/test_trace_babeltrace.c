/* Criterion 2: babeltrace2 (path in CHANSIM_BABELTRACE2) lists every event of traces the
 * writer made, with the same field values and order as chansim's own reader. */
#include "cs_test.h"
#include "cs_trace.h"
#include "test_trace_util.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CHANSIM_BABELTRACE2
#error "CHANSIM_BABELTRACE2 must name the babeltrace2 program"
#endif

/* tt_rnd() state: a fixed seed, so the test data is the same every run */
static uint64_t rng = 0x2545F4914F6CDD1Du;

/* What babeltrace2's text sink prints for an event after the "[cycles] (+delta) " prefix. */
static char *expected_line(const struct cs_trace_event *ev)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (ev->type == CS_TRACE_MSG) {
        fprintf(f,
                "chansim:msg: { channel_id = %u }, { channel_id = %u, direction = ( \"%s\" : "
                "container = %u ), kind = %u, payload_len = %u, payload = [ ",
                ev->channel, ev->channel, cs_trace_dir_name(ev->dir), ev->dir, ev->kind, ev->len);
        for (uint32_t i = 0; i < ev->len; i++)
            fprintf(f, "%s[%u] = 0x%X", i ? ", " : "", i, ev->payload[i]);
        fprintf(f, "%s] }", ev->len ? " " : "");
    } else {
        fprintf(f,
                "chansim:log: { channel_id = %u }, { channel_id = %u, level = %u, text = \"%s\" }",
                ev->channel, ev->channel, ev->level, (const char *)ev->payload);
    }
    fclose(f);
    return s;
}

/* Runs babeltrace2 on dir and compares each line with chansim's reader; returns the count. */
static size_t compare_with_babeltrace(const char *dir)
{
    char *cmd;
    ck_assert(asprintf(&cmd, "'%s' --clock-cycles '%s'", CHANSIM_BABELTRACE2, dir) > 0);
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "cannot run %s", cmd);
    cs_error err = {0};
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, dir, &err) == 0, "%s", err.msg);
    struct cs_trace_event ev;
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, p)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        int rc = cs_trace_reader_next(r, &ev, &err);
        ck_assert_msg(rc == 1, "babeltrace2 line %zu has no chansim event (%s): %.200s", n + 1,
                      err.msg, line);
        char ts[32];
        snprintf(ts, sizeof(ts), "[%020lu] (+", (unsigned long)ev.cycles);
        ck_assert_msg(!strncmp(line, ts, strlen(ts)), "line %zu: %.200s, expected cycle %lu", n + 1,
                      line, (unsigned long)ev.cycles);
        const char *rest = strstr(line, ") ");
        ck_assert_ptr_nonnull(rest);
        char *want = expected_line(&ev);
        ck_assert_msg(!strcmp(rest + 2, want), "line %zu:\n  got  %.300s\n  want %.300s", n + 1,
                      rest + 2, want);
        free(want);
        n++;
    }
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    cs_trace_reader_close(r);
    free(line);
    int status = pclose(p);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s failed (status %d)", cmd,
                  status);
    free(cmd);
    return n;
}

static void write_mix(cs_trace_writer *w, const uint16_t *ids, size_t nids, size_t count,
                      uint64_t *t)
{
    cs_error err = {0};
    static uint8_t payload[70000];
    for (size_t i = 0; i < count; i++) {
        uint16_t ch = ids[tt_rnd(&rng) % nids];
        /* unique timestamps: babeltrace2 and chansim break ties apart */
        *t += 1 + tt_rnd(&rng) % 3;
        if (tt_rnd(&rng) % 6 == 0) {
            char text[64];
            snprintf(text, sizeof(text), "log line %zu of channel %u", i, ch);
            ck_assert_int_eq(cs_trace_write_log(w, ch, *t, (uint8_t)(i % 8), text, &err), 0);
        } else {
            uint32_t len =
                i % 1500 == 7 ? (uint32_t)sizeof(payload) : (uint32_t)(tt_rnd(&rng) % 40);
            for (uint32_t k = 0; k < len; k++)
                payload[k] = (uint8_t)tt_rnd(&rng);
            ck_assert_int_eq(cs_trace_write_msg(w, ch, *t, (enum cs_trace_dir)(tt_rnd(&rng) % 3),
                                                (uint16_t)tt_rnd(&rng), payload, len, &err),
                             0);
        }
    }
}

START_TEST(babeltrace_lists_every_event)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t id[4];
    ck_assert_msg(cs_trace_writer_open(&w, tt_tdir, 1000000000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "crq0", "crq", &id[0], &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "css0", "css", &id[1], &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "idle", "visor", &id[2], &err), 0);
    uint64_t t = 0;
    uint16_t busy[2] = {id[0], id[1]};
    write_mix(w, busy, 2, 4000, &t);
    /* a channel added after events were written */
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "late", "crq", &id[3], &err), 0);
    uint16_t busy2[3] = {id[0], id[1], id[3]};
    write_mix(w, busy2, 3, 4000, &t);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    ck_assert_uint_eq(compare_with_babeltrace(tt_tdir), 8000);
}
END_TEST

/* What a killed writer leaves is a valid CTF trace too. */
START_TEST(babeltrace_reads_killed_writer)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        cs_trace_writer *w;
        uint16_t id[2];
        if (cs_trace_writer_open(&w, tt_tdir, 1000, NULL) < 0 ||
            cs_trace_writer_add_channel(w, "a", "f", &id[0], NULL) < 0 ||
            cs_trace_writer_add_channel(w, "b", "f", &id[1], NULL) < 0)
            _exit(1);
        uint64_t t = 0;
        write_mix(w, id, 2, 6000, &t);
        raise(SIGKILL);
        _exit(2);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status));
    size_t n = compare_with_babeltrace(tt_tdir);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(n, 6000);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace_babeltrace");
    TCase *tc = tcase_create("babeltrace2");
    tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
    tcase_add_test(tc, babeltrace_lists_every_event);
    tcase_add_test(tc, babeltrace_reads_killed_writer);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
