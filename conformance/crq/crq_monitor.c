/* CRQ / VMC monitor. Everything is reconstructed from the adapter's channel alone: the
 * partition's hcalls and their returns, the elements the hypervisor wrote into the partition's
 * queue, interrupts, CONSUMED observations, RDMA copies and the hypervisor's undelivered sends.
 * The hypervisor's own queue and the partition's DMA window are not on the channel; rules that
 * need them are checked only as far as the channel shows (see the notes at each check).
 *
 * The layers are checked CRQ first: a message that breaks a CRQ rule (payload before the INIT
 * exchange, say) is not checked again by the VMC layer, and the VMC layer reports a message for
 * its first breach only, so one fault gives one finding rather than a cascade. */
#include "crq_monitor.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "crq_wire.h"

#define QUEUE_ALIGN     4096u
#define QUEUE_MAX_BYTES (256ull << 20)
#define MAX_PENDING     16 /* hcalls in flight at once (one per vCPU in practice) */
#define MAX_CALL_COPIES 4
#define MAX_COPIES      32
#define MAX_TOLERATED   32
#define OWNER_PARTITION 0
#define OWNER_HV        1

struct copy {
    uint64_t dst, len;
};

/* Coverage: one counter per rule, bumped wherever that rule's check is evaluated, so that a
 * suite can tell a rule that held from one that never had occasion to be checked. Rules about
 * what must not happen after an event (C6 after a free or a partner's deregistration, C9 after
 * a migration) count only once that event happened: before it they cannot be broken. */
/* clang-format off */
#define CRQ_RULES                                                                                  \
    X(C1) X(C2) X(C3) X(C4) X(C5) X(C6) X(C7) X(C8) X(C9)                                          \
    X(V1) X(V2) X(V3) X(V4) X(V5) X(V6) X(V7) X(V8) X(V9) X(V10)
enum rule {
#define X(id) R_##id,
    CRQ_RULES
#undef X
    NRULES
};
static const char *const rule_ids[NRULES] = {
#define X(id) #id,
    CRQ_RULES
#undef X
};
/* clang-format on */

struct pending {
    uint64_t op;
    uint64_t args[6];
    unsigned nargs; /* as recorded: traces imported from ftrace carry none */
    uint64_t cycle;
    int committed;    /* H_SEND_CRQ: the hypervisor acted on it before the return */
    uint8_t elem[16]; /* H_SEND_CRQ: word1, word2 as the hypervisor stores them */
    unsigned ncopies; /* H_COPY_RDMA: partition-to-hypervisor copies, kept if it succeeds */
    struct copy copies[MAX_CALL_COPIES];
};

enum hmc_state { HMC_FREE, HMC_OPENING, HMC_READY };

struct hmc {
    uint8_t state;
    uint8_t session; /* last OPEN's; kept after close, as the driver keeps it */
    uint16_t open_buf;
    uint32_t adds; /* ADD_BUFs for the opening session */
    int close_pending;
    uint32_t rem_pending;
    uint64_t open_cycle, close_cycle;
};

struct vbuf {
    uint8_t index, session, owner;
    uint8_t resp_pending; /* ADD_BUF not answered yet */
    uint8_t copy_pending; /* signalled by the hypervisor, not copied out yet */
    uint16_t id;
    uint32_t lioba, sig_len;
    uint64_t cycle;
};

struct vmc {
    int active, off;
    uint32_t cap_pending;
    uint64_t cap_cycle;
    uint8_t p_max_hmc;
    uint16_t p_pool, p_crq_size;
    uint32_t p_mtu;
    int caps_done, max_index;
    uint16_t pool;
    uint32_t mtu;
    struct hmc hmc[256];
    struct vbuf *bufs;
    size_t nbufs, capbufs;
    /* (index, buffer_id) of hypervisor messages the driver answers with an error ADD_BUF_RESP */
    struct {
        uint8_t index;
        uint16_t id;
    } tol[MAX_TOLERATED];
    unsigned ntol;
    struct copy copies[MAX_COPIES]; /* successful partition-to-hypervisor copies not yet used */
    unsigned ncopies;
};

struct mon {
    struct cs_monitor_ctx *ctx;
    uint64_t checks[NRULES];

    struct pending pend[MAX_PENDING];
    unsigned npend;

    int unit_known;
    uint64_t unit;

    /* the partition's queue */
    int registered, freed, migrated;
    uint32_t entries, next_slot;
    uint8_t *written; /* bitmap: slot holds an element not yet consumed */
    uint32_t *fifo;   /* those slots in write order */
    uint32_t fcap, fhead, fcount;

    /* INIT handshake */
    int hs_done;
    uint32_t p_init, h_init; /* delivered INITs not yet answered, from each side */
    int partner_gone;        /* 0xFF/0x01 or 0x02 seen and no 0xC0 from the hypervisor since */
    int partner_dereg;       /* ... and it was 0x02 */
    uint64_t gone_cycle;

    /* interrupts: 1 enabled, 0 disabled, -1 unknown (after H_FREE_CRQ, which may reset it) */
    int irq_on;
    uint32_t vio_pending;
    uint32_t irq_owed, irq_maybe, irq_owed_slot;
    uint64_t irq_owed_cycle;

    struct vmc vmc;
};

static const char *rc_name(int64_t rc)
{
    static const struct {
        int64_t rc;
        const char *name;
    } names[] = {{H_SUCCESS, "H_SUCCESS"},         {H_BUSY, "H_BUSY"},
                 {H_CLOSED, "H_CLOSED"},           {H_NOT_AVAILABLE, "H_NOT_AVAILABLE"},
                 {H_IN_PROGRESS, "H_IN_PROGRESS"}, {H_HARDWARE, "H_HARDWARE"},
                 {H_FUNCTION, "H_FUNCTION"},       {H_PARAMETER, "H_PARAMETER"},
                 {H_NOT_FOUND, "H_NOT_FOUND"},     {H_PERMISSION, "H_PERMISSION"},
                 {H_DROPPED, "H_DROPPED"},         {H_RESOURCE, "H_RESOURCE"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].rc == rc)
            return names[i].name;
    return "rc";
}

