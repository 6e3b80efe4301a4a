/* The chipset side of the controlvm channel against a scripted guest double that follows the
 * visorchipset poll of spec visor.md §3.4 (drain q1, take a command from q2, ACK into q3,
 * respond into q0): the command script goes out one command at a time, ACKs and responses are
 * matched by handle, and every guest misbehaviour (unknown handle, second response, wrong id,
 * response before ACK, a dropped command) is counted and described. A command partition with
 * small queues, bursts and a slow drain (visor_chipset_config) keeps the dependencies between
 * commands and reads no response before the ACKs ahead of it. */
#include "cs_test.h"
#include "test_visor_util.h"
#include "visor_controlvm.h"

#define CVM 0x100000

static struct vt_bench b;
static struct visor_chipset *c;
static uint32_t done_ids[64];
static int ndone, nfailed;
/* Stray messages the double discarded from q1, and the number the next one must carry. */
static uint64_t discarded, next_stray;

static void on_done(void *ctx, const struct visor_cvm_result *r)
{
    (void)ctx;
    if (ndone < 64)
        done_ids[ndone++] = r->id;
    nfailed += r->failed;
}

static void setup(void)
{
    cs_error err = {0};
    vt_bench_init(&b, 4 << 20);
    ck_assert_msg(visor_chipset_create(&b.mem, CVM, &b.tap, vt_bench_channel(&b, "visor.controlvm"),
                                       &c, &err) == 0,
                  "%s", err.msg);
    visor_chipset_on_done(c, on_done, NULL);
    ndone = nfailed = 0;
    discarded = 0;
    next_stray = 1;
}

static void teardown(void)
{
    visor_chipset_free(c);
    vt_bench_release(&b);
}

/* How the double misbehaves. */
enum { GOOD, NO_ACK, TWICE, WRONG_ID, FAIL_BUS };

/* Drain q1 as visorchipset does (at most 64 removals); each stray is checked to come in order,
 * once. Returns 1 when the drain ended empty (the poll goes on), 0 when it hit the cap. */
static int guest_drain(void)
{
    uint8_t m[128];
    int count = 0, rc;
    do {
        rc = vt_guest_remove(&b.mem, CVM, VISOR_CVM_Q_RESPONSE, m);
        if (rc == 0) {
            ck_assert_uint_eq(visor_le64(m + VISOR_MSG_HANDLE),
                              VISOR_CVM_STRAY_HANDLE | next_stray);
            ck_assert_uint_eq(visor_le64(m + VISOR_MSG_PACKET), next_stray);
            next_stray++;
            discarded++;
        }
    } while (rc == 0 && ++count < 64);
    return rc != 0;
}

/* One guest poll: returns the id of the command it handled, 0 if none. */
static uint32_t guest_poll(int mode)
{
    uint8_t m[128];
    if (!guest_drain())
        return 0;
    if (vt_guest_remove(&b.mem, CVM, VISOR_CVM_Q_EVENT, m))
        return 0;
    uint32_t id = visor_le32(m);
    uint8_t ack[128];
    memcpy(ack, m, 48);
    memset(ack + 32, 0, 16); /* payload fields zeroed, packet zeroed */
    memset(ack + 48, 0, 80);
    if (mode != NO_ACK)
        ck_assert_int_eq(vt_guest_insert(&b.mem, CVM, VISOR_CVM_Q_ACK, ack), 0);
    if (!(visor_le32(m + VISOR_MSG_FLAGS) & VISOR_MSGF_RESPONSE_EXP))
        return id;
    uint8_t rsp[128];
    memcpy(rsp, m, 128);
    memset(rsp + 32, 0, 16);
    if (mode == FAIL_BUS && id == VISOR_CVM_BUS_CREATE) {
        visor_put32(rsp + VISOR_MSG_FLAGS, visor_le32(rsp + VISOR_MSG_FLAGS) | VISOR_MSGF_FAILED);
        visor_put32(rsp + VISOR_MSG_COMPLETION, 17); /* -EEXIST */
    }
    if (mode == WRONG_ID)
        visor_put32(rsp, id + 1);
    ck_assert_int_eq(vt_guest_insert(&b.mem, CVM, VISOR_CVM_Q_REQUEST, rsp), 0);
    if (mode == TWICE)
        ck_assert_int_eq(vt_guest_insert(&b.mem, CVM, VISOR_CVM_Q_REQUEST, rsp), 0);
    return id;
}

