/* CSS monitor. One monitor per channel, one subchannel per channel: the CSS model taps each
 * subchannel on "css.<cssid>.<ssid>.<schno>", the ftrace import on "ftrace.css.<...>".
 *
 * The monitor keeps what it knows of the subchannel: the function in progress (start, halt,
 * clear) and whether an interruption is pending, each possibly unknown. A trace imported from
 * a running system starts in the middle of things, so state there is unknown until a TSCH
 * shows it; the model's channels start with every subchannel idle. Status can become pending
 * at any moment while a function runs (and unsolicited status at any moment at all), so the
 * checks only ever fault a condition code that the known state rules out.
 *
 * A TSCH instruction record and the IRB it stored are one event: whichever comes first is held
 * until the next message, so a broken IRB gives one finding, not one per record. */
#include "css_monitor.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cs_ftrace_import.h"
#include "cs_bytes.h"

/* clang-format off */
#define CSS_RULES                                                                                  \
    X(S1) X(S2) X(S3) X(S4) X(S5) X(S6) X(S7) X(S8) X(S9) X(S10) X(S11) X(S12) X(S13) X(S14)       \
    X(S15) X(S16) X(S17) X(S18) X(S19) X(S20) X(S21) X(S22)
enum rule {
#define X(id) R_##id,
    CSS_RULES
#undef X
    NRULES
};
static const char *const rule_ids[NRULES] = {
#define X(id) #id,
    CSS_RULES
#undef X
};
/* clang-format on */

/* SCSW fields as Linux and its tracepoints number them (struct cmd_scsw). */
#define FC_START   0x4
#define FC_HALT    0x2
#define FC_CLEAR   0x1
#define AC_RESUME  0x40
#define AC_START   0x20
#define AC_HALT    0x10
#define AC_CLEAR   0x08
#define AC_SCHACT  0x04
#define AC_DEVACT  0x02
#define AC_SUSP    0x01
#define SC_ALERT   0x10
#define SC_INTER   0x08
#define SC_PRIMARY 0x04
#define SC_SEC     0x02
#define SC_PENDING 0x01

#define DS_UNIT_CHECK  0x02
#define DS_UNIT_EXCEPT 0x01
#define CS_PCI         0x80
#define CS_IL          0x40
#define CS_PROGRAM     0x20
/* program, protection, channel-data, channel-control, interface-control, chaining check */
#define CS_ERRORS 0x3f

#define CCW_CD   0x80
#define CCW_CC   0x40
#define CCW_SKIP 0x10
#define CCW_S    0x02
#define CCW_IDA  0x04
#define CCW_MIDA 0x01

#define ERR_EIO        5
#define ERR_EAGAIN     11
#define ERR_EACCES     13
#define ERR_EBUSY      16
#define ERR_ENODEV     19
#define ERR_EINVAL     22
#define ERR_EOPNOTSUPP 95

#define NO_CC    (-100) /* no instruction record seen */
#define MAX_MDEV 8

enum tri { T_NO, T_YES, T_UNKNOWN };

/* The SCSW fields the checks use; `full` when CPA and residual are known (from an SCSW or an
 * IRB, not from a TSCH tracepoint). */
struct scsw {
    int full;
    uint8_t flags0, flags1; /* word 0 bytes 0, 1: key S L CC / F P I A U Z E N */
    uint8_t fctl, actl, stctl, dstat, cstat;
    uint32_t cpa;
    uint16_t residual;
};

/* The ORB bits the checks use (docs/trace-format.md kind 1). */
struct orb {
    int known;
    uint8_t w1[4];
    uint32_t cpa;
};

/* One channel program as the channel fetched it. */
struct prog {
    struct orb orb;
    int ccws, prev_cd, prev_tic;
    uint8_t data_cmd; /* the command of the CCW that began the current data chain */
    uint16_t max_count;
    /* the CCW whose data area is in use (none after a TIC) and what moved under it: the
     * bytes of DATA records, the IDAWs fetched, the current IDAW's block [seg_lo, +seg_len) */
    int in_ccw, stream_bad; /* stream_bad: one S19/S20 finding given for this CCW */
    uint8_t ccw_flags;
    int store, backward;  /* the data chain's command reads into storage; reads backward */
    int control;          /* a control command: the device decides the direction */
    int dir_unsure;       /* data chain or new command: see on_one_ccw */
    uint64_t chain_moved; /* bytes the current data chain moved */
    uint16_t count;
    uint32_t cda;
    uint64_t moved;
    int idaws;
    uint64_t idaw_next, seg_lo, seg_len, seg_moved;
    int silent_suspend; /* a suspend flag under ORB U: suspension shows no status */
    int expect_pgm;     /* a malformed CCW or ORB field: the start function must end in a PCK */
    enum rule expect_rule;
    char expect_why[160];
};

struct mdev {
    uint8_t uuid[16];
    uint8_t state; /* 1 created, 2 open, 4 removed */
};

struct mon {
    struct cs_monitor_ctx *ctx;
    uint64_t checks[NRULES];
    int imported;       /* channel from the ftrace import: state starts unknown */
    int int_wants_tsch; /* imported: an interruption was taken, its TSCH is next */
    /* instructions tell the state: always on the model's channels; on imported ones only once
     * TSCH records show up, as a trace may hold some tracepoints only (SSCH alone, say) */
    int tracking;
    int dnv_valid; /* the last STSCH showed a valid device number */

    /* subchannel */
    int fn_known;
    uint8_t fctl;
    enum tri pend;
    int suspended; /* the start function is suspended (intermediate status said so) */

    /* the start function in progress */
    int start_open;
    uint64_t start_cycle;
    struct prog cur;

    /* ORB seen, its SSCH record not yet: the program it starts (CCWs the channel fetches
     * before the SSCH record is written belong to it) and the state the SSCH met */
    int orb_waiting;
    struct prog next;
    int pre_fn_known;
    uint8_t pre_fctl;
    enum tri pre_pend;

    /* the SCSW last recorded when status became pending, already checked */
    uint8_t last_scsw[12];
    int last_scsw_valid;

    /* a TSCH record or an IRB held until the next message (see the file comment) */
    int held; /* 0, CSS_FT_TSCH or CSS_MK_IRB */
    uint64_t held_cycle;
    uint8_t held_buf[96];
    uint32_t held_len;

    /* vfio-ccw I/O region and async region */
    int ssch_visible; /* SSCH records appear on this channel */
    int write_open, write_busy, write_tm, write_nostart;
    int ssch_cc_since_write;
    int io_inflight;
    uint64_t io_cycle;
    int async_open;
    uint32_t async_cmd;
    int async_cc;
    /* the host driver's tracepoints (vfio_ccw_fsm_async_request, _io_request) and the last
     * instruction records before them */
    int ft_ssch_cc, ft_async_kind, ft_async_cc;
    int mdev_seen;
    struct mdev mdevs[MAX_MDEV];
    unsigned nmdev;
};

