/* The CRQ / VMC monitor on hand-built channel traffic: a conforming VMC session gives no
 * finding, and each sequence breaking one rule gives findings of that rule only. */
#include <stdarg.h>
#include <stdio.h>

#include "cs_monitor.h"
#include "cs_test.h"
#include "crq/crq_monitor.h"
#include "crq_wire.h"

#define UNIT         0x30000000u
#define LOCAL_LIOBN  0x10000001u
#define REMOTE_LIOBN 0x10000002u
#define QUEUE_IOBA   0x10000u
#define ENTRIES      256u
#define LIOBA0       0x1000u
#define LIOBA1       0x2000u
#define LIOBA2       0x3000u

static struct {
    char rule[8];
    char msg[256];
} found[64];
static size_t nfound;

static void on_finding(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    if (nfound < sizeof(found) / sizeof(found[0])) {
        snprintf(found[nfound].rule, sizeof(found[nfound].rule), "%s", f->rule);
        snprintf(found[nfound].msg, sizeof(found[nfound].msg), "%s", f->msg);
    }
    nfound++;
}

struct fx {
    struct cs_monitor_hub *hub;
    uint64_t cycle;
    uint32_t slot;
    int irq_on;       /* the fixture's hypervisor raises an interrupt after each element */
    int auto_consume; /* and the partition consumes each element at once */
};

static void fx_start(struct fx *f, const char *name)
{
    memset(f, 0, sizeof(*f));
    nfound = 0;
    f->hub = cs_monitor_hub_new(on_finding, NULL);
    cs_monitor_hub_channel(f->hub, 0, name, "crq");
    f->cycle = 1000;
    f->auto_consume = 1;
}

static void msg(struct fx *f, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t len)
{
    f->cycle += 10;
    struct cs_mon_msg m = {f->cycle, 0, dir, kind, len, p};
    cs_monitor_hub_msg(f->hub, &m);
}

static void hcall(struct fx *f, uint64_t op, unsigned n, ...)
{
    uint8_t p[64];
    crq_put64(p, op);
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 0; i < n; i++)
        crq_put64(p + 8 + 8 * i, va_arg(ap, uint64_t));
    va_end(ap);
    msg(f, 0, CRQ_K_HCALL, p, 8 + 8 * n);
}

static void ret(struct fx *f, uint64_t op, int64_t rc)
{
    uint8_t p[16];
    crq_put64(p, op);
    crq_put64(p + 8, (uint64_t)rc);
    msg(f, 1, CRQ_K_HCALL_RET, p, sizeof(p));
}

static void irq(struct fx *f)
{
    uint8_t p[4];
    crq_put32(p, 17);
    msg(f, 1, CRQ_K_IRQ, p, sizeof(p));
}

static void consumed(struct fx *f, uint32_t slot)
{
    uint8_t p[4];
    crq_put32(p, slot);
    msg(f, 0, CRQ_K_CONSUMED, p, sizeof(p));
}

static void element_at(struct fx *f, uint32_t slot, uint32_t entries, const uint8_t e[16])
{
    uint8_t p[24];
    crq_put32(p, slot);
    crq_put32(p + 4, entries);
    memcpy(p + 8, e, 16);
    msg(f, 1, CRQ_K_ELEMENT, p, sizeof(p));
}

/* The hypervisor writes the next slot, then (per the fixture) interrupts and gets it consumed. */
static void hv(struct fx *f, const uint8_t e[16])
{
    uint32_t slot = f->slot;
    element_at(f, slot, ENTRIES, e);
    f->slot = (f->slot + 1) % ENTRIES;
    if (f->irq_on)
        irq(f);
    if (f->auto_consume)
        consumed(f, slot);
}

static void hv_failed(struct fx *f, int64_t rc, const uint8_t e[16])
{
    uint8_t p[24];
    crq_put64(p, (uint64_t)rc);
    memcpy(p + 8, e, 16);
    msg(f, 2, CRQ_K_HV_SEND_FAILED, p, sizeof(p));
}

static void rdma(struct fx *f, uint8_t dir, uint64_t sl, uint64_t si, uint64_t dl, uint64_t di,
                 uint32_t n)
{
    static uint8_t p[32 + 16384];
    crq_put64(p, sl);
    crq_put64(p + 8, si);
    crq_put64(p + 16, dl);
    crq_put64(p + 24, di);
    memset(p + 32, 0xA5, n);
    msg(f, dir, CRQ_K_RDMA, p, 32 + n);
}

static void copy_to_hv(struct fx *f, uint32_t lioba, uint32_t n)
{
    hcall(f, H_COPY_RDMA, 5, (uint64_t)n, (uint64_t)LOCAL_LIOBN, (uint64_t)0x80000,
          (uint64_t)REMOTE_LIOBN, (uint64_t)lioba);
    rdma(f, 0, LOCAL_LIOBN, 0x80000, REMOTE_LIOBN, lioba, n);
    ret(f, H_COPY_RDMA, H_SUCCESS);
}

