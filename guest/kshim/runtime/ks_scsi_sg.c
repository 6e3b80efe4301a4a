/* The SCSI generic driver of the shim: every device the scan finds is /dev/sg<N> (the lowest
 * free N), reached by simulated user processes through the SG_IO ioctl of <scsi/sg.h>
 * (interface 'S', version 3): the CDB, the data of dxfer_len bytes copied through a kernel
 * bounce buffer, and back status, host and driver status, sense and duration, as sg(4)
 * documents. Also SG_GET_VERSION_NUM and SG_GET_SCSI_ID. An open file holds a reference on
 * the device, so a device removed meanwhile answers -ENODEV and is freed at close.
 * The node is a misc device (char major 10), the one kind of node the shim's processes open;
 * the real sg has major 21. */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/sg.h>

#include "ks_scsi_internal.h"

#define SG_MAX_DEVS 256
#define SG_VERSION  30536 /* 3.5.36, the version Linux 4.19 reports */
#define SG_MAX_XFER (1u << 20)

struct ks_scsi_sg {
    struct miscdevice misc;
    char name[16];
    struct scsi_device *sdev;
    int index;
    int registered;
};

/* the sg numbers in use (a kernel destroyed with hosts still added leaves its numbers taken:
 * only these pointers remain, never followed) */
static struct ks_scsi_sg *sg_devs[SG_MAX_DEVS];

static struct ks_scsi_sg *sg_of(struct file *f)
{
    return container_of((struct miscdevice *)f->private_data, struct ks_scsi_sg, misc);
}

static int sg_open(struct inode *inode, struct file *f)
{
    (void)inode;
    struct ks_scsi_sg *sg = sg_of(f);
    if (!sg->registered || scsi_device_get(sg->sdev) < 0)
        return -ENODEV;
    f->private_data = sg;
    return 0;
}

static int sg_release(struct inode *inode, struct file *f)
{
    (void)inode;
    struct ks_scsi_sg *sg = f->private_data;
    scsi_device_put(sg->sdev);
    return 0;
}

static int dir_of(int dxfer_direction, enum dma_data_direction *dir)
{
    switch (dxfer_direction) {
    case SG_DXFER_NONE:
        *dir = DMA_NONE;
        return 0;
    case SG_DXFER_TO_DEV:
        *dir = DMA_TO_DEVICE;
        return 0;
    case SG_DXFER_FROM_DEV:
        *dir = DMA_FROM_DEVICE;
        return 0;
    case SG_DXFER_TO_FROM_DEV: /* data goes out, and what comes back is returned */
        *dir = DMA_BIDIRECTIONAL;
        return 0;
    default:
        return -EINVAL;
    }
}

