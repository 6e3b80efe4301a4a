// SPDX-License-Identifier: GPL-2.0+
/*
 * The guest's end of the s-Par controlvm channel (spec visor.md §3): discovery through CPUID,
 * the ACPI device PNP0A07 and VMCALL 0x0501; then a work item that polls the channel: drain
 * queue 1, take each command from queue 2, ACK it into queue 3, execute it (bus and device
 * lifecycle on visorbus) and answer into queue 0.
 *
 * Unlike upstream, a payload outside the controlvm channel, a device number that cannot be a
 * device, or a saved-crash-message slot outside the channel is a reported protocol violation,
 * never an access outside the channel. And nothing is lost to a full queue: a command whose ACK
 * finds queue 3 full is parked, not ACKed, and handled again at the next poll; a response that
 * finds queue 0 full waits, in order with the ones after it, and goes out at a later poll
 * (upstream logs both and drops the command or the response).
 */
#include <asm/processor.h>
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "kshim/x86.h"
#include "visorbus_private.h"

#define POLLJIFFIES_CONTROLVM_FAST 1
#define POLLJIFFIES_CONTROLVM_SLOW 100
#define MIN_IDLE_SECONDS           10
#define SAVED_CRASH_BUS_SLOT       0
#define SAVED_CRASH_DEVICE_SLOT    1

struct visorchipset_device {
    struct acpi_device *acpi_device;
    unsigned long poll_jiffies;
    unsigned long most_recent_message_jiffies;
    struct delayed_work periodic_controlvm_work;
    struct visorchannel *controlvm_channel;
    unsigned long payload_bytes_buffered;
    struct controlvm_message pending_msg; /* parked until its payload can be buffered */
    bool pending_msg_valid;
    bool doorbell; /* the firmware notifies: polling may stop when idle */
    bool polling_stopped;
};

static struct visorchipset_device *chipset_dev;
static bool chipset_inited; /* CHIPSET_INIT is accepted once per boot */

/* Responses that found queue 0 full, oldest first: sent before any later one. */
struct held_response {
    struct list_head node;
    struct controlvm_message msg;
};
static LIST_HEAD(held_responses);
static DEFINE_SPINLOCK(held_lock);
/* queue 3 or queue 0 found full: logged once per episode (the firmware counts each time in the
 * queue's num_overflows) */
static bool ack_full, response_full;

static void protocol_violation(const struct controlvm_message_header *hdr, const char *what)
{
    visorbus_note_violation();
    pr_err("visorchipset: controlvm message %#x (handle %llx): protocol violation: %s\n", hdr->id,
           hdr->message_handle, what);
}

/* ---- responses ------------------------------------------------------------------------ */

static void init_response(struct controlvm_message *msg, const struct controlvm_message_header *hdr,
                          int response)
{
    memset(msg, 0, sizeof(*msg));
    msg->hdr = *hdr;
    msg->hdr.payload_vm_offset = 0;
    msg->hdr.payload_max_bytes = 0;
    msg->hdr.payload_bytes = 0;
    if (response < 0) {
        msg->hdr.flags |= CONTROLVM_FLAG_FAILED;
        msg->hdr.completion_status = (u32)(-response);
    }
}

/* Sends the held responses, oldest first, until queue 0 is full again. Called with held_lock. */
static void flush_held_locked(void)
{
    while (!list_empty(&held_responses)) {
        struct held_response *h = list_first_entry(&held_responses, struct held_response, node);
        int rc = visorchannel_signalinsert(chipset_dev->controlvm_channel, CONTROLVM_QUEUE_REQUEST,
                                           &h->msg);

        if (rc == -EIO) /* still full */
            return;
        if (rc)
            pr_err("visorchipset: response to %#x not sent (%d)\n", h->msg.hdr.id, rc);
        list_del(&h->node);
        kfree(h);
    }
    response_full = false;
}

