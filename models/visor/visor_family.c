/* The visor channel family: the s-Par devices of an x86_64 domain,
 *
 *   <chansim:spar-device type='vhba|vnic|keyboard|mouse' bus='B' dev='D' [attributes]/>
 *
 * become the firmware side of an s-Par platform: channels in the firmware's part of the
 * domain's memory (docs/kernel-shim.md: [1 MiB, S/8)), the controlvm channel and a command
 * partition that creates bus B (once) and device D, an IO partition serving vhba and vnic
 * channels, a console partition feeding keyboard and mouse channels, fault scripts, and the
 * hooks of the domain's guest kernel (VMCALL, CPUID, the PNP0A07 ACPI device) when the build
 * has the guest's visor drivers. Attributes: docs/visor.md. */
#include "visor_family.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cs_machine.h"
#include "visor_fault.h"
#include "visor_timing.h"
#include "visor_workload.h"

#if __has_include("kshim/visor.h")
#include "kshim/domain.h"
#include "kshim/kernel.h"
#include "kshim/visor.h"
#define VISOR_HAVE_GUEST 1
#else
#define VISOR_HAVE_GUEST 0
#endif

#define MAX_DOMAINS 8
#define MAX_DEVICES 64
#define MAX_BUSES   16
#define FW_BASE     (1ull << 20)

struct vdom;

struct vdev {
    struct visor_device_info info;
    char name[64];
    char where[256];
    struct vdom *d;
    uint16_t tap;
    struct visor_pcap_port *pcap;
    struct visor_fault_event *faults;
    size_t nfaults, next_fault;
    char tmpdir[256]; /* a generated disk image lives here */
    char image[512];
    int down, resume_wanted, paused;
    uint64_t pause_handle;
    char fault_msg[256];
    struct visor_workload wl;
    int has_wl;
    /* the device's interrupt (vhba, vnic): a line of the guest domain, raised after the IO
     * partition inserted into the guest's queue while the driver announces
     * VISOR_DRIVER_ENABLES_INTS */
    int has_irq;
    unsigned irq;
    uint64_t irq_sent; /* num_sent of the guest's queue at the last look */
    /* a DEVICE_DESTROY is on its way: the IO partition serves the channel no more, so that
     * nothing is written into buffers the guest frees when its driver goes */
    int stopping;
};

struct vbus {
    uint32_t no;
    struct visor_channel *ch;
    unsigned ndevs;
};

struct vdom {
    struct cs_domain *dom;
    struct visor_chipset *cvm;
    struct visor_costs costs;
    uint64_t fw_next, fw_end;
    struct vbus buses[MAX_BUSES];
    unsigned nbuses;
    struct vdev *devs[MAX_DEVICES];
    unsigned ndevs;
    uint64_t next_cvm, last_activity;
    uint64_t interval; /* current poll interval: grows while idle (visor.poll_max) */
    int polling, started, booted;
    unsigned nhba, nnic, ninput; /* per-type device numbers, in creation (= probe) order */
    void *kernel;                /* struct ks_kernel * when the guest drivers run */
    const char *guest;           /* what runs on the guest side, for the report */
    char cvm_error[256];
};

static struct vdom domains[MAX_DOMAINS];

/* Keep the first part of a message for the report. */
static void keep_msg(char *dst, size_t n, const char *src)
{
    size_t l = strnlen(src, n - 1);
    memcpy(dst, src, l);
    dst[l] = 0;
}
static struct visor_switch *vswitch;

static int claims(const struct cs_domain_desc *dom, const struct cs_device_desc *dev)
{
    (void)dom;
    return dev->bus == CS_BUS_SPAR;
}

static int fw_alloc(struct vdom *d, uint64_t bytes, const char *what, uint64_t *gpa, cs_error *err)
{
    uint64_t at = (d->fw_next + 4095) & ~4095ull;
    if (at + bytes > d->fw_end)
        return cs_error_set(err,
                            "domain '%s': firmware memory [1 MiB, %llu MiB) is full; %s needs "
                            "%llu more bytes (give the domain more memory)",
                            d->dom->desc->name, (unsigned long long)(d->fw_end >> 20), what,
                            (unsigned long long)bytes);
    *gpa = at;
    d->fw_next = at + bytes;
    return 0;
}

static void release_domain(void *arg)
{
    struct vdom *d = arg;
    for (unsigned i = 0; i < d->ndevs; i++) {
        struct vdev *v = d->devs[i];
        visor_vhba_free(v->info.vhba);
        visor_vnic_free(v->info.vnic);
        visor_console_free(v->info.console);
        visor_pcap_port_close(v->pcap);
        free(v->faults);
        if (v->tmpdir[0]) {
            unlink(v->image);
            rmdir(v->tmpdir);
        }
        free(v);
    }
    for (unsigned i = 0; i < d->nbuses; i++)
        visor_channel_free(d->buses[i].ch);
    visor_chipset_free(d->cvm);
    memset(d, 0, sizeof(*d));
    int any = 0;
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        any |= domains[i].dom != NULL;
    if (!any) {
        visor_switch_free(vswitch);
        vswitch = NULL;
    }
}

static void poll(void *arg);

static void arm(struct vdom *d, uint64_t delay)
{
    if (d->polling)
        return;
    d->polling = 1;
    cs_sched_after(d->dom->machine->sched, delay, poll, d);
}

static void on_cvm_done(void *ctx, const struct visor_cvm_result *r);

static void start(void *arg)
{
    struct vdom *d = arg;
    cs_error err = {0};
    uint8_t m[VISOR_CVM_MSG_SIZE];
    /* every device is attached by now: tell the guest the platform is complete */
    visor_cvm_simple(m, VISOR_CVM_CHIPSET_READY);
    visor_chipset_submit(d->cvm, m, &err);
    d->last_activity = cs_sched_now(d->dom->machine->sched);
    d->started = 1;
    arm(d, 0);
}

