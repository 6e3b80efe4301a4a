/* The css monitor on hand-built subchannel traffic: conforming sequences give no finding, each
 * sequence breaking one rule gives findings of that rule only; and an ftrace sample converted
 * into a trace gives the verdicts its lines call for. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cs_ftrace_import.h"
#include "cs_monitor.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "css/css_monitor.h"

/* ORB word 1 bits (docs/trace-format.md kind 1) */
#define ORB_S    0x08000000u
#define ORB_F    0x00800000u
#define ORB_P    0x00400000u
#define ORB_U    0x00080000u
#define ORB_H    0x00020000u
#define ORB_T    0x00010000u
#define ORB_TM   0x00040000u
#define ORB_LPM  0x0000ff00u
#define ORB_RSVD 0x00000008u

/* CCW flags */
#define CD   0x80
#define CC   0x40
#define SLI  0x20
#define IDA  0x04
#define SUSP 0x02

/* SCSW fields, Linux numbering */
#define FC_START  4
#define FC_HALT   2
#define FC_CLEAR  1
#define AC_SCHACT 0x04
#define AC_SUSP   0x01
#define SC_ALERT  0x10
#define SC_INTER  0x08
#define SC_PRIM   0x04
#define SC_SEC    0x02
#define SC_PEND   0x01
#define DS_CE_DE  0x0c
#define CS_PCK    0x20

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
};

static void fx_start(struct fx *f, const char *name)
{
    memset(f, 0, sizeof(*f));
    nfound = 0;
    f->hub = cs_monitor_hub_new(on_finding, NULL);
    cs_monitor_hub_channel(f->hub, 0, name, "css");
    f->cycle = 1000;
}

static void fx_end_at(struct fx *f, uint64_t cycle)
{
    cs_monitor_hub_finish(f->hub, cycle);
    cs_monitor_hub_free(f->hub);
}

static void fx_end(struct fx *f)
{
    fx_end_at(f, f->cycle + 10);
}

static void dump(void)
{
    for (size_t i = 0; i < nfound && i < 64; i++)
        fprintf(stderr, "  %s: %s\n", found[i].rule, found[i].msg);
}

static void assert_clean(void)
{
    if (nfound)
        dump();
    ck_assert_uint_eq(nfound, 0);
}

static void assert_only(const char *rule)
{
    if (!nfound)
        ck_abort_msg("expected a finding of %s, got none", rule);
    for (size_t i = 0; i < nfound && i < 64; i++)
        if (strcmp(found[i].rule, rule) != 0) {
            dump();
            ck_abort_msg("expected only %s, got %s", rule, found[i].rule);
        }
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static void msg(struct fx *f, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t len)
{
    f->cycle += 10;
    struct cs_mon_msg m = {f->cycle, 0, dir, kind, len, p};
    cs_monitor_hub_msg(f->hub, &m);
}

static void instr(struct fx *f, uint16_t kind, int cc)
{
    uint8_t p[8] = {0, 0, 0x00, 0x42};
    put32(p + 4, (uint32_t)cc);
    msg(f, 0, kind, p, sizeof(p));
}

static void orb(struct fx *f, uint32_t w1, uint32_t cpa)
{
    uint8_t p[12];
    put32(p, 0x12345678);
    put32(p + 4, w1);
    put32(p + 8, cpa);
    msg(f, 0, CSS_MK_ORB, p, sizeof(p));
}

static void ccw(struct fx *f, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t addr)
{
    uint8_t p[8] = {cmd, flags, (uint8_t)(count >> 8), (uint8_t)count};
    put32(p + 4, addr);
    msg(f, 0, CSS_MK_CCW, p, sizeof(p));
}

struct st {
    uint8_t fctl, actl, stctl, dstat, cstat, dcc;
    uint32_t cpa;
    uint16_t residual;
};

static void scsw_bytes(uint8_t *p, const struct st *s)
{
    memset(p, 0, 12);
    p[0] = s->dcc & 3;
    p[1] = 0x80; /* format-1 CCWs */
    p[2] = (uint8_t)(s->fctl << 4 | s->actl >> 3);
    p[3] = (uint8_t)((s->actl & 7) << 5 | s->stctl);
    put32(p + 4, s->cpa);
    p[8] = s->dstat;
    p[9] = s->cstat;
    p[10] = (uint8_t)(s->residual >> 8);
    p[11] = (uint8_t)s->residual;
}

static void irb(struct fx *f, const struct st *s)
{
    uint8_t p[64] = {0};
    scsw_bytes(p, s);
    msg(f, 1, CSS_MK_IRB, p, sizeof(p));
}

static void scsw(struct fx *f, const struct st *s)
{
    uint8_t p[12];
    scsw_bytes(p, s);
    msg(f, 1, CSS_MK_SCSW, p, sizeof(p));
}

static void interrupt(struct fx *f)
{
    uint8_t p[6] = {0, 0, 0, 0x42, 3, 0};
    msg(f, 1, CSS_FT_INTERRUPT, p, sizeof(p));
}

/* TSCH as the model records it: the instruction record with its SCSW fields, then the IRB. */
static void tsch(struct fx *f, int cc, const struct st *s)
{
    uint8_t p[16] = {0, 0, 0, 0x42};
    put32(p + 4, (uint32_t)cc);
    p[8] = CSS_FT_HAVE_DETAIL;
    p[9] = s->dcc, p[11] = s->fctl, p[12] = s->actl, p[13] = s->stctl;
    p[14] = s->dstat, p[15] = s->cstat;
    msg(f, 0, CSS_FT_TSCH, p, sizeof(p));
    irb(f, s);
}

/* An IDAW record: its address, then the IDAW in `width` bytes. */
static void idaw(struct fx *f, uint32_t at, uint64_t v, unsigned width)
{
    uint8_t p[16] = {0};
    put32(p + 4, at);
    if (width == 8)
        put32(p + 8, (uint32_t)(v >> 32)), put32(p + 12, (uint32_t)v);
    else
        put32(p + 8, (uint32_t)v);
    msg(f, 0, CSS_MK_IDAW, p, 8 + width);
}

/* A DATA record: one piece of a transfer. */
static void data(struct fx *f, uint64_t lo, uint32_t len, uint8_t flags)
{
    uint8_t p[CSS_MD_LEN];
    put32(p, (uint32_t)(lo >> 32));
    put32(p + 4, (uint32_t)lo);
    put32(p + 8, len);
    p[12] = flags;
    msg(f, (flags & CSS_MD_STORE) ? 1 : 0, CSS_MK_DATA, p, sizeof(p));
}

static const struct st done = {FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1018, 0};

/* A Define Extent, Locate Record, Read Data program through format-2 IDAWs, with its status. */
static void good_io(struct fx *f)
{
    orb(f, ORB_F | ORB_P | ORB_H | ORB_LPM, 0x1000);
    instr(f, CSS_FT_SSCH, 0);
    ccw(f, 0x63, CC | IDA, 16, 0x2000);
    ccw(f, 0x47, CC | IDA, 16, 0x2008);
    ccw(f, 0x86, IDA, 4096, 0x2010);
    interrupt(f);
    tsch(f, 0, &done);
}

static void schib_instr(struct fx *f, uint16_t kind, int cc, int dnv)
{
    uint8_t p[28] = {0, 0, 0, 0x42};
    put32(p + 4, (uint32_t)cc);
    p[8] = CSS_FT_HAVE_DETAIL;
    p[9] = 1, p[11] = (uint8_t)dnv;
    msg(f, 0, kind, p, sizeof(p));
}

/* ---- conforming sequences ------------------------------------------------------------ */

START_TEST(conforming_session)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    schib_instr(&f, CSS_FT_STSCH, 0, 1);
    schib_instr(&f, CSS_FT_MSCH, 0, 1);
    good_io(&f);
    instr(&f, CSS_FT_TSCH, 1); /* nothing pending */
    good_io(&f);

    /* suspend, resume */
    orb(&f, ORB_S | ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x03, CC, 0, 0);
    ccw(&f, 0x86, SUSP | IDA, 4096, 0x2000);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, AC_SUSP, SC_INTER | SC_PEND, 0, 0, 0, 0x1008, 0});
    instr(&f, CSS_FT_RSCH, 0);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1010, 0});

    /* halt a running program */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    instr(&f, CSS_FT_HSCH, 0);
    instr(&f, CSS_FT_HSCH, 2); /* halt in progress */
    interrupt(&f);
    tsch(&f, 0,
         &(struct st){FC_START | FC_HALT, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1008,
                      100});

    /* cancel a program that has not started, then clear a running one */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    instr(&f, CSS_FT_SSCH, 2); /* busy */
    instr(&f, CSS_FT_XSCH, 0);
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    instr(&f, CSS_FT_CSCH, 0);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_CLEAR, 0, SC_PEND, 0, 0, 0, 0, 0});

    /* a malformed CCW that gets its channel-program check */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x08, 0, 0, 0x1100);
    ccw(&f, 0x08, 0, 0, 0x1200);
    interrupt(&f);
    tsch(&f, 0,
         &(struct st){FC_START, 0, SC_ALERT | SC_PRIM | SC_SEC | SC_PEND, 0, CS_PCK, 0, 0x1208, 0});

    /* an invalid ORB takes an operand exception */
    orb(&f, ORB_F | ORB_RSVD, 0x1000);
    instr(&f, CSS_FT_SSCH, -5);
    good_io(&f);
    fx_end(&f);
    assert_clean();
}
END_TEST

