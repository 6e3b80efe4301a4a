/* The SCSI midlayer for low-level drivers (<scsi/scsi_host.h>), written from
 * Documentation/scsi/scsi_mid_low_api.txt and SAM/SPC:
 * - hosts: scsi_host_alloc (the driver's private area after the host), scsi_add_host (a pool
 *   of can_queue commands, each with a sense buffer and sg_tablesize scatter-gather entries,
 *   as the block layer's tag set gives), scsi_remove_host, reference counted frees;
 * - the scan (scsi_scan_host, synchronous as with scsi_mod.scan=sync): per channel and target
 *   an INQUIRY of LUN 0, then REPORT LUNS (SCSI-3 and later) or a sequential scan; each
 *   logical unit gets slave_alloc before its first command, slave_configure once found,
 *   slave_destroy at removal (or when the probe found nothing) and a /dev/sg<N>;
 * - dispatch: at most can_queue commands per host and queue_depth (cmd_per_lun) per device;
 *   queuecommand's SCSI_MLQUEUE_* answers are retried when a command completes or after 3 ms;
 * - completion through scsi_done, which counts once: a second call, or one for a command that
 *   timed out, is ignored (the 4.19 SCMD_STATE_COMPLETE rule);
 * - timeouts: the error handler runs eh_abort_handler, then device, target, bus and host
 *   reset until one answers SUCCESS, with new commands held meanwhile; when all fail the
 *   device goes offline. The command ends with host byte DID_TIME_OUT (sg gives no retries).
 * Everything runs in the task that issues the command; scsi_done may come from any context. */
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>

#include "ks_scsi_internal.h"

enum ks_scsi_cmd_state { KS_CMD_FREE, KS_CMD_PREP, KS_CMD_INFLIGHT, KS_CMD_DONE, KS_CMD_EH };

/* 3 ms, the block layer's SCSI_QUEUE_DELAY before a busy queue is run again */
#define REQUEUE_DELAY_MS 3

struct ks_scsi_stats ks_scsi_st;
static unsigned int next_host_no;

void ks_scsi_get_stats(struct ks_scsi_stats *out)
{
    *out = ks_scsi_st;
}

void *ks_scsi_alloc(size_t n)
{
    void *p = ks_kmalloc(n, GFP_KERNEL | __GFP_ZERO, KS_SCSI_OWNER, __FILE__, __LINE__);
    if (p)
        ks_scsi_st.objects_live++;
    return p;
}

void ks_scsi_free(void *p)
{
    if (!p)
        return;
    ks_scsi_st.objects_live--;
    ks_kfree(p, __FILE__, __LINE__);
}

/* ---- hosts ---------------------------------------------------------------------------- */

struct Scsi_Host *ks_scsi_host_alloc(struct scsi_host_template *t, int privsize, const char *file,
                                     int line)
{
    ks_might_sleep(file, line, "scsi_host_alloc");
    if (privsize < 0)
        return NULL;
    /* charged to the midlayer, at the driver's call: findings about the host and the driver's
     * private area in it name that line */
    struct Scsi_Host *sh = ks_kmalloc(sizeof(*sh) + (size_t)privsize, GFP_KERNEL | __GFP_ZERO,
                                      KS_SCSI_OWNER, file, line);
    if (!sh)
        return NULL;
    ks_scsi_st.objects_live++;
    INIT_LIST_HEAD(&sh->__devices);
    spin_lock_init(&sh->default_lock);
    sh->host_lock = &sh->default_lock;
    init_waitqueue_head(&sh->ks_wait);
    sh->hostt = t;
    sh->host_no = next_host_no++;
    sh->max_channel = 0;
    sh->max_id = 8;
    sh->max_lun = 8;
    sh->max_cmd_len = 12;
    sh->this_id = t->this_id;
    sh->can_queue = t->can_queue;
    sh->cmd_per_lun = t->cmd_per_lun;
    sh->sg_tablesize = t->sg_tablesize;
    sh->max_sectors = t->max_sectors ? t->max_sectors : 1024;
    sh->use_clustering = t->use_clustering;
    sh->max_host_blocked = t->max_host_blocked ? t->max_host_blocked : 7;
    sh->shost_state = SHOST_CREATED;
    sh->ks_refs = 1;
    dev_set_name(&sh->shost_gendev, "host%u", sh->host_no);
    return sh;
}