/* The guest modules to boot (visor_family_set_guest_modules); none chosen: chansim's own. */
static struct {
    const char *names[VISOR_MAX_GUEST_MODULES];
    size_t n;
} guest_modules;

int visor_family_set_guest_modules(const char *const *names, size_t n)
{
    if (n > VISOR_MAX_GUEST_MODULES)
        return -1;
    for (size_t i = 0; i < n; i++)
        guest_modules.names[i] = names[i];
    guest_modules.n = n;
    return 0;
}

#if VISOR_HAVE_GUEST
static long vmcall(void *ctx, unsigned long nr, unsigned long rbx, unsigned long rcx,
                   unsigned long rdx, uint64_t *cost_ns)
{
    (void)rdx;
    struct vdom *d = ctx;
    *cost_ns = cs_machine_cycles_to_ns(d->dom->machine, d->costs.vmcall);
    visor_family_kick();
    return visor_chipset_vmcall(d->cvm, nr, rbx, rcx);
}

static int guest_hooks(struct vdom *d, cs_error *err)
{
    static const char *const dflt[] = {"visorbus", "visorhba", "visornic", "visorinput"};
    const char *const *wanted = guest_modules.n ? guest_modules.names : dflt;
    size_t nwanted = guest_modules.n ? guest_modules.n : 4;
    const char *mods[VISOR_MAX_GUEST_MODULES];
    size_t n = 0;
    for (size_t i = 0; i < nwanted; i++)
        if (ks_module_exists(wanted[i]))
            mods[n++] = wanted[i];
    if (n == 0 || (!guest_modules.n && strcmp(mods[0], "visorbus") != 0)) {
        d->guest = "no guest visor drivers in this build";
        return 0;
    }
    struct ks_kernel *k = ks_domain_kernel(d->dom, err);
    if (!k)
        return -1;
    ks_kernel_set_vmcall_handler(k, vmcall, d);
    ks_kernel_set_cpuid_vendor(k, 0x40000000, 0x73696e55, 0x70537379, 0x34367261);
    if (ks_acpi_device_add(k, "PNP0A07", err) < 0 || ks_kernel_boot(k, mods, n, err) < 0)
        return -1;
    d->guest = "guest visor drivers booted";
    d->booted = 1;
    d->kernel = k;
    return 0;
}
#endif

/* The command partition's attributes (visor_controlvm.h): on the domain's first s-Par device,
 * which creates the controlvm channel. */
static const char *const cvm_attrs[] = {"controlvm-slots", "controlvm-burst", "controlvm-drain",
                                        "controlvm-stray"};
#define NCVM_ATTRS (sizeof(cvm_attrs) / sizeof(cvm_attrs[0]))

static struct vdom *domain_of(struct cs_domain *dom, const struct cs_device_desc *dev,
                              cs_error *err)
{
    struct vdom *free_slot = NULL;
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i].dom == dom) {
            for (unsigned a = 0; a < NCVM_ATTRS; a++)
                if (cs_device_attr(dev, cvm_attrs[a])) {
                    cs_error_set(err,
                                 "%s: %s belongs on the domain's first spar-device (the "
                                 "controlvm channel exists already)",
                                 dev->where, cvm_attrs[a]);
                    return NULL;
                }
            return &domains[i];
        }
        if (!domains[i].dom && !free_slot)
            free_slot = &domains[i];
    }
    if (!free_slot) {
        cs_error_set(err, "domain '%s': too many s-Par partitions (at most %d)", dom->desc->name,
                     MAX_DOMAINS);
        return NULL;
    }
    struct visor_chipset_config cc;
    /* default, least, most of each attribute */
    static const uint64_t range[NCVM_ATTRS][3] = {
        {VISOR_CVM_MSG_COUNT, 2, VISOR_CVM_MSG_COUNT}, {1, 1, 1024}, {0, 0, 1024}, {0, 0, 1000000}};
    uint64_t x[NCVM_ATTRS];
    for (unsigned a = 0; a < NCVM_ATTRS; a++)
        if (cs_device_attr_u64(dev, cvm_attrs[a], range[a][0], range[a][1], range[a][2], &x[a],
                               err) < 0)
            return NULL;
    cc.slots = (uint32_t)x[0];
    cc.burst = (uint32_t)x[1];
    cc.drain = (uint32_t)x[2];
    cc.stray = (uint32_t)x[3];
    struct vdom *d = free_slot;
    memset(d, 0, sizeof(*d));
    if (visor_costs_load(&d->costs, dom, err) < 0)
        return NULL;
    d->dom = dom;
    d->fw_next = FW_BASE;
    d->fw_end = dom->mem.size / 8;
    d->guest = "no guest kernel";
    cs_machine_on_teardown(dom->machine, release_domain, d);
    uint16_t tap;
    uint64_t gpa = 0;
    if (cs_tap_add_channel(&dom->machine->tap, "visor.controlvm", "visor", &tap, err) < 0 ||
        fw_alloc(d, VISOR_CVM_CHANNEL_BYTES, "the controlvm channel", &gpa, err) < 0 ||
        visor_chipset_create_cfg(&dom->mem, gpa, &cc, &dom->machine->tap, tap, &d->cvm, err) < 0) {
        cs_error_prefix(err, "domain '%s'", dom->desc->name);
        return NULL;
    }
    visor_chipset_on_done(d->cvm, on_cvm_done, d);
    uint8_t m[VISOR_CVM_MSG_SIZE];
    visor_cvm_chipset_init(m, MAX_BUSES, 0, 0);
    visor_chipset_submit(d->cvm, m, err);