static const char *vmc_type_name(uint8_t t)
{
    static const char *const low[] = {NULL, "CAP", "OPEN", "CLOSE", "ADD_BUF", "REM_BUF", "SIGNAL"};
    static const char *const resp[] = {NULL,         "CAP_RESP",     "OPEN_RESP",
                                       "CLOSE_RESP", "ADD_BUF_RESP", "REM_BUF_RESP"};
    if (t >= 1 && t <= 6)
        return low[t];
    if (t >= 0x81 && t <= 0x85)
        return resp[t - 0x80];
    return "unknown";
}

#define REPORT(m, rule, cycle, ...) cs_monitor_report((m)->ctx, rule, cycle, __VA_ARGS__)
#define CHECKED(m, r)               ((m)->checks[r]++)

/* ---- queue slots ---------------------------------------------------------------------- */

static int slot_busy(const struct mon *m, uint32_t slot)
{
    return slot < m->entries && (m->written[slot / 8] >> (slot % 8) & 1);
}

static void slots_clear(struct mon *m)
{
    if (m->written)
        memset(m->written, 0, (m->entries + 7) / 8);
    m->fhead = m->fcount = 0;
}

static void fifo_push(struct mon *m, uint32_t slot)
{
    if (m->fcount == m->fcap) {
        uint32_t ncap = m->fcap ? m->fcap * 2 : 64;
        uint32_t *n = malloc((size_t)ncap * sizeof(*n));
        if (!n)
            abort();
        for (uint32_t i = 0; i < m->fcount; i++)
            n[i] = m->fifo[(m->fhead + i) % m->fcap];
        free(m->fifo);
        m->fifo = n;
        m->fcap = ncap;
        m->fhead = 0;
    }
    m->fifo[(m->fhead + m->fcount) % m->fcap] = slot;
    m->fcount++;
}

static void fifo_remove(struct mon *m, uint32_t slot)
{
    for (uint32_t i = 0; i < m->fcount; i++) {
        if (m->fifo[(m->fhead + i) % m->fcap] != slot)
            continue;
        for (uint32_t j = i; j + 1 < m->fcount; j++)
            m->fifo[(m->fhead + j) % m->fcap] = m->fifo[(m->fhead + j + 1) % m->fcap];
        m->fcount--;
        return;
    }
}

/* ---- VMC state ------------------------------------------------------------------------ */

static void vmc_reset(struct vmc *v)
{
    struct vbuf *bufs = v->bufs;
    size_t capbufs = v->capbufs;
    int active = v->active, off = v->off;
    memset(v, 0, sizeof(*v));
    v->bufs = bufs;
    v->capbufs = capbufs;
    v->active = active;
    v->off = off;
}

static struct vbuf *buf_find(struct vmc *v, uint8_t index, uint16_t id)
{
    for (size_t i = 0; i < v->nbufs; i++)
        if (v->bufs[i].index == index && v->bufs[i].id == id)
            return &v->bufs[i];
    return NULL;
}

static void buf_remove(struct vmc *v, struct vbuf *b)
{
    *b = v->bufs[--v->nbufs];
}

static void bufs_remove_index(struct vmc *v, uint8_t index)
{
    for (size_t i = 0; i < v->nbufs;)
        if (v->bufs[i].index == index)
            buf_remove(v, &v->bufs[i]);
        else
            i++;
}

static struct vbuf *buf_add(struct vmc *v)
{
    if (v->nbufs == v->capbufs) {
        v->capbufs = v->capbufs ? v->capbufs * 2 : 16;
        v->bufs = realloc(v->bufs, v->capbufs * sizeof(*v->bufs));
        if (!v->bufs)
            abort();
    }
    struct vbuf *b = &v->bufs[v->nbufs++];
    memset(b, 0, sizeof(*b));
    return b;
}

static void tolerate(struct vmc *v, uint8_t index, uint16_t id)
{
    if (v->ntol == MAX_TOLERATED)
        memmove(&v->tol[0], &v->tol[1], sizeof(v->tol[0]) * --v->ntol);
    v->tol[v->ntol].index = index;
    v->tol[v->ntol].id = id;
    v->ntol++;
}

static int tolerated(struct vmc *v, uint8_t index, uint16_t id)
{
    for (unsigned i = 0; i < v->ntol; i++)
        if (v->tol[i].index == index && v->tol[i].id == id) {
            v->tol[i] = v->tol[--v->ntol];
            return 1;
        }
    return 0;
}

static void copy_add(struct vmc *v, uint64_t dst, uint64_t len)
{
    for (unsigned i = 0; i < v->ncopies; i++)
        if (v->copies[i].dst == dst) {
            v->copies[i].len = len; /* the newer copy is the one a SIGNAL can refer to */
            return;
        }
    if (v->ncopies == MAX_COPIES)
        memmove(&v->copies[0], &v->copies[1], sizeof(v->copies[0]) * --v->ncopies);
    v->copies[v->ncopies].dst = dst;
    v->copies[v->ncopies].len = len;
    v->ncopies++;
}

static struct copy *copy_find(struct vmc *v, uint64_t dst)
{
    for (unsigned i = 0; i < v->ncopies; i++)
        if (v->copies[i].dst == dst)
            return &v->copies[i];
    return NULL;
}

static void copy_drop(struct vmc *v, uint64_t dst)
{
    struct copy *c = copy_find(v, dst);
    if (c)
        *c = v->copies[--v->ncopies];
}

/* ---- resets --------------------------------------------------------------------------- */

static void handshake_reset(struct mon *m)
{
    m->hs_done = 0;
    m->p_init = m->h_init = 0;
}

static void queue_register(struct mon *m, uint32_t entries)
{
    if (entries != m->entries) {
        free(m->written);
        m->written = calloc((entries + 7) / 8 + 1, 1);
        if (!m->written)
            abort();
        m->entries = entries;
    }
    slots_clear(m);
    m->registered = 1;
    m->freed = 0;
    m->migrated = 0;
    m->next_slot = 0;
    handshake_reset(m);
    vmc_reset(&m->vmc);
}

static void queue_free(struct mon *m)
{
    slots_clear(m);
    if (m->irq_on > 0)
        m->irq_on = -1; /* PAPR leaves open whether freeing the queue disables the interrupt */
    m->registered = 0;
    m->freed = 1;
    m->migrated = 0;
    handshake_reset(m);
    vmc_reset(&m->vmc);
}

/* ---- VMC: messages from the partition ------------------------------------------------- */

