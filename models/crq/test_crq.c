/* The CRQ facility without a driver: hcall return codes for every condition of crq-vmc.md
 * §1.3, queue mechanics (big-endian elements, header last, full, consumed, wrap), interrupts
 * only while enabled, transport events, migration and H_COPY_RDMA window checks. */
#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "crq.h"
#include "test_crq_util.h"

#define DATA(f) TESTDATA_DIR "/" f
#define QUEUE   0x100000 /* guest-physical address of the test queue */
#define UNIT    0x30000002

struct endpoint {
    uint8_t got[64][16];
    int n;
    long answer;
    int registered;
    uint8_t hvmem[8192];
};

static long ep_receive(void *ctx, const uint8_t e[16])
{
    struct endpoint *ep = ctx;
    if (ep->n < 64)
        memcpy(ep->got[ep->n++], e, 16);
    return ep->answer;
}

static void ep_state(void *ctx, int registered)
{
    ((struct endpoint *)ctx)->registered = registered;
}

static uint8_t *ep_window(void *ctx, uint64_t ioba, uint64_t len)
{
    struct endpoint *ep = ctx;
    return ioba + len <= sizeof(ep->hvmem) ? ep->hvmem + ioba : NULL;
}

static const struct crq_endpoint_ops ops = {ep_state, ep_receive, ep_window, NULL};

static int mapped_all = 1;
static int dma_check(void *ctx, uint64_t addr, uint64_t len)
{
    (void)ctx;
    (void)addr;
    (void)len;
    return mapped_all;
}

static unsigned kinds[16];
static void count_kinds(void *ctx, const struct cs_tap_msg *m)
{
    (void)ctx;
    if (m->kind < 16)
        kinds[m->kind]++;
}

struct fixture {
    struct cs_platform *p;
    struct cs_machine *m;
    struct crq_facility *f;
    struct crq_adapter *a;
    struct endpoint ep;
};

static void setup_fixture(struct fixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    memset(kinds, 0, sizeof(kinds));
    mapped_all = 1;
    cs_error err = {0};
    /* the facility is tested without a driver */
    crq_test_machine(DATA("lpar.xml"), &fx->p, &fx->m);
    ck_assert_int_eq(cs_tap_observe(&fx->m->tap, (struct cs_tap_observer){count_kinds, NULL}, &err),
                     0);
    ck_assert_int_eq(crq_facility_create(&fx->m->domains[0], &fx->f, &err), 0);
    crq_facility_set_dma_check(fx->f, dma_check, NULL);
    fx->ep.answer = H_SUCCESS;
    ck_assert_int_eq(
        crq_adapter_add(fx->f, "lpar.test", UNIT, 0x1000, 0x2000, &ops, &fx->ep, &fx->a, &err), 0);
}

static void teardown_fixture(struct fixture *fx)
{
    crq_facility_free(fx->f);
    cs_machine_free(fx->m);
    cs_platform_free(fx->p);
}

static long hc(struct fixture *fx, unsigned long op, unsigned long a0, unsigned long a1,
               unsigned long a2, unsigned long a3, unsigned long a4)
{
    unsigned long args[5] = {a0, a1, a2, a3, a4};
    uint64_t cost = 0;
    long rc = crq_hcall(fx->f, op, args, 5, NULL, &cost);
    ck_assert_uint_gt(cost, 0);
    return rc;
}

static uint8_t *slot(struct fixture *fx, unsigned i)
{
    return cs_gmem_ptr(&fx->m->domains[0].mem, QUEUE + 16ull * i, 16);
}

