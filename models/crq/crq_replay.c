/* CRQ replay engine (crq_replay.h). */
#include "crq_replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_trace.h"
#include "crq.h"
#include "crq_timing.h"
#include "crq_wire.h"

/* ---- recorded events -------------------------------------------------------------------- */

enum role { ROLE_IGNORED, ROLE_DUT, ROLE_PLAYER };

struct item {
    uint64_t cycle;
    uint8_t dir;
    uint16_t kind;
    uint32_t len;
    uint8_t *p;
    enum role role;
    uint64_t ord;             /* position among the items of its role */
    uint64_t after_dut;       /* player items: DUT items before it in the recording */
    uint64_t after_dut_cycle; /* ... and the cycle of the last of them */
};

#define CONTEXT 6

struct crq_replay {
    struct crq_replay_opts opts;
    char dir[1024];
    cs_trace_reader *rd;
    int channel; /* in the trace, -1 until bound */
    char channel_name[64];
    int eof;
    /* look-ahead: items [base, base + n) by absolute index */
    struct item *q;
    size_t cap, n;
    uint64_t base;
    uint64_t total_dut, total_player; /* counted while reading */
    uint64_t last_dut_cycle;
    /* progress */
    uint64_t next_dut;     /* absolute index of the next DUT item to compare */
    uint64_t next_player;  /* absolute index of the next player item to release */
    uint64_t matched_dut;  /* DUT items matched so far */
    uint64_t *match_cycle; /* cycle at which DUT item k was matched (ring of 1024) */
    int pending;           /* a release is scheduled */
    int busy;              /* inside a release or an answered hcall: decide afterwards */
    /* the run */
    struct cs_domain *dom;
    struct cs_machine *m;
    uint16_t tap_channel;
    unsigned irq;
    uint32_t unit;
    uint64_t queue_base, queue_len;
    uint32_t oldest, outstanding; /* firmware mode: slots written and not yet seen consumed */
    uint32_t *to_clear;           /* guest mode: slots the recorded partition consumes next */
    size_t nclear, clear_cap;
    struct crq_costs costs;
    struct crq_facility *f; /* guest mode: the model under test */
    struct crq_adapter *a;
    int bound;
    struct crq_replay_result res;
    char context[CONTEXT][200];
    unsigned ctx_n;
};

static struct crq_replay *active;

struct crq_replay *crq_replay_active(void)
{
    return active;
}

enum crq_replay_mode crq_replay_mode(const struct crq_replay *r)
{
    return r->opts.mode;
}

static enum role role_of(const struct crq_replay *r, uint8_t dir, uint16_t kind)
{
    int fw = r->opts.mode == CRQ_REPLAY_FIRMWARE;
    switch (kind) {
    case CRQ_K_HCALL:
        return fw ? ROLE_DUT : ROLE_PLAYER;
    case CRQ_K_RDMA:
        if (dir == CS_TAP_TO_FW) /* the partition's bytes */
            return fw ? ROLE_DUT : ROLE_PLAYER;
        return fw ? ROLE_PLAYER : ROLE_DUT;
    case CRQ_K_HCALL_RET:
    case CRQ_K_ELEMENT:
    case CRQ_K_IRQ:
        return fw ? ROLE_PLAYER : ROLE_DUT;
    case CRQ_K_HV_SEND_FAILED:
    case CRQ_K_QUEUE_STATE:
        return fw ? ROLE_IGNORED : ROLE_DUT;
    default: /* CONSUMED: when the hypervisor noticed, not what either side did */
        return ROLE_IGNORED;
    }
}

