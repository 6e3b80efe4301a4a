/* chansim-bench-vfio-ccw: 4 KiB random reads of a 3390 through the whole vfio-ccw path. A user
 * process builds each ECKD read (Define Extent, Locate Record, Read Data: guest/eckd) in its
 * buffer, writes the ORB through the I/O region, waits on the eventfd and reads the IRB back;
 * the unmodified vfio_ccw translates and pins, the channel-subsystem model runs the program on
 * the 3390 model. Prints reads per second of wall time (the figure issue #5 sets at 100,000)
 * and the simulated IOPS and latency the calibration gives. Argument: number of reads. */
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "css.h"
#include "css_timing.h"
#include "dasd.h"
#include "dasd_image.h"
#include "eckd_program.h"
#include "kshim/css.h"
#include "kshim/css_model.h"
#include "kshim/kernel.h"
#include "kshim/mdev.h"
#include "kshim/vfio.h"

#define UUID     "5d1e2c3b-4a59-4687-9a0b-c1d2e3f40516"
#define GUEST_IO 0x10000u
#define GUEST_SZ 0x20000u
#define PROG     0x10000u /* programs: IOVA 0x10000-0x1ffff */
#define DATA     0x20000u /* the 4 KiB block */

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
    struct ks_kernel *k;
    char parent[16];
    unsigned long reads;
    unsigned long done, bad;
    uint64_t sim_ns;
    double wall_ns, cpu_ns; /* cpu: this process's CPU time, apart from other load */
    uint8_t *mem;
    uint64_t next;
    char why[1100];
} b;

static double clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