#define REPORT(m, rule, cycle, ...) cs_monitor_report((m)->ctx, rule, cycle, __VA_ARGS__)
#define CHECKED(m, r)               ((m)->checks[r]++)

static int32_t sbe32(const uint8_t *p)
{
    return (int32_t)cs_be32(p);
}

static struct scsw scsw_from_bytes(const uint8_t *p)
{
    struct scsw s = {1,
                     p[0],
                     p[1],
                     (uint8_t)(p[2] >> 4 & 7),
                     (uint8_t)((p[2] & 0xf) << 3 | p[3] >> 5),
                     (uint8_t)(p[3] & 0x1f),
                     p[8],
                     p[9],
                     cs_be32(p + 4),
                     cs_be16(p + 10)};
    return s;
}

/* A TSCH record with detail: SCHID, cc, flags, dcc, pno, fctl, actl, stctl, dstat, cstat. */
static struct scsw scsw_from_tsch(const uint8_t *p)
{
    struct scsw s = {0};
    s.flags0 = (uint8_t)(p[9] & 3);
    s.flags1 = p[10] ? 0x01 : 0;
    s.fctl = p[11];
    s.actl = p[12];
    s.stctl = p[13];
    s.dstat = p[14];
    s.cstat = p[15];
    return s;
}

/* ---- ORB ------------------------------------------------------------------------------- */

static int orb_s(const struct orb *o)
{
    return o->w1[0] & 0x08;
}
static int orb_fmt1(const struct orb *o)
{
    return !o->known || (o->w1[1] & 0x80);
}
static int orb_tm(const struct orb *o) /* bit 13: transport mode, not provided */
{
    return o->w1[1] & 0x04;
}
static int orb_fmt2_idaw(const struct orb *o)
{
    return o->w1[1] & 0x02;
}
static uint64_t orb_idaw_block(const struct orb *o) /* format 2 with T off: 4 KiB blocks */
{
    return orb_fmt2_idaw(o) && !(o->w1[1] & 0x01) ? 4096 : 2048;
}
static int orb_ssic(const struct orb *o) /* U: suspension without an interruption */
{
    return o->w1[1] & 0x08;
}
static int orb_midaw(const struct orb *o)
{
    return o->w1[3] & 0x40;
}

/* Fields that make SSCH take an operand exception (css.md §1.2 ioinst_orb_valid; PoP ch. 14
 * "Start Subchannel"): transport mode (bit 13) not installed, reserved bits 26-30, CPA bit 0. */
static const char *orb_operand_fault(const struct orb *o)
{
    if (orb_tm(o))
        return "word 1 bit 13 (transport mode) is set";
    if (o->w1[3] & 0x3e)
        return "reserved bits 26-30 of word 1 are set";
    if (o->cpa & 0x80000000u)
        return "bit 0 of the channel-program address is set";
    return NULL;
}

/* ---- start function and its channel program ----------------------------------------- */

static void expect_pgm(struct prog *g, enum rule r, const char *why)
{
    if (g->expect_pgm)
        return; /* the first malformed item is the one the channel stops at */
    g->expect_pgm = 1;
    g->expect_rule = r;
    snprintf(g->expect_why, sizeof(g->expect_why), "%s", why);
}

static void prog_begin(struct mon *m, struct prog *g, const struct orb *o)
{
    memset(g, 0, sizeof(*g));
    if (!o)
        return;
    g->orb = *o;
    CHECKED(m, R_S11);
    /* PoP ch. 15: the first CCW must be on a doubleword boundary (within 24 bits for format-0
     * programs), else channel-program check */
    if (o->cpa & 7)
        expect_pgm(g, R_S11, "the ORB's channel-program address is not doubleword aligned");
    else if (!orb_fmt1(o) && o->cpa >= (1u << 24))
        expect_pgm(g, R_S11, "a format-0 channel-program address beyond 16 MiB");
}

static void start_end(struct mon *m)
{
    m->start_open = 0;
    m->suspended = 0;
    m->cur.expect_pgm = 0;
}

/* The program the channel is running: a CCW fetched before its SSCH record belongs to the
 * ORB waiting for it. */
static struct prog *prog_in_use(struct mon *m)
{
    return m->start_open ? &m->cur : m->orb_waiting ? &m->next : NULL;
}

/* One fetched CCW (format-1 layout; the model records format-0 programs converted). */
static void on_one_ccw(struct mon *m, struct prog *g, const uint8_t *c)
{
    uint8_t cmd = c[0], fl = c[1];
    uint16_t count = cs_be16(c + 2);
    uint32_t addr = cs_be32(c + 4);
    int fmt1 = orb_fmt1(&g->orb);
    char why[120];
    g->ccws++;
    if (count > g->max_count)
        g->max_count = count;
    CHECKED(m, R_S11);
    const char *bad = NULL;
    if ((cmd & 0x0f) == 0x08) {
        /* TIC: css.md §1.3 and §3.1; PoP ch. 15 "Transfer in Channel" */
        if (g->prev_tic)
            bad = "a TIC follows a TIC";
        else if (cmd & 0xf0)
            bad = "a TIC with a nonzero high nibble in its command code";
        else if (fmt1 && (fl || count))
            bad = "a format-1 TIC with nonzero flags or count";
        else if (addr & 7)
            bad = "a TIC to an address that is not doubleword aligned";
        g->prev_tic = 1;
        g->in_ccw = g->stream_bad = 0;
        if (bad) {
            snprintf(why, sizeof(why), "CCW %d: %s", g->ccws, bad);
            expect_pgm(g, R_S11, why);
        }
        return;
    }
    /* The data area is used only by a command that moves data (read, write, read backward,
     * sense); a control command such as No-op may end at once without touching it. */
    /* A control command that moved no data ends as an immediate command, and the channel may
     * then chain commands despite its chain-data flag (docs/css.md, incorrect length): the CCW
     * after it either continues the data chain or starts a new command, so what depends on which is
     * not judged. Without DATA records (older or imported traces) every such CCW is taken so. */
    int unsure = g->prev_cd && (g->data_cmd & 3) == 3 && g->chain_moved == 0;
    int chained = g->prev_cd && !unsure;
    uint8_t op = chained ? g->data_cmd : cmd;
    int moves = !unsure && count &&
                ((op & 3) == 1 || (op & 3) == 2 || (op & 0x0f) == 0x04 || (op & 0x0f) == 0x0c);
    if (!chained) {
        g->data_cmd = cmd;
        g->chain_moved = 0;
    }
    g->in_ccw = 1;
    g->stream_bad = 0;
    g->ccw_flags = fl;
    g->store = (op & 3) == 2 || (op & 0x0f) == 0x04 || (op & 0x0f) == 0x0c;
    g->backward = (op & 0x0f) == 0x0c;
    g->control = (op & 3) == 3 || unsure;
    g->dir_unsure = unsure;
    g->count = count;
    g->cda = addr;
    g->moved = 0;
    g->idaws = 0;
    g->idaw_next = addr;
    g->seg_lo = g->seg_len = g->seg_moved = 0;
    if (!g->prev_cd && (cmd & 0x0f) == 0)
        bad = "an invalid command code (low nibble 0)";
    else if (count == 0 && (fl & CCW_CD))
        bad = "count 0 with chain data";
    else if (count == 0 && chained)
        bad = "count 0 on a CCW reached by data chaining";
    else if ((fl & CCW_S) && g->orb.known && !orb_s(&g->orb))
        bad = "the suspend flag while the ORB does not allow suspension";
    else if ((fl & CCW_S) && (fl & CCW_CD))
        bad = "the suspend flag together with chain data";
    else if ((fl & CCW_MIDA) && g->orb.known && !orb_midaw(&g->orb))
        bad = "the MIDA flag while the ORB's D bit is off";
    else if (moves && fmt1 && !(fl & (CCW_IDA | CCW_MIDA)) &&
             (uint64_t)(addr & 0x7fffffffu) + count > 0x80000000ull)
        bad = "a direct data area beyond 2 GiB";
    else if (moves && fmt1 && (fl & CCW_IDA) && (addr & 0x80000000u))
        bad = "an IDAW-list address beyond 2 GiB";
    if (bad) {
        snprintf(why, sizeof(why), "CCW %d (command 0x%02x): %s", g->ccws, cmd, bad);
        expect_pgm(g, R_S11, why);
    } else if ((fl & CCW_IDA) && moves) {
        /* IDAW list alignment: 4 bytes for format-1 IDAWs, 8 for format-2 (css.md §1.4, §3.1) */
        CHECKED(m, R_S12);
        unsigned align = orb_fmt2_idaw(&g->orb) ? 8 : 4;
        if (g->orb.known && (addr & (align - 1))) {
            snprintf(why, sizeof(why),
                     "CCW %d (command 0x%02x): IDAW list at 0x%08" PRIx32
                     " is not %u-byte aligned for format-%d IDAWs",
                     g->ccws, cmd, addr, align, align == 8 ? 2 : 1);
            expect_pgm(g, R_S12, why);
        }
    }
    if ((fl & CCW_S) && orb_ssic(&g->orb))
        g->silent_suspend = 1;
    g->prev_cd = (fl & CCW_CD) != 0;
    g->prev_tic = 0;
}