static void script(void)
{
    cs_error err = {0};
    uint8_t m[128];
    static const visor_guid vhba = VISOR_GUID_VHBA;
    visor_cvm_chipset_init(m, 1, 0, 2);
    visor_chipset_submit(c, m, &err);
    visor_cvm_bus_create(m, 1, 4, 0x300000, 4096, NULL);
    visor_chipset_submit(c, m, &err);
    visor_cvm_device_create(m, 1, 0, 0x310000, 0x27000, &vhba, NULL);
    visor_chipset_submit(c, m, &err);
    visor_cvm_device_changestate(m, 1, 0, VISOR_SEGSTATE_STANDBY);
    visor_chipset_submit(c, m, &err);
    visor_cvm_device_changestate(m, 1, 0, VISOR_SEGSTATE_RUNNING);
    visor_chipset_submit(c, m, &err);
    visor_cvm_device_destroy(m, 1, 0);
    visor_chipset_submit(c, m, &err);
    visor_cvm_bus_destroy(m, 1);
    visor_chipset_submit(c, m, &err);
    visor_cvm_simple(m, VISOR_CVM_CHIPSET_READY);
    visor_chipset_submit(c, m, &err);
}

START_TEST(flow_one_command_at_a_time)
{
    cs_error err = {0};
    script();
    static const uint32_t order[] = {VISOR_CVM_CHIPSET_INIT,       VISOR_CVM_BUS_CREATE,
                                     VISOR_CVM_DEVICE_CREATE,      VISOR_CVM_DEVICE_CHANGESTATE,
                                     VISOR_CVM_DEVICE_CHANGESTATE, VISOR_CVM_DEVICE_DESTROY,
                                     VISOR_CVM_BUS_DESTROY,        VISOR_CVM_CHIPSET_READY};
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_msg(visor_chipset_poll(c, &err) >= 0, "%s", err.msg);
        /* exactly one command waits in q2 */
        ck_assert_uint_eq(visor_channel_pending(visor_chipset_channel(c), VISOR_CVM_Q_EVENT), 1);
        ck_assert_uint_eq(guest_poll(GOOD), order[i]);
        ck_assert_uint_eq(guest_poll(GOOD), 0);
    }
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    struct visor_chipset_stats s;
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.sent, 8);
    ck_assert_uint_eq(s.acked, 8);
    ck_assert_uint_eq(s.responded, 8);
    ck_assert_uint_eq(s.protocol_errors, 0);
    ck_assert_uint_eq(visor_chipset_outstanding(c), 0);
    ck_assert_int_eq(ndone, 8);
    ck_assert_uint_eq(done_ids[7], VISOR_CVM_CHIPSET_READY);
    /* the wire: command packets as the spec lays them out */
    ck_assert_uint_eq(b.kinds[VISOR_K_SIGNAL][CS_TAP_TO_GUEST], 8);
    ck_assert_uint_eq(b.kinds[VISOR_K_SIGNAL][CS_TAP_TO_FW], 16);
}
END_TEST