START_TEST(register_return_codes)
{
    struct fixture fx;
    setup_fixture(&fx);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, 0x999, QUEUE, 4096, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE + 8, 4096, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 0, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4000, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 512ull << 20, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, 64ull << 20, 4096, 0, 0), H_PARAMETER);
    mapped_all = 0; /* memory the partition did not map for DMA */
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_PARAMETER);
    mapped_all = 1;
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    ck_assert(fx.ep.registered);
    ck_assert_uint_eq(crq_adapter_entries(fx.a), 256);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_RESOURCE);
    ck_assert_int_eq(hc(&fx, H_FREE_CRQ, 0x999, 0, 0, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_FREE_CRQ, UNIT, 0, 0, 0, 0), H_SUCCESS);
    ck_assert(!fx.ep.registered);
    ck_assert_int_eq(hc(&fx, H_FREE_CRQ, UNIT, 0, 0, 0, 0), H_SUCCESS);
    ck_assert_int_eq(hc(&fx, 0x4242, 0, 0, 0, 0, 0), H_FUNCTION);
    /* calls naming no adapter (bad unit, unknown opcode) are answered but belong to no
     * channel; the other ten are recorded with their returns */
    ck_assert_uint_eq(kinds[CRQ_K_HCALL], 10);
    ck_assert_uint_eq(kinds[CRQ_K_HCALL_RET], 10);
    teardown_fixture(&fx);
}
END_TEST

START_TEST(elements_header_last_full_consumed_wrap)
{
    struct fixture fx;
    setup_fixture(&fx);
    uint8_t e[16] = {0x80, 0x06, 0, 0, 1, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0x10, 0};
    ck_assert_int_eq(crq_send(fx.a, e), H_CLOSED); /* nothing registered */
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    for (unsigned i = 0; i < 256; i++) {
        e[15] = (uint8_t)i;
        ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
    }
    ck_assert_int_eq(memcmp(slot(&fx, 7), e, 15), 0);
    ck_assert_uint_eq(slot(&fx, 7)[15], 7);
    ck_assert_int_eq(crq_send(fx.a, e), H_DROPPED); /* every slot taken */
    ck_assert_uint_eq(crq_adapter_outstanding(fx.a), 256);
    /* the consumer takes the first two; the producer wraps to slot 0 */
    slot(&fx, 0)[0] = 0;
    slot(&fx, 1)[0] = 0;
    ck_assert_uint_eq(crq_adapter_outstanding(fx.a), 254);
    e[15] = 0xaa;
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
    ck_assert_uint_eq(slot(&fx, 0)[15], 0xaa);
    ck_assert_uint_eq(kinds[CRQ_K_CONSUMED], 2);
    ck_assert_uint_eq(kinds[CRQ_K_ELEMENT], 257);
    ck_assert_uint_eq(kinds[CRQ_K_HV_SEND_FAILED], 2);
    /* a slot cleared out of order is not taken back before the older ones */
    slot(&fx, 3)[0] = 0;
    ck_assert_uint_eq(crq_adapter_outstanding(fx.a), 255);
    teardown_fixture(&fx);
}
END_TEST

