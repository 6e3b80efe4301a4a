/* The start, resume, halt and clear functions. A channel program runs as a sequence of
 * activations on the machine's queue, one command each: the command executes (its data moves)
 * when its activation runs, and the next activation (the next command, or the ending status)
 * comes after the command's cost, so HSCH and CSCH in between really stop the program. */
#include "css_internal.h"

#include <string.h>

#include "cs_machine.h"

#define CCW_TIC 0x08

void css_program_check(struct css_subch *s, uint8_t cstat, uint64_t cpa, uint16_t count)
{
    if (s->err_cstat)
        return;
    s->err_cstat = cstat;
    s->err_cpa = (uint32_t)cpa;
    s->err_count = count;
}

void css_pci(struct css_subch *s, uint64_t ccw_addr)
{
    struct css_scsw *w = &s->scsw;
    w->cstat |= CST_PCI;
    w->cpa = (uint32_t)(ccw_addr + 8);
    w->stctl |= SC_INTER | SC_PENDING;
    css_status_pending(s);
}

static int is_alert(const struct css_scsw *w)
{
    return (w->cstat & (uint8_t)~CST_PCI) ||
           (w->dstat & (CSS_DEV_UNIT_CHECK | CSS_DEV_UNIT_EXCEPT | CSS_DEV_ATTENTION));
}

/* Sense bytes straight from the device into the subchannel (concurrent sense). */
static void concurrent_sense(struct css_subch *s)
{
    struct css_dstream ds;
    memset(&ds, 0, sizeof(ds));
    ds.s = s;
    ds.write_to_storage = 1;
    ds.local = s->sense;
    ds.local_cap = sizeof(s->sense);
    ds.ccw.cmd = 0x04;
    ds.ccw.count = sizeof(s->sense);
    ds.left = sizeof(s->sense);
    ds.seg_left = sizeof(s->sense);
    s->ops->command(s->dev, 0x04, &ds);
    if (ds.moved) {
        s->sense_len = (uint8_t)ds.moved;
        s->scsw.ectl = 1;
    }
}

/* The program is over: primary and secondary status become pending. */
static void end_program(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    w->actl &=
        (uint8_t) ~(AC_SCH_ACTIVE | AC_DEV_ACTIVE | AC_START_PEND | AC_RESUME_PEND | AC_SUSPENDED);
    w->stctl |= SC_PRIMARY | SC_SECOND | SC_PENDING;
    if (is_alert(w))
        w->stctl |= SC_ALERT;
    /* checks that come with a subchannel logout: format-0 ESW */
    if (w->cstat & (CST_CDC | CST_CCC | CST_IFCC))
        w->eswf = 1;
    if ((w->dstat & CSS_DEV_UNIT_CHECK) && s->csense)
        concurrent_sense(s);
    css_end_device(s);
    css_status_pending(s);
}

/* Ending status after a program or protection check. */
static void end_checked(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    w->cstat |= s->err_cstat;
    w->cpa = s->err_cpa;
    w->count = s->err_count;
    w->dstat |= s->last_dstat;
    end_program(s);
}

static void complete_command(struct css_subch *s);
static void begin_command(struct css_subch *s, uint64_t addr);

static void fail_step(struct css_subch *s)
{
    s->step = css_after(s, s->c->costs.status, end_checked);
}

/* The CCW at addr is the next command: fetch (or take the prefetched copy), check, suspend,
 * PCI, then let the device execute it. */
static void begin_command(struct css_subch *s, uint64_t addr)
{
    struct css *c = s->c;
    struct css_ccw ccw;
    uint64_t at;
    s->last_dstat = 0;
    if (s->pf_valid && s->pf_addr == addr && (s->pf.cmd & 0x0f) != CCW_TIC) {
        /* fetched earlier; traced now, where the channel starts to use it */
        ccw = s->pf;
        at = addr;
        css_tap_ccw(s, &ccw);
    } else if (css_fetch_chained(s, addr, &ccw, &at) < 0) {
        s->pf_valid = 0;
        fail_step(s);
        return;
    }
    s->pf_valid = 0;
    s->ccw = ccw;
    s->ccw_addr = at;
    uint8_t low = ccw.cmd & 0x0f;
    /* command-code and flag rules of a CCW that starts a command (css.md §1.3, §3.1) */
    if (low == 0 || (!s->orb.fmt && ccw.count == 0) || ((ccw.flags & CCW_CD) && ccw.count == 0) ||
        ((ccw.flags & CCW_S) && ((ccw.flags & CCW_CD) || !s->resume_ok)) ||
        (ccw.flags & CCW_MIDA)) {
        css_program_check(s, CST_PROG, at + 8, ccw.count);
        fail_step(s);
        return;
    }
    if (ccw.flags & CCW_S) {
        /* suspended before this CCW; RSCH refetches it */
        struct css_scsw *w = &s->scsw;
        w->actl = (uint8_t)((w->actl & ~(AC_SCH_ACTIVE | AC_DEV_ACTIVE)) | AC_SUSPENDED);
        w->cpa = (uint32_t)(at + 8);
        if (!s->orb.ssic) {
            w->stctl |= SC_INTER | SC_PENDING;
            css_status_pending(s);
        }
        return;
    }
    if (ccw.flags & CCW_PCI)
        css_pci(s, at);
    if (css_dstream_begin(s, &s->ds, &ccw, at) < 0) {
        fail_step(s);
        return;
    }
    /* With prefetch allowed the channel reads the next CCW of the chain before this
     * command's data moves, so a program that overwrites it sees the old one run. */
    if (s->orb.pfch && (ccw.flags & (CCW_CC | CCW_CD)) == CCW_CC) {
        s->pf_addr = at + 8;
        s->pf_valid = css_peek_ccw(s, s->pf_addr, &s->pf) == 0;
    }
    struct css_dev_result r = s->ops->command(s->dev, ccw.cmd, &s->ds);
    s->last_dstat = r.dstat;
    if (s->isic_due) {
        /* ORB I: the device accepted the first command; intermediate status with Z */
        s->isic_due = 0;
        s->scsw.zcc = 1;
        s->scsw.stctl |= SC_INTER | SC_PENDING;
        s->scsw.cpa = (uint32_t)(at + 8);
        css_status_pending(s);
    }
    uint64_t cost =
        c->costs.ccw + c->costs.xfer_per_kib * s->ds.moved / 1024 + css_ns(c, r.busy_ns);
    if (s->err_cstat) {
        s->step = css_after(s, cost + c->costs.status, end_checked);
        return;
    }
    /* Decide now whether the program goes on, so that the ending status costs its time. */
    const struct css_dstream *ds = &s->ds;
    int immediate = (ccw.cmd & 3) == 3 && ds->moved == 0 && !ds->wanted_more;
    int il = !immediate && (ds->left || (ds->ccw.flags & CCW_CD) || ds->wanted_more);
    int sli = (ds->ccw.flags & CCW_SLI) && !(ds->ccw.flags & CCW_CD);
    int done = (r.dstat & (CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END)) ==
               (CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END);
    s->ending = (il && !sli) || !done || (r.dstat & (CSS_DEV_UNIT_CHECK | CSS_DEV_UNIT_EXCEPT)) ||
                !(ds->ccw.flags & CCW_CC);
    s->il = il && !sli;
    s->step = css_after(s, cost + (s->ending ? c->costs.status : 0), complete_command);
}

