/* The unmodified vfio_ccw drivers of linux-source-6.1 on the kernel shim: the module loads and
 * binds a subchannel, the mdev layer creates, counts and removes instances (and refuses what
 * it must), and a user process drives the device as QEMU does: region and IRQ information,
 * an eventfd for the I/O interruption, a channel program written through the I/O region,
 * translated by vfio_ccw_cp into pinned pages of the process's "guest memory", started on the
 * channel subsystem, its IRB read back; HSCH and CSCH through the async region; malformed
 * requests refused with the driver's code. The channel subsystem is a test double: one
 * subchannel that runs a channel program at once (reading and writing the data its IDAWs
 * address) and stores the status TSCH returns. */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_tap.h"
#include "cs_test.h"
#include "kshim/css.h"
#include "kshim/kernel.h"
#include "kshim/mdev.h"
#include "kshim/vfio.h"

#define SCH_NO   0x0313
#define PARENT   "0.0.0313"
#define TYPE     "vfio_ccw-io"
#define UUID     "8a0b0c3e-2f0d-4d5e-9a6b-1c2d3e4f5a6b"
#define UUID2    "11111111-2222-3333-4444-555555555555"
#define GUEST_IO 0x10000u /* IOVA of the guest memory */
#define GUEST_SZ 0x10000u

/* ---- the channel-subsystem test double ---------------------------------------------------- */

struct fake_ccw {
    uint8_t cmd, flags;
    uint16_t count;
    uint32_t cda;
    uint64_t idaw[8];
    int nidaw;
};

struct fake {
    struct ks_kernel *k;
    struct cs_domain *dom;
    uint32_t sid;
    int ena, isc, hold; /* hold: leave a started program running (HSCH/CSCH tests) */
    uint32_t intparm;
    uint8_t scsw[12];
    int pending, active;
    int nssch, nhsch, ncsch, ntsch;
    uint8_t orb[12];
    uint64_t orb_gpa;
    struct fake_ccw ccw[8];
    int nccw;
    uint32_t write_sum;
};

static struct fake fk;

