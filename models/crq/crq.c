/* The CRQ facility: queue mechanics of crq-vmc.md §1.2-1.5, hcall return codes of §1.3. */
#include "crq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_exec.h"
#include "cs_machine.h"
#include "crq_engine_model.h"
#include "crq_timing.h"

#define CRQ_MAX_QUEUE (256u << 20) /* 256 MiB, as QEMU's limit */
#define CRQ_MAX_RDMA  (16u << 20)

/* The queue mechanics of one adapter: the hcall layer decides (state, argument checks), these
 * touch the partition's ring. One implementation in plain C, one driving the RTL engine. */
struct crq_queue_ops {
    int (*attach)(struct crq_adapter *a, cs_error *err);
    void (*detach)(struct crq_adapter *a);
    void (*reg)(struct crq_adapter *a); /* base and entries are set */
    void (*unreg)(struct crq_adapter *a);
    void (*irq_enable)(struct crq_adapter *a, int on);
    void (*enable)(struct crq_adapter *a); /* H_ENABLE_CRQ after a migration */
    long (*send)(struct crq_adapter *a, const uint8_t elem[16]); /* queue registered */
    void (*post)(struct crq_adapter *a);            /* a->post: land it, then post_landed() */
    void (*land)(struct crq_adapter *a);            /* the posted element becomes visible */
    uint32_t (*outstanding)(struct crq_adapter *a); /* after a reclaim pass */
};

/* The element of crq_post() between hand-over and landing. */
struct crq_post {
    int active;
    uint8_t elem[16];
    uint32_t slot;
    long rc;
    unsigned irqs; /* interrupts the write raised, delivered after the element's record */
    uint64_t gen;  /* the queue registration it was posted to, see reg_gen */
    crq_sent_fn done;
    void *ctx;
};

struct crq_adapter {
    struct crq_facility *f;
    char name[64];
    uint32_t unit;
    uint16_t channel;
    unsigned irq;
    uint64_t local_liobn, remote_liobn;
    const struct crq_endpoint_ops *ops;
    void *ctx;
    enum crq_queue_state state;
    uint64_t base; /* guest-physical address of the queue */
    uint32_t entries, next, oldest, outstanding;
    int irq_enabled;
    const struct crq_queue_ops *q;
    struct crq_rtl *rtl;
    unsigned rtl_irqs;  /* engine interrupts not yet delivered, see rtl_send() */
    uint64_t op_cycles; /* what the last crq_send() cost the queue, see crq_send_cycles() */
    /* The cycle from which the queue side is free again: the hypervisor works on one queue
     * operation at a time. The RTL engine's own clock, plus rtl_off. */
    uint64_t q_free;
    struct crq_post post;
    uint64_t reg_gen; /* counts H_FREE_CRQ: a posted element outlived by its queue is void */
    /* Consumed slots found while an element is posted: recorded when it lands, as the C model
     * and the engine find them at different moments within the operation. */
    int holding;
    uint32_t *held;
    size_t nheld, held_cap;
    /* The engine's clock in platform cycles is crq_rtl_cycle() + rtl_off. */
    int64_t rtl_off;
    cs_thread *rtl_thread;
    cs_event *rtl_wake;
    int rtl_waiting;       /* a posted element waits for the engine's response */
    uint64_t rtl_cmd_from; /* engine cycle of the offer, to tell a stuck engine */
    enum crq_rtl_clock rtl_clock;
    /* Cycles the engine's thread runs before it waits for simulated time (temporal
     * decoupling, DESIGN.md §7). The default is below an enqueue's 13-21 cycles at the default
     * memory latency, so that a command crosses quantum boundaries as a longer one would. */
    uint32_t rtl_quantum;
};

struct crq_facility {
    struct cs_domain *dom;
    struct cs_machine *m;
    struct crq_adapter **adapters;
    size_t n;
    crq_dma_check_fn dma_check;
    void *dma_ctx;
    struct crq_costs costs;
    uint8_t *rec; /* H_COPY_RDMA record, reused: one copy per call is enough */
    size_t rec_cap;
};

static const struct crq_queue_ops c_queue, rtl_queue;

int crq_facility_create(struct cs_domain *dom, struct crq_facility **out, cs_error *err)
{
    struct crq_facility *f = calloc(1, sizeof(*f));
    if (!f)
        abort();
    f->dom = dom;
    f->m = dom->machine;
    if (crq_costs_load(&f->costs, dom, err) < 0) {
        free(f);
        return -1;
    }
    *out = f;
    return 0;
}

void crq_facility_set_dma_check(struct crq_facility *f, crq_dma_check_fn fn, void *ctx)
{
    f->dma_check = fn;
    f->dma_ctx = ctx;
}

struct cs_domain *crq_facility_domain(const struct crq_facility *f)
{
    return f->dom;
}

void crq_facility_free(struct crq_facility *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        if (f->adapters[i]->q->detach)
            f->adapters[i]->q->detach(f->adapters[i]);
        free(f->adapters[i]->held);
        free(f->adapters[i]);
    }
    free(f->adapters);
    free(f->rec);
    free(f);
}