static void on_ccw(struct mon *m, const struct cs_mon_msg *msg)
{
    struct prog *g = prog_in_use(m);
    if (!g)
        return; /* not inside a start function this monitor saw begin */
    for (uint32_t i = 0; i + 8 <= msg->len; i += 8)
        on_one_ccw(m, g, msg->payload + i);
}

/* One IDAW the channel fetched (kind 6). S19: the channel reads the CCW's IDAW list in order,
 * in the ORB's IDAW format, one IDAW when the previous one's block is used up and only while
 * the count needs more data, so the IDAWs match the count. S18: what the IDAW holds; a bad one
 * must end the program in channel-program check (PoP ch. 15 Indirect Data Addressing). */
static void on_idaw(struct mon *m, const struct cs_mon_msg *msg)
{
    struct prog *g = prog_in_use(m);
    if (!g || !g->orb.known || g->stream_bad || msg->len < 12)
        return;
    uint64_t at = cs_be64(msg->payload);
    unsigned width = msg->len - 8u;
    unsigned want_width = orb_fmt2_idaw(&g->orb) ? 8 : 4;
    CHECKED(m, R_S19);
    const char *bad = NULL;
    char why[160];
    if (!g->in_ccw || !(g->ccw_flags & CCW_IDA))
        bad = "fetched for a CCW without the IDA flag";
    else if (width != want_width)
        bad = want_width == 8 ? "is not 8 bytes (the ORB asks for format-2 IDAWs)"
                              : "is not 4 bytes (the ORB asks for format-1 IDAWs)";
    else if (at != g->idaw_next)
        bad = "is not the next entry of the CCW's IDAW list";
    else if (g->idaws && g->seg_moved < g->seg_len)
        bad = "was fetched before the previous IDAW's block was used up";
    else if (g->moved >= g->count)
        bad = "was fetched after the CCW's count was used up";
    if (bad) {
        REPORT(m, "S19", msg->cycle,
               "CCW %d: IDAW at 0x%" PRIx64 " %s (list at 0x%08" PRIx32 ", %d IDAW%s and %" PRIu64
               " of %u bytes so far)",
               g->ccws, at, bad, g->cda, g->idaws, g->idaws == 1 ? "" : "s", g->moved, g->count);
        g->stream_bad = 1; /* one finding per CCW */
        return;
    }
    uint64_t a = width == 8 ? cs_be64(msg->payload + 8) : cs_be32(msg->payload + 8);
    uint64_t block = orb_idaw_block(&g->orb), off = a & (block - 1);
    CHECKED(m, R_S18);
    if (width == 4 && (a & 0x80000000u)) {
        snprintf(why, sizeof(why),
                 "CCW %d: format-1 IDAW %d holds 0x%08" PRIx64 ", bit 0 set (31-bit addresses)",
                 g->ccws, g->idaws + 1, a);
        expect_pgm(g, R_S18, why);
    } else if (g->idaws && off != (g->backward ? block - 1 : 0)) {
        snprintf(why, sizeof(why),
                 "CCW %d: IDAW %d holds 0x%" PRIx64 ", which does not %s a %" PRIu64 "-byte block",
                 g->ccws, g->idaws + 1, a, g->backward ? "end" : "start", block);
        expect_pgm(g, R_S18, why);
    }
    g->idaws++;
    g->idaw_next += width;
    g->seg_lo = g->backward ? a - off : a;
    g->seg_len = g->backward ? off + 1 : block - off;
    g->seg_moved = 0;
}

/* One piece of storage a transfer used (kind 5), S20: inside the data area the program
 * described (the CCW's [address, +count), read backward (address-count, address]; or the
 * current IDAW's part of its block), in the direction of the command, within the count. A
 * control command may move data either way (the device decides; the model lets a device
 * store under one), and a skipped piece stores nothing, so its direction flag is not judged. */
