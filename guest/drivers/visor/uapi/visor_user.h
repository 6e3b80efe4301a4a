/* User interfaces of chansim's s-Par function drivers, for programs running in the simulated
 * guest (scenario workloads through ks_uproc / ks_sys_*):
 *   /dev/visorhba<N>    ioctl VISORHBA_IOC_SCSI: one SCSI command (CDB + data buffer) to the
 *                       IO partition, SG_IO-like; VISORHBA_IOC_TASKMGMT; VISORHBA_IOC_INFO.
 *   /dev/visornic<N>    write = one Ethernet frame to transmit, read = one received frame;
 *                       ioctls for MAC, link, promiscuous mode and enabling the interface.
 *   /dev/visorinput<N>  read = input events (struct visorinput_event), in report order.
 * Plain C: fixed-width types only, usable outside the kernel shim. */
#ifndef VISOR_USER_H
#define VISOR_USER_H

#include <linux/ioctl.h>
#include <stdint.h>

/* ---- vhba ----------------------------------------------------------------------------- */

/* data_dir, as the IO channel carries it (Linux dma_data_direction) */
enum {
    VISORHBA_DIR_BIDIRECTIONAL = 0,
    VISORHBA_DIR_TO_DEVICE = 1,
    VISORHBA_DIR_FROM_DEVICE = 2,
    VISORHBA_DIR_NONE = 3
};

struct visorhba_scsi_cmd {
    /* in */
    uint8_t cdb[16];
    uint32_t cdb_len; /* 1..16 */
    uint32_t channel, id, lun;
    uint32_t data_dir;
    uint32_t data_len;   /* at most the channel's max_io_size */
    uint64_t data;       /* user address of data_len bytes */
    uint32_t timeout_ms; /* 0: 30 s */
    /* out */
    int32_t linuxstat; /* as the IO partition reports it: driver/host/msg/status bytes */
    uint8_t scsistat;
    uint8_t addlstat;
    uint8_t sense_len; /* 64 when linuxstat != 0, else 0 */
    uint8_t reserved;
    uint8_t sense[64];
};

/* tasktype values of the IO channel */
enum {
    VISORHBA_TASK_ABORT = 1,
    VISORHBA_TASK_BUS_RESET = 2,
    VISORHBA_TASK_LUN_RESET = 3,
    VISORHBA_TASK_TARGET_RESET = 4
};

struct visorhba_taskmgmt {
    uint32_t tasktype;
    uint32_t channel, id, lun;
    int32_t result; /* out: the IO partition's result byte */
    uint32_t reserved;
};

struct visorhba_info {
    uint32_t max_channel, max_id, max_lun, cmd_per_lun, max_io_size;
    uint32_t outstanding; /* commands sent and not yet completed */
    uint64_t completed, violations;
};

#define VISORHBA_IOC_SCSI     _IOWR('V', 0x01, struct visorhba_scsi_cmd)
#define VISORHBA_IOC_TASKMGMT _IOWR('V', 0x02, struct visorhba_taskmgmt)
#define VISORHBA_IOC_INFO     _IOR('V', 0x03, struct visorhba_info)

/* ---- vnic ----------------------------------------------------------------------------- */

struct visornic_info {
    uint8_t mac[6];
    uint8_t link;    /* carrier, from NET_CONNECT_STATUS */
    uint8_t enabled; /* receive enabled and acknowledged */
    uint32_t mtu;
    uint32_t num_rcv_bufs;
    uint32_t promisc;
    uint64_t tx_frames, tx_done, tx_errors, rx_frames, rx_dropped, violations;
};

#define VISORNIC_IOC_INFO        _IOR('V', 0x10, struct visornic_info)
#define VISORNIC_IOC_GET_MAC     _IOR('V', 0x11, uint8_t[6])
#define VISORNIC_IOC_GET_LINK    _IOR('V', 0x12, uint32_t)
#define VISORNIC_IOC_SET_PROMISC _IOW('V', 0x13, uint32_t)
/* 1: post receive buffers and enable receive (waits for the IO partition's ACK); 0: disable */
#define VISORNIC_IOC_ENABLE _IOW('V', 0x14, uint32_t)

/* ---- vinput --------------------------------------------------------------------------- */

/* Linux input event types and codes (include/uapi/linux/input-event-codes.h values) */
enum { VISORINPUT_EV_SYN = 0, VISORINPUT_EV_KEY = 1, VISORINPUT_EV_REL = 2, VISORINPUT_EV_ABS = 3 };
enum { VISORINPUT_ABS_X = 0, VISORINPUT_ABS_Y = 1, VISORINPUT_REL_WHEEL = 8 };
enum { VISORINPUT_BTN_LEFT = 0x110, VISORINPUT_BTN_RIGHT = 0x111, VISORINPUT_BTN_MIDDLE = 0x112 };

struct visorinput_event {
    uint16_t type;
    uint16_t code;
    int32_t value;
};

enum { VISORINPUT_KEYBOARD = 1, VISORINPUT_MOUSE = 2 };

struct visorinput_info {
    uint32_t kind;
    uint32_t x_res, y_res; /* mouse: absolute axis ranges */
    uint32_t locks;        /* keyboard: bit 0 caps, 1 num, 2 scroll lock */
    uint64_t reports, dropped, violations;
};

#define VISORINPUT_IOC_INFO _IOR('V', 0x20, struct visorinput_info)

#endif
