/* One run of an s-Par platform with the visor family and the live monitors, for the tests of
 * the upstream visor drivers: whichever visorbus core and function drivers the test program
 * links are what the family boots (cmake: chansim_visor_upstream_core). The upstream core polls
 * the controlvm channel for ever, so a run needs a time limit. One run per process (SystemC
 * elaborates once): call it from a Check test (forked) or cs_test_in_child. */
#ifndef VISOR_UPSTREAM_RUN_H
#define VISOR_UPSTREAM_RUN_H

#include <stdint.h>

#include "cs_error.h"
#include "cs_sc_run.h"

struct visor_upstream_result {
    struct cs_run_summary sum;
    uint64_t driver_findings, protocol_findings;
    char *report; /* the visor family's report (what `chansim run` prints for it) */
    char *log;    /* what the run wrote on stderr: the monitors' findings ("rule <ID> broken on
                     channel <ch>: ..."), the kernel's log */
};

/* Load `platform`, build the machine with the visor family and the live monitors, simulate
 * until `until_ns` (0: until idle) and collect the results. -1 with err when the platform or the
 * machine cannot be built or the simulation fails. */
int visor_upstream_run(const char *platform, uint64_t until_ns, struct visor_upstream_result *r,
                       cs_error *err);
/* The same, recording the run's trace (channel messages, the kernel log) in `trace_dir` (NULL:
 * none), for `chansim trace` and `chansim check`. */
int visor_upstream_run_traced(const char *platform, uint64_t until_ns, const char *trace_dir,
                              struct visor_upstream_result *r, cs_error *err);
/* All options: with keep_stderr the run writes on stderr as it goes and r->log stays NULL (for a
 * run that may die, e.g. in a child whose stderr the test reads). */
struct visor_upstream_opts {
    uint64_t until_ns;
    const char *trace_dir;
    int keep_stderr;
};
int visor_upstream_run_opts(const char *platform, const struct visor_upstream_opts *o,
                            struct visor_upstream_result *r, cs_error *err);
void visor_upstream_result_free(struct visor_upstream_result *r);

/* How many findings of rule `rule` (e.g. "V12") the run's log holds. */
unsigned visor_upstream_findings(const struct visor_upstream_result *r, const char *rule);

#endif