static void copy_from_hv(struct fx *f, uint32_t lioba, uint32_t n)
{
    hcall(f, H_COPY_RDMA, 5, (uint64_t)n, (uint64_t)REMOTE_LIOBN, (uint64_t)lioba,
          (uint64_t)LOCAL_LIOBN, (uint64_t)0x90000);
    rdma(f, 1, REMOTE_LIOBN, lioba, LOCAL_LIOBN, 0x90000, n);
    ret(f, H_COPY_RDMA, H_SUCCESS);
}

static void call(struct fx *f, uint64_t op, int64_t rc, uint64_t a0, uint64_t a1, uint64_t a2)
{
    hcall(f, op, 3, a0, a1, a2);
    ret(f, op, rc);
}

/* H_SEND_CRQ of a 16-byte element; `reply` (may be NULL) is written by the hypervisor inside
 * the hcall, before its return, as the synchronous endpoint does. */
static void send_unit(struct fx *f, uint64_t unit, const uint8_t e[16], int64_t rc,
                      const uint8_t *reply)
{
    hcall(f, H_SEND_CRQ, 3, unit, crq_be64(e), crq_be64(e + 8));
    if (reply)
        hv(f, reply);
    ret(f, H_SEND_CRQ, rc);
}

static void send(struct fx *f, const uint8_t e[16], int64_t rc, const uint8_t *reply)
{
    send_unit(f, UNIT, e, rc, reply);
}

/* ---- element builders ----------------------------------------------------------------- */

struct el {
    uint8_t b[16];
};

static struct el init_el(uint8_t format)
{
    struct el e = {{CRQ_HDR_INIT, format}};
    return e;
}

static struct el event_el(uint8_t reason)
{
    struct el e = {{CRQ_HDR_EVENT, reason}};
    return e;
}

static struct el cap_el(uint8_t type, uint8_t max_hmc, uint16_t pool, uint32_t mtu, uint16_t crq,
                        uint16_t ver)
{
    struct el e = {{CRQ_HDR_PAYLOAD, type}};
    e.b[5] = max_hmc;
    crq_put16(e.b + 6, pool);
    crq_put32(e.b + 8, mtu);
    crq_put16(e.b + 12, crq);
    crq_put16(e.b + 14, ver);
    return e;
}

static struct el vmc_el(uint8_t type, uint8_t status, uint8_t var1, uint8_t session, uint8_t index,
                        uint16_t id, uint32_t var3)
{
    struct el e = {{CRQ_HDR_PAYLOAD, type, status, var1, session, index}};
    crq_put16(e.b + 6, id);
    crq_put32(e.b + 12, var3);
    return e;
}

/* ---- conversation steps --------------------------------------------------------------- */

static void reg(struct fx *f)
{
    call(f, H_REG_CRQ, H_SUCCESS, UNIT, QUEUE_IOBA, ENTRIES * 16);
    f->slot = 0;
}

static void irq_mode(struct fx *f, int on)
{
    hcall(f, H_VIO_SIGNAL, 2, (uint64_t)UNIT, (uint64_t)on);
    ret(f, H_VIO_SIGNAL, H_SUCCESS);
    f->irq_on = on;
}

/* Register, enable interrupts, INIT answered by INIT COMPLETE. */
static void up(struct fx *f)
{
    reg(f);
    irq_mode(f, 1);
    struct el i = init_el(CRQ_INIT), c = init_el(CRQ_INIT_COMPLETE);
    send(f, i.b, H_SUCCESS, c.b);
}

/* CAP (max_hmc 1, pool 32, MTU 4096) answered by CAP_RESP (2, 16, 8192): index 0 only, pool
 * 16, MTU 4096. */
static void caps_crq(struct fx *f, uint16_t crq_size)
{
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, crq_size, VMC_PROTOCOL_VERSION);
    struct el r = cap_el(VMC_CAP_RESP, 2, 16, 8192, 64, VMC_PROTOCOL_VERSION);
    send(f, c.b, H_SUCCESS, r.b);
}

static void caps(struct fx *f)
{
    up(f);
    caps_crq(f, ENTRIES);
}

static void add_buf(struct fx *f, uint8_t session, uint16_t id, uint8_t owner, uint32_t lioba)
{
    struct el a = vmc_el(VMC_ADD_BUF, 0, owner, session, 0, id, lioba);
    struct el r = vmc_el(VMC_ADD_BUF_RESP, 0, 0, session, 0, id, 0);
    hv(f, a.b);
    send(f, r.b, H_SUCCESS, NULL);
}

/* Seed buffer 0 (partition-owned), OPEN session 1 on index 0 with the HMC ID copied into it,
 * buffers 1 (hypervisor-owned) and 2 (partition-owned) for the session, OPEN_RESP. */
