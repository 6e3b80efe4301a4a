/* Inside the SCSI midlayer: synchronous execution of one command, shared by the scan and the
 * sg driver. */
#ifndef KS_SCSI_INTERNAL_H
#define KS_SCSI_INTERNAL_H

#include <linux/dma-mapping.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>

#include "kshim/scsi.h"

#define KS_SCSI_OWNER "scsi_mod"

struct ks_scsi_req {
    const u8 *cdb;
    unsigned cdb_len;
    enum dma_data_direction dir;
    void *buf; /* kernel memory of len bytes */
    unsigned len;
    unsigned timeout_ms;
    /* out */
    int result;
    int resid;
    u8 sense[SCSI_SENSE_BUFFERSIZE];
};

/* Runs r on sdev and waits for it (a task context). 0 with r->result filled in, -EINVAL for a
 * request the host cannot take (CDB, size, scatter-gather entries), -ENODEV once the device
 * is being removed. */
int ks_scsi_execute(struct scsi_device *sdev, struct ks_scsi_req *r);

extern struct ks_scsi_stats ks_scsi_st;
void *ks_scsi_alloc(size_t n);
void ks_scsi_free(void *p);

/* /dev/sg<N> (ks_scsi_sg.c) */
int ks_scsi_sg_add(struct scsi_device *sdev);
void ks_scsi_sg_remove(struct scsi_device *sdev);
void ks_scsi_sg_release(struct scsi_device *sdev); /* with the device's last reference */

#endif
