// SPDX-License-Identifier: GPL-2.0+
/*
 * s-Par channels from the guest's side: map a channel the firmware placed in guest memory,
 * read and write it, and move signals through its queues with the algorithms of spec
 * visor.md §2.3 (pre-increment indices, one slot always empty, data before index).
 *
 * Unlike the upstream driver nothing the back-end writes is trusted: each signal operation
 * checks the queue header it snapshots (queue inside the channel, exact signal size for the
 * channel type, slot array inside the channel, indices inside the queue) and refuses the
 * operation with -EPROTO, logging what was wrong, instead of reading or writing elsewhere.
 */
#include <asm/barrier.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uuid.h>

#include "visorbus_private.h"

struct visorchannel {
    u64 physaddr;
    ulong nbytes;
    void *mapped;
    struct channel_header chan_hdr; /* cached at create: ch_space_offset comes from here */
    guid_t guid;
    bool needs_lock;
    spinlock_t insert_lock; /* one producer per queue */
    spinlock_t remove_lock; /* one consumer per queue */
    u32 signal_size;
    u64 violations;
    /* queues found broken and not sound since: a queue a busy driver polls is reported once
     * per episode, each refused operation counted */
    u64 broken;
    u64 refused;
};

static u64 all_violations;

u64 visorbus_violation_count(void)
{
    return all_violations;
}

void visorbus_note_violation(void)
{
    all_violations++;
}

