/* SCSI host adapters (<scsi/scsi_host.h>): the template a low-level driver fills and the host
 * the midlayer allocates around the driver's private area, with the entry points
 * Documentation/scsi/scsi_mid_low_api.txt lists for a driver that registers its hosts
 * itself: scsi_host_alloc, scsi_add_host, scsi_scan_host, scsi_remove_host, scsi_host_put.
 * The runtime is guest/kshim/runtime/ks_scsi.c. */
#ifndef _SCSI_SCSI_HOST_H
#define _SCSI_SCSI_HOST_H
#include "kshim/types.h"
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <scsi/scsi.h>

struct scsi_cmnd;
struct scsi_device;
struct Scsi_Host;
struct device_attribute;

/* queuecommand's answers besides 0: the midlayer requeues the command and dispatches it again
 * once a command completes or a moment (3 ms) has passed */
#define SCSI_MLQUEUE_HOST_BUSY   0x1055
#define SCSI_MLQUEUE_DEVICE_BUSY 0x1056
#define SCSI_MLQUEUE_EH_RETRY    0x1057
#define SCSI_MLQUEUE_TARGET_BUSY 0x1058

#define DISABLE_CLUSTERING 0
#define ENABLE_CLUSTERING  1

#define SG_ALL         128
#define SG_NONE        0
#define MODE_UNKNOWN   0x00
#define MODE_INITIATOR 0x01

struct scsi_host_template {
    struct module *module;
    const char *name;
    const char *(*info)(struct Scsi_Host *);
    int (*ioctl)(struct scsi_device *dev, int cmd, void __user *arg);
    int (*queuecommand)(struct Scsi_Host *, struct scsi_cmnd *);
    int (*eh_abort_handler)(struct scsi_cmnd *);
    int (*eh_device_reset_handler)(struct scsi_cmnd *);
    int (*eh_target_reset_handler)(struct scsi_cmnd *);
    int (*eh_bus_reset_handler)(struct scsi_cmnd *);
    int (*eh_host_reset_handler)(struct scsi_cmnd *);
    int (*slave_alloc)(struct scsi_device *);
    int (*slave_configure)(struct scsi_device *);
    void (*slave_destroy)(struct scsi_device *);
    int (*scan_finished)(struct Scsi_Host *, unsigned long);
    void (*scan_start)(struct Scsi_Host *);
    int (*change_queue_depth)(struct scsi_device *, int);
    const char *proc_name;
    int can_queue;
    int this_id;
    unsigned short sg_tablesize;
    unsigned short sg_prot_tablesize;
    unsigned int max_sectors;
    unsigned long dma_boundary;
    short cmd_per_lun;
    unsigned char present;
    unsigned supported_mode : 2;
    unsigned unchecked_isa_dma : 1;
    unsigned use_clustering : 1;
    unsigned emulated : 1;
    unsigned skip_settle_delay : 1;
    unsigned no_write_same : 1;
    unsigned force_blk_mq : 1;
    unsigned int max_host_blocked;
    struct device_attribute **shost_attrs; /* no sysfs: kept, never shown */
    struct device_attribute **sdev_attrs;
    unsigned int cmd_size;
};

enum scsi_host_state {
    SHOST_CREATED = 1,
    SHOST_RUNNING,
    SHOST_CANCEL,
    SHOST_DEL,
    SHOST_RECOVERY,
    SHOST_CANCEL_RECOVERY,
    SHOST_DEL_RECOVERY,
};

struct Scsi_Host {
    struct list_head __devices;
    spinlock_t default_lock;
    spinlock_t *host_lock;
    struct scsi_host_template *hostt;
    atomic_t host_busy;
    unsigned int host_failed;
    unsigned int host_eh_scheduled;
    unsigned int host_no;
    unsigned int max_channel, max_id;
    u64 max_lun;
    unsigned int unique_id;
    unsigned short max_cmd_len;
    int this_id;
    int can_queue;
    short cmd_per_lun;
    unsigned short sg_tablesize;
    unsigned short sg_prot_tablesize;
    unsigned int max_sectors;
    unsigned long dma_boundary;
    unsigned use_clustering : 1;
    unsigned active_mode : 2;
    unsigned host_self_blocked : 1;
    unsigned int max_host_blocked;
    enum scsi_host_state shost_state;
    struct device shost_gendev;
    struct device *dma_dev;
    /* the shim's */
    wait_queue_head_t ks_wait;  /* a command completed, a tag freed, recovery ended */
    struct scsi_cmnd *ks_cmds;  /* the pool: can_queue commands */
    unsigned long *ks_cmd_used; /* one flag per pool command */
    int ks_refs;
    int ks_added;
    int ks_scanning;
    unsigned ks_in_recovery;
    int ks_eh_active; /* one command's error handling at a time, as scsi_eh_<n> runs them */
    /* the low-level driver's private area (hostdata size given to scsi_host_alloc) */
    unsigned long hostdata[] __attribute__((aligned(sizeof(unsigned long))));
};

#define class_to_shost(d) container_of(d, struct Scsi_Host, shost_dev)
static inline void *shost_priv(struct Scsi_Host *shost)
{
    return (void *)shost->hostdata;
}

/* scsi_host_alloc may sleep (GFP_KERNEL); scsi_add_host registers the host below `dev`;
 * scsi_scan_host scans every channel, target and LUN synchronously (the kernel's
 * scsi_mod.scan=sync); scsi_remove_host removes the devices (slave_destroy each) and stops
 * accepting commands; scsi_host_put frees the host with the last reference. */
struct Scsi_Host *ks_scsi_host_alloc(struct scsi_host_template *t, int privsize, const char *file,
                                     int line);
#define scsi_host_alloc(t, privsize) ks_scsi_host_alloc(t, privsize, __FILE__, __LINE__)
int scsi_add_host_with_dma(struct Scsi_Host *shost, struct device *dev, struct device *dma_dev);
static inline int scsi_add_host(struct Scsi_Host *shost, struct device *dev)
{
    return scsi_add_host_with_dma(shost, dev, dev);
}
void scsi_scan_host(struct Scsi_Host *shost);
void scsi_remove_host(struct Scsi_Host *shost);
struct Scsi_Host *scsi_host_get(struct Scsi_Host *shost);
void ks_scsi_host_put(struct Scsi_Host *shost, const char *file, int line);
#define scsi_host_put(shost) ks_scsi_host_put(shost, __FILE__, __LINE__)
void scsi_block_requests(struct Scsi_Host *shost);
void scsi_unblock_requests(struct Scsi_Host *shost);

/* The queuecommand of drivers written for a host lock held around it (the _lck variant gets
 * the command and its done function). */
#define DEF_SCSI_QCMD(func_name)                                                                   \
    int func_name(struct Scsi_Host *shost, struct scsi_cmnd *cmd)                                  \
    {                                                                                              \
        unsigned long irq_flags;                                                                   \
        int rc;                                                                                    \
        spin_lock_irqsave(shost->host_lock, irq_flags);                                            \
        rc = func_name##_lck(cmd, cmd->scsi_done);                                                 \
        spin_unlock_irqrestore(shost->host_lock, irq_flags);                                       \
        return rc;                                                                                 \
    }
#endif