/* Read until item `idx` is in the look-ahead; NULL when the recording ends before it. */
static struct item *get(struct crq_replay *r, uint64_t idx)
{
    while (idx >= r->base + r->n && !r->eof) {
        struct cs_trace_event ev;
        cs_error err = {0};
        int got = cs_trace_reader_next(r->rd, &ev, &err);
        if (got <= 0) {
            r->eof = 1;
            if (got < 0 && !r->res.diverged) {
                r->res.diverged = 1;
                snprintf(r->res.text, sizeof(r->res.text), "the recording is unreadable: %s",
                         err.msg);
            }
            break;
        }
        if (ev.type != CS_TRACE_MSG || ev.channel != r->channel)
            continue;
        enum role role = role_of(r, ev.dir, ev.kind);
        if (role == ROLE_IGNORED)
            continue;
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 256;
            r->q = realloc(r->q, r->cap * sizeof(*r->q));
            if (!r->q)
                abort();
        }
        struct item *it = &r->q[r->n++];
        it->cycle = ev.cycles;
        it->dir = ev.dir;
        it->kind = ev.kind;
        it->len = ev.len;
        it->p = malloc(ev.len ? ev.len : 1);
        if (!it->p)
            abort();
        memcpy(it->p, ev.payload, ev.len);
        it->role = role;
        if (role == ROLE_DUT) {
            it->ord = r->total_dut++;
            r->last_dut_cycle = ev.cycles;
        } else {
            it->ord = r->total_player++;
            it->after_dut = r->total_dut;
            it->after_dut_cycle = r->last_dut_cycle;
        }
    }
    return idx < r->base + r->n ? &r->q[idx - r->base] : NULL;
}

/* Drop what both sides have passed. */
static void trim(struct crq_replay *r)
{
    uint64_t low = r->next_dut < r->next_player ? r->next_dut : r->next_player;
    size_t drop = 0;
    while (drop < r->n && r->base + drop < low)
        free(r->q[drop++].p);
    if (drop) {
        memmove(r->q, r->q + drop, (r->n - drop) * sizeof(*r->q));
        r->n -= drop;
        r->base += drop;
    }
}

static struct item *next_of(struct crq_replay *r, uint64_t *idx, enum role role)
{
    for (;;) {
        struct item *it = get(r, *idx);
        if (!it || it->role == role)
            return it;
        (*idx)++;
    }
}

/* ---- describing messages ------------------------------------------------------------------ */

static const char *hcall_name(uint64_t op)
{
    switch (op) {
    case H_REG_CRQ:
        return "H_REG_CRQ";
    case H_FREE_CRQ:
        return "H_FREE_CRQ";
    case H_VIO_SIGNAL:
        return "H_VIO_SIGNAL";
    case H_SEND_CRQ:
        return "H_SEND_CRQ";
    case H_COPY_RDMA:
        return "H_COPY_RDMA";
    case H_ENABLE_CRQ:
        return "H_ENABLE_CRQ";
    case H_REQUEST_VMC:
        return "H_REQUEST_VMC";
    default:
        return "hcall";
    }
}

static const char *vmc_name(uint8_t t)
{
    static const struct {
        uint8_t t;
        const char *n;
    } names[] = {{VMC_CAP, "CAP"},         {VMC_CAP_RESP, "CAP_RESP"},
                 {VMC_OPEN, "OPEN"},       {VMC_OPEN_RESP, "OPEN_RESP"},
                 {VMC_CLOSE, "CLOSE"},     {VMC_CLOSE_RESP, "CLOSE_RESP"},
                 {VMC_ADD_BUF, "ADD_BUF"}, {VMC_ADD_BUF_RESP, "ADD_BUF_RESP"},
                 {VMC_REM_BUF, "REM_BUF"}, {VMC_REM_BUF_RESP, "REM_BUF_RESP"},
                 {VMC_SIGNAL, "SIGNAL"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].t == t)
            return names[i].n;
    return "?";
}

static int describe_element(char *b, size_t len, const uint8_t *e)
{
    if (e[0] == CRQ_HDR_INIT)
        return snprintf(b, len, "%s", e[1] == CRQ_INIT ? "INIT" : "INIT COMPLETE");
    if (e[0] == CRQ_HDR_EVENT)
        return snprintf(b, len, "transport event 0x%02x", e[1]);
    if (e[0] == CRQ_HDR_PAYLOAD)
        return snprintf(b, len, "VMC %s status %u session %u index %u buffer %u var3 0x%x",
                        vmc_name(e[1]), e[2], e[4], e[5], crq_be16(e + 6), crq_be32(e + 12));
    return snprintf(b, len, "header 0x%02x", e[0]);
}