static void vmc_partition_add_buf_resp(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e), session = VMC_SESSION(e), status = VMC_STATUS(e);
    uint16_t id = VMC_BUFFER_ID(e);
    CHECKED(m, R_V4);
    struct vbuf *b = buf_find(v, index, id);
    if (b && b->resp_pending) {
        if (b->session != session)
            REPORT(m, "V4", cycle,
                   "ADD_BUF_RESP for buffer %u of index %u carries session %u, its ADD_BUF had "
                   "session %u",
                   id, index, session, b->session);
        b->resp_pending = 0;
        if (status != VMC_ST_SUCCESS)
            buf_remove(v, b);
        return;
    }
    /* The driver answers a hypervisor message with a bad index or buffer_id with an error
     * ADD_BUF_RESP (its bad-SIGNAL path too); that breach was reported on the message. */
    if (status != VMC_ST_SUCCESS && tolerated(v, index, id))
        return;
    REPORT(m, "V4", cycle,
           "ADD_BUF_RESP (status %u) for buffer %u of index %u answers no outstanding ADD_BUF",
           status, id, index);
}

static void vmc_partition_signal(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e);
    uint16_t id = VMC_BUFFER_ID(e);
    uint32_t len = VMC_VAR3(e);
    CHECKED(m, R_V7);
    struct vbuf *b = buf_find(v, index, id);
    if (!b) {
        REPORT(m, "V7", cycle,
               "partition SIGNAL (msg_len %u) on buffer %u of index %u, which the hypervisor "
               "has not added, so no copy into it can be matched",
               len, id, index);
        return;
    }
    struct copy *c = copy_find(v, b->lioba);
    if (!c)
        REPORT(m, "V7", cycle,
               "partition SIGNAL (msg_len %u) on buffer %u of index %u with no successful "
               "H_COPY_RDMA into its LIOBA %#" PRIx32 " before it",
               len, id, index, b->lioba);
    else if (c->len != len)
        REPORT(m, "V7", cycle,
               "partition SIGNAL on buffer %u of index %u says msg_len %u, but the "
               "H_COPY_RDMA into its LIOBA %#" PRIx32 " copied %" PRIu64 " bytes",
               id, index, len, b->lioba, c->len);
    copy_drop(v, b->lioba);
    b->owner = OWNER_HV;
    b->copy_pending = 0;
}

static void vmc_from_partition(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t type = e[1], index = VMC_INDEX(e);
    if (!v->active) {
        /* Other CRQ protocols share the family: the VMC layer starts with the partition's CAP
         * (or a channel named for the VMC). */
        if (v->off || type != VMC_CAP) {
            v->off = 1;
            return;
        }
        v->active = 1;
    }
    struct hmc *h = &v->hmc[index];
    switch (type) {
    case VMC_CAP:
        if (v->cap_pending++ == 0)
            v->cap_cycle = cycle;
        v->p_max_hmc = VMC_CAP_MAX_HMC(e);
        v->p_pool = VMC_CAP_POOL_SIZE(e);
        v->p_mtu = VMC_CAP_MAX_MTU(e);
        v->p_crq_size = VMC_CAP_CRQ_SIZE(e);
        break;
    case VMC_OPEN: {
        h->state = HMC_OPENING;
        h->session = VMC_SESSION(e);
        h->open_buf = VMC_BUFFER_ID(e);
        h->adds = 0;
        h->open_cycle = cycle;
        struct vbuf *b = buf_find(v, index, h->open_buf);
        if (b)
            copy_drop(v, b->lioba); /* the HMC ID copy is used up */
        break;
    }
    case VMC_CLOSE:
        h->close_pending = 1;
        h->close_cycle = cycle;
        break;
    case VMC_ADD_BUF_RESP:
        vmc_partition_add_buf_resp(m, e, cycle);
        break;
    case VMC_REM_BUF_RESP: {
        if (h->rem_pending)
            h->rem_pending--;
        struct vbuf *b = buf_find(v, index, VMC_BUFFER_ID(e));
        if (VMC_STATUS(e) == VMC_ST_SUCCESS && b)
            buf_remove(v, b);
        break;
    }
    case VMC_SIGNAL:
        vmc_partition_signal(m, e, cycle);
        break;
    default:
        break;
    }
}

/* ---- VMC: messages from the hypervisor ------------------------------------------------ */

static void vmc_cap_resp(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    CHECKED(m, R_V2);
    if (!v->cap_pending) {
        REPORT(m, "V2", cycle, "CAP_RESP with no outstanding CAP");
        return;
    }
    v->cap_pending--;
    uint16_t ver = VMC_CAP_VERSION(e);
    uint8_t max_hmc = VMC_CAP_MAX_HMC(e);
    uint16_t pool = VMC_CAP_POOL_SIZE(e);
    uint32_t mtu = VMC_CAP_MAX_MTU(e);
    if (ver >> 8 != VMC_PROTOCOL_VERSION >> 8) {
        /* the driver fails here and takes nothing from it */
        REPORT(m, "V2", cycle, "CAP_RESP version %#06x, major must be 0x01", ver);
        return;
    }
    if (max_hmc == 0 || pool == 0 || mtu == 0)
        REPORT(m, "V2", cycle,
               "CAP_RESP max_hmc %u, pool_size %u, max_mtu %" PRIu32 ": each must be at least 1",
               max_hmc, pool, mtu);
    v->mtu = v->p_mtu < mtu ? v->p_mtu : mtu;
    v->pool = v->p_pool < pool ? v->p_pool : pool;
    /* As the driver computes it: a minimum of 0 wraps its unsigned index limit, so then every
     * index passes (the breach is the CAP_RESP's, reported above). */
    int min_hmc = v->p_max_hmc < max_hmc ? v->p_max_hmc : max_hmc;
    v->max_index = min_hmc ? min_hmc - 1 : 255;
    v->caps_done = 1;
}

static void vmc_hv_add_buf(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e), session = VMC_SESSION(e);
    uint16_t id = VMC_BUFFER_ID(e);
    CHECKED(m, R_V4);
    struct vbuf *b = buf_find(v, index, id);
    if (b) {
        REPORT(m, "V4", cycle,
               "ADD_BUF re-adds buffer %u of index %u, live since the ADD_BUF at cycle %" PRIu64,
               id, index, b->cycle);
        tolerate(v, index, id);
        return;
    }
    b = buf_add(v);
    b->index = index;
    b->id = id;
    b->session = session;
    b->owner = VMC_VAR1(e) ? OWNER_HV : OWNER_PARTITION;
    b->lioba = VMC_VAR3(e);
    b->resp_pending = 1;
    b->cycle = cycle;
    struct hmc *h = &v->hmc[index];
    if (h->state == HMC_OPENING && session != 0 && session == h->session)
        h->adds++;
}