static uint8_t *gmem(uint64_t gpa, uint64_t len)
{
    ck_assert_msg(gpa + len <= fk.dom->mem.size, "guest address 0x%llx out of memory",
                  (unsigned long long)gpa);
    return fk.dom->mem.host + gpa;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

/* SCSW word 0: function control bits 17-19, activity 20-26, status control 27-31. */
static void set_status(unsigned fctl, unsigned actl, unsigned stctl, uint32_t cpa, uint8_t dstat)
{
    memset(fk.scsw, 0, sizeof(fk.scsw));
    put32(fk.scsw, fctl << 12 | actl << 5 | stctl);
    put32(fk.scsw + 4, cpa);
    fk.scsw[8] = dstat;
}

static int f_stsch(void *ctx, uint32_t sid, uint64_t gpa)
{
    (void)ctx;
    if (sid != fk.sid)
        return 3;
    uint8_t *s = gmem(gpa, 52);
    memset(s, 0, 52);
    put32(s, fk.intparm);
    s[4] = (uint8_t)(fk.isc << 3);
    s[5] = (uint8_t)((fk.ena ? 0x80 : 0) | 0x01);          /* ENA, DNV */
    s[6] = 0x12, s[7] = 0x34;                              /* device number */
    s[8] = 0x80, s[11] = 0x80, s[14] = 0xff, s[15] = 0x80; /* LPM, PIM, POM, PAM */
    s[16] = 0x40;                                          /* CHPID 0 */
    memcpy(s + 28, fk.scsw, 12);
    return 0;
}

static int f_msch(void *ctx, uint32_t sid, uint64_t gpa)
{
    (void)ctx;
    if (sid != fk.sid)
        return 3;
    if (fk.pending)
        return 1;
    const uint8_t *s = gmem(gpa, 52);
    fk.intparm = be32(s);
    fk.isc = (s[4] >> 3) & 7;
    fk.ena = (s[5] & 0x80) != 0;
    return 0;
}

static void finish(void)
{
    fk.pending = 1;
    fk.active = 0;
    ks_css_io_interrupt(fk.k, fk.sid, fk.intparm, (unsigned)fk.isc);
}

/* Run the program: format-1 CCWs; READ (0x02) stores i ^ 0x5a, WRITE (0x01) sums bytes. */
static int f_ssch(void *ctx, uint32_t sid, uint64_t orb_gpa)
{
    (void)ctx;
    if (sid != fk.sid || !fk.ena)
        return 3;
    if (fk.pending)
        return 1;
    if (fk.active)
        return 2;
    fk.nssch++;
    fk.orb_gpa = orb_gpa;
    memcpy(fk.orb, gmem(orb_gpa, 12), 12);
    fk.intparm = be32(fk.orb);
    uint32_t at = be32(fk.orb + 8);
    fk.nccw = 0;
    for (;;) {
        const uint8_t *c = gmem(at, 8);
        struct fake_ccw *f = &fk.ccw[fk.nccw++];
        *f = (struct fake_ccw){c[0], c[1], (uint16_t)(c[2] << 8 | c[3]), be32(c + 4), {0}, 0};
        at += 8;
        if (f->flags & 0x04) { /* IDA: format-2 IDAWs, 4 KiB blocks */
            uint32_t left = f->count, done = 0;
            for (int i = 0; left && i < 8; i++) {
                uint64_t a = be64(gmem(f->cda + 8u * (uint32_t)i, 8));
                uint32_t n = 4096 - (uint32_t)(a & 4095);
                n = n < left ? n : left;
                f->idaw[f->nidaw++] = a;
                uint8_t *d = gmem(a, n);
                for (uint32_t j = 0; j < n; j++) {
                    if (f->cmd == 0x02)
                        d[j] = (uint8_t)((done + j) ^ 0x5a);
                    else if (f->cmd == 0x01)
                        fk.write_sum += d[j];
                }
                left -= n;
                done += n;
            }
        }
        if (!(f->flags & 0xc0) || fk.nccw == 8)
            break;
    }
    fk.active = 1;
    set_status(4, 0, 0x7, at, 0x0c); /* start; primary, secondary, pending; CE+DE */
    if (!fk.hold)
        finish();
    else
        set_status(4, 0x06, 0, 0, 0); /* subchannel and device active */
    return 0;
}

static int f_tsch(void *ctx, uint32_t sid, uint64_t gpa)
{
    (void)ctx;
    if (sid != fk.sid)
        return 3;
    fk.ntsch++;
    uint8_t *irb = gmem(gpa, 96);
    memset(irb, 0, 96);
    if (!fk.pending)
        return 1;
    memcpy(irb, fk.scsw, 12);
    fk.pending = 0;
    memset(fk.scsw, 0, sizeof(fk.scsw));
    return 0;
}

static int f_hsch(void *ctx, uint32_t sid)
{
    (void)ctx;
    if (sid != fk.sid)
        return 3;
    if (fk.pending)
        return 1;
    fk.nhsch++;
    set_status(4 | 2, 0, 0x5, 0, 0x0c); /* start and halt; primary + pending */
    finish();
    return 0;
}

static int f_csch(void *ctx, uint32_t sid)
{
    (void)ctx;
    if (sid != fk.sid)
        return 3;
    fk.ncsch++;
    set_status(1, 0, 0x1, 0, 0); /* clear; status pending */
    finish();
    return 0;
}

static int f_xsch(void *ctx, uint32_t sid)
{
    (void)ctx;
    return sid == fk.sid ? 2 : 3;
}

static const struct ks_css_ops fake_ops = {
    .ssch = f_ssch,
    .tsch = f_tsch,
    .stsch = f_stsch,
    .msch = f_msch,
    .hsch = f_hsch,
    .csch = f_csch,
    .xsch = f_xsch,
};

/* ---- records on the subchannel's channel -------------------------------------------------- */

struct rec {
    uint16_t kind;
    uint8_t dir;
    uint32_t len;
    uint8_t p[128];
};

static struct {
    int channel;
    struct rec r[512];
    int n;
} seen;

static void on_msg(void *ctx, const struct cs_tap_msg *m)
{
    (void)ctx;
    if (m->channel != seen.channel || seen.n == 512)
        return;
    struct rec *r = &seen.r[seen.n++];
    r->kind = m->kind;
    r->dir = m->dir;
    r->len = m->len;
    memcpy(r->p, m->payload, m->len < 128 ? m->len : 128);
}

static const struct rec *find_rec(uint16_t kind, int nth)
{
    for (int i = 0; i < seen.n; i++)
        if (seen.r[i].kind == kind && nth-- == 0)
            return &seen.r[i];
    return NULL;
}

static int count_rec(uint16_t kind)
{
    int n = 0;
    for (int i = 0; i < seen.n; i++)
        n += seen.r[i].kind == kind;
    return n;
}

/* ---- the machine ---------------------------------------------------------------------------- */

struct setup {
    struct cs_platform *p;
    struct cs_machine *m;
    struct cs_run_summary run;
    struct ks_kernel_stats ks;
    struct ks_finding_record first;
};

static void machine_up(struct setup *s)
{
    cs_error err = {0};
    memset(&fk, 0, sizeof(fk));
    memset(&seen, 0, sizeof(seen));
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/s390.xml", NULL, &s->p, &err) == 0, "%s",
                  err.msg);
    ck_assert_msg(cs_machine_build(s->p, NULL, 0, NULL, &s->m, &err) == 0, "%s", err.msg);
    fk.dom = &s->m->domains[0];
    ck_assert_msg(ks_kernel_create(fk.dom, "host", &fk.k, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(fk.k, getenv("VFIO_TEST_LOG") ? 7 : -1);
    if (getenv("VFIO_TEST_LOG"))
        ks_kernel_set_log_level(fk.k, 7);
    fk.sid = ks_css_sid(0, SCH_NO);
    fk.isc = 0;
    ks_kernel_set_css_ops(fk.k, &fake_ops, &fk);
    const char *mods[] = {"vfio_ccw"};
    ck_assert_msg(ks_kernel_boot(fk.k, mods, 1, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_css_subchannel_add(fk.k, fk.sid, -1, &err) == 0, "%s", err.msg);
    seen.channel = ks_css_subchannel_channel(fk.k, fk.sid);
    ck_assert_int_ge(seen.channel, 0);
    struct cs_tap_observer obs = {on_msg, NULL};
    ck_assert_msg(cs_tap_observe(&s->m->tap, obs, &err) == 0, "%s", err.msg);
}

static void machine_run(struct setup *s)
{
    cs_error err = {0};
    struct cs_run_opts ro = {2000000000ull};
    ck_assert_msg(cs_sc_run(s->m, &ro, &s->run, &err) == 0, "%s", err.msg);
    ks_kernel_stats(fk.k, &s->ks);
    size_t n;
    const struct ks_finding_record *f = ks_kernel_findings(fk.k, &n);
    if (n)
        s->first = f[0];
}

static void machine_down(struct setup *s)
{
    ks_kernel_destroy(fk.k);
    cs_machine_free(s->m);
    cs_platform_free(s->p);
}

static void assert_clean(const struct setup *s)
{
    ck_assert_msg(s->ks.total_findings == 0, "unexpected finding %s at %s:%d: %s",
                  ks_finding_id(s->first.kind), s->first.file, s->first.line, s->first.msg);
}

/* The boot thread loads the module when the run starts: wait for the subchannel's mdev
 * parent before managing it. */
static int wait_parent(struct ks_uproc *p)
{
    for (int i = 0; i < 100; i++) {
        if (ks_mdev_available(fk.k, PARENT, TYPE) >= 0)
            return 1;
        ks_sys_sleep_ms(p, 1);
    }
    return 0;
}

/* ---- the user process --------------------------------------------------------------------- */

struct vm {
    struct ks_uproc *p;
    int fd, efd;
    uint8_t *mem; /* guest memory: IOVA GUEST_IO.. */
    struct ccw_io_region *io;
    struct ccw_cmd_region *cmd;
    uint64_t async_off;
};

static struct {
    int open_fd, map_rc, info_rc, region_rc, region1_rc, irq_info_rc, irqs_rc;
    struct vfio_device_info info;
    struct vfio_region_info r0, r1;
    uint32_t r1_subtype;
    struct vfio_irq_info irq;
    /* the good program */
    ssize_t write_rc, read_rc;
    long pinned_in_flight, pinned_after;
    uint64_t events;
    uint8_t irb[96];
    uint32_t ret_code;
    uint8_t idal_before[16], idal_after[16];
    uint8_t data[6000];
    uint32_t write_sum;
    /* refusals */
    ssize_t tm_rc, unmapped_rc, fmt1_idaw_rc;
    uint32_t tm_ret_code;
    int nssch_after_bad;
    long pinned_after_bad;
    /* async */
    ssize_t hold_rc, hsch_rc, csch_rc, bad_cmd_rc, hold2_rc;
    long pinned_before_unmap, pinned_after_unmap;
    int unmap_rc, unmap_again_rc, ena_after_reset, nhsch_after_halt;
    uint8_t halt_irb[12], clear_irb[12];
    uint64_t halt_events, clear_events;
    int remove_open_rc;
    char remove_open_msg[1100];
    int close_rc, remove_rc, avail_after, unload_rc;
    int done;
} out;

static uint8_t *guest(struct vm *v, uint32_t iova)
{
    return v->mem + (iova - GUEST_IO);
}

static void ccw(uint8_t *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    p[0] = cmd;
    p[1] = flags;
    p[2] = (uint8_t)(count >> 8);
    p[3] = (uint8_t)count;
    put32(p + 4, cda);
}

/* ORB word 1: F (format 1) bit 8, P bit 9, B (transport mode) bit 13, H (C64) bit 14,
 * T (I2K) bit 15, LPM bits 16-23. */
#define ORB_F   (1u << 23)
#define ORB_P   (1u << 22)
#define ORB_B   (1u << 18)
#define ORB_C64 (1u << 17)

static ssize_t start(struct vm *v, uint32_t word1, uint32_t cpa)
{
    memset(v->io, 0, sizeof(*v->io));
    put32(v->io->orb_area, 0xcafe0001u);
    put32(v->io->orb_area + 4, word1 | 0xffu << 8);
    put32(v->io->orb_area + 8, cpa);
    put32(v->io->scsw_area, 4u << 12); /* start function */
    return ks_sys_pwrite(v->p, v->fd, v->io, sizeof(*v->io), 0);
}

static uint64_t wait_event(struct vm *v)
{
    uint64_t *n = ks_umalloc(v->p, sizeof(*n));
    ssize_t rc = ks_sys_read(v->p, v->efd, n, sizeof(*n));
    return rc == sizeof(*n) ? *n : 0;
}

static ssize_t async_cmd(struct vm *v, uint32_t command)
{
    v->cmd->command = command;
    v->cmd->ret_code = 0;
    return ks_sys_pwrite(v->p, v->fd, v->cmd, sizeof(*v->cmd), (int64_t)v->async_off);
}

static void qemu(struct ks_uproc *p, void *arg)
{
    (void)arg;
    struct vm v = {.p = p};
    cs_error cerr = {0};
    if (!wait_parent(p) || ks_mdev_create(fk.k, PARENT, TYPE, UUID, &cerr))
        return;
    out.open_fd = v.fd = ks_sys_open(p, "/dev/vfio/" UUID, O_RDWR);
    if (v.fd < 0)
        return;
    /* device, region and interrupt information */
    struct vfio_device_info *info = ks_umalloc(p, sizeof(*info));
    info->argsz = sizeof(*info);
    out.info_rc = (int)ks_sys_ioctl(p, v.fd, VFIO_DEVICE_GET_INFO, (unsigned long)info);
    out.info = *info;
    struct vfio_region_info *ri = ks_umalloc(p, 256);
    ri->argsz = sizeof(*ri);
    ri->index = VFIO_CCW_CONFIG_REGION_INDEX;
    out.region_rc = (int)ks_sys_ioctl(p, v.fd, VFIO_DEVICE_GET_REGION_INFO, (unsigned long)ri);
    out.r0 = *ri;
    memset(ri, 0, 256);
    ri->argsz = 256;
    ri->index = VFIO_CCW_NUM_REGIONS; /* the first device-specific region */
    out.region1_rc = (int)ks_sys_ioctl(p, v.fd, VFIO_DEVICE_GET_REGION_INFO, (unsigned long)ri);
    out.r1 = *ri;
    if (ri->cap_offset)
        out.r1_subtype =
            ((struct vfio_region_info_cap_type *)((uint8_t *)ri + ri->cap_offset))->subtype;
    v.async_off = ri->offset;
    struct vfio_irq_info *ii = ks_umalloc(p, sizeof(*ii));
    ii->argsz = sizeof(*ii);
    ii->index = VFIO_CCW_IO_IRQ_INDEX;
    out.irq_info_rc = (int)ks_sys_ioctl(p, v.fd, VFIO_DEVICE_GET_IRQ_INFO, (unsigned long)ii);
    out.irq = *ii;
    v.efd = ks_sys_eventfd(p, 0, 0);
    struct vfio_irq_set *set = ks_umalloc(p, sizeof(*set) + sizeof(int32_t));
    set->argsz = sizeof(*set) + sizeof(int32_t);
    set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
    set->index = VFIO_CCW_IO_IRQ_INDEX;
    set->start = 0;
    set->count = 1;
    memcpy(set->data, &v.efd, sizeof(int32_t));
    out.irqs_rc = (int)ks_sys_ioctl(p, v.fd, VFIO_DEVICE_SET_IRQS, (unsigned long)set);

    /* guest memory, page aligned, mapped at GUEST_IO */
    uint8_t *raw = ks_umalloc(p, GUEST_SZ + 4096);
    v.mem = (uint8_t *)(((uintptr_t)raw + 4095) & ~(uintptr_t)4095);
    out.map_rc = ks_vfio_dma_map(p, v.fd, v.mem, GUEST_IO, GUEST_SZ);
    v.io = ks_umalloc(p, sizeof(*v.io));
    v.cmd = ks_umalloc(p, sizeof(*v.cmd));

    /* READ 6000 bytes through a guest IDAL (first block at 0x12800), then WRITE 100 bytes
     * at 0x14010 by direct addressing, which the driver turns into an IDAL. */
    ccw(guest(&v, 0x10000), 0x02, 0x40 | 0x04, 6000, 0x11000);
    ccw(guest(&v, 0x10008), 0x01, 0x00, 100, 0x14010);
    put64(guest(&v, 0x11000), 0x12800);
    put64(guest(&v, 0x11008), 0x13000);
    for (int i = 0; i < 100; i++)
        guest(&v, 0x14010)[i] = (uint8_t)(i + 1);
    memcpy(out.idal_before, guest(&v, 0x11000), 16);
    out.write_rc = start(&v, ORB_F | ORB_P | ORB_C64, 0x10000);
    memcpy(out.idal_after, guest(&v, 0x11000), 16);
    out.pinned_in_flight = ks_vfio_pinned_pages(fk.k, UUID);
    out.events = wait_event(&v);
    out.write_sum = fk.write_sum;
    out.read_rc = ks_sys_pread(p, v.fd, v.io, sizeof(*v.io), 0);
    memcpy(out.irb, v.io->irb_area, 96);
    out.ret_code = v.io->ret_code;
    memcpy(out.data, guest(&v, 0x12800), sizeof(out.data));
    ks_sys_sleep_ms(p, 1);
    out.pinned_after = ks_vfio_pinned_pages(fk.k, UUID);

    /* refused requests: transport mode, a program outside the mapped memory, IDA CCWs
     * under an ORB without format-2 IDAWs */
    out.tm_rc = start(&v, ORB_F | ORB_B, 0x10000);
    ks_sys_pread(p, v.fd, v.io, sizeof(*v.io), 0);
    out.tm_ret_code = v.io->ret_code;
    out.unmapped_rc = start(&v, ORB_F | ORB_P | ORB_C64, 0x200000);
    out.fmt1_idaw_rc = start(&v, ORB_F | ORB_P, 0x10000);
    out.nssch_after_bad = fk.nssch;
    out.pinned_after_bad = ks_vfio_pinned_pages(fk.k, UUID);

    /* HSCH of a running program, then CSCH, through the async region */
    fk.hold = 1;
    out.hold_rc = start(&v, ORB_F | ORB_P | ORB_C64, 0x10000);
    out.hsch_rc = async_cmd(&v, VFIO_CCW_ASYNC_CMD_HSCH);
    out.halt_events = wait_event(&v);
    out.nhsch_after_halt = fk.nhsch;
    ks_sys_pread(p, v.fd, v.io, sizeof(*v.io), 0);
    memcpy(out.halt_irb, v.io->irb_area, 12);
    out.csch_rc = async_cmd(&v, VFIO_CCW_ASYNC_CMD_CSCH);
    out.clear_events = wait_event(&v);
    ks_sys_pread(p, v.fd, v.io, sizeof(*v.io), 0);
    memcpy(out.clear_irb, v.io->irb_area, 12);
    out.bad_cmd_rc = async_cmd(&v, 7);

    /* unmapping guest memory under a running program: the driver must unpin (it resets the
     * device: quiesce with HSCH, disable, enable again) */
    out.hold2_rc = start(&v, ORB_F | ORB_P | ORB_C64, 0x10000);
    out.pinned_before_unmap = ks_vfio_pinned_pages(fk.k, UUID);
    out.unmap_rc = ks_vfio_dma_unmap(p, v.fd, GUEST_IO, GUEST_SZ);
    out.pinned_after_unmap = ks_vfio_pinned_pages(fk.k, UUID);
    out.ena_after_reset = fk.ena;
    out.unmap_again_rc = ks_vfio_dma_unmap(p, v.fd, GUEST_IO, GUEST_SZ);
    fk.hold = 0;

    /* removal is refused while the device is open */
    cs_error err = {0};
    out.remove_open_rc = ks_mdev_remove(fk.k, UUID, &err);
    snprintf(out.remove_open_msg, sizeof(out.remove_open_msg), "%s", err.msg);
    out.close_rc = ks_sys_close(p, v.fd);
    ks_sys_close(p, v.efd);
    memset(&err, 0, sizeof(err));
    out.remove_rc = ks_mdev_remove(fk.k, UUID, &err);
    out.avail_after = ks_mdev_available(fk.k, PARENT, TYPE);
    cs_error rm = {0};
    ck_assert_msg(ks_css_subchannel_remove(fk.k, fk.sid, &rm) == 0, "%s", rm.msg);
    out.unload_rc = ks_module_unload(fk.k, "vfio_ccw");
    out.done = 1;
}

/* Management steps run in a process of the kernel; each result is kept for the checks. */
#define STEPS 16
static struct {
    int rc[STEPS];
    char msg[STEPS][256];
    int avail[STEPS];
    size_t count[STEPS];
    int n, parent, ena;
    char dir[512];
    char *file[8];
} mg;

static void step(int rc, const cs_error *err)
{
    if (mg.n == STEPS)
        return;
    mg.rc[mg.n] = rc;
    snprintf(mg.msg[mg.n], sizeof(mg.msg[0]), "%.255s", err->msg);
    mg.avail[mg.n] = ks_mdev_available(fk.k, PARENT, TYPE);
    mg.count[mg.n] = ks_mdev_count(fk.k);
    mg.n++;
}

static void bind_check(struct ks_uproc *p, void *arg)
{
    (void)arg;
    mg.parent = wait_parent(p);
    mg.avail[0] = ks_mdev_available(fk.k, PARENT, TYPE);
    mg.avail[1] = ks_mdev_available(fk.k, PARENT, "vfio_ccw-nope");
    mg.ena = fk.ena;
}

START_TEST(drivers_load_and_bind)
{
    struct setup s;
    machine_up(&s);
    memset(&mg, 0, sizeof(mg));
    ks_uproc_spawn(fk.k, "check", bind_check, NULL);
    machine_run(&s);
    /* vfio_ccw_sch_probe registered the subchannel as an mdev parent with one type */
    ck_assert(mg.parent);
    ck_assert_int_eq(mg.avail[0], 1);
    ck_assert_int_eq(mg.avail[1], -1);
    ck_assert_int_eq(mg.ena, 0); /* enabled only when the device is opened */
    assert_clean(&s);
    machine_down(&s);
}
END_TEST

static void manage(struct ks_uproc *p, void *arg)
{
    (void)arg;
    mg.parent = wait_parent(p);
    cs_error e = {0};
#define STEP(call)                                                                                 \
    do {                                                                                           \
        memset(&e, 0, sizeof(e));                                                                  \
        step(call, &e);                                                                            \
    } while (0)
    STEP(ks_mdev_create(fk.k, PARENT, TYPE, "not-a-uuid", &e)); /* 0 */
    STEP(ks_mdev_create(fk.k, "0.0.9999", TYPE, UUID, &e));     /* 1 */
    STEP(ks_mdev_create(fk.k, PARENT, "vfio_ccw-x", UUID, &e)); /* 2 */
    STEP(ks_mdev_create(fk.k, PARENT, TYPE, UUID, &e));         /* 3 */
    STEP(ks_mdev_create(fk.k, PARENT, TYPE, UUID, &e));         /* 4 */
    STEP(ks_mdev_create(fk.k, PARENT, TYPE, UUID2, &e));        /* 5 */
    STEP(ks_mdev_remove(fk.k, UUID2, &e));                      /* 6 */
    STEP(ks_mdev_remove(fk.k, UUID, &e));                       /* 7 */
}

START_TEST(mdev_create_remove_and_refusals)
{
    struct setup s;
    machine_up(&s);
    memset(&mg, 0, sizeof(mg));
    ks_uproc_spawn(fk.k, "mdevctl", manage, NULL);
    machine_run(&s);
    ck_assert(mg.parent);
    ck_assert_int_eq(mg.n, 8);
    ck_assert_int_eq(mg.rc[0], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[0], "'not-a-uuid' is not a UUID"));
    ck_assert_int_eq(mg.rc[1], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[1], "no mdev parent device '0.0.9999'"));
    ck_assert_int_eq(mg.rc[2], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[2], "has no type 'vfio_ccw-x'"));
    ck_assert_int_eq(mg.rc[3], 0);
    ck_assert_int_eq(mg.avail[3], 0);
    ck_assert_uint_eq(mg.count[3], 1);
    ck_assert_int_eq(mg.rc[4], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[4], "already in use"));
    ck_assert_int_eq(mg.rc[5], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[5], "no instances of vfio_ccw-io left on 0.0.0313"));
    ck_assert_int_eq(mg.rc[6], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[6], "no mediated device " UUID2));
    ck_assert_int_eq(mg.rc[7], 0);
    ck_assert_int_eq(mg.avail[7], 1);
    ck_assert_uint_eq(mg.count[7], 0);
    assert_clean(&s);
    /* the lifecycle records: create, remove, each with the UUID */
    const struct rec *c = find_rec(KS_VFIO_MDEV_EVENT, 0), *r = find_rec(KS_VFIO_MDEV_EVENT, 1);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(c->len, 20);
    ck_assert_uint_eq(be32(c->p), KS_MDEV_CREATE);
    ck_assert_uint_eq(c->p[4], 0x8a);
    ck_assert_uint_eq(c->p[19], 0x6b);
    ck_assert_uint_eq(be32(r->p), KS_MDEV_REMOVE);
    machine_down(&s);
}
END_TEST