START_TEST(packets_and_handles)
{
    cs_error err = {0};
    script();
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    uint8_t m[128];
    ck_assert_int_eq(vt_guest_remove(&b.mem, CVM, VISOR_CVM_Q_EVENT, m), 0);
    ck_assert_uint_eq(visor_le32(m), 0x301);
    ck_assert_uint_eq(visor_le64(m + VISOR_MSG_HANDLE), 1);
    ck_assert_uint_eq(visor_le32(m + VISOR_MSG_FLAGS) & VISOR_MSGF_RESPONSE_EXP, 2);
    ck_assert_uint_eq(visor_le32(m + 48 + 8), 2); /* features */
    uint8_t dc[128];
    visor_cvm_device_create(dc, 3, 5, 0x1234000, 0x27000, &(visor_guid)VISOR_GUID_VNIC, NULL);
    ck_assert_uint_eq(visor_le32(dc), 0x201);
    ck_assert_uint_eq(visor_le32(dc + 48), 3);
    ck_assert_uint_eq(visor_le32(dc + 52), 5);
    ck_assert_uint_eq(visor_le64(dc + 56), 0x1234000);
    ck_assert_uint_eq(visor_le64(dc + 64), 0x27000);
    ck_assert_uint_eq(dc[72], 0x4d);
    uint8_t cs[128];
    visor_cvm_device_changestate(cs, 1, 2, VISOR_SEGSTATE_STANDBY);
    ck_assert_uint_eq(visor_le16(cs + 56), 0x73);
}
END_TEST

START_TEST(guest_misbehaviour_counted)
{
    cs_error err = {0};
    struct visor_chipset_stats s;
    script();
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    guest_poll(TWICE);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.protocol_errors, 1);
    cs_assert_contains(s.first_error, "second response for handle 1");

    guest_poll(WRONG_ID); /* BUS_CREATE answered as 0x102 */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.protocol_errors, 2);
    ck_assert_uint_eq(visor_chipset_outstanding(c), 1); /* still waiting for BUS_CREATE */

    /* an ACK for a handle never sent */
    uint8_t m[128] = {0};
    visor_put32(m, 0x201);
    visor_put64(m + VISOR_MSG_HANDLE, 99);
    vt_guest_insert(&b.mem, CVM, VISOR_CVM_Q_ACK, m);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.protocol_errors, 3);
}
END_TEST

START_TEST(failed_response_and_dropped_command)
{
    cs_error err = {0};
    script();
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    guest_poll(GOOD);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    guest_poll(FAIL_BUS);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_int_eq(nfailed, 1);
    /* the guest takes DEVICE_CREATE but neither ACKs nor answers: it stays outstanding, and the
     * script waits behind it */
    uint8_t m[128];
    ck_assert_int_eq(vt_guest_remove(&b.mem, CVM, VISOR_CVM_Q_EVENT, m), 0);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(visor_chipset_outstanding(c), 1);
    ck_assert_uint_eq(visor_channel_pending(visor_chipset_channel(c), VISOR_CVM_Q_EVENT), 0);
    struct visor_chipset_stats s;
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.failed, 1);
    ck_assert_uint_eq(s.sent, 3);
}
END_TEST

START_TEST(vmcall_returns_the_channel)
{
    uint8_t *pb = cs_gmem_ptr(&b.mem, 0x3000, 16);
    memset(pb, 0xFF, 16);
    ck_assert_int_eq(visor_chipset_vmcall(c, 0x0501, 0x3000, 0), 0);
    ck_assert_uint_eq(visor_le64(pb), CVM);
    ck_assert_uint_eq(visor_le32(pb + 8), 36608);
    ck_assert_int_eq(visor_chipset_vmcall(c, 0x0501, 0xFFFFFFF0, 0xF), 1);
    ck_assert_int_eq(visor_chipset_vmcall(c, 0x0708, 0x3000, 0), 1);
}
END_TEST