static void on_data(struct mon *m, const struct cs_mon_msg *msg)
{
    struct prog *g = prog_in_use(m);
    if (!g || !g->orb.known || g->stream_bad || msg->len < CSS_MD_LEN)
        return;
    uint64_t lo = cs_be64(msg->payload);
    uint32_t len = cs_be32(msg->payload + 8);
    uint8_t fl = msg->payload[12];
    CHECKED(m, R_S20);
    const char *bad = NULL;
    uint64_t area_lo = 0, area_len = 0;
    if (!g->in_ccw)
        bad = "with no CCW in use";
    else if (!g->control && !(fl & CSS_MD_STORE) != !g->store)
        bad = g->store ? "taken from storage by a command that reads into storage"
                       : "stored by a command that takes data from storage";
    else if (!(fl & CSS_MD_SKIP) && !g->dir_unsure && !(fl & CSS_MD_BACKWARD) != !g->backward)
        bad = g->backward ? "not backward under a read-backward command"
                          : "backward under a command that is not read backward";
    else if ((fl & CSS_MD_SKIP) && (!(g->ccw_flags & CCW_SKIP) || (!g->store && !g->dir_unsure)))
        bad = "skipped under a CCW without the skip flag or whose command does not read";
    else if (len == 0 || len > (uint64_t)g->count - g->moved)
        bad = "beyond the CCW's count";
    else if (g->ccw_flags & CCW_IDA) {
        if (!g->idaws)
            bad = "before any IDAW of the CCW was fetched";
        area_lo = g->seg_lo, area_len = g->seg_len;
    } else if (g->backward) {
        area_len = (uint64_t)g->count;
        area_lo = g->cda + 1 >= area_len ? g->cda + 1 - area_len : 0;
        area_len = g->cda + 1 - area_lo;
    } else {
        area_lo = g->cda, area_len = g->count;
    }
    if (!bad && (lo < area_lo || lo - area_lo > area_len || len > area_len - (lo - area_lo)))
        bad = g->ccw_flags & CCW_IDA ? "outside the current IDAW's part of its block"
                                     : "outside the CCW's data area";
    if (bad) {
        REPORT(m, "S20", msg->cycle,
               "CCW %d (data address 0x%08" PRIx32 ", count %u): %" PRIu32 " bytes at 0x%" PRIx64
               " %s",
               g->ccws, g->cda, g->count, len, lo, bad);
        g->stream_bad = 1; /* one finding per CCW */
        return;
    }
    g->moved += len;
    g->seg_moved += len;
    g->chain_moved += len;
}

/* ---- SCSW consistency ------------------------------------------------------------------ */

/* S8 and S9 on one SCSW; S10 too when it is full and belongs to this monitor's start
 * function. */
static void check_scsw(struct mon *m, const struct scsw *s, uint64_t cycle, const char *what)
{
    CHECKED(m, R_S8);
    const char *bad = NULL;
    if ((s->stctl & (SC_ALERT | SC_INTER | SC_PRIMARY | SC_SEC)) && !(s->stctl & SC_PENDING))
        bad = "alert, intermediate, primary or secondary status without status pending";
    else if ((s->stctl & (SC_INTER | SC_PRIMARY)) && !s->fctl)
        bad = "intermediate or primary status with no function in the function control";
    else if ((s->fctl & FC_CLEAR) && (s->fctl & (FC_START | FC_HALT)))
        bad = "the clear function together with start or halt";
    else if ((s->actl & (AC_START | AC_RESUME | AC_SUSP)) && !(s->fctl & FC_START))
        bad = "start pending, resume pending or suspended without the start function";
    else if ((s->actl & AC_HALT) && !(s->fctl & FC_HALT))
        bad = "halt pending without the halt function";
    else if ((s->actl & AC_CLEAR) && !(s->fctl & FC_CLEAR))
        bad = "clear pending without the clear function";
    else if ((s->stctl & SC_PRIMARY) && (s->actl & AC_SCHACT))
        bad = "primary status while subchannel active";
    else if ((s->stctl & SC_SEC) && (s->actl & AC_DEVACT))
        bad = "secondary status while device active";
    else if ((s->actl & AC_SUSP) && (s->actl & (AC_SCHACT | AC_DEVACT)))
        bad = "suspended while subchannel or device active";
    if (bad)
        REPORT(m, "S8", cycle, "%s: fctl=0x%x actl=0x%02x stctl=0x%02x: %s", what, s->fctl, s->actl,
               s->stctl, bad);

    if (s->stctl & SC_PENDING) {
        CHECKED(m, R_S9);
        if (((s->cstat & CS_ERRORS) || (s->dstat & DS_UNIT_CHECK)) && !(s->stctl & SC_ALERT))
            REPORT(m, "S9", cycle,
                   "%s: device status 0x%02x, subchannel status 0x%02x without alert status "
                   "(stctl=0x%02x)",
                   what, s->dstat, s->cstat, s->stctl);
    }

    if (s->full && (s->stctl & SC_PRIMARY) && s->fctl == FC_START && m->start_open &&
        (s->flags0 & 3) == 0 && !(s->cstat & CS_PROGRAM)) {
        CHECKED(m, R_S10);
        int fmt1 = s->flags1 & 0x80;
        if ((s->cpa & 7) || (fmt1 && (s->cpa & 0x80000000u)) || (!fmt1 && s->cpa >= (1u << 24)))
            REPORT(m, "S10", cycle,
                   "%s: CCW address 0x%08" PRIx32 " is not a doubleword within the format-%d "
                   "CCW address range",
                   what, s->cpa, fmt1 ? 1 : 0);
        /* every CCW the channel used is recorded, one taken from the prefetch copy too */
        else if (m->cur.ccws && m->cur.orb.known && s->residual > m->cur.max_count)
            REPORT(m, "S10", cycle,
                   "%s: residual count %u exceeds every CCW count of the program (at most %u)",
                   what, s->residual, m->cur.max_count);
    }
}

/* ---- TSCH: the status is taken ------------------------------------------------------- */

/* Status ends the start function as primary status; a CCW or ORB fault must have shown as a
 * channel-program check (S11, S12). */
static void primary_status(struct mon *m, const struct scsw *s, uint64_t cycle)
{
    const struct prog *g = &m->cur;
    if (m->start_open && g->expect_pgm) {
        CHECKED(m, g->expect_rule);
        /* another ending (unit check, exception, incorrect length, a deferred cc, halt or
         * clear) may have stopped the program before it reached the faulty item */
        int other = (s->dstat & (DS_UNIT_CHECK | DS_UNIT_EXCEPT)) ||
                    (s->cstat & (CS_ERRORS | CS_IL) & ~CS_PROGRAM) || (s->flags0 & 3) ||
                    (s->fctl & (FC_HALT | FC_CLEAR));
        if (!(s->cstat & CS_PROGRAM) && !other)
            REPORT(m, rule_ids[g->expect_rule], cycle,
                   "%s, but the start function ended without channel-program check (device "
                   "status 0x%02x, subchannel status 0x%02x)",
                   g->expect_why, s->dstat, s->cstat);
    }
    start_end(m);
}

