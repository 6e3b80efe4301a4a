// SPDX-License-Identifier: GPL-2.0+
/*
 * s-Par virtual HBA (spec visor.md §4.3): SCSI commands travel to the IO partition as struct
 * uiscmdrsp on queue 0 of the vhba channel, completions come back on queue 1, which a
 * kthread polls every 2 ms. Instead of a SCSI host the driver offers /dev/visorhba<N>: ioctl
 * VISORHBA_IOC_SCSI sends one CDB with its data buffer and waits for its completion (SG_IO
 * style), VISORHBA_IOC_TASKMGMT a task-management request.
 *
 * Unlike upstream, every completion is checked: a handle that names no outstanding command of
 * that kind, an unknown command type or a task-management reply with the wrong notify handle
 * is a protocol violation (logged and counted, the signal dropped, draining goes on) instead of
 * a lookup in an arbitrary slot.
 */
#include <asm/page.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/visorbus.h>
#include <linux/wait.h>

#include "uapi/visor_user.h"
#include "visor_proto.h"

#define MAX_PENDING_REQUESTS 128 /* can_queue, as upstream */
#define MAX_DEVICES          32
#define DEFAULT_TIMEOUT_MS   30000
#define TASKMGMT_TIMEOUT_MS  45000
#define DID_RESET            0x08
#define INQUIRY              0x12
#define TASK_MGMT_FAILED     0

struct scsipending {
    int type; /* 0: free, CMD_SCSI_TYPE or CMD_SCSITASKMGMT_TYPE */
    bool done;
    bool abandoned; /* the waiter gave up: the completion frees the buffer */
    bool own_buf;   /* buf was allocated for this command, not the slot's own */
    u8 *buf;
    u32 len, lun;
    u8 cdb0;
    u64 notify_handle;
    int linuxstat;
    u8 scsistat, addlstat;
    u8 sense[MAX_SENSE_SIZE];
    char tm_result;
};

struct visorhba_devdata {
    struct visor_device *dev;
    int index;
    char name[24];
    struct miscdevice misc;
    struct vhba_config_max max;
    spinlock_t lock; /* pending[] */
    struct scsipending pending[MAX_PENDING_REQUESTS];
    /* Each slot's command and data buffer, allocated at probe: a command of up to
     * SLOT_BUF_SIZE bytes allocates nothing (the allocator was a quarter of a READ round trip). */
    struct uiscmdrsp *slot_cmdrsp[MAX_PENDING_REQUESTS];
    u8 *slot_buf[MAX_PENDING_REQUESTS];
    unsigned int next_slot, outstanding;
    wait_queue_head_t complete_wq;
    wait_queue_head_t poll_wq; /* the poll thread sleeps here while nothing is outstanding */
    struct task_struct *thread;
    struct uiscmdrsp *rsp; /* the poll thread's buffer for one signal */
    int irq;               /* the device's interrupt, or -1: the poll thread polls */
    bool irq_seen;         /* raised since the poll thread last emptied the queue */
    bool paused, removed;
    u64 completed, violations;
    int refs;
};

static bool used_index[MAX_DEVICES];

#define SLOT_BUF_SIZE PAGE_SIZE

/* Poll period of the response queue while something can arrive: 2 ms, as upstream's vhba_incoming
 * kthread (exactly, not rounded up to a jiffy). */
static unsigned int poll_us = 2000;
module_param(poll_us, uint, 0444);
MODULE_PARM_DESC(poll_us, "response queue poll period in microseconds");
/* With the device's interrupt the poll thread still looks this often while something is
 * outstanding, in case an interrupt is lost. */
static unsigned int irq_fallback_ms = 1000;
module_param(irq_fallback_ms, uint, 0444);
MODULE_PARM_DESC(irq_fallback_ms, "response queue poll period with interrupts, in milliseconds");
static DEFINE_MUTEX(visorhba_mutex); /* open/release/remove, pause/resume */

