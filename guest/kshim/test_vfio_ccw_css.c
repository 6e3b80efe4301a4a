/* vfio-ccw end to end: a user process drives a mediated device whose subchannel is on the
 * channel-subsystem model (models/css) with a 3390 (models/dasd) behind it. The unmodified
 * vfio_ccw translates Sense ID (direct addressing) and Read Device Characteristics (a guest
 * IDAL across a page boundary); the model runs the translated programs, checking them as the
 * architecture does, stores the device's bytes into the pinned pages of the process's buffer
 * and presents the interruption; the IRB comes back through the eventfd and the region. The
 * css monitor watches the subchannel's channel live. */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <stdio.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "cs_tap.h"
#include "cs_test.h"
#include "css.h"
#include "css_timing.h"
#include "dasd.h"
#include "dasd_image.h"
#include "kshim/css.h"
#include "kshim/css_model.h"
#include "kshim/kernel.h"
#include "kshim/mdev.h"
#include "kshim/vfio.h"

#define UUID     "0b5c7a3e-1d2f-4e5a-8b6c-7d8e9f0a1b2c"
#define TYPE     "vfio_ccw-io"
#define GUEST_IO 0x10000u
#define GUEST_SZ 0x8000u

static int claims_nothing(const struct cs_domain_desc *d, const struct cs_device_desc *dev)
{
    (void)d;
    (void)dev;
    return 0;
}
static const struct cs_family css_costs = {.name = "css",
                                           .models = "",
                                           .costs = css_cost_table,
                                           .ncosts = CSS_COST_COUNT,
                                           .claims = claims_nothing};
static const struct cs_family dasd_costs = {.name = "dasd",
                                            .models = "",
                                            .costs = dasd_cost_table,
                                            .ncosts = DASD_COST_COUNT,
                                            .claims = claims_nothing};

static struct {
    struct cs_platform *p;
    struct cs_machine *m;
    struct cs_domain *dom;
    struct css *c;
    struct dasd *dev;
    struct ks_kernel *k;
    uint32_t sid;
    int channel;
    char parent[16], dir[512], path[600];
    int kinds[0x140]; /* records on the subchannel's channel, by kind */
} e;

static struct {
    int ready, fd, map_rc;
    ssize_t sid_rc, rdc_rc;
    uint64_t sid_events, rdc_events;
    uint8_t sid_irb[96], rdc_irb[96], sense_id[8], rdc[64];
    uint32_t sid_ret, rdc_ret;
    ssize_t schib_rc, crw_rc;
    uint8_t schib[52];
    int close_rc, remove_rc, unload_rc, done;
} out;