void crq_describe(char *b, size_t len, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t n)
{
    const char *d = dir == CS_TAP_TO_FW      ? "to_firmware"
                    : dir == CS_TAP_TO_GUEST ? "to_guest"
                                             : "internal";
    int k = 0;
    switch (kind) {
    case CRQ_K_HCALL:
        if (n >= 8) {
            k = snprintf(b, len, "%s %s(", d, hcall_name(crq_be64(p)));
            for (uint32_t i = 8; i + 8 <= n && (size_t)k < len; i += 8)
                k += snprintf(b + k, len - (size_t)k, "%s0x%" PRIx64, i > 8 ? ", " : "",
                              crq_be64(p + i));
            if ((size_t)k < len)
                k += snprintf(b + k, len - (size_t)k, ")");
            if (n == 32 && crq_be64(p) == H_SEND_CRQ && (size_t)k < len) {
                uint8_t e[16];
                crq_put64(e, crq_be64(p + 16));
                crq_put64(e + 8, crq_be64(p + 24));
                k += snprintf(b + k, len - (size_t)k, " = ");
                if ((size_t)k < len)
                    describe_element(b + k, len - (size_t)k, e);
            }
            return;
        }
        break;
    case CRQ_K_HCALL_RET:
        if (n >= 16) {
            snprintf(b, len, "%s %s returns %" PRId64, d, hcall_name(crq_be64(p)),
                     (int64_t)crq_be64(p + 8));
            return;
        }
        break;
    case CRQ_K_ELEMENT:
        if (n >= 24) {
            k = snprintf(b, len, "%s element in slot %u: ", d, crq_be32(p));
            if ((size_t)k < len)
                describe_element(b + k, len - (size_t)k, p + 8);
            return;
        }
        break;
    case CRQ_K_IRQ:
        snprintf(b, len, "%s interrupt", d);
        return;
    case CRQ_K_RDMA:
        if (n >= 32) {
            snprintf(b, len,
                     "%s copy of %u bytes, liobn 0x%" PRIx64 " ioba 0x%" PRIx64
                     " -> liobn 0x%" PRIx64 " ioba 0x%" PRIx64,
                     d, n - 32, crq_be64(p), crq_be64(p + 8), crq_be64(p + 16), crq_be64(p + 24));
            return;
        }
        break;
    case CRQ_K_HV_SEND_FAILED:
        if (n >= 24) {
            k = snprintf(b, len, "%s hypervisor send failed (%" PRId64 "): ", d,
                         (int64_t)crq_be64(p));
            if ((size_t)k < len)
                describe_element(b + k, len - (size_t)k, p + 8);
            return;
        }
        break;
    case CRQ_K_QUEUE_STATE:
        snprintf(b, len, "%s queue state %u", d, n >= 4 ? crq_be32(p) : 0);
        return;
    }
    snprintf(b, len, "%s kind %u, %u bytes", d, kind, n);
}

/* ---- comparing -------------------------------------------------------------------------- */

static void note_context(struct crq_replay *r, uint64_t cycle, const char *text)
{
    snprintf(r->context[r->ctx_n++ % CONTEXT], sizeof(r->context[0]), "cycle %" PRIu64 ": %.160s",
             cycle, text);
}

static void hexdump(char *b, size_t len, const uint8_t *p, uint32_t n)
{
    size_t k = 0;
    for (uint32_t i = 0; i < n && i < 48 && k + 3 < len; i++)
        k += (size_t)snprintf(b + k, len - k, "%02x", p[i]);
    if (n > 48 && k + 4 < len)
        snprintf(b + k, len - k, "...");
}

