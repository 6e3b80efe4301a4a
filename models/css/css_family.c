/* The CSS channel family: vfio-ccw DASD passthrough of an s390x domain, i.e.
 *
 *   <hostdev mode='subsystem' type='mdev' model='vfio-ccw'>
 *     <source><address uuid='UUID'/></source>
 *     <address type='ccw' cssid='0xfe' ssid='0' devno='0x0100'/>
 *   </hostdev>
 *   <chansim:dasd mdev='UUID' [image='FILE'] [model='3390-3|3390-9'] [readonly='yes|no']
 *                 [ios='256'] [seed='1'] [program='rw|identify|read|flags|halt|clear|checks']/>
 *
 * becomes the domain's channel-subsystem model with a 3390 on a host subchannel (device number
 * of the hostdev's devno), the unmodified vfio_ccw driver in the domain's kernel, the mdev of
 * the hostdev's UUID on that subchannel, and the VM guest as a user process running ECKD
 * channel programs through the mdev's I/O region (css_vfio_guest.h). Without `image`, a
 * sparse image is made in a directory of its own under $TMPDIR (else /tmp) and removed with
 * the machine. A hostdev without a chansim:dasd gets the defaults. */
#include "css_family.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_machine.h"
#include "css.h"
#include "css_timing.h"
#include "dasd.h"
#include "dasd_image.h"
#include "dasd_timing.h"
#include "kshim/css.h"
#include "kshim/css_model.h"
#include "kshim/domain.h"
#include "kshim/kernel.h"
#include "kshim/mdev.h"
#include "kshim/vfio.h"

#define MAX_DEVICES 16

struct css_domain {
    struct cs_domain *dom;
    struct css *c;
    struct ks_kernel *k;
    struct dasd_costs costs;
    char tmpdir[512]; /* of the images made for the run, or "" */
    struct css_dasd_device *devs[MAX_DEVICES];
    size_t ndevs;
};

static struct css_domain domains[16];
static struct css_dasd_device *devices[MAX_DEVICES];
static size_t ndevices;

/* One costs array for the machine: the channel subsystem's and the 3390's. */
static struct cs_cost costs[CSS_COST_COUNT + DASD_COST_COUNT];

__attribute__((constructor)) static void costs_init(void)
{
    memcpy(costs, css_cost_table, sizeof(css_cost_table));
    memcpy(costs + CSS_COST_COUNT, dasd_cost_table, sizeof(dasd_cost_table));
}

static int is_s390(const struct cs_domain_desc *dom)
{
    return dom->arch && strcmp(dom->arch, "s390x") == 0;
}

static int is_vfio_ccw(const struct cs_device_desc *dev)
{
    return strcmp(dev->element, "hostdev") == 0 && dev->model &&
           strcmp(dev->model, "vfio-ccw") == 0;
}

static int is_dasd(const struct cs_device_desc *dev)
{
    return strcmp(dev->element, "chansim:dasd") == 0;
}

static int claims(const struct cs_domain_desc *dom, const struct cs_device_desc *dev)
{
    return is_s390(dom) && (is_vfio_ccw(dev) || is_dasd(dev));
}

/* One of `names` (NULL-terminated); *out its index, def without the attribute. */
static int attr_enum(const struct cs_device_desc *dev, const char *name, const char *const *names,
                     const char *expected, int def, int *out, cs_error *err)
{
    const char *v = dev ? cs_device_attr(dev, name) : NULL;
    *out = def;
    if (!v)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], v) == 0) {
            *out = i;
            return 0;
        }
    return cs_error_set(err, "%s: attribute %s='%s': expected %s", dev->where, name, v, expected);
}

static const char *uuid_of(const struct cs_device_desc *dev)
{
    return cs_device_attr(dev, is_dasd(dev) ? "mdev" : "uuid");
}

/* The other half of a pair: the chansim:dasd naming a hostdev's UUID, or the hostdev a
 * chansim:dasd names. */
static const struct cs_device_desc *partner(const struct cs_domain_desc *dom,
                                            const struct cs_device_desc *dev)
{
    const char *uuid = uuid_of(dev);
    if (!uuid)
        return NULL;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const struct cs_device_desc *o = &dom->devices[i];
        if (o != dev && (is_dasd(dev) ? is_vfio_ccw(o) : is_dasd(o)) && uuid_of(o) &&
            strcasecmp(uuid_of(o), uuid) == 0)
            return o;
    }
    return NULL;
}

static int valid_uuid(const char *u)
{
    if (strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !strchr("0123456789abcdefABCDEF", u[i]))
            return 0;
    }
    return 1;
}

static void release_domain(void *arg)
{
    /* runs after the kernel is gone (registered before it) and the queue has stopped */
    struct css_domain *d = arg;
    css_free(d->c);
    for (size_t i = 0; i < d->ndevs; i++) {
        struct css_dasd_device *dd = d->devs[i];
        cs_error err = {0};
        if (dd->dasd && dasd_close(dd->dasd, &err) < 0)
            fprintf(stderr, "chansim: %s: %s\n", dd->name, err.msg);
        if (dd->image_is_temp)
            remove(dd->image);
        for (size_t j = 0; j < ndevices; j++)
            if (devices[j] == dd)
                devices[j] = devices[--ndevices];
        free(dd);
    }
    if (d->tmpdir[0])
        rmdir(d->tmpdir);
    memset(d, 0, sizeof(*d));
}