static char *slurp(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("(missing)");
    char *buf = calloc(1, 4096);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void spit(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

#define TYPEDIR "devices/" PARENT "/mdev_supported_types/" TYPE

static void sysfs_user(struct ks_uproc *p, void *arg)
{
    (void)arg;
    mg.parent = wait_parent(p);
    cs_error e = {0};
    STEP(ks_mdev_sysfs_attach(fk.k, mg.dir, &e)); /* 0 */
    mg.file[0] = slurp(mg.dir, TYPEDIR "/name");
    mg.file[1] = slurp(mg.dir, TYPEDIR "/device_api");
    mg.file[2] = slurp(mg.dir, TYPEDIR "/available_instances");
    spit(mg.dir, TYPEDIR "/create", "zzzz\n");
    STEP(ks_mdev_sysfs_apply(fk.k, &e)); /* 1 */
    spit(mg.dir, TYPEDIR "/create", UUID "\n");
    STEP(ks_mdev_sysfs_apply(fk.k, &e)); /* 2 */
    mg.file[3] = slurp(mg.dir, TYPEDIR "/available_instances");
    mg.file[4] = slurp(mg.dir, TYPEDIR "/devices/" UUID "/uuid"); /* via the link */
    mg.file[5] = slurp(mg.dir, "bus/mdev/devices/" UUID "/mdev_type/device_api");
    spit(mg.dir, "devices/" PARENT "/" UUID "/remove", "1\n");
    STEP(ks_mdev_sysfs_apply(fk.k, &e)); /* 3 */
    mg.file[6] = slurp(mg.dir, "devices/" PARENT "/" UUID "/uuid");
    mg.file[7] = slurp(mg.dir, TYPEDIR "/available_instances");
    ks_mdev_sysfs_attach(fk.k, NULL, &e);
}

START_TEST(mdev_sysfs_tree)
{
    struct setup s;
    machine_up(&s);
    memset(&mg, 0, sizeof(mg));
    cs_test_tmpdir(mg.dir, sizeof(mg.dir), "mdev-tree");
    ks_uproc_spawn(fk.k, "user", sysfs_user, NULL);
    machine_run(&s);
    ck_assert(mg.parent);
    ck_assert_int_eq(mg.n, 4);
    ck_assert_int_eq(mg.rc[0], 0);
    ck_assert_str_eq(mg.file[0], "I/O subchannel (Non-QDIO)\n");
    ck_assert_str_eq(mg.file[1], "vfio-ccw\n");
    ck_assert_str_eq(mg.file[2], "1\n");
    /* a bad UUID written to create is refused, naming it; a good one creates */
    ck_assert_int_eq(mg.rc[1], -1);
    ck_assert_ptr_nonnull(strstr(mg.msg[1], "'zzzz' is not a UUID"));
    ck_assert_uint_eq(mg.count[1], 0);
    ck_assert_int_eq(mg.rc[2], 0);
    ck_assert_uint_eq(mg.count[2], 1);
    ck_assert_str_eq(mg.file[3], "0\n");
    ck_assert_str_eq(mg.file[4], UUID "\n");
    ck_assert_str_eq(mg.file[5], "vfio-ccw\n");
    /* remove through the instance's file */
    ck_assert_int_eq(mg.rc[3], 0);
    ck_assert_uint_eq(mg.count[3], 0);
    ck_assert_str_eq(mg.file[6], "(missing)");
    ck_assert_str_eq(mg.file[7], "1\n");
    for (int i = 0; i < 8; i++)
        free(mg.file[i]);
    assert_clean(&s);
    machine_down(&s);
}
END_TEST

START_TEST(io_region_channel_program)
{
    struct setup s;
    machine_up(&s);
    memset(&out, 0, sizeof(out));
    ks_uproc_spawn(fk.k, "qemu", qemu, NULL);
    machine_run(&s);
    ck_assert_msg(out.done, "the process did not finish (open %d)", out.open_fd);

    /* information */
    ck_assert_int_eq(out.info_rc, 0);
    ck_assert_uint_eq(out.info.flags & (VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET),
                      VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET);
    ck_assert_uint_eq(out.info.num_regions, VFIO_CCW_NUM_REGIONS + 3);
    ck_assert_uint_eq(out.info.num_irqs, VFIO_CCW_NUM_IRQS);
    ck_assert_int_eq(out.region_rc, 0);
    ck_assert_uint_eq(out.r0.size, sizeof(struct ccw_io_region));
    ck_assert_uint_eq(out.r0.offset, 0);
    ck_assert_int_eq(out.region1_rc, 0);
    ck_assert_uint_eq(out.r1.size, sizeof(struct ccw_cmd_region));
    ck_assert_uint_eq(out.r1.offset, 1u << 10);
    ck_assert_uint_eq(out.r1_subtype, VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD);
    ck_assert_int_eq(out.irq_info_rc, 0);
    ck_assert_uint_eq(out.irq.count, 1);
    ck_assert_uint_eq(out.irq.flags, VFIO_IRQ_INFO_EVENTFD);
    ck_assert_int_eq(out.irqs_rc, 0);
    ck_assert_int_eq(out.map_rc, 0);

    /* the program went through the real translation to the channel subsystem */
    ck_assert_int_eq(out.write_rc, sizeof(struct ccw_io_region));
    ck_assert_int_ge(fk.nssch, 1);
    const uint64_t heap = fk.dom->mem.size / 4;
    ck_assert_uint_ge(fk.orb_gpa, heap); /* the driver's ORB, in kernel memory */
    ck_assert_uint_eq(be32(fk.orb + 4) & (ORB_F | ORB_C64), ORB_F | ORB_C64);
    ck_assert_uint_ge(be32(fk.orb + 8), heap); /* translated CCWs in kernel memory */
    ck_assert_int_eq(fk.nccw, 2);
    ck_assert_uint_eq(fk.ccw[0].cmd, 0x02);
    ck_assert_uint_eq(fk.ccw[0].flags, 0x40 | 0x04);
    ck_assert_uint_eq(fk.ccw[0].count, 6000);
    ck_assert_uint_ge(fk.ccw[0].cda, heap); /* a host IDAL */
    ck_assert_uint_eq(fk.ccw[1].cmd, 0x01);
    ck_assert_uint_eq(fk.ccw[1].flags, 0x04); /* direct addressing became an IDAL */
    /* The IDAWs are the guest-physical addresses of the pinned pages of the process's
     * buffer: guest memory at IOVA x is at (host buffer - domain memory) + x - GUEST_IO. */
    uint64_t vm_gpa = 0;
    {
        /* the first IDAW's page offset is the guest's; its page is the buffer's */
        ck_assert_int_eq(fk.ccw[0].nidaw, 2);
        ck_assert_uint_eq(fk.ccw[0].idaw[0] & 4095, 0x800);
        vm_gpa = fk.ccw[0].idaw[0] - (0x12800 - GUEST_IO);
        ck_assert_uint_eq(vm_gpa & 4095, 0);
        ck_assert_uint_ge(vm_gpa, fk.dom->mem.size / 8); /* user-process memory */
        ck_assert_uint_lt(vm_gpa, heap);
    }
    ck_assert_uint_eq(fk.ccw[0].idaw[1], vm_gpa + (0x13000 - GUEST_IO));
    ck_assert_int_eq(fk.ccw[1].nidaw, 1);
    ck_assert_uint_eq(fk.ccw[1].idaw[0], vm_gpa + (0x14010 - GUEST_IO));
    ck_assert_uint_eq(out.write_sum, 5050);
    for (int i = 0; i < 6000; i++)
        ck_assert_uint_eq(out.data[i], (uint8_t)(i ^ 0x5a));
    /* the guest's IDAL is as the guest wrote it (big-endian) after the write returned */
    ck_assert_mem_eq(out.idal_after, out.idal_before, 16);
    /* pinned while in flight (3 data pages), unpinned once the interruption was handled */
    ck_assert_int_eq(out.pinned_in_flight, 3);
    ck_assert_int_eq(out.pinned_after, 0);

    /* the IRB through the eventfd and the region: CE+DE, CCW address back in guest IOVAs */
    ck_assert_uint_eq(out.events, 1);
    ck_assert_int_eq(out.read_rc, sizeof(struct ccw_io_region));
    ck_assert_uint_eq(out.ret_code, 0);
    ck_assert_uint_eq(be32(out.irb) & 0x7000, 0x4000); /* start function */
    ck_assert_uint_eq(be32(out.irb) & 0x1f, 0x7);      /* primary, secondary, pending */
    ck_assert_uint_eq(out.irb[8], 0x0c);
    ck_assert_uint_eq(be32(out.irb + 4), 0x10010);

    /* refusals, with the driver's codes, and nothing started or left pinned */
    ck_assert_int_eq(out.tm_rc, -EOPNOTSUPP);
    ck_assert_int_eq((int32_t)out.tm_ret_code, -EOPNOTSUPP);
    ck_assert_int_eq(out.unmapped_rc, -EINVAL);
    ck_assert_int_eq(out.fmt1_idaw_rc, -EOPNOTSUPP);
    ck_assert_int_eq(out.nssch_after_bad, 1);
    ck_assert_int_eq(out.pinned_after_bad, 0);

    /* HSCH and CSCH through the async region */
    ck_assert_int_eq(out.hold_rc, sizeof(struct ccw_io_region));
    ck_assert_int_eq(out.hsch_rc, sizeof(struct ccw_cmd_region));
    ck_assert_int_eq(out.nhsch_after_halt, 1);
    ck_assert_uint_eq(out.halt_events, 1);
    ck_assert_uint_eq(be32(out.halt_irb) & 0x7000, 0x6000); /* start + halt */
    ck_assert_int_eq(out.csch_rc, sizeof(struct ccw_cmd_region));
    ck_assert_int_eq(fk.ncsch, 1);
    ck_assert_uint_eq(out.clear_events, 1);
    ck_assert_uint_eq(be32(out.clear_irb) & 0x7000, 0x1000); /* clear */
    ck_assert_int_eq(out.bad_cmd_rc, -EINVAL);

    /* DMA unmap under a running program: halted, unpinned, enabled again */
    ck_assert_int_eq(out.hold2_rc, sizeof(struct ccw_io_region));
    ck_assert_int_eq(out.pinned_before_unmap, 3);
    ck_assert_int_eq(out.unmap_rc, 0);
    ck_assert_int_eq(out.pinned_after_unmap, 0);
    ck_assert_int_eq(fk.nhsch, 2);
    ck_assert_int_eq(out.ena_after_reset, 1);
    ck_assert_int_eq(out.unmap_again_rc, -ENOENT);

    /* lifecycle: remove refused while open; close disables; remove; unload */
    ck_assert_int_eq(out.remove_open_rc, -1);
    ck_assert_ptr_nonnull(strstr(out.remove_open_msg, "in use"));
    ck_assert_int_eq(out.close_rc, 0);
    ck_assert_int_eq(fk.ena, 0);
    ck_assert_int_eq(out.remove_rc, 0);
    ck_assert_int_eq(out.avail_after, 1);
    ck_assert_int_eq(out.unload_rc, 0);
    assert_clean(&s);

    /* boundary records on the subchannel's channel */
    const struct rec *w = find_rec(KS_VFIO_IO_REGION_WRITE, 0);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(w->dir, CS_TAP_TO_FW);
    ck_assert_uint_eq(w->len, 24);
    ck_assert_uint_eq(be32(w->p), 0xcafe0001u);
    ck_assert_uint_eq(be32(w->p + 8), 0x10000);
    ck_assert_uint_eq(be32(w->p + 12), 0x4000);
    const struct rec *r = find_rec(KS_VFIO_IO_REGION_RET, 0);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->dir, CS_TAP_TO_GUEST);
    ck_assert_uint_eq(be32(r->p), 0);
    r = find_rec(KS_VFIO_IO_REGION_RET, 1); /* the transport-mode ORB */
    ck_assert_int_eq((int32_t)be32(r->p), -EOPNOTSUPP);
    const struct rec *irb = find_rec(KS_VFIO_IO_REGION_IRB, 0);
    ck_assert_ptr_nonnull(irb);
    ck_assert_uint_eq(irb->len, 96);
    ck_assert_mem_eq(irb->p, out.irb, 96);
    ck_assert_int_eq(count_rec(KS_VFIO_ASYNC_CMD), 3);
    ck_assert_uint_eq(be32(find_rec(KS_VFIO_ASYNC_CMD, 0)->p), VFIO_CCW_ASYNC_CMD_HSCH);
    ck_assert_uint_eq(be32(find_rec(KS_VFIO_ASYNC_RET, 2)->p), (uint32_t)-EINVAL);
    /* the driver's tracepoints: fsm events (state, event) and the refused io requests */
    ck_assert_int_gt(count_rec(0x122), 4);
    const struct rec *io = find_rec(0x123, 0);
    ck_assert_ptr_nonnull(io);
    ck_assert_uint_eq(io->p[2] << 8 | io->p[3], SCH_NO);
    ck_assert_int_eq((int32_t)be32(io->p + 8), -EOPNOTSUPP);
    ck_assert_int_eq(memcmp(io->p + 12, "transport mode", 14), 0);
    ck_assert_int_eq(count_rec(0x121), 3);
    int events[8], ne = 0;
    for (int i = 0; (w = find_rec(KS_VFIO_MDEV_EVENT, i)) && ne < 8; i++)
        events[ne++] = (int)be32(w->p);
    ck_assert_int_eq(ne, 4);
    ck_assert_int_eq(events[0], KS_MDEV_CREATE);
    ck_assert_int_eq(events[1], KS_MDEV_OPEN);
    ck_assert_int_eq(events[2], KS_MDEV_CLOSE);
    ck_assert_int_eq(events[3], KS_MDEV_REMOVE);
    machine_down(&s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vfio_ccw");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, drivers_load_and_bind);
    tcase_add_test(tc, mdev_create_remove_and_refusals);
    tcase_add_test(tc, mdev_sysfs_tree);
    tcase_add_test(tc, io_region_channel_program);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
