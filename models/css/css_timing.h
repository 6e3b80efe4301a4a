/* Cycle costs of the channel subsystem, from the calibration table (docs/calibration.md,
 * section "css"). Values are platform-clock cycles; the defaults assume the default 1 GHz
 * clock, so 1 cycle = 1 ns. A command's device time (css_dev_result.busy_ns) is added on top. */
#ifndef CSS_TIMING_H
#define CSS_TIMING_H

#include <stdint.h>

#include "cs_calib.h"
#include "cs_error.h"

struct cs_domain;

#define CSS_COST_COUNT 6
extern const struct cs_cost css_cost_table[CSS_COST_COUNT];

struct css_costs {
    uint64_t start;        /* SSCH/RSCH accepted to the first command at the device */
    uint64_t ccw;          /* per command: the command and status exchange on the link */
    uint64_t xfer_per_kib; /* per KiB of data moved over the link */
    uint64_t status;       /* ending status to status pending (interruption presented) */
    uint64_t halt;         /* halt function: halt signal to status pending */
    uint64_t clear;        /* clear function: clear signal to status pending */
};

int css_costs_load(struct css_costs *c, const struct cs_domain *dom, cs_error *err);

#endif