/* Guest memory for the ECKD builders: IOVAs of the process's buffer. */
static int g_alloc(void *ctx, size_t len, size_t align, uint64_t *addr, cs_error *err)
{
    (void)ctx;
    uint64_t a = (b.next + align - 1) / align * align;
    if (a + len > DATA)
        return cs_error_set(err, "program memory exhausted");
    *addr = a;
    b.next = a + len;
    return 0;
}
static int g_write(void *ctx, uint64_t addr, const void *buf, size_t len, cs_error *err)
{
    (void)ctx;
    if (addr < GUEST_IO || addr + len > GUEST_IO + GUEST_SZ)
        return cs_error_set(err, "write at %#llx outside guest memory", (unsigned long long)addr);
    memcpy(b.mem + (addr - GUEST_IO), buf, len);
    return 0;
}
static int g_read(void *ctx, uint64_t addr, void *buf, size_t len, cs_error *err)
{
    (void)ctx;
    if (addr < GUEST_IO || addr + len > GUEST_IO + GUEST_SZ)
        return cs_error_set(err, "read at %#llx outside guest memory", (unsigned long long)addr);
    memcpy(buf, b.mem + (addr - GUEST_IO), len);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void qemu(struct ks_uproc *p, void *arg)
{
    (void)arg;
    for (int i = 0; i < 100 && ks_mdev_available(b.k, b.parent, "vfio_ccw-io") < 0; i++)
        ks_sys_sleep_ms(p, 1);
    cs_error err = {0};
    if (ks_mdev_create(b.k, b.parent, "vfio_ccw-io", UUID, &err)) {
        snprintf(b.why, sizeof(b.why), "%s", err.msg);
        return;
    }
    int fd = ks_sys_open(p, "/dev/vfio/" UUID, O_RDWR);
    int efd = ks_sys_eventfd(p, 0, 0);
    struct vfio_irq_set *set = ks_umalloc(p, sizeof(*set) + sizeof(int32_t));
    *set = (struct vfio_irq_set){.argsz = sizeof(*set) + sizeof(int32_t),
                                 .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                                 .index = VFIO_CCW_IO_IRQ_INDEX,
                                 .count = 1};
    memcpy(set->data, &efd, sizeof(int32_t));
    uint8_t *raw = ks_umalloc(p, GUEST_SZ + 4096);
    b.mem = (uint8_t *)(((uintptr_t)raw + 4095) & ~(uintptr_t)4095);
    struct ccw_io_region *io = ks_umalloc(p, sizeof(*io));
    uint64_t *n = ks_umalloc(p, sizeof(*n));
    if (fd < 0 || efd < 0 || ks_sys_ioctl(p, fd, VFIO_DEVICE_SET_IRQS, (unsigned long)set) ||
        ks_vfio_dma_map(p, fd, b.mem, GUEST_IO, GUEST_SZ) || !io || !n) {
        snprintf(b.why, sizeof(b.why), "device setup failed (fd %d)", fd);
        return;
    }
    struct eckd_devinfo di = {
        .cu_type = 0x3990, .dev_type = 0x3390, .cylinders = 3339, .heads = 15};
    struct eckd_geom g;
    if (eckd_geom_3390(&di, 4096, &g, &err)) {
        snprintf(b.why, sizeof(b.why), "%s", err.msg);
        return;
    }
    const uint64_t blocks = (uint64_t)g.cylinders * g.heads * g.blocks_per_track;
    const struct eckd_mem mem = {NULL, g_alloc, g_write, g_read};
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    double t0 = now_ns(), c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t s0 = ks_now_ns();
    for (unsigned long i = 0; i < b.reads; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        struct eckd_program prog;
        b.next = PROG;
        if (eckd_build_rw(&mem, &g, ECKD_READ, (seed >> 20) % blocks, 1, DATA, 0, (uint32_t)i,
                          &prog, &err)) {
            snprintf(b.why, sizeof(b.why), "%s", err.msg);
            return;
        }
        memset(io, 0, sizeof(*io));
        memcpy(io->orb_area, prog.orb_bytes, sizeof(io->orb_area));
        put32(io->scsw_area, 4u << 12); /* start function */
        if (ks_sys_pwrite(p, fd, io, sizeof(*io), 0) != (ssize_t)sizeof(*io) ||
            ks_sys_read(p, efd, n, sizeof(*n)) != sizeof(*n) ||
            ks_sys_pread(p, fd, io, sizeof(*io), 0) != (ssize_t)sizeof(*io)) {
            b.bad++;
            continue;
        }
        /* channel end and device end, no subchannel status */
        if (io->irb_area[8] != 0x0c || io->irb_area[9] != 0 || io->ret_code)
            b.bad++;
        b.done++;
    }
    b.sim_ns = ks_now_ns() - s0;
    b.wall_ns = now_ns() - t0;
    b.cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
    ks_sys_close(p, fd);
    ks_mdev_remove(b.k, UUID, &err);
}

int main(int argc, char **argv)
{
    b.reads = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    cs_error err = {0};
    struct cs_platform *pl;
    struct cs_machine *m;
    const struct cs_family *fams[] = {&css_costs, &dasd_costs};
    if (cs_platform_load(BENCH_PLATFORM, NULL, &pl, &err) ||
        cs_machine_build(pl, fams, 2, NULL, &m, &err)) {
        fprintf(stderr, "chansim-bench-vfio-ccw: %s\n", err.msg);
        return 1;
    }
    struct cs_domain *dom = &m->domains[0];
    struct css *c;
    const char *tmp = getenv("TMPDIR");
    char tdir[512];
    snprintf(tdir, sizeof(tdir), "%s/bench-vfio-ccw-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tdir)) {
        perror("chansim-bench-vfio-ccw: mkdtemp");
        return 1;
    }
    char full[600];
    snprintf(full, sizeof(full), "%s/vol.img", tdir);
    struct dasd_costs costs;
    struct dasd *dev = NULL;
    uint32_t sid;
    if (css_create(dom, &c, &err) || dasd_image_create(full, 3, 4096, &err) ||
        dasd_costs_load(&costs, dom, &err) ||
        !(dev = dasd_open(full, &(struct dasd_options){.costs = &costs}, &err)) ||
        css_attach_device(c, 0, 0, 0x0200, 0x40, &dasd_device_ops, dev, &sid, &err) ||
        ks_kernel_create(dom, "host", &b.k, &err)) {
        fprintf(stderr, "chansim-bench-vfio-ccw: %s\n", err.msg);
        return 1;
    }
    snprintf(b.parent, sizeof(b.parent), "0.0.%04x", sid & 0xffff);
    ks_css_use_model(b.k, c);
    const char *mods[] = {"vfio_ccw"};
    if (ks_kernel_boot(b.k, mods, 1, &err) ||
        ks_css_subchannel_add(b.k, sid, css_subchannel_channel(c, sid), &err)) {
        fprintf(stderr, "chansim-bench-vfio-ccw: %s\n", err.msg);
        return 1;
    }
    ks_uproc_spawn(b.k, "qemu", qemu, NULL);
    struct cs_run_opts ro = {0};
    struct cs_run_summary sum;
    if (cs_sc_run(m, &ro, &sum, &err)) {
        fprintf(stderr, "chansim-bench-vfio-ccw: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    if (b.why[0] || b.done != b.reads || b.bad) {
        fprintf(stderr, "chansim-bench-vfio-ccw: %lu of %lu reads done, %lu bad %s\n", b.done,
                b.reads, b.bad, b.why);
        rc = 1;
    } else {
        double per_s = b.reads / (b.wall_ns / 1e9);
        printf("vfio-ccw 4 KiB random reads (vfio_ccw + CSS model + 3390 model): %lu reads\n",
               b.reads);
        printf("  wall:      %.0f reads/s (%.2f us each; target >= 100000/s)\n", per_s,
               b.wall_ns / 1e3 / b.reads);
        printf("  CPU time:  %.0f reads/s (%.2f us each)\n", b.reads / (b.cpu_ns / 1e9),
               b.cpu_ns / 1e3 / b.reads);
        printf("  simulated: %.0f IOPS, %.1f us per read, one at a time\n",
               b.reads / (b.sim_ns / 1e9), b.sim_ns / 1e3 / b.reads);
    }
    ks_kernel_destroy(b.k);
    dasd_close(dev, &err);
    css_free(c);
    cs_machine_free(m);
    cs_platform_free(pl);
    remove(full);
    rmdir(tdir);
    return rc;
}
