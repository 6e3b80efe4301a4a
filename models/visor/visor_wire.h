/* What an s-Par channel records in a trace (family "visor", docs/trace-format.md) and the
 * layouts both ends of a channel share: the packed little-endian x86 structures of
 * include/linux/visorbus.h, controlvmchannel.h and iochannel.h as spec visor.md §2-§4 gives
 * them. Offsets are byte offsets; every access goes through the little-endian helpers below so
 * that the model never depends on host struct layout. */
#ifndef VISOR_WIRE_H
#define VISOR_WIRE_H

#include <stdint.h>
#include <string.h>

/* Trace message kinds. */
enum visor_kind {
    /* the 128-byte channel header, as the firmware created or rewrote it (internal) */
    VISOR_K_CHANNEL_HEADER = 1,
    /* le32 queue, le32 0, the 128-byte signal queue header (internal) */
    VISOR_K_QUEUE_HEADER = 2,
    /* le32 queue, le32 slot, signal_size bytes: to_firmware when the firmware removed a signal
     * the guest inserted, to_guest when the firmware inserted one for the guest */
    VISOR_K_SIGNAL = 3,
    /* internal: le32 queue, le32 field offset, then the NUL-terminated finding text: a header
     * field the guest wrote that breaks the channel's invariants; the firmware stops using the
     * queue (spec visor.md §2, bad input of issue 6) */
    VISOR_K_HEADER_FAULT = 4,
    /* internal: le32 queue, le64 num_overflows: an insert found the queue full */
    VISOR_K_OVERFLOW = 5,
    /* internal: le32 state (enum visor_part_state): a service partition went down or came back */
    VISOR_K_PARTITION = 6,
};

enum visor_part_state { VISOR_PART_DOWN = 0, VISOR_PART_UP = 1 };

/* ---- little-endian accessors ---- */
static inline uint16_t visor_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t visor_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t visor_le64(const uint8_t *p)
{
    return (uint64_t)visor_le32(p) | (uint64_t)visor_le32(p + 4) << 32;
}
static inline void visor_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
/* Spelled out byte by byte (no loop) so that the compiler merges them into one store: these
 * sit on the per-signal path. */
