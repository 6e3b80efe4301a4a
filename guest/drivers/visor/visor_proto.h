/* s-Par channel contents the visor drivers exchange with the firmware, as spec visor.md §3-§4
 * describes them: controlvm channel and messages, the vbus channel, IO channels (vhba, vnic)
 * with struct uiscmdrsp, and the keyboard/mouse input channels. Packed little-endian x86-64
 * layouts; guest pointers the back-end only echoes are carried as u64. */
#ifndef VISOR_PROTO_H
#define VISOR_PROTO_H

#include <linux/uuid.h>
#include <linux/visorbus.h>

/* ---- channel types (§4.6) ------------------------------------------------------------- */
#define VISOR_CONTROLVM_CHANNEL_GUID                                                               \
    GUID_INIT(0x2b3c2d10, 0x7ef5, 0x4ad8, 0xb9, 0x66, 0x34, 0x48, 0xb7, 0x38, 0x6b, 0x3d)
#define VISOR_VBUS_CHANNEL_GUID                                                                    \
    GUID_INIT(0x193b331b, 0xc58f, 0x11da, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f)
#define VISOR_VNIC_CHANNEL_GUID                                                                    \
    GUID_INIT(0x8cd5994d, 0xc58e, 0x11da, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61, 0x16, 0x5f)
#define VISOR_KEYBOARD_CHANNEL_GUID                                                                \
    GUID_INIT(0xc73416d0, 0xb0b8, 0x44af, 0xb3, 0x04, 0x9d, 0x2a, 0xe9, 0x9f, 0x1b, 0x3d)
#define VISOR_MOUSE_CHANNEL_GUID                                                                   \
    GUID_INIT(0xaddf07d4, 0x94a9, 0x46e2, 0x81, 0xc3, 0x61, 0xab, 0xcd, 0xbd, 0xbd, 0x87)
#define VISOR_SIOVM_GUID                                                                           \
    GUID_INIT(0x72120008, 0x4aab, 0x11dc, 0x85, 0x30, 0x44, 0x45, 0x53, 0x54, 0x42, 0x00)

#define VISOR_CONTROLVM_CHANNEL_VERSIONID 1
#define VISOR_VBUS_CHANNEL_VERSIONID      1
#define VISOR_VHBA_CHANNEL_VERSIONID      2
#define VISOR_VNIC_CHANNEL_VERSIONID      2

/* ---- hypervisor interface (§3.1) ------------------------------------------------------ */
#define VISOR_CPUID_LEAF      0x40000000
#define VISOR_CPUID_EBX       0x73696e55 /* "Unis" */
#define VISOR_CPUID_ECX       0x70537379 /* "ysSp" */
#define VISOR_CPUID_EDX       0x34367261 /* "ar64" */
#define VMCALL_CONTROLVM_ADDR 0x0501
#define VMCALL_RESULT_SUCCESS 0
#define VMCALL_RESULT_INVALID 1
#define VMCALL_RESULT_UNAVAIL 2
#define VISOR_ACPI_HID        "PNP0A07"

struct vmcall_io_controlvm_addr_params {
    u64 address;       /* OUT: guest-physical address of the controlvm channel */
    u32 channel_bytes; /* OUT (ignored: the header's size is what is mapped) */
    u8 unused[4];
} __packed;

/* ---- controlvm (§3.2-3.3) ------------------------------------------------------------- */
enum controlvm_id {
    CONTROLVM_INVALID = 0,
    CONTROLVM_BUS_CREATE = 0x101,
    CONTROLVM_BUS_DESTROY = 0x102,
    CONTROLVM_BUS_CONFIGURE = 0x104,
    CONTROLVM_BUS_CHANGESTATE = 0x105,
    CONTROLVM_BUS_CHANGESTATE_EVENT = 0x106,
    CONTROLVM_DEVICE_CREATE = 0x201,
    CONTROLVM_DEVICE_DESTROY = 0x202,
    CONTROLVM_DEVICE_CONFIGURE = 0x203,
    CONTROLVM_DEVICE_CHANGESTATE = 0x204,
    CONTROLVM_DEVICE_CHANGESTATE_EVENT = 0x205,
    CONTROLVM_DEVICE_RECONFIGURE = 0x206,
    CONTROLVM_CHIPSET_INIT = 0x301,
    CONTROLVM_CHIPSET_STOP = 0x302,
    CONTROLVM_CHIPSET_READY = 0x304,
    CONTROLVM_CHIPSET_SELFTEST = 0x305,
};