static void diverge(struct crq_replay *r, uint64_t cycle, const struct item *want, uint8_t dir,
                    uint16_t kind, const uint8_t *p, uint32_t n, const char *why)
{
    if (r->res.diverged)
        return;
    r->res.diverged = 1;
    r->res.at_cycle = cycle;
    char a[600] = "(nothing)", b[600] = "(nothing: the recording ends here)", ha[120] = "",
         hb[120] = "";
    if (p) {
        crq_describe(a, sizeof(a), dir, kind, p, n);
        hexdump(ha, sizeof(ha), p, n);
    }
    if (want) {
        crq_describe(b, sizeof(b), want->dir, want->kind, want->p, want->len);
        hexdump(hb, sizeof(hb), want->p, want->len);
    }
    int k =
        snprintf(r->res.text, sizeof(r->res.text),
                 "first divergence on channel %s at cycle %" PRIu64 " (recorded at %" PRIu64
                 "), after %" PRIu64 " matching messages: %s\n"
                 "  recorded: %s\n            %s\n  replayed: %s\n            %s\n"
                 "  what led there:\n",
                 r->channel_name, cycle, want ? want->cycle : 0, r->res.matched, why, b, hb, a, ha);
    unsigned first = r->ctx_n > CONTEXT ? r->ctx_n - CONTEXT : 0;
    for (unsigned i = first; i < r->ctx_n && k > 0 && (size_t)k < sizeof(r->res.text); i++)
        k += snprintf(r->res.text + k, sizeof(r->res.text) - (size_t)k, "    %s\n",
                      r->context[i % CONTEXT]);
}

/* Bytes 8..11 of a VMC SIGNAL are reserved and ibmvmc leaves them uninitialised (stack
 * contents, which differ between builds): no replay compares them. In an H_SEND_CRQ record
 * they are the high half of word 2. */
static int undefined_byte(const struct item *it, uint32_t i)
{
    return it->kind == CRQ_K_HCALL && it->len >= 32 && crq_be64(it->p) == H_SEND_CRQ &&
           it->p[16] == CRQ_HDR_PAYLOAD && it->p[17] == VMC_SIGNAL && i >= 24 && i < 28;
}

/* Bytes that hold addresses, when the user declared them volatile. */
static int address_byte(const struct item *it, uint32_t i)
{
    if (it->kind == CRQ_K_HCALL && it->len >= 8) {
        uint64_t op = crq_be64(it->p);
        uint32_t arg = i >= 8 ? (i - 8) / 8 : 99;
        return (op == H_REG_CRQ && arg == 1) || (op == H_COPY_RDMA && (arg == 2 || arg == 4));
    }
    if (it->kind == CRQ_K_RDMA)
        return (i >= 8 && i < 16) || (i >= 24 && i < 32);
    return 0;
}

static void schedule_release(struct crq_replay *r);

/* A message the unit under test just produced: is it the recorded one? */
static void compare(struct crq_replay *r, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t n)
{
    if (r->res.diverged)
        return;
    uint64_t cycle = cs_sched_now(r->m->sched);
    struct item *want = next_of(r, &r->next_dut, ROLE_DUT);
    const char *why = NULL;
    if (!want)
        why = "the run produced a message the recording does not have";
    else if (want->kind != kind || want->dir != dir)
        why = "another kind of message";
    else if (want->len != n)
        why = "another length";
    else {
        for (uint32_t i = 0; i < n && !why; i++)
            if (want->p[i] != p[i] && !undefined_byte(want, i) &&
                !(r->opts.volatile_addresses && address_byte(want, i)))
                why = "other content";
        uint64_t dt = cycle > want->cycle ? cycle - want->cycle : want->cycle - cycle;
        uint64_t tol = cs_machine_ns_to_cycles(r->m, r->opts.time_tolerance_ns);
        if (!why && dt > tol)
            why = "at another time";
    }
    if (why) {
        diverge(r, cycle, want, dir, kind, p, n, why);
        return;
    }
    char text[200];
    crq_describe(text, sizeof(text), dir, kind, p, n);
    note_context(r, cycle, text);
    r->match_cycle[want->ord % 1024] = cycle;
    r->matched_dut = want->ord + 1;
    r->res.matched++;
    r->next_dut++;
    trim(r);
    schedule_release(r);
}

/* ---- releasing the recorded side -------------------------------------------------------- */

static void raise_low(void *arg)
{
    struct crq_replay *r = arg;
    cs_irq_set_level(&r->dom->irqs, r->irq, 0);
}

static void tap(struct crq_replay *r, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t n)
{
    cs_tap_msg(&r->m->tap, r->tap_channel, (enum cs_tap_dir)dir, kind, p, n);
}