static void send_response(struct controlvm_message *msg)
{
    struct held_response *h;
    unsigned long flags;
    bool wake = false;
    int rc = -EIO;

    if (!chipset_dev || (msg->hdr.flags & CONTROLVM_FLAG_TEST_MESSAGE))
        return;
    spin_lock_irqsave(&held_lock, flags);
    flush_held_locked();
    if (list_empty(&held_responses))
        rc =
            visorchannel_signalinsert(chipset_dev->controlvm_channel, CONTROLVM_QUEUE_REQUEST, msg);
    if (rc == -EIO) {
        /* queue 0 full (or responses waiting before this one): keep it for a later poll */
        h = kmalloc(sizeof(*h), GFP_ATOMIC);
        if (h) {
            h->msg = *msg;
            list_add_tail(&h->node, &held_responses);
            if (!response_full)
                pr_info("visorchipset: response queue full: responses wait\n");
            response_full = true;
            wake = true;
        } else {
            pr_err("visorchipset: response to %#x not sent (no memory)\n", msg->hdr.id);
        }
    } else if (rc) {
        /* a broken queue 0 (reported by the channel): nothing more goes there */
        pr_err("visorchipset: response to %#x not sent (%d)\n", msg->hdr.id, rc);
    }
    spin_unlock_irqrestore(&held_lock, flags);
    /* the poll that sends it must come even when polling had stopped for idleness */
    if (wake && chipset_dev->polling_stopped) {
        chipset_dev->polling_stopped = false;
        schedule_delayed_work(&chipset_dev->periodic_controlvm_work, POLLJIFFIES_CONTROLVM_FAST);
    }
}

static bool responses_waiting(void)
{
    unsigned long flags;
    bool any;

    spin_lock_irqsave(&held_lock, flags);
    flush_held_locked();
    any = !list_empty(&held_responses);
    spin_unlock_irqrestore(&held_lock, flags);
    return any;
}

static void free_held_responses(void)
{
    struct held_response *h, *t;
    unsigned long flags;

    spin_lock_irqsave(&held_lock, flags);
    list_for_each_entry_safe(h, t, &held_responses, node)
    {
        list_del(&h->node);
        kfree(h);
    }
    spin_unlock_irqrestore(&held_lock, flags);
}

static void controlvm_respond(const struct controlvm_message_header *hdr, int response)
{
    struct controlvm_message msg;

    init_response(&msg, hdr, response);
    send_response(&msg);
}

static void respond_if_expected(const struct controlvm_message_header *hdr, int response)
{
    if (hdr->flags & CONTROLVM_FLAG_RESPONSE_EXPECTED)
        controlvm_respond(hdr, response);
}

/* Keeps a copy of hdr on obj when a response is expected: the answer comes on completion. */
static int set_pending(struct visor_device *obj, const struct controlvm_message_header *hdr)
{
    if (!(hdr->flags & CONTROLVM_FLAG_RESPONSE_EXPECTED))
        return 0;
    obj->pending_msg_hdr = kmemdup(hdr, sizeof(*hdr), GFP_KERNEL);
    return obj->pending_msg_hdr ? 0 : -ENOMEM;
}

static void respond_pending(struct visor_device *obj, int status)
{
    if (!obj->pending_msg_hdr)
        return;
    controlvm_respond(obj->pending_msg_hdr, status);
    kfree(obj->pending_msg_hdr);
    obj->pending_msg_hdr = NULL;
}

void visorchipset_bus_create_done(struct visor_device *bus_info, int status)
{
    if (status == 0)
        bus_info->state.created = 1;
    respond_pending(bus_info, status);
}

void visorchipset_device_create_done(struct visor_device *dev_info, int status)
{
    if (status == 0)
        dev_info->state.created = 1;
    respond_pending(dev_info, status);
}

void visorchipset_device_state_done(struct visor_device *dev_info, int status)
{
    struct controlvm_message msg;

    if (!dev_info->pending_msg_hdr)
        return;
    init_response(&msg, dev_info->pending_msg_hdr, status);
    msg.cmd.device_change_state.bus_no = dev_info->chipset_bus_no;
    msg.cmd.device_change_state.dev_no = dev_info->chipset_dev_no;
    msg.cmd.device_change_state.state =
        dev_info->state.running ? SEGSTATE_RUNNING : SEGSTATE_STANDBY;
    send_response(&msg);
    kfree(dev_info->pending_msg_hdr);
    dev_info->pending_msg_hdr = NULL;
}