int crq_adapter_add(struct crq_facility *f, const char *name, uint32_t unit, uint64_t local_liobn,
                    uint64_t remote_liobn, const struct crq_endpoint_ops *ops, void *ctx,
                    struct crq_adapter **out, cs_error *err)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->adapters[i]->unit == unit)
            return cs_error_set(err, "%s: unit address 0x%x is already used by %s", name, unit,
                                f->adapters[i]->name);
    struct crq_adapter *a = calloc(1, sizeof(*a));
    if (!a)
        abort();
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->f = f;
    a->unit = unit;
    a->local_liobn = local_liobn;
    a->remote_liobn = remote_liobn;
    a->ops = ops;
    a->ctx = ctx;
    a->q = &c_queue;
    a->rtl_clock = CRQ_RTL_CLOCK_CONTINUOUS;
    a->rtl_quantum = CRQ_RTL_QUANTUM_DEFAULT;
    if (cs_tap_add_channel(&f->m->tap, name, "crq", &a->channel, err) < 0) {
        free(a);
        return -1;
    }
    a->irq = cs_irq_alloc(&f->dom->irqs, name);
    f->adapters = realloc(f->adapters, (f->n + 1) * sizeof(*f->adapters));
    if (!f->adapters)
        abort();
    f->adapters[f->n++] = a;
    *out = a;
    return 0;
}

unsigned crq_adapter_irq(const struct crq_adapter *a)
{
    return a->irq;
}

uint32_t crq_adapter_unit(const struct crq_adapter *a)
{
    return a->unit;
}

enum crq_queue_state crq_adapter_state(const struct crq_adapter *a)
{
    return a->state;
}

uint32_t crq_adapter_entries(const struct crq_adapter *a)
{
    return a->state == CRQ_Q_FREE ? 0 : a->entries;
}

/* ---- the tap -------------------------------------------------------------------------- */

static void tap(struct crq_adapter *a, enum cs_tap_dir dir, enum crq_kind kind, const void *p,
                uint32_t len)
{
    cs_tap_msg(&a->f->m->tap, a->channel, dir, (uint16_t)kind, p, len);
}

static void tap_state(struct crq_adapter *a)
{
    uint8_t b[4];
    crq_put32(b, (uint32_t)a->state);
    tap(a, CS_TAP_INTERNAL, CRQ_K_QUEUE_STATE, b, sizeof(b));
}

/* ---- the partition's queue: plain C ------------------------------------------------------ */

static uint8_t *slot_ptr(struct crq_adapter *a, uint32_t slot)
{
    return cs_gmem_ptr(&a->f->dom->mem, a->base + (uint64_t)slot * 16, 16);
}

static void tap_consumed(struct crq_adapter *a, uint32_t slot)
{
    uint8_t b[4];
    crq_put32(b, slot);
    tap(a, CS_TAP_TO_FW, CRQ_K_CONSUMED, b, sizeof(b));
}

static void consumed(struct crq_adapter *a, uint32_t slot)
{
    if (!a->holding) {
        tap_consumed(a, slot);
        return;
    }
    if (a->nheld == a->held_cap) {
        a->held_cap = a->held_cap ? 2 * a->held_cap : 16;
        a->held = realloc(a->held, a->held_cap * sizeof(*a->held));
        if (!a->held)
            abort();
    }
    a->held[a->nheld++] = slot;
}

static uint64_t now(const struct crq_adapter *a)
{
    return cs_sched_now(a->f->m->sched);
}

static void tap_element(struct crq_adapter *a, uint32_t slot, const uint8_t *p)
{
    uint8_t b[24];
    crq_put32(b, slot);
    crq_put32(b + 4, a->entries);
    memcpy(b + 8, p, 16);
    tap(a, CS_TAP_TO_GUEST, CRQ_K_ELEMENT, b, sizeof(b));
}

static void irq_low(void *arg)
{
    struct crq_adapter *a = arg;
    cs_irq_set_level(&a->f->dom->irqs, a->irq, 0);
}

/* A pulse per element, as QEMU does: drivers rely on edge semantics (§1.3). */
static void irq_pulse(struct crq_adapter *a)
{
    uint8_t b[4];
    crq_put32(b, a->irq);
    tap(a, CS_TAP_TO_GUEST, CRQ_K_IRQ, b, 4);
    cs_irq_set_level(&a->f->dom->irqs, a->irq, 1);
    cs_sched_after(a->f->m->sched, 1, irq_low, a);
}

/* The consumer hands a slot back by clearing its header; the hypervisor notices when it next
 * looks, in ring order. Returns the slots looked at, each one header read for the costs. */
