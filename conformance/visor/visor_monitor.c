/* s-Par visor monitor. Each channel's monitor rebuilds the channel from the firmware end's
 * records: the channel header and queue headers as the firmware created or rewrote them, each
 * signal it inserted for the guest or removed from a queue the guest fills, overflow counts and
 * the header faults it found. Layouts are written here from spec visor.md §2-§4 (packed
 * little-endian x86 structures), independently of the model they check.
 *
 * The controlvm monitor keeps the bus and device state controlvm creates (in state shared with
 * the device channels' monitors of the same hub): device monitors need it for the pause rule,
 * the type check and to forget the requests a paused or destroyed device failed. Records of
 * different channels at the same cycle may reach the monitors in a different order live (tap
 * order) and offline (the trace reader orders ties by channel id), so cross-channel decisions
 * are taken with strict cycle comparisons and a pause finding waits until a later cycle shows
 * no resume at the same cycle; live and offline verdicts are then the same. */
#include "visor_monitor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wire and layouts (docs/trace-format.md, spec visor.md) --------------------------- */

enum {
    K_CHANNEL_HEADER = 1,
    K_QUEUE_HEADER = 2,
    K_SIGNAL = 3,
    K_HEADER_FAULT = 4,
    K_OVERFLOW = 5,
    K_PARTITION = 6, /* le32: 0 the device's service partition went down, 1 it came back */
};
enum { DIR_TO_FW = 0, DIR_TO_GUEST = 1 };

#define HDR_BYTES 128
#define SIGNATURE 0x4C4E4345ull /* 'E','C','N','L' */

/* struct channel_header (§2.1) */
#define CH_SIGNATURE   0
#define CH_HEADER_SIZE 12
#define CH_SIZE        16
#define CH_TYPE        32
#define CH_SPACE       64
#define CH_VERSION     72

/* struct signal_queue_header (§2.2) */
#define QH_BYTES        8
#define QH_SIG_BASE     16
#define QH_NUM_SENT     32
#define QH_NUM_OVERFLOW 40
#define QH_SIGNAL_SIZE  48
#define QH_MAX_SLOTS    52
#define QH_MAX_SIGNALS  56
#define QH_HEAD         60
#define QH_NUM_RECEIVED 64
#define QH_TAIL         72

/* struct controlvm_message (§3.3) */
#define MSG_BYTES         128
#define MSG_ID            0
#define MSG_SIZE          4
#define MSG_COMPLETION    12
#define MSG_FLAGS         16
#define MSG_HANDLE        24
#define MSG_PAYLOAD_OFF   32
#define MSG_PAYLOAD_MAX   40
#define MSG_PAYLOAD_BYTES 44
#define MSG_PACKET        48
#define F_FAILED          (1u << 0)
#define F_RESPONSE        (1u << 1)
#define F_TEST            (1u << 3)
#define PK_BUS            (MSG_PACKET + 0)
#define PK_DEV            (MSG_PACKET + 4)
#define PK_DEV_GUID       (MSG_PACKET + 24)
#define PK_DEV_STATE      (MSG_PACKET + 8)
#define PK_DEV_FLAGS      (MSG_PACKET + 10)
#define STATE_RUNNING     0x00F7
#define STATE_STANDBY     0x0073

enum {
    BUS_CREATE = 0x101,
    BUS_DESTROY = 0x102,
    BUS_CONFIGURE = 0x104,
    BUS_CHANGESTATE = 0x105,
    DEVICE_CREATE = 0x201,
    DEVICE_DESTROY = 0x202,
    DEVICE_CONFIGURE = 0x203,
    DEVICE_CHANGESTATE = 0x204,
    DEVICE_RECONFIGURE = 0x206,
    CHIPSET_INIT = 0x301,
    CHIPSET_STOP = 0x302,
    CHIPSET_READY = 0x304,
    CHIPSET_SELFTEST = 0x305,
};

/* struct uiscmdrsp (§4.2): cmdtype at 0, the union at 1 */
#define CMD_SCSI        1
#define CMD_NET         2
#define CMD_TASKMGMT    3
#define CMD_NOTIFYGUEST 4
#define SCSI_HANDLE     (1 + 0)
#define TM_HANDLE       (1 + 16)
#define NET_TYPE        (1 + 0)
#define NET_BUF         (1 + 4)
#define NET_RCV_NUM     (1 + 12 + 4)
#define NET_RCV_BUFS    (1 + 12 + 5)
#define NET_ENABLE      (1 + 12 + 8)
#define NET_MAX_CHAIN   5
enum {
    NET_RCV_POST = 0,
    NET_RCV = 1,
    NET_XMIT = 2,
    NET_XMIT_DONE = 3,
    NET_RCV_ENBDIS = 4,
    NET_RCV_ENBDIS_ACK = 5,
    NET_RCV_PROMISC = 6,
    NET_CONNECT_STATUS = 7,
    NET_MACADDR = 8,
    NET_MACADDR_ACK = 9,
};
#define INPUT_ACTION 8 /* activity.action after the u64 seq_no (§4.5) */

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ---- channel types (§2.1, §3.2, §3.6, §4.1, §4.5, §4.6) ------------------------------- */

enum chtype { T_NONE, T_CONTROLVM, T_VBUS, T_VHBA, T_VNIC, T_KEYBOARD, T_MOUSE, NTYPES };

struct type_info {
    const char *name;
    uint8_t guid[16];
    int64_t version;      /* -1: any (the input driver does not check it) */
    uint64_t min_bytes;   /* the type's fixed layout */
    uint32_t nqueues;     /* signal queues the type uses */
    uint64_t space;       /* required ch_space_offset, 0: any past fixed_end */
    uint64_t fixed_end;   /* end of the type-specific fields after the header */
    uint32_t signal_size; /* exact slot size of every queue */
    uint32_t guest_fills; /* bit q: the guest inserts into queue q, the firmware removes */
};

static const struct type_info types[NTYPES] = {
    [T_CONTROLVM] = {"controlvm",
                     {0x10, 0x2d, 0x3c, 0x2b, 0xf5, 0x7e, 0xd8, 0x4a, 0xb9, 0x66, 0x34, 0x48, 0xb7,
                      0x38, 0x6b, 0x3d},
                     1,
                     36608,
                     4,
                     3072,
                     3072,
                     MSG_BYTES,
                     1u << 0 | 1u << 3},
    [T_VBUS] = {"vbus",
                {0x1b, 0x33, 0x3b, 0x19, 0x8f, 0xc5, 0xda, 0x11, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61,
                 0x16, 0x5f},
                1,
                768,
                0,
                0,
                768,
                0,
                0},
    /* IO channels: struct visor_io_channel is 1438 bytes, its queue headers at 128 and 256;
     * the slot size is SIZEOF_CMDRSP, sizeof(struct uiscmdrsp) rounded up to 64 (§4.1) */
    [T_VHBA] = {"vhba",
                {0xed, 0x15, 0x48, 0x41, 0x8c, 0xc5, 0xda, 0x11, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61,
                 0x16, 0x5f},
                2,
                1438,
                2,
                128,
                1438,
                1216,
                1u << 0},
    [T_VNIC] = {"vnic",
                {0x4d, 0x99, 0xd5, 0x8c, 0x8e, 0xc5, 0xda, 0x11, 0x95, 0xa9, 0x00, 0xe0, 0x81, 0x61,
                 0x16, 0x5f},
                2,
                1438,
                2,
                128,
                1438,
                1216,
                1u << 0},
    /* input channels: visor_input_channel_data (8 bytes) at 128, then queue 0 of reports */
    [T_KEYBOARD] = {"keyboard",
                    {0xd0, 0x16, 0x34, 0xc7, 0xb8, 0xb0, 0xaf, 0x44, 0xb3, 0x04, 0x9d, 0x2a, 0xe9,
                     0x9f, 0x1b, 0x3d},
                    -1,
                    136,
                    1,
                    0,
                    136,
                    16,
                    0},
    [T_MOUSE] = {"mouse",
                 {0xd4, 0x07, 0xdf, 0xad, 0xa9, 0x94, 0xe2, 0x46, 0x81, 0xc3, 0x61, 0xab, 0xcd,
                  0xbd, 0xbd, 0x87},
                 -1,
                 136,
                 1,
                 0,
                 136,
                 16,
                 0},
};