static void open_session(struct fx *f)
{
    caps(f);
    add_buf(f, 0, 0, 0, LIOBA0);
    copy_to_hv(f, LIOBA0, 4096);
    struct el o = vmc_el(VMC_OPEN, 0, 0, 1, 0, 0, 0);
    send(f, o.b, H_SUCCESS, NULL);
    add_buf(f, 1, 1, 1, LIOBA1);
    add_buf(f, 1, 2, 0, LIOBA2);
    struct el r = vmc_el(VMC_OPEN_RESP, 0, 0, 1, 0, 0, 0);
    hv(f, r.b);
}

/* What the hub says after the run: coverage and findings per rule. */
static struct {
    char rule[8];
    uint64_t checks, findings;
} cov[32];
static size_t ncov;

static size_t cov_slot(const char *rule)
{
    for (size_t i = 0; i < ncov; i++)
        if (strcmp(cov[i].rule, rule) == 0)
            return i;
    ck_assert_uint_lt(ncov, sizeof(cov) / sizeof(cov[0]));
    snprintf(cov[ncov].rule, sizeof(cov[ncov].rule), "%s", rule);
    return ncov++;
}

static void on_coverage(void *ctx, const char *rule, uint64_t checks)
{
    (void)ctx;
    cov[cov_slot(rule)].checks += checks;
}

static void on_rule_findings(void *ctx, const char *rule, uint64_t count,
                             const struct cs_finding *first)
{
    (void)ctx;
    ck_assert_str_eq(first->rule, rule);
    ck_assert_ptr_nonnull(first->channel_name);
    cov[cov_slot(rule)].findings += count;
}

static uint64_t checks_of(const char *rule)
{
    for (size_t i = 0; i < ncov; i++)
        if (strcmp(cov[i].rule, rule) == 0)
            return cov[i].checks;
    return 0;
}

static void fx_end(struct fx *f, uint64_t extra)
{
    cs_monitor_hub_finish(f->hub, f->cycle + extra);
    ck_assert_uint_eq(cs_monitor_hub_findings(f->hub), nfound);
    ncov = 0;
    cs_monitor_hub_coverage(f->hub, on_coverage, NULL);
    cs_monitor_hub_findings_by_rule(f->hub, on_rule_findings, NULL);
    uint64_t total = 0;
    for (size_t i = 0; i < ncov; i++)
        total += cov[i].findings;
    ck_assert_uint_eq(total, nfound);
    cs_monitor_hub_free(f->hub);
}

static void dump(void)
{
    for (size_t i = 0; i < nfound && i < sizeof(found) / sizeof(found[0]); i++)
        fprintf(stderr, "  finding %s: %s\n", found[i].rule, found[i].msg);
}

static void expect_none(struct fx *f, uint64_t extra)
{
    fx_end(f, extra);
    if (nfound)
        dump();
    ck_assert_uint_eq(nfound, 0);
}

static void expect_only(struct fx *f, uint64_t extra, const char *rule)
{
    fx_end(f, extra);
    int ok = nfound > 0;
    for (size_t i = 0; i < nfound && i < sizeof(found) / sizeof(found[0]); i++)
        ok = ok && strcmp(found[i].rule, rule) == 0;
    if (!ok)
        dump();
    ck_assert_msg(ok, "expected findings of rule %s only, got %zu findings", rule, nfound);
    /* a breach is an evaluated check: coverage must count it */
    ck_assert_msg(checks_of(rule) > 0, "rule %s broken but not counted as checked", rule);
}

#define SOON 1
#define LATE CRQ_MON_OVERDUE_CYCLES

/* ---- conforming traffic --------------------------------------------------------------- */

START_TEST(conforming_vmc_session)
{
    struct fx f;
    fx_start(&f, "crq0"); /* the VMC layer recognises the partition's CAP */
    open_session(&f);

    /* partition to hypervisor: copy into its buffer 2, then SIGNAL it over */
    copy_to_hv(&f, LIOBA2, 100);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 2, 100);
    send(&f, s.b, H_SUCCESS, NULL);

    /* hypervisor to partition: its own buffer 1, then buffer 2 it was just given */
    struct el h1 = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 1, 50);
    hv(&f, h1.b);
    copy_from_hv(&f, LIOBA1, 50);
    struct el h2 = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 2, 60);
    hv(&f, h2.b);
    copy_from_hv(&f, LIOBA2, 60);

    /* the tasklet's interrupt window: an element while disabled needs no interrupt */
    irq_mode(&f, 0);
    struct el rb = vmc_el(VMC_REM_BUF, 0, 0, 1, 0, 0, 0);
    hv(&f, rb.b);
    irq_mode(&f, 1);
    struct el rr = vmc_el(VMC_REM_BUF_RESP, 0, 0, 1, 0, 0, 0);
    send(&f, rr.b, H_SUCCESS, NULL);

    /* close, answered inside the hcall; the hypervisor re-seeds the index */
    struct el c = vmc_el(VMC_CLOSE, 0, 0, 1, 0, 0, 0);
    struct el cr = vmc_el(VMC_CLOSE_RESP, 0, 0, 1, 0, 0, 0);
    send(&f, c.b, H_SUCCESS, cr.b);
    add_buf(&f, 0, 0, 0, LIOBA0);

    call(&f, H_FREE_CRQ, H_SUCCESS, UNIT, 0, 0);
    struct el late = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 1, LIOBA1);
    hv_failed(&f, H_CLOSED, late.b); /* nothing registered: the right failure */
    expect_none(&f, LATE);
}
END_TEST