static void vmc_hv_rem_buf(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e);
    struct hmc *h = &v->hmc[index];
    CHECKED(m, R_V8);
    uint32_t own = 0;
    for (size_t i = 0; i < v->nbufs; i++)
        if (v->bufs[i].index == index && v->bufs[i].owner == OWNER_PARTITION)
            own++;
    own = own > h->rem_pending ? own - h->rem_pending : 0;
    if (own <= 1)
        REPORT(m, "V8", cycle,
               "REM_BUF on index %u, where the partition has %" PRIu32
               " buffer(s) of its own left (after %" PRIu32 " removal(s) in flight)",
               index, own, h->rem_pending);
    h->rem_pending++;
}

static void vmc_hv_open_resp(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e), session = VMC_SESSION(e), status = VMC_STATUS(e);
    uint16_t id = VMC_BUFFER_ID(e);
    struct hmc *h = &v->hmc[index];
    CHECKED(m, R_V5);
    if (h->state != HMC_OPENING) {
        REPORT(m, "V5", cycle, "OPEN_RESP for index %u, which has no outstanding OPEN", index);
        return;
    }
    if (id != h->open_buf)
        REPORT(m, "V5", cycle, "OPEN_RESP for index %u names buffer %u, the OPEN used buffer %u",
               index, id, h->open_buf);
    else if (session != h->session)
        REPORT(m, "V5", cycle, "OPEN_RESP for index %u carries session %u, the OPEN had %u", index,
               session, h->session);
    else if (status == VMC_ST_SUCCESS && h->adds == 0)
        REPORT(m, "V5", cycle,
               "OPEN_RESP succeeds for index %u with no ADD_BUF for session %u since the OPEN",
               index, h->session);
    if (status == VMC_ST_SUCCESS) {
        h->state = HMC_READY;
    } else {
        h->state = HMC_FREE;
        bufs_remove_index(v, index);
    }
}

static void vmc_hv_close_resp(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e);
    struct hmc *h = &v->hmc[index];
    CHECKED(m, R_V8);
    if (!h->close_pending) {
        REPORT(m, "V8", cycle, "CLOSE_RESP for index %u, which has no outstanding CLOSE", index);
        return;
    }
    h->close_pending = 0;
    if (VMC_STATUS(e) == VMC_ST_SUCCESS) {
        /* the driver returns the slot and frees every buffer of the index */
        h->state = HMC_FREE;
        h->rem_pending = 0;
        bufs_remove_index(v, index);
    }
}

static void vmc_hv_signal(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    uint8_t index = VMC_INDEX(e);
    uint16_t id = VMC_BUFFER_ID(e);
    uint32_t len = VMC_VAR3(e);
    CHECKED(m, R_V6);
    struct vbuf *b = buf_find(v, index, id);
    if (v->hmc[index].state != HMC_READY)
        REPORT(m, "V6", cycle, "SIGNAL on index %u, whose OPEN has not succeeded", index);
    else if (!b)
        REPORT(m, "V6", cycle, "SIGNAL on buffer %u of index %u, which was never added", id, index);
    else if (b->owner != OWNER_HV)
        REPORT(m, "V6", cycle, "SIGNAL on buffer %u of index %u, which the partition owns", id,
               index);
    else if (len > v->mtu)
        REPORT(m, "V6", cycle,
               "SIGNAL on buffer %u of index %u: msg_len %" PRIu32
               " exceeds the negotiated MTU %" PRIu32,
               id, index, len, v->mtu);
    else {
        b->owner = OWNER_PARTITION;
        b->copy_pending = 1;
        b->sig_len = len;
        copy_drop(v, b->lioba);
    }
}

static void vmc_from_hv(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    struct vmc *v = &m->vmc;
    if (!v->active)
        return;
    uint8_t type = e[1];
    if (v->p_crq_size)
        CHECKED(m, R_V9);
    if (v->p_crq_size && m->fcount > v->p_crq_size / 2u)
        REPORT(m, "V9", cycle,
               "%s leaves %" PRIu32 " unconsumed messages in the partition's queue, more than "
               "half of its CAP crq_size %u",
               vmc_type_name(type), m->fcount, v->p_crq_size);
    if (type == VMC_CAP_RESP) {
        vmc_cap_resp(m, e, cycle);
        return;
    }
    int has_id = type == VMC_ADD_BUF || type == VMC_OPEN_RESP || type == VMC_SIGNAL;
    if (!has_id && type != VMC_REM_BUF && type != VMC_CLOSE_RESP)
        return; /* not a hypervisor-to-partition type: the driver drops it */
    CHECKED(m, R_V1);
    if (!v->caps_done) {
        REPORT(m, "V1", cycle, "hypervisor sent %s before the capabilities exchange completed",
               vmc_type_name(type));
        return;
    }
    uint8_t index = VMC_INDEX(e), session = VMC_SESSION(e);
    uint16_t id = VMC_BUFFER_ID(e);
    int answered_with_error = type == VMC_ADD_BUF || type == VMC_SIGNAL;
    CHECKED(m, R_V3);
    if ((int)index > v->max_index) {
        REPORT(m, "V3", cycle, "%s for index %u, beyond the negotiated maximum index %d",
               vmc_type_name(type), index, v->max_index);
        if (answered_with_error)
            tolerate(v, index, id);
        return;
    }
    if (has_id && id >= v->pool) {
        REPORT(m, "V3", cycle, "%s names buffer %u, not below the negotiated pool size %u",
               vmc_type_name(type), id, v->pool);
        if (answered_with_error)
            tolerate(v, index, id);
        return;
    }
    if (session != 0 && session != v->hmc[index].session) {
        REPORT(m, "V3", cycle, "%s carries session %u, index %u's current session is %u",
               vmc_type_name(type), session, index, v->hmc[index].session);
        return;
    }
    switch (type) {
    case VMC_ADD_BUF:
        vmc_hv_add_buf(m, e, cycle);
        break;
    case VMC_REM_BUF:
        vmc_hv_rem_buf(m, e, cycle);
        break;
    case VMC_OPEN_RESP:
        vmc_hv_open_resp(m, e, cycle);
        break;
    case VMC_CLOSE_RESP:
        vmc_hv_close_resp(m, e, cycle);
        break;
    case VMC_SIGNAL:
        vmc_hv_signal(m, e, cycle);
        break;
    }
}

