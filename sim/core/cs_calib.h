/* Calibration table: the cycle cost of every timed operation a model performs. Each family
 * declares its entries (with the source the figure comes from) in a timing file next to its
 * model; a platform may override any entry per domain with <chansim:timing><chansim:cost>.
 * docs/calibration.md lists the entries. */
#ifndef CS_CALIB_H
#define CS_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

struct cs_cost {
    const char *op;     /* "family.operation", e.g. "crq.h_send_crq" */
    uint64_t cycles;    /* default cost in platform clock cycles */
    const char *source; /* where the figure comes from */
};

struct cs_calib_entry {
    const struct cs_cost *def;
    uint64_t cycles;
    const char *overridden_at; /* platform position of an override, or NULL */
};

struct cs_calib {
    struct cs_calib_entry *e;
    size_t n;
};

int cs_calib_add(struct cs_calib *c, const struct cs_cost *table, size_t n, cs_error *err);
/* Override one entry; an op no model declared is an error naming `where`. */
int cs_calib_override(struct cs_calib *c, const char *op, uint64_t cycles, const char *where,
                      cs_error *err);
/* Cost of a declared op; models look costs up once, when they attach. */
const struct cs_calib_entry *cs_calib_find(const struct cs_calib *c, const char *op);
void cs_calib_release(struct cs_calib *c);

#endif
