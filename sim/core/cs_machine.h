/* The simulated machine, built from a platform: one cycle clock and activation queue, the
 * channel tap, and per domain its guest-physical memory, interrupt lines and calibration
 * table, with each device attached to the family that models it. Pure C: the SystemC
 * adapter (sim/systemc/) runs it, unit tests can drive it with the queue alone. */
#ifndef CS_MACHINE_H
#define CS_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "cs_calib.h"
#include "cs_error.h"
#include "cs_family.h"
#include "cs_gmem.h"
#include "cs_irq.h"
#include "cs_platform.h"
#include "cs_sched.h"
#include "cs_tap.h"

struct cs_machine;

struct cs_domain {
    const struct cs_domain_desc *desc;
    struct cs_machine *machine;
    struct cs_gmem mem;
    struct cs_irq_set irqs;
    struct cs_calib calib;
};

struct cs_teardown {
    void (*fn)(void *arg);
    void *arg;
};

struct cs_machine {
    const struct cs_platform *platform;
    struct cs_sched *sched;
    struct cs_tap tap;
    uint16_t sim_channel; /* lifecycle log of the machine itself */
    struct cs_domain *domains;
    size_t ndomains;
    struct cs_teardown *teardowns;
    size_t nteardowns;
    /* What the run found: driver bugs caught by the kernel shim, protocol rule violations
     * caught by the monitors. The run summary prints them; --strict fails on any. */
    uint64_t driver_findings;
    uint64_t protocol_findings;
};

/* Build the machine. `trace` may be NULL (no recording). Every device of every domain must
 * be claimed by one of `families`, else the build fails naming the device. */
int cs_machine_build(const struct cs_platform *p, const struct cs_family *const *families,
                     size_t nfamilies, struct cs_trace_writer *trace, struct cs_machine **out,
                     cs_error *err);

/* As cs_machine_build, with `ready` called once the machine's tap exists and before any family
 * attaches, so that observers it installs (the live monitors) see the records families make
 * while they attach, as `chansim check` sees them in the trace. A failing `ready` fails the
 * build. */
int cs_machine_build_observed(const struct cs_platform *p, const struct cs_family *const *families,
                              size_t nfamilies, struct cs_trace_writer *trace,
                              int (*ready)(struct cs_machine *m, void *ctx, cs_error *err),
                              void *ctx, struct cs_machine **out, cs_error *err);

/* Families register their clean-up; run in reverse order by cs_machine_free. */
void cs_machine_on_teardown(struct cs_machine *m, void (*fn)(void *arg), void *arg);
void cs_machine_free(struct cs_machine *m);

/* The domain's calibration entry `op` in cycles; fails naming the domain and the entry when
 * the table lacks it (a family's cost table not registered). */
int cs_domain_cost(const struct cs_domain *dom, const char *op, uint64_t *cycles, cs_error *err);

/* Convert between cycles and nanoseconds of simulated time. */
uint64_t cs_machine_cycles_to_ns(const struct cs_machine *m, uint64_t cycles);
uint64_t cs_machine_ns_to_cycles(const struct cs_machine *m, uint64_t ns);

#endif