static void free_pool(struct Scsi_Host *sh)
{
    if (!sh->ks_cmds)
        return;
    for (int i = 0; i < sh->can_queue; i++) {
        ks_scsi_free(sh->ks_cmds[i].sense_buffer);
        ks_scsi_free(sh->ks_cmds[i].ks_sgl);
    }
    ks_scsi_free(sh->ks_cmds);
    sh->ks_cmds = NULL;
}

int scsi_add_host_with_dma(struct Scsi_Host *sh, struct device *dev, struct device *dma_dev)
{
    if (sh->ks_added)
        return -EEXIST;
    if (sh->can_queue <= 0 || sh->sg_tablesize == 0 || !sh->hostt->queuecommand) {
        pr_err("scsi host%u: can_queue %d, sg_tablesize %u or no queuecommand: not added\n",
               sh->host_no, sh->can_queue, sh->sg_tablesize);
        return -EINVAL;
    }
    sh->ks_cmds = ks_scsi_alloc(sizeof(*sh->ks_cmds) * (size_t)sh->can_queue);
    if (!sh->ks_cmds)
        return -ENOMEM;
    for (int i = 0; i < sh->can_queue; i++) {
        struct scsi_cmnd *c = &sh->ks_cmds[i];
        c->ks_tag = (unsigned)i;
        c->sense_buffer = ks_scsi_alloc(SCSI_SENSE_BUFFERSIZE);
        c->ks_sgl = ks_scsi_alloc(sizeof(struct scatterlist) * sh->sg_tablesize);
        if (!c->sense_buffer || !c->ks_sgl) {
            free_pool(sh);
            return -ENOMEM;
        }
    }
    if (sh->cmd_per_lun <= 0)
        sh->cmd_per_lun = 1;
    sh->shost_gendev.parent = dev;
    sh->dma_dev = dma_dev;
    sh->shost_state = SHOST_RUNNING;
    sh->ks_added = 1;
    ks_scsi_st.hosts_added++;
    ks_scsi_st.hosts_live++;
    pr_info("scsi host%u: %s\n", sh->host_no,
            sh->hostt->info ? sh->hostt->info(sh) : sh->hostt->name);
    return 0;
}

struct Scsi_Host *scsi_host_get(struct Scsi_Host *sh)
{
    if (sh->shost_state == SHOST_DEL)
        return NULL;
    sh->ks_refs++;
    return sh;
}

static void host_release(struct Scsi_Host *sh, const char *file, int line)
{
    if (sh->ks_added)
        ks_scsi_st.hosts_live--;
    free_pool(sh);
    ks_scsi_st.objects_live--;
    ks_kfree(sh, file, line);
}

/* The last reference frees the host with the driver's private area in it, at once, as
 * scsi_host_dev_release does once the host's device is released. */
void ks_scsi_host_put(struct Scsi_Host *sh, const char *file, int line)
{
    if (!sh || --sh->ks_refs > 0)
        return;
    host_release(sh, file, line);
}

void scsi_block_requests(struct Scsi_Host *sh)
{
    sh->host_self_blocked = 1;
}

void scsi_unblock_requests(struct Scsi_Host *sh)
{
    sh->host_self_blocked = 0;
    wake_up_all(&sh->ks_wait);
}

/* ---- devices -------------------------------------------------------------------------- */

int scsi_device_get(struct scsi_device *sdev)
{
    if (sdev->sdev_state == SDEV_DEL || sdev->sdev_state == SDEV_CANCEL)
        return -ENXIO;
    sdev->sdev_gendev.ks_refs++;
    return 0;
}

static void sdev_release(struct scsi_device *sdev)
{
    struct Scsi_Host *sh = sdev->host;
    ks_scsi_sg_release(sdev);
    ks_scsi_free(sdev);
    ks_scsi_st.devices_live--;
    ks_scsi_host_put(sh, __FILE__, __LINE__);
}

void scsi_device_put(struct scsi_device *sdev)
{
    if (--sdev->sdev_gendev.ks_refs == 0)
        sdev_release(sdev);
}