static void complete_command(struct css_subch *s)
{
    const struct css_dstream *ds = &s->ds;
    struct css_scsw *w = &s->scsw;
    w->cpa = (uint32_t)(ds->ccw_addr + 8);
    w->count = (uint16_t)ds->left;
    if (s->il)
        w->cstat |= CST_IL;
    if (s->ending) {
        w->dstat |= s->last_dstat;
        end_program(s);
        return;
    }
    /* command chaining; status modifier skips one CCW */
    uint64_t next = ds->ccw_addr + 8;
    if (s->last_dstat & CSS_DEV_STATUS_MOD)
        next += 8;
    begin_command(s, next);
}

void css_start_function(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    w->actl &= (uint8_t)~AC_START_PEND;
    s->err_cstat = 0;
    s->err_faddr_valid = 0;
    s->pf_valid = 0;
    s->sense_len = 0;
    uint8_t path = s->lpm & s->pam & s->pim & s->pom;
    if (!path) {
        /* no usable path: deferred condition code 3 */
        w->cc = 3;
        w->stctl = SC_ALERT | SC_PENDING;
        w->fctl = FC_START;
        css_status_pending(s);
        return;
    }
    /* the first path the masks allow */
    s->lpum = 0x80;
    while (!(s->lpum & path))
        s->lpum >>= 1;
    w->actl |= AC_SCH_ACTIVE | AC_DEV_ACTIVE;
    if (s->ops->program_start)
        s->ops->program_start(s->dev);
    s->dev_started = 1;
    s->isic_due = s->orb.isic;
    begin_command(s, s->orb.cpa);
}

void css_resume_function(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    w->actl &= (uint8_t) ~(AC_RESUME_PEND | AC_SUSPENDED);
    w->actl |= AC_SCH_ACTIVE | AC_DEV_ACTIVE;
    s->pf_valid = 0;
    /* the CCW that suspended is fetched again: its S flag may have been turned off */
    begin_command(s, s->ccw_addr);
}

void css_halt_function(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    int active = (w->actl & (AC_SCH_ACTIVE | AC_DEV_ACTIVE)) != 0;
    int susp = (w->actl & AC_SUSPENDED) != 0;
    int start_pend = (w->actl & AC_START_PEND) != 0;
    if (s->ops->reset)
        s->ops->reset(s->dev, 0);
    css_end_device(s);
    w->actl &=
        (uint8_t) ~(AC_HALT_PEND | AC_SCH_ACTIVE | AC_DEV_ACTIVE | AC_START_PEND | AC_RESUME_PEND);
    if (active || susp) {
        w->cpa = (uint32_t)(s->ccw_addr + 8);
        w->count = (uint16_t)s->ds.left;
    }
    if (active || !(start_pend || susp)) {
        /* the device was working (or idle): it ends with device end */
        w->dstat |= CSS_DEV_DEVICE_END;
        w->stctl |= SC_PRIMARY | SC_SECOND | SC_PENDING;
    } else {
        /* start pending or suspended: nothing reached the device, status pending alone */
        w->stctl |= SC_PENDING;
    }
    css_status_pending(s);
}

void css_clear_function(struct css_subch *s)
{
    struct css_scsw *w = &s->scsw;
    if (s->ops->reset)
        s->ops->reset(s->dev, 1);
    css_end_device(s);
    s->pf_valid = 0;
    s->pom = 0xff;
    s->pnom = 0;
    w->fctl = FC_CLEAR;
    w->actl = 0;
    w->stctl = SC_PENDING;
    css_status_pending(s);
}
