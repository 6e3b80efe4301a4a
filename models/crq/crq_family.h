/* The CRQ channel family as chansim's machine sees it (sim/core/cs_family.h). */
#ifndef CRQ_FAMILY_H
#define CRQ_FAMILY_H

#include <stddef.h>

#include "cs_family.h"
#include "vmc_app.h"
#include "vmc_hv.h"

extern const struct cs_family crq_family;

/* A VMC device as attached: its endpoint, its kernel and its application's results. */
struct crq_vmc_device {
    char name[64];
    struct vmc_hv *hv;
    struct ks_kernel *kernel;
    struct vmc_app_config app;
    struct vmc_app_result result;
    struct vmc_app *agent;
};

/* The VMC devices of the current machine (for the run summary and tests). */
size_t crq_vmc_devices(struct crq_vmc_device *const **out);

/* `chansim run --wave FILE`: every VMC device with engine='rtl' of the current machine dumps its
 * engine's signals, the first into FILE, the next ones into FILE.1, FILE.2, ... Returns how
 * many engines dump (0: none in the platform), or -1 with err set. */
int crq_family_open_waves(const char *path, cs_error *err);

#endif
