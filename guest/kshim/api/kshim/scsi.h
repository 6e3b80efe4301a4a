/* The shim's SCSI midlayer as chansim sees it (guest/kshim/runtime/ks_scsi.c): counters of
 * what the low-level drivers of this program did with it. User processes reach the disks
 * through /dev/sg<N> (SG_IO, <scsi/sg.h>), numbered in the order the scan finds them. */
#ifndef KSHIM_SCSI_H
#define KSHIM_SCSI_H

#include <stdint.h>

struct ks_scsi_stats {
    uint64_t hosts_added, hosts_live; /* scsi_add_host calls; hosts not yet freed */
    uint64_t devices_found, devices_live;
    uint64_t commands;      /* accepted by queuecommand */
    uint64_t completed;     /* scsi_done of a command in flight */
    uint64_t busy_requeues; /* queuecommand answered SCSI_MLQUEUE_*: dispatched again */
    uint64_t queue_waits;   /* dispatch waited for can_queue / cmd_per_lun */
    uint64_t max_in_flight; /* the most commands one host had at once */
    uint64_t timeouts;      /* commands that ran into their timeout: error handling */
    uint64_t eh_abort, eh_device_reset, eh_target_reset, eh_bus_reset, eh_host_reset;
    uint64_t eh_success;   /* error handling that ended with a handler's SUCCESS */
    uint64_t offlined;     /* devices taken offline when every handler failed */
    uint64_t late_done;    /* scsi_done of a command not in flight (timed out, free): ignored */
    uint64_t objects_live; /* midlayer objects (hosts, devices, pools) not yet freed */
};

void ks_scsi_get_stats(struct ks_scsi_stats *out);

#endif
