/* The CRQ channel family: a PAPR VIO VMC device of a ppc64 domain, i.e.
 *
 *   <chansim:vio model='ibmvmc' reg='0x30000002' [messages='8'] [size='4096'] [sessions='1']
 *                [hmc='echo|reverse'] [max-hmc='1'] [pool='8'] [mtu='4096'] [hv-restart='N']
 *                [hv-fault='cap-max-hmc-0,signal-partition-buffer,payload-before-init,
 *                           double-cap-resp'] [engine='c|rtl']/>
 *
 * becomes the hypervisor's CRQ facility with a VMC endpoint, the unmodified ibmvmc driver in
 * the domain's guest kernel (hcalls routed to the facility, the device on the VIO bus), and a
 * management application exchanging `messages` HMC messages of `size` bytes per session.
 * `engine` chooses what moves elements through the CRQ: the C model or the RTL engine
 * (docs/rtl.md); the hcalls stay in C either way. */
#include "crq_family.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_machine.h"
#include "crq_replay.h"
#include "crq_timing.h"
#include "kshim/domain.h"
#include "kshim/kernel.h"

#define LOCAL_LIOBN_BASE  0x1000
#define REMOTE_LIOBN_BASE 0x80000000u

struct crq_domain {
    struct cs_domain *dom;
    struct crq_facility *f;
    struct ks_kernel *k;
    unsigned adapters;
};

static struct crq_domain domains[16];
static struct crq_vmc_device *devices[16];
static size_t ndevices;

static int claims(const struct cs_domain_desc *dom, const struct cs_device_desc *dev)
{
    (void)dom;
    return dev->bus == CS_BUS_SPAPR_VIO && dev->model && strcmp(dev->model, "ibmvmc") == 0 &&
           strcmp(dev->element, "chansim:vio") == 0;
}

static long hcall(void *ctx, unsigned long opcode, const unsigned long *args, unsigned nargs,
                  unsigned long *rets, uint64_t *cost_ns)
{
    return crq_hcall(ctx, opcode, args, nargs, rets, cost_ns);
}

static int dma_mapped(void *ctx, uint64_t addr, uint64_t len)
{
    return ks_dma_is_mapped(ctx, addr, len);
}

static void release_domain(void *arg)
{
    struct crq_domain *d = arg;
    crq_facility_free(d->f);
    memset(d, 0, sizeof(*d));
}

/* The domain's CRQ state: the facility (absent when a recorded hypervisor answers) and, unless
 * a recorded partition plays the guest side, the kernel running ibmvmc. */
static struct crq_domain *domain_of(struct cs_domain *dom, int with_kernel, int with_facility,
                                    cs_error *err)
{
    struct crq_domain *free_slot = NULL;
    for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
        if (domains[i].dom == dom)
            return &domains[i];
        if (!domains[i].dom && !free_slot)
            free_slot = &domains[i];
    }
    if (!free_slot) {
        cs_error_set(err, "domain '%s': too many CRQ partitions", dom->desc->name);
        return NULL;
    }
    struct crq_domain *d = free_slot;
    if (with_facility && crq_facility_create(dom, &d->f, err) < 0)
        return NULL;
    d->dom = dom;
    cs_machine_on_teardown(dom->machine, release_domain, d);
    if (!with_kernel)
        return d;
    if (!(d->k = ks_domain_kernel(dom, err)))
        return NULL;
    if (d->f) {
        crq_facility_set_dma_check(d->f, dma_mapped, d->k);
        ks_kernel_set_hcall_handler(d->k, hcall, d->f);
    }
    const char *mods[] = {"ibmvmc"};
    if (ks_kernel_boot(d->k, mods, 1, err) < 0)
        return NULL;
    return d;
}

static int parse_faults(const struct cs_device_desc *dev, uint32_t *faults, cs_error *err)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } names[] = {{"cap-max-hmc-0", VMC_FAULT_CAP_MAX_HMC_ZERO},
                 {"signal-partition-buffer", VMC_FAULT_SIGNAL_PARTITION_BUF},
                 {"payload-before-init", VMC_FAULT_PAYLOAD_BEFORE_INIT},
                 {"double-cap-resp", VMC_FAULT_DOUBLE_CAP_RESP}};
    *faults = 0;
    const char *v = cs_device_attr(dev, "hv-fault");
    if (!v || !*v)
        return 0;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", v);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof(names) / sizeof(names[0]) && strcmp(names[i].name, t) != 0)
            i++;
        if (i == sizeof(names) / sizeof(names[0]))
            return cs_error_set(err,
                                "%s: hv-fault '%s' is unknown (known: cap-max-hmc-0, "
                                "signal-partition-buffer, payload-before-init, double-cap-resp)",
                                dev->where, t);
        *faults |= names[i].bit;
    }
    return 0;
}

