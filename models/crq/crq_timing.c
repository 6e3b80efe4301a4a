#include "crq_timing.h"

#include "cs_machine.h"

const struct cs_cost crq_cost_table[CRQ_COST_COUNT] = {
    {"crq.hcall", 600,
     "trivial PowerVM hcalls 459-695 ns (AIX lparstat -H: h_ipoll, pic, cppr, enter; "
     "crq-vmc.md §6)"},
    {"crq.h_send_crq", 8593,
     "H_SEND_CRQ 8 593 ns, one sample (AIX lparstat -H fixture; crq-vmc.md §6)"},
    {"crq.h_copy_rdma", 2300,
     "no published figure; taken as add_logical_lan_buf (2 307 ns), the nearest hcall that "
     "maps and touches a buffer (crq-vmc.md §6)"},
    {"crq.h_copy_rdma_per_kib", 100,
     "no published figure; memory-to-memory copy at about 10 GB/s on POWER9 firmware "
     "(assumption, to be calibrated with CONFIG_HCALL_STATS)"},
    {"vmc.hv_response", 5000,
     "no published figure; the hypervisor answers a VMC message within the cost of one "
     "H_SEND_CRQ of its own (assumption)"},
    {"crq.enqueue", 13,
     "1 + 3L with L = crq.rtl_mem_latency: the RTL engine's enqueue on an empty ring, measured "
     "by test_crq_engine cycle_counts (docs/rtl.md, Timing)"},
    {"crq.reclaim_per_slot", 4,
     "L = crq.rtl_mem_latency: one header read per slot the reclaim pass looks at (docs/rtl.md, "
     "Timing: enqueue R = 1, 2)"},
    {"crq.drop", 5,
     "1 + L with L = crq.rtl_mem_latency: the full producer slot's header read (docs/rtl.md, "
     "Timing: DROPPED R = 1 is 1 + 2L)"},
    {"crq.reclaim_pass", 1,
     "the RTL engine's RECLAIM register write that starts a reclaim pass without an enqueue "
     "(the hypervisor's fullness check before a send): 1 + R*L measured by test_crq_engine "
     "cycle_counts (docs/rtl.md, Timing)"},
    {"crq.reg_write", 1,
     "one register-port write of the RTL engine, a clock edge (docs/rtl.md, Registers): "
     "H_REG_CRQ takes 3, H_FREE_CRQ 2, H_VIO_SIGNAL and H_ENABLE_CRQ 1 of the queue side's time"},
    {"crq.rtl_mem_latency", 4,
     "no published figure; guest memory answering the RTL engine in 4 platform cycles, a "
     "cache-near latency at the hypervisor's clock (assumption)"},
};

int crq_costs_load(struct crq_costs *c, const struct cs_domain *dom, cs_error *err)
{
    if (cs_domain_cost(dom, "crq.hcall", &c->hcall, err) < 0 ||
        cs_domain_cost(dom, "crq.h_send_crq", &c->send, err) < 0 ||
        cs_domain_cost(dom, "crq.h_copy_rdma", &c->rdma, err) < 0 ||
        cs_domain_cost(dom, "crq.h_copy_rdma_per_kib", &c->rdma_per_kib, err) < 0 ||
        cs_domain_cost(dom, "vmc.hv_response", &c->hv_response, err) < 0 ||
        cs_domain_cost(dom, "crq.enqueue", &c->enqueue, err) < 0 ||
        cs_domain_cost(dom, "crq.reclaim_per_slot", &c->reclaim_per_slot, err) < 0 ||
        cs_domain_cost(dom, "crq.drop", &c->drop, err) < 0 ||
        cs_domain_cost(dom, "crq.reclaim_pass", &c->reclaim_pass, err) < 0 ||
        cs_domain_cost(dom, "crq.reg_write", &c->reg_write, err) < 0 ||
        cs_domain_cost(dom, "crq.rtl_mem_latency", &c->rtl_mem_latency, err) < 0)
        return -1;
    return 0;
}

uint64_t crq_hcall_cost(const struct crq_costs *c, unsigned long opcode, const unsigned long *args,
                        unsigned nargs)
{
    switch (opcode) {
    case 0x108: /* H_SEND_CRQ */
        return c->send;
    case 0x110: /* H_COPY_RDMA */
        return c->rdma + (nargs ? c->rdma_per_kib * ((args[0] + 1023) / 1024) : 0);
    default:
        return c->hcall;
    }
}
