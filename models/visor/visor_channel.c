#include "visor_channel.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* What the firmware wrote into a queue header and expects to stay there. */
struct vq {
    uint64_t off; /* queue header, from the channel base */
    uint32_t version, type;
    uint64_t size, sig_base, features;
    uint32_t signal_size, max_slots, max_signals;
    int guest_produces;
    uint32_t fw_index; /* head when the firmware produces, tail when it consumes */
    uint64_t fw_count; /* num_sent / num_received the firmware keeps */
    uint64_t overflows;
    int geometry_ok;              /* the recorded geometry keeps every slot inside the channel */
    uint8_t image[VISOR_QH_SIZE]; /* the header as the firmware wrote it, for the fast check */
    int broken;                   /* a fault was reported; the queue is not used any more */
};

struct visor_channel {
    struct cs_gmem *mem;
    uint64_t gpa, bytes;
    uint8_t *base;
    struct cs_tap *tap;
    uint16_t tap_ch;
    char name[64];
    /* the channel header fields the firmware owns */
    visor_guid type;
    uint32_t version, header_size;
    uint64_t signature;
    uint64_t space_offset;
    int header_broken;
    int space_ok; /* the queue headers lie inside the channel (ch_space_offset as recorded) */
    uint8_t image[VISOR_CH_HEADER_SIZE]; /* as the firmware wrote it, for the fast check */
    uint32_t nqueues;
    struct vq q[VISOR_MAX_QUEUES];
    uint8_t *scratch; /* SIGNAL record: queue, slot, signal */
    size_t scratch_len;
};

static const char *const qh_names[] = {
    [VISOR_QH_VERSION] = "version",
    [VISOR_QH_CHTYPE] = "chtype",
    [VISOR_QH_BYTES] = "size",
    [VISOR_QH_SIG_BASE] = "sig_base_offset",
    [VISOR_QH_FEATURES] = "features",
    [VISOR_QH_NUM_SENT] = "num_sent",
    [VISOR_QH_NUM_OVERFLOWS] = "num_overflows",
    [VISOR_QH_SIGNAL_SIZE] = "signal_size",
    [VISOR_QH_MAX_SLOTS] = "max_slots",
    [VISOR_QH_MAX_SIGNALS] = "max_signals",
    [VISOR_QH_HEAD] = "head",
    [VISOR_QH_NUM_RECEIVED] = "num_received",
    [VISOR_QH_TAIL] = "tail",
};

static void geometry(struct visor_channel *ch, struct vq *q)
{
    /* every slot inside the mapped channel, and sizes the algorithms can work with */
    q->geometry_ok = q->max_slots >= 2 && q->signal_size > 0 && q->off >= VISOR_CH_HEADER_SIZE &&
                     q->off + VISOR_QH_SIZE <= ch->bytes && q->sig_base <= ch->bytes &&
                     (uint64_t)q->max_slots * q->signal_size <= ch->bytes &&
                     q->off + q->sig_base + (uint64_t)q->max_slots * q->signal_size <= ch->bytes;
}

static int space_fits(const struct visor_channel *ch)
{
    return ch->space_offset >= VISOR_CH_HEADER_SIZE &&
           ch->space_offset + (uint64_t)ch->nqueues * VISOR_QH_SIZE <= ch->bytes;
}

static void tap_queue(struct visor_channel *ch, unsigned qi)
{
    if (!ch->tap)
        return;
    uint8_t rec[8 + VISOR_QH_SIZE];
    visor_put32(rec, qi);
    visor_put32(rec + 4, 0);
    uint64_t off = ch->q[qi].off;
    if (off + VISOR_QH_SIZE <= ch->bytes)
        memcpy(rec + 8, ch->base + off, VISOR_QH_SIZE);
    else
        memset(rec + 8, 0, VISOR_QH_SIZE);
    cs_tap_msg(ch->tap, ch->tap_ch, CS_TAP_INTERNAL, VISOR_K_QUEUE_HEADER, rec, sizeof(rec));
}

void visor_channel_tap_headers(struct visor_channel *ch)
{
    if (!ch->tap)
        return;
    cs_tap_msg(ch->tap, ch->tap_ch, CS_TAP_INTERNAL, VISOR_K_CHANNEL_HEADER, ch->base,
               VISOR_CH_HEADER_SIZE);
    for (unsigned i = 0; i < ch->nqueues; i++)
        tap_queue(ch, i);
}

