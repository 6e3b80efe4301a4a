/* The upstream visornic (drivers/staging/unisys/visornic, compiled unmodified from
 * CHANSIM_KERNEL_SRC) running on chansim's visorbus (or, built with UPSTREAM_CORE, on
 * upstream's visorbus core: all upstream) against the s-Par family's real IO
 * partition: two vnics on the partition's virtual switch, with a pcap port recording what
 * crosses it, and the live protocol monitors on every channel. A guest process drives the two
 * net_devices through their user nodes /dev/net/eth<N> (kshim/net.h): probe with the MAC from
 * the channel, open (the ENBDIS handshake, receive buffers posted), frames each way verified
 * byte for byte through the switch and in the pcap file, the transmit queue met full (the
 * writer waits, nothing is lost), promiscuous mode on and off, the link taken down and up by
 * the fault script, close, a DEVICE_DESTROY under an open file and the module unloaded: no
 * shim finding (leaks are K5 at unload), no protocol finding. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/domain.h"
#include "kshim/kernel.h"
#include "kshim/ks.h"
#include "kshim/net.h"
#include "visor_family.h"

#define FRAMES       1200 /* each way */
#define AFTER        100  /* each way once the link is back */
#define STRAY        20   /* frames to a MAC nobody has, per promiscuous phase */
#define TYPE         0x88B5
#define TYPE_PRO     0x88B6
#define IFF_UP_      0x1
#define IFF_PROMISC_ 0x100
#define POLLIN_      0x1
#define POLLERR_     0x8

/* Defined by upstream's visorbus core only: which core this program runs. */
extern char visorbus_create_instance[] __attribute__((weak));

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0x01, 0x01};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0x01, 0x02};
static const uint8_t mac_x[6] = {0x02, 0, 0, 0, 0x01, 0x99};

/* What the guest process saw; checked by the test after the run. */
static struct outcome {
    char error[256];
    int found[2];
    struct ks_net_info probed[2], up[2], traffic[2], link_down, link_back, closed[2];
    uint64_t sent[2], received[2], verified[2], eagain[2];
    uint64_t stray_off1, stray_on, stray_off2;
    uint64_t after_verified[2];
    long write_while_down;
    long read_after_destroy, unload_rc, read_after_unload;
    uint64_t t_traffic_done, t_link_down, t_link_up;
    int finished;
} out;

static void note_error(const char *fmt, long v)
{
    if (!out.error[0])
        snprintf(out.error, sizeof(out.error), fmt, v);
}

/* Frame `seq` of one kind: length 60..1514 from seq and type, then a pattern. */
static uint32_t build(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type,
                      uint64_t seq)
{
    uint32_t len = 60 + (uint32_t)((seq * 37 + type) % 1455);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    memcpy(f + 14, &seq, 8);
    for (uint32_t i = 22; i < len; i++)
        f[i] = (uint8_t)(seq * 131 + i * 7 + (i >> 8) + type);
    return len;
}

static int same_frame(const uint8_t *got, long n, const uint8_t *dst, const uint8_t *src,
                      uint16_t type, uint64_t seq)
{
    uint8_t want[1514];
    uint32_t len = build(want, dst, src, type, seq);
    return n == (long)len && memcmp(got, want, len) == 0;
}

struct io {
    struct ks_uproc *p;
    int fd[2];
    uint8_t *frame, *in;
    struct ks_net_info *info;
    uint32_t *val;
};

static int info(struct io *io, int i, struct ks_net_info *dst)
{
    long rc = ks_sys_ioctl(io->p, io->fd[i], KS_NET_IOC_INFO, (unsigned long)io->info);
    if (rc == 0)
        *dst = *io->info;
    return (int)rc;
}

static long set(struct io *io, int i, unsigned cmd, uint32_t v)
{
    *io->val = v;
    return ks_sys_ioctl(io->p, io->fd[i], cmd, (unsigned long)io->val);
}

