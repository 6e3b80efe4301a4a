/* test_scsi, kernel side: "tscsi", a SCSI low-level driver written here in kernel style for
 * the midlayer's own test. One host, target 0 with two LUNs of 64 KiB RAM disk each (target 1
 * answers nothing), commands completed from a timer in batches; module parameters make it
 * answer busy every Nth command and never complete a READ of one LBA (then eh_abort_handler
 * fails and eh_device_reset_handler drops it). It also checks idr at load. */
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "test_scsi.h"

#define LUNS       2
#define DISK_BYTES (64 * 1024)
#define CAN_QUEUE  16

static int busy_every;
module_param(busy_every, int, 0444);
static int hang_lba = -1;
module_param(hang_lba, int, 0444);

static struct Scsi_Host *host;
static u8 *disk[LUNS];
static struct scsi_cmnd *pending[CAN_QUEUE];
static unsigned npending;
static struct scsi_cmnd *hung;
static struct timer_list done_timer;
static struct tscsi_counts counts;
static unsigned long ncmds;

void tscsi_get_counts(struct tscsi_counts *c)
{
    *c = counts;
}

static void sense(struct scsi_cmnd *cmd, u8 key, u8 asc)
{
    memset(cmd->sense_buffer, 0, 18);
    cmd->sense_buffer[0] = 0x70;
    cmd->sense_buffer[2] = key;
    cmd->sense_buffer[7] = 10;
    cmd->sense_buffer[12] = asc;
    cmd->result = SAM_STAT_CHECK_CONDITION;
}

/* Copy between the command's scatter-gather list and buf (to_sg: into the list). */
static void sg_copy(struct scsi_cmnd *cmd, u8 *buf, unsigned len, bool to_sg)
{
    struct scatterlist *sg;
    unsigned i, off = 0;
    scsi_for_each_sg(cmd, sg, scsi_sg_count(cmd), i)
    {
        unsigned n = sg->length < len - off ? sg->length : len - off;
        if (to_sg)
            memcpy(sg_virt(sg), buf + off, n);
        else
            memcpy(buf + off, sg_virt(sg), n);
        off += n;
        if (off == len)
            break;
    }
}

static void execute(struct scsi_cmnd *cmd)
{
    const u8 *c = cmd->cmnd;
    u8 d[64];
    unsigned lun = (unsigned)cmd->device->lun;
    memset(d, 0, sizeof(d));
    cmd->result = 0;
    switch (c[0]) {
    case TEST_UNIT_READY:
        return;
    case INQUIRY:
        d[0] = lun < LUNS ? TYPE_DISK : 0x7f;
        d[2] = 6;
        d[4] = 31;
        memcpy(d + 8, "TSCSI   RAMDISK         0001", 28);
        sg_copy(cmd, d, scsi_bufflen(cmd) < 36 ? scsi_bufflen(cmd) : 36, true);
        return;
    case REPORT_LUNS:
        d[3] = 8 * LUNS;
        for (unsigned i = 0; i < LUNS; i++)
            d[8 + 8 * i + 1] = (u8)i;
        sg_copy(cmd, d, scsi_bufflen(cmd) < 8 + 8 * LUNS ? scsi_bufflen(cmd) : 8 + 8 * LUNS, true);
        return;
    case READ_CAPACITY:
        d[2] = (DISK_BYTES / 512 - 1) >> 8;
        d[3] = (DISK_BYTES / 512 - 1) & 0xff;
        d[6] = 2; /* 512 */
        sg_copy(cmd, d, 8, true);
        return;
    case READ_10:
    case WRITE_10: {
        u32 lba = (u32)c[2] << 24 | (u32)c[3] << 16 | (u32)c[4] << 8 | c[5];
        u32 n = ((u32)c[7] << 8 | c[8]) * 512;
        if (lun >= LUNS || (u64)lba * 512 + n > DISK_BYTES || n > scsi_bufflen(cmd))
            return sense(cmd, 0x05, 0x21); /* LBA out of range */
        sg_copy(cmd, disk[lun] + lba * 512, n, c[0] == READ_10);
        return;
    }
    default:
        return sense(cmd, 0x05, 0x20); /* invalid command operation code */
    }
}

static void complete_batch(struct timer_list *t)
{
    (void)t;
    unsigned long flags;
    spin_lock_irqsave(host->host_lock, flags);
    while (npending) {
        struct scsi_cmnd *cmd = pending[--npending];
        execute(cmd);
        cmd->scsi_done(cmd);
        counts.completed++;
    }
    spin_unlock_irqrestore(host->host_lock, flags);
}