static void region_write(struct fx *f, uint32_t orb_w1, uint8_t scsw_fctl)
{
    uint8_t p[24] = {0};
    put32(p + 4, orb_w1);
    put32(p + 8, 0x1000);
    p[12 + 2] = (uint8_t)(scsw_fctl << 4);
    msg(f, 0, CSS_MK_IO_REGION_WRITE, p, sizeof(p));
}

static void be32_msg(struct fx *f, uint8_t dir, uint16_t kind, int32_t v)
{
    uint8_t p[4];
    put32(p, (uint32_t)v);
    msg(f, dir, kind, p, sizeof(p));
}

static void region_irb(struct fx *f)
{
    uint8_t p[96] = {0};
    msg(f, 1, CSS_MK_IO_REGION_IRB, p, sizeof(p));
}

static void mdev(struct fx *f, uint32_t ev, uint8_t id)
{
    uint8_t p[20] = {0};
    put32(p, ev);
    memset(p + 4, id, 16);
    msg(f, 2, CSS_MK_MDEV_EVENT, p, sizeof(p));
}

/* The guest's request through the region, the driver's SSCH, the IRB. */
static void region_io(struct fx *f)
{
    region_write(f, ORB_F | ORB_P | ORB_LPM, FC_START);
    good_io(f);
    be32_msg(f, 1, CSS_MK_IO_REGION_RET, 0);
    region_irb(f);
}

START_TEST(conforming_vfio)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    mdev(&f, CSS_MDEV_CREATE, 1);
    mdev(&f, CSS_MDEV_OPEN, 1);
    region_io(&f);
    /* a second request while the first is in flight: the driver says -EBUSY */
    region_write(&f, ORB_F | ORB_P | ORB_LPM, FC_START);
    orb(&f, ORB_F | ORB_P | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, 0);
    region_write(&f, ORB_F | ORB_P | ORB_LPM, FC_START);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, -16);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    interrupt(&f);
    tsch(&f, 0, &done);
    region_irb(&f);
    /* SSCH busy, transport mode, halt and clear through the async region */
    region_write(&f, ORB_F | ORB_P | ORB_LPM, FC_START);
    instr(&f, CSS_FT_SSCH, 1);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, -16);
    region_write(&f, ORB_TM | ORB_LPM, FC_START);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, -95);
    be32_msg(&f, 0, CSS_MK_ASYNC_CMD, 1);
    instr(&f, CSS_FT_HSCH, 0);
    be32_msg(&f, 1, CSS_MK_ASYNC_RET, 0);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_HALT, 0, SC_PEND, 0, 0, 0, 0, 0});
    region_irb(&f);
    be32_msg(&f, 0, CSS_MK_ASYNC_CMD, 2);
    instr(&f, CSS_FT_CSCH, 3);
    be32_msg(&f, 1, CSS_MK_ASYNC_RET, -19);
    be32_msg(&f, 0, CSS_MK_ASYNC_CMD, 4);
    be32_msg(&f, 1, CSS_MK_ASYNC_RET, -22);
    mdev(&f, CSS_MDEV_CLOSE, 1);
    mdev(&f, CSS_MDEV_REMOVE, 1);
    mdev(&f, CSS_MDEV_CREATE, 1);
    fx_end(&f);
    assert_clean();
}
END_TEST