int visor_channel_create(struct cs_gmem *mem, uint64_t gpa, const struct visor_channel_desc *d,
                         struct cs_tap *tap, uint16_t tap_ch, const char *name,
                         struct visor_channel **out, cs_error *err)
{
    if (d->nqueues > VISOR_MAX_QUEUES)
        return cs_error_set(err, "channel %s: %u queues (at most %d)", name, d->nqueues,
                            VISOR_MAX_QUEUES);
    uint8_t *base = cs_gmem_ptr(mem, gpa, d->bytes);
    if (!base || d->bytes < VISOR_CH_HEADER_SIZE)
        return cs_error_set(err,
                            "channel %s: [0x%llx, +0x%llx) is not inside the %llu bytes of "
                            "domain '%s' memory",
                            name, (unsigned long long)gpa, (unsigned long long)d->bytes,
                            (unsigned long long)mem->size, mem->owner);
    struct visor_channel *ch = calloc(1, sizeof(*ch));
    if (!ch)
        abort();
    ch->mem = mem;
    ch->gpa = gpa;
    ch->bytes = d->bytes;
    ch->base = base;
    ch->tap = tap;
    ch->tap_ch = tap_ch;
    snprintf(ch->name, sizeof(ch->name), "%s", name);
    ch->type = d->type;
    ch->version = d->version;
    ch->header_size = VISOR_CH_HEADER_SIZE;
    ch->signature = VISOR_CH_SIGNATURE;
    ch->space_offset = d->space_offset;
    ch->nqueues = d->nqueues;

    memset(base, 0, d->bytes);
    visor_put64(base + VISOR_CH_SIGNATURE_OFF, VISOR_CH_SIGNATURE);
    visor_put32(base + VISOR_CH_HEADER_SZ_OFF, VISOR_CH_HEADER_SIZE);
    visor_put64(base + VISOR_CH_SIZE, d->bytes);
    memcpy(base + VISOR_CH_CHTYPE, d->type.b, 16);
    visor_put64(base + VISOR_CH_SPACE_OFFSET, d->space_offset);
    visor_put32(base + VISOR_CH_VERSION_ID, d->version);
    visor_put32(base + VISOR_CH_SRV_STATE, VISOR_CHANNELSRV_READY);

    size_t maxsig = 0;
    uint64_t slots = d->slots_offset;
    for (unsigned i = 0; i < d->nqueues; i++) {
        struct vq *q = &ch->q[i];
        q->off = d->space_offset + (uint64_t)i * VISOR_QH_SIZE;
        q->version = 1;
        q->type = d->q[i].type;
        q->signal_size = d->q[i].signal_size;
        q->max_slots = d->q[i].max_slots;
        q->max_signals = q->max_slots ? q->max_slots - 1 : 0;
        q->size = (uint64_t)q->max_slots * q->signal_size;
        q->sig_base = slots - q->off;
        q->guest_produces = d->q[i].guest_produces;
        slots += q->size;
        geometry(ch, q);
        if (!q->geometry_ok) {
            cs_error_set(err,
                         "channel %s: queue %u (%u slots of %u bytes at +0x%llx) does not "
                         "fit in the channel's %llu bytes",
                         name, i, q->max_slots, q->signal_size,
                         (unsigned long long)(q->off + q->sig_base), (unsigned long long)d->bytes);
            free(ch);
            return -1;
        }
        uint8_t *h = base + q->off;
        visor_put32(h + VISOR_QH_VERSION, q->version);
        visor_put32(h + VISOR_QH_CHTYPE, q->type);
        visor_put64(h + VISOR_QH_BYTES, q->size);
        visor_put64(h + VISOR_QH_SIG_BASE, q->sig_base);
        visor_put32(h + VISOR_QH_SIGNAL_SIZE, q->signal_size);
        visor_put32(h + VISOR_QH_MAX_SLOTS, q->max_slots);
        visor_put32(h + VISOR_QH_MAX_SIGNALS, q->max_signals);
        if (q->signal_size > maxsig)
            maxsig = q->signal_size;
    }
    memcpy(ch->image, base, VISOR_CH_HEADER_SIZE);
    ch->space_ok = space_fits(ch);
    for (unsigned i = 0; i < d->nqueues; i++)
        memcpy(ch->q[i].image, base + ch->q[i].off, VISOR_QH_SIZE);
    ch->scratch_len = 8 + maxsig;
    ch->scratch = malloc(ch->scratch_len);
    if (!ch->scratch)
        abort();
    visor_channel_tap_headers(ch);
    *out = ch;
    return 0;
}

