/* The Verilated CRQ queue engine against the queue behaviour the C model's tests check
 * (models/crq/test_crq.c): big-endian elements, header written last, full, consumed in ring
 * order, wrap, interrupts only while enabled, closed and migration-disabled queues; and what
 * only hardware can get wrong: bursts beyond capacity, out-of-range memory. Prints the cycle
 * count of each operation for the C model's calibration (docs/rtl.md). */
#include <stdio.h>
#include <string.h>

#include "crq_engine_model.h"
#include "crq_wire.h"
#include "cs_test.h"

#define QUEUE    0x10000u /* guest-physical address of the test queue */
#define MEM_SIZE (QUEUE + 0x10000u)

struct memop {
    char op;
    uint64_t addr, word;
};

struct fixture {
    uint8_t *mem;
    struct crq_rtl *e;
    struct memop log[4096];
    unsigned nlog;
    uint32_t consumed[512];
    unsigned nconsumed;
    uint64_t irq_cycles[64];
    unsigned nirq;
};

static void on_mem(void *ctx, char op, uint64_t addr, uint64_t word, uint64_t cycle)
{
    struct fixture *fx = ctx;
    (void)cycle;
    if (fx->nlog < sizeof(fx->log) / sizeof(fx->log[0]))
        fx->log[fx->nlog++] = (struct memop){op, addr, word};
}

static void on_consumed(void *ctx, uint32_t slot, uint64_t cycle)
{
    struct fixture *fx = ctx;
    (void)cycle;
    if (fx->nconsumed < 512)
        fx->consumed[fx->nconsumed++] = slot;
}

static void on_irq(void *ctx, uint64_t cycle)
{
    struct fixture *fx = ctx;
    if (fx->nirq < 64)
        fx->irq_cycles[fx->nirq++] = cycle;
}

static struct fixture *setup(unsigned latency)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    ck_assert_ptr_nonnull(fx);
    fx->mem = calloc(1, MEM_SIZE);
    ck_assert_ptr_nonnull(fx->mem);
    fx->e = crq_rtl_new(fx->mem, MEM_SIZE, latency);
    ck_assert_ptr_nonnull(fx->e);
    crq_rtl_on_mem(fx->e, on_mem, fx);
    crq_rtl_on_consumed(fx->e, on_consumed, fx);
    crq_rtl_on_irq(fx->e, on_irq, fx);
    return fx;
}

static void teardown(struct fixture *fx)
{
    crq_rtl_free(fx->e);
    free(fx->mem);
    free(fx);
}

static uint8_t *slot(struct fixture *fx, unsigned i)
{
    return fx->mem + QUEUE + 16 * i;
}

static unsigned state(struct fixture *fx)
{
    return CRQ_RTL_STATUS_STATE(crq_rtl_reg_read(fx->e, CRQ_RTL_R_STATUS));
}