/* ---- one rule broken at a time -------------------------------------------------------- */

START_TEST(s1_ssch_while_busy)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0); /* the first start function has not ended */
    fx_end(&f);
    assert_only("S1");
}
END_TEST

START_TEST(s1_busy_when_idle)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    good_io(&f);
    instr(&f, CSS_FT_SSCH, 2);
    fx_end(&f);
    assert_only("S1");
}
END_TEST

START_TEST(s2_second_primary_status)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    good_io(&f);
    interrupt(&f);
    tsch(&f, 0, &done);
    fx_end(&f);
    assert_only("S2");
}
END_TEST

START_TEST(s2_never_ends)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    uint64_t end = f.cycle + CSS_MON_OVERDUE_CYCLES;
    fx_end_at(&f, end);
    assert_only("S2");
}
END_TEST

START_TEST(s2_young_start_is_not_overdue)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    fx_end_at(&f, f.cycle + CSS_MON_OVERDUE_CYCLES - 1);
    assert_clean();
}
END_TEST

START_TEST(s2_silent_suspension_is_not_overdue)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_S | ORB_U | ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, SUSP | IDA, 4096, 0x2000); /* suspends without an interruption */
    fx_end_at(&f, f.cycle + CSS_MON_OVERDUE_CYCLES);
    assert_clean();
}
END_TEST

START_TEST(s2_deferred_cc_ends_without_primary)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H, 0x1000); /* no path in the LPM */
    instr(&f, CSS_FT_SSCH, 0);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_ALERT | SC_PEND, 0, 0, 3, 0, 0});
    good_io(&f);
    fx_end_at(&f, f.cycle + CSS_MON_OVERDUE_CYCLES);
    assert_clean();
}
END_TEST

START_TEST(s3_tsch_cc1_while_pending)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    interrupt(&f);
    tsch(&f, 1, &(struct st){FC_START, 0, 0, 0, 0, 0, 0, 0});
    fx_end(&f);
    assert_only("S3");
}
END_TEST

START_TEST(s3_tsch_cc0_without_pending)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    good_io(&f);
    tsch(&f, 0, &(struct st){0, 0, 0, 0, 0, 0, 0, 0});
    fx_end(&f);
    assert_only("S3");
}
END_TEST

START_TEST(s4_halt_twice)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    instr(&f, CSS_FT_HSCH, 0);
    instr(&f, CSS_FT_HSCH, 0);
    fx_end(&f);
    assert_only("S4");
}
END_TEST

START_TEST(s4_halt_busy_when_idle)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    instr(&f, CSS_FT_HSCH, 2);
    fx_end(&f);
    assert_only("S4");
}
END_TEST

START_TEST(s5_clear_busy)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    instr(&f, CSS_FT_CSCH, 2);
    interrupt(&f);
    tsch(&f, 0, &done);
    fx_end(&f);
    assert_only("S5");
}
END_TEST

START_TEST(s6_cancel_when_idle)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    good_io(&f);
    instr(&f, CSS_FT_XSCH, 0);
    fx_end(&f);
    assert_only("S6");
}
END_TEST

START_TEST(s6_cancel_refused_while_suspended)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_S | ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, SUSP | IDA, 4096, 0x2000);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, AC_SUSP, SC_INTER | SC_PEND, 0, 0, 0, 0x1008, 0});
    instr(&f, CSS_FT_XSCH, 2);
    fx_end(&f);
    assert_only("S6");
}
END_TEST

START_TEST(s7_resume_when_idle)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    instr(&f, CSS_FT_RSCH, 0);
    fx_end(&f);
    assert_only("S7");
}
END_TEST

START_TEST(s8_primary_while_active)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    interrupt(&f);
    tsch(&f, 0,
         &(struct st){FC_START, AC_SCHACT, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1008, 0});
    fx_end(&f);
    assert_only("S8");
    ck_assert_uint_eq(nfound, 1); /* the TSCH record and its IRB are one event */
}
END_TEST

START_TEST(s8_status_without_pending)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    scsw(&f, &(struct st){FC_START, 0, SC_PRIM, DS_CE_DE, 0, 0, 0x1008, 0});
    fx_end(&f);
    assert_only("S8");
}
END_TEST

START_TEST(s9_check_without_alert)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, 0, CS_PCK, 0, 0x1008, 0});
    fx_end(&f);
    assert_only("S9");
}
END_TEST

START_TEST(s10_residual_beyond_count)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA | SLI, 512, 0x2000);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1008, 600});
    fx_end(&f);
    assert_only("S10");

    /* with prefetch every CCW used is recorded too (the one taken from the prefetch copy where
     * the channel uses it), so the same residual is caught */
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_P | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA | SLI | CC, 512, 0x2000);
    ccw(&f, 0x86, IDA | SLI, 256, 0x2008);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1010, 600});
    fx_end(&f);
    assert_only("S10");

    /* a residual within the counts, with prefetch */
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_P | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA | SLI | CC, 512, 0x2000);
    ccw(&f, 0x86, IDA | SLI, 256, 0x2008);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1010, 200});
    fx_end(&f);
    assert_clean();
}
END_TEST

START_TEST(s10_ccw_address_unaligned)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 512, 0x2000);
    interrupt(&f);
    tsch(&f, 0, &(struct st){FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x100c, 0});
    fx_end(&f);
    assert_only("S10");
}
END_TEST

/* A malformed item followed by a normal end: the channel must have flagged it. */
static void ends_normally(struct fx *f)
{
    interrupt(f);
    tsch(f, 0, &done);
    fx_end(f);
}

/* The model's order: ORB, SSCH, the CCWs, the SCSW when status becomes pending, the
 * interruption, TSCH and its IRB. A bad SCSW is one finding, not one per record. */
START_TEST(s8_model_order_one_finding)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    struct st bad = {FC_START, AC_SCHACT, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0, 0x1008, 0};
    scsw(&f, &bad);
    interrupt(&f);
    tsch(&f, 0, &bad);
    fx_end(&f);
    assert_only("S8");
    ck_assert_uint_eq(nfound, 1);
}
END_TEST

/* An SSCH whose ORB took an operand exception is recorded on channel "css", after the ORB on
 * the subchannel's: the running program's CCWs still belong to it. */