struct scsi_device *__scsi_iterate_devices(struct Scsi_Host *sh, struct scsi_device *prev)
{
    struct list_head *next = prev ? prev->siblings.next : sh->__devices.next;
    struct scsi_device *sdev = NULL;
    while (next != &sh->__devices) {
        struct scsi_device *s = list_entry(next, struct scsi_device, siblings);
        if (scsi_device_get(s) == 0) {
            sdev = s;
            break;
        }
        next = next->next;
    }
    if (prev)
        scsi_device_put(prev);
    return sdev;
}

static struct scsi_device *sdev_alloc(struct Scsi_Host *sh, unsigned channel, unsigned id, u64 lun)
{
    struct scsi_device *sdev = ks_scsi_alloc(sizeof(*sdev));
    if (!sdev)
        return NULL;
    sdev->host = sh;
    sdev->channel = channel;
    sdev->id = id;
    sdev->lun = lun;
    sdev->queue_depth = (unsigned short)sh->cmd_per_lun;
    sdev->max_queue_depth = sdev->queue_depth;
    sdev->sector_size = 512;
    sdev->sdev_state = SDEV_CREATED;
    sdev->sdev_gendev.parent = &sh->shost_gendev;
    sdev->sdev_gendev.ks_refs = 1;
    dev_set_name(&sdev->sdev_gendev, "%u:%u:%u:%llu", sh->host_no, channel, id,
                 (unsigned long long)lun);
    sh->ks_refs++;
    ks_scsi_st.devices_live++;
    list_add_tail(&sdev->siblings, &sh->__devices);
    if (sh->hostt->slave_alloc) {
        int rc = sh->hostt->slave_alloc(sdev);
        if (rc) {
            dev_warn(&sdev->sdev_gendev, "slave_alloc failed: %d\n", rc);
            list_del(&sdev->siblings);
            sdev->sdev_state = SDEV_DEL;
            scsi_device_put(sdev);
            return NULL;
        }
    }
    return sdev;
}

/* __scsi_remove_device: no new commands, wait for those in flight (they complete or time out
 * through the error handler), slave_destroy, the sg node goes; the memory goes with the last
 * reference (an open /dev/sg keeps one). */
static void sdev_remove(struct scsi_device *sdev)
{
    struct Scsi_Host *sh = sdev->host;
    if (sdev->sdev_state == SDEV_DEL)
        return;
    sdev->sdev_state = SDEV_CANCEL;
    wait_event(sh->ks_wait, atomic_read(&sdev->device_busy) == 0);
    ks_scsi_sg_remove(sdev);
    sdev->sdev_state = SDEV_DEL;
    if (sh->hostt->slave_destroy)
        sh->hostt->slave_destroy(sdev);
    list_del_init(&sdev->siblings);
    scsi_device_put(sdev);
}

void scsi_remove_host(struct Scsi_Host *sh)
{
    might_sleep();
    sh->shost_state = SHOST_CANCEL;
    wake_up_all(&sh->ks_wait);
    while (!list_empty(&sh->__devices))
        sdev_remove(list_first_entry(&sh->__devices, struct scsi_device, siblings));
    sh->shost_state = SHOST_DEL;
}

/* ---- dispatch, completion, error handling --------------------------------------------- */

static void ks_scsi_done(struct scsi_cmnd *cmd)
{
    if (cmd->ks_state != KS_CMD_INFLIGHT) {
        /* timed out (the error handler owns it) or completed already */
        ks_scsi_st.late_done++;
        pr_warn("scsi: scsi_done of a command not in flight (tag %u, state %d): ignored\n",
                cmd->ks_tag, cmd->ks_state);
        return;
    }
    struct Scsi_Host *sh = cmd->device->host;
    cmd->ks_state = KS_CMD_DONE;
    atomic_dec(&sh->host_busy);
    atomic_dec(&cmd->device->device_busy);
    ks_scsi_st.completed++;
    wake_up_all(&sh->ks_wait);
}

static int host_gone(const struct Scsi_Host *sh, const struct scsi_device *sdev)
{
    return sh->shost_state != SHOST_RUNNING || sdev->sdev_state == SDEV_DEL ||
           sdev->sdev_state == SDEV_OFFLINE;
}