#if VISOR_HAVE_GUEST
    if (guest_hooks(d, err) < 0) {
        cs_error_prefix(err, "domain '%s'", dom->desc->name);
        return NULL;
    }
#endif
    cs_sched_after(dom->machine->sched, 0, start, d);
    return d;
}

static struct vbus *bus_of(struct vdom *d, uint32_t no, cs_error *err)
{
    for (unsigned i = 0; i < d->nbuses; i++)
        if (d->buses[i].no == no)
            return &d->buses[i];
    if (d->nbuses == MAX_BUSES) {
        cs_error_set(err, "at most %d s-Par buses per domain", MAX_BUSES);
        return NULL;
    }
    struct vbus *b = &d->buses[d->nbuses];
    uint64_t bytes = 4096 * 4, gpa = 0;
    char name[64];
    snprintf(name, sizeof(name), "visor.bus%u", no);
    struct visor_channel_desc desc = {
        .type = VISOR_GUID_VBUS, .version = 1, .bytes = bytes, .space_offset = bytes, .nqueues = 0};
    if (fw_alloc(d, bytes, name, &gpa, err) < 0 ||
        visor_channel_create(&d->dom->mem, gpa, &desc, NULL, 0, name, &b->ch, err) < 0)
        return NULL;
    uint8_t *h = visor_channel_base(b->ch) + VISOR_VBUS_HDR_INFO;
    visor_put32(h, 128);                                 /* struct_bytes */
    visor_put32(h + 4, VISOR_VBUS_DEVINFO_BYTES);        /* device_info_struct_bytes */
    visor_put32(h + 8, (uint32_t)((bytes - 768) / 256)); /* dev_info_count */
    visor_put32(h + 12, 128);                            /* chp_info_offset */
    visor_put32(h + 16, 384);                            /* bus_info_offset */
    visor_put32(h + 20, 640);                            /* dev_info_offset */
    b->no = no;
    d->nbuses++;
    uint8_t m[VISOR_CVM_MSG_SIZE];
    static const visor_guid siovm = VISOR_GUID_SIOVM;
    visor_cvm_bus_create(m, no, 32, gpa, bytes, &siovm);
    visor_chipset_submit(d->cvm, m, err);
    return b;
}

/* A sparse image of `blocks` 512-byte blocks in a fresh temporary directory. */
static int make_image(struct vdev *v, uint64_t blocks, cs_error *err)
{
    const char *t = getenv("TMPDIR");
    snprintf(v->tmpdir, sizeof(v->tmpdir), "%s/chansim-visor-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(v->tmpdir)) {
        int e = errno;
        v->tmpdir[0] = 0;
        return cs_error_errno(err, e, "%s: temporary directory for the disk image", v->where);
    }
    snprintf(v->image, sizeof(v->image), "%s/%s.img", v->tmpdir, v->name);
    int fd = open(v->image, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)(blocks * 512)) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return cs_error_errno(err, e, "%s: disk image '%s'", v->where, v->image);
    }
    close(fd);
    return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned x[6];
    char tail;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &x[0], &x[1], &x[2], &x[3], &x[4], &x[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++) {
        if (x[i] > 255)
            return -1;
        mac[i] = (uint8_t)x[i];
    }
    return 0;
}

/* The guest workload of a device (visor_workload.h) and its device number. */
static int parse_workload(struct vdom *d, struct vdev *v, const struct cs_device_desc *dev,
                          cs_error *err)
{
    uint64_t x;
    struct visor_workload *w = &v->wl;
    switch (v->info.type) {
    case VISOR_DEV_VHBA:
        w->kind = VISOR_WL_VHBA;
        w->index = d->nhba++;
        w->blocks = visor_vhba_blocks(v->info.vhba);
        if (cs_device_attr_u64(dev, "io", 0, 0, 100000000, &x, err) < 0)
            return -1;
        const char *mode = cs_device_attr(dev, "io-mode");
        if (mode && strcmp(mode, "read") && strcmp(mode, "verify"))
            return cs_error_set(err, "%s: io-mode='%s': expected verify or read", dev->where, mode);
        w->read_only = mode && !strcmp(mode, "read");
        uint64_t depth;
        if (cs_device_attr_u64(dev, "io-depth", 1, 1, VISOR_WL_MAX_DEPTH, &depth, err) < 0)
            return -1;
        /* each process keeps 4 KiB slots of its own */
        if (depth > w->blocks / 8)
            return cs_error_set(err, "%s: io-depth='%llu' needs %llu blocks, the disk has %llu",
                                dev->where, (unsigned long long)depth,
                                (unsigned long long)depth * 8, (unsigned long long)w->blocks);
        w->depth = (unsigned)depth;
        break;
    case VISOR_DEV_VNIC: {
        w->kind = VISOR_WL_VNIC;
        w->index = d->nnic++;
        if (cs_device_attr_u64(dev, "frames", 0, 0, 100000000, &x, err) < 0)
            return -1;
        uint64_t delay;
        if (cs_device_attr_u64(dev, "rx-delay", 0, 0, 1000, &delay, err) < 0)
            return -1;
        w->rx_delay_ms = (unsigned)delay;
        const char *peer = cs_device_attr(dev, "peer");
        if (x && (!peer || parse_mac(peer, w->peer) < 0))
            return cs_error_set(err, "%s: frames='%llu' needs peer='MAC' (the vnic to send to)",
                                dev->where, (unsigned long long)x);
        break;
    }
    default:
        w->kind = VISOR_WL_INPUT;
        w->index = d->ninput++;
        if (cs_device_attr_u64(dev, "events", 0, 0, 100000000, &x, err) < 0)
            return -1;
        const char *hold = cs_device_attr(dev, "hold");
        if (hold && strcmp(hold, "open"))
            return cs_error_set(err, "%s: hold='%s': expected open", dev->where, hold);
        w->hold = hold != NULL;
        break;
    }
    w->count = x;
    v->has_wl = x > 0;
    return 0;
}