START_TEST(conforming_hypervisor_initiates)
{
    struct fx f;
    fx_start(&f, "vmc0");
    reg(&f);
    irq_mode(&f, 1);
    struct el i = init_el(CRQ_INIT), c = init_el(CRQ_INIT_COMPLETE);
    send(&f, i.b, H_CLOSED, NULL); /* partner not up yet */
    hv(&f, i.b);
    send(&f, c.b, H_SUCCESS, NULL);
    caps_crq(&f, ENTRIES);
    /* a second registration attempt, as after kexec */
    call(&f, H_REG_CRQ, H_RESOURCE, UNIT, QUEUE_IOBA, 4096);
    expect_none(&f, SOON);
}
END_TEST

START_TEST(conforming_full_queue_drops)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    f.auto_consume = 0;
    struct el ev = event_el(CRQ_EV_SUSPEND);
    for (unsigned i = 0; i < ENTRIES; i++)
        hv(&f, ev.b);
    hv_failed(&f, H_DROPPED, ev.b);
    consumed(&f, 0);
    element_at(&f, 0, ENTRIES, ev.b);
    expect_none(&f, SOON);
}
END_TEST

START_TEST(interrupt_state_unknown_after_free)
{
    struct fx f;
    fx_start(&f, "vmc0");
    up(&f);
    call(&f, H_FREE_CRQ, H_SUCCESS, UNIT, 0, 0);
    reg(&f);
    /* whether freeing disabled the interrupt is left open: with or without one is fine */
    struct el i = init_el(CRQ_INIT);
    f.irq_on = 0;
    hv(&f, i.b);
    f.irq_on = 1;
    hv(&f, i.b);
    irq_mode(&f, 1);
    struct el c = init_el(CRQ_INIT_COMPLETE);
    send(&f, c.b, H_SUCCESS, NULL);
    caps_crq(&f, ENTRIES);
    expect_none(&f, LATE);
}
END_TEST

START_TEST(answer_in_flight_at_end)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, ENTRIES, VMC_PROTOCOL_VERSION);
    send(&f, c.b, H_SUCCESS, NULL);
    expect_none(&f, SOON);
}
END_TEST

START_TEST(other_protocol_has_no_vmc_rules)
{
    struct fx f;
    fx_start(&f, "crq1");
    up(&f);
    struct el mad = vmc_el(0x02, 0, 0, 0, 0, 0, 0); /* an SRP MAD, not a VMC CAP */
    send(&f, mad.b, H_SUCCESS, NULL);
    struct el rsp = vmc_el(VMC_SIGNAL, 0, 0, 9, 9, 9, 99999);
    hv(&f, rsp.b);
    expect_none(&f, LATE);
}
END_TEST

/* ---- C1..C9 --------------------------------------------------------------------------- */

START_TEST(c1_bad_header)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el e = {{0x42, 1}};
    hv(&f, e.b);
    expect_only(&f, LATE, "C1");
}
END_TEST

START_TEST(c1_overwrite_unconsumed)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    f.auto_consume = 0;
    struct el ev = event_el(CRQ_EV_SUSPEND);
    for (unsigned i = 0; i <= ENTRIES; i++)
        hv(&f, ev.b);
    expect_only(&f, SOON, "C1");
}
END_TEST

START_TEST(c2_out_of_order)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    struct el ev = event_el(CRQ_EV_SUSPEND);
    element_at(&f, 1, ENTRIES, ev.b);
    expect_only(&f, SOON, "C2");
}
END_TEST

START_TEST(c2_no_queue)
{
    struct fx f;
    fx_start(&f, "crq0");
    struct el ev = event_el(CRQ_EV_SUSPEND);
    element_at(&f, 0, ENTRIES, ev.b);
    expect_only(&f, SOON, "C2");
}
END_TEST

START_TEST(c2_wrong_size)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    struct el ev = event_el(CRQ_EV_SUSPEND);
    element_at(&f, 0, 512, ev.b);
    expect_only(&f, SOON, "C2");
}
END_TEST

START_TEST(c3_clears_empty_slot)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    consumed(&f, 5);
    expect_only(&f, SOON, "C3");
}
END_TEST

START_TEST(c3_out_of_order)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    f.auto_consume = 0;
    struct el ev = event_el(CRQ_EV_SUSPEND);
    hv(&f, ev.b);
    hv(&f, ev.b);
    consumed(&f, 1);
    consumed(&f, 0);
    expect_only(&f, SOON, "C3");
}
END_TEST

START_TEST(c4_undefined_rc)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el i = init_el(CRQ_INIT);
    send(&f, i.b, H_RESOURCE, NULL);
    expect_only(&f, SOON, "C4");
}
END_TEST

