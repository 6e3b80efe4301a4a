/* The channel subsystem's frame: subchannel sets, attaching devices, withdrawable activations
 * and the tap. The instructions are in css_instr.c, the start function in css_program.c. */
#include "css_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_machine.h"
#include "css_wire.h"
#include "cs_bytes.h"

uint32_t css_sid(uint8_t cssid, uint8_t ssid, uint16_t schno)
{
    uint32_t sid = CSS_SID_ONE | (uint32_t)(ssid & 3) << 17 | schno;
    if (cssid)
        sid |= (uint32_t)cssid << 24 | CSS_SID_M;
    return sid;
}

/* A domain with more than one CSS in the platform gets its name in front, so that channel
 * names stay unique. */
static void chan_name(const struct css *c, char *buf, size_t len, const char *tail)
{
    if (c->m->ndomains > 1)
        snprintf(buf, len, "%s.%s", c->dom->desc->name, tail);
    else
        snprintf(buf, len, "%s", tail);
}

int css_create(struct cs_domain *dom, struct css **out, cs_error *err)
{
    struct css *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->dom = dom;
    c->m = dom->machine;
    c->mem = &dom->mem;
    c->isc_mask = 0xff;
    c->evs.next = c->evs.prev = &c->evs;
    char name[64];
    chan_name(c, name, sizeof(name), "css");
    if (css_costs_load(&c->costs, dom, err) < 0 ||
        cs_tap_add_channel(&c->m->tap, name, "css", &c->chan, err) < 0) {
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void css_free(struct css *c)
{
    if (!c)
        return;
    /* Activations still queued are dropped with the CSS: the queue must not run again. */
    while (c->evs.next != &c->evs) {
        struct css_ev *e = c->evs.next;
        c->evs.next = e->next;
        free(e);
    }
    for (size_t i = 0; i < c->nsets; i++) {
        for (size_t j = 0; j < c->sets[i].n; j++)
            free(c->sets[i].sch[j]);
        free(c->sets[i].sch);
    }
    free(c->sets);
    free(c);
}

static struct css_set *find_set(const struct css *c, uint8_t cssid, uint8_t ssid)
{
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i].cssid == cssid && c->sets[i].ssid == ssid)
            return &c->sets[i];
    return NULL;
}

int css_attach_device(struct css *c, uint8_t cssid, uint8_t ssid, uint16_t devno, uint8_t chpid,
                      const struct css_device_ops *ops, void *dev, uint32_t *sid_out, cs_error *err)
{
    const char *what = ops && ops->name ? ops->name : "device";
    if (ssid > 3)
        return cs_error_set(err, "%s %x.%x.%04x: subchannel set %u does not exist (0-3)", what,
                            cssid, ssid, devno, ssid);
    if (!ops || !ops->command)
        return cs_error_set(err, "%s %x.%x.%04x: no command handler", what, cssid, ssid, devno);
    uint32_t other;
    if (css_find_devno(c, cssid, ssid, devno, &other) == 0)
        return cs_error_set(err, "%s: device number %x.%x.%04x is already attached", what, cssid,
                            ssid, devno);
    struct css_set *set = find_set(c, cssid, ssid);
    if (!set) {
        c->sets = realloc(c->sets, (c->nsets + 1) * sizeof(*c->sets));
        if (!c->sets)
            abort();
        set = &c->sets[c->nsets++];
        memset(set, 0, sizeof(*set));
        set->cssid = cssid;
        set->ssid = ssid;
    }
    /* The first free number, as QEMU places devices: a detached device leaves a hole. */
    size_t no = 0;
    while (no < set->n && set->sch[no]->present)
        no++;
    if (no > 0xffff)
        return cs_error_set(err, "%s %x.%x.%04x: subchannel set %x.%x is full", what, cssid, ssid,
                            devno, cssid, ssid);
    struct css_subch *s;
    if (no == set->n) {
        s = calloc(1, sizeof(*s));
        if (!s)
            abort();
        char tail[32], name[64];
        snprintf(tail, sizeof(tail), "css.%x.%x.%04zx", cssid, ssid, no);
        chan_name(c, name, sizeof(name), tail);
        if (cs_tap_add_channel(&c->m->tap, name, "css", &s->chan, err) < 0) {
            free(s);
            return -1;
        }
        set->sch = realloc(set->sch, (set->n + 1) * sizeof(*set->sch));
        if (!set->sch)
            abort();
        set->sch[set->n++] = s;
    } else {
        s = set->sch[no];
        uint16_t chan = s->chan;
        memset(s, 0, sizeof(*s));
        s->chan = chan;
    }
    s->c = c;
    s->cssid = cssid;
    s->ssid = ssid;
    s->schno = (uint16_t)no;
    s->sid = css_sid(cssid, ssid, s->schno);
    s->present = 1;
    s->ops = ops;
    s->dev = dev;
    s->dnv = 1;
    s->devno = devno;
    s->pim = s->pam = 0x80;
    s->pom = 0xff;
    s->lpm = 0x80;
    s->chpid[0] = chpid;
    s->st = 0; /* I/O subchannel */
    css_crw_queue_sch(c, s);
    *sid_out = s->sid;
    return 0;
}