void visor_channel_free(struct visor_channel *ch)
{
    if (!ch)
        return;
    free(ch->scratch);
    free(ch);
}

uint64_t visor_channel_gpa(const struct visor_channel *ch)
{
    return ch->gpa;
}
uint64_t visor_channel_bytes(const struct visor_channel *ch)
{
    return ch->bytes;
}
const char *visor_channel_name(const struct visor_channel *ch)
{
    return ch->name;
}
uint8_t *visor_channel_base(const struct visor_channel *ch)
{
    return ch->base;
}

/* Report a broken field once per queue (q < 0: the channel header, which stops every queue). */
static int fault(struct visor_channel *ch, int q, unsigned field_off, cs_error *err,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fault(struct visor_channel *ch, int q, unsigned field_off, cs_error *err,
                 const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(text, sizeof(text), "channel %s: ", ch->name);
    vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
    va_end(ap);
    int first = q < 0 ? !ch->header_broken : !ch->q[q].broken;
    if (q < 0)
        ch->header_broken = 1;
    else
        ch->q[q].broken = 1;
    if (first && ch->tap) {
        uint8_t rec[8 + sizeof(text)];
        visor_put32(rec, (uint32_t)q);
        visor_put32(rec + 4, field_off);
        size_t len = strlen(text) + 1;
        memcpy(rec + 8, text, len);
        cs_tap_msg(ch->tap, ch->tap_ch, CS_TAP_INTERNAL, VISOR_K_HEADER_FAULT, rec,
                   (uint32_t)(8 + len));
    }
    return cs_error_set(err, "%s", text);
}

/* The fields the firmware owns, compared in one go on every operation (offsets of spec §2.1):
 * signature, header_size and size; chtype; ch_space_offset and version_id. */
static inline uint64_t w64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t w32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int header_unchanged(const struct visor_channel *ch)
{
    const uint8_t *b = ch->base, *i = ch->image;
    return ((w64(b) ^ w64(i)) | (w32(b + 12) ^ w32(i + 12)) | (w64(b + 16) ^ w64(i + 16)) |
            (w64(b + 32) ^ w64(i + 32)) | (w64(b + 40) ^ w64(i + 40)) |
            (w64(b + 64) ^ w64(i + 64)) | (w32(b + 72) ^ w32(i + 72)) |
            (visor_le64(b + VISOR_CH_FEATURES) & ~VISOR_FEAT_GUEST_WRITABLE)) == 0;
}

static int check_header(struct visor_channel *ch, cs_error *err)
{
    const uint8_t *b = ch->base;
    if (ch->header_broken)
        return cs_error_set(err, "channel %s: stopped after a channel header fault", ch->name);
    if (header_unchanged(ch) && ch->space_offset >= VISOR_CH_HEADER_SIZE &&
        ch->space_offset + (uint64_t)ch->nqueues * VISOR_QH_SIZE <= ch->bytes)
        return 0;
    if (visor_le64(b + VISOR_CH_SIGNATURE_OFF) != ch->signature)
        return fault(ch, -1, VISOR_CH_SIGNATURE_OFF, err,
                     "channel header signature 0x%llx at offset 0, expected 0x%llx",
                     (unsigned long long)visor_le64(b), (unsigned long long)ch->signature);
    if (visor_le32(b + VISOR_CH_HEADER_SZ_OFF) != ch->header_size)
        return fault(ch, -1, VISOR_CH_HEADER_SZ_OFF, err,
                     "channel header header_size %u at offset 12, expected %u",
                     visor_le32(b + VISOR_CH_HEADER_SZ_OFF), ch->header_size);
    if (visor_le64(b + VISOR_CH_SIZE) != ch->bytes)
        return fault(ch, -1, VISOR_CH_SIZE, err,
                     "channel header size %llu at offset 16, the channel has %llu bytes",
                     (unsigned long long)visor_le64(b + VISOR_CH_SIZE),
                     (unsigned long long)ch->bytes);
    uint64_t feat = visor_le64(b + VISOR_CH_FEATURES);
    if (feat & ~VISOR_FEAT_GUEST_WRITABLE)
        return fault(ch, -1, VISOR_CH_FEATURES, err,
                     "channel header features 0x%llx at offset 24 sets undefined bits 0x%llx",
                     (unsigned long long)feat,
                     (unsigned long long)(feat & ~VISOR_FEAT_GUEST_WRITABLE));
    if (memcmp(b + VISOR_CH_CHTYPE, ch->type.b, 16) != 0)
        return fault(ch, -1, VISOR_CH_CHTYPE, err,
                     "channel header chtype at offset 32 is not the channel's type GUID");
    if (visor_le64(b + VISOR_CH_SPACE_OFFSET) != ch->space_offset)
        return fault(ch, -1, VISOR_CH_SPACE_OFFSET, err,
                     "channel header ch_space_offset %llu at offset 64, expected %llu",
                     (unsigned long long)visor_le64(b + VISOR_CH_SPACE_OFFSET),
                     (unsigned long long)ch->space_offset);
    if (ch->space_offset < VISOR_CH_HEADER_SIZE ||
        ch->space_offset + (uint64_t)ch->nqueues * VISOR_QH_SIZE > ch->bytes)
        return fault(ch, -1, VISOR_CH_SPACE_OFFSET, err,
                     "channel header ch_space_offset %llu puts the queue headers outside the "
                     "channel's %llu bytes",
                     (unsigned long long)ch->space_offset, (unsigned long long)ch->bytes);
    if (visor_le32(b + VISOR_CH_VERSION_ID) != ch->version)
        return fault(ch, -1, VISOR_CH_VERSION_ID, err,
                     "channel header version_id %u at offset 72, expected %u",
                     visor_le32(b + VISOR_CH_VERSION_ID), ch->version);
    return 0;
}

static int check_queue(struct visor_channel *ch, unsigned qi, cs_error *err)
{
    struct vq *q = &ch->q[qi];
    if (q->broken)
        return cs_error_set(err, "channel %s: queue %u stopped after a header fault", ch->name, qi);
    const uint8_t *h = ch->base + q->off;
    unsigned fw_off = q->guest_produces ? VISOR_QH_TAIL : VISOR_QH_HEAD;
    unsigned guest_off = q->guest_produces ? VISOR_QH_HEAD : VISOR_QH_TAIL;
    /* fast path: the firmware's fields as it wrote them (version .. features, signal_size ..
     * max_signals), its own index where it left it, the guest's index a slot */
    const uint8_t *i = q->image;
    if (q->geometry_ok &&
        ((w64(h) ^ w64(i)) | (w64(h + 8) ^ w64(i + 8)) | (w64(h + 16) ^ w64(i + 16)) |
         (w64(h + 24) ^ w64(i + 24)) | (w64(h + 48) ^ w64(i + 48)) | (w32(h + 56) ^ w32(i + 56))) ==
            0 &&
        visor_le32(h + fw_off) == q->fw_index && visor_le32(h + guest_off) < q->max_slots)
        return 0;
#define QFIELD(FOFF, FWIDTH, FEXP)                                                                 \
    do {                                                                                           \
        uint64_t v_ = FWIDTH == 8 ? visor_le64(h + FOFF) : visor_le32(h + FOFF);                   \
        if (v_ != (uint64_t)(FEXP))                                                                \
            return fault(ch, (int)qi, FOFF, err,                                                   \
                         "queue %u %s %llu (queue header offset %u, channel offset %llu), "        \
                         "expected %llu",                                                          \
                         qi, qh_names[FOFF], (unsigned long long)v_, FOFF,                         \
                         (unsigned long long)(q->off + FOFF), (unsigned long long)(FEXP));         \
    } while (0)
    QFIELD(VISOR_QH_VERSION, 4, q->version);
    QFIELD(VISOR_QH_CHTYPE, 4, q->type);
    QFIELD(VISOR_QH_BYTES, 8, q->size);
    QFIELD(VISOR_QH_SIG_BASE, 8, q->sig_base);
    QFIELD(VISOR_QH_SIGNAL_SIZE, 4, q->signal_size);
    QFIELD(VISOR_QH_MAX_SLOTS, 4, q->max_slots);
    QFIELD(VISOR_QH_MAX_SIGNALS, 4, q->max_signals);
    if (!q->geometry_ok)
        return fault(ch, (int)qi, VISOR_QH_MAX_SLOTS, err,
                     "queue %u geometry (max_slots %u, signal_size %u, sig_base_offset %llu) "
                     "puts slots outside the channel's %llu bytes",
                     qi, q->max_slots, q->signal_size, (unsigned long long)q->sig_base,
                     (unsigned long long)ch->bytes);
    QFIELD(VISOR_QH_FEATURES, 8, visor_le64(q->image + VISOR_QH_FEATURES));
    /* the index the firmware owns must be as it left it; the guest's must be a slot */
    QFIELD(fw_off, 4, q->fw_index);
    uint32_t gi = visor_le32(h + guest_off);
    if (gi >= q->max_slots)
        return fault(ch, (int)qi, guest_off, err,
                     "queue %u %s %u (channel offset %llu) is outside the %u slots", qi,
                     qh_names[guest_off], gi, (unsigned long long)(q->off + guest_off),
                     q->max_slots);
#undef QFIELD
    return 0;
}

int visor_channel_check(struct visor_channel *ch, int q, cs_error *err)
{
    if (check_header(ch, err) < 0)
        return -1;
    for (unsigned i = 0; i < ch->nqueues; i++)
        if ((q < 0 || (unsigned)q == i) && check_queue(ch, i, err) < 0)
            return -1;
    return 0;
}

int visor_channel_broken(const struct visor_channel *ch, unsigned q)
{
    return ch->header_broken || (q < ch->nqueues && ch->q[q].broken);
}

static void tap_signal(struct visor_channel *ch, unsigned qi, uint32_t slot, const uint8_t *data,
                       enum cs_tap_dir dir)
{
    if (!ch->tap)
        return;
    uint32_t n = ch->q[qi].signal_size;
    /* the record is built only when someone reads it (a trace or a monitor); the tap counts it
     * either way */
    if (ch->tap->trace || ch->tap->nobservers) {
        visor_put32(ch->scratch, qi);
        visor_put32(ch->scratch + 4, slot);
        memcpy(ch->scratch + 8, data, n);
    }
    cs_tap_msg(ch->tap, ch->tap_ch, dir, VISOR_K_SIGNAL, ch->scratch, 8 + n);
}

/* The per-signal check: both headers compared with what the firmware wrote (the channel
 * header's firmware fields and the queue header's version .. features, signal_size ..
 * max_signals), its own index where it left it and the guest's index a slot. Word compares
 * only; anything else (a fault, a stopped queue, a geometry that does not fit) takes the full
 * checks, which name the field. */
static inline __attribute__((always_inline)) int fast_ok(const struct visor_channel *ch,
                                                         unsigned qi)
{
    const struct vq *q = &ch->q[qi];
    const uint8_t *b = ch->base, *ci = ch->image, *h = b + q->off, *i = q->image;
    unsigned fw_off = q->guest_produces ? VISOR_QH_TAIL : VISOR_QH_HEAD;
    unsigned guest_off = q->guest_produces ? VISOR_QH_HEAD : VISOR_QH_TAIL;
    uint64_t diff = (w64(b) ^ w64(ci)) | (w32(b + 12) ^ w32(ci + 12)) |
                    (w64(b + 16) ^ w64(ci + 16)) | (w64(b + 32) ^ w64(ci + 32)) |
                    (w64(b + 40) ^ w64(ci + 40)) | (w64(b + 64) ^ w64(ci + 64)) |
                    (w32(b + 72) ^ w32(ci + 72)) |
                    (visor_le64(b + VISOR_CH_FEATURES) & ~VISOR_FEAT_GUEST_WRITABLE) |
                    (w64(h) ^ w64(i)) | (w64(h + 8) ^ w64(i + 8)) | (w64(h + 16) ^ w64(i + 16)) |
                    (w64(h + 24) ^ w64(i + 24)) | (w64(h + 48) ^ w64(i + 48)) |
                    (w32(h + 56) ^ w32(i + 56)) | (visor_le32(h + fw_off) ^ q->fw_index);
    return !ch->header_broken && ch->space_ok && !q->broken && q->geometry_ok && diff == 0 &&
           visor_le32(h + guest_off) < q->max_slots;
}

/* idx + 1 modulo slots without a division in the common case (idx a slot). */
static inline uint32_t next_slot(uint32_t idx, uint32_t slots)
{
    uint32_t n = idx + 1;
    return n < slots ? n : n == slots ? 0 : n % slots;
}

int visor_channel_insert(struct visor_channel *ch, unsigned qi, const void *msg, cs_error *err)
{
    if (qi >= ch->nqueues || ch->q[qi].guest_produces)
        return cs_error_set(err, "channel %s: the firmware does not insert into queue %u", ch->name,
                            qi);
    if (!fast_ok(ch, qi) && (check_header(ch, err) < 0 || check_queue(ch, qi, err) < 0))
        return -1;
    struct vq *q = &ch->q[qi];
    uint8_t *h = ch->base + q->off;
    uint32_t tail = visor_le32(h + VISOR_QH_TAIL);
    uint32_t new_head = next_slot(q->fw_index, q->max_slots);
    if (new_head == tail) {
        q->overflows++;
        visor_put64(h + VISOR_QH_NUM_OVERFLOWS, visor_le64(h + VISOR_QH_NUM_OVERFLOWS) + 1);
        if (ch->tap) {
            uint8_t rec[12];
            visor_put32(rec, qi);
            visor_put64(rec + 4, q->overflows);
            cs_tap_msg(ch->tap, ch->tap_ch, CS_TAP_INTERNAL, VISOR_K_OVERFLOW, rec, sizeof(rec));
        }
        return VISOR_FULL;
    }
    uint8_t *slot = h + q->sig_base + (uint64_t)new_head * q->signal_size;
    memcpy(slot, msg, q->signal_size);
    q->fw_count++;
    /* data before the index that publishes it (spec §2.3 step 7); the guest's mb() also
     * orders its loads, the firmware only needs its stores in order: release */
    atomic_thread_fence(memory_order_release);
    visor_put32(h + VISOR_QH_HEAD, new_head);
    visor_put64(h + VISOR_QH_NUM_SENT, q->fw_count);
    q->fw_index = new_head;
    tap_signal(ch, qi, new_head, msg, CS_TAP_TO_GUEST);
    return VISOR_OK;
}

int visor_channel_remove(struct visor_channel *ch, unsigned qi, void *msg, cs_error *err)
{
    if (qi >= ch->nqueues || !ch->q[qi].guest_produces)
        return cs_error_set(err, "channel %s: the firmware does not remove from queue %u", ch->name,
                            qi);
    if (!fast_ok(ch, qi) && (check_header(ch, err) < 0 || check_queue(ch, qi, err) < 0))
        return -1;
    struct vq *q = &ch->q[qi];
    uint8_t *h = ch->base + q->off;
    uint32_t head = visor_le32(h + VISOR_QH_HEAD);
    if (head == q->fw_index)
        return VISOR_EMPTY;
    /* the guest's head is published after its data (x86 TSO; acquire for other hosts) */
    atomic_thread_fence(memory_order_acquire);
    uint32_t new_tail = next_slot(q->fw_index, q->max_slots);
    const uint8_t *slot = h + q->sig_base + (uint64_t)new_tail * q->signal_size;
    memcpy(msg, slot, q->signal_size);
    q->fw_count++;
    /* the slot is read before the tail that hands it back is published */
    atomic_thread_fence(memory_order_release);
    visor_put32(h + VISOR_QH_TAIL, new_tail);
    visor_put64(h + VISOR_QH_NUM_RECEIVED, q->fw_count);
    q->fw_index = new_tail;
    tap_signal(ch, qi, new_tail, msg, CS_TAP_TO_FW);
    return VISOR_OK;
}

int visor_channel_wants_ints(const struct visor_channel *ch)
{
    uint64_t f = visor_le64(ch->base + VISOR_CH_FEATURES);
    return !ch->header_broken && (f & VISOR_FEAT_DRIVER_ENABLES_INTS) &&
           !(f & VISOR_FEAT_DRIVER_DISABLES_INTS);
}

uint32_t visor_channel_pending(const struct visor_channel *ch, unsigned qi)
{
    if (qi >= ch->nqueues || visor_channel_broken(ch, qi))
        return 0;
    const struct vq *q = &ch->q[qi];
    const uint8_t *h = ch->base + q->off;
    uint32_t head = visor_le32(h + VISOR_QH_HEAD), tail = visor_le32(h + VISOR_QH_TAIL);
    if (head >= q->max_slots || tail >= q->max_slots)
        return 0;
    return (head + q->max_slots - tail) % q->max_slots;
}

void visor_channel_stats(const struct visor_channel *ch, unsigned qi, struct visor_queue_stats *s)
{
    memset(s, 0, sizeof(*s));
    if (qi >= ch->nqueues)
        return;
    const struct vq *q = &ch->q[qi];
    const uint8_t *h = ch->base + q->off;
    s->sent = visor_le64(h + VISOR_QH_NUM_SENT);
    s->received = visor_le64(h + VISOR_QH_NUM_RECEIVED);
    s->overflows = q->guest_produces ? visor_le64(h + VISOR_QH_NUM_OVERFLOWS) : q->overflows;
}

int visor_channel_poke(struct visor_channel *ch, int qi, unsigned off, unsigned width,
                       uint64_t value, cs_error *err)
{
    unsigned limit = VISOR_CH_HEADER_SIZE;
    if ((width != 1 && width != 2 && width != 4 && width != 8) || off + width > limit)
        return cs_error_set(err, "channel %s: cannot write %u bytes at header offset %u", ch->name,
                            width, off);
    if (qi >= (int)ch->nqueues)
        return cs_error_set(err, "channel %s: no queue %d", ch->name, qi);
    uint8_t *p = qi < 0 ? ch->base + off : ch->base + ch->q[qi].off + off;
    for (unsigned i = 0; i < width; i++)
        p[i] = (uint8_t)(value >> (8 * i));
    /* the firmware's record follows what it wrote, as a lying back-end's would */
    if (qi < 0) {
        const uint8_t *b = ch->base;
        ch->signature = visor_le64(b + VISOR_CH_SIGNATURE_OFF);
        ch->header_size = visor_le32(b + VISOR_CH_HEADER_SZ_OFF);
        ch->space_offset = visor_le64(b + VISOR_CH_SPACE_OFFSET);
        ch->version = visor_le32(b + VISOR_CH_VERSION_ID);
        memcpy(ch->type.b, b + VISOR_CH_CHTYPE, 16);
        memcpy(ch->image, b, VISOR_CH_HEADER_SIZE);
        ch->space_ok = space_fits(ch);
        if (ch->tap)
            cs_tap_msg(ch->tap, ch->tap_ch, CS_TAP_INTERNAL, VISOR_K_CHANNEL_HEADER, ch->base,
                       VISOR_CH_HEADER_SIZE);
    } else {
        struct vq *q = &ch->q[qi];
        const uint8_t *h = ch->base + q->off;
        q->version = visor_le32(h + VISOR_QH_VERSION);
        q->type = visor_le32(h + VISOR_QH_CHTYPE);
        q->size = visor_le64(h + VISOR_QH_BYTES);
        q->sig_base = visor_le64(h + VISOR_QH_SIG_BASE);
        q->signal_size = visor_le32(h + VISOR_QH_SIGNAL_SIZE);
        q->max_slots = visor_le32(h + VISOR_QH_MAX_SLOTS);
        q->max_signals = visor_le32(h + VISOR_QH_MAX_SIGNALS);
        q->fw_index = visor_le32(h + (q->guest_produces ? VISOR_QH_TAIL : VISOR_QH_HEAD));
        memcpy(q->image, h, VISOR_QH_SIZE);
        geometry(ch, q);
        if (q->signal_size > ch->scratch_len - 8 && q->geometry_ok) {
            ch->scratch_len = 8 + (size_t)q->signal_size;
            ch->scratch = realloc(ch->scratch, ch->scratch_len);
            if (!ch->scratch)
                abort();
        }
        if (ch->tap)
            tap_queue(ch, (unsigned)qi);
    }
    return 0;
}
