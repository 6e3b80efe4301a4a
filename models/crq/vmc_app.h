/* The management application of a VMC scenario: a simulated user process that talks to the
 * HMC through /dev/ibmvmc the way an HMC agent does (open, SETHMCID ioctl, write, poll, read,
 * close), checking every answer against what the simulated HMC is configured to send back. */
#ifndef VMC_APP_H
#define VMC_APP_H

#include <stdint.h>

#include "vmc_hv.h"

struct ks_kernel;

struct vmc_app_config {
    unsigned messages; /* HMC messages to exchange */
    uint32_t size;     /* bytes per message */
    enum vmc_hmc_mode expect;
    unsigned sessions; /* open/exchange/close rounds */
};

struct vmc_app_result {
    int done;
    int open_rc, sethmcid_rc, close_rc;
    uint64_t sent, received, mismatched, errors;
    uint64_t recoveries; /* sessions re-opened after the channel was reset under them */
    int last_error;      /* the first failing call's negative errno */
    uint64_t start_ns, end_ns;
};

struct vmc_app;

/* Start the application in kernel k; results appear in *res when it has finished. The
 * application's host memory belongs to the caller (vmc_app_free, after the run): a run may
 * end with the process still in the middle of its work. */
struct vmc_app *vmc_app_start(struct ks_kernel *k, const struct vmc_app_config *cfg,
                              struct vmc_app_result *res);
void vmc_app_free(struct vmc_app *a);

#endif