START_TEST(elements_header_last_full_consumed_wrap)
{
    struct fixture *fx = setup(1);
    uint8_t e[16] = {0x80, 0x06, 0, 0, 1, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0x10, 0};
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_CLOSED); /* nothing registered */
    ck_assert_uint_eq(crq_rtl_register(fx->e, QUEUE, 256), CRQ_Q_REGISTERED);
    fx->nlog = 0;
    for (unsigned i = 0; i < 256; i++) {
        e[15] = (uint8_t)i;
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    }
    /* per element, on the memory port: the body word, then the header word, both big-endian */
    unsigned w = 0;
    for (unsigned k = 0; k < fx->nlog; k++) {
        struct memop *m = &fx->log[k];
        if (m->op != 'w')
            continue;
        unsigned i = w / 2;
        if (w % 2 == 0) {
            ck_assert_uint_eq(m->addr, QUEUE + 16 * i + 8);
            ck_assert_uint_eq(m->word, 0xdeadbeef00001000ull | i);
        } else {
            ck_assert_uint_eq(m->addr, QUEUE + 16 * i);
            ck_assert_uint_eq(m->word, 0x8006000001000003ull);
        }
        w++;
    }
    ck_assert_uint_eq(w, 512);
    ck_assert_int_eq(memcmp(slot(fx, 7), e, 15), 0);
    ck_assert_uint_eq(slot(fx, 7)[15], 7);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_DROPPED); /* every slot taken */
    ck_assert_uint_eq(crq_rtl_reclaim(fx->e, NULL), 256);
    /* the consumer takes the first two; the producer wraps to slot 0 */
    slot(fx, 0)[0] = 0;
    slot(fx, 1)[0] = 0;
    ck_assert_uint_eq(crq_rtl_reclaim(fx->e, NULL), 254);
    ck_assert_uint_eq(fx->nconsumed, 2);
    ck_assert_uint_eq(fx->consumed[0], 0);
    ck_assert_uint_eq(fx->consumed[1], 1);
    e[15] = 0xaa;
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    ck_assert_uint_eq(slot(fx, 0)[15], 0xaa);
    struct crq_rtl_counters c;
    crq_rtl_counters(fx->e, &c);
    ck_assert_uint_eq(c.consumed, 2);
    ck_assert_uint_eq(c.enqueued, 257);
    ck_assert_uint_eq(c.dropped, 1);
    ck_assert_uint_eq(c.closed, 1);
    ck_assert_uint_eq(c.next, 1);
    ck_assert_uint_eq(c.oldest, 2);
    /* a slot cleared out of order is not taken back before the older ones */
    slot(fx, 3)[0] = 0;
    ck_assert_uint_eq(crq_rtl_reclaim(fx->e, NULL), 255);
    ck_assert_uint_eq(fx->nconsumed, 2);
    slot(fx, 2)[0] = 0; /* now both go, in order */
    ck_assert_uint_eq(crq_rtl_reclaim(fx->e, NULL), 253);
    ck_assert_uint_eq(fx->nconsumed, 4);
    ck_assert_uint_eq(fx->consumed[2], 2);
    ck_assert_uint_eq(fx->consumed[3], 3);
    teardown(fx);
}
END_TEST

START_TEST(interrupts_only_while_enabled)
{
    struct fixture *fx = setup(1);
    ck_assert_uint_eq(crq_rtl_register(fx->e, QUEUE, 256), CRQ_Q_REGISTERED);
    uint8_t e[16] = {0x80};
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    crq_rtl_step(fx->e, 4);
    ck_assert_uint_eq(fx->nirq, 0);
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_IRQ_EN, 1);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    crq_rtl_step(fx->e, 4);
    ck_assert_uint_eq(fx->nirq, 1); /* one cycle high: seen once */
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK); /* back to back: two pulses */
    crq_rtl_step(fx->e, 4);
    ck_assert_uint_eq(fx->nirq, 3);
    ck_assert_uint_gt(fx->irq_cycles[2], fx->irq_cycles[1] + 1);
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_IRQ_EN, 0);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    crq_rtl_step(fx->e, 4);
    ck_assert_uint_eq(fx->nirq, 3);
    /* refused elements raise nothing */
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_IRQ_EN, 1);
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_QCTRL, 0);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_CLOSED);
    crq_rtl_step(fx->e, 4);
    ck_assert_uint_eq(fx->nirq, 3);
    teardown(fx);
}
END_TEST

START_TEST(transport_events_and_migration)
{
    struct fixture *fx = setup(1);
    uint8_t ev[16] = {CRQ_HDR_EVENT, CRQ_EV_PARTNER_DEREGISTERED};
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, ev, NULL), CRQ_RTL_CLOSED);
    ck_assert_uint_eq(state(fx), CRQ_Q_FREE);
    ck_assert_uint_eq(crq_rtl_register(fx->e, QUEUE, 256), CRQ_Q_REGISTERED);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, ev, NULL), CRQ_RTL_OK);
    ck_assert_uint_eq(slot(fx, 0)[0], 0xFF);
    ck_assert_uint_eq(slot(fx, 0)[1], 0x02);
    ck_assert_uint_eq(state(fx), CRQ_Q_REGISTERED);
    ev[1] = CRQ_EV_MIGRATED;
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, ev, NULL), CRQ_RTL_OK);
    ck_assert_uint_eq(slot(fx, 1)[1], 0x06);
    ck_assert_uint_eq(state(fx), CRQ_Q_DISABLED);
    uint8_t e[16] = {0x80};
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_CLOSED);
    ck_assert_uint_eq(slot(fx, 2)[0], 0);
    /* reclaim still works while disabled */
    slot(fx, 0)[0] = 0;
    ck_assert_uint_eq(crq_rtl_reclaim(fx->e, NULL), 1);
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_ENABLE, 1);
    ck_assert_uint_eq(state(fx), CRQ_Q_REGISTERED);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    ck_assert_uint_eq(slot(fx, 2)[0], 0x80);
    /* ENABLE does not register a freed queue */
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_QCTRL, 0);
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_ENABLE, 1);
    ck_assert_uint_eq(state(fx), CRQ_Q_FREE);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_CLOSED);
    teardown(fx);
}
END_TEST