enum controlvm_queue {
    CONTROLVM_QUEUE_REQUEST = 0,  /* guest inserts responses */
    CONTROLVM_QUEUE_RESPONSE = 1, /* guest drains and discards */
    CONTROLVM_QUEUE_EVENT = 2,    /* guest removes commands */
    CONTROLVM_QUEUE_ACK = 3,      /* guest inserts an ACK per command it starts */
};

#define CONTROLVM_RESP_SUCCESS         0
#define CONTROLVM_RESP_ALREADY_DONE    1
#define CONTROLVM_RESP_ID_UNKNOWN      4
#define CONTROLVM_RESP_PAYLOAD_INVALID 400
#define CONTROLVM_MESSAGE_MAX          64
#define CONTROLVM_PAYLOAD_MAX          (128 * 1024)

#define VISOR_CHIPSET_FEATURE_REPLY       0x1
#define VISOR_CHIPSET_FEATURE_PARAHOTPLUG 0x2

/* segment state bits, LSB first */
#define SEGSTATE_ENABLED   0x01
#define SEGSTATE_ACTIVE    0x02
#define SEGSTATE_ALIVE     0x04
#define SEGSTATE_OPERATING 0x80
#define SEGSTATE_RUNNING   0x00F7
#define SEGSTATE_PAUSED    0x0077
#define SEGSTATE_STANDBY   0x0073

/* flags word of the message header */
#define CONTROLVM_FLAG_FAILED            0x01
#define CONTROLVM_FLAG_RESPONSE_EXPECTED 0x02
#define CONTROLVM_FLAG_SERVER            0x04
#define CONTROLVM_FLAG_TEST_MESSAGE      0x08

struct controlvm_message_header {
    u32 id;
    u32 message_size;
    u32 segment_index;
    u32 completion_status;
    u32 flags;
    u32 reserved;
    u64 message_handle;
    u64 payload_vm_offset; /* from the controlvm channel's base */
    u32 payload_max_bytes;
    u32 payload_bytes;
} __packed;

struct irq_info {
    u64 reserved1;
    u64 recv_irq_handle;
    u32 recv_irq_vector;
    u8 recv_irq_shared;
    u8 reserved[3];
} __packed;

struct controlvm_message_packet {
    union {
        struct {
            u32 bus_no;
            u32 dev_count;
            u64 channel_addr;
            u64 channel_bytes;
            guid_t bus_data_type_guid;
            guid_t bus_inst_guid;
        } __packed create_bus;
        struct {
            u32 bus_no;
            u32 reserved1;
            u64 guest_handle;
            u64 recv_bus_irq_handle;
        } __packed configure_bus;
        struct {
            u32 bus_no;
            u32 dev_no;
            u64 channel_addr;
            u64 channel_bytes;
            guid_t data_type_guid;
            guid_t dev_inst_guid;
            struct irq_info intr;
        } __packed create_device;
        struct {
            u32 bus_no;
            u32 dev_no;
        } __packed device; /* destroy / configure / reconfigure */
        struct {
            u32 bus_no;
            u16 state;
            u8 reserved[2];
        } __packed bus_change_state;
        struct {
            u32 bus_no;
            u32 dev_no;
            u16 state;
            u32 flags; /* bit 0: phys_device */
            u8 reserved[2];
        } __packed device_change_state;
        struct {
            u32 bus_count;
            u32 switch_count;
            u32 features;
            u32 platform_number;
        } __packed init_chipset;
        u8 raw[80];
    };
} __packed;

struct controlvm_message {
    struct controlvm_message_header hdr;
    struct controlvm_message_packet cmd;
} __packed;

struct visor_controlvm_parameters_header {
    u32 total_length;
    u32 header_length;
    u32 connection_offset;
    u32 connection_length;
    u32 initiator_offset;
    u32 initiator_length;
    u32 target_offset;
    u32 target_length;
    u32 client_offset;
    u32 client_length;
    u32 name_offset;
    u32 name_length;
    guid_t id;
    u32 revision;
    u32 reserved;
} __packed;