/* ---- CRQ: the partition's sends ------------------------------------------------------- */

static int header_ok(uint8_t h)
{
    return h == CRQ_HDR_PAYLOAD || h == CRQ_HDR_INIT || h == CRQ_HDR_EVENT;
}

/* The partition's element reached the hypervisor. */
static void partition_delivered(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    CHECKED(m, R_C1);
    if (!header_ok(e[0])) {
        REPORT(m, "C1", cycle, "partition's H_SEND_CRQ delivered an element with header 0x%02x",
               e[0]);
        return;
    }
    if (e[0] == CRQ_HDR_INIT) {
        if (e[1] == CRQ_INIT) {
            m->p_init++;
        } else if (e[1] == CRQ_INIT_COMPLETE) {
            CHECKED(m, R_C7);
            if (!m->h_init) {
                REPORT(m, "C7", cycle,
                       "partition sent INIT COMPLETE with no INIT from the hypervisor to answer");
                return;
            }
            m->h_init--;
            m->hs_done = 1;
        }
        return;
    }
    if (e[0] != CRQ_HDR_PAYLOAD)
        return;
    if (m->freed)
        CHECKED(m, R_C6);
    CHECKED(m, R_C7);
    if (!m->hs_done) {
        if (m->freed)
            REPORT(m, "C6", cycle,
                   "partition sent payload (0x80, type 0x%02x) after freeing its queue, before "
                   "registering it again",
                   e[1]);
        else
            REPORT(m, "C7", cycle,
                   "partition sent payload (0x80, type 0x%02x) before the INIT exchange", e[1]);
        return;
    }
    vmc_from_partition(m, e, cycle);
}

/* The hypervisor acted (wrote an element, tried to) while the partition's H_SEND_CRQ had not
 * returned yet: the endpoint takes the element synchronously inside the hcall, so an answer
 * can be recorded before the hcall's return. */
static void commit_sends(struct mon *m, uint64_t cycle)
{
    for (unsigned i = 0; i < m->npend; i++) {
        struct pending *p = &m->pend[i];
        if (p->op == H_SEND_CRQ && !p->committed) {
            p->committed = 1;
            partition_delivered(m, p->elem, cycle);
        }
    }
}

/* ---- hcalls --------------------------------------------------------------------------- */

static int other_unit(const struct mon *m, const struct pending *p)
{
    return m->unit_known && p->args[0] != m->unit;
}

static void reg_crq_ret(struct mon *m, const struct pending *p, int64_t rc, uint64_t cycle)
{
    uint64_t ioba = p->args[1], len = p->args[2];
    CHECKED(m, R_C5);
    if (other_unit(m, p)) {
        if (rc != H_PARAMETER)
            REPORT(m, "C5", cycle,
                   "H_REG_CRQ for unit %#" PRIx64 " (the adapter's is %#" PRIx64
                   ") returned %s (%" PRId64 "), expected H_PARAMETER",
                   p->args[0], m->unit, rc_name(rc), rc);
        return;
    }
    int bad =
        (ioba % QUEUE_ALIGN) || (len % QUEUE_ALIGN) || len < QUEUE_ALIGN || len > QUEUE_MAX_BYTES;
    int ok = rc == H_SUCCESS || rc == H_CLOSED;
    if (m->registered) {
        if (rc != H_RESOURCE && !(bad && rc == H_PARAMETER))
            REPORT(m, "C5", cycle,
                   "H_REG_CRQ(ioba %#" PRIx64 ", len %" PRIu64 ") while a queue is registered "
                   "returned %s (%" PRId64 "), expected H_RESOURCE",
                   ioba, len, rc_name(rc), rc);
    } else if (bad) {
        if (rc != H_PARAMETER)
            REPORT(m, "C5", cycle,
                   "H_REG_CRQ(ioba %#" PRIx64 ", len %" PRIu64 ") needs 4 KiB alignment and a "
                   "length of 4 KiB..256 MiB in 4 KiB steps, but returned %s (%" PRId64 ")",
                   ioba, len, rc_name(rc), rc);
    } else if (!ok && rc != H_PARAMETER) {
        /* H_PARAMETER stays possible: the queue may lie outside the partition's DMA window,
         * which the channel does not show. */
        REPORT(m, "C5", cycle,
               "H_REG_CRQ(ioba %#" PRIx64 ", len %" PRIu64 ") with no queue registered "
               "returned %s (%" PRId64 "), expected H_SUCCESS or H_CLOSED",
               ioba, len, rc_name(rc), rc);
    }
    if (ok && len >= 16 && len <= QUEUE_MAX_BYTES) {
        /* follow what the facility did, right or wrong, to keep later checks meaningful */
        m->unit_known = 1;
        m->unit = p->args[0];
        queue_register(m, (uint32_t)(len / 16));
    }
}

static void send_crq_ret(struct mon *m, struct pending *p, int64_t rc, uint64_t cycle)
{
    CHECKED(m, R_C4);
    if (other_unit(m, p)) {
        if (rc != H_PARAMETER)
            REPORT(m, "C4", cycle,
                   "H_SEND_CRQ to unit %#" PRIx64 " (the adapter's is %#" PRIx64
                   ") returned %s (%" PRId64 "), expected H_PARAMETER",
                   p->args[0], m->unit, rc_name(rc), rc);
        return;
    }
    if (rc != H_SUCCESS && rc != H_CLOSED && rc != H_DROPPED && rc != H_PARAMETER && rc != H_BUSY)
        REPORT(m, "C4", cycle,
               "H_SEND_CRQ returned %s (%" PRId64 "), not one of H_SUCCESS, H_CLOSED, H_DROPPED, "
               "H_PARAMETER, H_BUSY",
               rc_name(rc), rc);
    else if (m->partner_gone && rc != H_CLOSED && rc != H_PARAMETER)
        REPORT(m, "C4", cycle,
               "H_SEND_CRQ returned %s (%" PRId64 ") but the partner is gone (0xFF/0x%02x at "
               "cycle %" PRIu64 ", no INIT from it since): expected H_CLOSED",
               rc_name(rc), rc,
               m->partner_dereg ? CRQ_EV_PARTNER_DEREGISTERED : CRQ_EV_PARTNER_FAILED,
               m->gone_cycle);
    if (m->migrated)
        CHECKED(m, R_C9);
    if (rc == H_SUCCESS && m->migrated)
        REPORT(m, "C9", cycle,
               "H_SEND_CRQ succeeded after a migration event, before H_ENABLE_CRQ succeeded");
    if (rc == H_SUCCESS && !p->committed) {
        p->committed = 1;
        partition_delivered(m, p->elem, cycle);
    } else if (rc != H_SUCCESS && !p->committed && m->hs_done && p->elem[0] == CRQ_HDR_PAYLOAD &&
               p->elem[1] == VMC_ADD_BUF_RESP && m->vmc.active) {
        /* the driver answers once and never retries: its part is done either way */
        vmc_from_partition(m, p->elem, cycle);
    }
}