/* Bursts of back-to-back enqueues into a small ring, a consumer taking a varying number in
 * between: every element the engine accepted reaches the consumer exactly once and in order,
 * every refusal is counted, and each slot is written exactly as often as it was handed out. */
START_TEST(back_to_back_beyond_capacity)
{
    enum { ENTRIES = 64, TOTAL = 2000 };
    struct fixture *fx = setup(1);
    ck_assert_uint_eq(crq_rtl_register(fx->e, QUEUE, ENTRIES), CRQ_Q_REGISTERED);
    static uint32_t accepted[TOTAL], got[TOTAL];
    unsigned naccepted = 0, ngot = 0, ndropped = 0, cur = 0;
    unsigned taken[ENTRIES] = {0}, hdr_writes[ENTRIES] = {0}, body_writes[ENTRIES] = {0};
    uint32_t rnd = 12345;
    for (uint32_t seq = 0; seq < TOTAL;) {
        for (unsigned k = 0; k < 100 && seq < TOTAL; k++, seq++) {
            uint8_t e[16] = {CRQ_HDR_PAYLOAD, VMC_SIGNAL};
            crq_put32(e + 12, seq);
            fx->nlog = 0;
            enum crq_rtl_status st = crq_rtl_enqueue(fx->e, e, NULL);
            ck_assert_msg(st == CRQ_RTL_OK || st == CRQ_RTL_DROPPED, "status %d", st);
            if (st == CRQ_RTL_OK)
                accepted[naccepted++] = seq;
            else
                ndropped++;
            for (unsigned j = 0; j < fx->nlog; j++) {
                if (fx->log[j].op != 'w')
                    continue;
                uint64_t off = fx->log[j].addr - QUEUE;
                (off % 16 ? body_writes : hdr_writes)[off / 16]++;
            }
        }
        rnd = rnd * 1103515245u + 12345u;
        unsigned n = (rnd >> 16) % 90;
        for (unsigned k = 0; k < n && slot(fx, cur)[0]; k++) {
            got[ngot++] = crq_be32(slot(fx, cur) + 12);
            slot(fx, cur)[0] = 0;
            taken[cur]++;
            cur = (cur + 1) % ENTRIES;
        }
    }
    while (slot(fx, cur)[0]) {
        got[ngot++] = crq_be32(slot(fx, cur) + 12);
        slot(fx, cur)[0] = 0;
        taken[cur]++;
        cur = (cur + 1) % ENTRIES;
    }
    ck_assert_uint_gt(ndropped, 0);
    ck_assert_uint_eq(naccepted + ndropped, TOTAL);
    ck_assert_uint_eq(ngot, naccepted);
    for (unsigned i = 0; i < ngot; i++)
        ck_assert_uint_eq(got[i], accepted[i]);
    for (unsigned s = 0; s < ENTRIES; s++) {
        ck_assert_uint_eq(hdr_writes[s], taken[s]);
        ck_assert_uint_eq(body_writes[s], taken[s]);
    }
    struct crq_rtl_counters c;
    crq_rtl_counters(fx->e, &c);
    ck_assert_uint_eq(c.enqueued, naccepted);
    ck_assert_uint_eq(c.dropped, ndropped);
    ck_assert_uint_eq(crq_rtl_reclaim(fx->e, NULL), 0);
    crq_rtl_counters(fx->e, &c);
    ck_assert_uint_eq(c.consumed, naccepted);
    teardown(fx);
}
END_TEST