START_TEST(c4_partner_gone)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el ev = event_el(CRQ_EV_PARTNER_DEREGISTERED), i = init_el(CRQ_INIT);
    hv(&f, ev.b);
    send(&f, i.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "C4");
}
END_TEST

START_TEST(c4_other_unit)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el i = init_el(CRQ_INIT);
    send_unit(&f, UNIT + 1, i.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "C4");
}
END_TEST

START_TEST(c4_hv_closed_while_registered)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el i = init_el(CRQ_INIT);
    hv_failed(&f, H_CLOSED, i.b);
    expect_only(&f, SOON, "C4");
}
END_TEST

START_TEST(c4_hv_dropped_with_room)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el i = init_el(CRQ_INIT);
    hv_failed(&f, H_DROPPED, i.b);
    expect_only(&f, SOON, "C4");
}
END_TEST

START_TEST(c5_unaligned)
{
    struct fx f;
    fx_start(&f, "crq0");
    call(&f, H_REG_CRQ, H_SUCCESS, UNIT, QUEUE_IOBA + 0x800, 4096);
    expect_only(&f, SOON, "C5");
}
END_TEST

START_TEST(c5_too_long)
{
    struct fx f;
    fx_start(&f, "crq0");
    call(&f, H_REG_CRQ, H_SUCCESS, UNIT, QUEUE_IOBA, 512ull << 20);
    expect_only(&f, SOON, "C5");
}
END_TEST

START_TEST(c5_second_registration)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    call(&f, H_REG_CRQ, H_SUCCESS, UNIT, QUEUE_IOBA, 4096);
    expect_only(&f, SOON, "C5");
}
END_TEST

START_TEST(c6_element_after_free)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    call(&f, H_FREE_CRQ, H_SUCCESS, UNIT, 0, 0);
    struct el i = init_el(CRQ_INIT);
    element_at(&f, 0, ENTRIES, i.b);
    irq(&f);
    expect_only(&f, SOON, "C6");
}
END_TEST

START_TEST(c6_partition_payload_after_free)
{
    struct fx f;
    fx_start(&f, "vmc0");
    caps(&f);
    call(&f, H_FREE_CRQ, H_SUCCESS, UNIT, 0, 0);
    struct el c = vmc_el(VMC_CLOSE, 0, 0, 1, 0, 0, 0);
    send(&f, c.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "C6");
}
END_TEST

START_TEST(c6_duplicate_deregistration)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el ev = event_el(CRQ_EV_PARTNER_DEREGISTERED);
    hv(&f, ev.b);
    hv(&f, ev.b);
    expect_only(&f, SOON, "C6");
}
END_TEST

START_TEST(c6_payload_from_deregistered_partner)
{
    struct fx f;
    fx_start(&f, "vmc0");
    caps(&f);
    struct el ev = event_el(CRQ_EV_PARTNER_DEREGISTERED);
    hv(&f, ev.b);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 0, LIOBA0);
    hv(&f, a.b);
    expect_only(&f, SOON, "C6");
}
END_TEST

START_TEST(c7_unsolicited_init_complete)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    struct el c = init_el(CRQ_INIT_COMPLETE);
    hv(&f, c.b);
    expect_only(&f, SOON, "C7");
}
END_TEST

START_TEST(c7_partition_init_complete_without_init)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    struct el c = init_el(CRQ_INIT_COMPLETE);
    send(&f, c.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "C7");
}
END_TEST

START_TEST(c7_hv_payload_before_init)
{
    struct fx f;
    fx_start(&f, "vmc0");
    reg(&f);
    struct el r = cap_el(VMC_CAP_RESP, 1, 16, 4096, 64, VMC_PROTOCOL_VERSION);
    hv(&f, r.b);
    expect_only(&f, SOON, "C7");
}
END_TEST

START_TEST(c7_partition_payload_before_init)
{
    struct fx f;
    fx_start(&f, "vmc0");
    reg(&f);
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, ENTRIES, VMC_PROTOCOL_VERSION);
    send(&f, c.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "C7");
}
END_TEST

START_TEST(c7_payload_after_migration_before_init)
{
    struct fx f;
    fx_start(&f, "vmc0");
    caps(&f);
    struct el ev = event_el(CRQ_EV_MIGRATED);
    hv(&f, ev.b);
    call(&f, H_ENABLE_CRQ, H_SUCCESS, UNIT, 0, 0);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 0, LIOBA0);
    hv(&f, a.b);
    expect_only(&f, SOON, "C7");
}
END_TEST

START_TEST(c8_irq_while_disabled)
{
    struct fx f;
    fx_start(&f, "crq0");
    reg(&f);
    struct el ev = event_el(CRQ_EV_SUSPEND);
    hv(&f, ev.b);
    irq(&f);
    expect_only(&f, SOON, "C8");
}
END_TEST