/* seen: the SCSW was checked when its status became pending (the model's SCSW record). */
static void tsch_event(struct mon *m, uint64_t cycle, int cc, const struct scsw *s, int seen)
{
    CHECKED(m, R_S3);
    if (cc == 1 && m->pend == T_YES)
        REPORT(m, "S3", cycle, "TSCH cc 1 while an interruption is pending");
    if (cc == 0 && s && !(s->stctl & SC_PENDING))
        REPORT(m, "S3", cycle, "TSCH cc 0 stored an SCSW without status pending (stctl=0x%02x)",
               s->stctl);
    if (s && !seen)
        check_scsw(m, s, cycle, cc == 0 ? "IRB of TSCH cc 0" : "IRB of TSCH cc 1");
    if (cc == 1) {
        m->pend = T_NO;
        if (s) {
            m->fn_known = 1;
            m->fctl = s->fctl;
        }
        return;
    }
    if (cc != 0)
        return;
    m->pend = T_NO;
    if (!s) {
        m->fn_known = 0; /* status taken, kind unknown */
        return;
    }
    if (s->stctl & SC_PRIMARY) {
        CHECKED(m, R_S2);
        if (!m->start_open && m->fn_known && m->fctl == 0 && !(s->fctl & (FC_HALT | FC_CLEAR)))
            REPORT(m, "S2", cycle,
                   "primary status (stctl=0x%02x) with no start function in progress: a second "
                   "primary status, or status for a start function that was never accepted",
                   s->stctl);
        primary_status(m, s, cycle);
    } else if ((s->stctl & SC_ALERT) && (s->fctl & (FC_HALT | FC_CLEAR))) {
        start_end(m); /* status of a halt or clear without primary status */
    }
    if ((s->stctl & SC_INTER) && !(s->stctl & SC_PRIMARY)) {
        /* intermediate status: the start function goes on, maybe suspended */
        m->fn_known = 1;
        m->fctl = s->fctl;
        m->suspended = (s->actl & AC_SUSP) != 0;
    } else {
        /* PoP "Test Subchannel": the function control is cleared with the status */
        m->fn_known = 1;
        m->fctl = 0;
        if (m->start_open)
            start_end(m);
    }
}

static void flush_held(struct mon *m, const uint8_t *irb, uint32_t irb_len)
{
    int held = m->held;
    m->held = 0;
    if (!held)
        return;
    const uint8_t *t = NULL, *i = NULL;
    uint32_t tl = 0, il = 0;
    if (held == CSS_FT_TSCH) {
        t = m->held_buf, tl = m->held_len;
        i = irb, il = irb_len;
    } else {
        i = m->held_buf, il = m->held_len;
        t = irb, tl = irb_len; /* here: the TSCH record that followed the IRB */
    }
    struct scsw s;
    const struct scsw *sp = NULL;
    if (i && il >= 12) {
        s = scsw_from_bytes(i);
        sp = &s;
    } else if (t && tl >= CSS_FT_TSCH_LEN && (t[8] & CSS_FT_HAVE_DETAIL)) {
        s = scsw_from_tsch(t);
        sp = &s;
    }
    int cc;
    if (t && tl >= CSS_FT_SCHID_CC_LEN)
        cc = sbe32(t + 4);
    else
        cc = sp && (sp->stctl & SC_PENDING) ? 0 : 1; /* an IRB alone: what it shows */
    if (cc < 0 || cc > 3)
        return; /* a program exception: nothing stored */
    int seen = i && il >= 12 && m->last_scsw_valid && memcmp(i, m->last_scsw, 12) == 0;
    if (cc == 0)
        m->last_scsw_valid = 0;
    tsch_event(m, m->held_cycle, cc, sp, seen);
}

/* ---- instructions -------------------------------------------------------------------- */

static void on_ssch(struct mon *m, uint64_t cycle, int cc)
{
    int fn_known = m->fn_known;
    uint8_t fctl = m->fctl;
    enum tri pend = m->pend;
    int with_orb = m->orb_waiting;
    if (with_orb) {
        fn_known = m->pre_fn_known, fctl = m->pre_fctl, pend = m->pre_pend;
        m->orb_waiting = 0;
    }
    m->ssch_visible = 1;
    m->ft_ssch_cc = cc;
    if (m->write_open)
        m->ssch_cc_since_write = cc;
    if (with_orb) {
        CHECKED(m, R_S13);
        const char *fault = orb_operand_fault(&m->next.orb);
        if (fault && cc >= 0)
            REPORT(m, "S13", cycle,
                   "SSCH with an invalid ORB (%s) completed with cc %d instead of an operand "
                   "exception",
                   fault, cc);
        if (fault)
            return;
    }
    CHECKED(m, R_S1);
    if (cc == 0 && fn_known && fctl)
        REPORT(m, "S1", cycle, "SSCH cc 0 while a function is in progress (fctl=0x%x)", fctl);
    else if (cc == 0 && pend == T_YES)
        REPORT(m, "S1", cycle, "SSCH cc 0 while status is pending");
    else if (cc == 2 && fn_known && !fctl)
        REPORT(m, "S1", cycle, "SSCH cc 2 (busy) while no function is in progress");
    if (cc != 0 || !m->tracking)
        return;
    if (with_orb)
        m->cur = m->next;
    else
        prog_begin(m, &m->cur, NULL);
    m->start_open = 1;
    m->start_cycle = cycle;
    m->suspended = 0;
    m->fn_known = 1;
    m->fctl = FC_START;
    m->pend = T_UNKNOWN;
}

static void on_hsch(struct mon *m, uint64_t cycle, int cc)
{
    m->ft_async_kind = 1, m->ft_async_cc = cc;
    if (m->async_open)
        m->async_cc = cc;
    CHECKED(m, R_S4);
    if (cc == 0 && m->fn_known && (m->fctl & (FC_HALT | FC_CLEAR)))
        REPORT(m, "S4", cycle, "HSCH cc 0 while a halt or clear function is in progress");
    else if (cc == 2 && m->fn_known && !(m->fctl & (FC_HALT | FC_CLEAR)))
        REPORT(m, "S4", cycle, "HSCH cc 2 while no halt or clear function is in progress");
    if (cc == 0 && m->tracking) {
        m->fctl = (uint8_t)((m->fn_known ? m->fctl : 0) | FC_HALT);
        m->fn_known = 1;
        m->pend = T_UNKNOWN;
        m->cur.expect_pgm = 0;
    }
}

static void on_csch(struct mon *m, uint64_t cycle, int cc)
{
    m->ft_async_kind = 2, m->ft_async_cc = cc;
    if (m->async_open)
        m->async_cc = cc;
    CHECKED(m, R_S5);
    if (cc == 1 || cc == 2)
        REPORT(m, "S5", cycle, "CSCH cc %d: clear subchannel sets only cc 0 or 3", cc);
    if (cc == 0 && m->tracking) {
        start_end(m);
        m->fn_known = 1;
        m->fctl = FC_CLEAR;
        m->pend = T_UNKNOWN;
    }
}

static void on_xsch(struct mon *m, uint64_t cycle, int cc)
{
    CHECKED(m, R_S6);
    if (cc == 0 && m->fn_known && m->fctl != FC_START)
        REPORT(m, "S6", cycle, "XSCH cc 0 while %s",
               m->fctl ? "a halt or clear function is in progress" : "no function is in progress");
    else if (cc == 0 && m->pend == T_YES)
        REPORT(m, "S6", cycle, "XSCH cc 0 while status is pending");
    else if (cc == 2 && m->fn_known && m->fctl == FC_START && m->suspended && m->pend == T_NO)
        REPORT(m, "S6", cycle, "XSCH cc 2 on a suspended start function without pending status");
    if (cc == 0 && m->tracking) {
        start_end(m);
        m->fn_known = 1;
        m->fctl = 0;
        m->pend = T_NO;
    }
}