START_TEST(operand_exception_keeps_running_program)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    orb(&f, ORB_F | ORB_RSVD | ORB_LPM, 0x1000); /* its SSCH record goes elsewhere */
    ccw(&f, 0x08, 0, 0, 0x1100);
    ccw(&f, 0x08, 0, 0, 0x1200);
    ends_normally(&f);
    assert_only("S11");
}
END_TEST

START_TEST(s11_tic_after_tic)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x08, 0, 0, 0x1100);
    ccw(&f, 0x08, 0, 0, 0x1200);
    ccw(&f, 0x03, 0, 0, 0);
    ends_normally(&f);
    assert_only("S11");
    ck_assert_ptr_nonnull(strstr(found[0].msg, "TIC follows a TIC"));
}
END_TEST

START_TEST(s11_malformed_ccws)
{
    static const struct {
        uint32_t orb_w1, cpa;
        uint8_t cmd, flags;
        uint16_t count;
        uint32_t addr;
        const char *why;
    } cases[] = {
        {ORB_F | ORB_H, 0x1000, 0x08, CC, 0, 0x1100, "TIC with nonzero flags"},
        {ORB_F | ORB_H, 0x1000, 0x18, 0, 0, 0x1100, "high nibble"},
        {ORB_F | ORB_H, 0x1000, 0x08, 0, 0, 0x1104, "TIC to an address"},
        {ORB_F | ORB_H, 0x1000, 0x00, 0, 8, 0x2000, "invalid command code"},
        {ORB_F | ORB_H, 0x1000, 0x86, CD | IDA, 0, 0x2000, "count 0 with chain data"},
        {ORB_F | ORB_H, 0x1000, 0x86, SUSP | IDA, 8, 0x2000, "does not allow suspension"},
        {ORB_F | ORB_H, 0x1000, 0x86, 0x01, 8, 0x2000, "MIDA"},
        {ORB_F | ORB_H, 0x1000, 0x86, 0, 0x100, 0x7fffff80u, "beyond 2 GiB"},
        {ORB_F | ORB_H, 0x1004, 0x86, IDA, 8, 0x2000, "not doubleword aligned"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fx f;
        fx_start(&f, "css.0.0.0042");
        orb(&f, cases[i].orb_w1 | ORB_LPM, cases[i].cpa);
        instr(&f, CSS_FT_SSCH, 0);
        ccw(&f, cases[i].cmd, cases[i].flags, cases[i].count, cases[i].addr);
        ends_normally(&f);
        assert_only("S11");
        ck_assert_msg(strstr(found[0].msg, cases[i].why) != NULL, "case %zu: %s", i, found[0].msg);
    }
}
END_TEST

START_TEST(s11_count_zero_after_chain_data)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, CD | IDA, 512, 0x2000);
    ccw(&f, 0x86, IDA, 0, 0x2008);
    ends_normally(&f);
    assert_only("S11");
}
END_TEST

START_TEST(s11_forgiven_after_unit_check)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x08, 0, 0, 0x1100);
    ccw(&f, 0x08, 0, 0, 0x1200);
    interrupt(&f);
    tsch(&f, 0,
         &(struct st){FC_START, 0, SC_ALERT | SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE | 0x02, 0, 0,
                      0x1008, 0});
    fx_end(&f);
    assert_clean();
}
END_TEST

START_TEST(s12_idaw_list_unaligned)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2004); /* format-2 IDAWs are 8 bytes */
    ends_normally(&f);
    assert_only("S12");

    fx_start(&f, "css.0.0.0042"); /* the same list is fine for 4-byte format-1 IDAWs */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2004);
    ends_normally(&f);
    assert_clean();
}
END_TEST

/* A read through three format-2 IDAWs, each after the first on a block boundary: `second` is
 * what the second IDAW holds, seg2 the bytes its block gives. */
static void read_3_idaws(struct fx *f, uint32_t orb_w1, uint64_t second, uint32_t seg2)
{
    orb(f, ORB_F | ORB_LPM | orb_w1, 0x1000);
    instr(f, CSS_FT_SSCH, 0);
    ccw(f, 0x86, IDA, (uint16_t)(0x800 + seg2 + 0x800), 0x2000);
    idaw(f, 0x2000, 0x10800, 8); /* the first may start anywhere */
    data(f, 0x10800, 0x800, CSS_MD_STORE);
    idaw(f, 0x2008, second, 8);
    data(f, second, seg2, CSS_MD_STORE);
    idaw(f, 0x2010, 0x30000, 8);
    data(f, 0x30000, 0x800, CSS_MD_STORE);
}

START_TEST(s18_idaw_contents)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042"); /* format 2, 4 KiB blocks: blocks start on 4K */
    read_3_idaws(&f, ORB_H, 0x20000, 0x1000);
    ends_normally(&f);
    assert_clean();

    fx_start(&f, "css.0.0.0042"); /* 0x20800 starts a 2K block, not a 4K one */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 8192, 0x2000);
    idaw(&f, 0x2000, 0x10800, 8);
    data(&f, 0x10800, 0x800, CSS_MD_STORE);
    idaw(&f, 0x2008, 0x20800, 8);
    ends_normally(&f);
    assert_only("S18");

    fx_start(&f, "css.0.0.0042"); /* with ORB T format-2 blocks are 2 KiB: fine */
    read_3_idaws(&f, ORB_H | ORB_T, 0x20800, 0x800);
    ends_normally(&f);
    assert_clean();

    fx_start(&f, "css.0.0.0042"); /* format-1 IDAWs are 31-bit */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    idaw(&f, 0x2000, 0x80001000u, 4);
    ends_normally(&f);
    assert_only("S18");

    fx_start(&f, "css.0.0.0042"); /* the same IDAW ending in channel-program check is right */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    idaw(&f, 0x2000, 0x80001000u, 4);
    interrupt(&f);
    tsch(&f, 0,
         &(struct st){FC_START, 0, SC_ALERT | SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, CS_PCK, 0,
                      0x1008, 4096});
    fx_end(&f);
    assert_clean();

    fx_start(&f, "css.0.0.0042"); /* reading backward, a following IDAW ends a block */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x0c, IDA, 0x900, 0x2000);
    idaw(&f, 0x2000, 0x100ff, 4);
    data(&f, 0x10000, 0x100, CSS_MD_STORE | CSS_MD_BACKWARD);
    idaw(&f, 0x2004, 0x207ff, 4);
    data(&f, 0x20000, 0x800, CSS_MD_STORE | CSS_MD_BACKWARD);
    ends_normally(&f);
    assert_clean();
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x0c, IDA, 0x900, 0x2000);
    idaw(&f, 0x2000, 0x100ff, 4);
    data(&f, 0x10000, 0x100, CSS_MD_STORE | CSS_MD_BACKWARD);
    idaw(&f, 0x2004, 0x20800, 4); /* starts a block: wrong end when reading backward */
    ends_normally(&f);
    assert_only("S18");
}
END_TEST