START_TEST(c8_missing_irq)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el ev = event_el(CRQ_EV_SUSPEND);
    f.irq_on = 0; /* the hypervisor forgets it */
    hv(&f, ev.b);
    f.irq_on = 1;
    hv(&f, ev.b);
    expect_only(&f, SOON, "C8");
}
END_TEST

START_TEST(c8_missing_irq_at_end)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el ev = event_el(CRQ_EV_SUSPEND);
    f.irq_on = 0;
    hv(&f, ev.b);
    expect_only(&f, LATE, "C8");
}
END_TEST

START_TEST(c8_extra_irq)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    irq(&f);
    expect_only(&f, SOON, "C8");
}
END_TEST

START_TEST(c9_send_before_enable)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el ev = event_el(CRQ_EV_MIGRATED), i = init_el(CRQ_INIT);
    hv(&f, ev.b);
    send(&f, i.b, H_SUCCESS, NULL);
    call(&f, H_ENABLE_CRQ, H_SUCCESS, UNIT, 0, 0);
    send(&f, i.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "C9");
    ck_assert_uint_eq(nfound, 1);
}
END_TEST

/* ---- V1..V10 -------------------------------------------------------------------------- */

START_TEST(v1_add_buf_before_cap_resp)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, ENTRIES, VMC_PROTOCOL_VERSION);
    send(&f, c.b, H_SUCCESS, NULL);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 0, LIOBA0);
    hv(&f, a.b);
    expect_only(&f, SOON, "V1");
}
END_TEST

START_TEST(v1_named_channel_before_cap)
{
    struct fx f;
    fx_start(&f, "ibmvmc0");
    up(&f);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 0, LIOBA0);
    hv(&f, a.b);
    expect_only(&f, SOON, "V1");
}
END_TEST

START_TEST(v2_bad_version)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, ENTRIES, VMC_PROTOCOL_VERSION);
    struct el r = cap_el(VMC_CAP_RESP, 1, 16, 4096, 64, 0x0201);
    send(&f, c.b, H_SUCCESS, r.b);
    expect_only(&f, SOON, "V2");
}
END_TEST

START_TEST(v2_zero_max_hmc)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, ENTRIES, VMC_PROTOCOL_VERSION);
    struct el r = cap_el(VMC_CAP_RESP, 0, 16, 4096, 64, VMC_PROTOCOL_VERSION);
    send(&f, c.b, H_SUCCESS, r.b);
    /* the driver's index limit wraps: no V3 for what follows */
    add_buf(&f, 0, 0, 0, LIOBA0);
    expect_only(&f, LATE, "V2");
    ck_assert_uint_eq(nfound, 1);
}
END_TEST

START_TEST(v2_second_cap_resp)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    struct el r = cap_el(VMC_CAP_RESP, 2, 16, 8192, 64, VMC_PROTOCOL_VERSION);
    hv(&f, r.b);
    expect_only(&f, SOON, "V2");
}
END_TEST

START_TEST(v2_cap_never_answered)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    struct el c = cap_el(VMC_CAP, 1, 32, 4096, ENTRIES, VMC_PROTOCOL_VERSION);
    send(&f, c.b, H_SUCCESS, NULL);
    expect_only(&f, LATE, "V2");
}
END_TEST

START_TEST(v3_index_beyond_max)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 1, 0, LIOBA0);
    struct el r = vmc_el(VMC_ADD_BUF_RESP, VMC_ST_INVALID_HMC_INDEX, 0, 0, 1, 0, 0);
    hv(&f, a.b);
    send(&f, r.b, H_SUCCESS, NULL); /* the driver's error answer is no V4 breach */
    expect_only(&f, LATE, "V3");
}
END_TEST

START_TEST(v3_buffer_beyond_pool)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 16, LIOBA0);
    hv(&f, a.b);
    expect_only(&f, LATE, "V3");
}
END_TEST

START_TEST(v3_wrong_session)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 2, 0, 1, 10);
    hv(&f, s.b);
    expect_only(&f, SOON, "V3");
}
END_TEST

START_TEST(v4_readd_live_buffer)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    add_buf(&f, 0, 0, 0, LIOBA0);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 0, LIOBA1);
    struct el r = vmc_el(VMC_ADD_BUF_RESP, VMC_ST_INVALID_BUFFER_ID, 0, 0, 0, 0, 0);
    hv(&f, a.b);
    send(&f, r.b, H_SUCCESS, NULL);
    expect_only(&f, LATE, "V4");
    ck_assert_uint_eq(nfound, 1);
}
END_TEST

START_TEST(v4_unsolicited_resp)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    struct el r = vmc_el(VMC_ADD_BUF_RESP, 0, 0, 0, 0, 3, 0);
    send(&f, r.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "V4");
}
END_TEST

START_TEST(v4_resp_never_sent)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    struct el a = vmc_el(VMC_ADD_BUF, 0, 0, 0, 0, 0, LIOBA0);
    hv(&f, a.b);
    expect_only(&f, LATE, "V4");
}
END_TEST