static int tscsi_queuecommand(struct Scsi_Host *sh, struct scsi_cmnd *cmd)
{
    unsigned long flags;
    if (cmd->device->id != 0) {
        /* no target there: answered at once */
        cmd->result = DID_NO_CONNECT << 16;
        cmd->scsi_done(cmd);
        return 0;
    }
    if (busy_every && ++ncmds % (unsigned long)busy_every == 0) {
        counts.busy++;
        return SCSI_MLQUEUE_HOST_BUSY;
    }
    counts.queued++;
    if (cmd->cmnd[0] == READ_10 && hang_lba >= 0 &&
        ((u32)cmd->cmnd[4] << 8 | cmd->cmnd[5]) == (u32)hang_lba) {
        hung = cmd;
        return 0;
    }
    spin_lock_irqsave(sh->host_lock, flags);
    pending[npending++] = cmd;
    spin_unlock_irqrestore(sh->host_lock, flags);
    mod_timer(&done_timer, jiffies + 1);
    return 0;
}

static int tscsi_abort(struct scsi_cmnd *cmd)
{
    counts.aborts++;
    return cmd == hung ? FAILED : SUCCESS;
}

static int tscsi_device_reset(struct scsi_cmnd *cmd)
{
    counts.device_resets++;
    if (cmd == hung) {
        hung = NULL;
        /* the midlayer owns a command that timed out: this completion must be ignored */
        cmd->result = DID_RESET << 16;
        cmd->scsi_done(cmd);
    }
    return SUCCESS;
}

static int tscsi_slave_alloc(struct scsi_device *sdev)
{
    counts.slave_alloc++;
    sdev->hostdata = kzalloc(16, GFP_KERNEL);
    return sdev->hostdata ? 0 : -ENOMEM;
}

static int tscsi_slave_configure(struct scsi_device *sdev)
{
    counts.slave_configure++;
    counts.luns_configured |= 1u << sdev->lun;
    return 0;
}

static void tscsi_slave_destroy(struct scsi_device *sdev)
{
    counts.slave_destroy++;
    kfree(sdev->hostdata);
    sdev->hostdata = NULL;
}

static struct scsi_host_template tscsi_template = {
    .name = "tscsi",
    .queuecommand = tscsi_queuecommand,
    .eh_abort_handler = tscsi_abort,
    .eh_device_reset_handler = tscsi_device_reset,
    .slave_alloc = tscsi_slave_alloc,
    .slave_configure = tscsi_slave_configure,
    .slave_destroy = tscsi_slave_destroy,
    .can_queue = CAN_QUEUE,
    .cmd_per_lun = 4,
    .sg_tablesize = 8,
    .this_id = -1,
};

/* ids from the lowest free one, found and removed */
static int idr_ok(void)
{
    struct idr idr;
    int a = 1, b = 2, c = 3;
    idr_init(&idr);
    int ia = idr_alloc(&idr, &a, 1, 0, GFP_KERNEL);
    int ib = idr_alloc(&idr, &b, 1, 0, GFP_KERNEL);
    int ok = ia == 1 && ib == 2 && idr_find(&idr, 2) == &b && idr_remove(&idr, 1) == &a &&
             idr_find(&idr, 1) == NULL && idr_alloc(&idr, &c, 1, 0, GFP_KERNEL) == 1 &&
             idr_alloc(&idr, &c, 5, 6, GFP_KERNEL) == 5 &&
             idr_alloc(&idr, &c, 5, 6, GFP_KERNEL) == -ENOSPC;
    for (int i = 0; i < 100 && ok; i++)
        ok = idr_alloc(&idr, &c, 10, 0, GFP_KERNEL) == 10 + i;
    ok = ok && idr_find(&idr, 109) == &c && idr_find(&idr, 110) == NULL;
    /* NULL reserves an id until idr_replace fills it */
    ok = ok && idr_alloc(&idr, NULL, 1, 0, GFP_KERNEL) == 3 && idr_find(&idr, 3) == NULL &&
         idr_alloc(&idr, &a, 1, 0, GFP_KERNEL) == 4 && idr_replace(&idr, &b, 3) == NULL &&
         idr_find(&idr, 3) == &b;
    idr_destroy(&idr);
    return ok;
}

static int __init tscsi_init(void)
{
    counts.idr_ok = idr_ok();
    for (int i = 0; i < LUNS; i++) {
        disk[i] = kzalloc(DISK_BYTES, GFP_KERNEL);
        if (!disk[i])
            return -ENOMEM;
    }
    timer_setup(&done_timer, complete_batch, 0);
    host = scsi_host_alloc(&tscsi_template, 64);
    if (!host)
        return -ENOMEM;
    host->max_id = 2;
    host->max_lun = 4;
    int rc = scsi_add_host(host, NULL);
    if (rc) {
        scsi_host_put(host);
        return rc;
    }
    scsi_scan_host(host);
    return 0;
}

static void __exit tscsi_exit(void)
{
    scsi_remove_host(host);
    scsi_host_put(host);
    del_timer_sync(&done_timer);
    for (int i = 0; i < LUNS; i++)
        kfree(disk[i]);
}

module_init(tscsi_init);
module_exit(tscsi_exit);
MODULE_LICENSE("GPL");