static void release_device(void *arg)
{
    struct crq_vmc_device *d = arg;
    for (size_t i = 0; i < ndevices; i++)
        if (devices[i] == d)
            devices[i] = devices[--ndevices];
    vmc_hv_free(d->hv);
    vmc_app_free(d->agent);
    free(d);
}

static int attach(struct cs_domain *dom, const struct cs_device_desc *dev, cs_error *err)
{
    if (strcmp(dom->desc->arch, "ppc64") != 0 && strcmp(dom->desc->arch, "ppc64le") != 0)
        return cs_error_set(err, "%s: the VMC is a PowerVM device; domain '%s' is %s, not ppc64",
                            dev->where, dom->desc->name, dom->desc->arch);
    struct crq_vmc_device *d = calloc(1, sizeof(*d));
    if (!d)
        abort();
    uint64_t v;
    struct vmc_hv_config cfg;
    vmc_hv_default_config(&cfg);
    int rc = 0;
    rc |= cs_device_attr_u64(dev, "messages", 8, 0, 100000000, &v, err);
    d->app.messages = (unsigned)v;
    rc |= rc ? 0 : cs_device_attr_u64(dev, "size", 4096, 1, 16384, &v, err);
    d->app.size = (uint32_t)v;
    rc |= rc ? 0 : cs_device_attr_u64(dev, "sessions", 1, 0, 1000, &v, err);
    d->app.sessions = (unsigned)v;
    rc |= rc ? 0 : cs_device_attr_u64(dev, "max-hmc", 1, 1, 2, &v, err);
    cfg.max_hmc = (uint8_t)v;
    rc |= rc ? 0 : cs_device_attr_u64(dev, "pool", 8, 1, 64, &v, err);
    cfg.pool_size = (uint16_t)v;
    rc |= rc ? 0 : cs_device_attr_u64(dev, "mtu", 4096, 4096, 16384, &v, err);
    cfg.mtu = (uint32_t)v;
    rc |= rc ? 0 : parse_faults(dev, &cfg.faults, err);
    rc |= rc ? 0 : cs_device_attr_u64(dev, "hv-restart", 0, 0, UINT32_MAX, &v, err);
    cfg.restart_after = (uint32_t)v;
    const char *hmc = cs_device_attr(dev, "hmc");
    if (!rc && hmc && strcmp(hmc, "echo") != 0 && strcmp(hmc, "reverse") != 0)
        rc = cs_error_set(err, "%s: hmc='%s': expected echo or reverse", dev->where, hmc);
    cfg.hmc = hmc && strcmp(hmc, "reverse") == 0 ? VMC_HMC_REVERSE : VMC_HMC_ECHO;
    d->app.expect = cfg.hmc;
    const char *engine_attr = cs_device_attr(dev, "engine");
    if (!rc && engine_attr && strcmp(engine_attr, "c") != 0 && strcmp(engine_attr, "rtl") != 0)
        rc = cs_error_set(err, "%s: engine='%s': expected c or rtl", dev->where, engine_attr);
    enum crq_engine engine =
        engine_attr && strcmp(engine_attr, "rtl") == 0 ? CRQ_ENGINE_RTL : CRQ_ENGINE_C;
    const char *clock_attr = cs_device_attr(dev, "rtl-clock");
    if (!rc && clock_attr && strcmp(clock_attr, "continuous") != 0 &&
        strcmp(clock_attr, "on-demand") != 0)
        rc = cs_error_set(err, "%s: rtl-clock='%s': expected continuous or on-demand", dev->where,
                          clock_attr);
    enum crq_rtl_clock rtl_clock = clock_attr && strcmp(clock_attr, "on-demand") == 0
                                       ? CRQ_RTL_CLOCK_ON_DEMAND
                                       : CRQ_RTL_CLOCK_CONTINUOUS;
    rc |=
        rc ? 0
           : cs_device_attr_u64(dev, "rtl-quantum", CRQ_RTL_QUANTUM_DEFAULT, 1, 1u << 20, &v, err);
    uint32_t rtl_quantum = (uint32_t)v;
    if (!rc && d->app.size > cfg.mtu)
        rc = cs_error_set(err, "%s: size %u exceeds the mtu %u", dev->where, d->app.size, cfg.mtu);
    if (rc) {
        free(d);
        return -1;
    }
    cs_machine_on_teardown(dom->machine, release_device, d);

    struct crq_replay *rp = crq_replay_active();
    int replay_fw = rp && crq_replay_mode(rp) == CRQ_REPLAY_FIRMWARE;
    int replay_guest = rp && crq_replay_mode(rp) == CRQ_REPLAY_GUEST;
    struct crq_domain *cd = domain_of(dom, !replay_guest, !replay_fw, err);
    if (!cd)
        return -1;
    uint32_t unit = dev->addr.vio.reg;
    uint64_t local = LOCAL_LIOBN_BASE + cd->adapters, remote = REMOTE_LIOBN_BASE + cd->adapters;
    cd->adapters++;
    snprintf(d->name, sizeof(d->name), "%s.vmc-%x", dom->desc->name, unit);
    unsigned irq;
    if (replay_fw) {
        /* the recorded hypervisor answers this device's hcalls */
        irq = cs_irq_alloc(&dom->irqs, d->name);
        ks_kernel_set_hcall_handler(cd->k, crq_replay_hcall, rp);
        if (crq_replay_bind_firmware(rp, dom, d->name, unit, irq, err) < 0)
            return -1;
    } else {
        if (vmc_hv_create(cd->f, d->name, unit, local, remote, &cfg, &d->hv, err) < 0) {
            cs_error_prefix(err, "%s", dev->where);
            return -1;
        }
        if (crq_adapter_set_engine(vmc_hv_adapter(d->hv), engine, err) < 0 ||
            crq_adapter_set_rtl_clock(vmc_hv_adapter(d->hv), rtl_clock, rtl_quantum, err) < 0) {
            cs_error_prefix(err, "%s", dev->where);
            return -1;
        }
        irq = crq_adapter_irq(vmc_hv_adapter(d->hv));
        if (replay_guest) /* the recorded partition drives the model: no kernel, no driver */
            return crq_replay_bind_guest(rp, dom, d->name, cd->f, vmc_hv_adapter(d->hv), err);
    }
    /* ibm,my-dma-window: local LIOBN, address, size; remote LIOBN, address, size — one
     * 32-bit cell each, as ibm,#dma-address-cells and ibm,#dma-size-cells say; big-endian. */
    uint8_t window[24];
    crq_put32(window, (uint32_t)local);
    crq_put32(window + 4, 0);
    crq_put32(window + 8, (uint32_t)(dom->mem.size > UINT32_MAX ? UINT32_MAX : dom->mem.size));
    crq_put32(window + 12, (uint32_t)remote);
    crq_put32(window + 16, 0);
    crq_put32(window + 20, UINT32_MAX);
    uint8_t one[4];
    crq_put32(one, 1);
    const struct ks_dt_prop props[] = {{"ibm,my-dma-window", window, (int)sizeof(window)},
                                       {"ibm,#dma-address-cells", one, 4},
                                       {"ibm,#dma-size-cells", one, 4}};
    if (ks_vio_device_add(cd->k, "vmc", "ibm,vmc", "IBM,vmc", unit, irq, props, 3, err) < 0) {
        cs_error_prefix(err, "%s", dev->where);
        return -1;
    }
    d->kernel = cd->k;
    if (d->app.messages || d->app.sessions)
        d->agent = vmc_app_start(cd->k, &d->app, &d->result);
    if (ndevices < sizeof(devices) / sizeof(devices[0]))
        devices[ndevices++] = d;
    return 0;
}

