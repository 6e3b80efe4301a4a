/* The VMC hypervisor endpoint without a driver: a hand-played partition registers a queue,
 * runs the INIT handshake, capabilities, OPEN, SIGNALs and CLOSE, and the answers are read
 * from its queue: the obligations of crq-vmc.md §2.6. */
#include "cs_machine.h"
#include "cs_test.h"
#include "crq.h"
#include "test_crq_util.h"
#include "vmc_hv.h"

#define DATA(f) TESTDATA_DIR "/" f
#define QUEUE   0x100000
#define UNIT    0x30000002
#define LOCAL   0x1000
#define REMOTE  0x80000000u

struct fx {
    struct cs_platform *p;
    struct cs_machine *m;
    struct crq_facility *f;
    struct vmc_hv *hv;
    unsigned next; /* consumer position */
};

static void setup(struct fx *x, uint32_t faults)
{
    memset(x, 0, sizeof(*x));
    cs_error err = {0};
    crq_test_machine(DATA("lpar.xml"), &x->p, &x->m);
    ck_assert_int_eq(crq_facility_create(&x->m->domains[0], &x->f, &err), 0);
    struct vmc_hv_config cfg;
    vmc_hv_default_config(&cfg);
    cfg.pool_size = 4;
    cfg.faults = faults;
    ck_assert_msg(vmc_hv_create(x->f, "lpar.vmc", UNIT, LOCAL, REMOTE, &cfg, &x->hv, &err) == 0,
                  "%s", err.msg);
}

static void teardown(struct fx *x)
{
    vmc_hv_free(x->hv);
    crq_facility_free(x->f);
    cs_machine_free(x->m);
    cs_platform_free(x->p);
}

static long hcall(struct fx *x, unsigned long op, unsigned long a0, unsigned long a1,
                  unsigned long a2, unsigned long a3, unsigned long a4)
{
    unsigned long a[5] = {a0, a1, a2, a3, a4};
    uint64_t cost;
    return crq_hcall(x->f, op, a, 5, NULL, &cost);
}

static long send(struct fx *x, const uint8_t e[16])
{
    return hcall(x, H_SEND_CRQ, UNIT, crq_be64(e), crq_be64(e + 8), 0, 0);
}

/* Let the hypervisor answer, then take the next element from the queue (NULL if none). */
static const uint8_t *take(struct fx *x)
{
    static uint8_t e[16];
    cs_sched_run_standalone(x->m->sched, UINT64_MAX);
    uint8_t *s = cs_gmem_ptr(&x->m->domains[0].mem, QUEUE + 16ull * x->next, 16);
    if (!s[0])
        return NULL;
    memcpy(e, s, 16);
    s[0] = 0;
    x->next = (x->next + 1) % 256;
    return e;
}

static void cap(uint8_t e[16], uint16_t crq_size)
{
    memset(e, 0, 16);
    e[0] = 0x80;
    e[1] = VMC_CAP;
    e[5] = 1;
    crq_put16(e + 6, 32);
    crq_put32(e + 8, 4096);
    crq_put16(e + 12, crq_size);
    crq_put16(e + 14, VMC_PROTOCOL_VERSION);
}

static void hmc(uint8_t e[16], uint8_t type, uint8_t session, uint8_t index, uint16_t b,
                uint32_t var3)
{
    memset(e, 0, 16);
    e[0] = 0x80;
    e[1] = type;
    e[4] = session;
    e[5] = index;
    crq_put16(e + 6, b);
    crq_put32(e + 12, var3);
}