static void on_hcall(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 8)
        return;
    if (m->npend == MAX_PENDING) /* returns lost: forget the oldest */
        memmove(&m->pend[0], &m->pend[1], sizeof(m->pend[0]) * --m->npend);
    struct pending *p = &m->pend[m->npend++];
    memset(p, 0, sizeof(*p));
    p->op = crq_be64(msg->payload);
    p->cycle = msg->cycle;
    unsigned nargs = (msg->len - 8) / 8;
    p->nargs = nargs;
    for (unsigned i = 0; i < nargs && i < 6; i++)
        p->args[i] = crq_be64(msg->payload + 8 + 8 * i);
    if (p->op == H_SEND_CRQ) {
        crq_put64(p->elem, p->args[1]);
        crq_put64(p->elem + 8, p->args[2]);
    } else if (p->op == H_VIO_SIGNAL) {
        m->vio_pending++;
    }
}

static void on_ret(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 16)
        return;
    uint64_t op = crq_be64(msg->payload);
    int64_t rc = (int64_t)crq_be64(msg->payload + 8);
    unsigned i = 0;
    while (i < m->npend && m->pend[i].op != op)
        i++;
    if (i == m->npend)
        return; /* its call was not recorded: nothing to check it against */
    struct pending p = m->pend[i];
    memmove(&m->pend[i], &m->pend[i + 1], sizeof(m->pend[0]) * (m->npend - i - 1));
    m->npend--;
    /* A call recorded without its arguments (imported from ftrace, whose hcall tracepoints
     * keep only the opcode) says nothing about the queue: no check depends on it. */
    static const struct {
        uint64_t op;
        unsigned nargs;
    } needs[] = {{H_REG_CRQ, 3},  {H_FREE_CRQ, 1},  {H_VIO_SIGNAL, 2},
                 {H_SEND_CRQ, 3}, {H_COPY_RDMA, 5}, {H_ENABLE_CRQ, 1}};
    for (size_t k = 0; k < sizeof(needs) / sizeof(needs[0]); k++)
        if (needs[k].op == op && p.nargs < needs[k].nargs)
            return;
    uint64_t cycle = msg->cycle;
    switch (op) {
    case H_REG_CRQ:
        reg_crq_ret(m, &p, rc, cycle);
        break;
    case H_FREE_CRQ:
        if (rc == H_SUCCESS && !other_unit(m, &p)) {
            CHECKED(m, R_C6); /* from here on nothing may be written into the queue */
            queue_free(m);
        }
        break;
    case H_VIO_SIGNAL:
        if (m->vio_pending)
            m->vio_pending--;
        if (rc == H_SUCCESS && !other_unit(m, &p))
            m->irq_on = (int)(p.args[1] & 1);
        break;
    case H_SEND_CRQ:
        send_crq_ret(m, &p, rc, cycle);
        break;
    case H_COPY_RDMA:
        if (rc == H_SUCCESS)
            for (unsigned k = 0; k < p.ncopies; k++)
                copy_add(&m->vmc, p.copies[k].dst, p.copies[k].len);
        break;
    case H_ENABLE_CRQ:
        if (rc == H_SUCCESS && !other_unit(m, &p))
            m->migrated = 0;
        break;
    default:
        break;
    }
}

/* ---- what the hypervisor did ---------------------------------------------------------- */

static void irq_account_element(struct mon *m, uint32_t slot, uint64_t cycle)
{
    CHECKED(m, R_C8);
    /* The interrupt is raised right after the write (edge semantics): an element whose
     * interrupt has not come by the next write never got one. */
    if (m->irq_owed)
        REPORT(m, "C8", cycle,
               "element at slot %" PRIu32 " (cycle %" PRIu64 ") was written with interrupts "
               "enabled but raised no interrupt before the next element",
               m->irq_owed_slot, m->irq_owed_cycle);
    m->irq_owed = 0;
    m->irq_maybe = 0;
    if (m->vio_pending || m->irq_on < 0) {
        m->irq_maybe++; /* the enable state is changing or unknown: either is fine */
    } else if (m->irq_on) {
        m->irq_owed = 1;
        m->irq_owed_slot = slot;
        m->irq_owed_cycle = cycle;
    }
}

static void on_hv_init(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    m->partner_gone = 0;
    m->partner_dereg = 0;
    if (e[1] == CRQ_INIT) {
        m->h_init++;
    } else if (e[1] == CRQ_INIT_COMPLETE) {
        CHECKED(m, R_C7);
        if (!m->p_init) {
            REPORT(m, "C7", cycle,
                   "hypervisor sent INIT COMPLETE with no INIT from the partition to answer");
            return;
        }
        m->p_init--;
        m->hs_done = 1;
    }
}

static void on_event(struct mon *m, const uint8_t *e, uint64_t cycle)
{
    uint8_t reason = e[1];
    if (reason == CRQ_EV_PARTNER_DEREGISTERED)
        CHECKED(m, R_C6);
    if (reason == CRQ_EV_PARTNER_DEREGISTERED && m->partner_dereg)
        REPORT(m, "C6", cycle,
               "second partner-deregistered event (0xFF/0x02) with no INIT from the partner "
               "since the one at cycle %" PRIu64,
               m->gone_cycle);
    if (reason == CRQ_EV_PARTNER_FAILED || reason == CRQ_EV_PARTNER_DEREGISTERED) {
        m->partner_gone = 1;
        m->partner_dereg = reason == CRQ_EV_PARTNER_DEREGISTERED;
        m->gone_cycle = cycle;
    }
    if (reason == CRQ_EV_MIGRATED) {
        CHECKED(m, R_C9);
        m->migrated = 1;
    }
    /* Transport loss and migration restart the INIT exchange; ibmvmc restarts it on any
     * transport event and drops its whole VMC state. */
    if (reason == CRQ_EV_PARTNER_FAILED || reason == CRQ_EV_PARTNER_DEREGISTERED ||
        reason == CRQ_EV_MIGRATED || m->vmc.active)
        handshake_reset(m);
    vmc_reset(&m->vmc);
}