/* ---- commands ------------------------------------------------------------------------- */

/* Saves a create message into the channel's saved-crash-message area (replayed by a kdump
 * kernel), when the firmware provides the two slots. */
static int save_crash_message(struct controlvm_message *msg, int slot)
{
    u16 count = 0;
    u32 offset = 0;
    u64 at;

    if (visorchannel_read(chipset_dev->controlvm_channel,
                          offsetof(struct visor_controlvm_channel, saved_crash_message_count),
                          &count, sizeof(count)) < 0 ||
        count != 2)
        return -EIO;
    visorchannel_read(chipset_dev->controlvm_channel,
                      offsetof(struct visor_controlvm_channel, saved_crash_message_offset), &offset,
                      sizeof(offset));
    at = (u64)offset + (u64)slot * sizeof(*msg);
    if (visorchannel_write(chipset_dev->controlvm_channel, at, msg, sizeof(*msg)) < 0) {
        protocol_violation(&msg->hdr, "saved crash message offset outside the channel");
        return -EIO;
    }
    return 0;
}

static int chipset_init(struct controlvm_message *inmsg)
{
    struct controlvm_message msg;
    int rc = 0;

    if (chipset_inited)
        rc = -CONTROLVM_RESP_ALREADY_DONE;
    chipset_inited = true;
    if (!(inmsg->hdr.flags & CONTROLVM_FLAG_RESPONSE_EXPECTED))
        return rc;
    init_response(&msg, &inmsg->hdr, rc);
    if (rc == 0)
        msg.cmd.init_chipset.features =
            (inmsg->cmd.init_chipset.features & VISOR_CHIPSET_FEATURE_PARAHOTPLUG) |
            VISOR_CHIPSET_FEATURE_REPLY;
    send_response(&msg);
    return rc;
}

static int bus_create(struct controlvm_message *inmsg)
{
    u32 bus_no = inmsg->cmd.create_bus.bus_no;
    guid_t siovm = VISOR_SIOVM_GUID, vbus = VISOR_VBUS_CHANNEL_GUID;
    struct visor_device *bus_info;
    int rc;

    if (visorbus_find(bus_no, BUS_ROOT_DEVICE)) {
        rc = -EEXIST;
        goto err_respond;
    }
    if (guid_equal(&inmsg->cmd.create_bus.bus_inst_guid, &siovm)) {
        rc = save_crash_message(inmsg, SAVED_CRASH_BUS_SLOT);
        if (rc)
            goto err_respond;
    }
    bus_info = kzalloc(sizeof(*bus_info), GFP_KERNEL);
    if (!bus_info) {
        rc = -ENOMEM;
        goto err_respond;
    }
    bus_info->chipset_bus_no = bus_no;
    bus_info->chipset_dev_no = BUS_ROOT_DEVICE;
    bus_info->inst = inmsg->cmd.create_bus.bus_inst_guid;
    bus_info->channel_type_guid = vbus;
    bus_info->visorchannel =
        visorchannel_create(inmsg->cmd.create_bus.channel_addr, GFP_KERNEL, &vbus, false);
    if (!bus_info->visorchannel) {
        kfree(bus_info);
        rc = -ENOMEM;
        goto err_respond;
    }
    rc = set_pending(bus_info, &inmsg->hdr);
    if (rc) {
        visorchannel_destroy(bus_info->visorchannel);
        kfree(bus_info);
        goto err_respond;
    }
    /* responds through visorchipset_bus_create_done */
    rc = visorbus_create_bus(bus_info);
    if (rc)
        put_device(&bus_info->device);
    return rc;
err_respond:
    respond_if_expected(&inmsg->hdr, rc);
    return rc;
}

static int bus_destroy(struct controlvm_message *inmsg)
{
    struct visor_device *bus_info = visorbus_find(inmsg->cmd.device.bus_no, BUS_ROOT_DEVICE);
    int rc = 0;

    if (!bus_info)
        rc = -ENODEV;
    else if (!bus_info->state.created)
        rc = -ENOENT;
    else if (bus_info->pending_msg_hdr)
        rc = -EEXIST;
    respond_if_expected(&inmsg->hdr, rc);
    /* answered first, then gone: the devices on it are not removed (as upstream) */
    if (rc == 0)
        visorbus_remove_bus(bus_info);
    return rc;
}