static enum chtype type_of(const uint8_t *guid)
{
    for (int t = T_CONTROLVM; t < NTYPES; t++)
        if (memcmp(types[t].guid, guid, 16) == 0)
            return (enum chtype)t;
    return T_NONE;
}

static void guid_str(const uint8_t *g, char out[37])
{
    snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32(g), le16(g + 4),
             le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* ---- rules ---------------------------------------------------------------------------- */

/* Coverage: one counter per rule, bumped wherever its check is evaluated. */
/* clang-format off */
#define VISOR_RULES                                                                                \
    X(U1) X(U2) X(U3) X(U4) X(U5) X(U6) X(U7) X(U8) X(U9) X(U10)                                   \
    X(U11) X(U12) X(U13) X(U14) X(U15) X(U16) X(U17) X(U18) X(U19)
enum rule {
#define X(id) R_##id,
    VISOR_RULES
#undef X
    NRULES
};
static const char *const rule_ids[NRULES] = {
#define X(id) #id,
    VISOR_RULES
#undef X
};
/* clang-format on */

#define REPORT(m, rule, cycle, ...) cs_monitor_report((m)->ctx, rule, cycle, __VA_ARGS__)
#define CHECKED(m, r)               ((m)->checks[r]++)

/* ---- state shared by the visor monitors of one hub ------------------------------------ */

struct gbus {
    uint32_t bus;
    int exists;
    int busy; /* a command with response_expected awaits its response */
};

struct gdev {
    uint32_t bus, dev;
    int exists, busy;
    int create_known, hdr_known;
    uint8_t create_guid[16], hdr_guid[16];
    int paused;           /* a standby command and no running command since */
    uint64_t pause_cycle; /* of the standby command */
    uint64_t clear_cycle; /* the guest gave up its requests (pause answered, destroyed) */
    uint32_t clear_epoch; /* how many times */
};

/* A pause finding waiting for the end of its cycle: a resume at the same cycle withdraws it. */
struct deferred {
    struct cs_monitor_ctx *ctx;
    uint32_t bus, dev;
    uint64_t cycle;
    char msg[200];
};

struct group {
    struct gbus *buses;
    size_t nbuses;
    struct gdev *devs;
    size_t ndevs;
    struct deferred *defer;
    size_t ndefer, capdefer;
};

static void *group_new(void)
{
    struct group *g = calloc(1, sizeof(*g));
    if (!g)
        abort();
    return g;
}

static void group_free(void *p)
{
    struct group *g = p;
    free(g->buses);
    free(g->devs);
    free(g->defer);
    free(g);
}

static struct gbus *bus_get(struct group *g, uint32_t bus)
{
    for (size_t i = 0; i < g->nbuses; i++)
        if (g->buses[i].bus == bus)
            return &g->buses[i];
    g->buses = realloc(g->buses, (g->nbuses + 1) * sizeof(*g->buses));
    if (!g->buses)
        abort();
    struct gbus *b = &g->buses[g->nbuses++];
    memset(b, 0, sizeof(*b));
    b->bus = bus;
    return b;
}

static struct gdev *dev_get(struct group *g, uint32_t bus, uint32_t dev)
{
    for (size_t i = 0; i < g->ndevs; i++)
        if (g->devs[i].bus == bus && g->devs[i].dev == dev)
            return &g->devs[i];
    g->devs = realloc(g->devs, (g->ndevs + 1) * sizeof(*g->devs));
    if (!g->devs)
        abort();
    struct gdev *d = &g->devs[g->ndevs++];
    memset(d, 0, sizeof(*d));
    d->bus = bus;
    d->dev = dev;
    return d;
}

static uint32_t devices_on(const struct group *g, uint32_t bus)
{
    uint32_t n = 0;
    for (size_t i = 0; i < g->ndevs; i++)
        n += g->devs[i].bus == bus && g->devs[i].exists;
    return n;
}

/* Report the pause findings of cycles before `cycle`: no resume can withdraw them now. */
static void group_flush(struct group *g, uint64_t cycle)
{
    size_t keep = 0;
    for (size_t i = 0; i < g->ndefer; i++) {
        struct deferred *d = &g->defer[i];
        if (d->cycle < cycle)
            cs_monitor_report(d->ctx, "U15", d->cycle, "%s", d->msg);
        else
            g->defer[keep++] = *d;
    }
    g->ndefer = keep;
}

static void group_withdraw(struct group *g, uint32_t bus, uint32_t dev, uint64_t cycle)
{
    size_t keep = 0;
    for (size_t i = 0; i < g->ndefer; i++)
        if (!(g->defer[i].bus == bus && g->defer[i].dev == dev && g->defer[i].cycle == cycle))
            g->defer[keep++] = g->defer[i];
    g->ndefer = keep;
}

/* ---- per-channel state ---------------------------------------------------------------- */

struct queue {
    int known; /* a header record was seen */
    int sound; /* its geometry lets signals be checked */
    uint32_t signal_size, max_slots;
    uint32_t index; /* the firmware's: head of a queue it fills, tail of one it drains */
    uint64_t sent, received, overflows; /* as the headers and signals showed them */
    uint64_t slot_start, slot_len;      /* the slot area, from the channel's start */
    uint64_t overflow_records;          /* the count of the last OVERFLOW record */
    int overflow_known;                 /* an OVERFLOW record was seen */
};

/* A controlvm command from the command partition (queue 2), until ACKed and answered. */
struct cmd {
    uint32_t id;
    uint64_t handle;
    uint32_t flags;
    uint32_t bus, dev;
    uint16_t state;
    int phys;    /* DEVICE_CHANGESTATE of a physical device (parahotplug) */
    int created; /* a create that made its bus or device exist */
    int acked, answered;
    uint64_t cycle;
};

/* An IO request still owed an answer: a vhba handle, a vnic transmit or receive buffer. */
struct req {
    uint64_t key;
    uint8_t kind; /* vhba: cmdtype; vnic: NET_XMIT or NET_RCV_POST */
    uint64_t cycle;
};

struct reqs {
    struct req *r;
    size_t n, cap;
};

struct mon {
    struct cs_monitor_ctx *ctx;
    struct group *g;
    uint64_t checks[NRULES];
    int is_controlvm;
    int has_dev; /* the name says which bus and device */
    uint32_t bus, dev;

    enum chtype type; /* from the channel header's type GUID */
    int hdr_known;
    uint64_t bytes, space;
    uint64_t created_bytes; /* the size of the first sound header: what the channel is */
    int hdr_sound;          /* U1/U2 hold: queues can be placed */
    int fresh;              /* the last record was a channel header: queue headers may start over */
    struct queue q[4];

    /* controlvm */
    struct cmd *cmds;
    size_t ncmds, capcmds;
    int seen_command, chipset_inits;

    /* device channels */
    uint32_t clear_epoch;
    struct reqs reqs;
    uint32_t enbdis_pending;
    int last_enable;
    int part_down; /* the service partition is down (PARTITION records of this channel) */
    uint64_t nrecords;
    int late; /* the first record was a signal: started after the channel was created */
};

/* ---- requests of IO channels ---------------------------------------------------------- */

static struct req *req_find(struct reqs *s, uint64_t key, uint8_t kind)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->r[i].key == key && s->r[i].kind == kind)
            return &s->r[i];
    return NULL;
}