static void on_element(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 24)
        return;
    uint64_t cycle = msg->cycle;
    uint32_t slot = crq_be32(msg->payload), qent = crq_be32(msg->payload + 4);
    const uint8_t *e = msg->payload + 8;
    commit_sends(m, cycle);
    irq_account_element(m, slot, cycle);
    CHECKED(m, R_C2);
    if (!m->registered && m->freed)
        CHECKED(m, R_C6);
    if (!m->registered) {
        if (m->freed)
            REPORT(m, "C6", cycle,
                   "element (header 0x%02x) written at slot %" PRIu32
                   " after the partition freed its queue",
                   e[0], slot);
        else
            REPORT(m, "C2", cycle,
                   "element (header 0x%02x) written at slot %" PRIu32 " with no queue registered",
                   e[0], slot);
        return;
    }
    if (qent != m->entries)
        REPORT(m, "C2", cycle,
               "element at slot %" PRIu32 " written into a %" PRIu32
               "-entry queue, the registered one has %" PRIu32,
               slot, qent, m->entries);
    else if (slot != m->next_slot)
        REPORT(m, "C2", cycle,
               "element written at slot %" PRIu32 ", the next slot in ring order is %" PRIu32, slot,
               m->next_slot);
    CHECKED(m, R_C1);
    if (!header_ok(e[0]))
        REPORT(m, "C1", cycle, "element at slot %" PRIu32 " has header 0x%02x", slot, e[0]);
    else if (slot_busy(m, slot))
        REPORT(m, "C1", cycle,
               "element written over slot %" PRIu32
               ", which the partition has not consumed (expected H_DROPPED)",
               slot);
    if (slot < m->entries) {
        if (!slot_busy(m, slot)) {
            m->written[slot / 8] |= (uint8_t)(1u << (slot % 8));
            fifo_push(m, slot);
        }
        m->next_slot = (slot + 1) % m->entries;
    }
    if (e[0] == CRQ_HDR_INIT) {
        on_hv_init(m, e, cycle);
    } else if (e[0] == CRQ_HDR_EVENT) {
        on_event(m, e, cycle);
    } else if (e[0] == CRQ_HDR_PAYLOAD) {
        if (m->partner_dereg)
            CHECKED(m, R_C6);
        CHECKED(m, R_C7);
        if (!m->hs_done) {
            if (m->partner_dereg)
                REPORT(m, "C6", cycle,
                       "hypervisor sent payload (0x80, type 0x%02x) after its "
                       "partner-deregistered event, before initialising again",
                       e[1]);
            else
                REPORT(m, "C7", cycle,
                       "hypervisor sent payload (0x80, type 0x%02x) before the INIT exchange",
                       e[1]);
            return;
        }
        vmc_from_hv(m, e, cycle);
    }
}

static void on_irq(struct mon *m, const struct cs_mon_msg *msg)
{
    CHECKED(m, R_C8);
    if (m->irq_owed) {
        m->irq_owed--;
    } else if (m->irq_maybe) {
        m->irq_maybe--;
    } else if (m->vio_pending) {
        /* the enable state is changing: an interrupt for an earlier element may still come */
    } else if (m->irq_on == 0) {
        REPORT(m, "C8", msg->cycle, "interrupt raised while disabled (no H_VIO_SIGNAL(unit, 1))");
    } else {
        REPORT(m, "C8", msg->cycle, "interrupt raised with no new element to signal");
    }
}

static void on_consumed(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 4 || !m->registered)
        return;
    uint32_t slot = crq_be32(msg->payload);
    CHECKED(m, R_C3);
    if (!slot_busy(m, slot)) {
        REPORT(m, "C3", msg->cycle,
               "slot %" PRIu32 " found cleared, but it held no unconsumed element", slot);
        return;
    }
    uint32_t oldest = m->fifo[m->fhead];
    if (oldest != slot)
        REPORT(m, "C3", msg->cycle,
               "slot %" PRIu32 " cleared before slot %" PRIu32 ", the oldest unconsumed element",
               slot, oldest);
    m->written[slot / 8] &= (uint8_t) ~(1u << (slot % 8));
    fifo_remove(m, slot);
}

static void on_rdma(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 32)
        return;
    uint64_t src = crq_be64(msg->payload + 8), dst = crq_be64(msg->payload + 24);
    uint64_t n = msg->len - 32;
    struct vmc *v = &m->vmc;
    struct pending *call = NULL;
    for (unsigned i = m->npend; i-- > 0;)
        if (m->pend[i].op == H_COPY_RDMA) {
            call = &m->pend[i];
            break;
        }
    if (!v->active || !v->caps_done)
        return;
    if (msg->dir == 0 || msg->dir == 1)
        CHECKED(m, R_V10);
    if (msg->dir == 0) {
        struct vbuf *b = NULL;
        for (size_t i = 0; i < v->nbufs && !b; i++)
            if (dst >= v->bufs[i].lioba && dst - v->bufs[i].lioba + n <= v->mtu)
                b = &v->bufs[i];
        if (!b)
            REPORT(m, "V10", msg->cycle,
                   "partition copied %" PRIu64 " bytes to hypervisor I/O address %#" PRIx64
                   ", which is in no buffer the hypervisor added (MTU %" PRIu32 ")",
                   n, dst, v->mtu);
        else if (b->owner != OWNER_PARTITION)
            REPORT(m, "V10", msg->cycle,
                   "partition copied %" PRIu64 " bytes into buffer %u of index %u, which the "
                   "hypervisor owns",
                   n, b->id, b->index);
        if (call && call->ncopies < MAX_CALL_COPIES)
            call->copies[call->ncopies++] = (struct copy){dst, n};
        else if (!call)
            copy_add(v, dst, n);
    } else if (msg->dir == 1) {
        struct vbuf *b = NULL;
        for (size_t i = 0; i < v->nbufs && !b; i++)
            if (v->bufs[i].copy_pending && src >= v->bufs[i].lioba &&
                src - v->bufs[i].lioba + n <= v->bufs[i].sig_len)
                b = &v->bufs[i];
        if (!b)
            REPORT(m, "V10", msg->cycle,
                   "partition copied %" PRIu64 " bytes from hypervisor I/O address %#" PRIx64
                   ", which is not within a buffer the hypervisor has just signalled",
                   n, src);
        else
            b->copy_pending = 0;
    }
}