static int can_dispatch(const struct Scsi_Host *sh, const struct scsi_device *sdev)
{
    return host_gone(sh, sdev) || (!sh->ks_in_recovery && !sh->host_self_blocked &&
                                   atomic_read(&sh->host_busy) < sh->can_queue &&
                                   atomic_read(&sdev->device_busy) < sdev->queue_depth);
}

static struct scsi_cmnd *get_cmd(struct Scsi_Host *sh)
{
    for (int i = 0; i < sh->can_queue; i++)
        if (sh->ks_cmds[i].ks_state == KS_CMD_FREE)
            return &sh->ks_cmds[i];
    return NULL;
}

static int map_data(struct Scsi_Host *sh, struct scsi_cmnd *cmd, void *buf, unsigned len)
{
    unsigned n = 0;
    u8 *p = buf;
    cmd->sdb.table.sgl = NULL;
    cmd->sdb.table.nents = cmd->sdb.table.orig_nents = 0;
    cmd->sdb.length = len;
    cmd->sdb.resid = 0;
    if (!len)
        return 0;
    sg_init_table(cmd->ks_sgl, sh->sg_tablesize);
    /* page by page, as the block layer maps a bounce buffer (clustering merges nothing: the
     * pages of a kmalloc buffer are contiguous, but one entry per page keeps every entry
     * within a page, which is what drivers converting to page lists expect) */
    while (len) {
        unsigned off = (unsigned)((uintptr_t)p & (PAGE_SIZE - 1));
        unsigned chunk = PAGE_SIZE - off < len ? (unsigned)PAGE_SIZE - off : len;
        if (n == sh->sg_tablesize)
            return -EINVAL;
        struct page *pg = virt_to_page(p);
        if (!pg)
            return -EFAULT;
        sg_set_page(&cmd->ks_sgl[n], pg, chunk, off);
        cmd->ks_sgl[n].dma_address = page_to_phys(pg) + off;
        cmd->ks_sgl[n].dma_length = chunk;
        n++;
        p += chunk;
        len -= chunk;
    }
    sg_mark_end(&cmd->ks_sgl[n - 1]);
    cmd->sdb.table.sgl = cmd->ks_sgl;
    cmd->sdb.table.nents = cmd->sdb.table.orig_nents = n;
    return 0;
}

/* The error handler for a command that timed out (scsi_times_out, then scsi_error_handler's
 * escalation). Runs in the issuing task: the handlers may sleep. */
static void error_handler(struct Scsi_Host *sh, struct scsi_cmnd *cmd)
{
    struct scsi_host_template *t = sh->hostt;
    struct scsi_device *sdev = cmd->device;
    ks_scsi_st.timeouts++;
    cmd->ks_state = KS_CMD_EH;
    sh->ks_in_recovery++;
    sh->host_failed++;
    sh->shost_state = sh->shost_state == SHOST_RUNNING ? SHOST_RECOVERY : sh->shost_state;
    dev_warn(&sdev->sdev_gendev, "command 0x%02x timed out: error handling\n", cmd->cmnd[0]);
    wait_event(sh->ks_wait, !sh->ks_eh_active);
    sh->ks_eh_active = 1;
    static const char *const names[] = {"abort", "device reset", "target reset", "bus reset",
                                        "host reset"};
    int (*const handler[])(struct scsi_cmnd *) = {
        t->eh_abort_handler, t->eh_device_reset_handler, t->eh_target_reset_handler,
        t->eh_bus_reset_handler, t->eh_host_reset_handler};
    uint64_t *const count[] = {&ks_scsi_st.eh_abort, &ks_scsi_st.eh_device_reset,
                               &ks_scsi_st.eh_target_reset, &ks_scsi_st.eh_bus_reset,
                               &ks_scsi_st.eh_host_reset};
    int rtn = FAILED;
    for (unsigned i = 0; i < 5 && rtn != SUCCESS; i++) {
        if (!handler[i])
            continue;
        (*count[i])++;
        rtn = handler[i](cmd);
        dev_info(&sdev->sdev_gendev, "eh %s: %s\n", names[i],
                 rtn == SUCCESS  ? "SUCCESS"
                 : rtn == FAILED ? "FAILED"
                                 : "other answer");
    }
    if (rtn == SUCCESS) {
        ks_scsi_st.eh_success++;
    } else {
        sdev->sdev_state = SDEV_OFFLINE;
        ks_scsi_st.offlined++;
        dev_err(&sdev->sdev_gendev, "every error handler failed: device offline\n");
    }
    cmd->result = (cmd->result & 0xff00ffff) | (DID_TIME_OUT << 16);
    atomic_dec(&sh->host_busy);
    atomic_dec(&sdev->device_busy);
    sh->host_failed--;
    sh->ks_eh_active = 0;
    if (--sh->ks_in_recovery == 0 && sh->shost_state == SHOST_RECOVERY)
        sh->shost_state = SHOST_RUNNING;
    cmd->ks_state = KS_CMD_DONE;
    wake_up_all(&sh->ks_wait);
}