static int bus_configure(struct controlvm_message *inmsg, const u8 *payload)
{
    struct visor_device *bus_info = visorbus_find(inmsg->cmd.configure_bus.bus_no, BUS_ROOT_DEVICE);
    const struct visor_controlvm_parameters_header *params = (const void *)payload;
    int rc = 0;

    if (!bus_info || !bus_info->state.created)
        rc = -EINVAL;
    else if (bus_info->pending_msg_hdr)
        rc = -EIO;
    if (rc == 0) {
        visorchannel_get_header(bus_info->visorchannel)->partition_handle =
            inmsg->cmd.configure_bus.guest_handle;
        if (params && inmsg->hdr.payload_bytes >= sizeof(*params))
            bus_info->partition_guid = params->id;
        if (params && inmsg->hdr.payload_bytes >= sizeof(*params) && params->name_length &&
            ((u64)params->name_offset + params->name_length > inmsg->hdr.payload_bytes)) {
            protocol_violation(&inmsg->hdr, "partition name outside the payload");
        } else if (params && inmsg->hdr.payload_bytes >= sizeof(*params) && params->name_length) {
            kfree(bus_info->name);
            bus_info->name = kzalloc(params->name_length + 1, GFP_KERNEL);
            if (bus_info->name)
                memcpy(bus_info->name, payload + params->name_offset, params->name_length);
        }
    }
    respond_if_expected(&inmsg->hdr, rc);
    return rc;
}

/* Interrupts offered at DEVICE_CREATE, by bus and device number: a later create with the same
 * numbers replaces the entry. */
#define MAX_DEVICE_IRQS 64
static struct {
    bool used;
    u32 bus_no, dev_no;
    int irq;
} device_irqs[MAX_DEVICE_IRQS];
static DEFINE_SPINLOCK(device_irqs_lock);

static void note_device_irq(u32 bus_no, u32 dev_no, const struct irq_info *intr)
{
    int irq = intr->recv_irq_handle && intr->recv_irq_vector <= INT_MAX ? (int)intr->recv_irq_vector
                                                                        : -ENODEV;
    int i, free_slot = -1;

    spin_lock(&device_irqs_lock);
    for (i = 0; i < MAX_DEVICE_IRQS; i++) {
        if (device_irqs[i].used && device_irqs[i].bus_no == bus_no &&
            device_irqs[i].dev_no == dev_no)
            break;
        if (!device_irqs[i].used && free_slot < 0)
            free_slot = i;
    }
    if (i == MAX_DEVICE_IRQS)
        i = free_slot;
    if (i >= 0) { /* a full table leaves the device polling */
        device_irqs[i].used = true;
        device_irqs[i].bus_no = bus_no;
        device_irqs[i].dev_no = dev_no;
        device_irqs[i].irq = irq;
    }
    spin_unlock(&device_irqs_lock);
}

int visorbus_device_irq(struct visor_device *dev)
{
    int i, irq = -ENODEV;

    spin_lock(&device_irqs_lock);
    for (i = 0; i < MAX_DEVICE_IRQS; i++)
        if (device_irqs[i].used && device_irqs[i].bus_no == dev->chipset_bus_no &&
            device_irqs[i].dev_no == dev->chipset_dev_no)
            irq = device_irqs[i].irq;
    spin_unlock(&device_irqs_lock);
    return irq;
}
EXPORT_SYMBOL_GPL(visorbus_device_irq);