/* The domain's CSS and its kernel with vfio_ccw, made on the first device. */
static struct css_domain *domain_of(struct cs_domain *dom, cs_error *err)
{
    struct css_domain *free_slot = NULL;
    for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
        if (domains[i].dom == dom)
            return &domains[i];
        if (!domains[i].dom && !free_slot)
            free_slot = &domains[i];
    }
    if (!free_slot) {
        cs_error_set(err, "domain '%s': too many s390 domains", dom->desc->name);
        return NULL;
    }
    struct css_domain *d = free_slot;
    if (dasd_costs_load(&d->costs, dom, err) < 0 || css_create(dom, &d->c, err) < 0)
        return NULL;
    d->dom = dom;
    cs_machine_on_teardown(dom->machine, release_domain, d);
    if (!(d->k = ks_domain_kernel(dom, err)))
        return NULL;
    ks_css_use_model(d->k, d->c);
    const char *mods[] = {"vfio_ccw"};
    if (ks_kernel_boot(d->k, mods, 1, err) < 0)
        return NULL;
    return d;
}

/* program='denied': a host that forgot the guest's pins. The channel may still store into
 * pinned pages (Sense ID and RDC work) but fetches only from the kernel's allocations (the
 * translated CCWs and IDALs), so every write's parameters or data are refused: rule S22 is
 * broken on purpose, for every subchannel of the domain. */
static int fetch_kmem_only(void *k, uint64_t gpa, uint64_t len, int write)
{
    if (write)
        return ks_kmem_in_use(k, gpa, len) || ks_vfio_gpa_pinned(k, gpa, len) ? 0 : 1;
    return ks_kmem_in_use(k, gpa, len) ? 0 : 1;
}

static int make_image(struct css_domain *d, struct css_dasd_device *dd, int model, cs_error *err)
{
    if (!d->tmpdir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(d->tmpdir, sizeof(d->tmpdir), "%s/chansim-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
                 d->dom->desc->name);
        if (!mkdtemp(d->tmpdir)) {
            cs_error_set(err, "%s: cannot make a directory for its image: %s", dd->name, d->tmpdir);
            d->tmpdir[0] = 0;
            return -1;
        }
    }
    snprintf(dd->image, sizeof(dd->image), "%s/%04x.img", d->tmpdir, (unsigned)(dd->sid & 0xffff));
    dd->image_is_temp = 1;
    return dasd_image_create(dd->image, model, 4096, err);
}