/* Firmware mode: an element or interrupt of the recorded hypervisor. */
static void release_firmware(struct crq_replay *r, const struct item *it)
{
    if (it->kind == CRQ_K_ELEMENT && it->len >= 24) {
        uint32_t slot = crq_be32(it->p);
        uint8_t *s =
            r->queue_base ? cs_gmem_ptr(&r->dom->mem, r->queue_base + 16ull * slot, 16) : NULL;
        if (!s || slot * 16ull >= r->queue_len) {
            diverge(r, cs_sched_now(r->m->sched), it, 0, 0, NULL, 0,
                    "the driver has no queue registered where the recording had one");
            return;
        }
        /* as the facility does: note the slots the driver handed back, in ring order */
        uint32_t entries = (uint32_t)(r->queue_len / 16);
        while (r->outstanding && entries) {
            uint8_t *o = cs_gmem_ptr(&r->dom->mem, r->queue_base + 16ull * r->oldest, 16);
            if (!o || __atomic_load_n(&o[0], __ATOMIC_ACQUIRE))
                break;
            uint8_t b[4];
            crq_put32(b, r->oldest);
            tap(r, CS_TAP_TO_FW, CRQ_K_CONSUMED, b, sizeof(b));
            r->oldest = (r->oldest + 1) % entries;
            r->outstanding--;
        }
        if (s[0]) {
            diverge(r, cs_sched_now(r->m->sched), it, 0, 0, NULL, 0,
                    "the driver has not consumed this slot yet");
            return;
        }
        r->outstanding++;
        memcpy(s + 1, it->p + 9, 15);
        __atomic_store_n(&s[0], it->p[8], __ATOMIC_RELEASE);
        tap(r, it->dir, it->kind, it->p, it->len);
    } else if (it->kind == CRQ_K_IRQ) {
        tap(r, it->dir, it->kind, it->p, it->len);
        cs_irq_set_level(&r->dom->irqs, r->irq, 1);
        cs_sched_after(r->m->sched, 1, raise_low, r);
    }
}

/* Guest mode: an hcall of the recorded partition, with the bytes it offered for a copy. */
static void release_guest(struct crq_replay *r, struct item *it)
{
    if (it->kind != CRQ_K_HCALL || it->len < 8)
        return;
    unsigned long args[9] = {0};
    unsigned nargs = (it->len - 8) / 8;
    for (unsigned i = 0; i < nargs && i < 9; i++)
        args[i] = crq_be64(it->p + 8 + 8 * i);
    uint64_t op = crq_be64(it->p);
    if (op == H_COPY_RDMA) {
        /* the partition's bytes are in the recording right after the call (the release has
         * already moved past the call itself) */
        uint64_t idx = r->next_player;
        struct item *data = next_of(r, &idx, ROLE_PLAYER);
        if (data && data->kind == CRQ_K_RDMA && data->dir == CS_TAP_TO_FW && data->len >= 32) {
            uint8_t *src = cs_gmem_ptr(&r->dom->mem, args[2], data->len - 32);
            if (src)
                memcpy(src, data->p + 32, data->len - 32);
        }
    }
    unsigned long rets[9] = {0};
    uint64_t cost;
    crq_hcall(r->f, op, args, nargs > 9 ? 9 : nargs, rets, &cost);
}

/* When the next recorded event may happen: 0 and *at set, or -1 when it waits for a call of
 * the unit under test or for its cause. */
static int due(struct crq_replay *r, struct item *it, uint64_t *at)
{
    if (r->opts.mode == CRQ_REPLAY_FIRMWARE &&
        (it->kind == CRQ_K_HCALL_RET || it->kind == CRQ_K_RDMA))
        return -1; /* answered inside the driver's hcall */
    if (it->after_dut > r->matched_dut)
        return -1; /* its cause has not happened yet */
    if (it->after_dut == 0)
        *at = it->cycle;
    else
        *at = r->match_cycle[(it->after_dut - 1) % 1024] + (it->cycle - it->after_dut_cycle);
    return 0;
}

/* Everything recorded for this cycle goes out in one activation, as the hypervisor's pump
 * sent it: an interrupt raised here is handled only after the batch. */