static int attach_device(struct vdom *d, struct vdev *v, const struct cs_device_desc *dev,
                         cs_error *err)
{
    struct cs_machine *mach = d->dom->machine;
    uint64_t x, gpa = 0;
    const char *type = dev->type ? dev->type : "";
    visor_guid guid;
    if (!strcmp(type, "vhba")) {
        v->info.type = VISOR_DEV_VHBA;
        guid = (visor_guid)VISOR_GUID_VHBA;
        struct visor_vhba_config cfg;
        if (cs_device_attr_u64(dev, "slots", 128, 64, 4096, &x, err) < 0)
            return -1;
        cfg.slots = (uint32_t)x;
        if (cs_device_attr_u64(dev, "max-io", 65536, 4096, 262144, &x, err) < 0)
            return -1;
        cfg.max_io_size = (uint32_t)x;
        const char *img = cs_device_attr(dev, "image");
        if (img) {
            snprintf(v->image, sizeof(v->image), "%s", img);
        } else {
            if (cs_device_attr_u64(dev, "blocks", 32768, 8, 1ull << 31, &x, err) < 0 ||
                make_image(v, x, err) < 0)
                return -1;
        }
        cfg.image = v->image;
        v->info.image = v->image;
        v->info.bytes = visor_io_channel_bytes(cfg.slots);
        if (fw_alloc(d, v->info.bytes, v->name, &gpa, err) < 0 ||
            visor_vhba_create(&d->dom->mem, gpa, &cfg, &mach->tap, v->tap, v->name, &v->info.vhba,
                              err) < 0)
            return -1;
    } else if (!strcmp(type, "vnic")) {
        v->info.type = VISOR_DEV_VNIC;
        guid = (visor_guid)VISOR_GUID_VNIC;
        struct visor_vnic_config cfg = {{0x02, 0x53, 0x50, (uint8_t)d->dom->desc->name[0],
                                         (uint8_t)v->info.bus, (uint8_t)v->info.dev},
                                        0,
                                        0,
                                        0,
                                        1};
        const char *mac = cs_device_attr(dev, "mac");
        if (mac && parse_mac(mac, cfg.mac) < 0)
            return cs_error_set(err, "%s: mac='%s' is not six hex bytes like 02:00:00:00:00:01",
                                dev->where, mac);
        if (cs_device_attr_u64(dev, "slots", 128, 64, 4096, &x, err) < 0)
            return -1;
        cfg.slots = (uint32_t)x;
        if (cs_device_attr_u64(dev, "rcvbufs", 64, 1, 4096, &x, err) < 0)
            return -1;
        cfg.num_rcv_bufs = (uint32_t)x;
        if (cs_device_attr_u64(dev, "mtu", 1500, 68, 9000, &x, err) < 0)
            return -1;
        cfg.mtu = (uint32_t)x;
        const char *link = cs_device_attr(dev, "link");
        if (link && strcmp(link, "up") && strcmp(link, "down"))
            return cs_error_set(err, "%s: link='%s': expected up or down", dev->where, link);
        cfg.link_up = !link || !strcmp(link, "up");
        if (!vswitch)
            vswitch = visor_switch_new();
        v->info.bytes = visor_io_channel_bytes(cfg.slots);
        if (fw_alloc(d, v->info.bytes, v->name, &gpa, err) < 0 ||
            visor_vnic_create(&d->dom->mem, gpa, &cfg, vswitch, &mach->tap, v->tap, v->name,
                              &v->info.vnic, err) < 0)
            return -1;
        if (cs_device_attr_u64(dev, "port-buffer", VISOR_VNIC_PORT_FRAMES, 1,
                               VISOR_VNIC_PORT_FRAMES, &x, err) < 0)
            return -1;
        visor_vnic_set_port_frames(v->info.vnic, (uint32_t)x);
        const char *in = cs_device_attr(dev, "pcap"), *out = cs_device_attr(dev, "pcap-out");
        if ((in || out) && visor_pcap_port_open(vswitch, in, out, &v->pcap, err) < 0) {
            cs_error_prefix(err, "%s", dev->where);
            return -1;
        }
    } else if (!strcmp(type, "keyboard") || !strcmp(type, "mouse")) {
        int kb = !strcmp(type, "keyboard");
        v->info.type = kb ? VISOR_DEV_KEYBOARD : VISOR_DEV_MOUSE;
        guid = kb ? (visor_guid)VISOR_GUID_KEYBOARD : (visor_guid)VISOR_GUID_MOUSE;
        v->info.bytes = visor_console_channel_bytes();
        if (fw_alloc(d, v->info.bytes, v->name, &gpa, err) < 0 ||
            visor_console_create(&d->dom->mem, gpa, kb ? VISOR_KEYBOARD : VISOR_MOUSE, &mach->tap,
                                 v->tap, v->name, &v->info.console, err) < 0)
            return -1;
        const char *script = cs_device_attr(dev, "script");
        if (script && visor_console_script(v->info.console, script, err) < 0) {
            cs_error_prefix(err, "%s", dev->where);
            return -1;
        }
    } else {
        return cs_error_set(err, "%s: type='%s': expected vhba, vnic, keyboard or mouse",
                            dev->where, type);
    }
    v->info.gpa = gpa;
    const char *fault = cs_device_attr(dev, "fault");
    if (fault && visor_fault_parse(fault, dev->where, &v->faults, &v->nfaults, err) < 0)
        return -1;
    for (size_t i = 0; i < v->nfaults; i++)
        if ((v->faults[i].kind == VISOR_FAULT_LINK_DOWN || v->faults[i].kind == VISOR_FAULT_LINK_UP)
                ? v->info.type != VISOR_DEV_VNIC
                : (v->faults[i].kind == VISOR_FAULT_CRASH ||
                   v->faults[i].kind == VISOR_FAULT_RECOVER) &&
                      v->info.type > VISOR_DEV_VNIC)
            return cs_error_set(err, "%s: fault script: %s applies to %s only", dev->where,
                                v->faults[i].kind == VISOR_FAULT_LINK_DOWN ||
                                        v->faults[i].kind == VISOR_FAULT_LINK_UP
                                    ? "link-up/link-down"
                                    : "crash/recover",
                                v->faults[i].kind == VISOR_FAULT_LINK_DOWN ||
                                        v->faults[i].kind == VISOR_FAULT_LINK_UP
                                    ? "vnic"
                                    : "vhba and vnic (the IO partition)");
    if (parse_workload(d, v, dev, err) < 0)
        return -1;
    uint8_t m[VISOR_CVM_MSG_SIZE];
    visor_cvm_device_create(m, v->info.bus, v->info.dev, gpa, v->info.bytes, &guid, NULL);
    /* every device the guest waits on gets a line: IO devices for answers and frames, input
     * devices for reports (without one visorinput polls every 10 jiffies while open) */
    const char *intr = cs_device_attr(dev, "interrupt");
    if (intr && strcmp(intr, "line") && strcmp(intr, "none"))
        return cs_error_set(err, "%s: interrupt='%s': expected line or none", dev->where, intr);
    /* interrupt='none': no line offered, the guest polls as upstream (slow to drain) */
    if (!(intr && !strcmp(intr, "none"))) {
        v->has_irq = 1;
        v->irq = cs_irq_alloc(&d->dom->irqs, v->name);
        visor_cvm_device_set_irq(m, VISOR_IRQ_HANDLE, v->irq);
    }
    return visor_chipset_submit(d->cvm, m, err);
}

