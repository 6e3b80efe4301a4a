/* The I/O instructions: program exceptions in the architected order (specification, access,
 * operand), then the condition codes (css.md §1.2, §1.7), and the functions they start. */
#include "css_internal.h"

#include <string.h>

#include "cs_machine.h"
#include "css_wire.h"
#include "cs_bytes.h"

/* A subchannel the instruction can act on: a device, DNV and (for the functions) ENA. */
static int operational(const struct css_subch *s)
{
    return s && s->present && s->dnv && s->ena;
}

/* ORB word 1 bits the model rejects with an operand exception: bit 13 (B, transport mode),
 * the reserved bits 26-30, D (MIDAWs, not provided), and CPA bit 0. */
#define ORB_W1_TRANSPORT 0x00040000u
#define ORB_W1_MIDAW     0x00000040u
#define ORB_W1_RESERVED  0x0000003eu

static int orb_parse(const uint8_t *p, struct css_orb *o)
{
    uint32_t w1 = cs_be32(p + 4);
    o->intparm = cs_be32(p);
    o->key = (uint8_t)(w1 >> 28);
    o->spnd = (w1 >> 27) & 1;
    o->mod = (w1 >> 25) & 1;
    o->sync = (w1 >> 24) & 1;
    o->fmt = (w1 >> 23) & 1;
    o->pfch = (w1 >> 22) & 1;
    o->isic = (w1 >> 21) & 1;
    o->alcc = (w1 >> 20) & 1;
    o->ssic = (w1 >> 19) & 1;
    o->c64 = (w1 >> 17) & 1;
    o->i2k = (w1 >> 16) & 1;
    o->lpm = (uint8_t)(w1 >> 8);
    o->ils = (w1 >> 7) & 1;
    o->midaw = (w1 >> 6) & 1;
    o->orbx = w1 & 1;
    o->cpa = cs_be32(p + 8);
    if ((w1 & (ORB_W1_TRANSPORT | ORB_W1_MIDAW | ORB_W1_RESERVED)) || (o->cpa & 0x80000000u))
        return -1;
    return 0;
}

int css_ssch(struct css *c, uint32_t sid, uint64_t orb_gpa)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    struct css_orb orb;
    const uint8_t *p = NULL;
    if (orb_gpa & 3)
        cc = -CSS_PGM_SPECIFICATION;
    else if (!(p = cs_gmem_ptr(c->mem, orb_gpa, CSS_ORB_LEN)))
        cc = -CSS_PGM_ADDRESSING;
    else if (bad || orb_parse(p, &orb) < 0)
        cc = -CSS_PGM_OPERAND;
    else if (!operational(s))
        cc = 3;
    else if (s->scsw.stctl & SC_PENDING)
        cc = 1;
    else if (s->scsw.fctl)
        cc = 2;
    else
        cc = 0;
    if (s && p)
        css_tap(s, CS_TAP_TO_FW, CSS_K_ORB, p, CSS_ORB_LEN);
    css_tap_instr(c, s, sid, CSS_K_SSCH, cc);
    if (cc != 0)
        return cc;
    s->orb = orb;
    s->intparm = orb.intparm;
    s->lpm = orb.lpm;
    struct css_scsw *w = &s->scsw;
    memset(w, 0, sizeof(*w));
    w->key = orb.key;
    w->sctl = orb.spnd;
    w->fmt = orb.fmt;
    w->pfch = orb.pfch;
    w->isic = orb.isic;
    w->alcc = orb.alcc;
    w->ssi = orb.ssic;
    w->fctl = FC_START;
    w->actl = AC_START_PEND;
    s->resume_ok = orb.spnd;
    s->step = css_after(s, c->costs.start, css_start_function);
    return 0;
}

