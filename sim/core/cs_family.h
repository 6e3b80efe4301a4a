/* A channel family (CRQ, CSS, visor) plugs into the machine here: it says which platform
 * devices it models, declares its calibration entries and attaches its models to a domain.
 * The families built into chansim are listed in tools/chansim/families.c. */
#ifndef CS_FAMILY_H
#define CS_FAMILY_H

#include <stddef.h>
#include <stdio.h>

#include "cs_calib.h"
#include "cs_error.h"
#include "cs_platform.h"

struct cs_domain;

struct cs_family {
    const char *name;   /* "crq", "css", "visor" */
    const char *models; /* what it models, as platform XML, for "no model for" messages */
    const struct cs_cost *costs;
    size_t ncosts;
    /* Does this family model the device? Pure: no side effects. */
    int (*claims)(const struct cs_domain_desc *dom, const struct cs_device_desc *dev);
    /* Build the device's models in the domain; messages start with dev->where. */
    int (*attach)(struct cs_domain *dom, const struct cs_device_desc *dev, cs_error *err);
    /* After the run: one line per device on what its scenario achieved (may be NULL). */
    void (*report)(FILE *out);
};

/* The families compiled into the chansim program (tools/chansim/families.c). */
extern const struct cs_family *const cs_builtin_families[];
extern const size_t cs_builtin_nfamilies;

#endif