static void fault_fire(void *arg);

static int attach(struct cs_domain *dom, const struct cs_device_desc *dev, cs_error *err)
{
    if (strcmp(dom->desc->arch, "x86_64") != 0)
        return cs_error_set(err, "%s: s-Par is an x86_64 platform; domain '%s' is %s", dev->where,
                            dom->desc->name, dom->desc->arch);
    struct vdom *d = domain_of(dom, dev, err);
    if (!d)
        return -1;
    if (d->ndevs == MAX_DEVICES)
        return cs_error_set(err, "%s: at most %d s-Par devices per domain", dev->where,
                            MAX_DEVICES);
    for (unsigned i = 0; i < d->ndevs; i++)
        if (d->devs[i]->info.bus == dev->addr.spar.bus_no &&
            d->devs[i]->info.dev == dev->addr.spar.dev_no)
            return cs_error_set(err, "%s: bus %u dev %u is already %s", dev->where,
                                dev->addr.spar.bus_no, dev->addr.spar.dev_no, d->devs[i]->where);
    struct vdev *v = calloc(1, sizeof(*v));
    if (!v)
        abort();
    v->d = d;
    v->info.bus = dev->addr.spar.bus_no;
    v->info.dev = dev->addr.spar.dev_no;
    snprintf(v->where, sizeof(v->where), "%s", dev->where);
    snprintf(v->name, sizeof(v->name), "visor.%u.%u", v->info.bus, v->info.dev);
    v->info.name = v->name;
    d->devs[d->ndevs++] = v; /* owned by the domain from here: freed at teardown */
    struct vbus *b = bus_of(d, v->info.bus, err);
    if (!b || cs_tap_add_channel(&dom->machine->tap, v->name, "visor", &v->tap, err) < 0 ||
        attach_device(d, v, dev, err) < 0) {
        if (!strstr(err->msg, dev->where))
            cs_error_prefix(err, "%s", dev->where);
        return -1;
    }
    b->ndevs++;
#if VISOR_HAVE_GUEST
    if (v->has_wl && d->kernel && visor_workload_start(d->kernel, &v->wl) < 0)
        return cs_error_set(err, "%s: cannot start the guest workload", dev->where);
#endif
    for (size_t i = 0; i < v->nfaults; i++)
        cs_sched_after(dom->machine->sched,
                       cs_machine_ns_to_cycles(dom->machine, v->faults[i].at_ns), fault_fire, v);
    return 0;
}

static struct vdev *find(struct vdom *d, uint32_t bus, uint32_t dev)
{
    for (unsigned i = 0; i < d->ndevs; i++)
        if (d->devs[i]->info.bus == bus && d->devs[i]->info.dev == dev)
            return d->devs[i];
    return NULL;
}

static void set_up(struct vdev *v, int up)
{
    v->down = !up;
    if (v->info.vhba)
        visor_vhba_set_up(v->info.vhba, up);
    if (v->info.vnic)
        visor_vnic_set_up(v->info.vnic, up);
    uint8_t rec[4];
    visor_put32(rec, up ? VISOR_PART_UP : VISOR_PART_DOWN);
    cs_tap_msg(&v->d->dom->machine->tap, v->tap, CS_TAP_INTERNAL, VISOR_K_PARTITION, rec, 4);
}