START_TEST(s19_idaw_sequence)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042"); /* the second IDAW is not the list's next entry */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 8192, 0x2000);
    idaw(&f, 0x2000, 0x10000, 8);
    data(&f, 0x10000, 0x1000, CSS_MD_STORE);
    idaw(&f, 0x2010, 0x20000, 8);
    ends_normally(&f);
    assert_only("S19");

    fx_start(&f, "css.0.0.0042"); /* fetched while the first block still had room */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 8192, 0x2000);
    idaw(&f, 0x2000, 0x10000, 8);
    data(&f, 0x10000, 0x100, CSS_MD_STORE);
    idaw(&f, 0x2008, 0x20000, 8);
    ends_normally(&f);
    assert_only("S19");

    fx_start(&f, "css.0.0.0042"); /* more IDAWs than the count needs */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 0x800, 0x2000);
    idaw(&f, 0x2000, 0x10800, 8);
    data(&f, 0x10800, 0x800, CSS_MD_STORE);
    idaw(&f, 0x2008, 0x20000, 8);
    ends_normally(&f);
    assert_only("S19");

    fx_start(&f, "css.0.0.0042"); /* an IDAW for a CCW without IDA */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, 0, 0x800, 0x2000);
    idaw(&f, 0x2000, 0x10800, 8);
    ends_normally(&f);
    assert_only("S19");

    fx_start(&f, "css.0.0.0042"); /* an 8-byte IDAW under a format-1 IDAW ORB */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 0x800, 0x2000);
    idaw(&f, 0x2000, 0x10800, 8);
    ends_normally(&f);
    assert_only("S19");

    fx_start(&f, "css.0.0.0042"); /* data chaining: each CCW starts its own list */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, IDA | CD, 0x100, 0x2000);
    idaw(&f, 0x2000, 0x10f00, 4);
    data(&f, 0x10f00, 0x100, CSS_MD_STORE);
    ccw(&f, 0x02, IDA, 0x100, 0x3000);
    idaw(&f, 0x3000, 0x20080, 4); /* a chained CCW's first IDAW may start anywhere */
    data(&f, 0x20080, 0x100, CSS_MD_STORE);
    ends_normally(&f);
    assert_clean();
}
END_TEST

START_TEST(s20_data_outside_program)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042"); /* direct: pieces inside [0x3000, +512) */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x01, CC, 512, 0x3000);
    data(&f, 0x3000, 256, 0);
    data(&f, 0x3100, 256, 0);
    ccw(&f, 0x03, 0, 1, 0x3000); /* a No-op moves nothing */
    ends_normally(&f);
    assert_clean();

    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, 0, 512, 0x3000);
    data(&f, 0x3100, 512, CSS_MD_STORE); /* runs past 0x3200 */
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* the count exceeded over two pieces */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, 0, 512, 0x3000);
    data(&f, 0x3000, 512, CSS_MD_STORE);
    data(&f, 0x3000, 16, CSS_MD_STORE);
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* a write that stores */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x01, 0, 512, 0x3000);
    data(&f, 0x3000, 512, CSS_MD_STORE);
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* skipped without the skip flag */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, 0, 512, 0x3000);
    data(&f, 0x3000, 512, CSS_MD_STORE | CSS_MD_SKIP);
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* read backward: (0x30ff - 256, 0x30ff] */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x0c, 0, 256, 0x30ff);
    data(&f, 0x3000, 256, CSS_MD_STORE | CSS_MD_BACKWARD);
    ends_normally(&f);
    assert_clean();
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x0c, 0, 256, 0x30ff);
    data(&f, 0x3001, 256, CSS_MD_STORE | CSS_MD_BACKWARD);
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* a control command may store; a skipped piece of a read
                                   * backward need not say backward */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x03 | 0x10, CC, 4, 0x3000);
    data(&f, 0x3000, 4, CSS_MD_STORE);
    ccw(&f, 0x0c, 0x10, 256, 0x30ff);
    data(&f, 0x3000, 256, CSS_MD_STORE | CSS_MD_SKIP);
    ends_normally(&f);
    assert_clean();

    /* a No-op with chain data that moved nothing is immediate: the next CCW may start a new
     * command (here a read backward) rather than continue the chain */
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x03, CD | CC, 16, 0x3000);
    ccw(&f, 0x0c, 0, 256, 0x30ff);
    data(&f, 0x3000, 256, CSS_MD_STORE | CSS_MD_BACKWARD);
    ends_normally(&f);
    assert_clean();
    fx_start(&f, "css.0.0.0042"); /* but a read's chain that moved data goes on as a read */
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, CD, 16, 0x4000);
    data(&f, 0x4000, 16, CSS_MD_STORE);
    ccw(&f, 0x0c, 0, 256, 0x30ff);
    data(&f, 0x3000, 256, CSS_MD_STORE | CSS_MD_BACKWARD);
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* through an IDAW: inside its part of the block only */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    idaw(&f, 0x2000, 0x10800, 8);
    data(&f, 0x10000, 0x800, CSS_MD_STORE);
    ends_normally(&f);
    assert_only("S20");

    fx_start(&f, "css.0.0.0042"); /* data under an IDA CCW before any IDAW */
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x86, IDA, 4096, 0x2000);
    data(&f, 0x2000, 0x800, CSS_MD_STORE);
    ends_normally(&f);
    assert_only("S20");
}
END_TEST

static void tpi_rec(struct fx *f, int cc)
{
    uint8_t p[CSS_FT_TPI_LEN] = {0, 0, 0x00, 0x42};
    put32(p + 4, (uint32_t)cc);
    p[9] = 3;
    msg(f, 0, CSS_FT_TPI, p, sizeof(p));
}

