/* The s390 common I/O layer of the shim: the I/O instructions as calls of the kernel's CSS
 * operations table, the css bus with its subchannels and drivers, the cio_* functions and the
 * delivery of I/O interruptions (TSCH into the per-CPU IRB, then the driver's irq, as
 * Linux's do_cio_interrupt). See docs/vfio-ccw.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include "kshim/css.h"
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/isc.h>

#include "chp.h"
#include "css.h"
#include "ioasm.h"
/* The instruction names are the ops table's member names here, not the wrappers. */
#undef stsch
#undef msch
#undef tsch
#undef ssch
#undef csch
#undef hsch
#undef xsch
#undef rsch
#include "ks_vfio_internal.h"

#define KS_CSS_MAX_SCH 256

struct ks_css {
    const struct ks_css_ops *ops;
    void *ctx;
    struct bus_type bus;
    struct subchannel *sch[KS_CSS_MAX_SCH];
    unsigned nsch;
    /* operands of the instructions the shim itself issues: guest memory the model can reach */
    struct schib *schib;
    struct irb *irb;
    unsigned isc_users[MAX_ISC + 1];
    int host_idals; /* ks_css_host_idals */
};

DEFINE_PER_CPU(struct irb, cio_irb);

static u32 sid_word(struct subchannel_id schid)
{
    u8 b[4];
    memcpy(b, &schid, 4);
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static struct subchannel_id schid_of(u32 sid)
{
    struct subchannel_id id;
    u8 b[4] = {(u8)(sid >> 24), (u8)(sid >> 16), (u8)(sid >> 8), (u8)sid};
    memcpy(&id, b, 4);
    return id;
}

static int css_match(struct device *dev, struct device_driver *drv)
{
    struct subchannel *sch = to_subchannel(dev);
    struct css_driver *d = to_cssdriver(drv);
    for (struct css_device_id *id = d->subchannel_type; id && id->match_flags; id++)
        if (id->type == sch->st)
            return 1;
    return 0;
}

static int css_probe(struct device *dev)
{
    struct subchannel *sch = to_subchannel(dev);
    struct css_driver *d = to_cssdriver(dev->driver);
    sch->driver = d;
    int rc = d->probe ? d->probe(sch) : 0;
    if (rc)
        sch->driver = NULL;
    return rc;
}

static void css_remove(struct device *dev)
{
    struct subchannel *sch = to_subchannel(dev);
    if (sch->driver && sch->driver->remove)
        sch->driver->remove(sch);
    sch->driver = NULL;
}

static struct ks_css *css_of(struct ks_kernel *k)
{
    if (!k)
        return NULL;
    if (!k->css) {
        struct ks_css *c = calloc(1, sizeof(*c));
        if (!c)
            abort();
        c->bus.name = "css";
        c->bus.match = css_match;
        c->bus.probe = css_probe;
        c->bus.remove = css_remove;
        bus_register(&c->bus);
        k->css = c;
    }
    return k->css;
}

void ks_kernel_set_css_ops(struct ks_kernel *k, const struct ks_css_ops *ops, void *ctx)
{
    struct ks_css *c = css_of(k);
    c->ops = ops;
    c->ctx = ctx;
}

/* The instruction's operand area in guest memory: the kernel heap the shim allocates from. */
static void css_scratch(struct ks_kernel *k, struct ks_css *c)
{
    if (!c->schib) {
        c->schib =
            ks_kmalloc(sizeof(*c->schib), GFP_ATOMIC | __GFP_ZERO, "css", __FILE__, __LINE__);
        c->irb = ks_kmalloc(sizeof(*c->irb), GFP_ATOMIC | __GFP_ZERO, "css", __FILE__, __LINE__);
    }
    (void)k;
}

/* A program interruption ends the instruction: the kernel's wrappers return -EIO then. */
static struct subchannel **slot_of(struct ks_css *c, u32 sid);

static int cc_of(int rc)
{
    return rc < 0 ? -EIO : rc;
}

#define CSS_OP(name, ...)                                                                          \
    struct ks_css *c = css_of(ks_current_kernel());                                                \
    if (!c || !c->ops || !c->ops->name)                                                            \
        return 3;                                                                                  \
    return cc_of(c->ops->name(c->ctx, __VA_ARGS__))

int ks_css_stsch(struct subchannel_id schid, struct schib *addr)
{
    CSS_OP(stsch, sid_word(schid), virt_to_phys(addr));
}
int ks_css_msch(struct subchannel_id schid, struct schib *addr)
{
    CSS_OP(msch, sid_word(schid), virt_to_phys(addr));
}
int ks_css_tsch(struct subchannel_id schid, struct irb *addr)
{
    CSS_OP(tsch, sid_word(schid), virt_to_phys(addr));
}
int ks_css_ssch(struct subchannel_id schid, union orb *addr)
{
    struct ks_css *c = css_of(ks_current_kernel());
    if (!c || !c->ops || !c->ops->ssch)
        return 3;
    struct subchannel **s = slot_of(c, sid_word(schid));
    if (c->host_idals > 0)
        ks_ccw_host_idals_to_be(addr);
    int cc = cc_of(c->ops->ssch(c->ctx, sid_word(schid), virt_to_phys(addr)));
    if (s && cc == 0)
        (*s)->ks_vr = c->host_idals > 0;
    return cc;
}

void ks_css_host_idals(struct ks_kernel *k, int delta)
{
    css_of(k)->host_idals += delta;
}
int ks_css_csch(struct subchannel_id schid)
{
    CSS_OP(csch, sid_word(schid));
}
int ks_css_hsch(struct subchannel_id schid)
{
    CSS_OP(hsch, sid_word(schid));
}
int ks_css_xsch(struct subchannel_id schid)
{
    CSS_OP(xsch, sid_word(schid));
}
int ks_css_rsch(struct subchannel_id schid)
{
    CSS_OP(rsch, sid_word(schid));
}

void isc_register(unsigned int isc)
{
    struct ks_css *c = css_of(ks_current_kernel());
    if (c && isc <= MAX_ISC)
        c->isc_users[isc]++;
}

void isc_unregister(unsigned int isc)
{
    struct ks_css *c = css_of(ks_current_kernel());
    if (c && isc <= MAX_ISC && c->isc_users[isc])
        c->isc_users[isc]--;
}

/* ---- the cio layer -------------------------------------------------------------------- */

int cio_update_schib(struct subchannel *sch)
{
    struct ks_css *c = css_of(ks_current_kernel());
    if (!c)
        return -ENODEV;
    css_scratch(ks_current_kernel(), c);
    if (ks_css_stsch(sch->schid, c->schib) != 0 || !c->schib->pmcw.dnv)
        return -ENODEV;
    memcpy(&sch->schib, c->schib, sizeof(sch->schib));
    return 0;
}

/* MODIFY SUBCHANNEL with the enable bit, ISC and interruption parameter, checked by reading
 * the SCHIB back, as the architecture leaves MSCH's effect to be verified. */
static int modify(struct subchannel *sch, int ena, u32 intparm)
{
    struct ks_css *c = css_of(ks_current_kernel());
    for (int retry = 0; retry < 5; retry++) {
        if (cio_update_schib(sch))
            return -ENODEV;
        memcpy(c->schib, &sch->schib, sizeof(*c->schib));
        c->schib->pmcw.ena = ena;
        if (ena) {
            c->schib->pmcw.isc = sch->isc;
            c->schib->pmcw.intparm = intparm;
            c->schib->pmcw.csense = 1; /* concurrent sense, as Linux asks for */
        }
        int cc = ks_css_msch(sch->schid, c->schib);
        if (cc == 3)
            return -ENODEV;
        if (cc == 2 || cc == 1)
            return -EBUSY;
        if (cc < 0)
            return -EIO;
        if (cio_update_schib(sch))
            return -ENODEV;
        if (sch->schib.pmcw.ena == ena)
            return 0;
    }
    return -EIO;
}

int cio_enable_subchannel(struct subchannel *sch, u32 intparm)
{
    sch->config.ena = 1;
    sch->config.isc = sch->isc;
    sch->config.intparm = intparm;
    return modify(sch, 1, intparm);
}

int cio_disable_subchannel(struct subchannel *sch)
{
    if (cio_update_schib(sch))
        return -ENODEV;
    if (scsw_actl(&sch->schib.scsw) != 0)
        return -EBUSY; /* a function is in progress: MSCH would be refused */
    sch->config.ena = 0;
    return modify(sch, 0, 0);
}

static int cc_to_errno(int cc)
{
    switch (cc) {
    case 0:
        return 0;
    case 1:
    case 2:
        return -EBUSY;
    case 3:
        return -ENODEV;
    default:
        return -EIO;
    }
}

int cio_halt(struct subchannel *sch)
{
    int rc = cc_to_errno(ks_css_hsch(sch->schid));
    if (!rc)
        sch->schib.scsw.cmd.actl |= SCSW_ACTL_HALT_PEND;
    return rc;
}

int cio_clear(struct subchannel *sch)
{
    int rc = cc_to_errno(ks_css_csch(sch->schid));
    if (!rc)
        sch->schib.scsw.cmd.actl |= SCSW_ACTL_CLEAR_PEND;
    return rc;
}

int cio_cancel(struct subchannel *sch)
{
    int cc = ks_css_xsch(sch->schid);
    if (cc == 0)
        cio_update_schib(sch);
    return cc == 0 ? 0 : cc == 1 ? -EBUSY : cc == 2 ? -EINVAL : -ENODEV;
}

int cio_resume(struct subchannel *sch)
{
    return cc_to_errno(ks_css_rsch(sch->schid));
}

/* End whatever the subchannel is doing: nothing to do when idle; a start function not yet
 * begun is cancelled; otherwise halt, and clear when halting has been tried. -EBUSY: an
 * interruption will report the end; -EIO: retries exhausted. */
int cio_cancel_halt_clear(struct subchannel *sch, int *iretry)
{
    if (cio_update_schib(sch))
        return -ENODEV;
    if (!sch->schib.pmcw.ena)
        return 0;
    u32 actl = scsw_actl(&sch->schib.scsw), fctl = scsw_fctl(&sch->schib.scsw);
    if (!actl && !(sch->schib.scsw.cmd.stctl & SCSW_STCTL_STATUS_PEND))
        return 0;
    if ((actl & (SCSW_ACTL_START_PEND | SCSW_ACTL_SUSPENDED)) &&
        !(fctl & (SCSW_FCTL_HALT_FUNC | SCSW_FCTL_CLEAR_FUNC)) && cio_cancel(sch) == 0)
        return 0;
    if (*iretry <= 0)
        return -EIO;
    (*iretry)--;
    int rc =
        !(fctl & (SCSW_FCTL_HALT_FUNC | SCSW_FCTL_CLEAR_FUNC)) ? cio_halt(sch) : cio_clear(sch);
    return rc == 0 ? -EBUSY : rc;
}

void css_sched_sch_todo(struct subchannel *sch, enum sch_todo todo)
{
    if (todo > sch->todo) {
        sch->todo = todo;
        dev_info(&sch->dev, "subchannel work %s requested",
                 todo == SCH_TODO_UNREG ? "unregister" : "evaluate");
    }
}

int chp_ssd_get_mask(struct chsc_ssd_info *ssd, struct chp_link *link)
{
    for (int i = 0; i < 8; i++) {
        u8 mask = (u8)(0x80 >> i);
        if ((ssd->path_mask & mask) && chp_id_is_equal(&ssd->chpid[i], &link->chpid))
            return mask;
    }
    return 0;
}

/* ---- css drivers and subchannels ----------------------------------------------------- */

int css_driver_register(struct css_driver *drv)
{
    struct ks_css *c = css_of(ks_current_kernel());
    if (!c)
        return -ENODEV;
    drv->drv.bus = &c->bus;
    return driver_register(&drv->drv);
}

void css_driver_unregister(struct css_driver *drv)
{
    driver_unregister(&drv->drv);
}

static struct subchannel **slot_of(struct ks_css *c, u32 sid)
{
    for (unsigned i = 0; i < c->nsch; i++)
        if (c->sch[i] && sid_word(c->sch[i]->schid) == sid)
            return &c->sch[i];
    return NULL;
}

int ks_css_subchannel_channel(struct ks_kernel *k, uint32_t sid)
{
    struct ks_css *c = css_of(k);
    struct subchannel **s = slot_of(c, sid);
    return s ? (*s)->ks_channel : -1;
}

int ks_css_channel_of_dev(struct device *dev)
{
    struct ks_css *c = dev ? css_of(ks_current_kernel()) : NULL;
    if (!c || dev->bus != &c->bus)
        return -1;
    return to_subchannel(dev)->ks_channel;
}

/* The tap channel of a subchannel of the current kernel, -1 if unknown. */
int ks_css_channel_of(struct subchannel_id schid)
{
    struct ks_kernel *k = ks_current_kernel();
    return k ? ks_css_subchannel_channel(k, sid_word(schid)) : -1;
}

struct add_call {
    struct ks_css *c;
    u32 sid;
    u16 channel;
    int rc;
};

static void add_in_kernel(void *arg)
{
    struct add_call *a = arg;
    struct ks_css *c = a->c;
    struct ks_kernel *k = ks_current_kernel();
    css_scratch(k, c);
    struct subchannel_id schid = schid_of(a->sid);
    int cc = ks_css_stsch(schid, c->schib);
    if (cc != 0) {
        a->rc = cc;
        return;
    }
    struct subchannel *sch =
        ks_kmalloc(sizeof(*sch), GFP_KERNEL | __GFP_ZERO, "css", __FILE__, __LINE__);
    sch->schid = schid;
    memcpy(&sch->schib, c->schib, sizeof(sch->schib));
    sch->st = sch->schib.pmcw.st;
    sch->opm = 0xff;
    sch->lpm = sch->schib.pmcw.pam & sch->opm;
    sch->isc = IO_SCH_ISC;
    sch->ssd_info.path_mask = sch->schib.pmcw.pim;
    for (int i = 0; i < 8; i++) {
        sch->ssd_info.chpid[i].cssid = schid.cssid;
        sch->ssd_info.chpid[i].id = sch->schib.pmcw.chpid[i];
    }
    sch->ks_channel = a->channel;
    sch->ks_kernel = k;
    spin_lock_init(&sch->ks_lock);
    sch->lock = &sch->ks_lock;
    mutex_init(&sch->reg_mutex);
    device_initialize(&sch->dev);
    sch->dev.bus = &c->bus;
    dev_set_name(&sch->dev, "0.%x.%04x", (unsigned)schid.ssid, (unsigned)schid.sch_no);
    c->sch[c->nsch++] = sch;
    device_add(&sch->dev);
    a->rc = 0;
}

int ks_css_subchannel_add(struct ks_kernel *k, uint32_t sid, int channel, cs_error *err)
{
    struct ks_css *c = css_of(k);
    if (!c->ops)
        return cs_error_set(err, "subchannel 0x%08x: the kernel has no CSS operations", sid);
    if (slot_of(c, sid))
        return cs_error_set(err, "subchannel 0x%08x: already present", sid);
    if (c->nsch == KS_CSS_MAX_SCH)
        return cs_error_set(err, "subchannel 0x%08x: more than %d subchannels", sid,
                            KS_CSS_MAX_SCH);
    u16 ch;
    if (channel >= 0) {
        ch = (u16)channel;
    } else {
        char name[64];
        snprintf(name, sizeof(name), "%s.css.%x.%x.%04x", k->name, (sid >> 24) & 0xff,
                 (sid >> 17) & 3, sid & 0xffff);
        if (cs_tap_add_channel(&k->m->tap, name, "css", &ch, err) < 0)
            return -1;
    }
    struct add_call a = {c, sid, ch, -1};
    ks_run_in_kernel(k, "css-scan", add_in_kernel, &a);
    if (a.rc != 0)
        return cs_error_set(err, "subchannel 0x%08x: STSCH condition code %d", sid, a.rc);
    return 0;
}

struct remove_call {
    struct subchannel *sch;
};

static void remove_in_kernel(void *arg)
{
    struct subchannel *sch = arg;
    device_del(&sch->dev);
    ks_kfree(sch, __FILE__, __LINE__);
}

int ks_css_subchannel_remove(struct ks_kernel *k, uint32_t sid, cs_error *err)
{
    struct ks_css *c = css_of(k);
    struct subchannel **s = slot_of(c, sid);
    if (!s)
        return cs_error_set(err, "subchannel 0x%08x: not present", sid);
    struct subchannel *sch = *s;
    *s = NULL;
    ks_run_in_kernel(k, "css-remove", remove_in_kernel, sch);
    return 0;
}

/* ---- I/O interruptions ---------------------------------------------------------------- */

struct io_int {
    struct ks_kernel *k;
    u32 sid, intparm;
    unsigned isc;
};

static void io_interrupt(void *arg)
{
    struct io_int i = *(struct io_int *)arg;
    free(arg);
    struct ks_css *c = css_of(i.k);
    struct subchannel **s = slot_of(c, i.sid);
    css_scratch(i.k, c);
    if (!s) {
        /* Nobody owns it: clear the status, as the I/O layer does for unknown subchannels. */
        ks_css_tsch(schid_of(i.sid), c->irb);
        return;
    }
    struct subchannel *sch = *s;
    spin_lock(sch->lock);
    if (ks_css_tsch(sch->schid, c->irb) == 0) {
        if (sch->ks_vr && c->irb->scsw.cmd.cpa)
            c->irb->scsw.cmd.cpa = ks_ccw_cpa_to_pointer_bits(c->irb->scsw.cmd.cpa);
        memcpy(this_cpu_ptr(&cio_irb), c->irb, sizeof(struct irb));
        memcpy(&sch->schib.scsw, &c->irb->scsw, sizeof(union scsw));
        if (sch->driver && sch->driver->irq)
            sch->driver->irq(sch);
    }
    spin_unlock(sch->lock);
}

void ks_css_io_interrupt(struct ks_kernel *k, uint32_t sid, uint32_t intparm, unsigned isc)
{
    struct io_int *i = malloc(sizeof(*i));
    if (!i)
        abort();
    *i = (struct io_int){k, sid, intparm, isc};
    ks_defer(k, KS_CTX_HARDIRQ, "in an I/O interruption handler", 0, io_interrupt, i, free);
}

void ks_css_release(struct ks_kernel *k)
{
    free(k->css);
    k->css = NULL;
}
