/* The shim's network core on a loopback driver written here (test_net_kside.c, module "tnet"),
 * driven through /dev/net/eth0 (kshim/net.h) by simulated processes: registration and name,
 * open/close, writes that meet the stopped queue and wait, NAPI polls with a small budget
 * scheduled again until the burst is through, delivery to every open file, receive-queue
 * overflow, MAC/MTU/promiscuous ioctls, the transmit watchdog calling ndo_tx_timeout, an
 * unregister waking a blocked reader, and sk_buff chains linearised. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "kshim/ks.h"
#include "kshim/net.h"
#include "test_net.h"

#define IFF_UP_      0x1
#define IFF_PROMISC_ 0x100
#define BURST        50

static const uint8_t mac_aa[6] = {0x02, 0, 0, 0, 0, 0xaa};
static const uint8_t mac_bb[6] = {0x02, 0, 0, 0, 0, 0xbb};

static struct result {
    char error[200];
    int opened;
    struct ks_net_info first, burst, after_mac, end;
    uint64_t verified[2], overflow_read;
    long bad_short, bad_long, bad_mtu, down_write, promisc_seen, promisc_off_seen;
    long hang_first, hang_second, hang_after, timeouts;
    long blocked_read;
    int done;
} r;

static void note(const char *fmt, long v)
{
    if (!r.error[0])
        snprintf(r.error, sizeof(r.error), fmt, v);
}

static uint32_t frame(uint8_t *f, uint64_t seq)
{
    uint32_t len = 60 + (uint32_t)(seq * 53 % 1455);
    memcpy(f, mac_aa, 6);
    memcpy(f + 6, mac_aa, 6);
    f[12] = 0x88;
    f[13] = 0xB5;
    memcpy(f + 14, &seq, 8);
    for (uint32_t i = 22; i < len; i++)
        f[i] = (uint8_t)(seq + i * 3);
    return len;
}

struct ctx {
    struct ks_kernel *k;
    struct ks_uproc *p;
    uint8_t *buf, *in;
    uint32_t *v;
    struct ks_net_info *info;
};

static long ioc(struct ctx *c, int fd, unsigned cmd, uint32_t v)
{
    *c->v = v;
    return ks_sys_ioctl(c->p, fd, cmd, (unsigned long)c->v);
}

static void get_info(struct ctx *c, int fd, struct ks_net_info *out)
{
    if (ks_sys_ioctl(c->p, fd, KS_NET_IOC_INFO, (unsigned long)c->info) == 0)
        *out = *c->info;
    else
        note("INFO failed (%ld)", 0L);
}

static int open_eth0(struct ctx *c, int flags)
{
    int fd = ks_sys_open(c->p, "/dev/net/eth0", flags);
    if (fd < 0)
        note("open /dev/net/eth0: %ld", fd);
    return fd;
}

static void loopback_app(struct ks_uproc *p, void *arg)
{
    struct ctx c = {arg,
                    p,
                    ks_umalloc(p, 1600),
                    ks_umalloc(p, 1600),
                    ks_umalloc(p, 4),
                    ks_umalloc(p, sizeof(struct ks_net_info))};
    int a = open_eth0(&c, O_RDWR), b = open_eth0(&c, O_RDWR | O_NONBLOCK);
    if (a < 0 || b < 0)
        goto out;
    r.opened = 1;
    get_info(&c, a, &r.first);
    r.down_write = ks_sys_write(p, a, c.buf, frame(c.buf, 0));
    if (ioc(&c, a, KS_NET_IOC_UP, 1))
        note("up failed (%ld)", 0L);
    /* blocking writes: the fifth meets the stopped queue and waits for the NAPI poll */
    for (uint64_t s = 0; s < BURST; s++) {
        uint32_t len = frame(c.buf, s);
        ssize_t w = ks_sys_write(p, a, c.buf, len);
        if (w != (ssize_t)len)
            note("write: %ld", (long)w);
    }
    for (int f = 0; f < 2; f++) {
        int fd = f ? b : a;
        for (uint64_t s = 0; s < BURST; s++) {
            ssize_t n = -EAGAIN;
            for (int t = 0; t < 1000 && n == -EAGAIN; t++) {
                n = ks_sys_read(p, fd, c.in, 1600);
                if (n == -EAGAIN)
                    ks_sys_sleep_ms(p, 1);
            }
            uint32_t len = frame(c.buf, s);
            if (n == (ssize_t)len && !memcmp(c.in, c.buf, len))
                r.verified[f]++;
        }
    }
    get_info(&c, a, &r.burst);
    r.bad_short = ks_sys_write(p, a, c.buf, 13);
    r.bad_long = ks_sys_write(p, a, c.buf, 1515);
    r.bad_mtu = ioc(&c, a, KS_NET_IOC_SET_MTU, 9000);
    memcpy(c.buf, mac_bb, 6);
    if (ks_sys_ioctl(p, a, KS_NET_IOC_SET_MAC, (unsigned long)c.buf))
        note("SET_MAC failed (%ld)", 0L);
    get_info(&c, a, &r.after_mac);
    ioc(&c, a, KS_NET_IOC_SET_PROMISC, 1);
    r.promisc_seen = tnet_saw_promisc();
    ioc(&c, a, KS_NET_IOC_SET_PROMISC, 0);
    r.promisc_off_seen = tnet_saw_promisc();
    /* one file, not reading: the file's queue holds KS_NET_RXQ_MAX frames, the rest drop */
    ks_sys_close(p, b);
    for (uint64_t s = 0; s < KS_NET_RXQ_MAX + 6; s++)
        ks_sys_write(p, a, c.buf, frame(c.buf, s));
    ks_sys_sleep_ms(p, 20);
    while (ks_sys_poll(p, a, 1, 0) > 0 && ks_sys_read(p, a, c.in, 1600) > 0)
        r.overflow_read++;
    get_info(&c, a, &r.end);
    ioc(&c, a, KS_NET_IOC_UP, 0);
    ks_sys_close(p, a);