int crq_family_open_waves(const char *path, cs_error *err)
{
    int n = 0;
    for (size_t i = 0; i < ndevices; i++) {
        struct crq_adapter *a = devices[i]->hv ? vmc_hv_adapter(devices[i]->hv) : NULL;
        if (!a || crq_adapter_engine(a) != CRQ_ENGINE_RTL)
            continue;
        char name[4096];
        if (n)
            snprintf(name, sizeof(name), "%s.%d", path, n);
        else
            snprintf(name, sizeof(name), "%s", path);
        if (crq_adapter_wave_open(a, name, err) < 0)
            return -1;
        n++;
    }
    return n;
}

size_t crq_vmc_devices(struct crq_vmc_device *const **out)
{
    *out = devices;
    return ndevices;
}

static void report(FILE *out)
{
    for (size_t i = 0; i < ndevices; i++) {
        const struct crq_vmc_device *d = devices[i];
        const struct vmc_app_result *r = &d->result;
        struct vmc_hv_stats st = {0};
        if (d->hv)
            vmc_hv_stats(d->hv, &st);
        fprintf(out,
                "vmc %-22s %llu/%u messages of %u bytes echoed%s, %llu sessions opened, "
                "%llu closed, %llu hypervisor restarts%s\n",
                d->name, (unsigned long long)(r->received - r->mismatched),
                d->app.messages * (d->app.sessions ? d->app.sessions : 1), d->app.size,
                r->mismatched ? " (some corrupted)" : "", (unsigned long long)st.opened,
                (unsigned long long)st.closed, (unsigned long long)st.restarts,
                r->done ? (r->errors ? ", agent saw errors" : "") : ", agent did not finish");
    }
}

const struct cs_family crq_family = {
    .name = "crq",
    .models = "<chansim:vio model='ibmvmc' reg=...> (PowerVM VMC over a CRQ)",
    .costs = crq_cost_table,
    .ncosts = CRQ_COST_COUNT,
    .claims = claims,
    .attach = attach,
    .report = report,
};