static uint32_t reclaim(struct crq_adapter *a)
{
    uint32_t looked = 0;
    while (a->outstanding) {
        uint8_t *p = slot_ptr(a, a->oldest);
        looked++;
        if (!p || __atomic_load_n(&p[0], __ATOMIC_ACQUIRE) != CRQ_HDR_FREE)
            break;
        consumed(a, a->oldest);
        a->oldest = (a->oldest + 1) % a->entries;
        a->outstanding--;
    }
    return looked;
}

static uint64_t queue_start(struct crq_adapter *a);

/* Configuration from the hcall side takes the queue side `writes` register-port writes (the
 * RTL engine's: a clock edge each). */
static void c_configure(struct crq_adapter *a, unsigned writes)
{
    a->q_free = queue_start(a) + writes * a->f->costs.reg_write;
}

static void c_reg(struct crq_adapter *a)
{
    a->next = a->oldest = a->outstanding = 0;
    c_configure(a, 3); /* BASE, ENTRIES, QCTRL */
}

static void c_unreg(struct crq_adapter *a)
{
    c_configure(a, 2); /* IRQ_EN, QCTRL */
}

static void c_irq_enable(struct crq_adapter *a, int on)
{
    a->irq_enabled = on;
    c_configure(a, 1);
}

static void c_enable(struct crq_adapter *a)
{
    c_configure(a, 1);
}

/* The queue side starts an operation once it is done with the previous one. */
static uint64_t queue_start(struct crq_adapter *a)
{
    uint64_t t = now(a);
    return a->q_free > t ? a->q_free : t;
}

static uint32_t c_outstanding(struct crq_adapter *a)
{
    const struct crq_costs *c = &a->f->costs;
    uint64_t start = queue_start(a);
    a->q_free = start + c->reclaim_pass + c->reclaim_per_slot * reclaim(a);
    return a->outstanding;
}

static void c_write(struct crq_adapter *a, uint32_t slot, const uint8_t elem[16])
{
    uint8_t *p = slot_ptr(a, slot);
    /* Body first, header last: the header byte is the consumer's ownership flag. */
    memcpy(p + 1, elem + 1, 15);
    __atomic_store_n(&p[0], elem[0], __ATOMIC_RELEASE);
}

/* Reclaim, then take the producer slot for the element (written now if `write`); what it cost
 * goes to op_cycles. */
static long c_enqueue(struct crq_adapter *a, const uint8_t elem[16], uint32_t *slot, int write)
{
    const struct crq_costs *c = &a->f->costs;
    a->op_cycles = c->reclaim_per_slot * reclaim(a);
    uint8_t *p = slot_ptr(a, a->next);
    if (!p || p[0] != CRQ_HDR_FREE) {
        a->op_cycles += c->drop;
        return H_DROPPED;
    }
    a->op_cycles += c->enqueue;
    if (write)
        c_write(a, a->next, elem);
    *slot = a->next;
    a->next = (a->next + 1) % a->entries;
    a->outstanding++;
    return H_SUCCESS;
}

static long c_send(struct crq_adapter *a, const uint8_t elem[16])
{
    uint32_t slot;
    long rc = c_enqueue(a, elem, &slot, 1);
    if (rc == H_SUCCESS) {
        tap_element(a, slot, elem);
        if (a->irq_enabled)
            irq_pulse(a);
    }
    return rc;
}

static void post_landed(void *arg);

/* The slot is taken now; the element lands (written, recorded, interrupt) when the operation's
 * cost has passed, where the engine would answer. */
static void c_post(struct crq_adapter *a)
{
    uint64_t start = queue_start(a);
    a->holding = 1;
    a->post.rc = c_enqueue(a, a->post.elem, &a->post.slot, 0);
    a->post.irqs = a->post.rc == H_SUCCESS && a->irq_enabled;
    a->q_free = start + a->op_cycles;
    cs_sched_after(a->f->m->sched, a->q_free - now(a), post_landed, a);
}

static void c_land(struct crq_adapter *a)
{
    if (a->post.rc == H_SUCCESS)
        c_write(a, a->post.slot, a->post.elem);
}

static const struct crq_queue_ops c_queue = {
    .reg = c_reg,
    .unreg = c_unreg,
    .irq_enable = c_irq_enable,
    .enable = c_enable,
    .send = c_send,
    .post = c_post,
    .land = c_land,
    .outstanding = c_outstanding,
};

/* ---- the partition's queue: the RTL engine (docs/rtl.md) -------------------------------- */

static void rtl_consumed(void *ctx, uint32_t slot, uint64_t cycle)
{
    (void)cycle;
    consumed(ctx, slot);
}

static uint64_t rtl_local(const struct crq_adapter *a)
{
    return (uint64_t)((int64_t)crq_rtl_cycle(a->rtl) + a->rtl_off);
}

/* Bring the engine's clock up to simulated time before anything touches its ports. A
 * continuous clock runs every cycle; an on-demand clock is gated while the engine is idle (no
 * edge would change anything): only time goes on. */