static void on_rsch(struct mon *m, uint64_t cycle, int cc)
{
    CHECKED(m, R_S7);
    if (cc == 0 && m->fn_known && m->fctl != FC_START)
        REPORT(m, "S7", cycle, "RSCH cc 0 while %s",
               m->fctl ? "a halt or clear function is in progress" : "no function is in progress");
    else if (cc == 0 && m->pend == T_YES)
        REPORT(m, "S7", cycle, "RSCH cc 0 while status is pending");
    if (cc == 0) {
        m->suspended = 0;
        m->pend = T_UNKNOWN;
    }
}

/* STSCH stores, MSCH modifies the SCHIB (css.md §1.2): MSCH is refused with cc 1 while status
 * is pending and cc 2 while a function is in progress; for a subchannel without a valid
 * device number it sets cc 0 and changes nothing, so cc 0 is judged only once STSCH has shown
 * DNV=1. STSCH sets cc 0 or 3 only. */
static void on_schib_instr(struct mon *m, const struct cs_mon_msg *msg, int cc)
{
    int detail = msg->len >= CSS_FT_SCHIB_LEN && (msg->payload[8] & CSS_FT_HAVE_DETAIL);
    CHECKED(m, R_S17);
    if (msg->kind == CSS_FT_STSCH) {
        if (cc == 1 || cc == 2)
            REPORT(m, "S17", msg->cycle, "STSCH cc %d: store subchannel sets only cc 0 or 3", cc);
        if (cc == 0 && detail)
            m->dnv_valid = msg->payload[11] & 1;
        return;
    }
    if (cc == 0 && m->dnv_valid && m->fn_known && m->fctl)
        REPORT(m, "S17", msg->cycle, "MSCH cc 0 while a function is in progress (fctl=0x%x)",
               m->fctl);
    else if (cc == 0 && m->dnv_valid && m->pend == T_YES)
        REPORT(m, "S17", msg->cycle, "MSCH cc 0 while status is pending");
    else if (cc == 2 && m->fn_known && !m->fctl)
        REPORT(m, "S17", msg->cycle, "MSCH cc 2 (busy) while no function is in progress");
}

/* TPI and STCRW (PoP ch. 14; css.md §1.2): each sets cc 0 or 1 only, and STCRW with cc 1 (no
 * CRW pending) stores zeros. Which cc TPI should set cannot be judged here: whether an
 * interruption was pending belongs to the subchannels' channels, and the records do not say
 * whether an interruption code was stored (the kernel's tracepoint zeroes it for cc != 0,
 * the model records subchannel 0.0.0000 as zeros). */
static void on_tpi_stcrw(struct mon *m, const struct cs_mon_msg *msg)
{
    int tpi = msg->kind == CSS_FT_TPI;
    if (msg->len < (tpi ? CSS_FT_TPI_LEN : CSS_FT_STCRW_LEN))
        return;
    int cc = sbe32(msg->payload + (tpi ? 4 : 0));
    if (cc < 0)
        return; /* a program exception: no cc */
    CHECKED(m, R_S21);
    if (cc > 1)
        REPORT(m, "S21", msg->cycle, "%s cc %d: it sets only cc 0 or 1", tpi ? "TPI" : "STCRW", cc);
    else if (!tpi && cc == 1) {
        static const uint8_t zeros[CSS_FT_STCRW_LEN - 4];
        if (memcmp(msg->payload + 4, zeros, sizeof(zeros)) != 0)
            REPORT(m, "S21", msg->cycle,
                   "STCRW cc 1 (no CRW pending) stored a nonzero CRW (rsc %u, erc 0x%x, rsid "
                   "0x%04x)",
                   msg->payload[7], msg->payload[9], cs_be16(msg->payload + 10));
    }
}

/* DESIGN.md §3, vfio-ccw.rst: the channel subsystem touches only storage the host driver owns
 * (its translated CCWs and IDALs) or pinned for the guest. Which storage that is the monitor
 * cannot see; the access check that knows records each refusal, and every refusal breaks S22:
 * a translation handed the channel an address it does not own. */
static void on_access_denied(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < CSS_ACCESS_DENIED_LEN)
        return;
    CHECKED(m, R_S22);
    REPORT(m, "S22", msg->cycle,
           "the channel was refused %s %" PRIu32 " bytes at 0x%" PRIx64
           ": storage the host driver neither owns nor pinned",
           msg->payload[12] ? "a store of" : "a fetch of", cs_be32(msg->payload + 8),
           cs_be64(msg->payload));
}

static int cc_of(const struct cs_mon_msg *msg, int *cc)
{
    if (msg->len < CSS_FT_SCHID_CC_LEN)
        return 0;
    *cc = sbe32(msg->payload + 4);
    return 1;
}

/* ---- vfio-ccw regions and mdev ------------------------------------------------------- */

static int errno_of_ssch_cc(int cc, int *alt)
{
    *alt = 1; /* css.md §1.8 fsm_io_helper */
    switch (cc) {
    case 0:
        return 0;
    case 1:
    case 2:
        return -ERR_EBUSY;
    case 3:
        *alt = -ERR_EACCES; /* paths left in the LPM */
        return -ERR_ENODEV;
    default:
        return -ERR_EIO; /* a program exception: ioasm returns -EIO as the cc */
    }
}

/* HSCH and CSCH through the async region (css.md §1.8): cc 1 or 2 -EBUSY, cc 3 -ENODEV; a
 * program exception comes back as -EIO like SSCH's. */
static int async_errno(int cc)
{
    if (cc == 0)
        return 0;
    if (cc == 3)
        return -ERR_ENODEV;
    if (cc < 0)
        return -ERR_EIO;
    return -ERR_EBUSY;
}

static void mdev_io(struct mon *m, uint64_t cycle, const char *what)
{
    if (!m->mdev_seen)
        return;
    CHECKED(m, R_S16);
    for (unsigned i = 0; i < m->nmdev; i++)
        if (m->mdevs[i].state == CSS_MDEV_OPEN)
            return;
    REPORT(m, "S16", cycle, "%s while no mediated device of this subchannel is open", what);
}

static void on_region_write(struct mon *m, const struct cs_mon_msg *msg)
{
    mdev_io(m, msg->cycle, "I/O region write");
    m->write_open = 1;
    m->write_busy = m->io_inflight;
    m->ssch_cc_since_write = NO_CC;
    m->write_tm = m->write_nostart = 0;
    if (msg->len >= 24) {
        m->write_tm = msg->payload[5] & 0x04;
        m->write_nostart = !((msg->payload[12 + 2] >> 4) & FC_START);
    }
}

