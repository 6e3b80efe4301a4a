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

/* The context is allocated on its own: monitors keep a pointer to it while the channel array
 * grows. */
struct chan {
    const struct cs_monitor_class *cls; /* NULL: no monitor for this family */
    void *mon;
    struct cs_monitor_ctx *ctx;
};

/* Per rule: the count and a copy of the first finding. */
struct rule_tally {
    char rule[16];
    uint64_t count;
    char channel[64];
    struct cs_finding first;
};

struct shared {
    char key[32];
    void *obj;
    void (*destroy)(void *);
};

struct cs_monitor_hub {
    struct shared *shared;
    size_t nshared;
    struct chan *chans;
    size_t n;
    cs_finding_fn fn;
    void *fn_ctx;
    uint64_t findings;
    struct rule_tally *tally;
    size_t ntally;
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
    if (c->mon)
        c->cls->destroy(c->mon);
    if (!c->ctx && !(c->ctx = calloc(1, sizeof(*c->ctx))))
        abort();
    c->ctx->hub = h;
    c->ctx->channel = id;
    snprintf(c->ctx->name, sizeof(c->ctx->name), "%s", name);
    c->cls = cs_monitor_class_for(family);
    c->mon = c->cls ? c->cls->create(c->ctx, c->ctx->name) : NULL;
}

void cs_monitor_hub_msg(struct cs_monitor_hub *h, const struct cs_mon_msg *m)
{
    if (m->channel >= h->n)
        return;
    struct chan *c = &h->chans[m->channel];
    if (c->mon)
        c->cls->on_msg(c->mon, m);
}

void *cs_monitor_shared(struct cs_monitor_ctx *ctx, const char *key, void *(*create)(void),
                        void (*destroy)(void *))
{
    struct cs_monitor_hub *h = ctx->hub;
    for (size_t i = 0; i < h->nshared; i++)
        if (strcmp(h->shared[i].key, key) == 0)
            return h->shared[i].obj;
    h->shared = realloc(h->shared, (h->nshared + 1) * sizeof(*h->shared));
    if (!h->shared)
        abort();
    struct shared *s = &h->shared[h->nshared++];
    snprintf(s->key, sizeof(s->key), "%s", key);
    s->obj = create();
    s->destroy = destroy;
    return s->obj;
}

void cs_monitor_report(struct cs_monitor_ctx *ctx, const char *rule, uint64_t cycle,
                       const char *fmt, ...)
{
    struct cs_finding f = {rule, cycle, ctx->channel, ctx->name, {0}};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f.msg, sizeof(f.msg), fmt, ap);
    va_end(ap);
    struct cs_monitor_hub *h = ctx->hub;
    h->findings++;
    /* Findings are rare and rules few: a linear search keeps this simple. */
    struct rule_tally *t = NULL;
    for (size_t i = 0; i < h->ntally && !t; i++)
        if (strcmp(h->tally[i].rule, rule) == 0)
            t = &h->tally[i];
    if (!t) {
        h->tally = realloc(h->tally, (h->ntally + 1) * sizeof(*h->tally));
        if (!h->tally)
            abort();
        t = &h->tally[h->ntally++];
        memset(t, 0, sizeof(*t));
        snprintf(t->rule, sizeof(t->rule), "%s", rule);
        snprintf(t->channel, sizeof(t->channel), "%s", ctx->name);
        t->first = f;
    }
    t->count++;
    if (h->fn)
        h->fn(h->fn_ctx, &f);
}

void cs_monitor_hub_findings_by_rule(const struct cs_monitor_hub *h, cs_rule_findings_fn fn,
                                     void *ctx)
{
    for (size_t i = 0; i < h->ntally; i++) {
        struct cs_finding first = h->tally[i].first;
        first.rule = h->tally[i].rule;
        first.channel_name = h->tally[i].channel;
        fn(ctx, h->tally[i].rule, h->tally[i].count, &first);
    }
}

struct coverage_sum {
    struct {
        const char *rule;
        uint64_t checks;
    } * r;
    size_t n;
};

static void add_coverage(void *ctx, const char *rule, uint64_t checks)
{
    struct coverage_sum *s = ctx;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->r[i].rule, rule) == 0) {
            s->r[i].checks += checks;
            return;
        }
    s->r = realloc(s->r, (s->n + 1) * sizeof(*s->r));
    if (!s->r)
        abort();
    s->r[s->n].rule = rule;
    s->r[s->n].checks = checks;
    s->n++;
}

void cs_monitor_hub_coverage(const struct cs_monitor_hub *h, cs_coverage_fn cb, void *ctx)
{
    struct coverage_sum s = {NULL, 0};
    for (size_t i = 0; i < h->n; i++)
        if (h->chans[i].mon && h->chans[i].cls->coverage)
            h->chans[i].cls->coverage(h->chans[i].mon, add_coverage, &s);
    for (size_t i = 0; i < s.n; i++)
        cb(ctx, s.r[i].rule, s.r[i].checks);
    free(s.r);
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
    for (size_t i = 0; i < h->n; i++) {
        if (h->chans[i].mon)
            h->chans[i].cls->destroy(h->chans[i].mon);
        free(h->chans[i].ctx);
    }
    free(h->chans);
    for (size_t i = 0; i < h->nshared; i++)
        h->shared[i].destroy(h->shared[i].obj);
    free(h->shared);
    free(h->tally);
    free(h);
}