static void rtl_sync(struct crq_adapter *a)
{
    uint64_t t = now(a), local = rtl_local(a);
    if (local >= t)
        return;
    if (a->rtl_clock == CRQ_RTL_CLOCK_ON_DEMAND && crq_rtl_idle(a->rtl))
        crq_rtl_skip(a->rtl, t - local);
    else
        crq_rtl_step(a->rtl, t - local);
}

static long rtl_rc(enum crq_rtl_status st)
{
    switch (st) {
    case CRQ_RTL_OK:
        return H_SUCCESS;
    case CRQ_RTL_CLOSED:
        return H_CLOSED;
    default: /* a full slot, one outside partition memory, a stuck engine: the C model drops */
        return H_DROPPED;
    }
}

/* The engine answered the posted element (whoever clocked it): it lands at the cycle of the
 * answer. Returns 1 if it did. */
static int rtl_collect(struct crq_adapter *a)
{
    enum crq_rtl_status st;
    uint64_t at;
    if (!a->rtl_waiting || !crq_rtl_take_response(a->rtl, &st, &a->op_cycles, &at))
        return 0;
    a->rtl_waiting = 0;
    a->post.rc = rtl_rc(st);
    a->post.irqs = a->post.rc == H_SUCCESS ? a->rtl_irqs : 0;
    a->rtl_irqs = 0;
    uint64_t land = (uint64_t)((int64_t)at + a->rtl_off), t = now(a);
    cs_sched_after(a->f->m->sched, land > t ? land - t : 0, post_landed, a);
    return 1;
}

/* A posted element still on its way is finished first, in the caller: the queue side does one
 * thing at a time, so a configuration write comes after the operation in progress (as on the
 * C model), whatever point the engine's thread has reached. */
static void rtl_finish(struct crq_adapter *a)
{
    if (!a->rtl_waiting)
        return;
    crq_rtl_run(a->rtl, crq_rtl_cycle_limit(a->rtl));
    rtl_collect(a);
}

/* Register-port work from the hcall side runs at once in the caller (a blocking access: the
 * engine's clock may go ahead of simulated time). */
static void rtl_reg_write(struct crq_adapter *a, unsigned reg, uint64_t value)
{
    rtl_sync(a);
    rtl_finish(a);
    crq_rtl_reg_write(a->rtl, reg, value);
}

/* The engine's clock: an SC_THREAD (through cs_exec) that, while an element is posted, runs
 * the model a quantum at a time ahead of simulated time and then waits for time to catch up.
 * With nothing posted, a continuous clock runs the cycles of each quantum that has passed
 * (the idle engine behind time, never ahead: a post or register access brings it up to the
 * cycle it happens at, as on-demand) while the machine has anything else to do, and stops
 * with it (cs_thread_wait_clock); an on-demand clock waits for a post. Either way it holds no
 * pending activity of its own, so an idle machine still ends its run. */
static void rtl_thread(void *arg)
{
    struct crq_adapter *a = arg;
    for (;;) {
        if (!a->rtl) { /* the adapter went back to the C model before the run */
            a->rtl_thread = NULL;
            return;
        }
        if (!a->rtl_waiting) {
            if (a->rtl_clock == CRQ_RTL_CLOCK_CONTINUOUS) {
                rtl_sync(a);
                cs_thread_wait_clock(a->rtl_wake, a->rtl_quantum);
            } else {
                cs_thread_wait(a->rtl_wake, 0);
            }
            continue;
        }
        rtl_sync(a);
        crq_rtl_run(a->rtl, a->rtl_quantum);
        if (!rtl_collect(a) &&
            crq_rtl_cycle(a->rtl) - a->rtl_cmd_from > crq_rtl_cycle_limit(a->rtl)) {
            crq_rtl_abandon(a->rtl); /* stuck: the element is dropped, not lost silently */
            a->rtl_waiting = 0;
            a->post.rc = H_DROPPED;
            a->post.irqs = 0;
            cs_sched_after(a->f->m->sched, 0, post_landed, a);
        }
        uint64_t local = rtl_local(a), t = now(a);
        if (local > t)
            cs_thread_sleep(local - t);
    }
}

static void rtl_land(struct crq_adapter *a)
{
    if (a->post.rc == H_SUCCESS)
        crq_rtl_flush_writes(a->rtl);
    else /* what a failed command wrote (a body before a failed header) never shows */
        crq_rtl_discard_writes(a->rtl);
    crq_rtl_hold_writes(a->rtl, 0);
}

static void rtl_start(struct crq_adapter *a)
{
    if (!a->rtl_thread) /* SystemC names allow no dots: the adapter's name cannot be used */
        a->rtl_thread = cs_thread_spawn("crq_engine", rtl_thread, a);
}

/* Hand the element to the running engine through its command port. */
static void rtl_post(struct crq_adapter *a)
{
    rtl_sync(a);
    a->post.slot = (uint32_t)crq_rtl_reg_read(a->rtl, CRQ_RTL_R_NEXT);
    a->rtl_irqs = 0;
    a->holding = 1;
    crq_rtl_hold_writes(a->rtl, 1); /* the engine runs ahead: its writes show when it answers */
    crq_rtl_offer(a->rtl, a->post.elem);
    a->rtl_cmd_from = crq_rtl_cycle(a->rtl);
    a->rtl_waiting = 1;
    rtl_start(a);
    cs_event_notify(a->rtl_wake);
}