START_TEST(send_routes_big_endian_words)
{
    struct fixture fx;
    setup_fixture(&fx);
    ck_assert_int_eq(hc(&fx, H_SEND_CRQ, 0x999, 1, 2, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_SEND_CRQ, UNIT, 0xC001000000000000ull, 0x0102030405060708ull, 0, 0),
                     H_SUCCESS);
    ck_assert_int_eq(fx.ep.n, 1);
    const uint8_t want[16] = {0xC0, 0x01, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    ck_assert_int_eq(memcmp(fx.ep.got[0], want, 16), 0);
    fx.ep.answer = H_DROPPED;
    ck_assert_int_eq(hc(&fx, H_SEND_CRQ, UNIT, 0x80, 0, 0, 0), H_DROPPED);
    teardown_fixture(&fx);
}
END_TEST

START_TEST(interrupts_only_while_enabled)
{
    struct fixture fx;
    setup_fixture(&fx);
    struct cs_irq_line *line = cs_irq_line_get(&fx.m->domains[0].irqs, crq_adapter_irq(fx.a));
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    uint8_t e[16] = {0x80};
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
    ck_assert_uint_eq(line->raised, 0);
    ck_assert_int_eq(hc(&fx, H_VIO_SIGNAL, UNIT, 2, 0, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_VIO_SIGNAL, UNIT, 1, 0, 0, 0), H_SUCCESS);
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
    ck_assert_uint_eq(line->raised, 1);
    cs_sched_run_standalone(fx.m->sched, UINT64_MAX); /* the pulse ends */
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
    ck_assert_uint_eq(line->raised, 2);
    ck_assert_uint_eq(kinds[CRQ_K_IRQ], 2);
    ck_assert_int_eq(hc(&fx, H_VIO_SIGNAL, UNIT, 0, 0, 0, 0), H_SUCCESS);
    cs_sched_run_standalone(fx.m->sched, UINT64_MAX);
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
    ck_assert_uint_eq(line->raised, 2);
    teardown_fixture(&fx);
}
END_TEST

START_TEST(transport_events_and_migration)
{
    struct fixture fx;
    setup_fixture(&fx);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    ck_assert_int_eq(crq_transport_event(fx.a, CRQ_EV_PARTNER_DEREGISTERED), H_SUCCESS);
    ck_assert_uint_eq(slot(&fx, 0)[0], 0xFF);
    ck_assert_uint_eq(slot(&fx, 0)[1], 0x02);
    ck_assert_int_eq(crq_transport_event(fx.a, CRQ_EV_MIGRATED), H_SUCCESS);
    ck_assert_int_eq(crq_adapter_state(fx.a), CRQ_Q_DISABLED);
    ck_assert_int_eq(hc(&fx, H_SEND_CRQ, UNIT, 0x80, 0, 0, 0), H_CLOSED);
    uint8_t e[16] = {0x80};
    ck_assert_int_eq(crq_send(fx.a, e), H_CLOSED);
    ck_assert_int_eq(hc(&fx, H_ENABLE_CRQ, UNIT, 0, 0, 0, 0), H_SUCCESS);
    ck_assert_int_eq(crq_adapter_state(fx.a), CRQ_Q_REGISTERED);
    ck_assert_int_eq(hc(&fx, H_SEND_CRQ, UNIT, 0x80, 0, 0, 0), H_SUCCESS);
    ck_assert_int_eq(hc(&fx, H_ENABLE_CRQ, 0x999, 0, 0, 0, 0), H_PARAMETER);
    teardown_fixture(&fx);
}
END_TEST

/* The C model's queue costs against the cycles the RTL engine takes for the same operations
 * (docs/calibration.md): enqueue with 0, 1 and 2 slots looked at by the reclaim pass, and a
 * drop on a full ring. */
#define OPS 7
static const char *const op_names[OPS] = {"enqueue, R = 0",
                                          "enqueue, R = 1 (none consumed)",
                                          "enqueue, R = 2 (1 consumed)",
                                          "enqueue, R = 2 (2 consumed)",
                                          "dropped, R = 1",
                                          "fullness check, R = 1 (none)",
                                          "fullness check, R = 3 (2 consumed)"};

/* The cycles crq_adapter_outstanding()'s reclaim pass keeps the queue side busy. */
static uint64_t check_cycles(struct crq_adapter *a)
{
    uint64_t before = crq_adapter_busy_until(a);
    crq_adapter_outstanding(a);
    return crq_adapter_busy_until(a) - before;
}

static void queue_op_cycles(enum crq_engine engine, uint64_t cyc[OPS], uint64_t *total)
{
    struct fixture fx;
    setup_fixture(&fx);
    cs_error err = {0};
    ck_assert_msg(crq_adapter_set_engine(fx.a, engine, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    uint8_t e[16] = {0x80, 0x06};
    *total = 0;
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS); /* slot 0 */
    cyc[0] = crq_send_cycles(fx.a);
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS); /* slot 1: slot 0 still out */
    cyc[1] = crq_send_cycles(fx.a);
    slot(&fx, 0)[0] = 0;
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS); /* slot 0 back, slot 1 still out */
    cyc[2] = crq_send_cycles(fx.a);
    slot(&fx, 1)[0] = 0;
    slot(&fx, 2)[0] = 0;
    ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS); /* slots 1 and 2 back */
    cyc[3] = crq_send_cycles(fx.a);
    for (unsigned i = 0; i < 4; i++)
        *total += cyc[i];
    for (unsigned i = 0; i < 255; i++) { /* fill the ring, nothing consumed */
        ck_assert_int_eq(crq_send(fx.a, e), H_SUCCESS);
        *total += crq_send_cycles(fx.a);
    }
    ck_assert_int_eq(crq_send(fx.a, e), H_DROPPED);
    cyc[4] = crq_send_cycles(fx.a);
    *total += cyc[4];
    cyc[5] = check_cycles(fx.a);
    slot(&fx, 3)[0] = 0;
    slot(&fx, 4)[0] = 0;
    cyc[6] = check_cycles(fx.a);
    ck_assert_uint_eq(crq_adapter_outstanding(fx.a), 254);
    *total += cyc[5] + cyc[6];
    teardown_fixture(&fx);
}