static void release(void *arg)
{
    struct crq_replay *r = arg;
    r->pending = 0;
    r->busy = 1;
    uint64_t now = cs_sched_now(r->m->sched), at;
    struct item *it;
    while (!r->res.diverged && (it = next_of(r, &r->next_player, ROLE_PLAYER)) &&
           due(r, it, &at) == 0 && at <= now) {
        r->next_player++;
        r->res.released++;
        /* reading ahead may move the look-ahead: keep what is needed of the item */
        int copy = it->kind == CRQ_K_HCALL && it->len >= 8 && crq_be64(it->p) == H_COPY_RDMA;
        if (r->opts.mode == CRQ_REPLAY_FIRMWARE) {
            release_firmware(r, it);
        } else {
            release_guest(r, it);
            if (copy) {
                /* its data item was used up by the call */
                struct item *d = next_of(r, &r->next_player, ROLE_PLAYER);
                if (d && d->kind == CRQ_K_RDMA && d->dir == CS_TAP_TO_FW)
                    r->next_player++;
            }
        }
        trim(r);
    }
    r->busy = 0;
    schedule_release(r);
}

/* Release the next recorded event when its cause has been matched, after the same gap. Items
 * that happen inside a call of the unit under test (returns, copies) wait for that call. */
static void schedule_release(struct crq_replay *r)
{
    if (r->pending || r->busy || r->res.diverged || !r->bound)
        return;
    struct item *it = next_of(r, &r->next_player, ROLE_PLAYER);
    uint64_t at;
    if (!it || due(r, it, &at) < 0)
        return;
    uint64_t now = cs_sched_now(r->m->sched);
    r->pending = 1;
    cs_sched_after(r->m->sched, at > now ? at - now : 0, release, r);
}

/* ---- firmware mode: the recorded hypervisor answers the driver's hcalls ------------------ */

long crq_replay_hcall(void *ctx, unsigned long opcode, const unsigned long *args, unsigned nargs,
                      unsigned long *rets, uint64_t *cost_ns)
{
    struct crq_replay *r = ctx;
    uint8_t rec[8 * 10];
    unsigned n = nargs > 9 ? 9 : nargs;
    int was_busy = r->busy;
    r->busy = 1;
    /* the facility records as many arguments as the hcall has */
    static const struct {
        unsigned long op;
        unsigned n;
    } arity[] = {{H_REG_CRQ, 3},   {H_FREE_CRQ, 1},   {H_VIO_SIGNAL, 2}, {H_SEND_CRQ, 3},
                 {H_COPY_RDMA, 5}, {H_ENABLE_CRQ, 1}, {H_REQUEST_VMC, 0}};
    for (size_t i = 0; i < sizeof(arity) / sizeof(arity[0]); i++)
        if (arity[i].op == opcode && arity[i].n < n)
            n = arity[i].n;
    crq_put64(rec, opcode);
    for (unsigned i = 0; i < n; i++)
        crq_put64(rec + 8 + 8 * i, args[i]);
    tap(r, CS_TAP_TO_FW, CRQ_K_HCALL, rec, 8 + 8 * n);
    compare(r, CS_TAP_TO_FW, CRQ_K_HCALL, rec, 8 + 8 * n);
    if (opcode == H_REG_CRQ && nargs >= 3) {
        r->queue_base = args[1];
        r->queue_len = args[2];
        r->oldest = r->outstanding = 0;
    } else if (opcode == H_FREE_CRQ) {
        r->queue_base = 0;
    }
    if (opcode == H_COPY_RDMA && nargs >= 5) {
        /* the partition's bytes going out are compared; the hypervisor's coming in are
         * written where this run's driver wants them */
        uint8_t *src = cs_gmem_ptr(&r->dom->mem, args[2], args[0]);
        struct item *data = next_of(r, &r->next_player, ROLE_PLAYER);
        if (data && data->kind == CRQ_K_RDMA && data->dir == CS_TAP_TO_GUEST && data->len >= 32) {
            uint8_t *dst = cs_gmem_ptr(&r->dom->mem, args[4], data->len - 32);
            if (dst)
                memcpy(dst, data->p + 32, data->len - 32);
            r->next_player++;
            r->res.released++;
            tap(r, data->dir, data->kind, data->p, data->len);
        } else if (src) {
            uint8_t *out = malloc(32 + args[0]);
            if (!out)
                abort();
            crq_put64(out, args[1]);
            crq_put64(out + 8, args[2]);
            crq_put64(out + 16, args[3]);
            crq_put64(out + 24, args[4]);
            memcpy(out + 32, src, args[0]);
            tap(r, CS_TAP_TO_FW, CRQ_K_RDMA, out, (uint32_t)(32 + args[0]));
            compare(r, CS_TAP_TO_FW, CRQ_K_RDMA, out, (uint32_t)(32 + args[0]));
            free(out);
        }
    }
    long rc = H_HARDWARE;
    struct item *ret = next_of(r, &r->next_player, ROLE_PLAYER);
    if (ret && ret->kind == CRQ_K_HCALL_RET && ret->len >= 16 && crq_be64(ret->p) == opcode) {
        rc = (long)crq_be64(ret->p + 8);
        if (ret->len >= 24 && rets)
            rets[0] = crq_be64(ret->p + 16);
        r->next_player++;
        r->res.released++;
        tap(r, ret->dir, ret->kind, ret->p, ret->len);
    } else if (!r->res.diverged) {
        diverge(r, cs_sched_now(r->m->sched), ret, CS_TAP_TO_FW, CRQ_K_HCALL, rec, 8 + 8 * n,
                "the recorded hypervisor has no answer to this hcall here");
    }
    /* the recorded hypervisor took the calibrated time, as the model did */
    *cost_ns = cs_machine_cycles_to_ns(r->m, crq_hcall_cost(&r->costs, opcode, args, nargs));
    trim(r);
    r->busy = was_busy;
    schedule_release(r);
    return rc;
}