START_TEST(v5_open_resp_without_open)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    add_buf(&f, 0, 0, 0, LIOBA0);
    struct el r = vmc_el(VMC_OPEN_RESP, 0, 0, 0, 0, 0, 0);
    hv(&f, r.b);
    expect_only(&f, SOON, "V5");
}
END_TEST

static void open_only(struct fx *f)
{
    caps(f);
    add_buf(f, 0, 0, 0, LIOBA0);
    copy_to_hv(f, LIOBA0, 4096);
    struct el o = vmc_el(VMC_OPEN, 0, 0, 1, 0, 0, 0);
    send(f, o.b, H_SUCCESS, NULL);
}

START_TEST(v5_no_add_buf_before_open_resp)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_only(&f);
    struct el r = vmc_el(VMC_OPEN_RESP, 0, 0, 1, 0, 0, 0);
    hv(&f, r.b);
    expect_only(&f, SOON, "V5");
}
END_TEST

START_TEST(v5_other_buffer)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_only(&f);
    add_buf(&f, 1, 1, 1, LIOBA1);
    struct el r = vmc_el(VMC_OPEN_RESP, 0, 0, 1, 0, 1, 0);
    hv(&f, r.b);
    expect_only(&f, SOON, "V5");
}
END_TEST

START_TEST(v5_open_never_answered)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_only(&f);
    add_buf(&f, 1, 1, 1, LIOBA1);
    expect_only(&f, LATE, "V5");
}
END_TEST

START_TEST(v6_partition_owned_buffer)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 2, 10);
    hv(&f, s.b);
    expect_only(&f, SOON, "V6");
}
END_TEST

START_TEST(v6_longer_than_mtu)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 1, 4097);
    hv(&f, s.b);
    expect_only(&f, SOON, "V6");
}
END_TEST

START_TEST(v6_before_open_succeeded)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    add_buf(&f, 0, 1, 1, LIOBA1);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 0, 0, 1, 10);
    hv(&f, s.b);
    expect_only(&f, SOON, "V6");
}
END_TEST

START_TEST(v7_signal_without_copy)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 2, 100);
    send(&f, s.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "V7");
}
END_TEST

START_TEST(v7_length_mismatch)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    copy_to_hv(&f, LIOBA2, 100);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 2, 200);
    send(&f, s.b, H_SUCCESS, NULL);
    expect_only(&f, SOON, "V7");
}
END_TEST

START_TEST(v8_close_resp_without_close)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    struct el r = vmc_el(VMC_CLOSE_RESP, 0, 0, 1, 0, 0, 0);
    hv(&f, r.b);
    expect_only(&f, SOON, "V8");
}
END_TEST

START_TEST(v8_removes_last_buffer)
{
    struct fx f;
    fx_start(&f, "crq0");
    caps(&f);
    add_buf(&f, 0, 0, 0, LIOBA0);
    struct el r = vmc_el(VMC_REM_BUF, 0, 0, 0, 0, 0, 0);
    hv(&f, r.b);
    expect_only(&f, SOON, "V8");
}
END_TEST

START_TEST(v8_close_never_answered)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    struct el c = vmc_el(VMC_CLOSE, 0, 0, 1, 0, 0, 0);
    send(&f, c.b, H_SUCCESS, NULL);
    expect_only(&f, LATE, "V8");
}
END_TEST

START_TEST(v9_too_many_unconsumed)
{
    struct fx f;
    fx_start(&f, "crq0");
    up(&f);
    caps_crq(&f, 4); /* at most 2 unconsumed */
    f.auto_consume = 0;
    for (uint16_t id = 0; id < 3; id++)
        add_buf(&f, 0, id, 0, LIOBA0 + 0x1000u * id);
    expect_only(&f, LATE, "V9");
    ck_assert_uint_eq(nfound, 1);
}
END_TEST

START_TEST(v10_copy_into_hv_owned_buffer)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    copy_to_hv(&f, LIOBA1, 100);
    expect_only(&f, SOON, "V10");
}
END_TEST

START_TEST(v10_copy_outside_buffers)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    copy_to_hv(&f, 0x9000, 10);
    expect_only(&f, SOON, "V10");
}
END_TEST

START_TEST(v10_copy_from_unsignalled_buffer)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    copy_from_hv(&f, LIOBA1, 50);
    expect_only(&f, SOON, "V10");
}
END_TEST

/* Every rule of the monitor is listed; a conforming session exercises the common ones. */
START_TEST(coverage_of_conforming_session)
{
    struct fx f;
    fx_start(&f, "crq0");
    open_session(&f);
    copy_to_hv(&f, LIOBA2, 100);
    struct el s = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 2, 100);
    send(&f, s.b, H_SUCCESS, NULL);
    struct el h1 = vmc_el(VMC_SIGNAL, 0, 0, 1, 0, 1, 50);
    hv(&f, h1.b);
    copy_from_hv(&f, LIOBA1, 50);
    expect_none(&f, SOON);
    ck_assert_uint_eq(ncov, 19);
    static const char *const used[] = {"C1", "C2", "C3", "C4", "C5", "C7", "C8", "V1",
                                       "V2", "V3", "V4", "V5", "V6", "V7", "V10"};
    for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++)
        ck_assert_msg(checks_of(used[i]) > 0, "rule %s not exercised", used[i]);
    ck_assert_uint_eq(checks_of("V8"), 0); /* no CLOSE, no REM_BUF */
    ck_assert_uint_eq(checks_of("C6"), 0); /* no queue freed, no partner deregistered */
    ck_assert_uint_eq(checks_of("C9"), 0); /* no migration */
}
END_TEST