int ks_scsi_execute(struct scsi_device *sdev, struct ks_scsi_req *r)
{
    struct Scsi_Host *sh = sdev->host;
    if (r->cdb_len == 0 || r->cdb_len > MAX_COMMAND_SIZE)
        return -EINVAL;
    if (r->len > sh->max_sectors * 512u)
        return -EINVAL;
    unsigned long deadline = jiffies + msecs_to_jiffies(r->timeout_ms);
    struct scsi_cmnd *cmd;
    /* a free command of the pool (they are can_queue: one is free unless every one is in
     * flight or in error handling) */
    while (!(cmd = get_cmd(sh))) {
        if (host_gone(sh, sdev))
            return -ENODEV;
        ks_scsi_st.queue_waits++;
        wait_event(sh->ks_wait, get_cmd(sh) || host_gone(sh, sdev));
    }
    cmd->ks_state = KS_CMD_PREP;
    cmd->device = sdev;
    memset(cmd->ks_cdb, 0, sizeof(cmd->ks_cdb));
    memcpy(cmd->ks_cdb, r->cdb, r->cdb_len);
    cmd->cmnd = cmd->ks_cdb;
    cmd->cmd_len = (unsigned short)r->cdb_len;
    cmd->sc_data_direction = r->len ? r->dir : DMA_NONE;
    memset(cmd->sense_buffer, 0, SCSI_SENSE_BUFFERSIZE);
    cmd->result = 0;
    cmd->retries = 0;
    cmd->allowed = 0;
    cmd->host_scribble = NULL;
    cmd->jiffies_at_alloc = jiffies;
    int rc = map_data(sh, cmd, r->buf, r->len);
    if (rc) {
        cmd->ks_state = KS_CMD_FREE;
        return rc;
    }
    for (;;) {
        if (!can_dispatch(sh, sdev)) {
            ks_scsi_st.queue_waits++;
            wait_event(sh->ks_wait, can_dispatch(sh, sdev));
        }
        if (host_gone(sh, sdev)) {
            cmd->result = DID_NO_CONNECT << 16;
            goto finished;
        }
        atomic_inc(&sh->host_busy);
        atomic_inc(&sdev->device_busy);
        cmd->scsi_done = ks_scsi_done;
        cmd->ks_state = KS_CMD_INFLIGHT;
        int q = sh->hostt->queuecommand(sh, cmd);
        if (q == 0) {
            ks_scsi_st.commands++;
            if ((uint64_t)atomic_read(&sh->host_busy) > ks_scsi_st.max_in_flight)
                ks_scsi_st.max_in_flight = (uint64_t)atomic_read(&sh->host_busy);
            break;
        }
        /* requeued: the command is the midlayer's again */
        if (cmd->ks_state == KS_CMD_INFLIGHT) {
            cmd->ks_state = KS_CMD_PREP;
            atomic_dec(&sh->host_busy);
            atomic_dec(&sdev->device_busy);
        }
        if (q != SCSI_MLQUEUE_HOST_BUSY && q != SCSI_MLQUEUE_DEVICE_BUSY &&
            q != SCSI_MLQUEUE_EH_RETRY && q != SCSI_MLQUEUE_TARGET_BUSY) {
            dev_err(&sdev->sdev_gendev, "queuecommand answered %d\n", q);
            cmd->result = DID_ERROR << 16;
            goto finished;
        }
        ks_scsi_st.busy_requeues++;
        if (time_after_eq(jiffies, deadline)) {
            /* never taken by the host within its timeout */
            cmd->result = DID_TIME_OUT << 16;
            goto finished;
        }
        /* again once a command completed, or after the block layer's delay */
        uint64_t gen = ks_scsi_st.completed;
        wait_event_timeout(sh->ks_wait, ks_scsi_st.completed != gen || host_gone(sh, sdev),
                           msecs_to_jiffies(REQUEUE_DELAY_MS));
    }
    long t = (long)(deadline - jiffies);
    if (t <= 0 || !wait_event_timeout(sh->ks_wait, cmd->ks_state == KS_CMD_DONE, t))
        if (cmd->ks_state != KS_CMD_DONE)
            error_handler(sh, cmd);
finished:
    r->result = cmd->result;
    r->resid = cmd->sdb.resid;
    memcpy(r->sense, cmd->sense_buffer, SCSI_SENSE_BUFFERSIZE);
    cmd->ks_state = KS_CMD_FREE;
    cmd->scsi_done = NULL;
    wake_up_all(&sh->ks_wait);
    return 0;
}