static void on_cvm_done(void *ctx, const struct visor_cvm_result *r)
{
    struct vdom *d = ctx;
    if (!r->response)
        return;
    uint32_t bus = visor_le32(r->command + VISOR_MSG_PACKET);
    uint32_t dev = visor_le32(r->command + VISOR_MSG_PACKET + 4);
    if (r->failed && !d->cvm_error[0])
        snprintf(d->cvm_error, sizeof(d->cvm_error),
                 "command 0x%x (handle %llu) failed with completion status %u", r->id,
                 (unsigned long long)r->handle, r->completion_status);
    if (r->id == VISOR_CVM_DEVICE_DESTROY) {
        struct vdev *v = find(d, bus, dev);
        if (v && !r->failed)
            v->info.destroyed = 1;
        else if (v)
            v->stopping = 0;
    }
    if (r->id == VISOR_CVM_DEVICE_CHANGESTATE) {
        struct vdev *v = find(d, bus, dev);
        if (v && v->pause_handle == r->handle) {
            v->paused = 1;
            if (v->resume_wanted) { /* the recovery waited for the pause to complete */
                uint8_t m[VISOR_CVM_MSG_SIZE];
                cs_error err = {0};
                set_up(v, 1);
                visor_cvm_device_changestate(m, v->info.bus, v->info.dev, VISOR_SEGSTATE_RUNNING);
                visor_chipset_submit(d->cvm, m, &err);
                v->resume_wanted = 0;
                v->paused = 0;
            }
        }
    }
}

static void fault_fire(void *arg)
{
    struct vdev *v = arg;
    struct vdom *d = v->d;
    if (v->next_fault >= v->nfaults)
        return;
    const struct visor_fault_event *e = &v->faults[v->next_fault++];
    uint8_t m[VISOR_CVM_MSG_SIZE];
    cs_error err = {0};
    struct visor_chipset_stats cs;
    switch (e->kind) {
    case VISOR_FAULT_CRASH:
        set_up(v, 0);
        visor_cvm_device_changestate(m, v->info.bus, v->info.dev, VISOR_SEGSTATE_STANDBY);
        visor_chipset_stats(d->cvm, &cs);
        v->pause_handle = cs.submitted + 1; /* the handle the chipset gives it */
        visor_chipset_submit(d->cvm, m, &err);
        break;
    case VISOR_FAULT_RECOVER:
        if (v->paused) {
            set_up(v, 1);
            visor_cvm_device_changestate(m, v->info.bus, v->info.dev, VISOR_SEGSTATE_RUNNING);
            visor_chipset_submit(d->cvm, m, &err);
            v->paused = 0;
        } else {
            v->resume_wanted = 1;
        }
        break;
    case VISOR_FAULT_DESTROY: {
        v->stopping = 1;
        visor_cvm_device_destroy(m, v->info.bus, v->info.dev);
        visor_chipset_submit(d->cvm, m, &err);
        unsigned live = 0;
        for (unsigned i = 0; i < d->ndevs; i++)
            live += d->devs[i]->info.bus == v->info.bus && d->devs[i]->next_fault > 0 &&
                    d->devs[i]->faults[d->devs[i]->next_fault - 1].kind == VISOR_FAULT_DESTROY;
        for (unsigned i = 0; i < d->nbuses; i++)
            if (d->buses[i].no == v->info.bus && live == d->buses[i].ndevs) {
                visor_cvm_bus_destroy(m, v->info.bus);
                visor_chipset_submit(d->cvm, m, &err);
            }
        break;
    }
    case VISOR_FAULT_LINK_DOWN:
    case VISOR_FAULT_LINK_UP:
        visor_vnic_set_link(v->info.vnic, e->kind == VISOR_FAULT_LINK_UP);
        break;
    case VISOR_FAULT_POKE: {
        struct visor_channel *ch = v->info.vhba   ? visor_vhba_channel(v->info.vhba)
                                   : v->info.vnic ? visor_vnic_channel(v->info.vnic)
                                                  : visor_console_channel(v->info.console);
        if (visor_channel_poke(ch, e->queue, e->off, e->width, e->value, &err) < 0 &&
            !v->fault_msg[0])
            keep_msg(v->fault_msg, sizeof(v->fault_msg), err.msg);
        break;
    }
    }
    visor_family_kick();
}

/* After a poll of a device: a signal inserted into the guest's queue raises the device's
 * interrupt when the driver asked for interrupts. An edge per batch: the line is lowered and
 * raised again (cs_irq delivers on a rising edge while the level holds). */
static void maybe_interrupt(struct vdev *v)
{
    if (!v->has_irq)
        return;
    struct visor_channel *ch = v->info.vhba      ? visor_vhba_channel(v->info.vhba)
                               : v->info.vnic    ? visor_vnic_channel(v->info.vnic)
                               : v->info.console ? visor_console_channel(v->info.console)
                                                 : NULL;
    if (!ch)
        return;
    struct visor_queue_stats st;
    /* input reports go to the guest on queue 0 */
    visor_channel_stats(ch, v->info.console ? 0 : VISOR_IO_Q_FROM_IOPART, &st);
    if (st.sent == v->irq_sent)
        return;
    v->irq_sent = st.sent;
    if (!visor_channel_wants_ints(ch))
        return;
    cs_irq_set_level(&v->d->dom->irqs, v->irq, 0);
    cs_irq_set_level(&v->d->dom->irqs, v->irq, 1);
}