/* Replace the default chipset with one configured as cfg. */
static void reconfigure_stray(uint32_t slots, uint32_t burst, uint32_t drain, uint32_t stray)
{
    cs_error err = {0};
    visor_chipset_free(c);
    struct visor_chipset_config cfg = {slots, burst, drain, stray};
    ck_assert_msg(visor_chipset_create_cfg(&b.mem, CVM, &cfg, &b.tap,
                                           vt_bench_channel(&b, "visor.controlvm.cfg"), &c,
                                           &err) == 0,
                  "%s", err.msg);
    visor_chipset_on_done(c, on_done, NULL);
}

static void reconfigure(uint32_t slots, uint32_t burst, uint32_t drain)
{
    reconfigure_stray(slots, burst, drain, 0);
}

START_TEST(burst_keeps_dependencies_and_order)
{
    cs_error err = {0};
    uint8_t m[128];
    static const visor_guid vhba = VISOR_GUID_VHBA;
    reconfigure(4, 8, 0);
    ck_assert_uint_eq(
        visor_le32(vt_queue_field(&b.mem, CVM, VISOR_CVM_Q_EVENT, VISOR_QH_MAX_SLOTS)), 4);
    visor_cvm_chipset_init(m, 1, 0, 0);
    visor_chipset_submit(c, m, &err);
    visor_cvm_device_create(m, 1, 0, 0x310000, 0x27000, &vhba, NULL);
    visor_chipset_submit(c, m, &err);
    visor_cvm_device_changestate(m, 1, 0, VISOR_SEGSTATE_STANDBY);
    visor_chipset_submit(c, m, &err);
    for (uint32_t d = 1; d < 5; d++) {
        visor_cvm_device_create(m, 1, d, 0x310000, 0x27000, &vhba, NULL);
        visor_chipset_submit(c, m, &err);
    }
    visor_cvm_simple(m, VISOR_CVM_CHIPSET_READY);
    visor_chipset_submit(c, m, &err);
    struct visor_channel *ch = visor_chipset_channel(c);
    /* CHIPSET_INIT alone: everything waits for it */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_EVENT), 1);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_CHIPSET_INIT);
    /* DEVICE_CREATE 1.0; its CHANGESTATE waits for it, and what follows keeps its place */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_EVENT), 1);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_DEVICE_CREATE);
    /* CHANGESTATE 1.0 and DEVICE_CREATE 1.1, 1.2 back to back: three fill four slots */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_EVENT), 3);
    struct visor_chipset_stats s;
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.event_full, 1);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_DEVICE_CHANGESTATE);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_DEVICE_CREATE);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_DEVICE_CREATE);
    /* 1.3 and 1.4; CHIPSET_READY waits until they are answered */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_EVENT), 2);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_DEVICE_CREATE);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_DEVICE_CREATE);
    ck_assert_uint_eq(guest_poll(GOOD), 0);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_CHIPSET_READY);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.sent, 8);
    ck_assert_uint_eq(s.responded, 8);
    ck_assert_uint_eq(s.protocol_errors, 0);
    ck_assert_uint_eq(s.max_in_flight, 3);
    ck_assert_uint_eq(visor_chipset_outstanding(c), 0);
    /* answered in the order sent */
    ck_assert_int_eq(ndone, 8);
    ck_assert_uint_eq(done_ids[2], VISOR_CVM_DEVICE_CHANGESTATE);
}
END_TEST