static int device_create(struct controlvm_message *inmsg)
{
    u32 bus_no = inmsg->cmd.create_device.bus_no;
    u32 dev_no = inmsg->cmd.create_device.dev_no;
    guid_t vhba = VISOR_VHBA_CHANNEL_GUID;
    struct visor_device *bus_info = visorbus_find(bus_no, BUS_ROOT_DEVICE);
    struct visor_device *dev_info;
    int rc;

    if (!bus_info) {
        rc = -ENODEV;
        goto err_respond;
    }
    if (!bus_info->state.created) {
        rc = -EINVAL;
        goto err_respond;
    }
    if (dev_no == BUS_ROOT_DEVICE) {
        protocol_violation(&inmsg->hdr, "device number of the bus itself");
        rc = -EINVAL;
        goto err_respond;
    }
    if (visorbus_find(bus_no, dev_no)) {
        rc = -EEXIST;
        goto err_respond;
    }
    if (guid_equal(&inmsg->cmd.create_device.data_type_guid, &vhba)) {
        rc = save_crash_message(inmsg, SAVED_CRASH_DEVICE_SLOT);
        if (rc)
            goto err_respond;
    }
    dev_info = kzalloc(sizeof(*dev_info), GFP_KERNEL);
    if (!dev_info) {
        rc = -ENOMEM;
        goto err_respond;
    }
    dev_info->chipset_bus_no = bus_no;
    dev_info->chipset_dev_no = dev_no;
    dev_info->inst = inmsg->cmd.create_device.dev_inst_guid;
    /* the type the driver is matched by is the message's, not the header's */
    dev_info->channel_type_guid = inmsg->cmd.create_device.data_type_guid;
    dev_info->visorchannel = visorchannel_create(inmsg->cmd.create_device.channel_addr, GFP_KERNEL,
                                                 &inmsg->cmd.create_device.data_type_guid, true);
    if (!dev_info->visorchannel) {
        kfree(dev_info);
        rc = -ENOMEM;
        goto err_respond;
    }
    note_device_irq(bus_no, dev_no, &inmsg->cmd.create_device.intr);
    rc = set_pending(dev_info, &inmsg->hdr);
    if (rc) {
        visorchannel_destroy(dev_info->visorchannel);
        kfree(dev_info);
        goto err_respond;
    }
    /* probes a matching driver, then responds through visorchipset_device_create_done */
    return visorbus_create_device(dev_info);
err_respond:
    respond_if_expected(&inmsg->hdr, rc);
    return rc;
}

static int device_destroy(struct controlvm_message *inmsg)
{
    struct visor_device *dev_info =
        visorbus_find(inmsg->cmd.device.bus_no, inmsg->cmd.device.dev_no);
    int rc = 0;

    if (!dev_info || inmsg->cmd.device.dev_no == BUS_ROOT_DEVICE)
        rc = -ENODEV;
    else if (!dev_info->state.created)
        rc = -EINVAL;
    else if (dev_info->pending_msg_hdr)
        rc = -EIO;
    respond_if_expected(&inmsg->hdr, rc);
    /* answered first: the driver's remove runs after the response (as upstream) */
    if (rc == 0)
        visorbus_remove_device(dev_info);
    return rc;
}

static int device_changestate(struct controlvm_message *inmsg)
{
    u16 state = inmsg->cmd.device_change_state.state;
    bool alive = state & SEGSTATE_ALIVE, operating = state & SEGSTATE_OPERATING;
    struct visor_device *dev_info;
    int rc = 0;

    if (inmsg->cmd.device_change_state.flags & 1) {
        /* a physical (parahotplug) device: there is no udev to hand a disable to, so it
         * fails at once as upstream's times out without a listener */
        controlvm_respond(&inmsg->hdr, (state & SEGSTATE_ACTIVE) ? 0 : -1400);
        return 0;
    }
    dev_info =
        visorbus_find(inmsg->cmd.device_change_state.bus_no, inmsg->cmd.device_change_state.dev_no);
    if (!dev_info || inmsg->cmd.device_change_state.dev_no == BUS_ROOT_DEVICE)
        rc = -ENODEV;
    else if (!dev_info->state.created)
        rc = -EINVAL;
    else if (dev_info->pending_msg_hdr)
        rc = -EIO;
    if (rc) {
        respond_if_expected(&inmsg->hdr, rc);
        return rc;
    }
    if (alive == operating) {
        rc = set_pending(dev_info, &inmsg->hdr);
        if (rc) {
            respond_if_expected(&inmsg->hdr, rc);
            return rc;
        }
        dev_info->state.running = alive;
        /* answered through visorchipset_device_state_done */
        return alive ? visorbus_resume_device(dev_info) : visorbus_pause_device(dev_info);
    }
    /* neither running nor standby (e.g. "paused"): nothing to do, no answer (as upstream) */
    return 0;
}

