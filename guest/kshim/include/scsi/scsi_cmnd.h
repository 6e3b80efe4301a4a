/* A SCSI command handed to a low-level driver's queuecommand (<scsi/scsi_cmnd.h>, 4.19 layout
 * where the driver finds `scsi_done` in the command): CDB, data direction, scatter-gather
 * list of the data buffer, sense buffer, result word. The midlayer keeps a pool of them per
 * host, as the block layer's tag set does. */
#ifndef _SCSI_SCSI_CMND_H
#define _SCSI_SCSI_CMND_H
#include "kshim/types.h"
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>

struct Scsi_Host;

struct scsi_data_buffer {
    struct sg_table table;
    unsigned int length;
    int resid;
};

struct scsi_cmnd {
    struct scsi_device *device;
    struct list_head list;
    unsigned long jiffies_at_alloc;
    int retries;
    int allowed;
    unsigned short cmd_len;
    enum dma_data_direction sc_data_direction;
    unsigned char *cmnd;
    struct scsi_data_buffer sdb;
    unsigned underflow;
    unsigned transfersize;
    unsigned char *sense_buffer;
    void (*scsi_done)(struct scsi_cmnd *);
    unsigned char *host_scribble;
    int result;
    int flags;
    unsigned char tag;
    /* the shim's */
    int ks_state;    /* enum ks_scsi_cmd_state (ks_scsi.c) */
    unsigned ks_tag; /* index in the host's pool */
    unsigned char ks_cdb[32];
    struct scatterlist *ks_sgl; /* sg_tablesize entries */
};

static inline unsigned scsi_sg_count(struct scsi_cmnd *cmd)
{
    return cmd->sdb.table.nents;
}
static inline struct scatterlist *scsi_sglist(struct scsi_cmnd *cmd)
{
    return cmd->sdb.table.sgl;
}
static inline unsigned scsi_bufflen(struct scsi_cmnd *cmd)
{
    return cmd->sdb.length;
}
static inline void scsi_set_resid(struct scsi_cmnd *cmd, int resid)
{
    cmd->sdb.resid = resid;
}
static inline int scsi_get_resid(struct scsi_cmnd *cmd)
{
    return cmd->sdb.resid;
}
#define scsi_for_each_sg(cmd, sg, nseg, __i) for_each_sg(scsi_sglist(cmd), sg, nseg, __i)
static inline void set_host_byte(struct scsi_cmnd *cmd, char status)
{
    cmd->result = (cmd->result & 0xff00ffff) | ((u8)status << 16);
}
#endif
