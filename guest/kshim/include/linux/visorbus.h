/* The s-Par visorbus function-driver interface (<linux/visorbus.h> of Linux 4.16-5.18): the
 * channel header and signal-queue header every s-Par channel starts with (spec visor.md §2),
 * the visor_device a function driver probes, and the calls it makes on its channel. Here it
 * is implemented by chansim's visorbus module (guest/drivers/visor), which validates what the
 * back-end writes instead of trusting it. */
#ifndef __VISORBUS_H__
#define __VISORBUS_H__

#include "kshim/types.h"
/* what the kernel's <linux/device.h> brings along and the upstream visor files rely on */
#include <asm/barrier.h>
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/timer.h>
#include <linux/uuid.h>

/* 'E','C','N','L' as bytes in memory */
#define VISOR_CHANNEL_SIGNATURE ('L' << 24 | 'N' << 16 | 'C' << 8 | 'E')

enum channel_serverstate { CHANNELSRV_UNINITIALIZED = 0, CHANNELSRV_READY = 1 };

enum channel_clientstate {
    CHANNELCLI_DETACHED = 0,
    CHANNELCLI_DISABLED = 1,
    CHANNELCLI_ATTACHING = 2,
    CHANNELCLI_ATTACHED = 3,
    CHANNELCLI_BUSY = 4,
    CHANNELCLI_OWNED = 5
};

/* channel_header.features */
#define VISOR_CHANNEL_ENABLE_INTS             (0x1ULL << 0)
#define VISOR_DRIVER_ENABLES_INTS             (0x1ULL << 1)
#define VISOR_CHANNEL_IS_POLLING              (0x1ULL << 3)
#define VISOR_IOVM_OK_DRIVER_DISABLING_INTS   (0x1ULL << 4)
#define VISOR_DRIVER_DISABLES_INTS            (0x1ULL << 5)
#define VISOR_DRIVER_ENHANCED_RCVBUF_CHECKING (0x1ULL << 6)

/* 128 bytes at the start of every channel */
struct channel_header {
    u64 signature;
    u32 legacy_state;
    u32 header_size;
    u64 size; /* bytes of the whole channel: what the guest maps */
    u64 features;
    guid_t chtype;
    u64 partition_handle;
    u64 handle;
    u64 ch_space_offset; /* first signal_queue_header */
    u32 version_id;
    u32 partition_index;
    guid_t zone_guid;
    u32 cli_str_offset;
    u32 cli_state_boot;
    u32 cmd_state_cli;
    u32 cli_state_os;
    u32 ch_characteristic;
    u32 cmd_state_srv;
    u32 srv_state;
    u8 cli_error_boot;
    u8 cli_error_os;
    u8 filler[1];
    u8 recover_channel;
} __packed;

/* 128 bytes per queue, at ch_space_offset + queue * 128. head belongs to the producer, tail to
 * the consumer; both are pre-incremented and one slot always stays empty. */
struct signal_queue_header {
    u32 version;
    u32 chtype;
    u64 size;
    u64 sig_base_offset; /* slot 0, relative to this header */
    u64 features;
    u64 num_sent;
    u64 num_overflows;
    u32 signal_size;
    u32 max_slots;
    u32 max_signals;
    u32 head;
    u64 num_received;
    u32 tail;
    u32 reserved1;
    u64 reserved2;
    u64 client_queue;
    u64 num_irq_received;
    u64 num_empty;
    u32 errorflags;
    u8 filler[12];
} __packed;

#define VISOR_VHBA_CHANNEL_GUID                                                                    \
    GUID_INIT(0x414815ed, 0xc58c, 0x11da, 0x95, 0xa9, 0x0, 0xe0, 0x81, 0x61, 0x16, 0x5f)
#define VISOR_VHBA_CHANNEL_GUID_STR "414815ed-c58c-11da-95a9-00e08161165f"

struct visorchipset_state {
    u32 created : 1;
    u32 attached : 1;
    u32 configured : 1;
    u32 running : 1;
};

struct visorchannel;
struct controlvm_message_header;
struct dentry;

struct visor_device {
    struct visorchannel *visorchannel;
    guid_t channel_type_guid;
    /* the bus driver's own from here on */
    struct device device;
    struct list_head list_all;
    struct timer_list timer; /* polls channel_interrupt while interrupts are "enabled" */
    bool timer_active;
    bool being_removed;
    struct mutex visordriver_callback_lock;
    bool pausing;
    bool resuming;
    u32 chipset_bus_no;
    u32 chipset_dev_no;
    struct visorchipset_state state;
    guid_t inst;
    u8 *name;
    struct controlvm_message_header *pending_msg_hdr;
    void *vbus_hdr_info;
    guid_t partition_guid;
    struct dentry *debugfs_dir;
    struct dentry *debugfs_bus_info;
};
#define to_visor_device(x) container_of(x, struct visor_device, device)

/* A driver's pause/resume calls this when the state change is done (status 0 or -errno). */
typedef void (*visorbus_state_complete_func)(struct visor_device *dev, int status);

struct visor_channeltype_descriptor {
    const guid_t guid;
    const char *name;
    u64 min_bytes;
    u32 version; /* 0: any */
};

struct visor_driver {
    const char *name;
    struct module *owner;
    struct visor_channeltype_descriptor *channel_types; /* ends with a null guid */
    int (*probe)(struct visor_device *dev);
    void (*remove)(struct visor_device *dev);
    void (*channel_interrupt)(struct visor_device *dev);
    int (*pause)(struct visor_device *dev, visorbus_state_complete_func complete_func);
    int (*resume)(struct visor_device *dev, visorbus_state_complete_func complete_func);
    /* the bus driver's own */
    struct device_driver driver;
};
#define to_visor_driver(x) (container_of(x, struct visor_driver, driver))

/* 0 when ch has the expected type, signature and version and at least min_bytes; else -EINVAL
 * with the reason logged against dev. */
int visor_check_channel(struct channel_header *ch, struct device *dev, const guid_t *expected_uuid,
                        char *chname, u64 expected_min_bytes, u32 expected_version,
                        u64 expected_signature);

int visorbus_register_visor_driver(struct visor_driver *drv);
void visorbus_unregister_visor_driver(struct visor_driver *drv);
int visorbus_read_channel(struct visor_device *dev, unsigned long offset, void *dest,
                          unsigned long nbytes);
int visorbus_write_channel(struct visor_device *dev, unsigned long offset, void *src,
                           unsigned long nbytes);
/* Starts/stops polling the channel: channel_interrupt is called periodically meanwhile. */
int visorbus_enable_channel_interrupts(struct visor_device *dev);
void visorbus_disable_channel_interrupts(struct visor_device *dev);

/* Signal queues: 0 or -EAGAIN (empty) for remove, 0 or -EIO (full) for insert; a queue whose
 * header breaks the protocol gives -EPROTO and is reported. */
int visorchannel_signalremove(struct visorchannel *channel, u32 queue, void *msg);
int visorchannel_signalinsert(struct visorchannel *channel, u32 queue, void *msg);
bool visorchannel_signalempty(struct visorchannel *channel, u32 queue);
const guid_t *visorchannel_get_guid(struct visorchannel *channel);

#define BUS_ROOT_DEVICE UINT_MAX
struct visor_device *visorbus_get_device_by_id(u32 bus_no, u32 dev_no, struct visor_device *from);

#endif