out:
    r.done = 1;
}

static void hang_app(struct ks_uproc *p, void *arg)
{
    struct ctx c = {arg,
                    p,
                    ks_umalloc(p, 1600),
                    ks_umalloc(p, 1600),
                    ks_umalloc(p, 4),
                    ks_umalloc(p, sizeof(struct ks_net_info))};
    int a = open_eth0(&c, O_RDWR | O_NONBLOCK);
    if (a < 0)
        goto out;
    r.opened = 1;
    ioc(&c, a, KS_NET_IOC_UP, 1);
    uint32_t len = frame(c.buf, 1);
    r.hang_first = ks_sys_write(p, a, c.buf, len);
    r.hang_second = ks_sys_write(p, a, c.buf, len); /* the queue stays stopped */
    ks_sys_sleep_ms(p, 1200);                       /* the watchdog (HZ / 2) wakes it */
    r.timeouts = tnet_timeouts();
    r.hang_after = ks_sys_write(p, a, c.buf, len);
    get_info(&c, a, &r.end);
    ioc(&c, a, KS_NET_IOC_UP, 0);
    ks_sys_close(p, a);
out:
    r.done = 1;
}

static void blocked_reader(struct ks_uproc *p, void *arg)
{
    struct ctx c = {arg, p, NULL, ks_umalloc(p, 1600), ks_umalloc(p, 4), NULL};
    int a = open_eth0(&c, O_RDWR);
    if (a < 0)
        return;
    r.opened = 1;
    r.blocked_read = ks_sys_read(p, a, c.in, 1600); /* no frame comes: woken by unregister */
    ks_sys_close(p, a);
}

static void unloader(struct ks_uproc *p, void *arg)
{
    ks_sys_sleep_ms(p, 50);
    if (ks_module_unload(arg, "tnet"))
        note("unload failed (%ld)", 0L);
    r.done = 1;
}

static char dir[512];