static void tap_schib(struct css *c, struct css_subch *s, uint32_t sid, uint16_t kind, int cc,
                      const uint8_t *schib)
{
    uint8_t r[CSS_FT_SCHIB_LEN] = {0};
    r[0] = (uint8_t)(sid >> 24);
    r[1] = (uint8_t)((sid >> 17) & 3);
    r[2] = (uint8_t)(sid >> 8);
    r[3] = (uint8_t)sid;
    cs_put_be32(r + 4, (uint32_t)(cc < 0 ? -5 : cc));
    if (schib) {
        uint16_t flags = cs_be16(schib + 4);
        r[8] = CSS_FT_HAVE_DETAIL;
        r[9] = (flags >> 7) & 1;                            /* ena */
        r[10] = (uint8_t)((cs_be32(schib + 24) >> 21) & 7); /* st */
        r[11] = flags & 1;                                  /* dnv */
        memcpy(r + 12, schib + 6, 2);                       /* dev */
        r[14] = schib[8];                                   /* lpm */
        r[15] = schib[9];                                   /* pnom */
        r[16] = schib[10];                                  /* lpum */
        r[17] = schib[11];                                  /* pim */
        r[18] = schib[15];                                  /* pam */
        r[19] = schib[14];                                  /* pom */
        memcpy(r + 20, schib + 16, 8);                      /* chpids */
    }
    cs_tap_msg(&c->m->tap, s ? s->chan : c->chan, CS_TAP_TO_FW, kind, r, sizeof(r));
}

int css_stsch(struct css *c, uint32_t sid, uint64_t gpa)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    uint8_t *p = NULL;
    if (gpa & 3)
        cc = -CSS_PGM_SPECIFICATION;
    else if (!(p = cs_gmem_ptr(c->mem, gpa, CSS_SCHIB_LEN)))
        cc = -CSS_PGM_ADDRESSING; /* access exceptions outrank operand and cc3 */
    else if (bad)
        cc = -CSS_PGM_OPERAND;
    else if (!s)
        cc = 3; /* beyond the last subchannel of the set */
    else
        cc = 0;
    if (cc == 0)
        css_schib_store(s, p);
    tap_schib(c, s, sid, CSS_K_STSCH, cc, cc == 0 ? p : NULL);
    return cc;
}

/* SCHIB fields MSCH refuses (css.md §1.2, with the 2022 PMCW mask of §1.7): PMCW flag bits 0,
 * 1, 6, 7; reserved characteristics bits; XMWME (extended measurement words not provided);
 * MBFC with a measurement-block address off a 64-byte boundary. Bit 5 is ignored. */
#define PMCW_FLAGS_INVALID 0xc300u
#define PMCW_CHARS_INVALID 0xff1ffff8u

static int schib_valid(const uint8_t *p)
{
    uint32_t chars = cs_be32(p + 24);
    uint64_t mba = (uint64_t)cs_be32(p + 40) << 32 | cs_be32(p + 44);
    if ((cs_be16(p + 4) & PMCW_FLAGS_INVALID) || (chars & PMCW_CHARS_INVALID) || (chars & 2))
        return 0;
    if ((chars & 4) && (mba & 63))
        return 0;
    return 1;
}

int css_msch(struct css *c, uint32_t sid, uint64_t gpa)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    const uint8_t *p = NULL;
    if (gpa & 3)
        cc = -CSS_PGM_SPECIFICATION;
    else if (!(p = cs_gmem_ptr(c->mem, gpa, CSS_SCHIB_LEN)))
        cc = -CSS_PGM_ADDRESSING;
    else if (bad || !schib_valid(p))
        cc = -CSS_PGM_OPERAND;
    else if (!s)
        cc = 3;
    else if (!s->present || !s->dnv)
        cc = 0; /* no device: nothing changes */
    else if (s->scsw.stctl & SC_PENDING)
        cc = 1;
    else if (s->scsw.fctl)
        cc = 2;
    else {
        cc = 0;
        uint16_t flags = cs_be16(p + 4);
        uint32_t chars = cs_be32(p + 24);
        s->intparm = cs_be32(p);
        s->isc = (flags >> 11) & 7;
        s->ena = (flags >> 7) & 1;
        s->lm = (flags >> 5) & 3;
        s->mme = (flags >> 3) & 3;
        s->mp = (flags >> 2) & 1;
        s->lpm = p[8];
        s->mbi = cs_be16(p + 12);
        s->pom = p[14];
        s->mbfc = (chars >> 2) & 1;
        s->csense = chars & 1;
        s->mba = (uint64_t)cs_be32(p + 40) << 32 | cs_be32(p + 44);
    }
    tap_schib(c, s, sid, CSS_K_MSCH, cc, p && cc >= 0 ? p : NULL);
    return cc;
}