static void poll(void *arg)
{
    struct vdom *d = arg;
    if (!d->dom)
        return;
    struct cs_sched *s = d->dom->machine->sched;
    uint64_t now = cs_sched_now(s), moved = 0, bytes = 0, scsi = 0;
    cs_error err = {0};
    d->polling = 0;
    if (now >= d->next_cvm) {
        struct visor_chipset_stats before, after;
        visor_chipset_stats(d->cvm, &before);
        int n = visor_chipset_poll(d->cvm, &err);
        visor_chipset_stats(d->cvm, &after);
#if VISOR_HAVE_GUEST
        /* ring the controlvm doorbell so that the guest looks at once (docs/visor-guest.md) */
        if (d->kernel && (after.sent > before.sent || after.stray_sent > before.stray_sent) &&
            ks_acpi_notify(d->kernel, "PNP0A07", 0x80, &err) < 0 && !d->cvm_error[0])
            keep_msg(d->cvm_error, sizeof(d->cvm_error), err.msg);
#else
        (void)before;
        (void)after;
#endif
        if (n < 0 && !d->cvm_error[0])
            keep_msg(d->cvm_error, sizeof(d->cvm_error), err.msg);
        moved += n > 0 ? (uint64_t)n : 0;
        d->next_cvm = now + d->costs.controlvm_poll;
    }
    for (unsigned i = 0; i < d->ndevs; i++) {
        struct vdev *v = d->devs[i];
        if (v->info.destroyed || v->stopping || v->info.header_faults)
            continue;
        uint64_t b = 0;
        int n = 0;
        if (v->info.vhba) {
            struct visor_vhba_stats st0, st1;
            visor_vhba_stats(v->info.vhba, &st0);
            n = visor_vhba_poll(v->info.vhba, 64, &b, &err);
            visor_vhba_stats(v->info.vhba, &st1);
            scsi += st1.commands - st0.commands;
        } else if (v->info.vnic) {
            if (v->pcap && visor_vnic_enabled(v->info.vnic) && visor_vnic_posted(v->info.vnic)) {
                int k = visor_pcap_port_inject(v->pcap, visor_vnic_posted(v->info.vnic), &err);
                if (k < 0) {
                    keep_msg(v->fault_msg, sizeof(v->fault_msg), err.msg);
                    visor_pcap_port_close(v->pcap);
                    v->pcap = NULL;
                    cs_error_clear(&err);
                } else {
                    moved += (uint64_t)k;
                }
            }
            n = visor_vnic_poll(v->info.vnic, 64, &b, &err);
        } else {
            n = visor_console_poll(v->info.console, &err);
        }
        if (n < 0) {
            v->info.header_faults++;
            if (!v->fault_msg[0])
                keep_msg(v->fault_msg, sizeof(v->fault_msg), err.msg);
            cs_error_clear(&err);
            continue;
        }
        moved += (uint64_t)n;
        bytes += b;
    }
    /* after every device had its turn: a vnic's poll may deliver into another vnic's queue */
    for (unsigned i = 0; i < d->ndevs; i++)
        if (!d->devs[i]->info.destroyed)
            maybe_interrupt(d->devs[i]);
    if (moved) {
        d->last_activity = now;
        d->interval = d->costs.poll_interval;
    } else {
        d->interval =
            d->interval < d->costs.poll_interval ? d->costs.poll_interval : 2 * d->interval;
        if (d->interval > d->costs.poll_max)
            d->interval = d->costs.poll_max > d->costs.poll_interval ? d->costs.poll_max
                                                                     : d->costs.poll_interval;
    }
    /* a guest that is running answers commands at its own pace (up to 1 s between controlvm
     * polls when idle): wait for it, but not for ever */
    int waiting = visor_chipset_outstanding(d->cvm) > 0 || visor_chipset_strays_waiting(d->cvm) > 0;
    for (unsigned i = 0; i < d->ndevs; i++)
        waiting |= d->devs[i]->has_wl && !d->devs[i]->wl.finished;
    int work = d->booted && waiting && now - d->last_activity < 40 * d->costs.idle_stop;
    if (moved || work || now - d->last_activity < d->costs.idle_stop) {
        d->polling = 1;
        cs_sched_after(s, d->interval + visor_busy_cycles(&d->costs, moved, bytes, scsi), poll, d);
    }
}

void visor_family_kick(void)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (domains[i].dom && domains[i].started) {
            domains[i].last_activity = cs_sched_now(domains[i].dom->machine->sched);
            domains[i].interval = domains[i].costs.poll_interval;
            arm(&domains[i], 0);
        }
}

size_t visor_devices(struct visor_device_info *out, size_t max)
{
    size_t n = 0;
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        for (unsigned j = 0; domains[i].dom && j < domains[i].ndevs; j++)
            if (n < max)
                out[n++] = domains[i].devs[j]->info;
    return n;
}

struct visor_chipset *visor_family_chipset(void)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (domains[i].dom)
            return domains[i].cvm;
    return NULL;
}

