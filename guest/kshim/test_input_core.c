/* The input core and event devices on a test module ("tinput", test_input_core_kside.c) in a
 * booted kernel, read by a process: the filtering of each event type (zero relative motion,
 * absolute values within the fuzz, unchanged keys, undeclared types and codes), misc events
 * always passed, repeats, a packet longer than the device announced cut by the core, open and
 * close on the first and last user, an open the driver refuses, the non-blocking and short
 * reads, and rmmod without leaks while nothing is open. */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "test_input_core.h"

#define MAX_EV 256

struct result {
    struct input_event ev[MAX_EV];
    int n;
    int opens_after_two, closes_after_one, closes_after_both;
    long refused_open, nonblock_empty, short_read, rmmod, second_fd;
    char failure[256];
};

static struct ks_kernel *kernel;

static int drain(struct ks_uproc *p, int fd, struct input_event *buf, struct result *r)
{
    int got = 0;
    while (ks_sys_poll(p, fd, POLLIN, 0) > 0) {
        long n = ks_sys_read(p, fd, buf, 16 * sizeof(*buf));
        if (n <= 0)
            break;
        for (long i = 0; i < n / (long)sizeof(*buf) && r->n < MAX_EV; i++, got++)
            r->ev[r->n++] = buf[i];
    }
    return got;
}

static void proc(struct ks_uproc *p, void *arg)
{
    struct result *r = arg;
    struct input_event *buf = ks_umalloc(p, 16 * sizeof(*buf));
    char *name = ks_umalloc(p, 64);
    if (!buf || !name) {
        snprintf(r->failure, sizeof(r->failure), "no user memory");
        return;
    }
    int fd = -1, refuse = -1;
    for (int i = 0; i < 2; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/dev/input/event%d", i);
        long rc = ks_sys_open(p, path, O_RDWR | O_NONBLOCK);
        if (rc == -EIO) {
            refuse = i;
            r->refused_open = rc;
            continue;
        }
        if (rc >= 0 && ks_sys_ioctl(p, (int)rc, EVIOCGNAME(64), (unsigned long)name) > 0 &&
            !strcmp(name, "tinput pointer"))
            fd = (int)rc;
    }
    if (fd < 0 || refuse < 0) {
        snprintf(r->failure, sizeof(r->failure), "devices not found (%d, %d)", fd, refuse);
        return;
    }
    r->second_fd = ks_sys_open(p, refuse ? "/dev/input/event0" : "/dev/input/event1", O_RDONLY);
    r->opens_after_two = tin_counts.opens;
    r->nonblock_empty = ks_sys_read(p, fd, buf, sizeof(*buf));

    tin_event(EV_REL, REL_X, 0); /* no motion: dropped, and the empty packet with it */
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_REL, REL_X, 5);
    tin_event(EV_REL, REL_Y, 5); /* not declared */
    tin_event(EV_SW, SW_LID, 1); /* type not declared */
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_ABS, ABS_X, 100); /* fuzz 8 */
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_ABS, ABS_X, 102); /* within half the fuzz: noise */
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_ABS, ABS_X, 106); /* within the fuzz: smoothed to (3 * 100 + 106) / 4 */
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_KEY, BTN_LEFT, 1);
    tin_event(EV_KEY, BTN_LEFT, 1); /* unchanged */
    tin_event(EV_MSC, MSC_SCAN, 7);
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_MSC, MSC_SCAN, 7); /* misc events always pass */
    tin_event(EV_KEY, BTN_LEFT, 2); /* a repeat passes, the button stays down */
    tin_event(EV_SYN, SYN_REPORT, 0);
    /* 12 events in one packet: the device announced 11 (one per axis, 7 for keys and misc, the
     * SYN_REPORT), so the core ends the packet itself after 11 */
    for (int i = 0; i < 12; i++)
        tin_event(EV_REL, REL_WHEEL, i % 2 ? -1 : 1);
    tin_event(EV_SYN, SYN_REPORT, 0);
    tin_event(EV_KEY, BTN_LEFT, 0);
    tin_event(EV_KEY, BTN_LEFT, 1); /* a half packet, never ended: not readable */
    drain(p, fd, buf, r);
    r->short_read = ks_sys_read(p, fd, buf, sizeof(*buf) - 1);
    ks_sys_close(p, fd);
    r->closes_after_one = tin_counts.closes;
    ks_sys_close(p, (int)r->second_fd);
    r->closes_after_both = tin_counts.closes;
    r->rmmod = ks_module_unload(kernel, "tinput");
}

