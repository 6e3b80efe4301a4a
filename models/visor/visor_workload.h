/* What the guest's programs do with the visor devices in a scenario: user processes of the
 * domain's kernel using the function drivers' user interfaces (guest/drivers/visor/uapi):
 *   vhba  io='N'      N SCSI commands on /dev/visorhba<i>: 4 KiB WRITE(10) of a pattern and
 *                     READ(10) of it back, alternating, every byte verified; with
 *                     io-mode='read' 4 KiB READ(10)s only (a throughput workload)
 *   vnic  frames='N' peer='MAC'   enable, send N frames to peer, and read N frames, each
 *                     checked (sequence number and pattern)
 *   keyboard / mouse  events='N'  read input events from /dev/visorinput<i> until N reports
 *                     (each closed by EV_SYN) arrived
 * A workload that cannot finish (device missing, error) records why. */
#ifndef VISOR_WORKLOAD_H
#define VISOR_WORKLOAD_H

#include <stdint.h>

struct ks_kernel;

enum visor_workload_kind { VISOR_WL_VHBA, VISOR_WL_VNIC, VISOR_WL_INPUT };

struct visor_workload {
    enum visor_workload_kind kind;
    unsigned index; /* /dev/visorhba<index>, visornic<index>, visorinput<index> */
    uint64_t count; /* commands, frames or reports */
    uint8_t peer[6];
    uint64_t blocks; /* vhba: image size in 512-byte blocks */
    int read_only;   /* vhba: READ(10) only (io-mode='read'), nothing verified */
    /* results */
    uint64_t done, verified, received, errors;
    int finished;
    char error[160];
};

/* Start the workload's process in kernel k (wl must stay valid until the kernel is gone). */
int visor_workload_start(struct ks_kernel *k, struct visor_workload *wl);

#endif