struct visor_controlvm_channel {
    struct channel_header header;
    u64 gp_controlvm;
    u64 gp_partition_tables;
    u64 gp_diag_guest;
    u64 gp_boot_romdisk;
    u64 gp_boot_ramdisk;
    u64 gp_acpi_table;
    u64 gp_control_channel;
    u64 gp_diag_romdisk;
    u64 gp_nvram;
    u64 request_payload_offset;
    u64 event_payload_offset;
    u32 request_payload_bytes;
    u32 event_payload_bytes;
    u32 control_channel_bytes;
    u32 nvram_channel_bytes;
    u32 message_bytes;
    u32 message_count;
    u64 gp_smbios_table;
    u64 gp_physical_smbios_table;
    char gp_reserved[2688];
    u64 virtual_guest_firmware_image_base;
    u64 virtual_guest_firmware_entry_point;
    u64 virtual_guest_firmware_image_size;
    u64 virtual_guest_firmware_boot_base;
    u64 virtual_guest_image_base;
    u64 virtual_guest_image_size;
    u64 prototype_control_channel_offset;
    u64 virtual_guest_partition_handle;
    u16 restore_action;
    u16 dump_action;
    u16 nvram_fail_count;
    u16 saved_crash_message_count;
    u32 saved_crash_message_offset;
    u32 installation_error;
    u32 installation_text_id;
    u16 installation_remaining_steps;
    u8 tool_action;
    u8 reserved;
    u64 efi_visor_ind;
    u32 sp_reserved;
    u8 reserved2[28];
    struct signal_queue_header request_queue;
    struct signal_queue_header response_queue;
    struct signal_queue_header event_queue;
    struct signal_queue_header event_ack_queue;
    struct controlvm_message request_msg[CONTROLVM_MESSAGE_MAX];
    struct controlvm_message response_msg[CONTROLVM_MESSAGE_MAX];
    struct controlvm_message event_msg[CONTROLVM_MESSAGE_MAX];
    struct controlvm_message event_ack_msg[CONTROLVM_MESSAGE_MAX];
    struct controlvm_message saved_crash_msg[2];
} __packed;

/* ---- vbus channel (§3.6) -------------------------------------------------------------- */
struct visor_vbus_headerinfo {
    u32 struct_bytes;
    u32 device_info_struct_bytes;
    u32 dev_info_count;
    u32 chp_info_offset; /* relative to the headerinfo (byte 128) */
    u32 bus_info_offset;
    u32 dev_info_offset;
    u8 reserved[104];
} __packed;

struct visor_vbus_deviceinfo {
    u8 devtype[16];
    u8 drvname[16];
    u8 infostrs[96];
    u8 reserved[128];
} __packed;

struct visor_vbus_channel {
    struct channel_header channel_header;
    struct visor_vbus_headerinfo hdr_info;
    struct visor_vbus_deviceinfo chp_info;
    struct visor_vbus_deviceinfo bus_info;
    struct visor_vbus_deviceinfo dev_info[];
} __packed;

#define VISOR_VBUS_CHANNEL_MIN_BYTES 768

/* ---- IO channels (§4.1-4.2) ----------------------------------------------------------- */
#define IOCHAN_TO_IOPART   0
#define IOCHAN_FROM_IOPART 1

#define CMD_SCSI_TYPE         1
#define CMD_NET_TYPE          2
#define CMD_SCSITASKMGMT_TYPE 3
#define CMD_NOTIFYGUEST_TYPE  4

#define MAX_PHYS_INFO     64
#define MAX_CMND_SIZE     16
#define MAX_SENSE_SIZE    64
#define SIZEOF_CMDRSP     1216 /* slot size of both IO queues: roundup64(sizeof(uiscmdrsp)) */
#define MAX_NET_RCV_CHAIN 5
#define RCVPOST_BUF_SIZE  4032
#define MAX_NET_RCV_BUFS  32
#define ETH_HLEN_VISOR    14

struct guest_phys_info {
    u64 address;
    u64 length;
} __packed;

struct uisscsi_dest {
    u32 channel;
    u32 id;
    u32 lun;
} __packed;

enum uis_dma_dir {
    UIS_DMA_BIDIRECTIONAL = 0,
    UIS_DMA_TO_DEVICE = 1,
    UIS_DMA_FROM_DEVICE = 2,
    UIS_DMA_NONE = 3
};

struct uiscmdrsp_scsi {
    u64 handle;
    u8 cmnd[MAX_CMND_SIZE];
    u32 bufflen;
    u16 guest_phys_entries;
    struct guest_phys_info gpi_list[MAX_PHYS_INFO];
    u32 data_dir;
    struct uisscsi_dest vdest;
    int linuxstat;
    u8 scsistat;
    u8 addlstat;
    u8 sensebuf[MAX_SENSE_SIZE];
    u64 vdisk;
    int no_disk_result;
} __packed;

struct phys_info {
    u64 pi_pfn;
    u16 pi_off;
    u16 pi_len;
} __packed;

enum net_types {
    NET_RCV_POST = 0,
    NET_RCV,
    NET_XMIT,
    NET_XMIT_DONE,
    NET_RCV_ENBDIS,
    NET_RCV_ENBDIS_ACK,
    NET_RCV_PROMISC,
    NET_CONNECT_STATUS,
    NET_MACADDR,
    NET_MACADDR_ACK,
};

