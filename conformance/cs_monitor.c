#include "cs_monitor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cs_monitor_ctx {
    struct cs_monitor_hub *hub;
    uint16_t channel;
    char name[64];
};

struct chan {
    const struct cs_monitor_class *cls; /* NULL: no monitor for this family */
    void *mon;
    struct cs_monitor_ctx ctx;
};

struct cs_monitor_hub {
    struct chan *chans;
    size_t n;
    cs_finding_fn fn;
    void *fn_ctx;
    uint64_t findings;
};

struct cs_monitor_hub *cs_monitor_hub_new(cs_finding_fn fn, void *ctx)
{
    struct cs_monitor_hub *h = calloc(1, sizeof(*h));
    if (!h)
        abort();
    h->fn = fn;
    h->fn_ctx = ctx;
    return h;
}

void cs_monitor_hub_channel(struct cs_monitor_hub *h, uint16_t id, const char *name,
                            const char *family)
{
    if (id >= h->n) {
        h->chans = realloc(h->chans, ((size_t)id + 1) * sizeof(*h->chans));
        if (!h->chans)
            abort();
        memset(&h->chans[h->n], 0, ((size_t)id + 1 - h->n) * sizeof(*h->chans));
        h->n = (size_t)id + 1;
    }
    struct chan *c = &h->chans[id];
    c->ctx.hub = h;
    c->ctx.channel = id;
    snprintf(c->ctx.name, sizeof(c->ctx.name), "%s", name);
    c->cls = cs_monitor_class_for(family);
    c->mon = c->cls ? c->cls->create(&c->ctx, c->ctx.name) : NULL;
}

void cs_monitor_hub_msg(struct cs_monitor_hub *h, const struct cs_mon_msg *m)
{
    if (m->channel >= h->n)
        return;
    struct chan *c = &h->chans[m->channel];
    if (c->mon)
        c->cls->on_msg(c->mon, m);
}

void cs_monitor_report(struct cs_monitor_ctx *ctx, const char *rule, uint64_t cycle,
                       const char *fmt, ...)
{
    struct cs_finding f = {rule, cycle, ctx->channel, ctx->name, {0}};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f.msg, sizeof(f.msg), fmt, ap);
    va_end(ap);
    ctx->hub->findings++;
    if (ctx->hub->fn)
        ctx->hub->fn(ctx->hub->fn_ctx, &f);
}

void cs_monitor_hub_finish(struct cs_monitor_hub *h, uint64_t cycle)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->chans[i].mon && h->chans[i].cls->finish)
            h->chans[i].cls->finish(h->chans[i].mon, cycle);
}

uint64_t cs_monitor_hub_findings(const struct cs_monitor_hub *h)
{
    return h->findings;
}

void cs_monitor_hub_free(struct cs_monitor_hub *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        if (h->chans[i].mon)
            h->chans[i].cls->destroy(h->chans[i].mon);
    free(h->chans);
    free(h);
}