START_TEST(c_costs_match_rtl_cycles)
{
    uint64_t c[OPS], r[OPS], ct, rt;
    queue_op_cycles(CRQ_ENGINE_C, c, &ct);
    queue_op_cycles(CRQ_ENGINE_RTL, r, &rt);
    printf("%-32s %10s %10s %8s\n", "operation", "RTL", "C", "error");
    for (unsigned i = 0; i < OPS; i++) {
        double d = 100.0 * ((double)c[i] - (double)r[i]) / (double)r[i];
        printf("%-32s %10llu %10llu %7.1f%%\n", op_names[i], (unsigned long long)r[i],
               (unsigned long long)c[i], d);
        ck_assert_uint_gt(r[i], 0);
        ck_assert_msg(c[i] * 100 <= r[i] * 105 && c[i] * 105 >= r[i] * 100,
                      "%s: C %llu cycles, RTL %llu", op_names[i], (unsigned long long)c[i],
                      (unsigned long long)r[i]);
    }
    printf("%-32s %10llu %10llu\n", "all 262 operations", (unsigned long long)rt,
           (unsigned long long)ct);
    ck_assert(ct * 100 <= rt * 105 && ct * 105 >= rt * 100);
}
END_TEST

static void count_checks(void *ctx, const char *rule, uint64_t checks)
{
    uint64_t *c = ctx;
    if (rule[0] == 'C' && rule[1] >= '1' && rule[1] <= '9' && !rule[2])
        c[rule[1] - '0'] += checks;
}

static void fail_rule(void *ctx, const char *rule, uint64_t count, const struct cs_finding *f)
{
    (void)ctx;
    (void)f;
    ck_abort_msg("rule %s broken %llu times", rule, (unsigned long long)count);
}

/* The bad input on either engine (loop index: C model, RTL engine), watched by the live
 * monitors: queues not aligned, not in memory, not mapped for DMA get H_PARAMETER and leave the
 * engine alone; back-to-back sends beyond the ring's capacity get H_DROPPED with every element
 * in its slot once, none lost, none written twice: no rule broken, and C1, C2, C4, C5 checked. */
