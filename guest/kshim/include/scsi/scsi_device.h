/* A SCSI logical unit as the midlayer presents it to a low-level driver (<scsi/scsi_device.h>,
 * Documentation/scsi/scsi_mid_low_api.txt): created by the scan for each LUN that answers
 * INQUIRY, offered to slave_alloc before the first command and to slave_configure once found,
 * and to slave_destroy before it is freed. */
#ifndef _SCSI_SCSI_DEVICE_H
#define _SCSI_SCSI_DEVICE_H
#include "kshim/types.h"
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/list.h>
#include <scsi/scsi.h>

struct Scsi_Host;
struct ks_scsi_sg;

enum scsi_device_state {
    SDEV_CREATED = 1,
    SDEV_RUNNING,
    SDEV_CANCEL,
    SDEV_DEL,
    SDEV_QUIESCE,
    SDEV_OFFLINE,
    SDEV_BLOCK,
};

struct scsi_device {
    struct Scsi_Host *host;
    struct list_head siblings; /* in the host's __devices */
    unsigned int id, channel;
    u64 lun;
    unsigned int manufacturer;
    unsigned int sector_size;
    void *hostdata; /* the low-level driver's */
    unsigned char type;
    char scsi_level;
    unsigned char inquiry_len;
    unsigned char *inquiry;
    const char *vendor, *model, *rev;
    unsigned short queue_depth;
    unsigned short max_queue_depth;
    atomic_t device_busy;
    atomic_t device_blocked;
    unsigned int tagged_supported : 1;
    unsigned int removable : 1;
    unsigned int no_uld_attach : 1;
    enum scsi_device_state sdev_state;
    struct device sdev_gendev;
    /* the shim's */
    unsigned char ks_inquiry[36];
    struct ks_scsi_sg *ks_sg; /* its /dev/sg<N> */
    int ks_configured;        /* slave_configure ran (slave_destroy then runs at removal) */
};

#define to_scsi_device(d) container_of(d, struct scsi_device, sdev_gendev)

/* The devices of a host: a reference is held on the device the loop body sees. */
struct scsi_device *__scsi_iterate_devices(struct Scsi_Host *shost, struct scsi_device *prev);
#define shost_for_each_device(sdev, shost)                                                         \
    for ((sdev) = __scsi_iterate_devices((shost), NULL); (sdev);                                   \
         (sdev) = __scsi_iterate_devices((shost), (sdev)))
#define __shost_for_each_device(sdev, shost)                                                       \
    list_for_each_entry((sdev), &((shost)->__devices), siblings)

int scsi_device_get(struct scsi_device *sdev);
void scsi_device_put(struct scsi_device *sdev);
static inline int scsi_device_online(struct scsi_device *sdev)
{
    return sdev->sdev_state != SDEV_OFFLINE && sdev->sdev_state != SDEV_DEL;
}
#endif