/* Copies the payload out of the controlvm channel. -EAGAIN: too much is buffered already, try
 * again later; -EPROTO: the payload does not lie inside the channel. */
static int copy_payload(struct controlvm_message *inmsg, u8 **payload)
{
    u64 off = inmsg->hdr.payload_vm_offset;
    u32 n = inmsg->hdr.payload_bytes;
    u8 *buf;

    *payload = NULL;
    if (!n)
        return 0;
    if (off > visorchannel_get_nbytes(chipset_dev->controlvm_channel) ||
        n > visorchannel_get_nbytes(chipset_dev->controlvm_channel) - off) {
        protocol_violation(&inmsg->hdr, "payload outside the controlvm channel");
        return -EPROTO;
    }
    if (chipset_dev->payload_bytes_buffered + n > CONTROLVM_PAYLOAD_MAX)
        return -EAGAIN;
    buf = kmalloc(n, GFP_KERNEL);
    if (!buf)
        return -EAGAIN;
    visorchannel_read(chipset_dev->controlvm_channel, off, buf, n);
    chipset_dev->payload_bytes_buffered += n;
    *payload = buf;
    return 0;
}

static void release_payload(struct controlvm_message *inmsg, u8 *payload)
{
    if (!payload)
        return;
    chipset_dev->payload_bytes_buffered -= inmsg->hdr.payload_bytes;
    kfree(payload);
}

/* One command: -EAGAIN when it must be retried at the next poll (not yet ACKed). */
static int handle_command(struct controlvm_message *inmsg)
{
    struct controlvm_message ack;
    u8 *payload;
    int rc = copy_payload(inmsg, &payload), arc;

    if (rc == -EAGAIN)
        return rc;
    /* ACK first. A full queue 3: the command is parked and handled again at the next poll
     * (upstream drops it) */
    memset(&ack, 0, sizeof(ack));
    ack.hdr = inmsg->hdr;
    ack.hdr.payload_vm_offset = 0;
    ack.hdr.payload_max_bytes = 0;
    ack.hdr.payload_bytes = 0;
    arc = visorchannel_signalinsert(chipset_dev->controlvm_channel, CONTROLVM_QUEUE_ACK, &ack);
    if (arc == -EIO) {
        if (!ack_full)
            pr_info("visorchipset: ACK queue full: command %#x waits\n", inmsg->hdr.id);
        ack_full = true;
        release_payload(inmsg, payload);
        return -EAGAIN;
    }
    ack_full = false;
    if (arc) { /* a broken queue 3 (reported by the channel) */
        pr_err("visorchipset: ACK of %#x not sent: command dropped\n", inmsg->hdr.id);
        release_payload(inmsg, payload);
        return 0;
    }
    if (rc == -EPROTO) {
        respond_if_expected(&inmsg->hdr, -CONTROLVM_RESP_PAYLOAD_INVALID);
        return 0;
    }
    switch (inmsg->hdr.id) {
    case CONTROLVM_CHIPSET_INIT:
        chipset_init(inmsg);
        break;
    case CONTROLVM_BUS_CREATE:
        bus_create(inmsg);
        break;
    case CONTROLVM_BUS_DESTROY:
        bus_destroy(inmsg);
        break;
    case CONTROLVM_BUS_CONFIGURE:
        bus_configure(inmsg, payload);
        break;
    case CONTROLVM_DEVICE_CREATE:
        device_create(inmsg);
        break;
    case CONTROLVM_DEVICE_CHANGESTATE:
        device_changestate(inmsg);
        break;
    case CONTROLVM_DEVICE_DESTROY:
        device_destroy(inmsg);
        break;
    case CONTROLVM_DEVICE_CONFIGURE:
    case CONTROLVM_CHIPSET_READY:
    case CONTROLVM_CHIPSET_SELFTEST:
    case CONTROLVM_CHIPSET_STOP:
        respond_if_expected(&inmsg->hdr, 0);
        break;
    default:
        respond_if_expected(&inmsg->hdr, -CONTROLVM_RESP_ID_UNKNOWN);
        break;
    }
    release_payload(inmsg, payload);
    return 0;
}