static void on_region_ret(struct mon *m, const struct cs_mon_msg *msg)
{
    if (!m->write_open || msg->len < 4)
        return;
    m->write_open = 0;
    int32_t ret = sbe32(msg->payload);
    CHECKED(m, R_S14);
    if (m->write_busy && ret == 0)
        REPORT(m, "S14", msg->cycle,
               "an I/O region write was accepted (ret_code 0) while the request accepted at "
               "cycle %" PRIu64 " has no IRB yet",
               m->io_cycle);
    CHECKED(m, R_S15);
    int cc = m->ssch_cc_since_write, alt;
    if (cc != NO_CC) {
        int want = errno_of_ssch_cc(cc, &alt);
        if (ret != want && ret != alt)
            REPORT(m, "S15", msg->cycle,
                   "I/O region ret_code %" PRId32 " after SSCH cc %d (expected %d)", ret, cc, want);
    } else if (ret == 0 && !m->write_busy && (m->write_tm || m->write_nostart)) {
        REPORT(m, "S15", msg->cycle, "I/O region ret_code 0 for a %s (expected %d)",
               m->write_tm ? "transport-mode ORB" : "SCSW without the start function",
               -ERR_EOPNOTSUPP);
    } else if (ret == 0 && !m->write_busy && m->ssch_visible) {
        REPORT(m, "S15", msg->cycle, "I/O region ret_code 0 without an SSCH");
    }
    if (ret == 0 && !m->write_busy) {
        m->io_inflight = 1;
        m->io_cycle = msg->cycle;
    }
}

static void on_async_ret(struct mon *m, const struct cs_mon_msg *msg)
{
    if (!m->async_open || msg->len < 4)
        return;
    m->async_open = 0;
    int32_t ret = sbe32(msg->payload);
    int cc = m->async_cc;
    CHECKED(m, R_S15);
    if (m->async_cmd != 1 && m->async_cmd != 2) {
        if (ret != -ERR_EINVAL)
            REPORT(m, "S15", msg->cycle,
                   "async command 0x%" PRIx32 " is neither HSCH nor CSCH, ret_code %" PRId32
                   " (expected %d)",
                   m->async_cmd, ret, -ERR_EINVAL);
        return;
    }
    if (cc == NO_CC) {
        if (ret == 0 && m->ssch_visible)
            REPORT(m, "S15", msg->cycle, "async %s ret_code 0 without the instruction",
                   m->async_cmd == 1 ? "HSCH" : "CSCH");
        return;
    }
    int want = async_errno(cc);
    if (ret != want)
        REPORT(m, "S15", msg->cycle, "async %s ret_code %" PRId32 " after cc %d (expected %d)",
               m->async_cmd == 1 ? "HSCH" : "CSCH", ret, cc, want);
}

static void on_mdev_event(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < 20)
        return;
    uint32_t ev = cs_be32(msg->payload);
    const uint8_t *uuid = msg->payload + 4;
    m->mdev_seen = 1;
    struct mdev *d = NULL;
    for (unsigned i = 0; i < m->nmdev; i++)
        if (memcmp(m->mdevs[i].uuid, uuid, 16) == 0)
            d = &m->mdevs[i];
    uint8_t st = d ? d->state : 0;
    static const char *const names[] = {"none", "created", "open", "", "removed"};
    static const char *const evs[] = {"", "create", "open", "close", "remove"};
    CHECKED(m, R_S16);
    int ok;
    switch (ev) {
    case CSS_MDEV_CREATE:
        ok = st == 0 || st == CSS_MDEV_REMOVE;
        break;
    case CSS_MDEV_OPEN:
        ok = st == CSS_MDEV_CREATE;
        break;
    case CSS_MDEV_CLOSE:
        ok = st == CSS_MDEV_OPEN;
        break;
    case CSS_MDEV_REMOVE:
        ok = st == CSS_MDEV_CREATE;
        break;
    default:
        REPORT(m, "S16", msg->cycle, "unknown mdev event %" PRIu32, ev);
        return;
    }
    if (!ok) {
        REPORT(m, "S16", msg->cycle, "mdev %s while the device is %s", evs[ev], names[st]);
        return;
    }
    if (!d) {
        if (m->nmdev == MAX_MDEV)
            return;
        d = &m->mdevs[m->nmdev++];
        memcpy(d->uuid, uuid, 16);
    }
    d->state = (uint8_t)(ev == CSS_MDEV_CLOSE ? CSS_MDEV_CREATE : ev);
}

/* vfio_ccw_fsm_async_request: errno is the async region's ret_code after the HSCH or CSCH
 * whose instruction record came before it. */
static void on_ft_async_request(struct mon *m, const struct cs_mon_msg *msg)
{
    if (msg->len < CSS_FT_VFIO_LEN)
        return;
    int32_t cmd = sbe32(msg->payload + 4), err = sbe32(msg->payload + 8);
    int kind = m->ft_async_kind, cc = m->ft_async_cc;
    m->ft_async_kind = 0, m->ft_async_cc = NO_CC;
    CHECKED(m, R_S15);
    if (cmd != 1 && cmd != 2) {
        if (err != -ERR_EINVAL)
            REPORT(m, "S15", msg->cycle,
                   "async command 0x%" PRIx32 " is neither HSCH nor CSCH, errno %" PRId32
                   " (expected %d)",
                   (uint32_t)cmd, err, -ERR_EINVAL);
        return;
    }
    if (cc == NO_CC || kind != cmd)
        return; /* the instruction is not on this channel: nothing to compare */
    int want = async_errno(cc);
    if (err != want)
        REPORT(m, "S15", msg->cycle, "async %s errno %" PRId32 " after cc %d (expected %d)",
               cmd == 1 ? "HSCH" : "CSCH", err, cc, want);
}

/* vfio_ccw_fsm_io_request fires on the error path only; "cp fsm_io_helper" is the SSCH's
 * cc turned into ret_code. */
static void on_ft_io_request(struct mon *m, const struct cs_mon_msg *msg)
{
    static const char helper[] = "cp fsm_io_helper";
    int cc = m->ft_ssch_cc;
    m->ft_ssch_cc = NO_CC;
    if (msg->len < CSS_FT_VFIO_LEN + sizeof(helper) - 1 ||
        memcmp(msg->payload + CSS_FT_VFIO_LEN, helper, sizeof(helper) - 1) != 0 || cc == NO_CC)
        return;
    int32_t err = sbe32(msg->payload + 8);
    int alt;
    int want = errno_of_ssch_cc(cc, &alt);
    CHECKED(m, R_S15);
    if (err != want && err != alt)
        REPORT(m, "S15", msg->cycle,
               "vfio_ccw I/O request failed with errno %" PRId32 " after SSCH cc %d (expected %d)",
               err, cc, want);
}

/* ---- class --------------------------------------------------------------------------- */

static void *mon_create(struct cs_monitor_ctx *ctx, const char *channel_name)
{
    struct mon *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    m->ctx = ctx;
    m->imported = channel_name && strncmp(channel_name, "ftrace.", 7) == 0;
    if (m->imported) {
        m->fn_known = 0;
        m->pend = T_UNKNOWN;
    } else {
        m->fn_known = 1; /* the model starts every subchannel idle */
        m->pend = T_NO;
        m->tracking = 1;
    }
    m->ssch_cc_since_write = m->async_cc = m->ft_ssch_cc = m->ft_async_cc = NO_CC;
    return m;
}