static void rtl_irq(void *ctx, uint64_t cycle)
{
    (void)cycle;
    struct crq_adapter *a = ctx;
    a->rtl_irqs++;
}

static int rtl_attach(struct crq_adapter *a, cs_error *err)
{
    struct cs_gmem *mem = &a->f->dom->mem;
    uint64_t lat = a->f->costs.rtl_mem_latency;
    a->rtl = lat && lat <= UINT32_MAX ? crq_rtl_new(mem->host, mem->size, (unsigned)lat) : NULL;
    if (!a->rtl)
        return cs_error_set(err,
                            "%s: cannot create the RTL queue engine (crq.rtl_mem_latency %llu "
                            "must be at least 1)",
                            a->name, (unsigned long long)lat);
    crq_rtl_on_consumed(a->rtl, rtl_consumed, a);
    crq_rtl_on_irq(a->rtl, rtl_irq, a);
    a->rtl_off = (int64_t)now(a) - (int64_t)crq_rtl_cycle(a->rtl);
    a->rtl_wake = cs_event_new();
    return 0;
}

static void rtl_detach(struct crq_adapter *a)
{
    crq_rtl_free(a->rtl);
    a->rtl = NULL;
    /* The thread, if any, never runs again: the simulation has ended (one per process). */
    cs_event_free(a->rtl_wake);
    a->rtl_wake = NULL;
}

static void rtl_reg(struct crq_adapter *a)
{
    rtl_sync(a);
    rtl_finish(a);
    crq_rtl_register(a->rtl, a->base, a->entries);
}

static void rtl_unreg(struct crq_adapter *a)
{
    rtl_reg_write(a, CRQ_RTL_R_IRQ_EN, 0);
    rtl_reg_write(a, CRQ_RTL_R_QCTRL, 0);
}

static void rtl_irq_enable(struct crq_adapter *a, int on)
{
    a->irq_enabled = on;
    rtl_reg_write(a, CRQ_RTL_R_IRQ_EN, (uint64_t)on);
}

static void rtl_enable(struct crq_adapter *a)
{
    rtl_reg_write(a, CRQ_RTL_R_ENABLE, 1);
}

static uint32_t rtl_outstanding(struct crq_adapter *a)
{
    rtl_sync(a);
    rtl_finish(a);
    return crq_rtl_reclaim(a->rtl, NULL);
}

static long rtl_send(struct crq_adapter *a, const uint8_t elem[16])
{
    rtl_sync(a);
    uint32_t slot = (uint32_t)crq_rtl_reg_read(a->rtl, CRQ_RTL_R_NEXT);
    a->rtl_irqs = 0;
    enum crq_rtl_status st = crq_rtl_enqueue(a->rtl, elem, &a->op_cycles);
    switch (st) {
    case CRQ_RTL_OK:
        break;
    case CRQ_RTL_CLOSED:
        return H_CLOSED;
    default: /* a full slot, or one outside partition memory: the C model drops both */
        return H_DROPPED;
    }
    tap_element(a, slot, elem);
    /* The engine pulses irq before its response; delivering after the element keeps the
     * record order of the C model. */
    for (; a->rtl_irqs; a->rtl_irqs--)
        irq_pulse(a);
    return H_SUCCESS;
}

static const struct crq_queue_ops rtl_queue = {
    .attach = rtl_attach,
    .detach = rtl_detach,
    .reg = rtl_reg,
    .unreg = rtl_unreg,
    .irq_enable = rtl_irq_enable,
    .enable = rtl_enable,
    .send = rtl_send,
    .post = rtl_post,
    .land = rtl_land,
    .outstanding = rtl_outstanding,
};

int crq_adapter_set_engine(struct crq_adapter *a, enum crq_engine engine, cs_error *err)
{
    const struct crq_queue_ops *q = engine == CRQ_ENGINE_RTL ? &rtl_queue : &c_queue;
    if (q == a->q)
        return 0;
    if (a->state != CRQ_Q_FREE)
        return cs_error_set(err,
                            "%s: the queue engine can change only while no queue is "
                            "registered",
                            a->name);
    if (q->attach && q->attach(a, err) < 0)
        return -1;
    if (a->q->detach)
        a->q->detach(a);
    a->q = q;
    return 0;
}

uint64_t crq_adapter_busy_until(const struct crq_adapter *a)
{
    return a->q == &rtl_queue ? rtl_local(a) : a->q_free;
}

enum crq_engine crq_adapter_engine(const struct crq_adapter *a)
{
    return a->q == &rtl_queue ? CRQ_ENGINE_RTL : CRQ_ENGINE_C;
}