static void controlvm_periodic_work(struct work_struct *work)
{
    struct controlvm_message inmsg;
    int count = 0, rc;
    bool got = false;

    /* queue 1 carries nothing for the guest: discard, and go on only once it is empty. At
     * most CONTROLVM_MESSAGE_MAX removals, so that a firmware refilling it as fast as it is
     * drained cannot hold the poll: at the cap, even if it is now empty, the rest of this poll
     * (held responses, commands) waits for the next one, as upstream (spec §3.4 step 1) */
    do {
        rc = visorchannel_signalremove(chipset_dev->controlvm_channel, CONTROLVM_QUEUE_RESPONSE,
                                       &inmsg);
    } while (rc == 0 && ++count < CONTROLVM_MESSAGE_MAX);
    if (rc != -EAGAIN)
        goto schedule_out;
    /* responses that found queue 0 full go first */
    if (responses_waiting())
        got = true;
    for (;;) {
        if (chipset_dev->pending_msg_valid) {
            inmsg = chipset_dev->pending_msg;
            chipset_dev->pending_msg_valid = false;
        } else if (visorchannel_signalremove(chipset_dev->controlvm_channel, CONTROLVM_QUEUE_EVENT,
                                             &inmsg)) {
            break;
        } else if (inmsg.hdr.flags & CONTROLVM_FLAG_TEST_MESSAGE) {
            got = true;
            break;
        }
        got = true;
        if (handle_command(&inmsg) == -EAGAIN) {
            chipset_dev->pending_msg = inmsg;
            chipset_dev->pending_msg_valid = true;
            break;
        }
    }
schedule_out:
    if (got)
        chipset_dev->most_recent_message_jiffies = jiffies;
    if (time_after(jiffies, chipset_dev->most_recent_message_jiffies + HZ * MIN_IDLE_SECONDS)) {
        /* with a doorbell the next command announces itself: a simulation can go idle */
        if (chipset_dev->doorbell && !chipset_dev->pending_msg_valid && !responses_waiting()) {
            chipset_dev->polling_stopped = true;
            return;
        }
        chipset_dev->poll_jiffies = POLLJIFFIES_CONTROLVM_SLOW;
    } else {
        chipset_dev->poll_jiffies = POLLJIFFIES_CONTROLVM_FAST;
    }
    schedule_delayed_work(&chipset_dev->periodic_controlvm_work, chipset_dev->poll_jiffies);
}

/* ---- discovery ------------------------------------------------------------------------ */

static int controlvm_get_channel_address(u64 *addr)
{
    struct vmcall_io_controlvm_addr_params *params;
    phys_addr_t pa;
    long result;
    int rc = 0;

    if (!(cpuid_ecx(1) & (1u << 31)))
        return -EPERM;
    /* the hypervisor writes the answer into guest memory: the block must be in the heap */
    params = kzalloc(sizeof(*params), GFP_KERNEL);
    if (!params)
        return -ENOMEM;
    pa = virt_to_phys(params);
    result = ks_vmcall(VMCALL_CONTROLVM_ADDR, pa & 0xffffffff, pa >> 32, 0);
    if (result == VMCALL_RESULT_SUCCESS)
        *addr = params->address;
    else if (result == VMCALL_RESULT_INVALID)
        rc = -EINVAL;
    else if (result == VMCALL_RESULT_UNAVAIL)
        rc = -ENODEV;
    else
        rc = -EFAULT;
    kfree(params);
    return rc;
}