static void req_add(struct reqs *s, uint64_t key, uint8_t kind, uint64_t cycle)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->r = realloc(s->r, s->cap * sizeof(*s->r));
        if (!s->r)
            abort();
    }
    s->r[s->n++] = (struct req){key, kind, cycle};
}

static void req_drop(struct reqs *s, struct req *r)
{
    *r = s->r[--s->n];
}

/* The guest failed or forgot its outstanding requests when the device paused or went away:
 * forget those made up to that cycle, once a later cycle is reached (strictly later, so that
 * the order of same-cycle records of different channels does not matter). */
static void apply_clear(struct mon *m, uint64_t cycle)
{
    if (!m->has_dev)
        return;
    struct gdev *d = dev_get(m->g, m->bus, m->dev);
    if (d->clear_epoch == m->clear_epoch || cycle <= d->clear_cycle)
        return;
    m->clear_epoch = d->clear_epoch;
    for (size_t i = 0; i < m->reqs.n;)
        if (m->reqs.r[i].cycle <= d->clear_cycle)
            req_drop(&m->reqs, &m->reqs.r[i]);
        else
            i++;
    m->enbdis_pending = 0;
}

/* ---- channel and queue headers (U1-U5, U8) -------------------------------------------- */

static void check_queue_geometry(struct mon *m, unsigned qi, const uint8_t *h, uint64_t cycle);

static void on_channel_header(struct mon *m, const struct cs_mon_msg *msg)
{
    uint64_t c = msg->cycle;
    CHECKED(m, R_U1);
    if (msg->len != HDR_BYTES) {
        REPORT(m, "U1", c, "channel header record of %" PRIu32 " bytes (128 expected)", msg->len);
        return;
    }
    const uint8_t *h = msg->payload;
    uint64_t sig = le64(h + CH_SIGNATURE);
    uint32_t hsize = le32(h + CH_HEADER_SIZE);
    uint64_t size = le64(h + CH_SIZE);
    uint64_t space = le64(h + CH_SPACE);
    uint32_t version = le32(h + CH_VERSION);
    enum chtype t = type_of(h + CH_TYPE);
    char g[37];
    guid_str(h + CH_TYPE, g);
    int bad = 0;
    if (sig != SIGNATURE) {
        REPORT(m, "U1", c, "signature 0x%016" PRIx64 " is not 'ECNL' (0x%016" PRIx64 ")", sig,
               (uint64_t)SIGNATURE);
        bad = 1;
    }
    if (hsize != HDR_BYTES) {
        REPORT(m, "U1", c, "header_size %" PRIu32 " (128 expected)", hsize);
        bad = 1;
    }
    if (t == T_NONE) {
        REPORT(m, "U1", c, "channel type %s is not a known s-Par channel type", g);
        bad = 1;
        t = m->type; /* keep checking as what the channel was */
    } else if (m->is_controlvm && t != T_CONTROLVM) {
        REPORT(m, "U1", c, "the controlvm channel has type %s (%s)", g, types[t].name);
        bad = 1;
        t = T_CONTROLVM;
    } else if (m->hdr_known && m->type != T_NONE && t != m->type) {
        REPORT(m, "U1", c, "channel type changed from %s to %s", types[m->type].name,
               types[t].name);
        bad = 1;
    }
    if (m->is_controlvm)
        t = T_CONTROLVM;
    if (t != T_NONE) {
        const struct type_info *ti = &types[t];
        if (ti->version >= 0 && version != (uint64_t)ti->version) {
            REPORT(m, "U1", c, "version_id %" PRIu32 " of a %s channel (%" PRId64 " expected)",
                   version, ti->name, ti->version);
            bad = 1;
        }
        if (size < ti->min_bytes) {
            REPORT(m, "U1", c, "size %" PRIu64 " is smaller than a %s channel's %" PRIu64 " bytes",
                   size, ti->name, ti->min_bytes);
            bad = 1;
        } else if (m->created_bytes && size != m->created_bytes) {
            /* the guest maps the size it read when it created the channel */
            REPORT(m, "U1", c, "size changed from %" PRIu64 " to %" PRIu64 " bytes",
                   m->created_bytes, size);
            bad = 1;
        }
        /* U2: where the queue headers start */
        CHECKED(m, R_U2);
        uint64_t qend = space + (uint64_t)ti->nqueues * HDR_BYTES;
        if (space < HDR_BYTES || (ti->space && space != ti->space) ||
            (!ti->space && ti->nqueues && space < ti->fixed_end) || qend < space || qend > size) {
            char want[64];
            if (ti->space)
                snprintf(want, sizeof(want), "%" PRIu64, ti->space);
            else
                snprintf(want, sizeof(want), "at least %" PRIu64, ti->fixed_end);
            REPORT(m, "U2", c,
                   "ch_space_offset %" PRIu64 " of a %s channel (%s, with its %" PRIu32
                   " queue headers inside the %" PRIu64 " bytes)",
                   space, ti->name, want, ti->nqueues, size);
            bad = 1;
        }
    }
    m->hdr_known = 1;
    m->type = t;
    if (!m->created_bytes && !bad)
        m->created_bytes = size;
    m->bytes = m->created_bytes ? m->created_bytes : size;
    m->space = space;
    m->hdr_sound = !bad;
    m->fresh = 1;
    /* an unknown type is U1's alone */
    if (m->has_dev && t != T_NONE && t != T_CONTROLVM && type_of(h + CH_TYPE) != T_NONE) {
        struct gdev *d = dev_get(m->g, m->bus, m->dev);
        memcpy(d->hdr_guid, h + CH_TYPE, 16);
        d->hdr_known = 1;
        if (d->create_known) {
            CHECKED(m, R_U16);
            if (memcmp(d->create_guid, d->hdr_guid, 16) != 0) {
                char cg[37];
                guid_str(d->create_guid, cg);
                REPORT(m, "U16", c,
                       "channel type %s differs from DEVICE_CREATE's data_type_guid %s", g, cg);
            }
        }
    }
}