int crq_adapter_rtl_clocked(const struct crq_adapter *a, uint64_t *cycle, uint64_t *edges,
                            uint64_t *gated)
{
    if (a->q != &rtl_queue)
        return -1;
    *cycle = rtl_local(a);
    *edges = crq_rtl_edges(a->rtl);
    *gated = crq_rtl_cycle(a->rtl) - *edges;
    return 0;
}

int crq_adapter_set_rtl_clock(struct crq_adapter *a, enum crq_rtl_clock mode, uint32_t quantum,
                              cs_error *err)
{
    if (a->state != CRQ_Q_FREE)
        return cs_error_set(err, "%s: the RTL clock can change only while no queue is registered",
                            a->name);
    if (!quantum)
        return cs_error_set(err, "%s: the RTL clock's quantum must be at least 1 cycle", a->name);
    a->rtl_clock = mode;
    a->rtl_quantum = quantum;
    if (a->q == &rtl_queue && mode == CRQ_RTL_CLOCK_CONTINUOUS)
        rtl_start(a);
    return 0;
}

int crq_adapter_wave_open(struct crq_adapter *a, const char *path, cs_error *err)
{
    if (a->q != &rtl_queue)
        return cs_error_set(err, "%s: no RTL engine to dump waves of (engine='rtl')", a->name);
    uint64_t hz = a->f->m->platform->clock_hz;
    uint64_t period_ps = hz ? 1000000000000ull / hz : 1000;
    if (crq_rtl_wave_open(a->rtl, path, period_ps, a->rtl_off) < 0)
        return cs_error_set(err, "%s: cannot write the waveform '%s'", a->name, path);
    return 0;
}

/* ---- the facility's side of the queue ------------------------------------------------ */

uint32_t crq_adapter_outstanding(struct crq_adapter *a)
{
    if (a->state == CRQ_Q_FREE)
        return 0;
    return a->q->outstanding(a);
}

static void send_failed(struct crq_adapter *a, long rc, const uint8_t elem[16])
{
    uint8_t b[24];
    crq_put64(b, (uint64_t)rc);
    memcpy(b + 8, elem, 16);
    tap(a, CS_TAP_INTERNAL, CRQ_K_HV_SEND_FAILED, b, sizeof(b));
}

uint64_t crq_send_cycles(const struct crq_adapter *a)
{
    return a->op_cycles;
}

long crq_send(struct crq_adapter *a, const uint8_t elem[16])
{
    a->op_cycles = 0;
    if (a->post.active)
        return H_BUSY; /* one operation at a time on the queue */
    long rc = a->state == CRQ_Q_REGISTERED ? a->q->send(a, elem) : H_CLOSED;
    if (rc != H_SUCCESS)
        send_failed(a, rc, elem);
    return rc;
}

/* The posted element's landing, on either engine: what the partition can see of it (held
 * consumed slots, the element, its interrupt) is recorded now, then the sender hears. */
static void post_landed(void *arg)
{
    struct crq_adapter *a = arg;
    /* The partition freed the queue while the element was on its way: the free wins, the
     * element is refused as a send to no queue would be, and nothing is written. */
    if (a->post.gen != a->reg_gen && a->post.rc == H_SUCCESS) {
        a->post.rc = H_CLOSED;
        a->post.irqs = 0;
    }
    struct crq_post p = a->post;
    a->post.active = 0;
    a->holding = 0;
    a->q->land(a);
    for (size_t i = 0; i < a->nheld; i++)
        tap_consumed(a, a->held[i]);
    a->nheld = 0;
    if (p.rc == H_SUCCESS) {
        tap_element(a, p.slot, p.elem);
        for (unsigned i = 0; i < p.irqs; i++)
            irq_pulse(a);
        if (p.elem[0] == CRQ_HDR_EVENT && p.elem[1] == CRQ_EV_MIGRATED) {
            a->state = CRQ_Q_DISABLED;
            tap_state(a);
        }
    } else {
        send_failed(a, p.rc, p.elem);
    }
    if (p.done)
        p.done(p.ctx, p.rc);
}

long crq_post(struct crq_adapter *a, const uint8_t elem[16], crq_sent_fn done, void *ctx)
{
    if (a->post.active)
        return H_BUSY;
    a->post.active = 1;
    memcpy(a->post.elem, elem, 16);
    a->post.done = done;
    a->post.ctx = ctx;
    a->post.irqs = 0;
    a->post.gen = a->reg_gen;
    a->op_cycles = 0;
    if (a->state != CRQ_Q_REGISTERED) { /* the queue is not reached: answered at once */
        a->post.rc = H_CLOSED;
        cs_sched_after(a->f->m->sched, 0, post_landed, a);
    } else {
        a->q->post(a);
    }
    return H_SUCCESS;
}

long crq_post_event(struct crq_adapter *a, uint8_t reason, crq_sent_fn done, void *ctx)
{
    uint8_t e[16] = {CRQ_HDR_EVENT, reason};
    return crq_post(a, e, done, ctx);
}