static void run(const char *hang, void (*app)(struct ks_uproc *, void *), int with_unloader,
                struct ks_kernel_stats *ks)
{
    memset(&r, 0, sizeof(r));
    cs_test_tmpdir(dir, sizeof(dir), "test-net");
    char path[600];
    snprintf(path, sizeof(path), "%s/p.xml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("<domain type='test'><name>n</name><memory unit='MiB'>64</memory>"
          "<os><type arch='x86_64'>hvm</type></os></domain>\n",
          f);
    fclose(f);
    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    struct ks_kernel *k = NULL;
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, NULL, 0, NULL, &m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&m->domains[0], "kernel", &k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(k, -1);
    ck_assert_msg(ks_module_param_set(k, "tnet", "hang", hang, &err) == 0, "%s", err.msg);
    const char *mods[] = {"tnet"};
    ck_assert_msg(ks_kernel_boot(k, mods, 1, &err) == 0, "%s", err.msg);
    ks_uproc_spawn(k, "app", app, k);
    if (with_unloader)
        ks_uproc_spawn(k, "rmmod", unloader, k);
    struct cs_run_opts ro = {5000000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    ks_kernel_stats(k, ks);
    size_t n;
    const struct ks_finding_record *fr = ks_kernel_findings(k, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "finding %s at %s:%d: %s\n", ks_finding_id(fr[i].kind), fr[i].file,
                fr[i].line, fr[i].msg);
    ks_kernel_destroy(k);
    cs_machine_free(m);
    cs_platform_free(p);
    cs_test_rmtree(dir);
    ck_assert_msg(!r.error[0], "%s", r.error);
    ck_assert_int_eq(r.opened, 1);
}

START_TEST(loopback_through_the_user_node)
{
    struct ks_kernel_stats ks;
    run("0", loopback_app, 0, &ks);
    ck_assert_int_eq(r.done, 1);
    ck_assert_str_eq(r.first.name, "eth0");
    ck_assert_int_eq(r.first.ifindex, 2);
    ck_assert_mem_eq(r.first.mac, mac_aa, 6);
    ck_assert_uint_eq(r.first.mtu, 1500);
    ck_assert_uint_eq(r.first.flags & IFF_UP_, 0);
    ck_assert_int_eq(r.down_write, -ENETDOWN);
    /* every frame to both open files, byte for byte */
    ck_assert_uint_eq(r.verified[0], BURST);
    ck_assert_uint_eq(r.verified[1], BURST);
    ck_assert_uint_eq(r.burst.tx_packets, BURST);
    ck_assert_uint_eq(r.burst.rx_packets, BURST);
    /* the ring of 4 stopped the queue and writers waited; budget 2 took several polls */
    ck_assert_uint_gt(r.burst.tx_busy, 0);
    ck_assert_uint_ge(r.burst.napi_polls, BURST / 2);
    ck_assert_int_eq(r.bad_short, -EINVAL);
    ck_assert_int_eq(r.bad_long, -EMSGSIZE);
    ck_assert_int_eq(r.bad_mtu, -EINVAL);
    ck_assert_mem_eq(r.after_mac.mac, mac_bb, 6);
    ck_assert_int_eq(r.promisc_seen, 1);
    ck_assert_int_eq(r.promisc_off_seen, 0);
    ck_assert_uint_eq(r.overflow_read, KS_NET_RXQ_MAX);
    ck_assert_uint_eq(r.end.rx_dropped, 6);
    /* module unload at kernel destroy is not run; the kernel's own findings: none */
    ck_assert_uint_eq(ks.total_findings, 0);
}
END_TEST

START_TEST(watchdog_calls_tx_timeout)
{
    struct ks_kernel_stats ks;
    run("1", hang_app, 0, &ks);
    ck_assert_int_eq(r.done, 1);
    ck_assert_int_gt(r.hang_first, 0);
    ck_assert_int_eq(r.hang_second, -EAGAIN);
    ck_assert_int_ge(r.timeouts, 1);
    ck_assert_uint_ge(r.end.tx_timeouts, 1);
    ck_assert_int_gt(r.hang_after, 0);
    ck_assert_uint_eq(ks.total_findings, 0);
}
END_TEST

START_TEST(unregister_wakes_a_blocked_reader)
{
    struct ks_kernel_stats ks;
    run("0", blocked_reader, 1, &ks);
    ck_assert_int_eq(r.done, 1);
    ck_assert_int_eq(r.blocked_read, -ENODEV);
    /* the unload found nothing of tnet's left (K5) */
    ck_assert_uint_eq(ks.total_findings, 0);
}
END_TEST

START_TEST(skb_chain_linearised)
{
    unsigned char out[256];
    unsigned len = 0;
    struct ks_kernel_stats ks;
    /* a kernel for the heap; the calls run in its setup context */
    memset(&r, 0, sizeof(r));
    cs_test_tmpdir(dir, sizeof(dir), "test-net");
    char path[600];
    snprintf(path, sizeof(path), "%s/p.xml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("<domain type='test'><name>n</name><memory unit='MiB'>64</memory>"
          "<os><type arch='x86_64'>hvm</type></os></domain>\n",
          f);
    fclose(f);
    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    struct ks_kernel *k = NULL;
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, NULL, 0, NULL, &m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&m->domains[0], "kernel", &k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(k, -1);
    int rc = tnet_skb_chain(out, &len);
    ks_kernel_stats(k, &ks);
    struct ks_kernel_stats after;
    tnet_skb_double_free();
    ks_kernel_stats(k, &after);
    ks_kernel_destroy(k);
    cs_machine_free(m);
    cs_platform_free(p);
    cs_test_rmtree(dir);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(len, 200);
    for (unsigned i = 0; i < 200; i++)
        ck_assert_uint_eq(out[i], i);
    ck_assert_uint_eq(ks.live_allocations, 0);
    ck_assert_uint_eq(ks.total_findings, 0);
    /* the second kfree_skb of one buffer is K7, once */
    ck_assert_uint_eq(after.findings[KS_BAD_FREE], 1);
    ck_assert_uint_eq(after.total_findings, 1);
    ck_assert_uint_eq(after.live_allocations, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, loopback_through_the_user_node);
    tcase_add_test(tc, watchdog_calls_tx_timeout);
    tcase_add_test(tc, unregister_wakes_a_blocked_reader);
    tcase_add_test(tc, skb_chain_linearised);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