static void on_hv_send_failed(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 24)
        return;
    int64_t rc = (int64_t)crq_be64(msg->payload);
    const uint8_t *e = msg->payload + 8;
    commit_sends(m, msg->cycle);
    if (e[0] == CRQ_HDR_INIT) { /* the hypervisor side is up again */
        m->partner_gone = 0;
        m->partner_dereg = 0;
    }
    int closed = !m->registered || m->migrated;
    CHECKED(m, R_C4);
    if (rc == H_CLOSED) {
        if (!closed)
            REPORT(m, "C4", msg->cycle,
                   "hypervisor's send (header 0x%02x) failed with H_CLOSED, but the partition's "
                   "queue is registered and enabled",
                   e[0]);
    } else if (rc == H_DROPPED) {
        if (closed)
            REPORT(m, "C4", msg->cycle,
                   "hypervisor's send (header 0x%02x) failed with H_DROPPED, but no enabled "
                   "queue is registered: expected H_CLOSED",
                   e[0]);
        else if (!slot_busy(m, m->next_slot))
            REPORT(m, "C4", msg->cycle,
                   "hypervisor's send (header 0x%02x) failed with H_DROPPED, but slot %" PRIu32
                   ", the next in ring order, is free",
                   e[0], m->next_slot);
    } else {
        REPORT(m, "C4", msg->cycle,
               "hypervisor's send (header 0x%02x) failed with %s (%" PRId64
               "); only H_CLOSED and H_DROPPED are defined",
               e[0], rc_name(rc), rc);
    }
}

/* ---- class ---------------------------------------------------------------------------- */

static void *mon_create(struct cs_monitor_ctx *ctx, const char *channel_name)
{
    struct mon *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->ctx = ctx;
    for (const char *s = channel_name; s && s[0] && s[1] && s[2]; s++)
        if (tolower((unsigned char)s[0]) == 'v' && tolower((unsigned char)s[1]) == 'm' &&
            tolower((unsigned char)s[2]) == 'c')
            m->vmc.active = 1;
    return m;
}

static void mon_on_msg(void *p, const struct cs_mon_msg *msg)
{
    struct mon *m = p;
    switch (msg->kind) {
    case CRQ_K_HCALL:
        on_hcall(m, msg);
        break;
    case CRQ_K_HCALL_RET:
        on_ret(m, msg);
        break;
    case CRQ_K_ELEMENT:
        on_element(m, msg);
        break;
    case CRQ_K_IRQ:
        on_irq(m, msg);
        break;
    case CRQ_K_CONSUMED:
        on_consumed(m, msg);
        break;
    case CRQ_K_RDMA:
        on_rdma(m, msg);
        break;
    case CRQ_K_HV_SEND_FAILED:
        on_hv_send_failed(m, msg);
        break;
    default: /* CRQ_K_QUEUE_STATE: the model's own view, the monitor rebuilds it from hcalls */
        break;
    }
}

static int overdue(uint64_t since, uint64_t now)
{
    return now >= since && now - since >= CRQ_MON_OVERDUE_CYCLES;
}

static void mon_finish(void *p, uint64_t cycle)
{
    struct mon *m = p;
    struct vmc *v = &m->vmc;
    if (m->irq_owed)
        CHECKED(m, R_C8);
    if (m->irq_owed && overdue(m->irq_owed_cycle, cycle))
        REPORT(m, "C8", cycle,
               "element at slot %" PRIu32 " (cycle %" PRIu64 ") was written with interrupts "
               "enabled and never raised an interrupt",
               m->irq_owed_slot, m->irq_owed_cycle);
    if (!v->active)
        return;
    if (v->cap_pending)
        CHECKED(m, R_V2);
    if (v->cap_pending && overdue(v->cap_cycle, cycle))
        REPORT(m, "V2", cycle, "CAP sent at cycle %" PRIu64 " was never answered", v->cap_cycle);
    for (size_t i = 0; i < v->nbufs; i++) {
        if (v->bufs[i].resp_pending)
            CHECKED(m, R_V4);
        if (v->bufs[i].resp_pending && overdue(v->bufs[i].cycle, cycle))
            REPORT(m, "V4", cycle,
                   "ADD_BUF for buffer %u of index %u at cycle %" PRIu64
                   " never got an ADD_BUF_RESP",
                   v->bufs[i].id, v->bufs[i].index, v->bufs[i].cycle);
    }
    for (unsigned i = 0; i < 256; i++) {
        const struct hmc *h = &v->hmc[i];
        if (h->state == HMC_OPENING)
            CHECKED(m, R_V5);
        if (h->close_pending)
            CHECKED(m, R_V8);
        if (h->state == HMC_OPENING && overdue(h->open_cycle, cycle))
            REPORT(m, "V5", cycle, "OPEN for index %u at cycle %" PRIu64 " was never answered", i,
                   h->open_cycle);
        if (h->close_pending && overdue(h->close_cycle, cycle))
            REPORT(m, "V8", cycle, "CLOSE for index %u at cycle %" PRIu64 " was never answered", i,
                   h->close_cycle);
    }
}

static void mon_destroy(void *p)
{
    struct mon *m = p;
    free(m->written);
    free(m->fifo);
    free(m->vmc.bufs);
    free(m);
}

static void mon_coverage(void *p, cs_coverage_fn cb, void *ctx)
{
    const struct mon *m = p;
    for (int r = 0; r < NRULES; r++)
        cb(ctx, rule_ids[r], m->checks[r]);
}

const struct cs_monitor_class crq_monitor_class = {
    .family = "crq",
    .create = mon_create,
    .on_msg = mon_on_msg,
    .finish = mon_finish,
    .destroy = mon_destroy,
    .coverage = mon_coverage,
};