/* ---- guest mode: the model's answers are compared as they are tapped ------------------- */

static void guest_observer(void *ctx, const struct cs_tap_msg *m)
{
    struct crq_replay *r = ctx;
    if (m->channel != r->tap_channel)
        return;
    if (role_of(r, m->dir, m->kind) != ROLE_DUT)
        return;
    compare(r, m->dir, m->kind, m->payload, m->len);
}

static void clear_slots(void *ctx)
{
    struct crq_replay *r = ctx;
    for (size_t i = 0; i < r->nclear; i++) {
        uint64_t at = r->queue_base + 16ull * r->to_clear[i];
        uint8_t *s = r->queue_base ? cs_gmem_ptr(&r->dom->mem, at, 16) : NULL;
        if (s)
            s[0] = 0;
    }
    r->nclear = 0;
}

/* The recorded partition's consumer: slots are handed back one cycle after the element landed.
 * A real driver hears of it through the interrupt and cannot clear the slot while the hypervisor
 * still works on the queue in that cycle (its fullness check and next send; on the RTL engine
 * the engine's thread reads the ring in a later delta cycle of it). */
static void consume_all(void *ctx, const struct cs_tap_msg *m)
{
    struct crq_replay *r = ctx;
    if (m->channel != r->tap_channel || m->kind != CRQ_K_ELEMENT || m->len < 24)
        return;
    if (r->nclear == r->clear_cap) {
        r->clear_cap = r->clear_cap ? 2 * r->clear_cap : 16;
        r->to_clear = realloc(r->to_clear, r->clear_cap * sizeof(*r->to_clear));
        if (!r->to_clear)
            abort();
    }
    r->to_clear[r->nclear++] = crq_be32(m->payload);
    if (r->nclear == 1)
        cs_sched_after(r->m->sched, 1, clear_slots, r);
}

static void guest_hcall_observer(void *ctx, const struct cs_tap_msg *m)
{
    struct crq_replay *r = ctx;
    if (m->channel != r->tap_channel || m->kind != CRQ_K_HCALL || m->len < 8)
        return;
    if (crq_be64(m->payload) == H_REG_CRQ && m->len >= 32) {
        r->queue_base = crq_be64(m->payload + 16);
        r->queue_len = crq_be64(m->payload + 24);
    }
}

/* ---- lifetime ----------------------------------------------------------------------------- */