static void hold(struct mon *m, const struct cs_mon_msg *msg)
{
    m->held = msg->kind;
    m->held_cycle = msg->cycle;
    m->held_len = msg->len < sizeof(m->held_buf) ? msg->len : sizeof(m->held_buf);
    if (m->held_len)
        memcpy(m->held_buf, msg->payload, m->held_len);
}

static void mon_on_msg(void *p, const struct cs_mon_msg *msg)
{
    struct mon *m = p;
    int cc;
    if (m->held) {
        /* the complementary half of a held TSCH / IRB pair */
        if ((m->held == CSS_FT_TSCH && msg->kind == CSS_MK_IRB) ||
            (m->held == CSS_MK_IRB && msg->kind == CSS_FT_TSCH)) {
            flush_held(m, msg->payload, msg->len);
            return;
        }
        flush_held(m, NULL, 0);
    }
    if (m->int_wants_tsch && msg->kind >= CSS_FT_SSCH && msg->kind <= CSS_FT_MSCH) {
        /* Linux's interrupt handler stores the status with TSCH right after the interrupt
         * tracepoint; another instruction first means the kernel lost events: start over */
        m->int_wants_tsch = 0;
        m->fn_known = 0;
        m->pend = T_UNKNOWN;
        start_end(m);
    }
    if (msg->kind == CSS_FT_TSCH) {
        m->int_wants_tsch = 0;
        m->tracking = 1;
    }
    if (m->orb_waiting && msg->kind > CSS_FT_SSCH && msg->kind <= CSS_FT_RCHP)
        m->orb_waiting = 0; /* its SSCH took a program exception, recorded on channel "css" */
    switch (msg->kind) {
    case CSS_FT_TSCH:
    case CSS_MK_IRB:
        hold(m, msg);
        break;
    case CSS_MK_ORB:
        if (msg->len < 12)
            break;
        {
            struct orb o = {1, {0}, cs_be32(msg->payload + 8)};
            memcpy(o.w1, msg->payload + 4, 4);
            prog_begin(m, &m->next, &o);
        }
        m->orb_waiting = 1;
        m->pre_fn_known = m->fn_known;
        m->pre_fctl = m->fctl;
        m->pre_pend = m->pend;
        break;
    case CSS_MK_CCW:
        CHECKED(m, R_S22);
        on_ccw(m, msg);
        break;
    case CSS_MK_IDAW:
        CHECKED(m, R_S22);
        on_idaw(m, msg);
        break;
    case CSS_MK_DATA:
        CHECKED(m, R_S22);
        on_data(m, msg);
        break;
    case CSS_MK_ACCESS_DENIED:
        on_access_denied(m, msg);
        break;
    case CSS_MK_SCSW:
        if (msg->len >= 12) {
            struct scsw s = scsw_from_bytes(msg->payload);
            check_scsw(m, &s, msg->cycle, "SCSW");
            memcpy(m->last_scsw, msg->payload, 12);
            m->last_scsw_valid = 1;
            if (s.stctl & SC_PENDING)
                m->pend = T_YES;
        }
        break;
    case CSS_FT_INTERRUPT:
        m->pend = T_YES;
        m->int_wants_tsch = m->imported;
        break;
    case CSS_FT_SSCH:
        if (cc_of(msg, &cc))
            on_ssch(m, msg->cycle, cc);
        break;
    case CSS_FT_HSCH:
        if (cc_of(msg, &cc))
            on_hsch(m, msg->cycle, cc);
        break;
    case CSS_FT_CSCH:
        if (cc_of(msg, &cc))
            on_csch(m, msg->cycle, cc);
        break;
    case CSS_FT_XSCH:
        if (cc_of(msg, &cc))
            on_xsch(m, msg->cycle, cc);
        break;
    case CSS_FT_RSCH:
        if (cc_of(msg, &cc))
            on_rsch(m, msg->cycle, cc);
        break;
    case CSS_FT_STSCH:
    case CSS_FT_MSCH:
        if (cc_of(msg, &cc))
            on_schib_instr(m, msg, cc);
        break;
    case CSS_MK_IO_REGION_WRITE:
        on_region_write(m, msg);
        break;
    case CSS_MK_IO_REGION_RET:
        on_region_ret(m, msg);
        break;
    case CSS_MK_IO_REGION_IRB:
        m->io_inflight = 0;
        break;
    case CSS_MK_ASYNC_CMD:
        mdev_io(m, msg->cycle, "async command");
        if (msg->len < 4)
            break; /* command unknown: its ret_code cannot be judged */
        m->async_open = 1;
        m->async_cmd = cs_be32(msg->payload);
        m->async_cc = NO_CC;
        break;
    case CSS_FT_VFIO_ASYNC_REQUEST:
        on_ft_async_request(m, msg);
        break;
    case CSS_FT_VFIO_IO_REQUEST:
        on_ft_io_request(m, msg);
        break;
    case CSS_MK_ASYNC_RET:
        on_async_ret(m, msg);
        break;
    case CSS_MK_MDEV_EVENT:
        on_mdev_event(m, msg);
        break;
    case CSS_FT_TPI:
    case CSS_FT_STCRW:
        on_tpi_stcrw(m, msg);
        break;
    default: /* CHSC, RCHP and the other vfio_ccw tracepoints */
        break;
    }
}

static void mon_finish(void *p, uint64_t cycle)
{
    struct mon *m = p;
    flush_held(m, NULL, 0);
    if (m->start_open && !m->suspended && !m->cur.silent_suspend) {
        CHECKED(m, R_S2);
        if (cycle >= m->start_cycle && cycle - m->start_cycle >= CSS_MON_OVERDUE_CYCLES)
            REPORT(m, "S2", cycle,
                   "the start function accepted at cycle %" PRIu64 " never presented primary "
                   "status",
                   m->start_cycle);
    }
    if (m->io_inflight) {
        CHECKED(m, R_S14);
        if (cycle >= m->io_cycle && cycle - m->io_cycle >= CSS_MON_OVERDUE_CYCLES)
            REPORT(m, "S14", cycle,
                   "the I/O region request accepted at cycle %" PRIu64 " never got its IRB",
                   m->io_cycle);
    }
}

static void mon_destroy(void *p)
{
    free(p);
}

static void mon_coverage(void *p, cs_coverage_fn cb, void *ctx)
{
    const struct mon *m = p;
    for (int r = 0; r < NRULES; r++)
        cb(ctx, rule_ids[r], m->checks[r]);
}

const struct cs_monitor_class css_monitor_class = {
    .family = "css",
    .create = mon_create,
    .on_msg = mon_on_msg,
    .finish = mon_finish,
    .destroy = mon_destroy,
    .coverage = mon_coverage,
};