long crq_transport_event(struct crq_adapter *a, uint8_t reason)
{
    uint8_t e[16] = {CRQ_HDR_EVENT, reason};
    long rc = crq_send(a, e);
    if (rc == H_SUCCESS && reason == CRQ_EV_MIGRATED) {
        a->state = CRQ_Q_DISABLED;
        tap_state(a);
    }
    return rc;
}

/* ---- hcalls --------------------------------------------------------------------------- */

static struct crq_adapter *by_unit(struct crq_facility *f, unsigned long unit)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->adapters[i]->unit == unit)
            return f->adapters[i];
    return NULL;
}

static int partition_range_ok(struct crq_facility *f, uint64_t addr, uint64_t len)
{
    if (!cs_gmem_ptr(&f->dom->mem, addr, len))
        return 0;
    return !f->dma_check || f->dma_check(f->dma_ctx, addr, len);
}

static long h_reg_crq(struct crq_facility *f, const unsigned long *a)
{
    struct crq_adapter *ad = by_unit(f, a[0]);
    uint64_t ioba = a[1], len = a[2];
    if (!ad)
        return H_PARAMETER;
    if (ad->state != CRQ_Q_FREE)
        return H_RESOURCE;
    if ((ioba & 0xfff) || len < 4096 || (len & 0xfff) || len > CRQ_MAX_QUEUE ||
        !partition_range_ok(f, ioba, len))
        return H_PARAMETER;
    ad->base = ioba;
    ad->entries = (uint32_t)(len / 16);
    ad->q->reg(ad);
    ad->state = CRQ_Q_REGISTERED;
    tap_state(ad);
    if (ad->ops->queue_state)
        ad->ops->queue_state(ad->ctx, 1);
    return H_SUCCESS;
}

static long h_free_crq(struct crq_facility *f, const unsigned long *a)
{
    struct crq_adapter *ad = by_unit(f, a[0]);
    if (!ad)
        return H_PARAMETER;
    if (ad->state == CRQ_Q_FREE)
        return H_SUCCESS;
    ad->state = CRQ_Q_FREE;
    ad->reg_gen++;
    ad->irq_enabled = 0;
    if (ad->q->unreg)
        ad->q->unreg(ad);
    tap_state(ad);
    if (ad->ops->queue_state)
        ad->ops->queue_state(ad->ctx, 0);
    return H_SUCCESS;
}

static long h_send_crq(struct crq_facility *f, const unsigned long *a)
{
    struct crq_adapter *ad = by_unit(f, a[0]);
    if (!ad)
        return H_PARAMETER;
    if (ad->state == CRQ_Q_DISABLED)
        return H_CLOSED; /* migrated: closed until H_ENABLE_CRQ */
    uint8_t e[16];
    crq_put64(e, a[1]);
    crq_put64(e + 8, a[2]);
    return ad->ops->receive ? ad->ops->receive(ad->ctx, e) : H_CLOSED;
}

static long h_vio_signal(struct crq_facility *f, const unsigned long *a)
{
    struct crq_adapter *ad = by_unit(f, a[0]);
    if (!ad)
        return H_PARAMETER;
    if (a[1] > 1)
        return H_PARAMETER;
    ad->q->irq_enable(ad, (int)(a[1] & 1));
    return H_SUCCESS;
}

static long h_enable_crq(struct crq_facility *f, const unsigned long *a)
{
    struct crq_adapter *ad = by_unit(f, a[0]);
    if (!ad)
        return H_PARAMETER;
    if (ad->state == CRQ_Q_DISABLED) {
        if (ad->q->enable)
            ad->q->enable(ad);
        ad->state = CRQ_Q_REGISTERED;
        tap_state(ad);
    }
    return H_SUCCESS;
}

/* Resolve one side of a copy: the partition's window (guest-physical, DMA-mapped) or the
 * hypervisor's (the endpoint's memory). */
static uint8_t *window(struct crq_facility *f, uint64_t liobn, uint64_t ioba, uint64_t len,
                       struct crq_adapter **owner, int *local)
{
    for (size_t i = 0; i < f->n; i++) {
        struct crq_adapter *ad = f->adapters[i];
        if (liobn == ad->local_liobn) {
            *owner = ad;
            *local = 1;
            return partition_range_ok(f, ioba, len) ? cs_gmem_ptr(&f->dom->mem, ioba, len) : NULL;
        }
        if (liobn == ad->remote_liobn) {
            *owner = ad;
            *local = 0;
            return ad->ops->remote_window ? ad->ops->remote_window(ad->ctx, ioba, len) : NULL;
        }
    }
    return NULL;
}