int css_tsch(struct css *c, uint32_t sid, uint64_t gpa)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    uint8_t *p = NULL;
    uint8_t irb[CSS_IRB_LEN];
    if (bad)
        cc = -CSS_PGM_OPERAND;
    else if (gpa & 3)
        cc = -CSS_PGM_SPECIFICATION;
    else if (!(p = cs_gmem_ptr(c->mem, gpa, CSS_IRB_LEN)))
        cc = -CSS_PGM_ADDRESSING; /* outranks cc3 */
    else if (!s || !s->present || !s->dnv)
        cc = 3;
    else
        cc = (s->scsw.stctl & SC_PENDING) ? 0 : 1;
    uint8_t r[CSS_FT_TSCH_LEN] = {0};
    r[0] = (uint8_t)(sid >> 24);
    r[1] = (uint8_t)((sid >> 17) & 3);
    r[2] = (uint8_t)(sid >> 8);
    r[3] = (uint8_t)sid;
    cs_put_be32(r + 4, (uint32_t)(cc < 0 ? -5 : cc));
    if (cc == 0 || cc == 1) {
        /* the IRB is stored in both cases; only cc0 clears conditions */
        css_irb_build(s, irb);
        memcpy(p, irb, sizeof(irb));
        const struct css_scsw *w = &s->scsw;
        r[8] = CSS_FT_HAVE_DETAIL;
        r[9] = w->cc;
        r[10] = w->pno;
        r[11] = w->fctl;
        r[12] = w->actl;
        r[13] = w->stctl;
        r[14] = w->dstat;
        r[15] = w->cstat;
        if (cc == 0)
            css_tsch_clear(s);
    }
    cs_tap_msg(&c->m->tap, s ? s->chan : c->chan, CS_TAP_TO_FW, CSS_K_TSCH, r, sizeof(r));
    if (cc == 0 || cc == 1)
        css_tap(s, CS_TAP_TO_GUEST, CSS_K_IRB, irb, sizeof(irb));
    return cc;
}

int css_hsch(struct css *c, uint32_t sid)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    if (bad)
        cc = -CSS_PGM_OPERAND;
    else if (!operational(s))
        cc = 3;
    else if ((s->scsw.stctl & SC_PENDING) &&
             (s->scsw.stctl == SC_PENDING || (s->scsw.stctl & (SC_ALERT | SC_PRIMARY | SC_SECOND))))
        cc = 1;
    else if (s->scsw.fctl & (FC_HALT | FC_CLEAR))
        cc = 2;
    else
        cc = 0;
    css_tap_instr(c, s, sid, CSS_K_HSCH, cc);
    if (cc != 0)
        return cc;
    /* The program stops here: its next step never runs. */
    css_cancel(&s->step);
    s->scsw.fctl |= FC_HALT;
    s->scsw.actl |= AC_HALT_PEND;
    s->step = css_after(s, c->costs.halt, css_halt_function);
    return 0;
}

int css_csch(struct css *c, uint32_t sid)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    if (bad)
        cc = -CSS_PGM_OPERAND;
    else if (!operational(s))
        cc = 3;
    else
        cc = 0;
    css_tap_instr(c, s, sid, CSS_K_CSCH, cc);
    if (cc != 0)
        return cc;
    css_cancel(&s->step);
    /* pending status and its interruption are withdrawn */
    struct css_scsw *w = &s->scsw;
    w->fctl = FC_CLEAR;
    w->actl = AC_CLEAR_PEND;
    w->stctl = 0;
    w->dstat = w->cstat = 0;
    w->cc = w->zcc = w->ectl = w->pno = 0;
    s->sense_len = 0;
    s->int_pending = 0;
    s->step = css_after(s, c->costs.clear, css_clear_function);
    return 0;
}