/* Both directions at once until `n` frames each way arrived, each checked in order. Writes
 * are non-blocking: -EAGAIN is the stopped queue, met and waited out. */
static void exchange(struct io *io, uint64_t base, uint64_t n, uint64_t *verified)
{
    const uint8_t *mac[2] = {mac_a, mac_b};
    uint64_t sent[2] = {0, 0}, got[2] = {0, 0};
    unsigned idle = 0;
    while ((got[0] < n || got[1] < n) && !out.error[0]) {
        int progressed = 0;
        for (int i = 0; i < 2; i++) {
            if (sent[i] < n) {
                uint32_t len = build(io->frame, mac[1 - i], mac[i], TYPE, base + sent[i]);
                ssize_t w = ks_sys_write(io->p, io->fd[i], io->frame, len);
                if (w == (ssize_t)len) {
                    sent[i]++;
                    out.sent[i]++;
                    progressed = 1;
                } else if (w == -EAGAIN) {
                    out.eagain[i]++;
                } else {
                    note_error("write failed: %ld", (long)w);
                }
            }
            ssize_t r = ks_sys_read(io->p, io->fd[i], io->in, 1600);
            if (r > 0) {
                /* frames to i come from 1 - i, in the order sent */
                if (same_frame(io->in, r, mac[i], mac[1 - i], TYPE, base + got[i]))
                    verified[i]++;
                else
                    note_error("frame %ld differs from what was sent", (long)(base + got[i]));
                got[i]++;
                out.received[i]++;
                progressed = 1;
            } else if (r != -EAGAIN) {
                note_error("read failed: %ld", (long)r);
            }
        }
        if (progressed) {
            idle = 0;
        } else {
            if (++idle > 5000)
                note_error("no progress for 5 s (%ld frames received)", (long)(got[0] + got[1]));
            ks_sys_sleep_ms(io->p, 1);
        }
    }
}

/* STRAY frames from eth A to a MAC nobody has; returns how many eth B received. */
static uint64_t stray(struct io *io, uint64_t base)
{
    for (uint64_t s = 0; s < STRAY; s++) {
        uint32_t len = build(io->frame, mac_x, mac_a, TYPE_PRO, base + s);
        ssize_t w;
        while ((w = ks_sys_write(io->p, io->fd[0], io->frame, len)) == -EAGAIN)
            ks_sys_sleep_ms(io->p, 1);
        if (w != (ssize_t)len)
            note_error("stray write failed: %ld", (long)w);
    }
    uint64_t n = 0;
    for (int quiet = 0; quiet < 50; quiet++) { /* 50 ms without a frame: all that comes came */
        ssize_t r = ks_sys_read(io->p, io->fd[1], io->in, 1600);
        if (r > 0) {
            if (!same_frame(io->in, r, mac_x, mac_a, TYPE_PRO, base + n))
                note_error("promiscuous frame %ld differs", (long)(base + n));
            n++;
            quiet = 0;
        } else {
            ks_sys_sleep_ms(io->p, 1);
        }
    }
    return n;
}

static int wait_carrier(struct io *io, int i, int want, struct ks_net_info *seen)
{
    for (int t = 0; t < 20000; t++) {
        if (info(io, i, seen) == 0 && seen->carrier == want)
            return 0;
        ks_sys_sleep_ms(io->p, 1);
    }
    return -1;
}