START_TEST(bad_input_on_both_engines)
{
    enum crq_engine engine = _i ? CRQ_ENGINE_RTL : CRQ_ENGINE_C;
    struct fixture fx;
    setup_fixture(&fx);
    cs_error err = {0};
    ck_assert_msg(crq_adapter_set_engine(fx.a, engine, &err) == 0, "%s", err.msg);
    struct cs_monitor_hub *hub;
    ck_assert_msg(cs_monitor_attach_live(fx.m, &hub, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE + 0x800, 4096, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, 64ull << 20, 4096, 0, 0), H_PARAMETER);
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, (64ull << 20) - 4096, 8192, 0, 0), H_PARAMETER);
    mapped_all = 0;
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_PARAMETER);
    mapped_all = 1;
    uint8_t e[16] = {CRQ_HDR_INIT, CRQ_INIT};
    ck_assert_int_eq(crq_adapter_state(fx.a), CRQ_Q_FREE);
    ck_assert_int_eq(crq_send(fx.a, e), H_CLOSED); /* nothing was registered */
    ck_assert_int_eq(hc(&fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    uint32_t seq = 0;
    unsigned dropped = 0;
    for (unsigned i = 0; i < 300; i++) {
        crq_put32(e + 12, seq);
        long rc = crq_send(fx.a, e);
        ck_assert(rc == (i < 256 ? H_SUCCESS : H_DROPPED));
        seq += rc == H_SUCCESS;
        dropped += rc == H_DROPPED;
    }
    for (unsigned i = 0; i < 10; i++) /* the consumer takes the oldest ten */
        slot(&fx, i)[0] = 0;
    for (unsigned i = 0; i < 20; i++) {
        crq_put32(e + 12, seq);
        long rc = crq_send(fx.a, e);
        ck_assert(rc == (i < 10 ? H_SUCCESS : H_DROPPED));
        seq += rc == H_SUCCESS;
        dropped += rc == H_DROPPED;
    }
    ck_assert_uint_eq(seq, 266);
    ck_assert_uint_eq(dropped, 54);
    for (unsigned i = 0; i < 256; i++) { /* each element once, in ring order */
        ck_assert_uint_eq(slot(&fx, i)[0], CRQ_HDR_INIT);
        ck_assert_uint_eq(crq_be32(slot(&fx, i) + 12), i < 10 ? 256 + i : i);
    }
    ck_assert_uint_eq(kinds[CRQ_K_ELEMENT], 266);
    ck_assert_uint_eq(kinds[CRQ_K_CONSUMED], 10);
    ck_assert_uint_eq(kinds[CRQ_K_HV_SEND_FAILED], 55); /* and the H_CLOSED one */
    ck_assert_uint_eq(crq_adapter_outstanding(fx.a), 256);
    cs_monitor_finish_live(fx.m, hub);
    cs_monitor_hub_findings_by_rule(hub, fail_rule, NULL);
    ck_assert_uint_eq(fx.m->protocol_findings, 0);
    uint64_t checks[10] = {0};
    cs_monitor_hub_coverage(hub, count_checks, checks);
    ck_assert_uint_gt(checks[1], 0);
    ck_assert_uint_gt(checks[2], 0);
    ck_assert_uint_gt(checks[4], 0);
    ck_assert_uint_gt(checks[5], 0);
    teardown_fixture(&fx);
}
END_TEST

/* crq_post() on either engine (loop index: C model, RTL engine clocked by its thread), under
 * SystemC: the element lands, written and recorded, when the queue side is done with it (after
 * the registration's 3 register writes, 13 cycles for an empty ring, 17 with one slot still
 * out), not before; an element still on its way when the partition frees the queue is refused
 * with H_CLOSED and never written. */
struct post_run {
    struct fixture fx;
    long rc[2];
    uint64_t at[2];
    unsigned landed;
    uint8_t seen_early; /* slot 0's header 5 cycles after the post */
};

static void post_done(void *ctx, long rc);

static void post_free(void *ctx)
{
    struct post_run *r = ctx;
    ck_assert_int_eq(hc(&r->fx, H_FREE_CRQ, UNIT, 0, 0, 0, 0), H_SUCCESS);
}

static void post_peek(void *ctx)
{
    struct post_run *r = ctx;
    r->seen_early = slot(&r->fx, 0)[0];
}

static void post_start(void *ctx)
{
    struct post_run *r = ctx;
    ck_assert_int_eq(hc(&r->fx, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    uint8_t e[16] = {CRQ_HDR_INIT, CRQ_INIT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    ck_assert_int_eq(crq_post(r->fx.a, e, post_done, r), H_SUCCESS);
    ck_assert_int_eq(crq_post(r->fx.a, e, post_done, r), H_BUSY); /* one at a time */
    ck_assert_int_eq(crq_send(r->fx.a, e), H_BUSY);
    cs_sched_after(r->fx.m->sched, 5, post_peek, r);
}

static void post_done(void *ctx, long rc)
{
    struct post_run *r = ctx;
    ck_assert_uint_lt(r->landed, 2);
    r->rc[r->landed] = rc;
    r->at[r->landed] = cs_sched_now(r->fx.m->sched);
    if (r->landed++ == 0) {
        uint8_t e[16] = {CRQ_HDR_INIT, CRQ_INIT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
        ck_assert_int_eq(crq_post(r->fx.a, e, post_done, r), H_SUCCESS);
        cs_sched_after(r->fx.m->sched, 3, post_free, r);
    }
}

START_TEST(posted_elements_land_when_the_engine_is_done)
{
    static struct post_run r;
    memset(&r, 0, sizeof(r));
    setup_fixture(&r.fx);
    cs_error err = {0};
    ck_assert_msg(crq_adapter_set_engine(r.fx.a, _i ? CRQ_ENGINE_RTL : CRQ_ENGINE_C, &err) == 0,
                  "%s", err.msg);
    cs_sched_after(r.fx.m->sched, 0, post_start, &r);
    struct cs_run_opts ro = {0};
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(r.fx.m, &ro, &sum, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(sum.idle, 1);
    ck_assert_uint_eq(r.landed, 2);
    ck_assert_int_eq(r.rc[0], H_SUCCESS);
    ck_assert_uint_eq(r.at[0], 3 + 13); /* after H_REG_CRQ's three register writes */
    ck_assert_uint_eq(r.seen_early, 0); /* not visible before it landed */
    ck_assert_uint_eq(slot(&r.fx, 0)[0], CRQ_HDR_INIT);
    ck_assert_uint_eq(slot(&r.fx, 0)[15], 1);
    ck_assert_int_eq(r.rc[1], H_CLOSED); /* freed on its way */
    ck_assert_uint_eq(r.at[1], 3 + 13 + 17);
    ck_assert_uint_eq(slot(&r.fx, 1)[0], 0);
    ck_assert_uint_eq(slot(&r.fx, 1)[15], 0);
    ck_assert_uint_eq(kinds[CRQ_K_ELEMENT], 1);
    ck_assert_uint_eq(kinds[CRQ_K_HV_SEND_FAILED], 1); /* the refused one (H_BUSY is not sent) */
    teardown_fixture(&r.fx);
}
END_TEST

START_TEST(copy_rdma_windows)
{
    struct fixture fx;
    setup_fixture(&fx);
    uint8_t *src = cs_gmem_ptr(&fx.m->domains[0].mem, 0x200000, 64);
    for (int i = 0; i < 64; i++)
        src[i] = (uint8_t)(i + 1);
    /* partition -> hypervisor */
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 64, 0x1000, 0x200000, 0x2000, 128), H_SUCCESS);
    ck_assert_int_eq(memcmp(fx.ep.hvmem + 128, src, 64), 0);
    /* hypervisor -> partition */
    fx.ep.hvmem[0] = 0x5a;
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 1, 0x2000, 0, 0x1000, 0x300000), H_SUCCESS);
    ck_assert_uint_eq(*cs_gmem_ptr(&fx.m->domains[0].mem, 0x300000, 1), 0x5a);
    ck_assert_uint_eq(kinds[CRQ_K_RDMA], 2);
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 64, 0x7777, 0, 0x2000, 0), H_SOURCE_PARM);
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 64, 0x1000, 0x200000, 0x2000, 8190), H_DEST_PARM);
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 64, 0x1000, 64ull << 20, 0x2000, 0), H_SOURCE_PARM);
    mapped_all = 0;
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 64, 0x1000, 0x200000, 0x2000, 0), H_SOURCE_PARM);
    mapped_all = 1;
    ck_assert_int_eq(hc(&fx, H_COPY_RDMA, 32u << 20, 0x1000, 0, 0x2000, 0), H_PARAMETER);
    teardown_fixture(&fx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("crq");
    TCase *tc = tcase_create("facility");
    tcase_add_test(tc, register_return_codes);
    tcase_add_test(tc, elements_header_last_full_consumed_wrap);
    tcase_add_test(tc, send_routes_big_endian_words);
    tcase_add_test(tc, interrupts_only_while_enabled);
    tcase_add_test(tc, transport_events_and_migration);
    tcase_add_test(tc, copy_rdma_windows);
    tcase_add_test(tc, c_costs_match_rtl_cycles);
    tcase_add_loop_test(tc, bad_input_on_both_engines, 0, 2);
    tcase_add_loop_test(tc, posted_elements_land_when_the_engine_is_done, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
