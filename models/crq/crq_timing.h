/* Cycle costs of the CRQ facility and the VMC hypervisor endpoint, from the calibration table
 * (docs/calibration.md). Values are platform-clock cycles; the defaults assume the default
 * 1 GHz clock, so 1 cycle = 1 ns. */
#ifndef CRQ_TIMING_H
#define CRQ_TIMING_H

#include <stddef.h>
#include <stdint.h>

#include "cs_calib.h"
#include "cs_error.h"

struct cs_domain;

#define CRQ_COST_COUNT 11
extern const struct cs_cost crq_cost_table[CRQ_COST_COUNT];

struct crq_costs {
    uint64_t hcall;        /* a trivial hcall (H_REG_CRQ, H_VIO_SIGNAL, ...) */
    uint64_t send;         /* H_SEND_CRQ */
    uint64_t rdma;         /* H_COPY_RDMA, fixed part */
    uint64_t rdma_per_kib; /* H_COPY_RDMA, per KiB moved */
    uint64_t hv_response;  /* the hypervisor endpoint's turnaround before it answers */
    /* Queue operations of crq_send(), as the RTL engine measures them (docs/rtl.md). */
    uint64_t enqueue;          /* an element written, reclaim pass aside */
    uint64_t reclaim_per_slot; /* each slot the reclaim pass looks at */
    uint64_t drop;             /* the producer slot found full, reclaim pass aside */
    uint64_t reclaim_pass;     /* a reclaim pass on its own (the fullness check), slots aside */
    uint64_t reg_write;        /* a configuration write (registration, interrupt enable) */
    uint64_t rtl_mem_latency;  /* the RTL engine's memory latency */
};

/* Cycles an hcall takes, as the facility charges it. */
uint64_t crq_hcall_cost(const struct crq_costs *c, unsigned long opcode, const unsigned long *args,
                        unsigned nargs);

/* Read the domain's (possibly overridden) costs. */
int crq_costs_load(struct crq_costs *c, const struct cs_domain *dom, cs_error *err);

#endif