int css_detach_device(struct css *c, uint32_t sid, cs_error *err)
{
    int bad;
    struct css_subch *s = css_lookup(c, sid, &bad);
    if (!s)
        return cs_error_set(err, "css: no device at subchannel id 0x%08x", sid);
    css_cancel(&s->step);
    css_end_device(s);
    uint16_t chan = s->chan;
    uint8_t cssid = s->cssid, ssid = s->ssid;
    uint16_t schno = s->schno;
    memset(s, 0, sizeof(*s));
    s->c = c;
    s->chan = chan;
    s->cssid = cssid;
    s->ssid = ssid;
    s->schno = schno;
    s->sid = sid;
    css_crw_queue_sch(c, s);
    return 0;
}

int css_find_devno(const struct css *c, uint8_t cssid, uint8_t ssid, uint16_t devno,
                   uint32_t *sid_out)
{
    const struct css_set *set = find_set(c, cssid, ssid);
    for (size_t i = 0; set && i < set->n; i++)
        if (set->sch[i]->present && set->sch[i]->devno == devno) {
            *sid_out = set->sch[i]->sid;
            return 0;
        }
    return -1;
}

int css_subchannel_channel(struct css *c, uint32_t sid)
{
    int bad;
    const struct css_subch *s = css_lookup(c, sid, &bad);
    return s ? s->chan : -1;
}

/* Decode GR1. *bad_sid: the word is not a valid subsystem-identification word (operand
 * exception); otherwise NULL means no such subchannel, or a hole (cc3 or zeros). */
struct css_subch *css_lookup(struct css *c, uint32_t sid, int *bad_sid)
{
    *bad_sid = 0;
    if (!(sid & CSS_SID_ONE) || (sid & 0x00f00000) || (!(sid & CSS_SID_M) && (sid >> 24))) {
        *bad_sid = 1;
        return NULL;
    }
    struct css_set *set = find_set(c, (uint8_t)(sid >> 24), (uint8_t)((sid >> 17) & 3));
    uint16_t no = sid & 0xffff;
    if (!set || no >= set->n)
        return NULL;
    return set->sch[no];
}

static void ev_run(void *arg)
{
    struct css_ev *e = arg;
    e->prev->next = e->next;
    e->next->prev = e->prev;
    if (!e->dead) {
        if (e->s->step == e)
            e->s->step = NULL;
        e->fn(e->s);
    }
    free(e);
}

struct css_ev *css_after(struct css_subch *s, uint64_t delay, void (*fn)(struct css_subch *))
{
    struct css *c = s->c;
    struct css_ev *e = calloc(1, sizeof(*e));
    if (!e)
        abort();
    e->s = s;
    e->fn = fn;
    e->next = &c->evs;
    e->prev = c->evs.prev;
    c->evs.prev->next = e;
    c->evs.prev = e;
    cs_sched_after(c->m->sched, delay, ev_run, e);
    return e;
}

void css_cancel(struct css_ev **ev)
{
    if (*ev)
        (*ev)->dead = 1;
    *ev = NULL;
}

void css_tap(struct css_subch *s, int dir, uint16_t kind, const void *p, uint32_t len)
{
    cs_tap_msg(&s->c->m->tap, s->chan, (enum cs_tap_dir)dir, kind, p, len);
}

/* The SCHID, cc record of SSCH, CSCH, HSCH, XSCH, RSCH (8 bytes), on the channel of the
 * subchannel the SID names, or the CSS channel when it names none. */
void css_tap_instr(struct css *c, struct css_subch *s, uint32_t sid, uint16_t kind, int cc)
{
    uint8_t p[8];
    p[0] = (uint8_t)(sid >> 24);
    p[1] = (uint8_t)((sid >> 17) & 3);
    p[2] = (uint8_t)(sid >> 8);
    p[3] = (uint8_t)sid;
    cs_put_be32(p + 4, (uint32_t)(cc < 0 ? -5 : cc));
    cs_tap_msg(&c->m->tap, s ? s->chan : c->chan, CS_TAP_TO_FW, kind, p, sizeof(p));
}

int css_access(struct css *c, uint64_t gpa, uint64_t len, int write)
{
    return c->access_fn ? c->access_fn(c->access_ctx, gpa, len, write) : 0;
}

uint64_t css_ns(struct css *c, uint64_t ns)
{
    return cs_machine_ns_to_cycles(c->m, ns);
}

void css_end_device(struct css_subch *s)
{
    if (s->dev_started) {
        s->dev_started = 0;
        if (s->ops->program_end)
            s->ops->program_end(s->dev);
    }
}

void css_set_io_handler(struct css *c, css_io_handler_fn fn, void *ctx)
{
    c->io_fn = fn;
    c->io_ctx = ctx;
}

void css_set_isc_mask(struct css *c, uint8_t mask)
{
    c->isc_mask = mask;
    css_deliver(c);
}

void css_set_crw_handler(struct css *c, void (*fn)(void *ctx), void *ctx)
{
    c->crw_fn = fn;
    c->crw_ctx = ctx;
}

void css_set_access_check(struct css *c, css_access_fn fn, void *ctx)
{
    c->access_fn = fn;
    c->access_ctx = ctx;
}
