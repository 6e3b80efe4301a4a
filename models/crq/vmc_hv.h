/* The hypervisor end of the Virtual Management Channel (crq-vmc.md §2.6): answers the INIT
 * handshake and capabilities, seeds and manages the buffer pools, opens and closes HMC
 * sessions, moves HMC messages (the partition copies them with H_COPY_RDMA; the hypervisor
 * never does), and carries a simulated HMC that answers the management application.
 *
 * Plain C on top of the CRQ facility (crq.h); its answers go out after the calibrated
 * turnaround "vmc.hv_response", and never leave more than half the partition's queue
 * unconsumed (obligation 8). Fault injection makes it break chosen rules on purpose, so that
 * conformance tests can show the monitors catch a misbehaving hypervisor. */
#ifndef VMC_HV_H
#define VMC_HV_H

#include <stdint.h>

#include "crq.h"

enum vmc_fault {
    VMC_FAULT_NONE = 0,
    VMC_FAULT_CAP_MAX_HMC_ZERO = 1u << 0,     /* CAP_RESP with max_hmc 0 (V2) */
    VMC_FAULT_SIGNAL_PARTITION_BUF = 1u << 1, /* SIGNAL on a partition-owned buffer (V6) */
    VMC_FAULT_PAYLOAD_BEFORE_INIT = 1u << 2,  /* CAP_RESP before the INIT handshake (V1, C7) */
    VMC_FAULT_DOUBLE_CAP_RESP = 1u << 3,      /* two CAP_RESPs for one CAP (V2) */
};

/* What the simulated HMC does with the application's messages. */
enum vmc_hmc_mode {
    VMC_HMC_ECHO,    /* send every message back unchanged */
    VMC_HMC_REVERSE, /* send it back with its bytes in reverse order */
};

struct vmc_hv_config {
    uint8_t max_hmc;      /* CAP_RESP: HMC connections offered */
    uint16_t pool_size;   /* CAP_RESP: buffers per connection */
    uint32_t mtu;         /* CAP_RESP: largest message */
    uint16_t crq_entries; /* CAP_RESP: entries of the hypervisor's own queue */
    uint32_t drc_index;   /* H_REQUEST_VMC answer */
    enum vmc_hmc_mode hmc;
    uint32_t faults; /* enum vmc_fault bits */
    /* > 0: after this many HMC messages the hypervisor fails (transport event 0x01, the
     * message is lost), comes back and sends INIT, as after a service processor reset. */
    uint32_t restart_after;
};

void vmc_hv_default_config(struct vmc_hv_config *c);

struct vmc_hv_stats {
    uint64_t received;    /* partition messages taken */
    uint64_t sent;        /* messages delivered into the partition's queue */
    uint64_t signals_in;  /* HMC messages from the application */
    uint64_t signals_out; /* HMC messages to the application */
    uint64_t opened, closed;
    uint64_t deferred; /* sends held back (queue half full, or full) */
    uint64_t rejected; /* partition messages refused as malformed */
    uint64_t restarts; /* failures and recoveries of the hypervisor side */
};

struct vmc_hv;

int vmc_hv_create(struct crq_facility *f, const char *name, uint32_t unit, uint64_t local_liobn,
                  uint64_t remote_liobn, const struct vmc_hv_config *cfg, struct vmc_hv **out,
                  cs_error *err);
struct crq_adapter *vmc_hv_adapter(struct vmc_hv *hv);
void vmc_hv_stats(const struct vmc_hv *hv, struct vmc_hv_stats *s);
void vmc_hv_free(struct vmc_hv *hv);

#endif
