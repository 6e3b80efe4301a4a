/* The user interface of /dev/proof, shared by the driver and the programs that use it. */
#ifndef PROOFDRV_H
#define PROOFDRV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PROOF_SRC_TIMER 1
#define PROOF_SRC_IRQ   2
#define PROOF_SCRATCH   256

/* One event as read(2) returns it. */
struct proof_record {
    __u32 seq;
    __u32 source;
    __u32 jiffies;
    __u32 check; /* seq * 2654435761 ^ source: lets a reader verify the record */
};

struct proof_stats {
    __u64 ticks;
    __u64 interrupts;
    __u64 tasklet_runs;
    __u64 thread_runs;
    __u64 work_runs;
    __u64 reads;
    __u64 dropped;
};

#define PROOF_IOC_STATS _IOR('p', 1, struct proof_stats)

#endif