/* ---- the scan --------------------------------------------------------------------------- */

#define INQUIRY_LEN  36
#define SCAN_TIMEOUT 20000 /* ms: the kernel's scsi_inq_timeout */
#define SCAN_RETRIES 3

static int scan_cmd(struct scsi_device *sdev, const u8 *cdb, unsigned cdb_len, void *buf,
                    unsigned len, int *result)
{
    struct ks_scsi_req r = {.cdb = cdb,
                            .cdb_len = cdb_len,
                            .dir = DMA_FROM_DEVICE,
                            .buf = buf,
                            .len = len,
                            .timeout_ms = SCAN_TIMEOUT};
    /* unit attention and busy are retried, as scsi_probe_lun does */
    for (int i = 0; i < SCAN_RETRIES; i++) {
        int rc = ks_scsi_execute(sdev, &r);
        if (rc)
            return rc;
        *result = r.result;
        if (r.result == 0)
            return 0;
        int sk = (r.sense[0] & 0x7f) >= 0x72 ? r.sense[1] & 0xf : r.sense[2] & 0xf;
        if (!(status_byte(r.result) << 1 == SAM_STAT_CHECK_CONDITION && sk == 0x6) &&
            host_byte(r.result) != DID_BUS_BUSY && host_byte(r.result) != DID_REQUEUE)
            return 0;
    }
    return 0;
}

enum scan_res { SCAN_NO_RESPONSE, SCAN_TARGET_PRESENT, SCAN_LUN_PRESENT };

static enum scan_res probe_lun(struct Scsi_Host *sh, unsigned ch, unsigned id, u64 lun, u8 *level)
{
    struct scsi_device *sdev = sdev_alloc(sh, ch, id, lun);
    if (!sdev)
        return SCAN_NO_RESPONSE;
    u8 *inq = ks_scsi_alloc(INQUIRY_LEN);
    enum scan_res res = SCAN_NO_RESPONSE;
    u8 cdb[6] = {INQUIRY, 0, 0, 0, INQUIRY_LEN, 0};
    int result = -1;
    if (!inq || scan_cmd(sdev, cdb, 6, inq, INQUIRY_LEN, &result) < 0 || result != 0)
        goto gone;
    res = SCAN_TARGET_PRESENT;
    /* a peripheral qualifier other than 0 (LU not connected, 1, or none, 3): the target is
     * there, this LUN is not (no device is added for it) */
    if ((inq[0] >> 5) != 0)
        goto gone;
    memcpy(sdev->ks_inquiry, inq, INQUIRY_LEN);
    sdev->inquiry = sdev->ks_inquiry;
    sdev->inquiry_len = INQUIRY_LEN;
    sdev->type = inq[0] & 0x1f;
    sdev->scsi_level = (char)((inq[2] & 0x07) + 1);
    sdev->removable = (inq[1] & 0x80) != 0;
    sdev->tagged_supported = (inq[7] & 0x02) != 0;
    sdev->vendor = (const char *)sdev->ks_inquiry + 8;
    sdev->model = (const char *)sdev->ks_inquiry + 16;
    sdev->rev = (const char *)sdev->ks_inquiry + 32;
    *level = (u8)sdev->scsi_level;
    if (sh->hostt->slave_configure) {
        int rc = sh->hostt->slave_configure(sdev);
        if (rc) {
            dev_warn(&sdev->sdev_gendev, "slave_configure failed: %d\n", rc);
            goto gone;
        }
    }
    sdev->ks_configured = 1;
    sdev->sdev_state = SDEV_RUNNING;
    if (ks_scsi_sg_add(sdev) < 0)
        goto gone;
    ks_scsi_st.devices_found++;
    dev_info(&sdev->sdev_gendev, "%s %.8s %.16s %.4s (type 0x%02x, SCSI level %d)\n",
             sdev->type == TYPE_DISK ? "Direct-Access" : "Device", sdev->vendor, sdev->model,
             sdev->rev, sdev->type, sdev->scsi_level);
    ks_scsi_free(inq);
    return SCAN_LUN_PRESENT;
gone:
    ks_scsi_free(inq);
    sdev_remove(sdev);
    return res;
}

