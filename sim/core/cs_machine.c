#include "cs_machine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_trace.h"

static const struct cs_family *claimant(const struct cs_family *const *families, size_t n,
                                        const struct cs_domain_desc *dom,
                                        const struct cs_device_desc *dev)
{
    for (size_t i = 0; i < n; i++)
        if (families[i]->claims(dom, dev))
            return families[i];
    return NULL;
}

static int no_model(const struct cs_family *const *families, size_t n,
                    const struct cs_device_desc *dev, cs_error *err)
{
    char what[256] = "";
    int w = 0;
    if (dev->type)
        w += snprintf(what + w, sizeof(what) - (size_t)w, " type='%s'", dev->type);
    if (dev->model && w < (int)sizeof(what))
        snprintf(what + w, sizeof(what) - (size_t)w, " model='%s'", dev->model);
    char known[512] = "";
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof(known); i++)
        k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%s", i ? "; " : "",
                              families[i]->models);
    return cs_error_set(err, "%s%s: chansim has no model for this device (it models: %s)",
                        dev->where, what, n ? known : "no devices yet in this build");
}

static int build_domain(struct cs_machine *m, struct cs_domain *d,
                        const struct cs_family *const *families, size_t nfamilies, cs_error *err)
{
    const struct cs_domain_desc *desc = d->desc;
    if (cs_gmem_init(&d->mem, desc->memory_bytes, desc->name, err) < 0)
        return -1;
    cs_irq_set_init(&d->irqs, m->sched);
    for (size_t i = 0; i < nfamilies; i++)
        if (cs_calib_add(&d->calib, families[i]->costs, families[i]->ncosts, err) < 0)
            return -1;
    for (size_t i = 0; i < desc->ncosts; i++)
        if (cs_calib_override(&d->calib, desc->costs[i].op, desc->costs[i].cycles,
                              desc->costs[i].where, err) < 0)
            return -1;
    cs_tap_log(&m->tap, m->sim_channel, 6, "domain %s: %s%s%s, %" PRIu64 " MiB, %u vCPU",
               desc->name, desc->arch, desc->machine ? " " : "", desc->machine ? desc->machine : "",
               desc->memory_bytes >> 20, desc->vcpus);
    /* Check every device before attaching any, so nothing half-built runs. */
    for (size_t i = 0; i < desc->ndevices; i++)
        if (!claimant(families, nfamilies, desc, &desc->devices[i]))
            return no_model(families, nfamilies, &desc->devices[i], err);
    for (size_t i = 0; i < desc->ndevices; i++) {
        const struct cs_family *f = claimant(families, nfamilies, desc, &desc->devices[i]);
        if (f->attach(d, &desc->devices[i], err) < 0)
            return -1;
    }
    return 0;
}

int cs_machine_build(const struct cs_platform *p, const struct cs_family *const *families,
                     size_t nfamilies, struct cs_trace_writer *trace, struct cs_machine **out,
                     cs_error *err)
{
    return cs_machine_build_observed(p, families, nfamilies, trace, NULL, NULL, out, err);
}

int cs_machine_build_observed(const struct cs_platform *p, const struct cs_family *const *families,
                              size_t nfamilies, struct cs_trace_writer *trace,
                              int (*ready)(struct cs_machine *m, void *ctx, cs_error *err),
                              void *ctx, struct cs_machine **out, cs_error *err)
{
    *out = NULL;
    struct cs_machine *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->platform = p;
    m->sched = cs_sched_new();
    if (trace) {
        uint8_t uuid[16];
        cs_platform_fingerprint(p, uuid);
        if (cs_trace_writer_set_uuid(trace, uuid, err) < 0) {
            cs_sched_free(m->sched);
            free(m);
            return -1;
        }
    }
    cs_tap_init(&m->tap, m->sched, trace);
    if (cs_tap_add_channel(&m->tap, "sim", "sim", &m->sim_channel, err) < 0)
        goto fail;
    cs_tap_log(&m->tap, m->sim_channel, 6, "platform %s (%s), clock %" PRIu64 " Hz", p->source,
               p->uri, p->clock_hz);
    if (ready && ready(m, ctx, err) < 0)
        goto fail;
    m->domains = calloc(p->ndomains, sizeof(*m->domains));
    if (!m->domains && p->ndomains)
        abort();
    for (size_t i = 0; i < p->ndomains; i++) {
        struct cs_domain *d = &m->domains[m->ndomains++];
        d->desc = &p->domains[i];
        d->machine = m;
        if (build_domain(m, d, families, nfamilies, err) < 0)
            goto fail;
    }
    *out = m;
    return 0;
fail:
    cs_machine_free(m);
    return -1;
}

void cs_machine_on_teardown(struct cs_machine *m, void (*fn)(void *arg), void *arg)
{
    struct cs_teardown *t = realloc(m->teardowns, (m->nteardowns + 1) * sizeof(*t));
    if (!t)
        abort();
    m->teardowns = t;
    t[m->nteardowns++] = (struct cs_teardown){fn, arg};
}

void cs_machine_free(struct cs_machine *m)
{
    if (!m)
        return;
    while (m->nteardowns) {
        struct cs_teardown t = m->teardowns[--m->nteardowns];
        t.fn(t.arg);
    }
    free(m->teardowns);
    for (size_t i = 0; i < m->ndomains; i++) {
        cs_gmem_release(&m->domains[i].mem);
        cs_irq_set_release(&m->domains[i].irqs);
        cs_calib_release(&m->domains[i].calib);
    }
    free(m->domains);
    cs_tap_release(&m->tap);
    cs_sched_free(m->sched);
    free(m);
}

uint64_t cs_machine_cycles_to_ns(const struct cs_machine *m, uint64_t cycles)
{
    if (m->platform->clock_hz == 1000000000u) /* the default clock: no 128-bit division */
        return cycles;
    return (uint64_t)((unsigned __int128)cycles * 1000000000u / m->platform->clock_hz);
}

uint64_t cs_machine_ns_to_cycles(const struct cs_machine *m, uint64_t ns)
{
    if (m->platform->clock_hz == 1000000000u)
        return ns;
    return (uint64_t)((unsigned __int128)ns * m->platform->clock_hz / 1000000000u);
}

int cs_domain_cost(const struct cs_domain *dom, const char *op, uint64_t *cycles, cs_error *err)
{
    const struct cs_calib_entry *e = cs_calib_find(&dom->calib, op);
    if (!e)
        return cs_error_set(err, "domain '%s': calibration entry '%s' missing", dom->desc->name,
                            op);
    *cycles = e->cycles;
    return 0;
}