START_TEST(class_is_registered)
{
    const struct cs_monitor_class *c = cs_monitor_class_for("crq");
    ck_assert_ptr_eq(c, &crq_monitor_class);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("crq_monitor");
    TCase *ok = tcase_create("conforming");
    tcase_add_test(ok, class_is_registered);
    tcase_add_test(ok, coverage_of_conforming_session);
    tcase_add_test(ok, conforming_vmc_session);
    tcase_add_test(ok, conforming_hypervisor_initiates);
    tcase_add_test(ok, conforming_full_queue_drops);
    tcase_add_test(ok, interrupt_state_unknown_after_free);
    tcase_add_test(ok, answer_in_flight_at_end);
    tcase_add_test(ok, other_protocol_has_no_vmc_rules);
    suite_add_tcase(s, ok);

    TCase *c = tcase_create("crq");
    tcase_add_test(c, c1_bad_header);
    tcase_add_test(c, c1_overwrite_unconsumed);
    tcase_add_test(c, c2_out_of_order);
    tcase_add_test(c, c2_no_queue);
    tcase_add_test(c, c2_wrong_size);
    tcase_add_test(c, c3_clears_empty_slot);
    tcase_add_test(c, c3_out_of_order);
    tcase_add_test(c, c4_undefined_rc);
    tcase_add_test(c, c4_partner_gone);
    tcase_add_test(c, c4_other_unit);
    tcase_add_test(c, c4_hv_closed_while_registered);
    tcase_add_test(c, c4_hv_dropped_with_room);
    tcase_add_test(c, c5_unaligned);
    tcase_add_test(c, c5_too_long);
    tcase_add_test(c, c5_second_registration);
    tcase_add_test(c, c6_element_after_free);
    tcase_add_test(c, c6_partition_payload_after_free);
    tcase_add_test(c, c6_duplicate_deregistration);
    tcase_add_test(c, c6_payload_from_deregistered_partner);
    tcase_add_test(c, c7_unsolicited_init_complete);
    tcase_add_test(c, c7_partition_init_complete_without_init);
    tcase_add_test(c, c7_hv_payload_before_init);
    tcase_add_test(c, c7_partition_payload_before_init);
    tcase_add_test(c, c7_payload_after_migration_before_init);
    tcase_add_test(c, c8_irq_while_disabled);
    tcase_add_test(c, c8_missing_irq);
    tcase_add_test(c, c8_missing_irq_at_end);
    tcase_add_test(c, c8_extra_irq);
    tcase_add_test(c, c9_send_before_enable);
    suite_add_tcase(s, c);

    TCase *v = tcase_create("vmc");
    tcase_add_test(v, v1_add_buf_before_cap_resp);
    tcase_add_test(v, v1_named_channel_before_cap);
    tcase_add_test(v, v2_bad_version);
    tcase_add_test(v, v2_zero_max_hmc);
    tcase_add_test(v, v2_second_cap_resp);
    tcase_add_test(v, v2_cap_never_answered);
    tcase_add_test(v, v3_index_beyond_max);
    tcase_add_test(v, v3_buffer_beyond_pool);
    tcase_add_test(v, v3_wrong_session);
    tcase_add_test(v, v4_readd_live_buffer);
    tcase_add_test(v, v4_unsolicited_resp);
    tcase_add_test(v, v4_resp_never_sent);
    tcase_add_test(v, v5_open_resp_without_open);
    tcase_add_test(v, v5_no_add_buf_before_open_resp);
    tcase_add_test(v, v5_other_buffer);
    tcase_add_test(v, v5_open_never_answered);
    tcase_add_test(v, v6_partition_owned_buffer);
    tcase_add_test(v, v6_longer_than_mtu);
    tcase_add_test(v, v6_before_open_succeeded);
    tcase_add_test(v, v7_signal_without_copy);
    tcase_add_test(v, v7_length_mismatch);
    tcase_add_test(v, v8_close_resp_without_close);
    tcase_add_test(v, v8_removes_last_buffer);
    tcase_add_test(v, v8_close_never_answered);
    tcase_add_test(v, v9_too_many_unconsumed);
    tcase_add_test(v, v10_copy_into_hv_owned_buffer);
    tcase_add_test(v, v10_copy_outside_buffers);
    tcase_add_test(v, v10_copy_from_unsignalled_buffer);
    suite_add_tcase(s, v);
    return s;
}

CS_TEST_MAIN(suite)
