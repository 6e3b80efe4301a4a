/* Cycle costs of the s-Par firmware side, from the calibration table (docs/calibration.md,
 * section "visor"). Values are platform-clock cycles; the defaults assume the default 1 GHz
 * clock (1 cycle = 1 ns). A platform overrides any of them per domain with
 * <chansim:timing><chansim:cost op='visor.poll_interval' cycles='...'/>. */
#ifndef VISOR_TIMING_H
#define VISOR_TIMING_H

#include <stdint.h>

#include "cs_calib.h"
#include "cs_error.h"

struct cs_domain;

#define VISOR_COST_COUNT 8
extern const struct cs_cost visor_cost_table[VISOR_COST_COUNT];

struct visor_costs {
    uint64_t signal;         /* one signal inserted or removed by the firmware */
    uint64_t poll_interval;  /* between two polls of a service partition's queues */
    uint64_t copy_per_kib;   /* data moved between guest memory and a back-end */
    uint64_t scsi_service;   /* a SCSI command served from the disk image, data aside */
    uint64_t controlvm_poll; /* between two passes of the command partition */
    uint64_t vmcall;         /* VMCALL_CONTROLVM_ADDR, exit and entry included */
    uint64_t idle_stop;      /* polling stops after this long without any signal */
    uint64_t poll_max;       /* empty polls double the interval up to this */
};

int visor_costs_load(struct visor_costs *c, const struct cs_domain *dom, cs_error *err);
/* The defaults of the table, for code that runs without a machine (tests, benchmarks). */
void visor_costs_default(struct visor_costs *c);
/* Cycles a poll that moved `signals` signals, `bytes` of data and `scsi` commands kept the
 * partition busy. */
uint64_t visor_busy_cycles(const struct visor_costs *c, uint64_t signals, uint64_t bytes,
                           uint64_t scsi);

#endif