static void app(struct ks_uproc *p, void *arg)
{
    struct ks_kernel *k = arg;
    struct io io = {p,
                    {-1, -1},
                    ks_umalloc(p, 1600),
                    ks_umalloc(p, 1600),
                    ks_umalloc(p, sizeof(struct ks_net_info)),
                    ks_umalloc(p, 8)};
    /* the nodes appear when visornic probed the devices controlvm created */
    for (int t = 0; t < 5000 && (io.fd[0] < 0 || io.fd[1] < 0); t++) {
        for (int i = 0; i < 2; i++) {
            char path[32];
            snprintf(path, sizeof(path), "/dev/net/eth%d", i);
            if (io.fd[i] < 0)
                io.fd[i] = ks_sys_open(p, path, O_RDWR | O_NONBLOCK);
        }
        if (io.fd[0] < 0 || io.fd[1] < 0)
            ks_sys_sleep_ms(p, 1);
    }
    if (io.fd[0] < 0 || io.fd[1] < 0) {
        note_error("no /dev/net/eth0 and eth1 after 5 s (%ld)",
                   (long)(io.fd[0] < 0 ? io.fd[0] : io.fd[1]));
        goto done;
    }
    for (int i = 0; i < 2; i++)
        out.found[i] = info(&io, i, &out.probed[i]) == 0;
    /* eth0 must be the vnic with mac_a (probe order); swap otherwise */
    if (!memcmp(out.probed[0].mac, mac_b, 6)) {
        int t = io.fd[0];
        io.fd[0] = io.fd[1];
        io.fd[1] = t;
        struct ks_net_info ti = out.probed[0];
        out.probed[0] = out.probed[1];
        out.probed[1] = ti;
    }
    for (int i = 0; i < 2; i++) {
        long rc = set(&io, i, KS_NET_IOC_UP, 1);
        if (rc)
            note_error("up failed: %ld", rc);
        info(&io, i, &out.up[i]);
    }

    exchange(&io, 0, FRAMES, out.verified);
    for (int i = 0; i < 2; i++)
        info(&io, i, &out.traffic[i]);
    out.t_traffic_done = ks_now_ns();

    out.stray_off1 = stray(&io, 0);
    long rc = set(&io, 1, KS_NET_IOC_SET_PROMISC, 1);
    if (rc)
        note_error("promiscuous on failed: %ld", rc);
    ks_sys_sleep_ms(p, 10); /* NET_RCV_PROMISC is not acknowledged: let the partition see it */
    out.stray_on = stray(&io, STRAY);
    if ((rc = set(&io, 1, KS_NET_IOC_SET_PROMISC, 0)))
        note_error("promiscuous off failed: %ld", rc);
    ks_sys_sleep_ms(p, 10);
    out.stray_off2 = stray(&io, 2 * STRAY);

    /* the fault script takes the link of the second vnic down and up again */
    if (wait_carrier(&io, 1, 0, &out.link_down) < 0)
        note_error("the link never went down (%ld)", 0L);
    out.t_link_down = ks_now_ns();
    uint32_t len = build(io.frame, mac_a, mac_b, TYPE, 0);
    out.write_while_down = ks_sys_write(p, io.fd[1], io.frame, len);
    if (wait_carrier(&io, 1, 1, &out.link_back) < 0)
        note_error("the link never came back (%ld)", 0L);
    out.t_link_up = ks_now_ns();
    exchange(&io, FRAMES, AFTER, out.after_verified);

    for (int i = 0; i < 2; i++) {
        if ((rc = set(&io, i, KS_NET_IOC_UP, 0)))
            note_error("down failed: %ld", rc);
        info(&io, i, &out.closed[i]);
    }
    /* DEVICE_DESTROY of the second vnic (fault script) removes its net_device under the open
     * file; the module unload removes the first */
    out.read_after_destroy = -1;
    for (int t = 0; t < 20000; t++) {
        if (ks_sys_poll(p, io.fd[1], POLLIN_, 1) & POLLERR_) {
            out.read_after_destroy = ks_sys_read(p, io.fd[1], io.in, 1600);
            break;
        }
    }
    ks_sys_close(p, io.fd[1]);
    out.unload_rc = ks_module_unload(k, "visornic");
    out.read_after_unload = ks_sys_read(p, io.fd[0], io.in, 1600);
    ks_sys_close(p, io.fd[0]);
done:
    out.finished = 1;
}

static char dir[512];

static void setup(void)
{
    memset(&out, 0, sizeof(out));
    cs_test_tmpdir(dir, sizeof(dir), "upstream-visornic");
}