START_TEST(out_of_range_memory_is_an_error)
{
    struct fixture *fx = setup(1);
    uint8_t e[16] = {0x80};
    /* a queue wholly outside memory */
    ck_assert_uint_eq(crq_rtl_register(fx->e, MEM_SIZE + 4096, 256), CRQ_Q_REGISTERED);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_ERROR);
    ck_assert(crq_rtl_reg_read(fx->e, CRQ_RTL_R_STATUS) & CRQ_RTL_STATUS_MEMERR);
    /* a ring whose third slot lies past the end, and an address that wraps around 2^64 */
    ck_assert_uint_eq(crq_rtl_register(fx->e, MEM_SIZE - 32, 4), CRQ_Q_REGISTERED);
    ck_assert(!(crq_rtl_reg_read(fx->e, CRQ_RTL_R_STATUS) & CRQ_RTL_STATUS_MEMERR));
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_ERROR);
    ck_assert_uint_eq(crq_rtl_reg_read(fx->e, CRQ_RTL_R_NEXT), 2);
    ck_assert_uint_eq(crq_rtl_register(fx->e, UINT64_MAX - 15, 4), CRQ_Q_REGISTERED);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_ERROR);
    /* misaligned */
    ck_assert_uint_eq(crq_rtl_register(fx->e, QUEUE + 4, 4), CRQ_Q_REGISTERED);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_ERROR);
    /* no memory at all */
    struct crq_rtl *none = crq_rtl_new(NULL, 0, 1);
    ck_assert_uint_eq(crq_rtl_register(none, 0, 256), CRQ_Q_REGISTERED);
    ck_assert_int_eq(crq_rtl_enqueue(none, e, NULL), CRQ_RTL_ERROR);
    crq_rtl_free(none);
    /* zero entries registers nothing */
    ck_assert_uint_eq(crq_rtl_register(fx->e, QUEUE, 0), CRQ_Q_FREE);
    teardown(fx);
}
END_TEST

/* The handshake in parts, as the facility's engine thread drives it: a command offered, the
 * engine clocked a few cycles at a time, the response kept for whoever takes it even when a
 * register write clocked it out; writes held back until flushed, the engine reading its own. */