static int pristine(const uint8_t *h)
{
    return le32(h + QH_HEAD) == 0 && le32(h + QH_TAIL) == 0 && le64(h + QH_NUM_SENT) == 0 &&
           le64(h + QH_NUM_RECEIVED) == 0 && le64(h + QH_NUM_OVERFLOW) == 0;
}

static void counter_check(struct mon *m, unsigned qi, const char *name, uint64_t was, uint64_t now,
                          uint64_t cycle)
{
    CHECKED(m, R_U5);
    if (now < was)
        REPORT(m, "U5", cycle, "queue %u %s went back from %" PRIu64 " to %" PRIu64, qi, name, was,
               now);
}

static void on_queue_header(struct mon *m, const struct cs_mon_msg *msg)
{
    uint64_t c = msg->cycle;
    CHECKED(m, R_U3);
    if (msg->len != 8 + HDR_BYTES) {
        REPORT(m, "U3", c, "queue header record of %" PRIu32 " bytes (136 expected)", msg->len);
        return;
    }
    uint32_t qi = le32(msg->payload);
    const uint8_t *h = msg->payload + 8;
    uint32_t nq = m->type != T_NONE ? types[m->type].nqueues : 4;
    if (qi >= nq || qi >= 4) {
        REPORT(m, "U3", c,
               "queue header for queue %" PRIu32 " of a channel with %" PRIu32 " queues", qi, nq);
        return;
    }
    struct queue *q = &m->q[qi];
    /* a channel header followed by zeroed queue headers is the channel being (re)created */
    if (q->known && !(m->fresh && pristine(h))) {
        counter_check(m, qi, "num_sent", q->sent, le64(h + QH_NUM_SENT), c);
        counter_check(m, qi, "num_received", q->received, le64(h + QH_NUM_RECEIVED), c);
        counter_check(m, qi, "num_overflows", q->overflows, le64(h + QH_NUM_OVERFLOW), c);
    }
    q->known = 1;
    q->sent = le64(h + QH_NUM_SENT);
    q->received = le64(h + QH_NUM_RECEIVED);
    q->overflows = le64(h + QH_NUM_OVERFLOW);
    check_queue_geometry(m, qi, h, c);
}

static void check_queue_geometry(struct mon *m, unsigned qi, const uint8_t *h, uint64_t c)
{
    struct queue *q = &m->q[qi];
    uint32_t ss = le32(h + QH_SIGNAL_SIZE), slots = le32(h + QH_MAX_SLOTS);
    uint32_t maxsig = le32(h + QH_MAX_SIGNALS);
    uint64_t size = le64(h + QH_BYTES), base = le64(h + QH_SIG_BASE);
    uint32_t head = le32(h + QH_HEAD), tail = le32(h + QH_TAIL);
    int bad = 0;
    if (slots < 2) {
        REPORT(m, "U3", c, "queue %u max_slots %" PRIu32 " (at least 2: one slot stays empty)", qi,
               slots);
        bad = 1;
    }
    if (m->type != T_NONE && ss != types[m->type].signal_size) {
        REPORT(m, "U3", c,
               "queue %u signal_size %" PRIu32 " (a %s channel's signals are %" PRIu32 " bytes)",
               qi, ss, types[m->type].name, types[m->type].signal_size);
        bad = 1;
    }
    if (slots >= 2 && (size != (uint64_t)slots * ss || maxsig != slots - 1)) {
        REPORT(m, "U3", c,
               "queue %u size %" PRIu64 " and max_signals %" PRIu32 " do not follow from %" PRIu32
               " slots of %" PRIu32 " bytes",
               qi, size, maxsig, slots, ss);
        bad = 1;
    }
    if (m->hdr_known && m->hdr_sound && slots >= 2 && ss > 0) {
        /* the slot area, relative to the channel: after every header, inside the channel, apart
         * from the other queues' slots (their headers as last recorded) */
        uint64_t qoff = m->space + (uint64_t)qi * HDR_BYTES;
        uint64_t nq = m->type != T_NONE ? types[m->type].nqueues : 4;
        uint64_t start = qoff + base, len = (uint64_t)slots * ss;
        uint64_t hdrs_end = m->space + nq * HDR_BYTES;
        if (base > m->bytes || start < hdrs_end || len > m->bytes || start + len > m->bytes) {
            REPORT(m, "U3", c,
                   "queue %u slots [%" PRIu64 ", +%" PRIu64 ") (sig_base_offset %" PRIu64
                   ") are not inside the channel's %" PRIu64 " bytes after its headers",
                   qi, start, len, base, m->bytes);
            bad = 1;
        } else {
            for (unsigned o = 0; o < nq && o < 4; o++) {
                const struct queue *p = &m->q[o];
                if (o == qi || !p->known || !p->sound || !p->slot_len)
                    continue;
                if (start < p->slot_start + p->slot_len && p->slot_start < start + len) {
                    REPORT(m, "U3", c,
                           "queue %u slots [%" PRIu64 ", +%" PRIu64 ") overlap queue %u's [%" PRIu64
                           ", +%" PRIu64 ")",
                           qi, start, len, o, p->slot_start, p->slot_len);
                    bad = 1;
                    break;
                }
            }
        }
        q->slot_start = start;
        q->slot_len = bad ? 0 : len;
    }
    CHECKED(m, R_U4);
    if (slots >= 1 && (head >= slots || tail >= slots)) {
        REPORT(m, "U4", c,
               "queue %u head %" PRIu32 " / tail %" PRIu32 " not below max_slots %" PRIu32, qi,
               head, tail, slots);
        bad = 1;
    }
    q->sound = !bad;
    q->signal_size = ss;
    q->max_slots = slots;
    q->index = (types[m->type].guest_fills >> qi & 1) ? tail : head;
}

static void on_overflow(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 12)
        return;
    uint32_t qi = le32(msg->payload);
    uint64_t n = le64(msg->payload + 4);
    if (qi >= 4)
        return;
    struct queue *q = &m->q[qi];
    CHECKED(m, R_U5);
    if (q->overflow_known && n != q->overflow_records + 1)
        REPORT(m, "U5", msg->cycle,
               "queue %" PRIu32 " overflow recorded as number %" PRIu64 " after %" PRIu64
               " (one more each time)",
               qi, n, q->overflow_records);
    q->overflow_records = n;
    q->overflow_known = 1;
}

/* Do the headers as the firmware last recorded them break U1-U4? */
static int headers_broken(const struct mon *m)
{
    if (m->hdr_known && !m->hdr_sound)
        return 1;
    for (unsigned i = 0; i < 4; i++)
        if (m->q[i].known && !m->q[i].sound)
            return 1;
    return 0;
}

static void on_header_fault(struct mon *m, const struct cs_mon_msg *msg)
{
    CHECKED(m, R_U8);
    /* a fault the firmware's own (hostile) header writes explain is reported as U1-U4 */
    if (headers_broken(m))
        return;
    uint32_t qi = msg->len >= 8 ? le32(msg->payload) : 0xffffffffu;
    uint32_t off = msg->len >= 8 ? le32(msg->payload + 4) : 0;
    char text[160] = "";
    if (msg->len > 8) {
        size_t n = msg->len - 8 < sizeof(text) - 1 ? msg->len - 8 : sizeof(text) - 1;
        memcpy(text, msg->payload + 8, n);
        text[n] = 0;
    }
    if (qi == 0xffffffffu)
        REPORT(m, "U8", msg->cycle, "the guest broke channel header field at %" PRIu32 ": %s", off,
               text);
    else
        REPORT(m, "U8", msg->cycle,
               "the guest broke queue %" PRIu32 " header field at %" PRIu32 ": %s", qi, off, text);
}