int css_rsch(struct css *c, uint32_t sid)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    if (bad)
        cc = -CSS_PGM_OPERAND;
    else if (!operational(s))
        cc = 3;
    else if (s->scsw.stctl & SC_PENDING)
        cc = 1;
    else if (s->scsw.fctl != FC_START || !(s->scsw.actl & AC_SUSPENDED) ||
             (s->scsw.actl & AC_RESUME_PEND) || !s->resume_ok)
        cc = 2;
    else
        cc = 0;
    css_tap_instr(c, s, sid, CSS_K_RSCH, cc);
    if (cc != 0)
        return cc;
    s->scsw.actl |= AC_RESUME_PEND;
    s->step = css_after(s, c->costs.start, css_resume_function);
    return 0;
}

int css_xsch(struct css *c, uint32_t sid)
{
    int bad, cc;
    struct css_subch *s = css_lookup(c, sid, &bad);
    if (bad)
        cc = -CSS_PGM_OPERAND;
    else if (!operational(s))
        cc = 3;
    else if (s->scsw.stctl)
        cc = 1;
    else if (s->scsw.fctl != FC_START ||
             !(s->scsw.actl & (AC_RESUME_PEND | AC_START_PEND | AC_SUSPENDED)) ||
             (s->scsw.actl & (AC_SCH_ACTIVE | AC_DEV_ACTIVE)))
        cc = 2;
    else
        cc = 0;
    css_tap_instr(c, s, sid, CSS_K_XSCH, cc);
    if (cc != 0)
        return cc;
    /* The start function is cancelled without status and without an interruption. */
    css_cancel(&s->step);
    css_end_device(s);
    s->scsw.fctl = 0;
    s->scsw.actl = 0;
    return 0;
}

int css_tpi(struct css *c, uint64_t gpa, uint32_t code[3])
{
    int cc;
    struct css_subch *best = NULL;
    uint8_t *p = NULL;
    if (gpa & 3)
        cc = -CSS_PGM_SPECIFICATION;
    else if (gpa && !(p = cs_gmem_ptr(c->mem, gpa, 8)))
        cc = -CSS_PGM_ADDRESSING;
    else {
        /* the lowest ISC first, then the oldest */
        for (size_t i = 0; i < c->nsets; i++)
            for (size_t j = 0; j < c->sets[i].n; j++) {
                struct css_subch *s = c->sets[i].sch[j];
                if (!s->present || !s->int_pending || !(s->scsw.stctl & SC_PENDING) || !s->ena ||
                    !(c->isc_mask & (0x80u >> s->isc)))
                    continue;
                if (!best || s->isc < best->isc ||
                    (s->isc == best->isc && s->int_seq < best->int_seq))
                    best = s;
            }
        /* PoP: cc 1 interruption code stored, cc 0 none pending */
        cc = best ? 1 : 0;
    }
    uint8_t r[CSS_FT_TPI_LEN] = {0};
    cs_put_be32(r + 4, (uint32_t)(cc < 0 ? -5 : cc));
    if (best) {
        best->int_pending = 0;
        uint32_t w[3] = {best->sid, best->intparm, (uint32_t)best->isc << 27};
        if (p) {
            cs_put_be32(p, w[0]);
            cs_put_be32(p + 4, w[1]);
        }
        if (code)
            memcpy(code, w, sizeof(w));
        r[0] = best->cssid;
        r[1] = best->ssid;
        r[2] = (uint8_t)(best->schno >> 8);
        r[3] = (uint8_t)best->schno;
        r[9] = best->isc;
    }
    cs_tap_msg(&c->m->tap, c->chan, CS_TAP_TO_FW, CSS_K_TPI, r, sizeof(r));
    return cc;
}