static void teardown(void)
{
    cs_test_rmtree(dir);
}

/* Every record of the capture is a frame of the run, byte for byte: rebuilt from its
 * addresses, type and sequence number. Returns the number of records. */
static uint64_t check_pcap(const char *path)
{
    size_t n = 0;
    uint8_t *b = cs_test_read_file(path, &n);
    ck_assert_uint_ge(n, 24);
    uint32_t magic;
    memcpy(&magic, b, 4);
    ck_assert_uint_eq(magic, 0xa1b2c3d4u);
    uint64_t records = 0;
    for (size_t at = 24; at < n;) {
        ck_assert_uint_le(at + 16, n);
        uint32_t cap;
        memcpy(&cap, b + at + 8, 4);
        const uint8_t *f = b + at + 16;
        ck_assert_uint_le(at + 16 + cap, n);
        ck_assert_uint_ge(cap, 22);
        uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
        uint64_t seq;
        memcpy(&seq, f + 14, 8);
        ck_assert_msg(same_frame(f, cap, f, f + 6, type, seq), "pcap record %llu is not frame %llu",
                      (unsigned long long)records, (unsigned long long)seq);
        records++;
        at += 16 + cap;
    }
    free(b);
    return records;
}

START_TEST(upstream_visornic_runs_on_the_io_partition)
{
    char xml[2048], path[600], pcap[600];
    snprintf(path, sizeof(path), "%s/p.xml", dir);
    snprintf(pcap, sizeof(pcap), "%s/switch.pcap", dir);
    snprintf(xml, sizeof(xml),
             "<node><domain type='test'><name>g</name><memory unit='MiB'>128</memory>"
             "<os><type arch='x86_64'>hvm</type></os><metadata>"
             "<chansim:platform xmlns:chansim='urn:chansim:platform:1'>"
             /* the partitions poll for ever, as s-Par's: the upstream driver never calls */
             "<chansim:timing><chansim:cost op='visor.idle_stop' cycles='1000000000000'/>"
             "</chansim:timing>"
             "<chansim:spar-device type='vnic' bus='1' dev='0' mac='02:00:00:00:01:01' "
             "pcap-out='%s'/>"
             "<chansim:spar-device type='vnic' bus='1' dev='1' mac='02:00:00:00:01:02' "
             "fault='link-down@3s link-up@3500ms destroy@5s'/>"
             "</chansim:platform></metadata></domain></node>\n",
             pcap);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(xml, f);
    fclose(f);

#ifdef UPSTREAM_CORE
    ck_assert_ptr_nonnull(visorbus_create_instance);
#else
    ck_assert_ptr_null(visorbus_create_instance);
#endif
    static const char *const mods[] = {"visorbus", "visornic"};
    ck_assert_int_eq(visor_family_set_guest_modules(mods, 2), 0);
    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    struct cs_monitor_hub *hub = NULL;
    const struct cs_family *fams[] = {&visor_family};
    ck_assert_msg(cs_platform_load(path, NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build_observed(p, fams, 1, NULL, cs_monitor_attach_live_ready, &hub,
                                            &m, &err) == 0,
                  "%s", err.msg);
    struct ks_kernel *k = ks_domain_kernel(&m->domains[0], &err);
    ck_assert_ptr_nonnull(k);
    ks_kernel_set_console_level(k, -1);
    ck_assert_ptr_nonnull(ks_uproc_spawn(k, "nettest", app, k));
    struct cs_run_opts ro = {6000000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    cs_monitor_finish_live(m, hub);
    struct ks_kernel_stats ks;
    ks_kernel_stats(k, &ks);
    size_t nf;
    const struct ks_finding_record *fr = ks_kernel_findings(k, &nf);
    for (size_t i = 0; i < nf; i++)
        fprintf(stderr, "finding %s at %s:%d: %s\n", ks_finding_id(fr[i].kind), fr[i].file,
                fr[i].line, fr[i].msg);
    uint64_t protocol = m->protocol_findings;
    fprintf(stderr,
            "upstream visornic: traffic done at %.3f s, link down seen at %.3f s, up at %.3f s; "
            "%llu/%llu writes met a stopped queue; %llu napi polls on eth0\n",
            (double)out.t_traffic_done / 1e9, (double)out.t_link_down / 1e9,
            (double)out.t_link_up / 1e9, (unsigned long long)(out.eagain[0] + out.eagain[1]),
            (unsigned long long)(out.sent[0] + out.sent[1]),
            (unsigned long long)out.traffic[0].napi_polls);
    cs_machine_free(m);
    cs_platform_free(p);

    ck_assert_msg(out.finished, "the guest process did not finish: %s", out.error);
    ck_assert_msg(!out.error[0], "%s", out.error);
    /* probe: the MAC and MTU from the channel, registered down */
    ck_assert_mem_eq(out.probed[0].mac, mac_a, 6);
    ck_assert_mem_eq(out.probed[1].mac, mac_b, 6);
    ck_assert_uint_eq(out.probed[0].mtu, 1500);
    ck_assert_uint_eq(out.probed[0].flags & IFF_UP_, 0);
    /* open: up, running, queue started after the ENBDIS ACK */
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_ne(out.up[i].flags & IFF_UP_, 0);
        ck_assert_uint_eq(out.up[i].running, 1);
        ck_assert_uint_eq(out.up[i].queue_stopped, 0);
        /* every frame each way, in order, byte for byte */
        ck_assert_uint_eq(out.verified[i], FRAMES);
        ck_assert_uint_eq(out.after_verified[i], AFTER);
        /* the driver counted each frame it sent once: none was dropped at a full queue */
        ck_assert_uint_eq(out.traffic[i].tx_packets, FRAMES);
        ck_assert_uint_eq(out.traffic[i].rx_packets, FRAMES);
        ck_assert_uint_eq(out.traffic[i].rx_dropped, 0);
        ck_assert_uint_gt(out.traffic[i].napi_polls, 0);
        /* closed: down */
        ck_assert_uint_eq(out.closed[i].flags & IFF_UP_, 0);
        ck_assert_uint_eq(out.closed[i].running, 0);
    }
    /* the transmit queue was met full (flow control at the upper watermark) and waited out */
    ck_assert_uint_gt(out.eagain[0] + out.eagain[1], 0);
    ck_assert_uint_gt(out.traffic[0].tx_busy + out.traffic[1].tx_busy, 0);
    /* promiscuous: frames for another MAC only while on */
    ck_assert_uint_eq(out.stray_off1, 0);
    ck_assert_uint_eq(out.stray_on, STRAY);
    ck_assert_uint_eq(out.stray_off2, 0);
    /* link down: carrier off and the queue stopped (a write waits); back: carrier on */
    ck_assert_uint_eq(out.link_down.carrier, 0);
    ck_assert_uint_eq(out.link_down.queue_stopped, 1);
    ck_assert_int_eq(out.write_while_down, -EAGAIN);
    ck_assert_uint_eq(out.link_back.carrier, 1);
    ck_assert_uint_eq(out.link_back.queue_stopped, 0);
    /* removal under an open file, then unload */
    ck_assert_int_eq(out.read_after_destroy, -ENODEV);
    ck_assert_int_eq(out.unload_rc, 0);
    ck_assert_int_eq(out.read_after_unload, -ENODEV);
    /* what crossed the switch, as the pcap port recorded it: every frame of both directions,
     * the promiscuous-phase ones and those after the link came back */
    uint64_t records = check_pcap(pcap);
    ck_assert_uint_ge(records, 2 * FRAMES + 3 * STRAY + 2 * AFTER);
    /* no shim finding (K5 leaks at unload included), no protocol finding */
    ck_assert_uint_eq(ks.total_findings, 0);
    ck_assert_uint_eq(protocol, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("upstream_visornic");
    TCase *tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, upstream_visornic_runs_on_the_io_partition);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
