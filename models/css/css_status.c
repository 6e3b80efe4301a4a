/* Status: the SCSW, SCHIB and IRB as stored for the guest, the conditions TSCH clears, and
 * I/O interruptions by ISC. */
#include "css_internal.h"

#include <string.h>

#include "cs_machine.h"
#include "css_wire.h"
#include "cs_bytes.h"

void css_scsw_store(const struct css_scsw *w, uint8_t out[12])
{
    uint32_t w0 = (uint32_t)w->key << 28 | (uint32_t)w->sctl << 27 | (uint32_t)w->eswf << 26 |
                  (uint32_t)w->cc << 24 | (uint32_t)w->fmt << 23 | (uint32_t)w->pfch << 22 |
                  (uint32_t)w->isic << 21 | (uint32_t)w->alcc << 20 | (uint32_t)w->ssi << 19 |
                  (uint32_t)w->zcc << 18 | (uint32_t)w->ectl << 17 | (uint32_t)w->pno << 16 |
                  (uint32_t)w->fctl << 12 | (uint32_t)w->actl << 5 | w->stctl;
    cs_put_be32(out, w0);
    cs_put_be32(out + 4, w->cpa);
    out[8] = w->dstat;
    out[9] = w->cstat;
    cs_put_be16(out + 10, w->count);
}

void css_pmcw_store(const struct css_subch *s, uint8_t out[28])
{
    memset(out, 0, 28);
    cs_put_be32(out, s->intparm);
    cs_put_be16(out + 4, (uint16_t)(s->isc << 11 | s->ena << 7 | s->lm << 5 | s->mme << 3 |
                                    s->mp << 2 | s->tf << 1 | s->dnv));
    cs_put_be16(out + 6, s->devno);
    out[8] = s->lpm;
    out[9] = s->pnom;
    out[10] = s->lpum;
    out[11] = s->pim;
    cs_put_be16(out + 12, s->mbi);
    out[14] = s->pom;
    out[15] = s->pam;
    memcpy(out + 16, s->chpid, 8);
    cs_put_be32(out + 24, (uint32_t)s->st << 21 | s->mbfc << 2 | s->xmwme << 1 | s->csense);
}

void css_schib_store(const struct css_subch *s, uint8_t out[52])
{
    memset(out, 0, 52);
    if (!s || !s->present)
        return; /* a hole in the numbering: all zeros */
    css_pmcw_store(s, out);
    css_scsw_store(&s->scsw, out + 28);
    cs_put_be32(out + 40, (uint32_t)(s->mba >> 32));
    cs_put_be32(out + 44, (uint32_t)s->mba);
}

/* ESW word 0 of format 0 (subchannel logout): LPUM in bits 8-15, field-validity flag "LPUM
 * valid" (bit 17); extended-status flags, termination and sequence codes are left 0 and
 * marked not valid. ERW bits: 6 F (failing-storage address valid), 7 S (concurrent sense),
 * 9 R (the failing-storage address is 64 bits), 10-15 the sense count. */
#define SUBLOG_FVF_LPUM 0x00004000u
#define ERW_F           0x02000000u
#define ERW_S           0x01000000u
#define ERW_R           0x00400000u

/* IRB: SCSW, ESW (format 0 when the SCSW L bit is set: channel-data, channel-control or
 * interface-control check; else format 1 with the LPUM), ECW with the concurrent sense when
 * the SCSW E bit says so. */
void css_irb_build(const struct css_subch *s, uint8_t out[64])
{
    memset(out, 0, 64);
    css_scsw_store(&s->scsw, out);
    uint32_t erw = 0;
    if (s->scsw.eswf) {
        cs_put_be32(out + 12, (uint32_t)s->lpum << 16 | SUBLOG_FVF_LPUM);
        if (s->err_faddr_valid) {
            erw |= ERW_F | ERW_R;
            cs_put_be32(out + 20, (uint32_t)(s->err_faddr >> 32));
            cs_put_be32(out + 24, (uint32_t)s->err_faddr);
        }
    } else {
        out[13] = s->lpum;
    }
    if (s->scsw.ectl && s->sense_len) {
        erw |= ERW_S | (uint32_t)(s->sense_len & 0x3f) << 16;
        memcpy(out + 32, s->sense, s->sense_len);
    }
    cs_put_be32(out + 16, erw);
}

/* What TSCH clears when it stores status-pending status (PoP "Test Subchannel"): the status
 * controls; the function and the activity controls unless only intermediate status was
 * pending, where a suspended start function stays and only resume-pending goes; and the
 * concurrent sense. */
void css_tsch_clear(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    uint8_t stctl = w->stctl;
    if (!(stctl & SC_PENDING))
        return;
    int inter_only = stctl == (SC_INTER | SC_PENDING);
    w->stctl = 0;
    w->dstat = 0;
    w->cstat = 0;
    w->zcc = 0;
    w->ectl = 0;
    w->eswf = 0;
    s->err_faddr_valid = 0;
    w->cc = 0;
    s->sense_len = 0;
    if (!inter_only || ((w->fctl & FC_HALT) && (w->actl & AC_SUSPENDED)))
        w->fctl = 0;
    if (!inter_only) {
        w->pno = 0;
        w->actl &= (uint8_t) ~(AC_RESUME_PEND | AC_START_PEND | AC_HALT_PEND | AC_CLEAR_PEND |
                               AC_SUSPENDED);
    } else if ((w->actl & AC_SUSPENDED) && (w->fctl & FC_START)) {
        w->pno = 0;
        w->actl &= (uint8_t)~AC_RESUME_PEND;
    }
    s->int_pending = 0;
}

static int isc_enabled(const struct css *c, unsigned isc)
{
    return (c->isc_mask & (0x80u >> isc)) != 0;
}

static void deliver_one(struct css_subch *s)
{
    struct css *c = s->c;
    s->int_scheduled = 0;
    if (!s->int_pending || !(s->scsw.stctl & SC_PENDING) || !s->ena || !c->io_fn ||
        !isc_enabled(c, s->isc))
        return;
    s->int_pending = 0; /* the CPU takes it */
    uint8_t p[6] = {s->cssid, s->ssid, (uint8_t)(s->schno >> 8), (uint8_t)s->schno, s->isc, 0};
    css_tap(s, CS_TAP_TO_GUEST, CSS_K_INTERRUPT, p, sizeof(p));
    c->io_fn(c->io_ctx, s->sid, s->intparm, s->isc);
}

void css_status_pending(struct css_subch *s)
{
    struct css *c = s->c;
    uint8_t w[12];
    css_scsw_store(&s->scsw, w);
    css_tap(s, CS_TAP_TO_GUEST, CSS_K_SCSW, w, sizeof(w));
    if (!s->ena)
        return;
    if (!s->int_pending) {
        s->int_pending = 1;
        s->int_seq = ++c->int_seq;
    }
    if (c->io_fn && isc_enabled(c, s->isc) && !s->int_scheduled) {
        s->int_scheduled = 1;
        css_after(s, 0, deliver_one);
    }
}

void css_deliver(struct css *c)
{
    for (size_t i = 0; i < c->nsets; i++)
        for (size_t j = 0; j < c->sets[i].n; j++) {
            struct css_subch *s = c->sets[i].sch[j];
            if (s->present && s->int_pending && !s->int_scheduled && c->io_fn &&
                isc_enabled(c, s->isc)) {
                s->int_scheduled = 1;
                css_after(s, 0, deliver_one);
            }
        }
}