static void devdata_put(struct visorhba_devdata *d)
{
    int s;

    if (--d->refs == 0) {
        for (s = 0; s < MAX_PENDING_REQUESTS; s++) {
            kfree(d->slot_cmdrsp[s]);
            kfree(d->slot_buf[s]);
        }
        kfree(d->rsp);
        kfree(d);
    }
}

static void violation(struct visorhba_devdata *d, const char *what, u64 value)
{
    d->violations++;
    dev_err(&d->dev->device, "protocol violation: %s (%llu)\n", what, value);
}

static int reserve_slot(struct visorhba_devdata *d, int type)
{
    unsigned long flags;
    unsigned int i, s;
    int slot = -1;

    spin_lock_irqsave(&d->lock, flags);
    for (i = 0; i < MAX_PENDING_REQUESTS; i++) {
        s = (d->next_slot + i) % MAX_PENDING_REQUESTS;
        if (!d->pending[s].type) {
            memset(&d->pending[s], 0, sizeof(d->pending[s]));
            d->pending[s].type = type;
            d->next_slot = (s + 1) % MAX_PENDING_REQUESTS;
            d->outstanding++;
            slot = s;
            break;
        }
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return slot;
}

/* Called with d->lock held. */
static void release_slot_locked(struct visorhba_devdata *d, int slot)
{
    struct scsipending *p = &d->pending[slot];

    if (p->abandoned && p->own_buf)
        kfree(p->buf);
    p->type = 0;
    p->buf = NULL;
    d->outstanding--;
}

static void release_slot(struct visorhba_devdata *d, int slot)
{
    unsigned long flags;

    spin_lock_irqsave(&d->lock, flags);
    release_slot_locked(d, slot);
    spin_unlock_irqrestore(&d->lock, flags);
}

/* The answer upstream makes up for INQUIRY when the IO partition reports no disk. */
static void fake_inquiry(struct scsipending *p)
{
    static const char id[] = "DELLPSEUDO DEVICE .";
    u8 data[36];

    memset(data, ' ', sizeof(data));
    data[0] = p->lun == 0 ? 0x20 : 0x7f;
    data[1] = 0;
    data[2] = 4;
    data[3] = p->lun == 0 ? 0x10 : 0; /* HiSup */
    data[4] = sizeof(data) - 5;
    data[5] = data[6] = data[7] = 0;
    memcpy(data + 8, id, sizeof(id) - 1);
    memcpy(p->buf, data, min_t(u32, p->len, sizeof(data)));
}

/* Fails every outstanding request (pause, remove): the IO partition will not answer them. */
static void fail_all_pending(struct visorhba_devdata *d)
{
    unsigned long flags;
    int s;

    spin_lock_irqsave(&d->lock, flags);
    for (s = 0; s < MAX_PENDING_REQUESTS; s++) {
        struct scsipending *p = &d->pending[s];

        if (!p->type || p->done)
            continue;
        if (p->abandoned) {
            release_slot_locked(d, s);
            continue;
        }
        p->linuxstat = DID_RESET << 16;
        p->tm_result = TASK_MGMT_FAILED;
        p->done = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    wake_up_all(&d->complete_wq);
}

static void complete_signal(struct visorhba_devdata *d, struct uiscmdrsp *rsp)
{
    unsigned long flags;
    struct scsipending *p;
    u64 handle;

    switch (rsp->cmdtype) {
    case CMD_SCSI_TYPE:
        handle = rsp->scsi.handle;
        break;
    case CMD_SCSITASKMGMT_TYPE:
        handle = rsp->scsitaskmgmt.handle;
        break;
    case CMD_NOTIFYGUEST_TYPE:
        dev_info(&d->dev->device, "notify-guest signal ignored\n");
        return;
    default:
        violation(d, "unknown cmdtype on the response queue", (u8)rsp->cmdtype);
        return;
    }
    spin_lock_irqsave(&d->lock, flags);
    if (handle >= MAX_PENDING_REQUESTS || d->pending[handle].type != rsp->cmdtype ||
        d->pending[handle].done) {
        spin_unlock_irqrestore(&d->lock, flags);
        violation(d,
                  rsp->cmdtype == CMD_SCSI_TYPE
                      ? "SCSI completion for a handle not outstanding"
                      : "task-management completion for a handle not outstanding",
                  handle);
        return;
    }
    p = &d->pending[handle];
    if (rsp->cmdtype == CMD_SCSITASKMGMT_TYPE &&
        rsp->scsitaskmgmt.notify_handle != p->notify_handle) {
        spin_unlock_irqrestore(&d->lock, flags);
        violation(d, "task-management completion with a wrong notify handle",
                  rsp->scsitaskmgmt.notify_handle);
        return;
    }
    if (rsp->cmdtype == CMD_SCSI_TYPE) {
        p->linuxstat = rsp->scsi.linuxstat;
        p->scsistat = rsp->scsi.scsistat;
        p->addlstat = rsp->scsi.addlstat;
        if (p->linuxstat)
            memcpy(p->sense, rsp->scsi.sensebuf, MAX_SENSE_SIZE);
        else if (p->cdb0 == INQUIRY && p->len >= 5 && rsp->scsi.no_disk_result && p->buf)
            fake_inquiry(p);
    } else {
        p->tm_result = rsp->scsitaskmgmt.result;
    }
    d->completed++;
    if (p->abandoned)
        release_slot_locked(d, handle);
    else
        p->done = true;
    spin_unlock_irqrestore(&d->lock, flags);
    wake_up_all(&d->complete_wq);
}

/* The IO partition inserted into the response queue: the poll thread empties it now instead
 * of at its next poll. */
static irqreturn_t visorhba_interrupt(int irq, void *arg)
{
    struct visorhba_devdata *d = arg;

    (void)irq;
    WRITE_ONCE(d->irq_seen, true);
    wake_up(&d->poll_wq);
    return IRQ_HANDLED;
}

static int process_incoming(void *arg)
{
    struct visorhba_devdata *d = arg;
    int rc;

    while (!kthread_should_stop()) {
        /* cleared before the queue is emptied: an interrupt for a later response is kept */
        WRITE_ONCE(d->irq_seen, false);
        for (;;) {
            rc = visorchannel_signalremove(d->dev->visorchannel, IOCHAN_FROM_IOPART, d->rsp);
            if (rc)
                break;
            complete_signal(d, d->rsp);
        }
        /* a response queue whose header the back-end broke (refused, reported by visorbus):
         * no polling it any more; an interrupt, a sign of life, brings another look */
        if (rc == -EPROTO)
            wait_event_interruptible(d->poll_wq, READ_ONCE(d->irq_seen) || kthread_should_stop());
        /* unlike upstream, no polling while nothing is outstanding: the IO partition has
         * nothing to answer, and an idle guest lets the simulation go idle */
        else if (!d->outstanding)
            wait_event_interruptible(d->poll_wq, d->outstanding || kthread_should_stop());
        else if (d->irq >= 0)
            /* the poll period stays as a fallback for an interrupt that never comes */
            wait_event_interruptible_timeout(d->poll_wq,
                                             READ_ONCE(d->irq_seen) || kthread_should_stop(),
                                             msecs_to_jiffies(irq_fallback_ms));
        else
            usleep_range(poll_us, poll_us);
    }
    return 0;
}

static void release_irq(struct visorhba_devdata *d)
{
    if (d->irq >= 0)
        free_irq(d->irq, d);
    d->irq = -1;
}

static int start_thread(struct visorhba_devdata *d)
{
    d->thread = kthread_run(process_incoming, d, "vhba_incoming");
    if (IS_ERR(d->thread)) {
        int rc = PTR_ERR(d->thread);

        d->thread = NULL;
        return rc;
    }
    return 0;
}

static void stop_thread(struct visorhba_devdata *d)
{
    if (d->thread)
        kthread_stop(d->thread);
    d->thread = NULL;
}

/* ---- requests ------------------------------------------------------------------------- */

/* Sends cmdrsp (its handle already set) and waits for the slot to complete. */
static int send_and_wait(struct visorhba_devdata *d, int slot, struct uiscmdrsp *cmdrsp,
                         u32 timeout_ms)
{
    struct scsipending *p = &d->pending[slot];
    unsigned long flags;
    long left;
    int rc;

    if (d->paused || d->removed) {
        release_slot(d, slot);
        return d->removed ? -ENODEV : -EAGAIN;
    }
    rc = visorchannel_signalinsert(d->dev->visorchannel, IOCHAN_TO_IOPART, cmdrsp);
    if (rc) {
        release_slot(d, slot);
        return rc == -EIO ? -EBUSY : rc; /* full: busy; a broken header: -EPROTO */
    }
    wake_up(&d->poll_wq);
    left = wait_event_interruptible_timeout(d->complete_wq, p->done, msecs_to_jiffies(timeout_ms));
    spin_lock_irqsave(&d->lock, flags);
    if (!p->done) {
        /* the IO partition may still write the buffer: it goes with the slot */
        p->abandoned = true;
        spin_unlock_irqrestore(&d->lock, flags);
        return left < 0 ? (int)left : -ETIMEDOUT;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return 0;
}

static int build_gpi_list(struct uiscmdrsp_scsi *scsi, u8 *buf, u32 len)
{
    phys_addr_t pa = buf ? virt_to_phys(buf) : 0;
    int n = 0;

    while (len) {
        u32 chunk = min_t(u32, len, PAGE_SIZE - (pa & (PAGE_SIZE - 1)));

        if (n == MAX_PHYS_INFO)
            return -EINVAL;
        scsi->gpi_list[n].address = pa;
        scsi->gpi_list[n].length = chunk;
        n++;
        pa += chunk;
        len -= chunk;
    }
    scsi->guest_phys_entries = n;
    return 0;
}

static long ioctl_scsi(struct visorhba_devdata *d, void __user *uarg)
{
    struct visorhba_scsi_cmd cmd;
    struct uiscmdrsp *cmdrsp;
    struct scsipending *p;
    u8 *buf = NULL;
    bool own_buf = false;
    int slot;
    long rc;

    if (copy_from_user(&cmd, uarg, sizeof(cmd)))
        return -EFAULT;
    if (cmd.cdb_len < 1 || cmd.cdb_len > MAX_CMND_SIZE || cmd.data_dir > VISORHBA_DIR_NONE ||
        (cmd.data_dir == VISORHBA_DIR_NONE) != (cmd.data_len == 0) ||
        cmd.data_len > d->max.max_io_size || cmd.channel > d->max.max_channel ||
        cmd.id > d->max.max_id || cmd.lun > d->max.max_lun)
        return -EINVAL;
    slot = reserve_slot(d, CMD_SCSI_TYPE);
    if (slot < 0)
        return -EBUSY;
    p = &d->pending[slot];
    if (cmd.data_len > SLOT_BUF_SIZE) {
        buf = kzalloc(cmd.data_len, GFP_KERNEL);
        if (!buf) {
            release_slot(d, slot);
            return -ENOMEM;
        }
        own_buf = true;
    } else if (cmd.data_len) {
        buf = d->slot_buf[slot];
        if (cmd.data_dir == VISORHBA_DIR_FROM_DEVICE)
            memset(buf, 0, cmd.data_len); /* what the IO partition leaves out reads as zeros */
    }
    p->buf = buf;
    p->own_buf = own_buf;
    if (buf && cmd.data_dir != VISORHBA_DIR_FROM_DEVICE &&
        copy_from_user(buf, (void __user *)(uintptr_t)cmd.data, cmd.data_len)) {
        rc = -EFAULT;
        goto out_release;
    }
    cmdrsp = d->slot_cmdrsp[slot];
    memset(cmdrsp, 0, SIZEOF_CMDRSP);
    cmdrsp->cmdtype = CMD_SCSI_TYPE;
    memcpy(cmdrsp->scsi.cmnd, cmd.cdb, cmd.cdb_len);
    cmdrsp->scsi.bufflen = cmd.data_len;
    cmdrsp->scsi.data_dir = cmd.data_dir;
    cmdrsp->scsi.vdest.channel = cmd.channel;
    cmdrsp->scsi.vdest.id = cmd.id;
    cmdrsp->scsi.vdest.lun = cmd.lun;
    rc = build_gpi_list(&cmdrsp->scsi, buf, cmd.data_len);
    if (rc)
        goto out_release;
    p->len = cmd.data_len;
    p->lun = cmd.lun;
    p->cdb0 = cmd.cdb[0];
    cmdrsp->scsi.handle = slot;
    /* send_and_wait releases the slot itself when it fails to send */
    rc = send_and_wait(d, slot, cmdrsp, cmd.timeout_ms ? cmd.timeout_ms : DEFAULT_TIMEOUT_MS);
    if (rc) {
        if (rc != -EBUSY && rc != -EAGAIN && rc != -ENODEV)
            own_buf = false; /* abandoned with the slot */
        goto out;
    }
    cmd.linuxstat = p->linuxstat;
    cmd.scsistat = p->scsistat;
    cmd.addlstat = p->addlstat;
    cmd.sense_len = p->linuxstat ? MAX_SENSE_SIZE : 0;
    memcpy(cmd.sense, p->sense, sizeof(cmd.sense));
    if (buf && cmd.data_dir != VISORHBA_DIR_TO_DEVICE &&
        copy_to_user((void __user *)(uintptr_t)cmd.data, buf, cmd.data_len))
        rc = -EFAULT;
    else
        rc = copy_to_user(uarg, &cmd, sizeof(cmd)) ? -EFAULT : 0;
    /* the slot's buffer is the data until it was copied out */
    release_slot(d, slot);
    goto out;
out_release:
    release_slot(d, slot);
out:
    if (own_buf)
        kfree(buf);
    return rc;
}

static long ioctl_taskmgmt(struct visorhba_devdata *d, void __user *uarg)
{
    struct visorhba_taskmgmt tm;
    struct uiscmdrsp *cmdrsp;
    int slot;
    long rc;

    if (copy_from_user(&tm, uarg, sizeof(tm)))
        return -EFAULT;
    if (tm.tasktype < VISORHBA_TASK_ABORT || tm.tasktype > VISORHBA_TASK_TARGET_RESET)
        return -EINVAL;
    slot = reserve_slot(d, CMD_SCSITASKMGMT_TYPE);
    if (slot < 0)
        return -EBUSY;
    cmdrsp = d->slot_cmdrsp[slot];
    memset(cmdrsp, 0, SIZEOF_CMDRSP);
    d->pending[slot].notify_handle = slot + 1; /* IDR-like ids start at 1 */
    cmdrsp->cmdtype = CMD_SCSITASKMGMT_TYPE;
    cmdrsp->scsitaskmgmt.tasktype = tm.tasktype;
    cmdrsp->scsitaskmgmt.vdest.channel = tm.channel;
    cmdrsp->scsitaskmgmt.vdest.id = tm.id;
    cmdrsp->scsitaskmgmt.vdest.lun = tm.lun;
    cmdrsp->scsitaskmgmt.handle = slot;
    cmdrsp->scsitaskmgmt.notify_handle = slot + 1;
    cmdrsp->scsitaskmgmt.notifyresult_handle = slot + 1 + MAX_PENDING_REQUESTS;
    rc = send_and_wait(d, slot, cmdrsp, TASKMGMT_TIMEOUT_MS);
    if (rc)
        return rc;
    tm.result = d->pending[slot].tm_result;
    release_slot(d, slot);
    return copy_to_user(uarg, &tm, sizeof(tm)) ? -EFAULT : 0;
}

static long visorhba_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    struct visorhba_devdata *d = file->private_data;
    struct visorhba_info info;

    if (d->removed)
        return -ENODEV;
    switch (cmd) {
    case VISORHBA_IOC_SCSI:
        return ioctl_scsi(d, (void __user *)arg);
    case VISORHBA_IOC_TASKMGMT:
        return ioctl_taskmgmt(d, (void __user *)arg);
    case VISORHBA_IOC_INFO:
        memset(&info, 0, sizeof(info));
        info.max_channel = d->max.max_channel;
        info.max_id = d->max.max_id;
        info.max_lun = d->max.max_lun;
        info.cmd_per_lun = d->max.cmd_per_lun;
        info.max_io_size = d->max.max_io_size;
        info.outstanding = d->outstanding;
        info.completed = d->completed;
        info.violations = d->violations + visorbus_device_violations(d->dev);
        return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
    default:
        return -ENOTTY;
    }
}

static int visorhba_open(struct inode *inode, struct file *file)
{
    struct miscdevice *misc = file->private_data;
    struct visorhba_devdata *d = container_of(misc, struct visorhba_devdata, misc);

    mutex_lock(&visorhba_mutex);
    d->refs++;
    file->private_data = d;
    mutex_unlock(&visorhba_mutex);
    return 0;
}

static int visorhba_release(struct inode *inode, struct file *file)
{
    mutex_lock(&visorhba_mutex);
    devdata_put(file->private_data);
    mutex_unlock(&visorhba_mutex);
    return 0;
}

static const struct file_operations visorhba_fops = {
    .owner = THIS_MODULE,
    .open = visorhba_open,
    .release = visorhba_release,
    .unlocked_ioctl = visorhba_ioctl,
};

/* ---- the function driver -------------------------------------------------------------- */

static int visorhba_probe(struct visor_device *dev)
{
    struct visorhba_devdata *d;
    u64 features;
    int rc, i;

    d = kzalloc(sizeof(*d), GFP_KERNEL);
    if (!d)
        return -ENOMEM;
    d->refs = 1;
    d->rsp = kzalloc(SIZEOF_CMDRSP, GFP_KERNEL);
    if (!d->rsp) {
        devdata_put(d);
        return -ENOMEM;
    }
    for (i = 0; i < MAX_PENDING_REQUESTS; i++) {
        d->slot_cmdrsp[i] = kmalloc(SIZEOF_CMDRSP, GFP_KERNEL);
        d->slot_buf[i] = kmalloc(SLOT_BUF_SIZE, GFP_KERNEL);
        if (!d->slot_cmdrsp[i] || !d->slot_buf[i]) {
            devdata_put(d);
            return -ENOMEM;
        }
    }
    d->dev = dev;
    d->irq = -1;
    spin_lock_init(&d->lock);
    init_waitqueue_head(&d->complete_wq);
    init_waitqueue_head(&d->poll_wq);
    rc = visorbus_read_channel(dev, offsetof(struct visor_io_channel, vhba.max), &d->max,
                               sizeof(d->max));
    if (rc < 0 || d->max.max_io_size < 512) {
        dev_err(&dev->device, "protocol violation: vhba max_io_size %u below one sector\n",
                d->max.max_io_size);
        rc = -EINVAL;
        goto err;
    }
    /* one command's data must fit the 64 guest_phys_info entries, page by page */
    if (d->max.max_io_size > (MAX_PHYS_INFO - 1) * PAGE_SIZE)
        d->max.max_io_size = (MAX_PHYS_INFO - 1) * PAGE_SIZE;
    rc = visorbus_read_channel(dev, offsetof(struct channel_header, features), &features,
                               sizeof(features));
    if (rc < 0)
        goto err;
    /* interrupts when the firmware offered one (visor.md "Interrupts"), else polling as
     * upstream */
    d->irq = visorbus_device_irq(dev);
    if (d->irq >= 0 && request_irq(d->irq, visorhba_interrupt, 0, "visorhba", d))
        d->irq = -1;
    if (d->irq >= 0)
        features = (features & ~VISOR_CHANNEL_IS_POLLING) | VISOR_DRIVER_ENABLES_INTS;
    else
        features |= VISOR_CHANNEL_IS_POLLING;
    visorbus_write_channel(dev, offsetof(struct channel_header, features), &features,
                           sizeof(features));
    mutex_lock(&visorhba_mutex);
    for (d->index = 0; d->index < MAX_DEVICES && used_index[d->index]; d->index++)
        ;
    if (d->index < MAX_DEVICES)
        used_index[d->index] = true;
    mutex_unlock(&visorhba_mutex);
    if (d->index >= MAX_DEVICES) {
        rc = -ENOSPC;
        goto err;
    }
    snprintf(d->name, sizeof(d->name), "visorhba%d", d->index);
    d->misc.minor = MISC_DYNAMIC_MINOR;
    d->misc.name = d->name;
    d->misc.fops = &visorhba_fops;
    d->misc.parent = &dev->device;
    dev_set_drvdata(&dev->device, d);
    rc = start_thread(d);
    if (rc)
        goto err_index;
    rc = misc_register(&d->misc);
    if (rc) {
        stop_thread(d);
        goto err_index;
    }
    dev_info(&dev->device, "%s: max_io_size %u, max_id %u, max_lun %u\n", d->name,
             d->max.max_io_size, d->max.max_id, d->max.max_lun);
    return 0;
err_index:
    used_index[d->index] = false;
    dev_set_drvdata(&dev->device, NULL);
err:
    release_irq(d);
    devdata_put(d);
    return rc;
}

static void visorhba_remove(struct visor_device *dev)
{
    struct visorhba_devdata *d = dev_get_drvdata(&dev->device);

    if (!d)
        return;
    stop_thread(d);
    release_irq(d);
    mutex_lock(&visorhba_mutex);
    d->removed = true;
    fail_all_pending(d);
    misc_deregister(&d->misc);
    used_index[d->index] = false;
    dev_set_drvdata(&dev->device, NULL);
    devdata_put(d);
    mutex_unlock(&visorhba_mutex);
}

/* The IO partition went away: nothing outstanding will be answered. */
static int visorhba_pause(struct visor_device *dev, visorbus_state_complete_func complete)
{
    struct visorhba_devdata *d = dev_get_drvdata(&dev->device);

    d->paused = true;
    stop_thread(d);
    fail_all_pending(d);
    complete(dev, 0);
    return 0;
}

/* Unlike upstream (whose resume never reports completion), the response is sent. */
static int visorhba_resume(struct visor_device *dev, visorbus_state_complete_func complete)
{
    struct visorhba_devdata *d = dev_get_drvdata(&dev->device);
    int rc = 0;

    if (!d->thread)
        rc = start_thread(d);
    d->paused = rc != 0;
    complete(dev, rc);
    return 0;
}

static struct visor_channeltype_descriptor visorhba_channel_types[] = {
    {VISOR_VHBA_CHANNEL_GUID, "sparvhba", sizeof(struct channel_header),
     VISOR_VHBA_CHANNEL_VERSIONID},
    {},
};

static struct visor_driver visorhba_driver = {
    .name = "visorhba",
    .owner = THIS_MODULE,
    .channel_types = visorhba_channel_types,
    .probe = visorhba_probe,
    .remove = visorhba_remove,
    .pause = visorhba_pause,
    .resume = visorhba_resume,
    .channel_interrupt = NULL,
};

static int __init visorhba_init(void)
{
    memset(used_index, 0, sizeof(used_index));
    return visorbus_register_visor_driver(&visorhba_driver);
}

static void __exit visorhba_exit(void)
{
    visorbus_unregister_visor_driver(&visorhba_driver);
}

module_init(visorhba_init);
module_exit(visorhba_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("s-Par virtual HBA");
