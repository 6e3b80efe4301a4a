/* Running a built machine under SystemC. The only SystemC entry point for C code: the rest
 * of chansim never includes a SystemC header. */
#ifndef CS_SC_RUN_H
#define CS_SC_RUN_H

#include <stdint.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cs_machine;

struct cs_run_opts {
    uint64_t until_ns; /* stop at this simulated time; 0: run until idle */
};

struct cs_run_summary {
    uint64_t sim_cycles;
    uint64_t sim_ns;
    double wall_seconds;
    uint64_t messages;    /* channel messages seen by the tap */
    uint64_t logs;        /* log records */
    uint64_t activations; /* scheduled model actions run */
    uint64_t delta_cycles;
    int idle; /* 1: stopped because nothing was left to do */
};

/* Elaborate the SystemC top for `m` and simulate. A process can run one simulation: SystemC
 * cannot be re-elaborated. */
int cs_sc_run(struct cs_machine *m, const struct cs_run_opts *opts, struct cs_run_summary *sum,
              cs_error *err);

#ifdef __cplusplus
}
#endif

#endif