START_TEST(command_in_quanta_with_held_writes)
{
    struct fixture *fx = setup(4);
    uint8_t e[16] = {0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    crq_rtl_register(fx->e, QUEUE, 4);
    crq_rtl_hold_writes(fx->e, 1);
    ck_assert(crq_rtl_idle(fx->e));
    crq_rtl_offer(fx->e, e);
    ck_assert(crq_rtl_pending(fx->e));
    ck_assert(!crq_rtl_idle(fx->e));
    enum crq_rtl_status st;
    uint64_t cycles, at, ran = 0;
    unsigned quanta = 0;
    while (!crq_rtl_take_response(fx->e, &st, &cycles, &at)) {
        ck_assert_uint_lt(quanta, 100);
        ran += crq_rtl_run(fx->e, 3);
        quanta++;
    }
    ck_assert_int_eq(st, CRQ_RTL_OK);
    ck_assert_uint_eq(cycles, 13); /* 1 + 3L, empty ring, as in one go */
    ck_assert_uint_ge(quanta, 5);
    ck_assert_uint_eq(at, crq_rtl_cycle(fx->e));
    ck_assert(!crq_rtl_pending(fx->e));
    /* held: memory has nothing yet, the engine's own reclaim reads see the element */
    ck_assert_uint_eq(slot(fx, 0)[0], 0);
    e[15] = 0x77;
    crq_rtl_offer(fx->e, e);
    crq_rtl_reg_write(fx->e, CRQ_RTL_R_IRQ_EN, 1); /* its edge accepts the command */
    crq_rtl_run(fx->e, 100);
    ck_assert(crq_rtl_take_response(fx->e, &st, &cycles, NULL));
    ck_assert_int_eq(st, CRQ_RTL_OK);
    ck_assert_uint_eq(cycles, 17); /* slot 0 looked at and still taken: 1 + 4L */
    ck_assert_uint_eq(fx->nconsumed, 0);
    ck_assert_uint_eq(slot(fx, 1)[0], 0);
    crq_rtl_flush_writes(fx->e);
    crq_rtl_hold_writes(fx->e, 0);
    ck_assert_uint_eq(slot(fx, 0)[0], 0x80);
    ck_assert_uint_eq(slot(fx, 0)[15], 15);
    ck_assert_uint_eq(slot(fx, 1)[15], 0x77);
    ck_assert(crq_rtl_idle(fx->e));
    /* a gated clock: time goes on, nothing moves */
    uint64_t c0 = crq_rtl_cycle(fx->e);
    crq_rtl_skip(fx->e, 1000);
    ck_assert_uint_eq(crq_rtl_cycle(fx->e), c0 + 1000);
    ck_assert_uint_eq(crq_rtl_reg_read(fx->e, CRQ_RTL_R_NEXT), 2);
    teardown(fx);
}
END_TEST

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* --wave: an FST file (GTKWave's format, fstapi's header block) with the engine's scope and its
 * signals, covering the time the engine ran. */
START_TEST(wave_is_an_fst_of_the_engine)
{
    char dir[512], path[600];
    cs_test_tmpdir(dir, sizeof(dir), "crq-engine-wave");
    snprintf(path, sizeof(path), "%s/engine.fst", dir);
    struct fixture *fx = setup(2);
    ck_assert_int_eq(crq_rtl_wave_open(fx->e, "/nonexistent-dir/x.fst", 1000, 0), -1);
    ck_assert_int_eq(crq_rtl_wave_open(fx->e, path, 1000, 0), 0);
    ck_assert_int_eq(crq_rtl_wave_open(fx->e, path, 1000, 0), -1); /* one per engine */
    uint8_t e[16] = {0x80};
    crq_rtl_register(fx->e, QUEUE, 4);
    ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
    uint64_t end_cycle = crq_rtl_cycle(fx->e);
    teardown(fx); /* closes the wave */
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t h[330];
    ck_assert_uint_eq(fread(h, 1, sizeof(h), f), sizeof(h));
    fclose(f);
    ck_assert_uint_eq(h[0], 0);          /* FST_BL_HDR */
    ck_assert_uint_eq(be64(h + 1), 329); /* its length */
    double endian;
    memcpy(&endian, h + 25, 8); /* e, in the writer's byte order */
    ck_assert(endian > 2.718281 && endian < 2.718282);
    ck_assert_uint_ge(be64(h + 17), (end_cycle - 1) * 1000); /* end time, ps */
    ck_assert_uint_ge(be64(h + 41), 2);                      /* scopes: TOP and crq_engine */
    ck_assert_uint_ge(be64(h + 49), 20);                     /* variables: every port and more */
    ck_assert_int_eq((int8_t)h[73], -12);                    /* timescale 1 ps */
}
END_TEST

/* The cycles each operation takes, acceptance to response, per memory latency: the RTL side
 * of the C model's calibration. Printed, not asserted. */
START_TEST(cycle_counts)
{
    for (unsigned lat = 1; lat <= 4; lat *= 2) {
        struct fixture *fx = setup(lat);
        uint8_t e[16] = {0x80};
        uint64_t closed, first, one_pending, reclaim1, reclaim2, dropped, rec_only;
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, &closed), CRQ_RTL_CLOSED);
        crq_rtl_register(fx->e, QUEUE, 4);
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, &first), CRQ_RTL_OK);
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, &one_pending), CRQ_RTL_OK);
        slot(fx, 0)[0] = 0;
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, &reclaim1), CRQ_RTL_OK);
        slot(fx, 1)[0] = 0;
        slot(fx, 2)[0] = 0;
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, &reclaim2), CRQ_RTL_OK);
        for (int k = 0; k < 3; k++) /* slots 0..2 again: full */
            ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, NULL), CRQ_RTL_OK);
        ck_assert_int_eq(crq_rtl_enqueue(fx->e, e, &dropped), CRQ_RTL_DROPPED);
        slot(fx, 3)[0] = 0;
        crq_rtl_reclaim(fx->e, &rec_only);
        printf("crq_engine cycles (memory latency %u): closed %llu; enqueue: empty ring %llu, "
               "1 slot checked, not consumed %llu, 2 checked, 1 consumed %llu, "
               "2 checked, both consumed %llu; dropped (1 checked) %llu; "
               "reclaim-only, 2 checked %llu\n",
               lat, (unsigned long long)closed, (unsigned long long)first,
               (unsigned long long)one_pending, (unsigned long long)reclaim1,
               (unsigned long long)reclaim2, (unsigned long long)dropped,
               (unsigned long long)rec_only);
        teardown(fx);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("crq_engine");
    TCase *tc = tcase_create("rtl");
    tcase_add_test(tc, elements_header_last_full_consumed_wrap);
    tcase_add_test(tc, interrupts_only_while_enabled);
    tcase_add_test(tc, transport_events_and_migration);
    tcase_add_test(tc, back_to_back_beyond_capacity);
    tcase_add_test(tc, out_of_range_memory_is_an_error);
    tcase_add_test(tc, cycle_counts);
    tcase_add_test(tc, command_in_quanta_with_held_writes);
    tcase_add_test(tc, wave_is_an_fst_of_the_engine);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