static void stcrw_rec(struct fx *f, int cc, uint8_t rsc, uint16_t rsid)
{
    uint8_t p[CSS_FT_STCRW_LEN] = {0};
    put32(p, (uint32_t)cc);
    p[7] = rsc, p[9] = rsc ? 4 : 0, p[10] = (uint8_t)(rsid >> 8), p[11] = (uint8_t)rsid;
    msg(f, 0, CSS_FT_STCRW, p, sizeof(p));
}

START_TEST(s21_tpi_stcrw)
{
    struct fx f;
    fx_start(&f, "css"); /* both condition codes, a CRW, none, a program exception */
    tpi_rec(&f, 1);
    tpi_rec(&f, 0);
    tpi_rec(&f, -5);
    stcrw_rec(&f, 0, 3, 0x0042);
    stcrw_rec(&f, 1, 0, 0);
    stcrw_rec(&f, -5, 0, 0);
    fx_end(&f);
    assert_clean();

    fx_start(&f, "css");
    tpi_rec(&f, 2);
    fx_end(&f);
    assert_only("S21");

    fx_start(&f, "css");
    stcrw_rec(&f, 3, 0, 0);
    fx_end(&f);
    assert_only("S21");

    fx_start(&f, "css"); /* no CRW pending, yet one stored */
    stcrw_rec(&f, 1, 3, 0x0042);
    fx_end(&f);
    assert_only("S21");
}
END_TEST

static void access_denied(struct fx *f, uint64_t at, uint32_t len, int store)
{
    uint8_t p[CSS_ACCESS_DENIED_LEN];
    put32(p, (uint32_t)(at >> 32));
    put32(p + 4, (uint32_t)at);
    put32(p + 8, len);
    p[12] = (uint8_t)store;
    msg(f, 0, CSS_MK_ACCESS_DENIED, p, sizeof(p));
}

/* S22: a program whose every access the host allowed is clean; an access the host's check
 * refused is a finding naming the address, whatever status the program ends with. */
START_TEST(s22_access_denied)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, 0, 64, 0x3000);
    data(&f, 0x3000, 64, CSS_MD_STORE);
    interrupt(&f);
    const struct st read_done = {FC_START, 0, SC_PRIM | SC_SEC | SC_PEND, DS_CE_DE, 0, 0,
                                 0x1008,   0};
    tsch(&f, 0, &read_done);
    fx_end(&f);
    assert_clean();

    fx_start(&f, "css.0.0.0042");
    orb(&f, ORB_F | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    ccw(&f, 0x02, 0, 64, 0x7000000);
    access_denied(&f, 0x7000000, 64, 1);
    interrupt(&f);
    const struct st prot = {FC_START, 0, SC_PRIM | SC_SEC | SC_PEND | SC_ALERT, 0, 0x10, 0,
                            0x1008,   64};
    tsch(&f, 0, &prot);
    fx_end(&f);
    assert_only("S22");
    ck_assert_uint_eq(nfound, 1);
    ck_assert_ptr_nonnull(strstr(found[0].msg, "a store of 64 bytes at 0x7000000"));

    fx_start(&f, "css.0.0.0042"); /* a CCW fetch refused; a short record is ignored */
    orb(&f, ORB_F | ORB_LPM, 0x9000);
    instr(&f, CSS_FT_SSCH, 0);
    access_denied(&f, 0x9000, 8, 0);
    msg(&f, 0, CSS_MK_ACCESS_DENIED, (const uint8_t *)"\0\0\0", 3);
    fx_end(&f);
    assert_only("S22");
    ck_assert_uint_eq(nfound, 1);
    ck_assert_ptr_nonnull(strstr(found[0].msg, "a fetch of 8 bytes at 0x9000"));
}
END_TEST

START_TEST(s13_invalid_orb_accepted)
{
    static const uint32_t bad[][2] = {
        {ORB_F | ORB_RSVD | ORB_LPM, 0x1000},
        {ORB_F | ORB_TM | ORB_LPM, 0x1000},
        {ORB_F | ORB_LPM, 0x80001000u},
    };
    for (size_t i = 0; i < 3; i++) {
        struct fx f;
        fx_start(&f, "css.0.0.0042");
        orb(&f, bad[i][0], bad[i][1]);
        instr(&f, CSS_FT_SSCH, 0);
        fx_end(&f);
        assert_only("S13");
        ck_assert_uint_eq(nfound, 1);
    }
}
END_TEST

START_TEST(s14_second_request_accepted)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    region_write(&f, ORB_F | ORB_LPM, FC_START);
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, 0);
    region_write(&f, ORB_F | ORB_LPM, FC_START);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, 0);
    fx_end(&f);
    assert_only("S14");
}
END_TEST

START_TEST(s14_no_irb)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    region_write(&f, ORB_F | ORB_LPM, FC_START);
    good_io(&f);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, 0);
    fx_end_at(&f, f.cycle + CSS_MON_OVERDUE_CYCLES);
    assert_only("S14");
}
END_TEST

START_TEST(s15_ret_code_mapping)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    region_write(&f, ORB_F | ORB_LPM, FC_START);
    instr(&f, CSS_FT_SSCH, 1);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, 0); /* cc 1 is -EBUSY */
    fx_end(&f);
    assert_only("S15");

    fx_start(&f, "css.0.0.0042");
    region_write(&f, ORB_F | ORB_LPM, FC_START);
    instr(&f, CSS_FT_SSCH, 3);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, -16); /* cc 3 is -ENODEV or -EACCES */
    fx_end(&f);
    assert_only("S15");

    fx_start(&f, "css.0.0.0042");
    region_write(&f, ORB_TM | ORB_LPM, FC_START);
    be32_msg(&f, 1, CSS_MK_IO_REGION_RET, 0); /* transport mode is -EOPNOTSUPP */
    fx_end(&f);
    assert_only("S15");

    fx_start(&f, "css.0.0.0042");
    be32_msg(&f, 0, CSS_MK_ASYNC_CMD, 1);
    instr(&f, CSS_FT_HSCH, 0);
    be32_msg(&f, 1, CSS_MK_ASYNC_RET, -16); /* HSCH cc 0 is 0 */
    fx_end(&f);
    assert_only("S15");
}
END_TEST