START_TEST(slow_drain_takes_one_message_per_pass)
{
    cs_error err = {0};
    uint8_t m[128];
    reconfigure(4, 4, 1);
    visor_cvm_chipset_init(m, 1, 0, 0);
    visor_chipset_submit(c, m, &err);
    for (uint32_t bus = 1; bus < 4; bus++) {
        visor_cvm_bus_create(m, bus, 4, 0x300000, 4096, NULL);
        visor_chipset_submit(c, m, &err);
    }
    struct visor_chipset_stats s;
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0); /* INIT sent; the ACK queue's turn next */
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_CHIPSET_INIT);
    /* this pass starts with the response queue: the ACK ahead of the response is read first,
     * not taken for a response before its ACK */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.acked, 1);
    ck_assert_uint_eq(s.responded, 1);
    ck_assert_uint_eq(s.protocol_errors, 0);
    /* the three BUS_CREATEs went out; the guest answers them all */
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_BUS_CREATE);
    struct visor_channel *ch = visor_chipset_channel(c);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_ACK), 3);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_REQUEST), 3);
    /* one message per pass, the queues in turn */
    ck_assert_int_eq(visor_chipset_poll(c, &err), 1);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_ACK), 2);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_REQUEST), 3);
    ck_assert_int_eq(visor_chipset_poll(c, &err), 1);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_REQUEST), 2);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(visor_chipset_poll(c, &err), 1);
    ck_assert_int_eq(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.acked, 4);
    ck_assert_uint_eq(s.responded, 4);
    ck_assert_uint_eq(s.protocol_errors, 0);
}
END_TEST

START_TEST(strays_fill_the_response_queue_and_lose_nothing)
{
    cs_error err = {0};
    uint8_t m[128];
    reconfigure_stray(4, 4, 0, 10);
    visor_cvm_chipset_init(m, 1, 0, 0);
    visor_chipset_submit(c, m, &err);
    for (uint32_t bus = 1; bus < 3; bus++) {
        visor_cvm_bus_create(m, bus, 4, 0x300000, 4096, NULL);
        visor_chipset_submit(c, m, &err);
    }
    struct visor_channel *ch = visor_chipset_channel(c);
    struct visor_chipset_stats s;
    struct visor_queue_stats q1;
    /* CHIPSET_INIT goes out, then three strays fill the 4-slot q1 while it is pending; the
     * fourth finds it full: counted once, in the chipset and in num_overflows */
    ck_assert_int_eq(visor_chipset_poll(c, &err), 1 + 3);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_RESPONSE), 3);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.stray_sent, 3);
    ck_assert_uint_eq(s.stray_pending, 3);
    ck_assert_uint_eq(s.response_full, 1);
    ck_assert_uint_eq(visor_chipset_strays_waiting(c), 7);
    visor_channel_stats(ch, VISOR_CVM_Q_RESPONSE, &q1);
    ck_assert_uint_eq(q1.overflows, 1);
    ck_assert_uint_eq(
        visor_le64(vt_queue_field(&b.mem, CVM, VISOR_CVM_Q_RESPONSE, VISOR_QH_NUM_OVERFLOWS)), 1);
    /* the pass that finds q1 full moves nothing into it and loses nothing */
    ck_assert_int_eq(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.stray_sent, 3);
    ck_assert_uint_eq(s.response_full, 2);
    /* the guest discards 1..3 and handles the command; the strays after it go in in order */
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_CHIPSET_INIT);
    ck_assert_uint_eq(discarded, 3);
    int rounds = 0;
    while ((visor_chipset_strays_waiting(c) || visor_chipset_outstanding(c) ||
            visor_channel_pending(ch, VISOR_CVM_Q_RESPONSE) ||
            visor_channel_pending(ch, VISOR_CVM_Q_EVENT)) &&
           rounds++ < 20) {
        ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
        guest_poll(GOOD);
    }
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.stray_sent, 10);
    ck_assert_uint_ge(s.stray_pending, 3);
    ck_assert_uint_le(s.stray_pending, 10);
    ck_assert_uint_eq(discarded, 10);
    ck_assert_uint_eq(next_stray, 11);
    visor_channel_stats(ch, VISOR_CVM_Q_RESPONSE, &q1);
    ck_assert_uint_eq(q1.sent, 10);
    ck_assert_uint_eq(q1.received, 10);
    ck_assert_uint_eq(q1.overflows, s.response_full);
    ck_assert_uint_ge(s.response_full, 3);
    /* the commands were not disturbed: all answered, in order, nothing unexpected */
    ck_assert_uint_eq(s.responded, 3);
    ck_assert_uint_eq(s.protocol_errors, 0);
    ck_assert_int_eq(ndone, 3);
    ck_assert_uint_eq(done_ids[0], VISOR_CVM_CHIPSET_INIT);
    ck_assert_uint_eq(done_ids[1], VISOR_CVM_BUS_CREATE);
    ck_assert_uint_eq(visor_chipset_strays_waiting(c), 0);
}
END_TEST