struct net_pkt_xmt {
    int len;
    int num_frags;
    struct phys_info frags[MAX_PHYS_INFO];
    u8 ethhdr[ETH_HLEN_VISOR];
    struct {
        u8 valid;
        u8 hrawoffv;
        u8 nhrawoffv;
        u16 protocol;
        u32 csum;
        u32 hrawoff;
        u32 nhrawoff;
    } lincsum; /* natural alignment, as upstream */
} __packed;

struct uiscmdrsp_net {
    u32 type;
    u64 buf; /* the guest's cookie for the buffer, echoed back */
    union {
        struct net_pkt_xmt xmt;
        struct {
            u32 xmt_done_result;
        } __packed xmtdone;
        struct {
            struct phys_info frag;
            u64 unique_num;
        } __packed rcvpost;
        struct {
            u32 rcv_done_len;
            u8 numrcvbufs;
            u64 rcvbuf[MAX_NET_RCV_CHAIN];
            u64 unique_num;
            u32 rcvs_dropped_delta;
        } __packed rcv;
        struct {
            u64 context;
            u16 enable;
        } __packed enbdis;
        struct {
            u64 context;
            u8 macaddr[6];
        } __packed macaddr;
    };
} __packed;

struct uiscmdrsp_scsitaskmgmt {
    u32 tasktype;
    struct uisscsi_dest vdest;
    u64 handle;
    u64 notify_handle;
    u64 notifyresult_handle;
    char result;
} __packed;

struct uiscmdrsp {
    char cmdtype;
    union {
        struct uiscmdrsp_scsi scsi;
        struct uiscmdrsp_net net;
        struct uiscmdrsp_scsitaskmgmt scsitaskmgmt;
        u8 raw[sizeof(struct uiscmdrsp_scsi)];
    };
    u64 private_data;
    u64 next;
    u64 activeQ_next;
    u64 activeQ_prev;
} __packed;

struct vhba_config_max {
    u32 max_channel;
    u32 max_id;
    u32 max_lun;
    u32 cmd_per_lun;
    u32 max_io_size;
} __packed;

struct visor_io_channel {
    struct channel_header channel_header;
    struct signal_queue_header cmd_q;
    struct signal_queue_header rsp_q;
    union {
        struct {
            struct {
                u32 wwnn1;
                u32 wwnn2;
            } __packed wwnn;
            struct vhba_config_max max;
        } __packed vhba;
        struct {
            u8 macaddr[6];
            u32 num_rcv_bufs;
            u32 mtu;
            guid_t zone_guid;
        } __packed vnic;
    };
    u8 client_string[1024];
} __packed;

/* ---- input channels (§4.5) ------------------------------------------------------------ */
enum visor_input_action {
    INPUTACTION_XY_MOTION = 1,
    INPUTACTION_MOUSE_BUTTON_DOWN = 2,
    INPUTACTION_MOUSE_BUTTON_UP = 3,
    INPUTACTION_MOUSE_BUTTON_CLICK = 4,
    INPUTACTION_MOUSE_BUTTON_DCLICK = 5,
    INPUTACTION_WHEEL_ROTATE_AWAY = 6,
    INPUTACTION_WHEEL_ROTATE_TOWARD = 7,
    INPUTACTION_KEY_DOWN = 64,
    INPUTACTION_KEY_UP = 65,
    INPUTACTION_SET_LOCKING_KEY_STATE = 66,
    INPUTACTION_KEY_DOWN_UP = 67,
};

struct visor_inputreport {
    u64 seq_no;
    struct {
        u16 action;
        u16 arg1;
        u16 arg2;
        u16 arg3;
    } __packed activity;
} __packed;

struct visor_input_channel_data {
    u32 n_input_reports;
    union {
        struct {
            u16 x_res;
            u16 y_res;
        } __packed mouse;
        struct {
            u32 flags;
        } __packed keyboard;
    };
} __packed;

#define VISOR_INPUT_DATA_OFFSET 128

/* ---- device interrupts ---------------------------------------------------------------- */

/* The interrupt the firmware offered a device in its DEVICE_CREATE (intr.recv_irq_vector when
 * intr.recv_irq_handle is non-zero), or -ENODEV: the driver then polls. Exported by visorbus. */
int visorbus_device_irq(struct visor_device *dev);

/* Protocol violations visorbus found on the device's channel (broken queue headers: once per
 * episode, see visorchannel_refused), for the drivers' counters. Exported by visorbus. */
u64 visorbus_device_violations(struct visor_device *dev);

#endif