static int visorchipset_init(struct acpi_device *acpi_device)
{
    guid_t cvm = VISOR_CONTROLVM_CHANNEL_GUID;
    u64 addr = 0;
    int rc = controlvm_get_channel_address(&addr);

    if (rc < 0)
        return rc;
    if (!addr)
        return -ENODEV;
    chipset_dev = kzalloc(sizeof(*chipset_dev), GFP_KERNEL);
    if (!chipset_dev)
        return -ENOMEM;
    acpi_device->driver_data = chipset_dev;
    chipset_dev->acpi_device = acpi_device;
    chipset_dev->controlvm_channel = visorchannel_create(addr, GFP_KERNEL, &cvm, true);
    if (!chipset_dev->controlvm_channel) {
        rc = -ENODEV;
        goto err;
    }
    rc = visor_check_channel(visorchannel_get_header(chipset_dev->controlvm_channel),
                             &acpi_device->dev, &cvm, "controlvm",
                             sizeof(struct visor_controlvm_channel),
                             VISOR_CONTROLVM_CHANNEL_VERSIONID, VISOR_CHANNEL_SIGNATURE);
    if (rc) {
        /* upstream before 5.14 returned 0 here; the fixed behaviour is kept */
        rc = -ENODEV;
        goto err;
    }
    chipset_dev->poll_jiffies = POLLJIFFIES_CONTROLVM_FAST;
    chipset_dev->most_recent_message_jiffies = jiffies;
    INIT_DELAYED_WORK(&chipset_dev->periodic_controlvm_work, controlvm_periodic_work);
    schedule_delayed_work(&chipset_dev->periodic_controlvm_work, chipset_dev->poll_jiffies);
    dev_info(&acpi_device->dev, "controlvm channel at %#llx\n", addr);
    return 0;
err:
    visorchannel_destroy(chipset_dev->controlvm_channel);
    kfree(chipset_dev);
    chipset_dev = NULL;
    acpi_device->driver_data = NULL;
    return rc;
}

static int visorchipset_exit(struct acpi_device *acpi_device)
{
    if (!chipset_dev)
        return 0;
    cancel_delayed_work_sync(&chipset_dev->periodic_controlvm_work);
    free_held_responses();
    visorchannel_destroy(chipset_dev->controlvm_channel);
    kfree(chipset_dev);
    chipset_dev = NULL;
    return 0;
}

/* Not in upstream: a firmware Notify() on PNP0A07 is a doorbell for the controlvm channel. */
static void visorchipset_notify(struct acpi_device *acpi_device, u32 event)
{
    if (!chipset_dev)
        return;
    chipset_dev->doorbell = true;
    chipset_dev->most_recent_message_jiffies = jiffies;
    chipset_dev->polling_stopped = false;
    chipset_dev->poll_jiffies = POLLJIFFIES_CONTROLVM_FAST;
    mod_delayed_work(system_wq, &chipset_dev->periodic_controlvm_work, 0);
}

static const struct acpi_device_id unisys_device_ids[] = {
    {VISOR_ACPI_HID, 0},
    {"", 0},
};

static struct acpi_driver unisys_acpi_driver = {
    .name = "unisys_acpi",
    .class = "unisys_acpi_class",
    .owner = THIS_MODULE,
    .ids = unisys_device_ids,
    .ops =
        {
            .add = visorchipset_init,
            .remove = visorchipset_exit,
            .notify = visorchipset_notify,
        },
};

static bool visorutil_spar_detect(void)
{
    unsigned int eax, ebx, ecx, edx;

    if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
        return false;
    cpuid(VISOR_CPUID_LEAF, &eax, &ebx, &ecx, &edx);
    return ebx == VISOR_CPUID_EBX && ecx == VISOR_CPUID_ECX && edx == VISOR_CPUID_EDX;
}

static int __init visorbus_module_init(void)
{
    int rc;

    if (!visorutil_spar_detect()) {
        pr_info("visorbus: not running on s-Par\n");
        return -ENODEV;
    }
    chipset_inited = false;
    rc = visorbus_init();
    if (rc)
        return rc;
    rc = acpi_bus_register_driver(&unisys_acpi_driver);
    if (rc)
        visorbus_exit();
    return rc;
}

static void __exit visorbus_module_exit(void)
{
    acpi_bus_unregister_driver(&unisys_acpi_driver);
    visorbus_exit();
}

module_init(visorbus_module_init);
module_exit(visorbus_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("s-Par visorbus: controlvm processing and the bus of virtual devices");