static void handshake(struct fx *x)
{
    ck_assert_int_eq(hcall(x, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    const uint8_t init[16] = {0xC0, 0x01};
    ck_assert_int_eq(send(x, init), H_SUCCESS);
    const uint8_t *r = take(x);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r[0], 0xC0);
    ck_assert_uint_eq(r[1], 0x02);
}

START_TEST(init_caps_and_seeding)
{
    struct fx x;
    setup(&x, 0);
    handshake(&x);
    uint8_t e[16];
    cap(e, 256);
    ck_assert_int_eq(send(&x, e), H_SUCCESS);
    const uint8_t *r = take(&x);
    ck_assert_uint_eq(r[1], VMC_CAP_RESP);
    ck_assert_uint_eq(VMC_CAP_STATUS(r), 0);
    ck_assert_uint_eq(VMC_CAP_MAX_HMC(r), 1);
    ck_assert_uint_eq(VMC_CAP_POOL_SIZE(r), 4);
    ck_assert_uint_eq(VMC_CAP_MAX_MTU(r), 4096);
    ck_assert_uint_eq(VMC_CAP_VERSION(r) >> 8, 1);
    r = take(&x); /* one partition-owned buffer for the OPEN */
    ck_assert_uint_eq(r[1], VMC_ADD_BUF);
    ck_assert_uint_eq(VMC_VAR1(r), 0);
    ck_assert_uint_eq(VMC_SESSION(r), 0);
    ck_assert_uint_eq(VMC_BUFFER_ID(r), 0);
    ck_assert_ptr_null(take(&x));
    teardown(&x);
}
END_TEST

START_TEST(open_signal_echo_close)
{
    struct fx x;
    setup(&x, 0);
    handshake(&x);
    uint8_t e[16];
    cap(e, 256);
    send(&x, e);
    take(&x);
    const uint8_t *r = take(&x);
    uint32_t seed = VMC_VAR3(r);
    /* the partition copies the HMC id into the seed buffer, then opens session 1 */
    uint8_t *data = cs_gmem_ptr(&x.m->domains[0].mem, 0x200000, 4096);
    memcpy(data, "hmc-identity-0000000000000000000", 32);
    ck_assert_int_eq(hcall(&x, H_COPY_RDMA, 4096, LOCAL, 0x200000, REMOTE, seed), H_SUCCESS);
    hmc(e, VMC_OPEN, 1, 0, 0, 0);
    send(&x, e);
    int adds = 0;
    while ((r = take(&x)) && r[1] == VMC_ADD_BUF) {
        ck_assert_uint_eq(VMC_SESSION(r), 1);
        ck_assert_uint_eq(VMC_VAR1(r), 1); /* hypervisor-owned */
        adds++;
    }
    ck_assert_int_eq(adds, 3); /* pool of 4: the seed and three more */
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r[1], VMC_OPEN_RESP);
    ck_assert_uint_eq(VMC_STATUS(r), 0);
    ck_assert_uint_eq(VMC_BUFFER_ID(r), 0);
    /* a message in buffer 0: copied over, signalled, echoed back in the same buffer */
    memset(data, 0x42, 100);
    ck_assert_int_eq(hcall(&x, H_COPY_RDMA, 100, LOCAL, 0x200000, REMOTE, seed), H_SUCCESS);
    hmc(e, VMC_SIGNAL, 1, 0, 0, 100);
    send(&x, e);
    r = take(&x);
    ck_assert_uint_eq(r[1], VMC_SIGNAL);
    ck_assert_uint_eq(VMC_BUFFER_ID(r), 0);
    ck_assert_uint_eq(VMC_VAR3(r), 100);
    memset(data, 0, 100);
    ck_assert_int_eq(hcall(&x, H_COPY_RDMA, 100, REMOTE, seed, LOCAL, 0x200000), H_SUCCESS);
    ck_assert_uint_eq(data[99], 0x42);
    /* a signal for another session is refused */
    hmc(e, VMC_SIGNAL, 9, 0, 0, 100);
    send(&x, e);
    ck_assert_ptr_null(take(&x));
    hmc(e, VMC_CLOSE, 1, 0, 0, 0);
    send(&x, e);
    r = take(&x);
    ck_assert_uint_eq(r[1], VMC_CLOSE_RESP);
    ck_assert_uint_eq(VMC_STATUS(r), 0);
    r = take(&x); /* re-seeded for the next open */
    ck_assert_uint_eq(r[1], VMC_ADD_BUF);
    ck_assert_uint_eq(VMC_VAR1(r), 0);
    struct vmc_hv_stats st;
    vmc_hv_stats(x.hv, &st);
    ck_assert_uint_eq(st.opened, 1);
    ck_assert_uint_eq(st.closed, 1);
    ck_assert_uint_eq(st.signals_in, 1);
    ck_assert_uint_eq(st.signals_out, 1);
    ck_assert_uint_eq(st.rejected, 1);
    teardown(&x);
}
END_TEST

START_TEST(never_more_than_half_the_queue)
{
    struct fx x;
    setup(&x, 0);
    handshake(&x);
    uint8_t e[16];
    cap(e, 4); /* the partition says its queue has 4 entries: at most 2 unconsumed */
    send(&x, e);
    cs_sched_run_standalone(x.m->sched, UINT64_MAX);
    ck_assert_uint_le(crq_adapter_outstanding(vmc_hv_adapter(x.hv)), 2);
    /* consuming lets the rest through */
    ck_assert_ptr_nonnull(take(&x));
    ck_assert_ptr_nonnull(take(&x));
    ck_assert_ptr_null(take(&x)); /* CAP_RESP and the seed: all there was */
    struct vmc_hv_stats st;
    vmc_hv_stats(x.hv, &st);
    ck_assert_uint_eq(st.sent, 3); /* INIT COMPLETE, CAP_RESP, ADD_BUF */
    teardown(&x);
}
END_TEST

START_TEST(faults_break_the_protocol_on_purpose)
{
    struct fx x;
    setup(&x, VMC_FAULT_CAP_MAX_HMC_ZERO | VMC_FAULT_PAYLOAD_BEFORE_INIT);
    ck_assert_int_eq(hcall(&x, H_REG_CRQ, UNIT, QUEUE, 4096, 0, 0), H_SUCCESS);
    const uint8_t *r = take(&x); /* a CAP_RESP before any INIT */
    ck_assert_uint_eq(r[0], 0x80);
    ck_assert_uint_eq(r[1], VMC_CAP_RESP);
    const uint8_t init[16] = {0xC0, 0x01};
    send(&x, init);
    take(&x);
    uint8_t e[16];
    cap(e, 256);
    send(&x, e);
    r = take(&x);
    ck_assert_uint_eq(r[1], VMC_CAP_RESP);
    ck_assert_uint_eq(VMC_CAP_MAX_HMC(r), 0);
    teardown(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vmc-hv");
    TCase *tc = tcase_create("endpoint");
    tcase_add_test(tc, init_caps_and_seeding);
    tcase_add_test(tc, open_signal_echo_close);
    tcase_add_test(tc, never_more_than_half_the_queue);
    tcase_add_test(tc, faults_break_the_protocol_on_purpose);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