static void report(FILE *out)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct vdom *d = &domains[i];
        if (!d->dom)
            continue;
        struct visor_chipset_stats cs;
        visor_chipset_stats(d->cvm, &cs);
        fprintf(out,
                "visor %-20s %s: controlvm %llu/%llu commands sent, %llu acked, %llu answered "
                "(%llu failed), %llu protocol errors%s%s%s\n",
                "visor.controlvm", d->dom->desc->name, (unsigned long long)cs.sent,
                (unsigned long long)cs.submitted, (unsigned long long)cs.acked,
                (unsigned long long)cs.responded, (unsigned long long)cs.failed,
                (unsigned long long)cs.protocol_errors, cs.protocol_errors ? " (first: " : "",
                cs.protocol_errors ? cs.first_error : "", cs.protocol_errors ? ")" : "");
        fprintf(out, "visor %-20s %s: %s%s%s\n", "visor.controlvm", d->dom->desc->name, d->guest,
                d->cvm_error[0] ? "; " : "", d->cvm_error);
        /* how often each queue was found full (num_overflows: the guest counts its own
         * inserts, the chipset its own) and the largest burst of commands in flight */
        struct visor_queue_stats q[4];
        for (unsigned k = 0; k < 4; k++)
            visor_channel_stats(visor_chipset_channel(d->cvm), k, &q[k]);
        fprintf(out,
                "visor %-20s %s: queues full: q0 responses %llu, q1 %llu, q2 commands %llu, q3 "
                "ACKs %llu; at most %llu commands in flight\n",
                "visor.controlvm", d->dom->desc->name, (unsigned long long)q[0].overflows,
                (unsigned long long)q[1].overflows, (unsigned long long)q[2].overflows,
                (unsigned long long)q[3].overflows, (unsigned long long)cs.max_in_flight);
        /* stray messages in q1: every one inserted is one the guest removed and discarded (its
         * num_received), none lost or repeated */
        if (cs.stray_sent || visor_chipset_strays_waiting(d->cvm))
            fprintf(out,
                    "visor %-20s %s: q1 stray responses: %llu/%llu inserted (%llu while commands "
                    "were pending), %llu discarded by the guest\n",
                    "visor.controlvm", d->dom->desc->name, (unsigned long long)cs.stray_sent,
                    (unsigned long long)(cs.stray_sent + visor_chipset_strays_waiting(d->cvm)),
                    (unsigned long long)cs.stray_pending, (unsigned long long)q[1].received);
        for (unsigned j = 0; j < d->ndevs; j++) {
            struct vdev *v = d->devs[j];
            char what[1024] = "";
            if (v->info.vhba) {
                struct visor_vhba_stats s;
                visor_vhba_stats(v->info.vhba, &s);
                snprintf(what, sizeof(what),
                         "vhba on %s: %llu SCSI commands (%llu reads, %llu writes, %llu check "
                         "conditions), %llu task management, %llu bad requests",
                         v->image, (unsigned long long)s.commands, (unsigned long long)s.reads,
                         (unsigned long long)s.writes, (unsigned long long)s.check_conditions,
                         (unsigned long long)s.taskmgmt, (unsigned long long)s.bad_requests);
            } else if (v->info.vnic) {
                struct visor_vnic_stats s;
                visor_vnic_stats(v->info.vnic, &s);
                snprintf(what, sizeof(what),
                         "vnic: %llu frames sent, %llu received, %llu dropped, %llu receive "
                         "buffers posted",
                         (unsigned long long)s.tx_frames, (unsigned long long)s.rx_frames,
                         (unsigned long long)s.rx_dropped, (unsigned long long)s.posted);
            } else {
                snprintf(what, sizeof(what), "%s: %llu input reports inserted, %u waiting",
                         v->info.type == VISOR_DEV_KEYBOARD ? "keyboard" : "mouse",
                         (unsigned long long)visor_console_sent(v->info.console),
                         visor_console_queued(v->info.console));
            }
            struct visor_channel *ch = v->info.vhba   ? visor_vhba_channel(v->info.vhba)
                                       : v->info.vnic ? visor_vnic_channel(v->info.vnic)
                                                      : visor_console_channel(v->info.console);
            struct visor_queue_stats q0, q1;
            visor_channel_stats(ch, 0, &q0);
            visor_channel_stats(ch, 1, &q1);
            char perq[64] = "";
            if (!v->info.console) /* IO channels: to the IO partition, from it */
                snprintf(perq, sizeof(perq), " (q0 %llu, q1 %llu)",
                         (unsigned long long)q0.overflows, (unsigned long long)q1.overflows);
            fprintf(out, "visor %-20s %s%s; overflows %llu%s%s%s\n", v->name, what,
                    v->info.destroyed ? "; destroyed" : "",
                    (unsigned long long)(q0.overflows + q1.overflows), perq,
                    v->fault_msg[0] ? "; " : "", v->fault_msg);
            /* vhba: how often the command queue was full (the driver answered busy) */
            char busy[96] = "";
            if (v->has_wl && v->wl.kind == VISOR_WL_VHBA)
                snprintf(busy, sizeof(busy), ", %llu busy", (unsigned long long)v->wl.busy);
            if (v->has_wl && v->wl.kind == VISOR_WL_VNIC && v->wl.rx_delay_ms) {
                /* a slow reader: every frame it lost must be one the IO partition dropped */
                struct visor_vnic_stats ns;
                visor_vnic_stats(v->info.vnic, &ns);
                if (v->wl.lost == ns.rx_dropped && v->wl.lost == v->wl.rx_dropped)
                    snprintf(busy, sizeof(busy),
                             ", %llu lost: dropped by the IO partition, counted by visornic",
                             (unsigned long long)v->wl.lost);
                else
                    snprintf(busy, sizeof(busy),
                             ", %llu lost, %llu dropped by the IO partition, %llu counted by "
                             "visornic",
                             (unsigned long long)v->wl.lost, (unsigned long long)ns.rx_dropped,
                             (unsigned long long)v->wl.rx_dropped);
            }
            if (v->wl.violations) /* the guest refused what the back-end broke */
                snprintf(busy + strlen(busy), sizeof(busy) - strlen(busy), ", %llu violations",
                         (unsigned long long)v->wl.violations);
            if (v->has_wl)
                fprintf(
                    out,
                    "visor %-20s workload: %llu/%llu %s, %llu verified, %llu errors%s%s%s%s%s\n",
                    v->name, (unsigned long long)v->wl.done, (unsigned long long)v->wl.count,
                    v->wl.kind == VISOR_WL_VHBA   ? "commands done"
                    : v->wl.kind == VISOR_WL_VNIC ? "frames sent"
                                                  : "input events read",
                    (unsigned long long)v->wl.verified, (unsigned long long)v->wl.errors, busy,
                    v->wl.holding ? ", still open" : "", v->wl.finished ? "" : ", not finished",
                    v->wl.error[0] ? ": " : "", v->wl.error);
        }
    }
}

const struct cs_family visor_family = {
    .name = "visor",
    .models = "<chansim:spar-device type='vhba|vnic|keyboard|mouse' bus=... dev=...> (s-Par)",
    .costs = visor_cost_table,
    .ncosts = VISOR_COST_COUNT,
    .claims = claims,
    .attach = attach,
    .report = report,
};