int crq_replay_open(const char *trace_dir, const struct crq_replay_opts *opts,
                    struct crq_replay **out, cs_error *err)
{
    struct crq_replay *r = calloc(1, sizeof(*r));
    if (!r)
        abort();
    r->opts = *opts;
    r->channel = -1;
    snprintf(r->dir, sizeof(r->dir), "%s", trace_dir);
    r->match_cycle = calloc(1024, sizeof(uint64_t));
    if (!r->match_cycle)
        abort();
    if (cs_trace_reader_open(&r->rd, trace_dir, err) < 0) {
        free(r->match_cycle);
        free(r);
        return -1;
    }
    size_t crq = 0;
    for (size_t i = 0; i < cs_trace_reader_channels(r->rd); i++)
        if (strcmp(cs_trace_reader_channel_family(r->rd, i), "crq") == 0)
            crq++;
    if (crq != 1) {
        cs_error_set(err, "%s: replay needs exactly one channel of family crq, the trace has %zu",
                     trace_dir, crq);
        crq_replay_close(r);
        return -1;
    }
    active = r;
    *out = r;
    return 0;
}

static int bind_common(struct crq_replay *r, struct cs_domain *dom, const char *name, cs_error *err)
{
    for (size_t i = 0; i < cs_trace_reader_channels(r->rd); i++)
        if (strcmp(cs_trace_reader_channel_name(r->rd, i), name) == 0 &&
            strcmp(cs_trace_reader_channel_family(r->rd, i), "crq") == 0)
            r->channel = (int)i;
    if (r->channel < 0)
        return cs_error_set(err, "%s: the trace has no channel '%s' for this platform's device",
                            r->dir, name);
    snprintf(r->channel_name, sizeof(r->channel_name), "%s", name);
    r->dom = dom;
    r->m = dom->machine;
    return crq_costs_load(&r->costs, dom, err);
}

int crq_replay_bind_firmware(struct crq_replay *r, struct cs_domain *dom, const char *name,
                             uint32_t unit, unsigned irq, cs_error *err)
{
    if (bind_common(r, dom, name, err) < 0)
        return -1;
    if (cs_tap_add_channel(&r->m->tap, name, "crq", &r->tap_channel, err) < 0)
        return -1;
    r->unit = unit;
    r->irq = irq;
    r->bound = 1;
    schedule_release(r);
    return 0;
}

int crq_replay_bind_guest(struct crq_replay *r, struct cs_domain *dom, const char *name,
                          struct crq_facility *f, struct crq_adapter *a, cs_error *err)
{
    if (bind_common(r, dom, name, err) < 0)
        return -1;
    r->f = f;
    r->a = a;
    /* the adapter's channel is the last one added */
    r->tap_channel = (uint16_t)(r->m->tap.nchannels - 1);
    if (cs_tap_observe(&r->m->tap, (struct cs_tap_observer){guest_hcall_observer, r}, err) < 0 ||
        cs_tap_observe(&r->m->tap, (struct cs_tap_observer){guest_observer, r}, err) < 0 ||
        cs_tap_observe(&r->m->tap, (struct cs_tap_observer){consume_all, r}, err) < 0)
        return -1;
    r->bound = 1;
    schedule_release(r);
    return 0;
}

void crq_replay_finish(struct crq_replay *r, struct crq_replay_result *res)
{
    if (!r->bound && !r->res.diverged) {
        r->res.diverged = 1;
        snprintf(r->res.text, sizeof(r->res.text),
                 "the platform has no device for the trace's channel");
    }
    if (!r->res.diverged) {
        struct item *left = next_of(r, &r->next_dut, ROLE_DUT);
        if (left)
            diverge(r, cs_sched_now(r->m->sched), left, 0, 0, NULL, 0,
                    "the run stopped before producing this");
    }
    if (!r->res.diverged) {
        struct item *left = next_of(r, &r->next_player, ROLE_PLAYER);
        if (left)
            diverge(r, cs_sched_now(r->m->sched), left, 0, 0, NULL, 0,
                    "the recording continues, but nothing in the run caused it");
    }
    *res = r->res;
}

void crq_replay_close(struct crq_replay *r)
{
    if (!r)
        return;
    if (active == r)
        active = NULL;
    for (size_t i = 0; i < r->n; i++)
        free(r->q[i].p);
    free(r->q);
    free(r->match_cycle);
    free(r->to_clear);
    cs_trace_reader_close(r->rd);
    free(r);
}