START_TEST(s16_mdev_lifecycle)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    mdev(&f, CSS_MDEV_OPEN, 1); /* never created */
    fx_end(&f);
    assert_only("S16");

    fx_start(&f, "css.0.0.0042");
    mdev(&f, CSS_MDEV_CREATE, 1);
    mdev(&f, CSS_MDEV_OPEN, 1);
    mdev(&f, CSS_MDEV_REMOVE, 1); /* still open */
    fx_end(&f);
    assert_only("S16");

    fx_start(&f, "css.0.0.0042");
    mdev(&f, CSS_MDEV_CREATE, 1);
    mdev(&f, CSS_MDEV_OPEN, 1);
    mdev(&f, CSS_MDEV_CLOSE, 1);
    mdev(&f, CSS_MDEV_REMOVE, 1);
    region_io(&f); /* I/O after remove */
    fx_end(&f);
    assert_only("S16");
}
END_TEST

START_TEST(s17_schib_instructions)
{
    struct fx f;
    fx_start(&f, "css.0.0.0042");
    schib_instr(&f, CSS_FT_STSCH, 0, 1);
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    schib_instr(&f, CSS_FT_MSCH, 2, 1); /* busy: right */
    schib_instr(&f, CSS_FT_MSCH, 0, 1); /* a function is in progress */
    fx_end(&f);
    assert_only("S17");
    ck_assert_uint_eq(nfound, 1);

    fx_start(&f, "css.0.0.0042");
    schib_instr(&f, CSS_FT_STSCH, 2, 1);
    fx_end(&f);
    assert_only("S17");

    fx_start(&f, "css.0.0.0042");
    schib_instr(&f, CSS_FT_MSCH, 2, 1); /* idle */
    fx_end(&f);
    assert_only("S17");

    /* without a valid device number MSCH sets cc 0 and changes nothing */
    fx_start(&f, "css.0.0.0042");
    schib_instr(&f, CSS_FT_STSCH, 0, 0);
    orb(&f, ORB_F | ORB_H | ORB_LPM, 0x1000);
    instr(&f, CSS_FT_SSCH, 0);
    schib_instr(&f, CSS_FT_MSCH, 0, 1);
    fx_end(&f);
    assert_clean();
}
END_TEST

/* A TSCH record without its SCSW fields (2015 tracepoints) leaves the state unknown: a second
 * start is not faulted, where the same sequence with the fields is. */
START_TEST(missing_detail_is_unknown)
{
    struct fx f;
    fx_start(&f, "ftrace.css.0.0.0042");
    uint8_t p[16] = {0, 0, 0, 0x42};
    instr(&f, CSS_FT_SSCH, 0);
    interrupt(&f);
    msg(&f, 0, CSS_FT_TSCH, p, sizeof(p)); /* cc 0, no detail */
    instr(&f, CSS_FT_SSCH, 0);
    interrupt(&f);
    p[8] = CSS_FT_HAVE_DETAIL;
    p[11] = FC_START, p[13] = SC_INTER | SC_PEND; /* intermediate: the function goes on */
    msg(&f, 0, CSS_FT_TSCH, p, sizeof(p));
    instr(&f, CSS_FT_SSCH, 0);
    fx_end(&f);
    assert_only("S1");
    ck_assert_uint_eq(nfound, 1);
}
END_TEST

/* On an imported channel the interrupt tracepoint is followed by the handler's TSCH; another
 * instruction first means the kernel lost events, and the state starts over as unknown. The
 * model's status stays pending until TSCH, so there the same sequence is a breach. */
START_TEST(imported_lost_tsch_starts_over)
{
    struct fx f;
    fx_start(&f, "ftrace.css.0.0.0042");
    instr(&f, CSS_FT_SSCH, 0);
    interrupt(&f);
    instr(&f, CSS_FT_SSCH, 0);
    fx_end(&f);
    assert_clean();

    fx_start(&f, "css.0.0.0042");
    good_io(&f);
    interrupt(&f);
    instr(&f, CSS_FT_SSCH, 0);
    fx_end(&f);
    assert_only("S1");

    /* a trace of the SSCH tracepoint alone says nothing of the state */
    fx_start(&f, "ftrace.css.0.0.0042");
    for (int i = 0; i < 3; i++)
        instr(&f, CSS_FT_SSCH, 0);
    fx_end_at(&f, f.cycle + CSS_MON_OVERDUE_CYCLES);
    assert_clean();
}
END_TEST

/* Records of every kind with random lengths and bytes: findings of css rules only, never a
 * crash or a read past a payload (the sanitizer build checks that). */
START_TEST(random_records)
{
    static const uint16_t kinds[] = {CSS_MK_ORB,
                                     CSS_MK_CCW,
                                     CSS_MK_SCSW,
                                     CSS_MK_IRB,
                                     CSS_FT_SSCH,
                                     CSS_FT_CSCH,
                                     CSS_FT_HSCH,
                                     CSS_FT_XSCH,
                                     CSS_FT_RSCH,
                                     CSS_FT_STSCH,
                                     CSS_FT_MSCH,
                                     CSS_FT_TSCH,
                                     CSS_FT_TPI,
                                     CSS_FT_INTERRUPT,
                                     CSS_FT_VFIO_ASYNC_REQUEST,
                                     CSS_FT_VFIO_IO_REQUEST,
                                     CSS_MK_IO_REGION_WRITE,
                                     CSS_MK_IO_REGION_RET,
                                     CSS_MK_IO_REGION_IRB,
                                     CSS_MK_ASYNC_CMD,
                                     CSS_MK_ASYNC_RET,
                                     CSS_MK_MDEV_EVENT,
                                     0x7fff};
    uint32_t seed = 12345;
    for (int run = 0; run < 2; run++) {
        struct fx f;
        fx_start(&f, run ? "ftrace.css.0.0.0042" : "css.0.0.0042");
        for (int i = 0; i < 50000; i++) {
            seed = seed * 1103515245u + 12345u;
            uint16_t kind = kinds[(seed >> 16) % (sizeof(kinds) / sizeof(kinds[0]))];
            seed = seed * 1103515245u + 12345u;
            uint32_t len = (seed >> 16) % 100;
            uint8_t *p = malloc(len ? len : 1); /* exact size: ASan sees any overread */
            ck_assert_ptr_nonnull(p);
            for (uint32_t j = 0; j < len; j++) {
                seed = seed * 1103515245u + 12345u;
                /* small values often, so condition codes and events hit their cases */
                p[j] = (uint8_t)((seed >> 24) & ((seed >> 20 & 1) ? 0xff : 0x03));
            }
            msg(&f, (uint8_t)(i % 3), kind, len ? p : NULL, len);
            free(p);
        }
        fx_end_at(&f, f.cycle + 2 * CSS_MON_OVERDUE_CYCLES);
        ck_assert_uint_gt(nfound, 0);
        for (size_t i = 0; i < nfound && i < 64; i++)
            ck_assert_msg(found[i].rule[0] == 'S', "finding of %s", found[i].rule);
    }
}
END_TEST

