/* Service times of the 3390 model, from the calibration table (docs/calibration.md, dasd).
 * The table is in platform cycles (nanoseconds at the default 1 GHz clock); struct
 * dasd_costs holds nanoseconds, what a device reports as busy_ns. */
#ifndef DASD_TIMING_H
#define DASD_TIMING_H

#include <stdint.h>

#include "cs_calib.h"
#include "cs_error.h"

struct cs_domain;

#define DASD_COST_COUNT 4
extern const struct cs_cost dasd_cost_table[DASD_COST_COUNT];

struct dasd_costs {
    uint64_t command;    /* control-unit work of one command */
    uint64_t cache_hit;  /* the first access of a program to a track held in the cache */
    uint64_t cache_miss; /* the same, track staged from the back-end disk */
    uint64_t per_kib;    /* moving one KiB of record data over the link */
};

/* The table's defaults. */
void dasd_costs_default(struct dasd_costs *c);
/* The domain's (possibly overridden) costs, converted at the machine's clock. The domain's
 * calibration must hold dasd_cost_table (a family lists it in cs_family.costs). */
int dasd_costs_load(struct dasd_costs *c, const struct cs_domain *dom, cs_error *err);

#endif