static void on_msg(void *ctx, const struct cs_tap_msg *m)
{
    (void)ctx;
    if (m->channel == e.channel && m->kind < 0x140)
        e.kinds[m->kind]++;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void ccw(uint8_t *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    p[0] = cmd;
    p[1] = flags;
    p[2] = (uint8_t)(count >> 8);
    p[3] = (uint8_t)count;
    put32(p + 4, cda);
}

struct vm {
    struct ks_uproc *p;
    int fd, efd;
    uint8_t *mem;
    struct ccw_io_region *io;
};

static uint8_t *guest(struct vm *v, uint32_t iova)
{
    return v->mem + (iova - GUEST_IO);
}

/* Start the program at `cpa` (format 1, prefetch, format-2 IDAWs) and wait for its end. */
static ssize_t run(struct vm *v, uint32_t cpa, uint64_t *events, uint8_t irb[96], uint32_t *ret)
{
    memset(v->io, 0, sizeof(*v->io));
    put32(v->io->orb_area, 0x12345678u);
    put32(v->io->orb_area + 4, 1u << 23 | 1u << 22 | 1u << 17 | 0xffu << 8);
    put32(v->io->orb_area + 8, cpa);
    put32(v->io->scsw_area, 4u << 12);
    ssize_t rc = ks_sys_pwrite(v->p, v->fd, v->io, sizeof(*v->io), 0);
    if (rc != (ssize_t)sizeof(*v->io))
        return rc;
    uint64_t *n = ks_umalloc(v->p, sizeof(*n));
    *events = ks_sys_read(v->p, v->efd, n, sizeof(*n)) == sizeof(*n) ? *n : 0;
    ks_sys_pread(v->p, v->fd, v->io, sizeof(*v->io), 0);
    memcpy(irb, v->io->irb_area, 96);
    *ret = v->io->ret_code;
    return rc;
}

static void qemu(struct ks_uproc *p, void *arg)
{
    (void)arg;
    for (int i = 0; i < 100 && ks_mdev_available(e.k, e.parent, TYPE) < 0; i++)
        ks_sys_sleep_ms(p, 1);
    cs_error err = {0};
    if (ks_mdev_create(e.k, e.parent, TYPE, UUID, &err))
        return;
    out.ready = 1;
    struct vm v = {.p = p};
    out.fd = v.fd = ks_sys_open(p, "/dev/vfio/" UUID, O_RDWR);
    if (v.fd < 0)
        return;
    v.efd = ks_sys_eventfd(p, 0, 0);
    struct vfio_irq_set *set = ks_umalloc(p, sizeof(*set) + sizeof(int32_t));
    *set = (struct vfio_irq_set){.argsz = sizeof(*set) + sizeof(int32_t),
                                 .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                                 .index = VFIO_CCW_IO_IRQ_INDEX,
                                 .count = 1};
    memcpy(set->data, &v.efd, sizeof(int32_t));
    ks_sys_ioctl(p, v.fd, VFIO_DEVICE_SET_IRQS, (unsigned long)set);
    uint8_t *raw = ks_umalloc(p, GUEST_SZ + 4096);
    v.mem = (uint8_t *)(((uintptr_t)raw + 4095) & ~(uintptr_t)4095);
    out.map_rc = ks_vfio_dma_map(p, v.fd, v.mem, GUEST_IO, GUEST_SZ);
    v.io = ks_umalloc(p, sizeof(*v.io));

    /* Sense ID, 7 bytes at 0x12000 by direct addressing */
    ccw(guest(&v, 0x10000), 0xE4, 0x00, 7, 0x12000);
    out.sid_rc = run(&v, 0x10000, &out.sid_events, out.sid_irb, &out.sid_ret);
    memcpy(out.sense_id, guest(&v, 0x12000), 8);
    /* Read Device Characteristics, 64 bytes through an IDAL: 32 before the page boundary at
     * 0x14000, 32 after it */
    ccw(guest(&v, 0x10100), 0x64, 0x04, 64, 0x11000);
    uint8_t idal[16] = {0, 0, 0, 0, 0, 0x01, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0x01, 0x40, 0x00};
    memcpy(guest(&v, 0x11000), idal, 16);
    out.rdc_rc = run(&v, 0x10100, &out.rdc_events, out.rdc_irb, &out.rdc_ret);
    memcpy(out.rdc, guest(&v, 0x13fe0), 64);

    /* the SCHIB region (vfio_ccw_chp.c): STSCH of the subchannel as the driver sees it now;
     * regions after the I/O region: async, SCHIB, CRW (1 KiB apart) */
    struct ccw_schib_region *sr = ks_umalloc(p, sizeof(*sr));
    out.schib_rc = ks_sys_pread(p, v.fd, sr, sizeof(*sr), 2 << 10);
    memcpy(out.schib, sr->schib_area, sizeof(out.schib));
    struct ccw_crw_region *cr = ks_umalloc(p, sizeof(*cr));
    out.crw_rc = ks_sys_pread(p, v.fd, cr, sizeof(*cr), 3 << 10);

    out.close_rc = ks_sys_close(p, v.fd);
    memset(&err, 0, sizeof(err));
    out.remove_rc = ks_mdev_remove(e.k, UUID, &err);
    memset(&err, 0, sizeof(err));
    ks_css_subchannel_remove(e.k, e.sid, &err);
    out.unload_rc = ks_module_unload(e.k, "vfio_ccw");
    out.done = 1;
}

START_TEST(sense_id_and_rdc_through_the_css_model)
{
    cs_error err = {0};
    memset(&e, 0, sizeof(e));
    memset(&out, 0, sizeof(out));
    const struct cs_family *fams[] = {&css_costs, &dasd_costs};
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/s390.xml", NULL, &e.p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(e.p, fams, 2, NULL, &e.m, &err) == 0, "%s", err.msg);
    e.dom = &e.m->domains[0];
    ck_assert_msg(css_create(e.dom, &e.c, &err) == 0, "%s", err.msg);
    cs_test_tmpdir(e.dir, sizeof(e.dir), "vfio-css");
    snprintf(e.path, sizeof(e.path), "%s/vol.img", e.dir);
    ck_assert_msg(dasd_image_create(e.path, 3, 4096, &err) == 0, "%s", err.msg);
    struct dasd_costs costs;
    ck_assert_msg(dasd_costs_load(&costs, e.dom, &err) == 0, "%s", err.msg);
    struct dasd_options o = {.readonly = 0, .costs = &costs};
    e.dev = dasd_open(e.path, &o, &err);
    ck_assert_msg(e.dev, "%s", err.msg);
    ck_assert_msg(
        css_attach_device(e.c, 0, 0, 0x0200, 0x40, &dasd_device_ops, e.dev, &e.sid, &err) == 0,
        "%s", err.msg);
    snprintf(e.parent, sizeof(e.parent), "0.0.%04x", e.sid & 0xffff);

    ck_assert_msg(ks_kernel_create(e.dom, "host", &e.k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(e.k, -1);
    ks_css_use_model(e.k, e.c);
    const char *mods[] = {"vfio_ccw"};
    ck_assert_msg(ks_kernel_boot(e.k, mods, 1, &err) == 0, "%s", err.msg);
    e.channel = css_subchannel_channel(e.c, e.sid);
    ck_assert_int_ge(e.channel, 0);
    ck_assert_msg(ks_css_subchannel_add(e.k, e.sid, e.channel, &err) == 0, "%s", err.msg);
    struct cs_tap_observer obs = {on_msg, NULL};
    ck_assert_msg(cs_tap_observe(&e.m->tap, obs, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *hub;
    ck_assert_msg(cs_monitor_attach_live(e.m, &hub, &err) == 0, "%s", err.msg);
    ks_uproc_spawn(e.k, "qemu", qemu, NULL);
    struct cs_run_opts ro = {2000000000ull};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(e.m, &ro, &sum, &err) == 0, "%s", err.msg);

    cs_monitor_finish_live(e.m, hub);
    /* the css monitor, live, finds nothing wrong on the channel: the model's part, the
     * I/O-region protocol and the mdev lifecycle */
    ck_assert_uint_eq(cs_monitor_hub_findings(hub), 0);
    ck_assert(out.ready);
    ck_assert_int_ge(out.fd, 0);
    ck_assert_int_eq(out.map_rc, 0);
    /* Sense ID: channel end and device end, the 3990/3390 identification */
    ck_assert_int_eq(out.sid_rc, sizeof(struct ccw_io_region));
    ck_assert_uint_eq(out.sid_events, 1);
    ck_assert_uint_eq(out.sid_ret, 0);
    ck_assert_msg(out.sid_irb[8] == 0x0c,
                  "Sense ID IRB %02x%02x%02x%02x %02x%02x%02x%02x %02x%02x%02x%02x", out.sid_irb[0],
                  out.sid_irb[1], out.sid_irb[2], out.sid_irb[3], out.sid_irb[4], out.sid_irb[5],
                  out.sid_irb[6], out.sid_irb[7], out.sid_irb[8], out.sid_irb[9], out.sid_irb[10],
                  out.sid_irb[11]);
    ck_assert_uint_eq(out.sid_irb[9], 0);
    ck_assert_uint_eq(be32(out.sid_irb + 4), 0x10008); /* the CCW address, in guest IOVAs */
    const uint8_t id[6] = {0xff, 0x39, 0x90, 0xe9, 0x33, 0x90};
    ck_assert_mem_eq(out.sense_id, id, 6);
    /* RDC across the page boundary, through the guest's IDAL */
    ck_assert_int_eq(out.rdc_rc, sizeof(struct ccw_io_region));
    ck_assert_uint_eq(out.rdc_events, 1);
    ck_assert_uint_eq(out.rdc_irb[8], 0x0c);
    ck_assert_uint_eq(out.rdc_irb[9], 0);
    ck_assert_uint_eq(out.rdc[0], 0x39);
    ck_assert_uint_eq(out.rdc[1], 0x90);
    ck_assert_uint_eq(out.rdc[3], 0x33);
    ck_assert_uint_eq(out.rdc[4], 0x90);
    ck_assert_uint_eq(out.rdc[10], 0x20); /* device class DASD, after the boundary: no */
    ck_assert_uint_eq(out.rdc[14], 0x00); /* heads 15 (be16 at 14) */
    ck_assert_uint_eq(out.rdc[15], 15);
    /* the SCHIB region: enabled (ENA, DNV), ISC 3, device 0200, one path; the CRW region is
     * readable and empty */
    ck_assert_int_eq(out.schib_rc, 52);
    ck_assert_uint_eq(out.schib[4] & 0x38, 3 << 3);
    ck_assert_uint_eq(out.schib[5] & 0x81, 0x81);
    ck_assert_uint_eq(out.schib[6], 0x02);
    ck_assert_uint_eq(out.schib[7], 0x00);
    ck_assert_uint_eq(out.schib[11], 0x80); /* PIM */
    ck_assert_int_eq(out.crw_rc, 8);
    /* the end: closed, removed, unloaded, nothing found */
    ck_assert_int_eq(out.close_rc, 0);
    ck_assert_int_eq(out.remove_rc, 0);
    ck_assert_int_eq(out.unload_rc, 0);
    ck_assert(out.done);
    struct ks_kernel_stats ks;
    ks_kernel_stats(e.k, &ks);
    size_t nf;
    const struct ks_finding_record *f = ks_kernel_findings(e.k, &nf);
    ck_assert_msg(ks.total_findings == 0, "finding %s at %s:%d: %s", ks_finding_id(f[0].kind),
                  f[0].file, f[0].line, f[0].msg);
    /* one channel holds the model's records and the kernel's */
    ck_assert_int_eq(e.kinds[1], 2);     /* ORB at each SSCH */
    ck_assert_int_ge(e.kinds[2], 2);     /* CCWs fetched */
    ck_assert_int_eq(e.kinds[6], 3);     /* IDAWs fetched: Sense ID made indirect, RDC two */
    ck_assert_int_eq(e.kinds[0x101], 2); /* SSCH records */
    ck_assert_int_eq(e.kinds[0x130], 2); /* I/O-region writes */
    ck_assert_int_eq(e.kinds[0x132], 2); /* IRBs read */
    ck_assert_int_gt(e.kinds[0x122], 0); /* fsm events */
    ck_assert_int_eq(e.kinds[0x135], 4); /* create, open, close, remove */

    ks_kernel_destroy(e.k);
    ck_assert_msg(dasd_close(e.dev, &err) == 0, "%s", err.msg);
    css_free(e.c);
    cs_machine_free(e.m);
    cs_platform_free(e.p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vfio_ccw_css");
    TCase *tc = tcase_create("css");
    tcase_add_test(tc, sense_id_and_rdc_through_the_css_model);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
