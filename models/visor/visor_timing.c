#include "visor_timing.h"

#include "cs_machine.h"

const struct cs_cost visor_cost_table[VISOR_COST_COUNT] = {
    {"visor.signal", 120,
     "measured: chansim-bench-visor, a signal through the channel model (header validation and "
     "tap included) with the guest's end in 65-120 ns on the build host (docs/visor.md, "
     "Figures); 120 allows for the cache misses a second partition's core takes on the shared "
     "header"},
    {"visor.poll_interval", 10000,
     "no published s-Par figure; an IO partition polling its channels every 10 us (assumption; "
     "the guest side polls every 2 ms, visorhba_main.c kthread, spec visor.md §4.3)"},
    {"visor.copy_per_kib", 100,
     "memory-to-memory copy at about 10 GB/s (x86 server memcpy, assumption); the build host's "
     "memcpy of 4 KiB blocks measures 25-40 GB/s, so this is a loaded-system figure"},
    {"visor.scsi_service", 5000,
     "no published s-Par figure; a disk image on host page cache served by the IO partition in "
     "5 us per command, data aside (assumption)"},
    {"visor.controlvm_poll", 1000000,
     "1 ms: the command partition's pass over the controlvm queues; visorchipset polls every "
     "jiffy (spec visor.md §3.1), so commands meet at the guest's pace (assumption)"},
    {"visor.vmcall", 1500,
     "VM exit + entry round trip on VT-x, about 1-1.5 us (published KVM measurements of "
     "vmcall latency; assumption for s-Par's hypervisor)"},
    {"visor.idle_stop", 50000000,
     "50 ms without any signal on any channel of the domain: the partitions stop polling so "
     "that a run ends when the guest is idle (a modelling choice, not a hardware figure)"},
    {"visor.poll_max", 100000,
     "100 us: an idle partition backs off, doubling its poll interval after each empty poll up "
     "to this, and polls at visor.poll_interval again once a signal moved (a modelling choice "
     "that bounds the pick-up delay of an idle partition)"},
};

int visor_costs_load(struct visor_costs *c, const struct cs_domain *dom, cs_error *err)
{
    if (cs_domain_cost(dom, "visor.signal", &c->signal, err) < 0 ||
        cs_domain_cost(dom, "visor.poll_interval", &c->poll_interval, err) < 0 ||
        cs_domain_cost(dom, "visor.copy_per_kib", &c->copy_per_kib, err) < 0 ||
        cs_domain_cost(dom, "visor.scsi_service", &c->scsi_service, err) < 0 ||
        cs_domain_cost(dom, "visor.controlvm_poll", &c->controlvm_poll, err) < 0 ||
        cs_domain_cost(dom, "visor.vmcall", &c->vmcall, err) < 0 ||
        cs_domain_cost(dom, "visor.idle_stop", &c->idle_stop, err) < 0 ||
        cs_domain_cost(dom, "visor.poll_max", &c->poll_max, err) < 0)
        return -1;
    if (c->poll_interval == 0 || c->controlvm_poll == 0)
        return cs_error_set(err,
                            "domain '%s': visor.poll_interval and visor.controlvm_poll "
                            "must be at least 1 cycle",
                            dom->desc->name);
    return 0;
}

void visor_costs_default(struct visor_costs *c)
{
    c->signal = visor_cost_table[0].cycles;
    c->poll_interval = visor_cost_table[1].cycles;
    c->copy_per_kib = visor_cost_table[2].cycles;
    c->scsi_service = visor_cost_table[3].cycles;
    c->controlvm_poll = visor_cost_table[4].cycles;
    c->vmcall = visor_cost_table[5].cycles;
    c->idle_stop = visor_cost_table[6].cycles;
    c->poll_max = visor_cost_table[7].cycles;
}

uint64_t visor_busy_cycles(const struct visor_costs *c, uint64_t signals, uint64_t bytes,
                           uint64_t scsi)
{
    return signals * c->signal + (bytes * c->copy_per_kib + 1023) / 1024 + scsi * c->scsi_service;
}