struct want {
    unsigned short type, code;
    int value;
};

START_TEST(filtering_packets_and_users)
{
    cs_error err = {0};
    struct cs_platform *pl = NULL;
    struct cs_machine *m = NULL;
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/vio.xml", NULL, &pl, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(pl, NULL, 0, NULL, &m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&m->domains[0], "kernel", &kernel, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(kernel, -1);
    const char *mods[] = {"tinput"};
    ck_assert_msg(ks_kernel_boot(kernel, mods, 1, &err) == 0, "%s", err.msg);
    static struct result r;
    ks_uproc_spawn(kernel, "reader", proc, &r);
    struct cs_run_opts ro = {1000000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    ck_assert_msg(!r.failure[0], "%s", r.failure);
    size_t nf = 0;
    const struct ks_finding_record *f = ks_kernel_findings(kernel, &nf);
    ck_assert_msg(nf == 0, "%zu findings, first %s:%d %s", nf, nf ? f[0].file : "",
                  nf ? f[0].line : 0, nf ? f[0].msg : "");
    ks_kernel_destroy(kernel);
    cs_machine_free(m);
    cs_platform_free(pl);

    ck_assert_int_eq(tin_counts.register_rc, 0);
    ck_assert_int_eq(tin_counts.refused_register_rc, 0);
    ck_assert_int_eq(r.refused_open, -EIO);
    ck_assert_int_eq(r.second_fd >= 0, 1);
    ck_assert_int_eq(r.opens_after_two, 1);
    ck_assert_int_eq(r.nonblock_empty, -EAGAIN);
    static const struct want want[] = {
        {EV_REL, REL_X, 5},      {EV_SYN, SYN_REPORT, 0}, {EV_ABS, ABS_X, 100},
        {EV_SYN, SYN_REPORT, 0}, {EV_ABS, ABS_X, 101},    {EV_SYN, SYN_REPORT, 0},
        {EV_KEY, BTN_LEFT, 1},   {EV_MSC, MSC_SCAN, 7},   {EV_SYN, SYN_REPORT, 0},
        {EV_MSC, MSC_SCAN, 7},   {EV_KEY, BTN_LEFT, 2},   {EV_SYN, SYN_REPORT, 0},
        {EV_REL, REL_WHEEL, 1},  {EV_REL, REL_WHEEL, -1}, {EV_REL, REL_WHEEL, 1},
        {EV_REL, REL_WHEEL, -1}, {EV_REL, REL_WHEEL, 1},  {EV_REL, REL_WHEEL, -1},
        {EV_REL, REL_WHEEL, 1},  {EV_REL, REL_WHEEL, -1}, {EV_REL, REL_WHEEL, 1},
        {EV_REL, REL_WHEEL, -1}, {EV_REL, REL_WHEEL, 1},  {EV_SYN, SYN_REPORT, 1},
        {EV_REL, REL_WHEEL, -1}, {EV_SYN, SYN_REPORT, 0},
    };
    int nwant = (int)(sizeof(want) / sizeof(want[0]));
    for (int i = 0; i < nwant && i < r.n; i++)
        ck_assert_msg(r.ev[i].type == want[i].type && r.ev[i].code == want[i].code &&
                          r.ev[i].value == want[i].value,
                      "event %d: %u/%u/%d, want %u/%u/%d", i, r.ev[i].type, r.ev[i].code,
                      r.ev[i].value, want[i].type, want[i].code, want[i].value);
    ck_assert_int_eq(r.n, nwant);
    ck_assert_int_eq(r.short_read, -EINVAL);
    ck_assert_int_eq(r.closes_after_one, 0);
    ck_assert_int_eq(r.closes_after_both, 1);
    ck_assert_int_eq(r.rmmod, 0);
}
END_TEST

static Suite *input_core_suite(void)
{
    Suite *s = suite_create("input_core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, filtering_packets_and_users);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(input_core_suite)