static void violation(struct visorchannel *ch, u32 queue, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void violation(struct visorchannel *ch, u32 queue, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    ch->refused++;
    if (queue < 64) {
        if (ch->broken & (1ull << queue))
            return; /* the same episode: reported when it began */
        ch->broken |= 1ull << queue;
    }
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    ch->violations++;
    visorbus_note_violation();
    pr_err("visorchannel@%llx queue %u: protocol violation: %s\n", ch->physaddr, queue, what);
}

/* The signal size each known channel type's queues carry. */
static u32 signal_size_of(const guid_t *guid)
{
    static const struct {
        guid_t guid;
        u32 size;
    } sizes[] = {
        {VISOR_CONTROLVM_CHANNEL_GUID, sizeof(struct controlvm_message)},
        {VISOR_VHBA_CHANNEL_GUID, SIZEOF_CMDRSP},
        {VISOR_VNIC_CHANNEL_GUID, SIZEOF_CMDRSP},
        {VISOR_KEYBOARD_CHANNEL_GUID, sizeof(struct visor_inputreport)},
        {VISOR_MOUSE_CHANNEL_GUID, sizeof(struct visor_inputreport)},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(sizes); i++)
        if (guid_equal(guid, &sizes[i].guid))
            return sizes[i].size;
    return 0;
}

struct visorchannel *visorchannel_create(u64 physaddr, gfp_t gfp, const guid_t *guid,
                                         bool needs_lock)
{
    struct visorchannel *ch;
    struct channel_header *hdr;

    if (!physaddr)
        return NULL;
    ch = kzalloc(sizeof(*ch), gfp);
    if (!ch)
        return NULL;
    ch->physaddr = physaddr;
    ch->needs_lock = needs_lock;
    spin_lock_init(&ch->insert_lock);
    spin_lock_init(&ch->remove_lock);
    request_mem_region(physaddr, sizeof(struct channel_header), "visorchannel");
    hdr = memremap(physaddr, sizeof(*hdr), MEMREMAP_WB);
    if (!hdr) {
        pr_err("visorchannel@%llx: header not in guest memory\n", physaddr);
        goto err;
    }
    memcpy(&ch->chan_hdr, hdr, sizeof(*hdr));
    memunmap(hdr);
    hdr = &ch->chan_hdr;
    if (hdr->signature != VISOR_CHANNEL_SIGNATURE) {
        violation(ch, 0, "signature %llx is not %x", hdr->signature, VISOR_CHANNEL_SIGNATURE);
        goto err;
    }
    if (hdr->size < sizeof(*hdr) || hdr->size > ULONG_MAX) {
        violation(ch, 0, "channel size %llu below the header's 128 bytes", hdr->size);
        goto err;
    }
    ch->nbytes = hdr->size;
    ch->mapped = memremap(physaddr, ch->nbytes, MEMREMAP_WB);
    if (!ch->mapped) {
        violation(ch, 0, "channel of %lu bytes extends beyond guest memory", ch->nbytes);
        goto err;
    }
    ch->guid = *guid;
    ch->signal_size = signal_size_of(guid);
    return ch;
err:
    kfree(ch);
    return NULL;
}

void visorchannel_destroy(struct visorchannel *channel)
{
    if (!channel)
        return;
    memunmap(channel->mapped);
    release_mem_region(channel->physaddr, channel->nbytes);
    kfree(channel);
}

u64 visorchannel_get_physaddr(struct visorchannel *channel)
{
    return channel->physaddr;
}

ulong visorchannel_get_nbytes(struct visorchannel *channel)
{
    return channel->nbytes;
}

struct channel_header *visorchannel_get_header(struct visorchannel *channel)
{
    return &channel->chan_hdr;
}

const guid_t *visorchannel_get_guid(struct visorchannel *channel)
{
    return &channel->guid;
}
EXPORT_SYMBOL_GPL(visorchannel_get_guid);

void visorchannel_set_signal_size(struct visorchannel *channel, u32 bytes)
{
    channel->signal_size = bytes;
}

u32 visorchannel_get_signal_size(struct visorchannel *channel)
{
    return channel->signal_size;
}

u64 visorchannel_violations(struct visorchannel *channel)
{
    return channel->violations;
}

u64 visorchannel_refused(struct visorchannel *channel)
{
    return channel->refused;
}

static bool in_channel(struct visorchannel *ch, u64 offset, u64 nbytes)
{
    return offset <= ch->nbytes && nbytes <= ch->nbytes - offset;
}

int visorchannel_read(struct visorchannel *channel, ulong offset, void *dest, ulong nbytes)
{
    if (!in_channel(channel, offset, nbytes))
        return -EIO;
    memcpy(dest, (u8 *)channel->mapped + offset, nbytes);
    return 0;
}

int visorchannel_write(struct visorchannel *channel, ulong offset, void *src, ulong nbytes)
{
    if (!in_channel(channel, offset, nbytes))
        return -EIO;
    /* keep the cached header in step with what the guest itself writes */
    if (offset < sizeof(channel->chan_hdr)) {
        ulong n = min_t(ulong, nbytes, sizeof(channel->chan_hdr) - offset);

        memcpy((u8 *)&channel->chan_hdr + offset, src, n);
    }
    memcpy((u8 *)channel->mapped + offset, src, nbytes);
    return 0;
}

/* Offset of queue's header, or 0 when it lies outside the channel. */
static u64 queue_offset(struct visorchannel *ch, u32 queue)
{
    u64 base = ch->chan_hdr.ch_space_offset;
    u64 off;

    if (base < sizeof(struct channel_header) || base > ch->nbytes)
        return 0;
    off = base + (u64)queue * sizeof(struct signal_queue_header);
    if (queue > 0xffff || !in_channel(ch, off, sizeof(struct signal_queue_header)))
        return 0;
    return off;
}

/* Snapshot queue's header and check everything the other side could have broken. */
static int snapshot(struct visorchannel *ch, u32 queue, struct signal_queue_header *sig_hdr,
                    u64 *qoff)
{
    u64 slots_off, slots_bytes;

    *qoff = queue_offset(ch, queue);
    if (!*qoff) {
        violation(ch, queue, "queue header outside the channel (ch_space_offset %llu, size %lu)",
                  ch->chan_hdr.ch_space_offset, ch->nbytes);
        return -EPROTO;
    }
    memcpy(sig_hdr, (u8 *)ch->mapped + *qoff, sizeof(*sig_hdr));
    if (!ch->signal_size || sig_hdr->signal_size != ch->signal_size) {
        violation(ch, queue, "signal_size %u, the channel type needs %u", sig_hdr->signal_size,
                  ch->signal_size);
        return -EPROTO;
    }
    if (sig_hdr->max_slots < 2) {
        violation(ch, queue, "max_slots %u leaves no room for a signal", sig_hdr->max_slots);
        return -EPROTO;
    }
    slots_off = *qoff + sig_hdr->sig_base_offset;
    slots_bytes = (u64)sig_hdr->max_slots * sig_hdr->signal_size;
    if (sig_hdr->sig_base_offset > ch->nbytes || !in_channel(ch, slots_off, slots_bytes)) {
        violation(ch, queue,
                  "slots outside the channel (sig_base_offset %llu, %u slots of %u bytes)",
                  sig_hdr->sig_base_offset, sig_hdr->max_slots, sig_hdr->signal_size);
        return -EPROTO;
    }
    if (sig_hdr->head >= sig_hdr->max_slots || sig_hdr->tail >= sig_hdr->max_slots) {
        violation(ch, queue, "head %u / tail %u outside %u slots", sig_hdr->head, sig_hdr->tail,
                  sig_hdr->max_slots);
        return -EPROTO;
    }
    if (queue < 64)
        ch->broken &= ~(1ull << queue); /* sound again: a later fault is a new episode */
    return 0;
}

static u8 *slot(struct visorchannel *ch, u64 qoff, const struct signal_queue_header *h, u32 s)
{
    return (u8 *)ch->mapped + qoff + h->sig_base_offset + (u64)s * h->signal_size;
}

#define QFIELD(ch, qoff, field)                                                                    \
    ((void *)((u8 *)(ch)->mapped + (qoff) + offsetof(struct signal_queue_header, field)))

static int signalremove_inner(struct visorchannel *ch, u32 queue, void *msg)
{
    struct signal_queue_header h;
    u64 qoff;
    int rc = snapshot(ch, queue, &h, &qoff);

    if (rc)
        return rc;
    if (h.head == h.tail)
        return -EAGAIN;
    h.tail = (h.tail + 1) % h.max_slots;
    memcpy(msg, slot(ch, qoff, &h, h.tail), h.signal_size);
    h.num_received++;
    mb(); /* the slot is read before the consumer index is published */
    memcpy(QFIELD(ch, qoff, tail), &h.tail, sizeof(h.tail));
    memcpy(QFIELD(ch, qoff, num_received), &h.num_received, sizeof(h.num_received));
    return 0;
}

int visorchannel_signalremove(struct visorchannel *channel, u32 queue, void *msg)
{
    unsigned long flags = 0;
    int rc;

    if (channel->needs_lock)
        spin_lock_irqsave(&channel->remove_lock, flags);
    rc = signalremove_inner(channel, queue, msg);
    if (channel->needs_lock)
        spin_unlock_irqrestore(&channel->remove_lock, flags);
    return rc;
}
EXPORT_SYMBOL_GPL(visorchannel_signalremove);

bool visorchannel_signalempty(struct visorchannel *channel, u32 queue)
{
    struct signal_queue_header h;
    unsigned long flags = 0;
    u64 qoff;
    bool empty;

    if (channel->needs_lock)
        spin_lock_irqsave(&channel->remove_lock, flags);
    /* a queue that cannot be read holds nothing the guest may take */
    empty = snapshot(channel, queue, &h, &qoff) || h.head == h.tail;
    if (channel->needs_lock)
        spin_unlock_irqrestore(&channel->remove_lock, flags);
    return empty;
}
EXPORT_SYMBOL_GPL(visorchannel_signalempty);

static int signalinsert_inner(struct visorchannel *ch, u32 queue, void *msg)
{
    struct signal_queue_header h;
    u64 qoff;
    int rc = snapshot(ch, queue, &h, &qoff);

    if (rc)
        return rc;
    h.head = (h.head + 1) % h.max_slots;
    if (h.head == h.tail) {
        h.num_overflows++;
        memcpy(QFIELD(ch, qoff, num_overflows), &h.num_overflows, sizeof(h.num_overflows));
        return -EIO;
    }
    memcpy(slot(ch, qoff, &h, h.head), msg, h.signal_size);
    h.num_sent++;
    mb(); /* the slot is written before the producer index is published */
    memcpy(QFIELD(ch, qoff, head), &h.head, sizeof(h.head));
    memcpy(QFIELD(ch, qoff, num_sent), &h.num_sent, sizeof(h.num_sent));
    return 0;
}

int visorchannel_signalinsert(struct visorchannel *channel, u32 queue, void *msg)
{
    unsigned long flags = 0;
    int rc;

    if (channel->needs_lock)
        spin_lock_irqsave(&channel->insert_lock, flags);
    rc = signalinsert_inner(channel, queue, msg);
    if (channel->needs_lock)
        spin_unlock_irqrestore(&channel->insert_lock, flags);
    return rc;
}
EXPORT_SYMBOL_GPL(visorchannel_signalinsert);
