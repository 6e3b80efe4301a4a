/* The SCSI generic driver's user interface (<scsi/sg.h>): the SG_IO ioctl and its header,
 * interface 'S' (version 3), with the kernel's layout, so that a user program built with
 * the C library's <scsi/sg.h> talks to /dev/sg<N> of the shim. */
#ifndef _SCSI_SG_H
#define _SCSI_SG_H
#include "kshim/types.h"

typedef struct sg_iovec {
    void __user *iov_base;
    size_t iov_len;
} sg_iovec_t;

typedef struct sg_io_hdr {
    int interface_id; /* 'S' */
    int dxfer_direction;
    unsigned char cmd_len;
    unsigned char mx_sb_len;
    unsigned short iovec_count;
    unsigned int dxfer_len;
    void __user *dxferp;
    unsigned char __user *cmdp;
    void __user *sbp;
    unsigned int timeout; /* ms */
    unsigned int flags;
    int pack_id;
    void __user *usr_ptr;
    unsigned char status;
    unsigned char masked_status;
    unsigned char msg_status;
    unsigned char sb_len_wr;
    unsigned short host_status;
    unsigned short driver_status;
    int resid;
    unsigned int duration; /* ms */
    unsigned int info;
} sg_io_hdr_t;

#define SG_DXFER_NONE        (-1)
#define SG_DXFER_TO_DEV      (-2)
#define SG_DXFER_FROM_DEV    (-3)
#define SG_DXFER_TO_FROM_DEV (-4)

#define SG_INFO_OK_MASK 0x1
#define SG_INFO_OK      0x0
#define SG_INFO_CHECK   0x1

#define SG_GET_VERSION_NUM   0x2282
#define SG_IO                0x2285
#define SG_GET_SCSI_ID       0x2276
#define SG_GET_RESERVED_SIZE 0x2272

#define SG_DEFAULT_TIMEOUT_MS 60000
#define SG_MAX_SENSE          16

typedef struct sg_scsi_id {
    int host_no;
    int channel;
    int scsi_id;
    int lun;
    int scsi_type;
    short h_cmd_per_lun;
    short d_queue_depth;
    int unused[2];
} sg_scsi_id_t;
#endif