static int attach(struct cs_domain *dom, const struct cs_device_desc *dev, cs_error *err)
{
    if (is_dasd(dev)) {
        /* all the work is done for the hostdev it names */
        const char *uuid = uuid_of(dev);
        if (!uuid)
            return cs_error_set(err,
                                "%s: attribute mdev (the UUID of a vfio-ccw hostdev) is "
                                "missing",
                                dev->where);
        if (!partner(dom->desc, dev))
            return cs_error_set(err, "%s: mdev='%s' names no vfio-ccw hostdev of domain '%s'",
                                dev->where, uuid, dom->desc->name);
        return 0;
    }
    const char *uuid = uuid_of(dev);
    if (!uuid || !valid_uuid(uuid))
        return cs_error_set(err, "%s: source address uuid='%s' is not a UUID", dev->where,
                            uuid ? uuid : "");
    if (dev->bus != CS_BUS_CCW)
        return cs_error_set(err, "%s: a vfio-ccw hostdev needs <address type='ccw' .../>",
                            dev->where);
    const struct cs_device_desc *cfgdev = partner(dom->desc, dev);
    uint64_t ios, seed;
    int model, ro, program;
    static const char *const models[] = {"3390-3", "3390-9", NULL};
    static const char *const bools[] = {"no", "yes", "false", "true", "0", "1", NULL};
    static const char *const programs[] = {"rw",    "identify", "read",   "flags", "halt",
                                           "clear", "checks",   "denied", NULL};
    static const enum css_vfio_program program_of[] = {
        CSS_PROG_RW,   CSS_PROG_IDENTIFY, CSS_PROG_READ,   CSS_PROG_FLAGS,
        CSS_PROG_HALT, CSS_PROG_CLEAR,    CSS_PROG_CHECKS, CSS_PROG_DENIED};
    if (cs_device_attr_u64(cfgdev, "ios", 256, 0, 1000000, &ios, err) < 0 ||
        cs_device_attr_u64(cfgdev, "seed", 1, 0, UINT64_MAX, &seed, err) < 0 ||
        attr_enum(cfgdev, "model", models, "3390-3 or 3390-9", 0, &model, err) < 0 ||
        attr_enum(cfgdev, "readonly", bools, "yes or no", 0, &ro, err) < 0 ||
        attr_enum(cfgdev, "program", programs,
                  "rw, identify, read, flags, halt, clear, checks or denied", 0, &program, err) < 0)
        return -1;
    const char *image = cfgdev ? cs_device_attr(cfgdev, "image") : NULL;
    if (image && !*image)
        return cs_error_set(err, "%s: attribute image is empty", cfgdev->where);

    struct css_domain *d = domain_of(dom, err);
    if (!d)
        return -1;
    if (d->ndevs == MAX_DEVICES)
        return cs_error_set(err, "%s: more than %d vfio-ccw DASDs in domain '%s'", dev->where,
                            MAX_DEVICES, dom->desc->name);
    struct css_dasd_device *dd = calloc(1, sizeof(*dd));
    if (!dd)
        abort();
    d->devs[d->ndevs++] = dd;
    snprintf(dd->name, sizeof(dd->name), "%s.%x.%x.%04x", dom->desc->name, dev->addr.ccw.cssid,
             dev->addr.ccw.ssid, dev->addr.ccw.devno);
    /* the host subchannel: the first free one of set 0 (its number names the image) */
    uint32_t schno = (uint32_t)d->ndevs - 1;
    dd->sid = schno;
    if (image)
        snprintf(dd->image, sizeof(dd->image), "%s", image);
    else if (make_image(d, dd, model ? 9 : 3, err) < 0) {
        cs_error_prefix(err, "%s", dev->where);
        return -1;
    }
    struct dasd_options o = {.readonly = ro % 2, .costs = &d->costs};
    if (!(dd->dasd = dasd_open(dd->image, &o, err))) {
        cs_error_prefix(err, "%s", cfgdev ? cfgdev->where : dev->where);
        return -1;
    }
    if (css_attach_device(d->c, 0, 0, dev->addr.ccw.devno, 0x40 + (uint8_t)schno, &dasd_device_ops,
                          dd->dasd, &dd->sid, err) < 0 ||
        ks_css_subchannel_add(d->k, dd->sid, css_subchannel_channel(d->c, dd->sid), err) < 0) {
        cs_error_prefix(err, "%s", dev->where);
        return -1;
    }
    dd->cfg.k = d->k;
    snprintf(dd->cfg.parent, sizeof(dd->cfg.parent), "0.0.%04x", (unsigned)(dd->sid & 0xffff));
    snprintf(dd->cfg.uuid, sizeof(dd->cfg.uuid), "%s", uuid);
    dd->cfg.program = program_of[program];
    if (dd->cfg.program == CSS_PROG_DENIED)
        css_set_access_check(d->c, fetch_kmem_only, d->k);
    dd->cfg.ios = (uint32_t)ios;
    dd->cfg.seed = seed;
    dd->cfg.block_size = 4096;
    dd->cfg.readonly = dasd_readonly(dd->dasd);
    if (ndevices < MAX_DEVICES)
        devices[ndevices++] = dd;
    css_vfio_guest_start(&dd->cfg, &dd->result);
    return 0;
}

int css_family_mdev_sysfs(const char *dir, cs_error *err)
{
    int n = 0;
    for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
        struct css_domain *d = &domains[i];
        if (!d->dom || !d->k)
            continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, d->dom->desc->name) >= sizeof(path))
            return cs_error_set(err, "mdev tree: directory name too long: %s", dir);
        if (ks_mdev_sysfs_attach(d->k, path, err) < 0)
            return -1;
        n++;
    }
    return n;
}

size_t css_dasd_devices(struct css_dasd_device *const **out)
{
    *out = devices;
    return ndevices;
}

static void report(FILE *out)
{
    static const char *const names[] = {"rw",   "identify", "read",   "flags",
                                        "halt", "clear",    "checks", "denied"};
    for (size_t i = 0; i < ndevices; i++) {
        const struct css_dasd_device *d = devices[i];
        const struct css_vfio_guest_result *r = &d->result;
        double iops = r->sim_ns ? r->io_programs / (r->sim_ns / 1e9) : 0;
        double lat_us = r->io_programs ? r->sim_ns / 1e3 / r->io_programs : 0;
        fprintf(out,
                "dasd %-22s %04x/%04x vfio-ccw %s: %llu programs, %llu bytes verified, %llu "
                "errors, %.0f IOPS, %.1f us per I/O (simulated), image %s%s%s\n",
                d->name, r->cu_type, r->dev_type, names[d->cfg.program],
                (unsigned long long)r->programs, (unsigned long long)r->bytes,
                (unsigned long long)r->errors, iops, lat_us, d->image,
                d->image_is_temp ? " (sparse, removed after the run)" : "",
                r->done ? "" : ", guest did not finish");
        if (r->why[0])
            fprintf(out, "     first error: %s\n", r->why);
    }
}

const struct cs_family css_family = {
    .name = "css",
    .models = "<hostdev type='mdev' model='vfio-ccw'> and <chansim:dasd> of s390x domains",
    .costs = costs,
    .ncosts = CSS_COST_COUNT + DASD_COST_COUNT,
    .claims = claims,
    .attach = attach,
    .report = report,
};
