/* Running a machine under SystemC: activations happen at their cycle in simulated time, a
 * time limit stops the run, and the same platform gives a bit-identical trace twice. */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "test_echo_family.h"

#define DATA(f) TESTDATA_DIR "/" f

static const struct cs_family *const fams[] = {&test_echo_family};

static int run_echo(const char *trace_dir, uint64_t until_ns, struct cs_run_summary *sum,
                    cs_error *err)
{
    struct cs_platform *p = NULL;
    cs_trace_writer *tw = NULL;
    struct cs_machine *m = NULL;
    int rc = -1;
    if (cs_platform_load(DATA("echo.xml"), NULL, &p, err) < 0)
        return -1;
    if (trace_dir && cs_trace_writer_open(&tw, trace_dir, p->clock_hz, err) < 0)
        goto out;
    if (cs_machine_build(p, fams, 1, tw, &m, err) < 0)
        goto out;
    struct cs_run_opts o = {until_ns};
    rc = cs_sc_run(m, &o, sum, err);
out:
    cs_machine_free(m);
    if (tw && cs_trace_writer_close(tw, err) < 0)
        rc = -1;
    cs_platform_free(p);
    return rc;
}

START_TEST(runs_until_idle_in_simulated_time)
{
    struct cs_run_summary s;
    cs_error err = {0};
    ck_assert_msg(run_echo(NULL, 0, &s, &err) == 0, "%s", err.msg);
    ck_assert(s.idle);
    ck_assert_uint_eq(s.sim_cycles, 1000); /* 4 periods of 250 cycles */
    ck_assert_uint_eq(s.sim_ns, 500);      /* at 2 GHz */
    ck_assert_uint_eq(s.messages, 12);
    ck_assert_uint_eq(s.activations, 6 + 6); /* ticks and interrupt deliveries */
    ck_assert(s.wall_seconds >= 0);
}
END_TEST

START_TEST(time_limit_stops_the_run)
{
    struct cs_run_summary s;
    cs_error err = {0};
    ck_assert_msg(run_echo(NULL, 300, &s, &err) == 0, "%s", err.msg);
    ck_assert(!s.idle);
    ck_assert_uint_eq(s.sim_ns, 300);
    ck_assert_uint_eq(s.sim_cycles, 600);
    ck_assert_uint_eq(s.messages, 8); /* periods at 250 and 500 cycles, both devices */
}
END_TEST

/* Each run needs its own process: SystemC elaborates once per process. */
static void run_in_child(const char *dir)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct cs_run_summary s;
        cs_error err = {0};
        _exit(run_echo(dir, 0, &s, &err) == 0 ? 0 : 1);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

START_TEST(same_platform_same_trace)
{
    const char *tmp = getenv("CHANSIM_TEST_TMP");
    char a[512], b[512];
    (void)tmp;
    cs_test_tmpdir(a, sizeof(a), "sc-run-a");
    cs_test_tmpdir(b, sizeof(b), "sc-run-b");
    run_in_child(a);
    run_in_child(b);
    /* Every file, metadata (with its UUID) and streams, is identical byte for byte. */
    DIR *d = opendir(a);
    ck_assert_ptr_nonnull(d);
    int streams = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char pa[1024], pb[1024];
        snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name);
        snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name);
        size_t la, lb;
        char *x = slurp(pa, &la), *y = slurp(pb, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_msg(la > 0, "%s is empty", pa);
        ck_assert_msg(memcmp(x, y, la) == 0, "%s and %s differ", pa, pb);
        free(x);
        free(y);
        streams++;
    }
    closedir(d);
    ck_assert_int_eq(streams, 4); /* metadata and one stream per channel */

    cs_error err = {0};
    cs_trace_reader *ra, *rb;
    ck_assert_msg(cs_trace_reader_open(&ra, a, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_trace_reader_open(&rb, b, &err) == 0, "%s", err.msg);
    struct cs_trace_event ea, eb;
    int n = 0, ga, gb;
    while ((ga = cs_trace_reader_next(ra, &ea, &err)) == 1) {
        gb = cs_trace_reader_next(rb, &eb, &err);
        ck_assert_int_eq(gb, 1);
        ck_assert_uint_eq(ea.cycles, eb.cycles);
        ck_assert_uint_eq(ea.channel, eb.channel);
        ck_assert_uint_eq(ea.type, eb.type);
        ck_assert_uint_eq(ea.kind, eb.kind);
        ck_assert_uint_eq(ea.len, eb.len);
        ck_assert_int_eq(memcmp(ea.payload, eb.payload, ea.len), 0);
        n++;
    }
    ck_assert_int_eq(ga, 0);
    ck_assert_int_eq(cs_trace_reader_next(rb, &eb, &err), 0);
    ck_assert_int_ge(n, 12);
    cs_trace_reader_close(ra);
    cs_trace_reader_close(rb);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sc-run");
    TCase *tc = tcase_create("run");
    tcase_add_test(tc, runs_until_idle_in_simulated_time);
    tcase_add_test(tc, time_limit_stops_the_run);
    tcase_add_test(tc, same_platform_same_trace);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