static long h_copy_rdma(struct crq_facility *f, const unsigned long *a)
{
    uint64_t len = a[0];
    if (len > CRQ_MAX_RDMA)
        return H_PARAMETER;
    struct crq_adapter *sa = NULL, *da = NULL;
    int slocal = 0, dlocal = 0;
    uint8_t *src = window(f, a[1], a[2], len ? len : 1, &sa, &slocal);
    if (!src)
        return H_SOURCE_PARM;
    uint8_t *dst = window(f, a[3], a[4], len ? len : 1, &da, &dlocal);
    if (!dst)
        return H_DEST_PARM;
    memmove(dst, src, len);
    /* Record the copy with its bytes on the adapter whose window the partition side is. */
    struct crq_adapter *ad = slocal ? sa : da;
    if (f->rec_cap < 32 + len) {
        f->rec_cap = 32 + len;
        f->rec = realloc(f->rec, f->rec_cap);
        if (!f->rec)
            abort();
    }
    uint8_t *rec = f->rec;
    crq_put64(rec, a[1]);
    crq_put64(rec + 8, a[2]);
    crq_put64(rec + 16, a[3]);
    crq_put64(rec + 24, a[4]);
    memcpy(rec + 32, dst, len);
    tap(ad, slocal ? CS_TAP_TO_FW : CS_TAP_TO_GUEST, CRQ_K_RDMA, rec, (uint32_t)(32 + len));
    return H_SUCCESS;
}

static long h_request_vmc(struct crq_facility *f, unsigned long *rets)
{
    for (size_t i = 0; i < f->n; i++) {
        struct crq_adapter *ad = f->adapters[i];
        if (ad->ops->request_vmc) {
            uint64_t drc = 0;
            long rc = ad->ops->request_vmc(ad->ctx, &drc);
            if (rets)
                rets[0] = drc;
            return rc;
        }
    }
    return H_FUNCTION;
}

/* Which adapter an hcall concerns, for recording it: the unit address argument, or for
 * H_COPY_RDMA the adapter owning the partition-side window. */
static struct crq_adapter *subject(struct crq_facility *f, unsigned long op,
                                   const unsigned long *args, unsigned nargs)
{
    if (op == H_COPY_RDMA && nargs >= 5) {
        for (size_t i = 0; i < f->n; i++)
            if (f->adapters[i]->local_liobn == args[1] || f->adapters[i]->local_liobn == args[3])
                return f->adapters[i];
        return f->n ? f->adapters[0] : NULL;
    }
    if (op == H_REQUEST_VMC) {
        for (size_t i = 0; i < f->n; i++)
            if (f->adapters[i]->ops->request_vmc)
                return f->adapters[i];
        return NULL;
    }
    return nargs ? by_unit(f, args[0]) : NULL;
}

static unsigned args_of(unsigned long op)
{
    switch (op) {
    case H_REG_CRQ:
    case H_SEND_CRQ:
        return 3;
    case H_FREE_CRQ:
    case H_ENABLE_CRQ:
        return 1;
    case H_VIO_SIGNAL:
        return 2;
    case H_COPY_RDMA:
        return 5;
    default:
        return 0;
    }
}

long crq_hcall(struct crq_facility *f, unsigned long opcode, const unsigned long *args,
               unsigned nargs, unsigned long *rets, uint64_t *cost_ns)
{
    unsigned want = args_of(opcode);
    struct crq_adapter *ad = subject(f, opcode, args, nargs);
    uint8_t rec[8 * 10];
    unsigned n = nargs < want ? nargs : want;
    if (ad) {
        crq_put64(rec, opcode);
        for (unsigned i = 0; i < n; i++)
            crq_put64(rec + 8 + 8 * i, args[i]);
        tap(ad, CS_TAP_TO_FW, CRQ_K_HCALL, rec, 8 + 8 * n);
    }
    uint64_t cost = crq_hcall_cost(&f->costs, opcode, args, nargs);
    long rc;
    if (nargs < want) {
        rc = H_PARAMETER;
    } else {
        switch (opcode) {
        case H_REG_CRQ:
            rc = h_reg_crq(f, args);
            break;
        case H_FREE_CRQ:
            rc = h_free_crq(f, args);
            break;
        case H_SEND_CRQ:
            rc = h_send_crq(f, args);
            break;
        case H_VIO_SIGNAL:
            rc = h_vio_signal(f, args);
            break;
        case H_ENABLE_CRQ:
            rc = h_enable_crq(f, args);
            break;
        case H_COPY_RDMA:
            rc = h_copy_rdma(f, args);
            break;
        case H_REQUEST_VMC:
            rc = h_request_vmc(f, rets);
            break;
        default:
            rc = H_FUNCTION;
        }
    }
    if (ad) {
        crq_put64(rec, opcode);
        crq_put64(rec + 8, (uint64_t)rc);
        unsigned m = (opcode == H_REQUEST_VMC && rets) ? 1 : 0;
        for (unsigned i = 0; i < m; i++)
            crq_put64(rec + 16 + 8 * i, rets[i]);
        tap(ad, CS_TAP_TO_GUEST, CRQ_K_HCALL_RET, rec, 16 + 8 * m);
    }
    if (cost_ns)
        *cost_ns = cs_machine_cycles_to_ns(f->m, cost);
    return rc;
}