/* A q1 the guest does not keep up with, as with a producer that refills it while the guest
 * drains: the drain stops at 64 removals and the command waits for a poll whose drain ends
 * empty (spec §3.4 step 1). The double plays that producer. */
START_TEST(drain_cap_delays_commands_without_breaking_them)
{
    cs_error err = {0};
    uint8_t m[128];
    reconfigure_stray(0, 0, 0, 100);
    visor_cvm_chipset_init(m, 1, 0, 0);
    visor_chipset_submit(c, m, &err);
    struct visor_channel *ch = visor_chipset_channel(c);
    ck_assert_int_eq(visor_chipset_poll(c, &err), 1 + 63); /* 63 strays fill 64 slots */
    struct visor_chipset_stats s;
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.response_full, 1);
    /* the guest drains; the firmware refills q1 before the guest's 63rd removal returns */
    uint8_t r[128];
    int count = 0, rc;
    do {
        rc = vt_guest_remove(&b.mem, CVM, VISOR_CVM_Q_RESPONSE, r);
        if (rc == 0) {
            ck_assert_uint_eq(visor_le64(r + VISOR_MSG_PACKET), next_stray);
            next_stray++;
            discarded++;
            if (count == 62)
                ck_assert_int_eq(visor_chipset_poll(c, &err), 37);
        }
    } while (rc == 0 && ++count < 64);
    /* 64 removals: the cap, with q1 not known empty: nothing else this poll */
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(discarded, 64);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_RESPONSE), 36);
    ck_assert_uint_eq(visor_channel_pending(ch, VISOR_CVM_Q_EVENT), 1);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.acked, 0);
    /* the next poll's drain ends empty (36 removals), and it takes the command */
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    ck_assert_uint_eq(guest_poll(GOOD), VISOR_CVM_CHIPSET_INIT);
    ck_assert_uint_eq(discarded, 100);
    ck_assert_int_ge(visor_chipset_poll(c, &err), 0);
    visor_chipset_stats(c, &s);
    ck_assert_uint_eq(s.acked, 1);
    ck_assert_uint_eq(s.responded, 1);
    ck_assert_uint_eq(s.protocol_errors, 0);
}
END_TEST

START_TEST(queue_slots_outside_range_refused)
{
    cs_error err = {0};
    struct visor_chipset *x = NULL;
    struct visor_chipset_config one = {1, 0, 0, 0}, many = {65, 0, 0, 0};
    ck_assert_int_eq(visor_chipset_create_cfg(&b.mem, 0x200000, &one, NULL, 0, &x, &err), -1);
    cs_assert_contains(err.msg, "1 slots per queue (2 to 64)");
    ck_assert_int_eq(visor_chipset_create_cfg(&b.mem, 0x200000, &many, NULL, 0, &x, &err), -1);
    cs_assert_contains(err.msg, "65 slots");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_controlvm");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, flow_one_command_at_a_time);
    tcase_add_test(t, packets_and_handles);
    tcase_add_test(t, guest_misbehaviour_counted);
    tcase_add_test(t, failed_response_and_dropped_command);
    tcase_add_test(t, vmcall_returns_the_channel);
    tcase_add_test(t, burst_keeps_dependencies_and_order);
    tcase_add_test(t, slow_drain_takes_one_message_per_pass);
    tcase_add_test(t, strays_fill_the_response_queue_and_lose_nothing);
    tcase_add_test(t, drain_cap_delays_commands_without_breaking_them);
    tcase_add_test(t, queue_slots_outside_range_refused);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