/* ---- controlvm (U9-U14) ---------------------------------------------------------------- */

static const char *cvm_name(uint32_t id)
{
    switch (id) {
    case BUS_CREATE:
        return "BUS_CREATE";
    case BUS_DESTROY:
        return "BUS_DESTROY";
    case BUS_CONFIGURE:
        return "BUS_CONFIGURE";
    case BUS_CHANGESTATE:
        return "BUS_CHANGESTATE";
    case DEVICE_CREATE:
        return "DEVICE_CREATE";
    case DEVICE_DESTROY:
        return "DEVICE_DESTROY";
    case DEVICE_CONFIGURE:
        return "DEVICE_CONFIGURE";
    case DEVICE_CHANGESTATE:
        return "DEVICE_CHANGESTATE";
    case DEVICE_RECONFIGURE:
        return "DEVICE_RECONFIGURE";
    case CHIPSET_INIT:
        return "CHIPSET_INIT";
    case CHIPSET_STOP:
        return "CHIPSET_STOP";
    case CHIPSET_READY:
        return "CHIPSET_READY";
    case CHIPSET_SELFTEST:
        return "CHIPSET_SELFTEST";
    default:
        return NULL;
    }
}

static int bus_cmd(uint32_t id)
{
    return id >= BUS_CREATE && id <= BUS_CHANGESTATE;
}

static int dev_cmd(uint32_t id)
{
    return id >= DEVICE_CREATE && id <= DEVICE_RECONFIGURE;
}

static struct cmd *cmd_add(struct mon *m)
{
    if (m->ncmds == m->capcmds) {
        m->capcmds = m->capcmds ? m->capcmds * 2 : 32;
        m->cmds = realloc(m->cmds, m->capcmds * sizeof(*m->cmds));
        if (!m->cmds)
            abort();
    }
    struct cmd *k = &m->cmds[m->ncmds++];
    memset(k, 0, sizeof(*k));
    return k;
}

/* Commands both ACKed and answered (or not owed an answer) are kept a while so that a second
 * ACK or response for them is recognised as such. */
#define DONE_KEPT 64

static int cmd_done(const struct cmd *k)
{
    return k->acked && (k->answered || !(k->flags & F_RESPONSE));
}

static void cmds_trim(struct mon *m)
{
    size_t done = 0;
    for (size_t i = 0; i < m->ncmds; i++)
        done += cmd_done(&m->cmds[i]);
    if (done <= 2 * DONE_KEPT)
        return;
    size_t drop = done - DONE_KEPT, keep = 0;
    for (size_t i = 0; i < m->ncmds; i++) {
        if (drop && cmd_done(&m->cmds[i])) {
            drop--;
            continue;
        }
        m->cmds[keep++] = m->cmds[i];
    }
    m->ncmds = keep;
}

static void cvm_command(struct mon *m, const uint8_t *s, uint64_t c)
{
    uint32_t id = le32(s + MSG_ID), flags = le32(s + MSG_FLAGS);
    const char *name = cvm_name(id);
    CHECKED(m, R_U9);
    if (!name) {
        REPORT(m, "U9", c, "command with unknown id 0x%" PRIx32, id);
        return;
    }
    if (le32(s + MSG_SIZE) != MSG_BYTES)
        REPORT(m, "U9", c, "%s with message_size %" PRIu32 " (128: header and packet)", name,
               le32(s + MSG_SIZE));
    if (le32(s + MSG_PAYLOAD_BYTES) > le32(s + MSG_PAYLOAD_MAX))
        REPORT(m, "U9", c, "%s with payload_bytes %" PRIu32 " above payload_max_bytes %" PRIu32,
               name, le32(s + MSG_PAYLOAD_BYTES), le32(s + MSG_PAYLOAD_MAX));
    if (flags & F_FAILED)
        REPORT(m, "U9", c, "%s with the failed flag set", name);
    if (flags & F_TEST)
        return; /* consumed and dropped by the guest: no ACK, no response, no effect */

    struct cmd *k = cmd_add(m);
    k->id = id;
    k->handle = le64(s + MSG_HANDLE);
    k->flags = flags;
    k->cycle = c;
    k->bus = le32(s + PK_BUS);
    k->dev = le32(s + PK_DEV);
    if (id == DEVICE_CHANGESTATE) {
        k->state = le16(s + PK_DEV_STATE);
        k->phys = le32(s + PK_DEV_FLAGS) & 1;
    }

    /* U12: ordering of the chipset, bus and device lifecycle */
    struct group *g = m->g;
    CHECKED(m, R_U12);
    if (!m->seen_command && id != CHIPSET_INIT)
        REPORT(m, "U12", c, "%s before CHIPSET_INIT", name);
    m->seen_command = 1;
    if (id == CHIPSET_INIT && m->chipset_inits++)
        REPORT(m, "U12", c, "CHIPSET_INIT sent again (it is one-shot per boot)");
    /* a physical device's DEVICE_CHANGESTATE (parahotplug) addresses no device controlvm
     * created: the guest hands it to user space (spec §3.5) */
    int virt = dev_cmd(id) && !k->phys;
    struct gbus *b = bus_cmd(id) || virt ? bus_get(g, k->bus) : NULL;
    struct gdev *d = virt ? dev_get(g, k->bus, k->dev) : NULL;
    /* U13: one command at a time per bus or device */
    if (b && !d) {
        CHECKED(m, R_U13);
        if (b->busy)
            REPORT(m, "U13", c,
                   "%s for bus %" PRIu32 " while its previous command awaits a "
                   "response",
                   name, k->bus);
    }
    if (d) {
        CHECKED(m, R_U13);
        if (d->busy)
            REPORT(m, "U13", c,
                   "%s for bus %" PRIu32 " device %" PRIu32 " while its previous "
                   "command awaits a response",
                   name, k->bus, k->dev);
    }
    switch (id) {
    case BUS_CREATE:
        if (b->exists)
            REPORT(m, "U12", c, "BUS_CREATE for bus %" PRIu32 ", which exists", k->bus);
        else
            b->exists = k->created = 1;
        break;
    case BUS_DESTROY:
        if (!b->exists)
            REPORT(m, "U12", c, "BUS_DESTROY for bus %" PRIu32 ", which does not exist", k->bus);
        else if (devices_on(g, k->bus))
            REPORT(m, "U12", c,
                   "BUS_DESTROY for bus %" PRIu32 " before DEVICE_DESTROY of its %" PRIu32
                   " device(s)",
                   k->bus, devices_on(g, k->bus));
        b->exists = 0;
        break;
    case BUS_CONFIGURE:
    case BUS_CHANGESTATE:
        if (!b->exists)
            REPORT(m, "U12", c, "%s for bus %" PRIu32 ", which does not exist", name, k->bus);
        break;
    case DEVICE_CREATE:
        if (!b->exists)
            REPORT(m, "U12", c, "DEVICE_CREATE on bus %" PRIu32 " before its BUS_CREATE", k->bus);
        if (d->exists) {
            REPORT(m, "U12", c,
                   "DEVICE_CREATE for bus %" PRIu32 " device %" PRIu32 ", which exists", k->bus,
                   k->dev);
        } else {
            d->exists = k->created = 1;
            d->paused = 0;
            memcpy(d->create_guid, s + PK_DEV_GUID, 16);
            d->create_known = 1;
            if (d->hdr_known) {
                CHECKED(m, R_U16);
                if (memcmp(d->create_guid, d->hdr_guid, 16) != 0) {
                    char cg[37], hg[37];
                    guid_str(d->create_guid, cg);
                    guid_str(d->hdr_guid, hg);
                    REPORT(m, "U16", c,
                           "DEVICE_CREATE for bus %" PRIu32 " device %" PRIu32 " names type %s, "
                           "its channel header %s",
                           k->bus, k->dev, cg, hg);
                }
            }
        }
        break;
    default:
        if (d && !d->exists)
            REPORT(m, "U12", c, "%s for bus %" PRIu32 " device %" PRIu32 ", which does not exist",
                   name, k->bus, k->dev);
        if (id == DEVICE_DESTROY)
            d->exists = 0;
        break;
    }
    if (id == DEVICE_CHANGESTATE && !k->phys) {
        CHECKED(m, R_U14);
        if (k->state != STATE_RUNNING && k->state != STATE_STANDBY)
            REPORT(m, "U14", c,
                   "DEVICE_CHANGESTATE for bus %" PRIu32 " device %" PRIu32 " asks for state "
                   "0x%04x (running 0x00f7 or standby 0x0073)",
                   k->bus, k->dev, k->state);
        if (k->state == STATE_STANDBY && !d->paused) {
            d->paused = 1;
            d->pause_cycle = c;
        } else if (k->state == STATE_RUNNING && d->paused) {
            d->paused = 0;
            group_withdraw(g, k->bus, k->dev, c);
        }
    }
    if (flags & F_RESPONSE) {
        if (d)
            d->busy = 1;
        else if (b)
            b->busy = 1;
    }
}

