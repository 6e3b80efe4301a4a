/* What the guest's programs do with the visor devices in a scenario: user processes of the
 * domain's kernel using the function drivers' user interfaces (guest/drivers/visor/uapi):
 *   vhba  io='N'      N SCSI commands on /dev/visorhba<i>: 4 KiB WRITE(10) of a pattern and
 *                     READ(10) of it back, alternating, every byte verified; with
 *                     io-mode='read' 4 KiB READ(10)s only (a throughput workload); with
 *                     io-depth='D' D processes share the commands, each with its own blocks,
 *                     so up to D commands are in flight; a command the driver answers busy
 *                     (-EBUSY: command queue full) is sent again a moment later
 *   vnic  frames='N' peer='MAC'   enable, send N frames to peer, and read N frames, each
 *                     checked (sequence number and pattern); with rx-delay='MS' a slow reader
 *                     (MS ms after each frame): frames may be lost on the way (the peer sends
 *                     as many), those that arrive must come in order and are verified byte
 *                     for byte, and the reader stops 500 ms after the last one
 *   keyboard / mouse  events='N'  read input events from /dev/visorinput<i> until N reports
 *                     (each closed by EV_SYN) arrived; with hold='open' the file then stays
 *                     open, the process waiting for more input without a timeout, so that
 *                     the run must go idle with the device open (interrupt, no timer)
 * A workload that cannot finish (device missing, error) records why. */
#ifndef VISOR_WORKLOAD_H
#define VISOR_WORKLOAD_H

#include <stdint.h>

struct ks_kernel;

enum visor_workload_kind { VISOR_WL_VHBA, VISOR_WL_VNIC, VISOR_WL_INPUT };

/* io-depth at most the driver's outstanding commands (MAX_PENDING_REQUESTS) */
#define VISOR_WL_MAX_DEPTH 128

struct visor_workload;
/* One process of a vhba workload: its share of the commands and its blocks. */
struct visor_worker {
    struct visor_workload *w;
    unsigned nr;
};

struct visor_workload {
    enum visor_workload_kind kind;
    unsigned index; /* /dev/visorhba<index>, visornic<index>, visorinput<index> */
    uint64_t count; /* commands, frames or reports */
    uint8_t peer[6];
    uint64_t blocks; /* vhba: image size in 512-byte blocks */
    int read_only;   /* vhba: READ(10) only (io-mode='read'), nothing verified */
    unsigned depth;  /* vhba: processes issuing commands at once (io-depth, 0 or 1: one) */
    struct visor_worker workers[VISOR_WL_MAX_DEPTH];
    unsigned running;     /* vhba processes not finished yet */
    unsigned rx_delay_ms; /* vnic: a slow reader, frames may be lost (rx-delay) */
    int hold;             /* input: keep the file open after the last report (hold='open') */
    /* results */
    uint64_t done, verified, received, errors;
    uint64_t busy;       /* vhba: commands the driver refused with -EBUSY, sent again */
    uint64_t violations; /* protocol violations the guest driver reported (its INFO ioctl) */
    uint64_t lost;       /* vnic with rx-delay: frames of the peer that never arrived */
    uint64_t rx_dropped; /* vnic: visornic's rx_dropped at the end (INFO) */
    int finished;
    int holding; /* input: finished, the file still open, waiting for more */
    char error[160];
};

/* Start the workload's process in kernel k (wl must stay valid until the kernel is gone). */
int visor_workload_start(struct ks_kernel *k, struct visor_workload *wl);

#endif