/* ---- an imported ftrace sample -------------------------------------------------------- */

struct per_channel {
    char name[64];
    char rules[16][8];
    unsigned n;
};

static struct per_channel chans[8];

static void collect(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    ck_assert_uint_lt(f->channel, 8);
    struct per_channel *c = &chans[f->channel];
    snprintf(c->name, sizeof(c->name), "%s", f->channel_name);
    if (c->n < 16)
        snprintf(c->rules[c->n++], 8, "%s", f->rule);
}

START_TEST(ftrace_sample)
{
    char tmp[256], out[300];
    cs_test_tmpdir(tmp, sizeof(tmp), "css-monitor");
    snprintf(out, sizeof(out), "%s/trace", tmp);
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_msg(cs_ftrace_convert(CSS_TESTDATA "/subchannels.txt", out, &st, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(st.malformed, 0);

    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, out, &err) == 0, "%s", err.msg);
    memset(chans, 0, sizeof(chans));
    struct cs_monitor_hub *hub = cs_monitor_hub_new(collect, NULL);
    size_t n = cs_trace_reader_channels(r);
    ck_assert_uint_le(n, 8);
    for (size_t i = 0; i < n; i++)
        cs_monitor_hub_channel(hub, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    struct cs_trace_event ev;
    uint64_t last = 0;
    int got;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        if (ev.type != CS_TRACE_MSG)
            continue;
        struct cs_mon_msg m = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(hub, &m);
        last = ev.cycles;
    }
    ck_assert_int_eq(got, 0);
    cs_monitor_hub_finish(hub, last);
    cs_monitor_hub_free(hub);

    /* 0.0.0042 and 0.0.0045 conform; 0.0.0043 breaks S1, S3, S4, S5, S15 in that order;
     * 0.0.0044's TSCH lines carry no SCSW fields, which is not taken for "no status" */
    for (size_t i = 0; i < n; i++) {
        const char *name = cs_trace_reader_channel_name(r, i);
        if (strcmp(name, "ftrace.css.0.0.0043") == 0) {
            ck_assert_uint_eq(chans[i].n, 5);
            ck_assert_str_eq(chans[i].rules[0], "S1");
            ck_assert_str_eq(chans[i].rules[1], "S3");
            ck_assert_str_eq(chans[i].rules[2], "S4");
            ck_assert_str_eq(chans[i].rules[3], "S5");
            ck_assert_str_eq(chans[i].rules[4], "S15");
        } else {
            ck_assert_msg(chans[i].n == 0, "%s: %u findings, first %s", name, chans[i].n,
                          chans[i].rules[0]);
        }
    }
    ck_assert_uint_eq(n, 5); /* four subchannels and ftrace.css (TPI) */
    cs_trace_reader_close(r);
    cs_test_rmtree(tmp);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("css_monitor");
    TCase *tc = tcase_create("conforming");
    tcase_add_test(tc, conforming_session);
    tcase_add_test(tc, conforming_vfio);
    tcase_add_test(tc, s2_young_start_is_not_overdue);
    tcase_add_test(tc, s2_silent_suspension_is_not_overdue);
    tcase_add_test(tc, s2_deferred_cc_ends_without_primary);
    tcase_add_test(tc, s11_forgiven_after_unit_check);
    tcase_add_test(tc, missing_detail_is_unknown);
    tcase_add_test(tc, operand_exception_keeps_running_program);
    tcase_add_test(tc, imported_lost_tsch_starts_over);
    suite_add_tcase(s, tc);
    tc = tcase_create("breaches");
    tcase_add_test(tc, s1_ssch_while_busy);
    tcase_add_test(tc, s1_busy_when_idle);
    tcase_add_test(tc, s2_second_primary_status);
    tcase_add_test(tc, s2_never_ends);
    tcase_add_test(tc, s3_tsch_cc1_while_pending);
    tcase_add_test(tc, s3_tsch_cc0_without_pending);
    tcase_add_test(tc, s4_halt_twice);
    tcase_add_test(tc, s4_halt_busy_when_idle);
    tcase_add_test(tc, s5_clear_busy);
    tcase_add_test(tc, s6_cancel_when_idle);
    tcase_add_test(tc, s6_cancel_refused_while_suspended);
    tcase_add_test(tc, s7_resume_when_idle);
    tcase_add_test(tc, s8_primary_while_active);
    tcase_add_test(tc, s8_status_without_pending);
    tcase_add_test(tc, s8_model_order_one_finding);
    tcase_add_test(tc, s9_check_without_alert);
    tcase_add_test(tc, s10_residual_beyond_count);
    tcase_add_test(tc, s10_ccw_address_unaligned);
    tcase_add_test(tc, s11_tic_after_tic);
    tcase_add_test(tc, s11_malformed_ccws);
    tcase_add_test(tc, s11_count_zero_after_chain_data);
    tcase_add_test(tc, s12_idaw_list_unaligned);
    tcase_add_test(tc, s13_invalid_orb_accepted);
    tcase_add_test(tc, s18_idaw_contents);
    tcase_add_test(tc, s19_idaw_sequence);
    tcase_add_test(tc, s20_data_outside_program);
    tcase_add_test(tc, s21_tpi_stcrw);
    tcase_add_test(tc, s14_second_request_accepted);
    tcase_add_test(tc, s14_no_irb);
    tcase_add_test(tc, s15_ret_code_mapping);
    tcase_add_test(tc, s16_mdev_lifecycle);
    tcase_add_test(tc, s17_schib_instructions);
    tcase_add_test(tc, s22_access_denied);
    suite_add_tcase(s, tc);
    tc = tcase_create("robustness");
    tcase_add_test(tc, random_records);
    suite_add_tcase(s, tc);
    tc = tcase_create("ftrace");
    tcase_add_test(tc, ftrace_sample);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