static struct cmd *cmd_match(struct mon *m, const uint8_t *s, int want_acked)
{
    uint32_t id = le32(s + MSG_ID);
    uint64_t handle = le64(s + MSG_HANDLE);
    struct cmd *done = NULL;
    for (size_t i = 0; i < m->ncmds; i++) {
        struct cmd *k = &m->cmds[i];
        if (k->id != id || k->handle != handle)
            continue;
        if (want_acked ? (k->acked && !k->answered) : !k->acked)
            return k;
        done = done ? done : k;
    }
    return done;
}

static void cvm_ack(struct mon *m, const uint8_t *s, uint64_t c)
{
    uint32_t id = le32(s + MSG_ID);
    const char *name = cvm_name(id) ? cvm_name(id) : "command";
    CHECKED(m, R_U10);
    struct cmd *k = cmd_match(m, s, 0);
    if (!k) {
        REPORT(m, "U10", c, "ACK of %s 0x%" PRIx32 " handle %" PRIu64 ", which was never sent",
               name, id, le64(s + MSG_HANDLE));
        return;
    }
    if (k->acked) {
        REPORT(m, "U10", c, "second ACK of %s handle %" PRIu64, name, k->handle);
        return;
    }
    k->acked = 1;
    if (k->answered)
        return; /* late: reported with the response (U11) */
    int nonzero =
        le64(s + MSG_PAYLOAD_OFF) || le32(s + MSG_PAYLOAD_MAX) || le32(s + MSG_PAYLOAD_BYTES);
    for (unsigned i = MSG_PACKET; i < MSG_BYTES && !nonzero; i++)
        nonzero = s[i] != 0;
    if (nonzero)
        REPORT(m, "U10", c,
               "ACK of %s handle %" PRIu64 " is not the command's header with the payload fields "
               "and the packet zeroed",
               name, k->handle);
    cmds_trim(m);
}

static void cvm_response(struct mon *m, const uint8_t *s, uint64_t c)
{
    uint32_t id = le32(s + MSG_ID), flags = le32(s + MSG_FLAGS);
    const char *name = cvm_name(id) ? cvm_name(id) : "command";
    CHECKED(m, R_U11);
    struct cmd *k = cmd_match(m, s, 1);
    if (!k || k->answered) {
        REPORT(m, "U11", c,
               k ? "second response to %s 0x%" PRIx32 " handle %" PRIu64
                 : "response to %s 0x%" PRIx32 " handle %" PRIu64 ", which was never sent",
               name, id, le64(s + MSG_HANDLE));
        return;
    }
    if (!k->acked)
        REPORT(m, "U11", c, "response to %s handle %" PRIu64 " before its ACK", name, k->handle);
    k->answered = 1;
    int failed = (flags & F_FAILED) != 0;
    struct group *g = m->g;
    if (bus_cmd(id) || dev_cmd(id)) {
        if (dev_cmd(id))
            dev_get(g, k->bus, k->dev)->busy = 0;
        else
            bus_get(g, k->bus)->busy = 0;
    }
    /* a create the guest refused leaves no bus or device behind */
    if (failed && k->created) {
        if (id == BUS_CREATE)
            bus_get(g, k->bus)->exists = 0;
        else if (id == DEVICE_CREATE)
            dev_get(g, k->bus, k->dev)->exists = 0;
    }
    if (id == DEVICE_CHANGESTATE && !k->phys && !failed) {
        uint16_t st = le16(s + PK_DEV_STATE);
        CHECKED(m, R_U14);
        if (st != k->state)
            REPORT(m, "U14", c,
                   "response to DEVICE_CHANGESTATE for bus %" PRIu32 " device %" PRIu32
                   " carries state 0x%04x, 0x%04x was asked",
                   k->bus, k->dev, st, k->state);
    }
    /* the guest failed what it had outstanding on a device it paused or removed */
    if (!failed && ((id == DEVICE_CHANGESTATE && !k->phys && k->state == STATE_STANDBY) ||
                    id == DEVICE_DESTROY)) {
        struct gdev *d = dev_get(g, k->bus, k->dev);
        d->clear_cycle = c;
        d->clear_epoch++;
    }
    cmds_trim(m);
}

static void on_cvm_signal(struct mon *m, uint32_t qi, const uint8_t *s, uint64_t c)
{
    switch (qi) {
    case 2:
        cvm_command(m, s, c);
        break;
    case 3:
        cvm_ack(m, s, c);
        break;
    case 0:
        cvm_response(m, s, c);
        break;
    default: /* queue 1: the guest drains and discards it */
        break;
    }
}

/* ---- IO and input channels (U17-U19) -------------------------------------------------- */