static inline void visor_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void visor_put64(uint8_t *p, uint64_t v)
{
    visor_put32(p, (uint32_t)v);
    visor_put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- struct channel_header (128 bytes, spec §2.1) ---- */
#define VISOR_CH_HEADER_SIZE    128
#define VISOR_CH_SIGNATURE      0x4C4E4345u /* 'E','C','N','L' */
#define VISOR_CH_SIGNATURE_OFF  0
#define VISOR_CH_LEGACY_STATE   8
#define VISOR_CH_HEADER_SZ_OFF  12
#define VISOR_CH_SIZE           16
#define VISOR_CH_FEATURES       24
#define VISOR_CH_CHTYPE         32
#define VISOR_CH_PART_HANDLE    48
#define VISOR_CH_HANDLE         56
#define VISOR_CH_SPACE_OFFSET   64
#define VISOR_CH_VERSION_ID     72
#define VISOR_CH_PART_INDEX     76
#define VISOR_CH_ZONE_GUID      80
#define VISOR_CH_CLI_STR_OFF    96
#define VISOR_CH_CLI_STATE_BOOT 100
#define VISOR_CH_CMD_STATE_CLI  104
#define VISOR_CH_CLI_STATE_OS   108
#define VISOR_CH_CHARACTERISTIC 112
#define VISOR_CH_CMD_STATE_SRV  116
#define VISOR_CH_SRV_STATE      120
#define VISOR_CH_CLI_ERR_BOOT   124
#define VISOR_CH_CLI_ERR_OS     125
#define VISOR_CH_RECOVER        127

#define VISOR_CHANNELSRV_READY 1

/* Feature bits the guest may set (spec §2.1). */
#define VISOR_FEAT_ENABLE_INTS          (1ull << 0)
#define VISOR_FEAT_DRIVER_ENABLES_INTS  (1ull << 1)
#define VISOR_FEAT_IS_POLLING           (1ull << 3)
#define VISOR_FEAT_IOVM_OK_DISABLE_INTS (1ull << 4)
#define VISOR_FEAT_DRIVER_DISABLES_INTS (1ull << 5)
#define VISOR_FEAT_ENHANCED_RCVBUF      (1ull << 6)
/* intr.recv_irq_handle of a DEVICE_CREATE that offers an interrupt (any non-zero value: the
 * guest only tests it); intr.recv_irq_vector carries the line */
#define VISOR_IRQ_HANDLE 1ull
#define VISOR_FEAT_GUEST_WRITABLE                                                                  \
    (VISOR_FEAT_ENABLE_INTS | VISOR_FEAT_DRIVER_ENABLES_INTS | VISOR_FEAT_IS_POLLING |             \
     VISOR_FEAT_IOVM_OK_DISABLE_INTS | VISOR_FEAT_DRIVER_DISABLES_INTS |                           \
     VISOR_FEAT_ENHANCED_RCVBUF)

/* ---- struct signal_queue_header (128 bytes, spec §2.2) ---- */
#define VISOR_QH_SIZE          128
#define VISOR_QH_VERSION       0
#define VISOR_QH_CHTYPE        4
#define VISOR_QH_BYTES         8
#define VISOR_QH_SIG_BASE      16
#define VISOR_QH_FEATURES      24
#define VISOR_QH_NUM_SENT      32
#define VISOR_QH_NUM_OVERFLOWS 40
#define VISOR_QH_SIGNAL_SIZE   48
#define VISOR_QH_MAX_SLOTS     52
#define VISOR_QH_MAX_SIGNALS   56
#define VISOR_QH_HEAD          60
#define VISOR_QH_NUM_RECEIVED  64
#define VISOR_QH_TAIL          72
#define VISOR_QH_RESERVED1     76
#define VISOR_QH_RESERVED2     80
#define VISOR_QH_CLIENT_QUEUE  88
#define VISOR_QH_NUM_IRQ       96
#define VISOR_QH_NUM_EMPTY     104
#define VISOR_QH_ERRORFLAGS    112

/* ---- GUIDs, as stored in guid_t (spec §4.6) ---- */
typedef struct {
    uint8_t b[16];
} visor_guid;

#define VISOR_GUID_CONTROLVM                                                                       \
    {                                                                                              \
        {                                                                                          \
            0x10, 0x2d, 0x3c, 0x2b, 0xf5, 0x7e, 0xd8, 0x4a, 0xb9, 0x66, 0x34, 0x48, 0xb7, 0x38,    \
                0x6b, 0x3d                                                                         \
        }                                                                                          \
    }
#define VISOR_GUID_VBUS                                                                            \
    {                                                                                              \
        {                                                                                          \
            0x1b, 0x33, 0x3b, 0x19, 0x8f, 0xc5, 0xda, 0x11, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61,    \
                0x16, 0x5f                                                                         \
        }                                                                                          \
    }
#define VISOR_GUID_VHBA                                                                            \
    {                                                                                              \
        {                                                                                          \
            0xed, 0x15, 0x48, 0x41, 0x8c, 0xc5, 0xda, 0x11, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61,    \
                0x16, 0x5f                                                                         \
        }                                                                                          \
    }
#define VISOR_GUID_VNIC                                                                            \
    {                                                                                              \
        {                                                                                          \
            0x4d, 0x99, 0xd5, 0x8c, 0x8e, 0xc5, 0xda, 0x11, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61,    \
                0x16, 0x5f                                                                         \
        }                                                                                          \
    }
#define VISOR_GUID_KEYBOARD                                                                        \
    {                                                                                              \
        {                                                                                          \
            0xd0, 0x16, 0x34, 0xc7, 0xb8, 0xb0, 0xaf, 0x44, 0xb3, 0x04, 0x9d, 0x2a, 0xe9, 0x9f,    \
                0x1b, 0x3d                                                                         \
        }                                                                                          \
    }
#define VISOR_GUID_MOUSE                                                                           \
    {                                                                                              \
        {                                                                                          \
            0xd4, 0x07, 0xdf, 0xad, 0xa9, 0x94, 0xe2, 0x46, 0x81, 0xc3, 0x61, 0xab, 0xcd, 0xbd,    \
                0xbd, 0x87                                                                         \
        }                                                                                          \
    }
#define VISOR_GUID_SIOVM                                                                           \
    {                                                                                              \
        {                                                                                          \
            0x08, 0x00, 0x12, 0x72, 0xab, 0x4a, 0xdc, 0x11, 0x85, 0x30, 0x44, 0x45, 0x53, 0x54,    \
                0x42, 0x00                                                                         \
        }                                                                                          \
    }

/* ---- controlvm channel (spec §3.2) ---- */
#define VISOR_CVM_CHANNEL_BYTES       36608
#define VISOR_CVM_SPACE_OFFSET        3072
#define VISOR_CVM_MSG_SIZE            128
#define VISOR_CVM_MSG_COUNT           64
#define VISOR_CVM_SAVED_CRASH_CNT     3014
#define VISOR_CVM_SAVED_CRASH_OFF     3016
#define VISOR_CVM_SAVED_CRASH_MSGS    36352
#define VISOR_CVM_REQUEST_PAYLOAD_OFF 200
#define VISOR_CVM_MESSAGE_BYTES_OFF   232
#define VISOR_CVM_MESSAGE_COUNT_OFF   236

/* Queue roles, named by what the guest does with each (spec §3.4). */
enum visor_cvm_queue {
    VISOR_CVM_Q_REQUEST = 0,  /* guest inserts responses; chipset removes */
    VISOR_CVM_Q_RESPONSE = 1, /* guest drains and discards */
    VISOR_CVM_Q_EVENT = 2,    /* chipset inserts commands; guest removes */
    VISOR_CVM_Q_ACK = 3,      /* guest inserts an ACK per command; chipset removes */
};

/* struct controlvm_message header (48 bytes) and packet (80 bytes at 48), spec §3.3. */
#define VISOR_MSG_ID            0
#define VISOR_MSG_SIZE          4
#define VISOR_MSG_SEGMENT       8
#define VISOR_MSG_COMPLETION    12
#define VISOR_MSG_FLAGS         16
#define VISOR_MSG_HANDLE        24
#define VISOR_MSG_PAYLOAD_OFF   32
#define VISOR_MSG_PAYLOAD_MAX   40
#define VISOR_MSG_PAYLOAD_BYTES 44
#define VISOR_MSG_PACKET        48
#define VISOR_MSGF_FAILED       (1u << 0)
#define VISOR_MSGF_RESPONSE_EXP (1u << 1)
#define VISOR_MSGF_SERVER       (1u << 2)
#define VISOR_MSGF_TEST         (1u << 3)

enum visor_cvm_id {
    VISOR_CVM_BUS_CREATE = 0x101,
    VISOR_CVM_BUS_DESTROY = 0x102,
    VISOR_CVM_BUS_CONFIGURE = 0x104,
    VISOR_CVM_BUS_CHANGESTATE = 0x105,
    VISOR_CVM_DEVICE_CREATE = 0x201,
    VISOR_CVM_DEVICE_DESTROY = 0x202,
    VISOR_CVM_DEVICE_CONFIGURE = 0x203,
    VISOR_CVM_DEVICE_CHANGESTATE = 0x204,
    VISOR_CVM_DEVICE_RECONFIGURE = 0x206,
    VISOR_CVM_CHIPSET_INIT = 0x301,
    VISOR_CVM_CHIPSET_STOP = 0x302,
    VISOR_CVM_CHIPSET_READY = 0x304,
    VISOR_CVM_CHIPSET_SELFTEST = 0x305,
};

/* Segment states (spec §3.3). */
#define VISOR_SEGSTATE_RUNNING 0x00F7
#define VISOR_SEGSTATE_PAUSED  0x0077
#define VISOR_SEGSTATE_STANDBY 0x0073

#define VISOR_CVM_RESP_ALREADY_DONE 1
#define VISOR_CVM_RESP_ID_UNKNOWN   4
#define VISOR_CVM_FEATURE_REPLY     1u

/* ---- vbus channel (spec §3.6) ---- */
#define VISOR_VBUS_CHANNEL_BYTES 4096
#define VISOR_VBUS_HDR_INFO      128
#define VISOR_VBUS_DEVINFO_BYTES 256

/* ---- IO channel (spec §4.1, §4.2) ---- */
#define VISOR_IO_SIZEOF_PROTOCOL  1472
#define VISOR_IO_CMDRSP_SIZE      1216 /* slot size: roundup64(sizeof(struct uiscmdrsp)) */
#define VISOR_IO_CMDRSP_USED      1185
#define VISOR_IO_Q_TO_IOPART      0
#define VISOR_IO_Q_FROM_IOPART    1
#define VISOR_IO_MIN_SLOTS        64
#define VISOR_IO_VHBA_MAX_CHANNEL 392
#define VISOR_IO_VHBA_MAX_ID      396
#define VISOR_IO_VHBA_MAX_LUN     400
#define VISOR_IO_VHBA_CMD_PER_LUN 404
#define VISOR_IO_VHBA_MAX_IO      408
#define VISOR_IO_VNIC_MAC         384
#define VISOR_IO_VNIC_NUM_RCV     390
#define VISOR_IO_VNIC_MTU         394
#define VISOR_IO_CLIENT_STRING    414

/* uiscmdrsp: cmdtype at 0, union at 1 (offsets below relative to the union). */
#define VISOR_CMD_SCSI       1
#define VISOR_CMD_NET        2
#define VISOR_CMD_TASKMGMT   3
#define VISOR_CMD_NOTIFY     4
#define VISOR_U              1
#define VISOR_SCSI_HANDLE    0
#define VISOR_SCSI_CDB       8
#define VISOR_SCSI_BUFFLEN   24
#define VISOR_SCSI_NGPI      28
#define VISOR_SCSI_GPI       30 /* 64 x {u64 address, u64 length} */
#define VISOR_SCSI_MAX_GPI   64
#define VISOR_SCSI_DATA_DIR  1054
#define VISOR_SCSI_VDEST     1058 /* channel, id, lun: u32 each */
#define VISOR_SCSI_LINUXSTAT 1070
#define VISOR_SCSI_SCSISTAT  1074
#define VISOR_SCSI_ADDLSTAT  1075
#define VISOR_SCSI_SENSE     1076
#define VISOR_SCSI_SENSE_LEN 64
#define VISOR_SCSI_NO_DISK   1148

#define VISOR_TM_TYPE      0
#define VISOR_TM_VDEST     4
#define VISOR_TM_HANDLE    16
#define VISOR_TM_NOTIFY    24
#define VISOR_TM_NOTIFYRES 32
#define VISOR_TM_RESULT    40
#define VISOR_TM_SUCCESS   1 /* TASK_MGMT_FAILED is 0 */

/* uiscmdrsp_net (offsets relative to the union) */
#define VISOR_NET_TYPE           0
#define VISOR_NET_BUF            4
#define VISOR_NET_U              12
#define VISOR_NET_XMT_LEN        (VISOR_NET_U + 0)
#define VISOR_NET_XMT_NFRAGS     (VISOR_NET_U + 4)
#define VISOR_NET_XMT_FRAGS      (VISOR_NET_U + 8) /* 64 x {u64 pfn, u16 off, u16 len} */
#define VISOR_NET_MAX_FRAGS      64
#define VISOR_NET_XMTDONE_RESULT (VISOR_NET_U + 0)
#define VISOR_NET_RCVPOST_PFN    (VISOR_NET_U + 0)
#define VISOR_NET_RCVPOST_OFF    (VISOR_NET_U + 8)
#define VISOR_NET_RCVPOST_LEN    (VISOR_NET_U + 10)
#define VISOR_NET_RCVPOST_UNIQUE (VISOR_NET_U + 12)
#define VISOR_NET_RCV_LEN        (VISOR_NET_U + 0)
#define VISOR_NET_RCV_NUM        (VISOR_NET_U + 4)
#define VISOR_NET_RCV_BUFS       (VISOR_NET_U + 5) /* 5 x u64 cookie */
#define VISOR_NET_RCV_UNIQUE     (VISOR_NET_U + 45)
#define VISOR_NET_RCV_DROPPED    (VISOR_NET_U + 53) /* rcvs_dropped_delta */
#define VISOR_NET_ENBDIS_CTX     (VISOR_NET_U + 0)
#define VISOR_NET_ENBDIS_ENABLE  (VISOR_NET_U + 8)
#define VISOR_NET_MAX_RCV_CHAIN  5
#define VISOR_NET_RCVPOST_BUF    4032

enum visor_net_type {
    VISOR_NET_RCV_POST = 0,
    VISOR_NET_RCV = 1,
    VISOR_NET_XMIT = 2,
    VISOR_NET_XMIT_DONE = 3,
    VISOR_NET_RCV_ENBDIS = 4,
    VISOR_NET_RCV_ENBDIS_ACK = 5,
    VISOR_NET_RCV_PROMISC = 6,
    VISOR_NET_CONNECT_STATUS = 7,
    VISOR_NET_MACADDR = 8,
    VISOR_NET_MACADDR_ACK = 9,
};

/* ---- input channels (spec §4.5) ---- */
#define VISOR_INPUT_DATA          128 /* u32 n_input_reports; u16 x_res, u16 y_res | u32 flags */
#define VISOR_INPUT_SPACE         256
#define VISOR_INPUT_REPORT        16
#define VISOR_INPUT_SLOTS         51 /* 50 reports + the empty slot */
#define VISOR_INPUT_CHANNEL_BYTES 4096

enum visor_input_action {
    VISOR_IN_XY_MOTION = 1,
    VISOR_IN_BUTTON_DOWN = 2,
    VISOR_IN_BUTTON_UP = 3,
    VISOR_IN_CLICK = 4,
    VISOR_IN_DCLICK = 5,
    VISOR_IN_WHEEL_AWAY = 6,
    VISOR_IN_WHEEL_TOWARD = 7,
    VISOR_IN_KEY_DOWN = 64,
    VISOR_IN_KEY_UP = 65,
    VISOR_IN_LOCKING_KEY = 66,
    VISOR_IN_KEY_DOWN_UP = 67,
};

/* VMCALL (spec §3.1) */
#define VISOR_VMCALL_CONTROLVM_ADDR 0x0501
#define VISOR_VMCALL_SUCCESS        0
#define VISOR_VMCALL_INVALID_PARAM  1
#define VISOR_VMCALL_DATA_UNAVAIL   2

#endif