/* REPORT LUNS of LUN 0's target: 0 and the LUNs in luns[] (single-level addressing), -1 when
 * the target does not support it. */
static int report_luns(struct Scsi_Host *sh, unsigned ch, unsigned id, u64 *luns, unsigned max,
                       unsigned *n)
{
    enum { LEN = 8 + 8 * 64 };
    struct scsi_device *sdev = NULL, *s;
    int temporary = 0;
    list_for_each_entry(s, &sh->__devices,
                        siblings) if (s->channel == ch && s->id == id && s->lun == 0) sdev = s;
    if (!sdev) {
        /* LUN 0 is not a device of its own: a temporary one asks, as the kernel does */
        sdev = sdev_alloc(sh, ch, id, 0);
        temporary = 1;
    }
    if (!sdev)
        return -1;
    u8 *buf = ks_scsi_alloc(LEN);
    u8 cdb[12] = {REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, LEN >> 8, LEN & 0xff, 0, 0};
    int result = -1, rc = -1;
    *n = 0;
    if (buf && scan_cmd(sdev, cdb, 12, buf, LEN, &result) == 0 && result == 0) {
        u32 bytes = (u32)buf[0] << 24 | (u32)buf[1] << 16 | (u32)buf[2] << 8 | buf[3];
        unsigned count = bytes / 8 < 64 ? bytes / 8 : 64;
        for (unsigned i = 0; i < count && *n < max; i++) {
            const u8 *l = buf + 8 + 8 * i;
            /* peripheral (0) and flat (1) addressing of the first level */
            u64 lun = ((u64)(l[0] & 0x3f) << 8) | l[1];
            luns[(*n)++] = lun;
        }
        rc = 0;
    }
    ks_scsi_free(buf);
    if (temporary)
        sdev_remove(sdev);
    return rc;
}

static void scan_target(struct Scsi_Host *sh, unsigned ch, unsigned id)
{
    u8 level = 0;
    enum scan_res r0 = probe_lun(sh, ch, id, 0, &level);
    if (r0 == SCAN_NO_RESPONSE)
        return;
    u64 luns[64];
    unsigned n = 0;
    if (level > SCSI_2 && report_luns(sh, ch, id, luns, 64, &n) == 0) {
        for (unsigned i = 0; i < n; i++)
            if (luns[i] != 0 && luns[i] < sh->max_lun)
                probe_lun(sh, ch, id, luns[i], &level);
        return;
    }
    /* sequential, up to the first LUN that is not there */
    for (u64 lun = 1; lun < sh->max_lun && lun < 8; lun++)
        if (probe_lun(sh, ch, id, lun, &level) != SCAN_LUN_PRESENT)
            break;
}

void scsi_scan_host(struct Scsi_Host *sh)
{
    might_sleep();
    if (sh->shost_state != SHOST_RUNNING)
        return;
    sh->ks_scanning = 1;
    for (unsigned ch = 0; ch <= sh->max_channel; ch++)
        for (unsigned id = 0; id < sh->max_id; id++)
            if ((int)id != sh->this_id && sh->shost_state == SHOST_RUNNING)
                scan_target(sh, ch, id);
    sh->ks_scanning = 0;
}