static void on_vhba_signal(struct mon *m, const uint8_t *s, uint8_t dir, uint64_t c)
{
    uint8_t t = s[0];
    CHECKED(m, R_U17);
    int ok = dir == DIR_TO_FW ? (t == CMD_SCSI || t == CMD_TASKMGMT)
                              : (t == CMD_SCSI || t == CMD_TASKMGMT || t == CMD_NOTIFYGUEST);
    if (!ok) {
        REPORT(m, "U17", c, "vhba signal %s with cmdtype %u", dir == DIR_TO_FW ? "to" : "from", t);
        return;
    }
    if (t == CMD_NOTIFYGUEST)
        return;
    uint64_t h = le64(s + (t == CMD_SCSI ? SCSI_HANDLE : TM_HANDLE));
    const char *what = t == CMD_SCSI ? "SCSI command" : "task management request";
    CHECKED(m, R_U18);
    if (dir == DIR_TO_FW) {
        if (req_find(&m->reqs, h, CMD_SCSI) || req_find(&m->reqs, h, CMD_TASKMGMT))
            REPORT(m, "U18", c, "%s with handle %" PRIu64 ", which is still outstanding", what, h);
        else
            req_add(&m->reqs, h, t, c);
        return;
    }
    struct req *r = req_find(&m->reqs, h, t);
    if (!r) {
        REPORT(m, "U18", c, "%s completion for handle %" PRIu64 ", which is not outstanding", what,
               h);
        return;
    }
    req_drop(&m->reqs, r);
}

static void on_vnic_signal(struct mon *m, const uint8_t *s, uint8_t dir, uint64_t c)
{
    uint8_t t = s[0];
    uint32_t nt = le32(s + NET_TYPE);
    CHECKED(m, R_U17);
    int from_guest = nt == NET_RCV_POST || nt == NET_XMIT || nt == NET_RCV_ENBDIS ||
                     nt == NET_RCV_PROMISC || nt == NET_MACADDR;
    int to_guest = nt == NET_RCV || nt == NET_XMIT_DONE || nt == NET_RCV_ENBDIS_ACK ||
                   nt == NET_CONNECT_STATUS || nt == NET_MACADDR_ACK;
    if (t != CMD_NET || !(dir == DIR_TO_FW ? from_guest : to_guest)) {
        REPORT(m, "U17", c, "vnic signal %s with cmdtype %u net type %" PRIu32,
               dir == DIR_TO_FW ? "to" : "from", t, nt);
        return;
    }
    uint64_t buf = le64(s + NET_BUF);
    switch (nt) {
    case NET_RCV_POST:
    case NET_XMIT:
        CHECKED(m, R_U19);
        if (req_find(&m->reqs, buf, (uint8_t)nt))
            REPORT(m, "U19", c, "%s of buffer 0x%" PRIx64 ", which is still outstanding",
                   nt == NET_XMIT ? "NET_XMIT" : "NET_RCV_POST", buf);
        else
            req_add(&m->reqs, buf, (uint8_t)nt, c);
        break;
    case NET_RCV_ENBDIS:
        m->enbdis_pending++;
        m->last_enable = le16(s + NET_ENABLE) != 0;
        break;
    case NET_XMIT_DONE: {
        CHECKED(m, R_U19);
        struct req *r = req_find(&m->reqs, buf, NET_XMIT);
        if (!r)
            REPORT(m, "U19", c,
                   "NET_XMIT_DONE for buffer 0x%" PRIx64 ", not an outstanding "
                   "transmit",
                   buf);
        else
            req_drop(&m->reqs, r);
        break;
    }
    case NET_RCV: {
        CHECKED(m, R_U19);
        uint8_t n = s[NET_RCV_NUM];
        if (n < 1 || n > NET_MAX_CHAIN) {
            REPORT(m, "U19", c, "NET_RCV with %u receive buffers (1 to %d)", n, NET_MAX_CHAIN);
            break;
        }
        if (le64(s + NET_RCV_BUFS) != buf)
            REPORT(m, "U19", c, "NET_RCV: rcvbuf[0] 0x%" PRIx64 " is not net.buf 0x%" PRIx64,
                   le64(s + NET_RCV_BUFS), buf);
        for (unsigned i = 0; i < n; i++) {
            uint64_t b = le64(s + NET_RCV_BUFS + 8 * i);
            struct req *r = req_find(&m->reqs, b, NET_RCV_POST);
            if (!r)
                REPORT(m, "U19", c, "NET_RCV returns buffer 0x%" PRIx64 ", which is not posted", b);
            else
                req_drop(&m->reqs, r);
        }
        break;
    }
    case NET_RCV_ENBDIS_ACK:
        CHECKED(m, R_U19);
        if (!m->enbdis_pending) {
            REPORT(m, "U19", c, "NET_RCV_ENBDIS_ACK without an unanswered NET_RCV_ENBDIS");
            break;
        }
        /* disabling un-posts every receive buffer (spec §4.4) */
        if (--m->enbdis_pending == 0 && !m->last_enable) {
            for (size_t i = 0; i < m->reqs.n;) {
                if (m->reqs.r[i].kind == NET_RCV_POST)
                    req_drop(&m->reqs, &m->reqs.r[i]);
                else
                    i++;
            }
        }
        break;
    default:
        break;
    }
}

static void on_input_signal(struct mon *m, const uint8_t *s, uint64_t c)
{
    uint16_t a = le16(s + INPUT_ACTION);
    CHECKED(m, R_U17);
    if (!(a <= 8 || (a >= 64 && a <= 67)))
        REPORT(m, "U17", c, "%s report with unknown action %u", types[m->type].name, a);
}

/* ---- signals (U6, U7, U15) ------------------------------------------------------------ */