static long sg_io(struct ks_scsi_sg *sg, void __user *arg)
{
    struct sg_io_hdr h;
    if (copy_from_user(&h, arg, sizeof(h)))
        return -EFAULT;
    if (h.interface_id != 'S')
        return -ENOSYS;
    if (h.iovec_count)
        return -EINVAL; /* scatter-gather user vectors: not supported */
    if (h.cmd_len < 6 || h.cmd_len > MAX_COMMAND_SIZE)
        return -EMSGSIZE;
    enum dma_data_direction dir;
    if (dir_of(h.dxfer_direction, &dir) < 0)
        return -EINVAL;
    if (dir == DMA_NONE)
        h.dxfer_len = 0;
    if (h.dxfer_len > SG_MAX_XFER)
        return -ENOMEM;
    if (sg->sdev->sdev_state == SDEV_DEL || sg->sdev->sdev_state == SDEV_CANCEL)
        return -ENODEV;
    u8 cdb[MAX_COMMAND_SIZE];
    if (copy_from_user(cdb, h.cmdp, h.cmd_len))
        return -EFAULT;
    void *buf = NULL;
    if (h.dxfer_len) {
        buf = ks_kmalloc(h.dxfer_len, GFP_KERNEL | __GFP_ZERO, KS_SCSI_OWNER, __FILE__, __LINE__);
        if (!buf)
            return -ENOMEM;
        if (dir != DMA_FROM_DEVICE && copy_from_user(buf, h.dxferp, h.dxfer_len)) {
            ks_kfree(buf, __FILE__, __LINE__);
            return -EFAULT;
        }
    }
    struct ks_scsi_req r = {.cdb = cdb,
                            .cdb_len = h.cmd_len,
                            .dir = dir,
                            .buf = buf,
                            .len = h.dxfer_len,
                            .timeout_ms = h.timeout ? h.timeout : SG_DEFAULT_TIMEOUT_MS};
    unsigned long t0 = jiffies;
    long rc = ks_scsi_execute(sg->sdev, &r);
    if (rc == 0) {
        h.status = (unsigned char)(r.result & 0xff);
        h.masked_status = (unsigned char)status_byte(r.result);
        h.msg_status = (unsigned char)msg_byte(r.result);
        h.host_status = (unsigned short)host_byte(r.result);
        h.driver_status = (unsigned short)driver_byte(r.result);
        h.resid = r.resid;
        h.duration = jiffies_to_msecs(jiffies - t0);
        h.sb_len_wr = 0;
        if (h.status == SAM_STAT_CHECK_CONDITION && (r.sense[0] & 0x70) == 0x70) {
            /* fixed (0x70, 0x71) and descriptor (0x72, 0x73) sense both give their additional
             * length in byte 7 */
            unsigned len = 8u + r.sense[7];
            if (len > SCSI_SENSE_BUFFERSIZE)
                len = SCSI_SENSE_BUFFERSIZE;
            if (len > h.mx_sb_len)
                len = h.mx_sb_len;
            if (len && copy_to_user(h.sbp, r.sense, len))
                rc = -EFAULT;
            h.sb_len_wr = (unsigned char)len;
            h.driver_status |= DRIVER_SENSE;
        }
        h.info = (h.status | h.host_status | h.driver_status) ? SG_INFO_CHECK : SG_INFO_OK;
        if (!rc && buf && (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)) {
            unsigned n = r.resid > 0 && (unsigned)r.resid < h.dxfer_len
                             ? h.dxfer_len - (unsigned)r.resid
                             : h.dxfer_len;
            if (copy_to_user(h.dxferp, buf, n))
                rc = -EFAULT;
        }
        if (!rc && copy_to_user(arg, &h, sizeof(h)))
            rc = -EFAULT;
    }
    if (buf)
        ks_kfree(buf, __FILE__, __LINE__);
    return rc;
}

static long sg_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct ks_scsi_sg *sg = f->private_data;
    struct scsi_device *sdev = sg->sdev;
    switch (cmd) {
    case SG_IO:
        return sg_io(sg, (void __user *)arg);
    case SG_GET_VERSION_NUM: {
        int v = SG_VERSION;
        return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
    }
    case SG_GET_SCSI_ID: {
        struct sg_scsi_id id = {.host_no = (int)sdev->host->host_no,
                                .channel = (int)sdev->channel,
                                .scsi_id = (int)sdev->id,
                                .lun = (int)sdev->lun,
                                .scsi_type = sdev->type,
                                .h_cmd_per_lun = sdev->host->cmd_per_lun,
                                .d_queue_depth = (short)sdev->queue_depth};
        return copy_to_user((void __user *)arg, &id, sizeof(id)) ? -EFAULT : 0;
    }
    default:
        return -ENOTTY;
    }
}

static const struct file_operations sg_fops = {
    .open = sg_open,
    .release = sg_release,
    .unlocked_ioctl = sg_ioctl,
};

int ks_scsi_sg_add(struct scsi_device *sdev)
{
    int i = 0;
    while (i < SG_MAX_DEVS && sg_devs[i])
        i++;
    if (i == SG_MAX_DEVS)
        return -ENODEV;
    struct ks_scsi_sg *sg = ks_scsi_alloc(sizeof(*sg));
    if (!sg)
        return -ENOMEM;
    snprintf(sg->name, sizeof(sg->name), "sg%d", i);
    sg->misc.minor = MISC_DYNAMIC_MINOR;
    sg->misc.name = sg->name;
    sg->misc.fops = &sg_fops;
    sg->misc.parent = &sdev->sdev_gendev;
    sg->sdev = sdev;
    sg->index = i;
    int rc = misc_register(&sg->misc);
    if (rc) {
        ks_scsi_free(sg);
        return rc;
    }
    sg->registered = 1;
    sg_devs[i] = sg;
    sdev->ks_sg = sg;
    return 0;
}

void ks_scsi_sg_remove(struct scsi_device *sdev)
{
    struct ks_scsi_sg *sg = sdev->ks_sg;
    if (!sg || !sg->registered)
        return;
    misc_deregister(&sg->misc);
    sg->registered = 0;
    sg_devs[sg->index] = NULL;
}

void ks_scsi_sg_release(struct scsi_device *sdev)
{
    ks_scsi_free(sdev->ks_sg);
    sdev->ks_sg = NULL;
}