static void on_signal(struct mon *m, const struct cs_mon_msg *msg)
{
    uint64_t c = msg->cycle;
    CHECKED(m, R_U6);
    if (msg->len < 8) {
        REPORT(m, "U6", c, "signal record of %" PRIu32 " bytes", msg->len);
        return;
    }
    uint32_t qi = le32(msg->payload), slot = le32(msg->payload + 4);
    uint32_t nq = m->type != T_NONE ? types[m->type].nqueues : 4;
    if (qi >= nq || qi >= 4) {
        REPORT(m, "U6", c, "signal on queue %" PRIu32 " of a channel with %" PRIu32 " queues", qi,
               nq);
        return;
    }
    if (msg->dir != DIR_TO_FW && msg->dir != DIR_TO_GUEST) {
        REPORT(m, "U6", c, "signal on queue %" PRIu32 " with direction %u", qi, msg->dir);
        return;
    }
    struct queue *q = &m->q[qi];
    if (!q->known && !m->hdr_known && (m->late || m->nrecords == 1)) {
        m->late = 1;
        /* The first record of the channel is a signal: the monitor started after the channel
         * was created (a live run learns of a channel at its first record after attaching).
         * Take the queue as it shows itself; its geometry is known from its next header. */
        q->known = q->sound = 1;
        q->signal_size = msg->len - 8;
        q->max_slots = 0; /* unknown: ring order is not checked */
        if (m->type == T_NONE && m->has_dev) {
            struct gdev *d = dev_get(m->g, m->bus, m->dev);
            if (d->create_known)
                m->type = type_of(d->create_guid);
        }
    }
    if (!q->known || !q->sound) {
        REPORT(m, "U6", c, "signal on queue %" PRIu32 " %s", qi,
               q->known ? "whose header is broken" : "before its header");
        return;
    }
    if (msg->len != 8 + q->signal_size) {
        REPORT(m, "U6", c,
               "signal of %" PRIu32 " bytes on queue %" PRIu32 " (signal_size %" PRIu32 ")",
               msg->len - 8, qi, q->signal_size);
        return;
    }
    uint32_t want = q->max_slots ? (q->index + 1) % q->max_slots : slot;
    if (slot != want)
        REPORT(m, "U6", c,
               "%s queue %" PRIu32 " at slot %" PRIu32 " (next in ring order: %" PRIu32
               " of %" PRIu32 ")",
               msg->dir == DIR_TO_GUEST ? "insert into" : "remove from", qi, slot, want,
               q->max_slots);
    if (slot < q->max_slots || !q->max_slots)
        q->index = slot;
    if (msg->dir == DIR_TO_GUEST)
        q->sent++;
    else
        q->received++;

    /* U7: who fills which queue (spec §3.4, §4.1, §4.5) */
    CHECKED(m, R_U7);
    if (m->type != T_NONE) {
        int guest_fills = types[m->type].guest_fills >> qi & 1;
        if (guest_fills != (msg->dir == DIR_TO_FW)) {
            REPORT(m, "U7", c, "the %s fills queue %" PRIu32 " of a %s channel, not the %s",
                   guest_fills ? "guest" : "firmware", qi, types[m->type].name,
                   guest_fills ? "firmware" : "guest");
            return;
        }
    }
    const uint8_t *s = msg->payload + 8;

    if (m->has_dev) {
        struct gdev *d = dev_get(m->g, m->bus, m->dev);
        CHECKED(m, R_U15);
        if (msg->dir == DIR_TO_GUEST && m->part_down)
            REPORT(m, "U15", c,
                   "signal inserted into queue %" PRIu32 " while the device's service "
                   "partition is down",
                   qi);
        else if (msg->dir == DIR_TO_GUEST && d->paused && c > d->pause_cycle) {
            struct group *g = m->g;
            if (g->ndefer == g->capdefer) {
                g->capdefer = g->capdefer ? g->capdefer * 2 : 16;
                g->defer = realloc(g->defer, g->capdefer * sizeof(*g->defer));
                if (!g->defer)
                    abort();
            }
            struct deferred *e = &g->defer[g->ndefer++];
            e->ctx = m->ctx;
            e->bus = m->bus;
            e->dev = m->dev;
            e->cycle = c;
            snprintf(e->msg, sizeof(e->msg),
                     "signal inserted into queue %" PRIu32 " while the device is paused (standby "
                     "since cycle %" PRIu64 ")",
                     qi, d->pause_cycle);
        }
    }

    /* what a recovering partition drains from the guest's queue was failed by the guest at the
     * pause: discarded, owed no answer */
    if (msg->dir == DIR_TO_FW && m->part_down && !m->is_controlvm)
        return;
    if (m->is_controlvm)
        on_cvm_signal(m, qi, s, c);
    else if (m->type == T_VHBA)
        on_vhba_signal(m, s, msg->dir, c);
    else if (m->type == T_VNIC)
        on_vnic_signal(m, s, msg->dir, c);
    else if (m->type == T_KEYBOARD || m->type == T_MOUSE)
        on_input_signal(m, s, c);
}

/* ---- class ---------------------------------------------------------------------------- */

static void *mon_create(struct cs_monitor_ctx *ctx, const char *channel_name)
{
    struct mon *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->ctx = ctx;
    m->g = cs_monitor_shared(ctx, "visor", group_new, group_free);
    const char *name = channel_name ? channel_name : "";
    const char *p = strstr(name, "visor.");
    if (p && strcmp(p, "visor.controlvm") == 0) {
        m->is_controlvm = 1;
        m->type = T_CONTROLVM;
    } else if (p) {
        unsigned bus, dev;
        char end;
        if (sscanf(p, "visor.%u.%u%c", &bus, &dev, &end) == 2) {
            m->has_dev = 1;
            m->bus = bus;
            m->dev = dev;
        }
    }
    return m;
}

static void mon_on_msg(void *p, const struct cs_mon_msg *msg)
{
    struct mon *m = p;
    m->nrecords++;
    group_flush(m->g, msg->cycle);
    apply_clear(m, msg->cycle);
    int fresh = m->fresh;
    switch (msg->kind) {
    case K_CHANNEL_HEADER:
        on_channel_header(m, msg);
        return; /* keeps fresh set */
    case K_QUEUE_HEADER:
        on_queue_header(m, msg);
        m->fresh = fresh; /* all queue headers after a channel header may be a re-creation */
        return;
    case K_SIGNAL:
        on_signal(m, msg);
        break;
    case K_HEADER_FAULT:
        on_header_fault(m, msg);
        break;
    case K_OVERFLOW:
        on_overflow(m, msg);
        break;
    case K_PARTITION:
        if (msg->len >= 4)
            m->part_down = le32(msg->payload) == 0;
        break;
    default: /* partition state and later kinds: nothing to check */
        break;
    }
    m->fresh = 0;
}

static int overdue(uint64_t since, uint64_t now)
{
    return now >= since && now - since >= VISOR_MON_OVERDUE_CYCLES;
}

static void mon_finish(void *p, uint64_t cycle)
{
    struct mon *m = p;
    group_flush(m->g, UINT64_MAX);
    for (size_t i = 0; i < m->ncmds; i++) {
        const struct cmd *k = &m->cmds[i];
        const char *name = cvm_name(k->id);
        if (!k->acked) {
            CHECKED(m, R_U10);
            if (overdue(k->cycle, cycle))
                REPORT(m, "U10", cycle, "%s handle %" PRIu64 " (cycle %" PRIu64 ") was never ACKed",
                       name, k->handle, k->cycle);
        } else if ((k->flags & F_RESPONSE) && !k->answered && !k->phys) {
            CHECKED(m, R_U11);
            if (overdue(k->cycle, cycle))
                REPORT(m, "U11", cycle,
                       "%s handle %" PRIu64 " (cycle %" PRIu64 ") expects a response and got none",
                       name, k->handle, k->cycle);
        }
    }
    apply_clear(m, cycle == UINT64_MAX ? cycle : cycle + 1);
    for (size_t i = 0; i < m->reqs.n; i++) {
        const struct req *r = &m->reqs.r[i];
        if (r->kind == NET_RCV_POST)
            continue; /* posted receive buffers wait for traffic */
        int vhba = m->type == T_VHBA;
        CHECKED(m, vhba ? R_U18 : R_U19);
        if (overdue(r->cycle, cycle))
            REPORT(m, vhba ? "U18" : "U19", cycle,
                   "%s 0x%" PRIx64 " (cycle %" PRIu64 ") was never completed",
                   vhba ? "handle" : "transmit buffer", r->key, r->cycle);
    }
}

static void mon_destroy(void *p)
{
    struct mon *m = p;
    free(m->cmds);
    free(m->reqs.r);
    free(m);
}

static void mon_coverage(void *p, cs_coverage_fn cb, void *ctx)
{
    const struct mon *m = p;
    for (int r = 0; r < NRULES; r++)
        cb(ctx, rule_ids[r], m->checks[r]);
}

const struct cs_monitor_class visor_monitor_class = {
    .family = "visor",
    .create = mon_create,
    .on_msg = mon_on_msg,
    .finish = mon_finish,
    .destroy = mon_destroy,
    .coverage = mon_coverage,
};
