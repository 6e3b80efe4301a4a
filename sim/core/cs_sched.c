#include "cs_sched.h"

#include <stdlib.h>

struct entry {
    uint64_t cycle;
    uint64_t seq; /* insertion order breaks ties: same inputs, same order */
    cs_action_fn fn;
    void *arg;
};

struct cs_sched {
    struct entry *heap;
    size_t n, cap;
    uint64_t now, seq, activations;
    void (*wake)(void *ctx, uint64_t cycle);
    void *wake_ctx;
    uint64_t (*clock)(void *ctx);
    void *clock_ctx;
};

struct cs_sched *cs_sched_new(void)
{
    struct cs_sched *s = calloc(1, sizeof(*s));
    if (!s)
        abort();
    return s;
}

void cs_sched_free(struct cs_sched *s)
{
    if (!s)
        return;
    free(s->heap);
    free(s);
}

uint64_t cs_sched_now(const struct cs_sched *s)
{
    if (s->clock) {
        uint64_t t = s->clock(s->clock_ctx);
        return t > s->now ? t : s->now;
    }
    return s->now;
}

void cs_sched_set_clock(struct cs_sched *s, uint64_t (*now)(void *ctx), void *ctx)
{
    s->clock = now;
    s->clock_ctx = ctx;
}

static int before(const struct entry *a, const struct entry *b)
{
    return a->cycle < b->cycle || (a->cycle == b->cycle && a->seq < b->seq);
}

void cs_sched_after(struct cs_sched *s, uint64_t delay, cs_action_fn fn, void *arg)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->heap = realloc(s->heap, s->cap * sizeof(*s->heap));
        if (!s->heap)
            abort();
    }
    struct entry e = {cs_sched_now(s) + delay, s->seq++, fn, arg};
    size_t i = s->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
    if (i == 0 && s->wake)
        s->wake(s->wake_ctx, e.cycle);
}

size_t cs_sched_drop(struct cs_sched *s, int (*drop)(cs_action_fn fn, void *arg, void *ctx),
                     void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!drop(s->heap[i].fn, s->heap[i].arg, ctx))
            s->heap[kept++] = s->heap[i];
    size_t dropped = s->n - kept;
    s->n = kept;
    /* Rebuild the heap bottom-up: (cycle, seq) keys are unchanged, so the order is too. */
    for (size_t i = kept / 2; i-- > 0;) {
        struct entry e = s->heap[i];
        size_t j = i;
        for (;;) {
            size_t c = 2 * j + 1;
            if (c >= kept)
                break;
            if (c + 1 < kept && before(&s->heap[c + 1], &s->heap[c]))
                c++;
            if (!before(&s->heap[c], &e))
                break;
            s->heap[j] = s->heap[c];
            j = c;
        }
        s->heap[j] = e;
    }
    return dropped;
}

int cs_sched_next(const struct cs_sched *s, uint64_t *cycle)
{
    if (s->n == 0)
        return 0;
    *cycle = s->heap[0].cycle;
    return 1;
}

static struct entry pop(struct cs_sched *s)
{
    struct entry top = s->heap[0];
    struct entry last = s->heap[--s->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->n)
            break;
        if (c + 1 < s->n && before(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n)
        s->heap[i] = last;
    return top;
}

void cs_sched_run_due(struct cs_sched *s, uint64_t now)
{
    if (now > s->now)
        s->now = now;
    /* Suppress wake-ups while draining: the caller re-arms from cs_sched_next() after. */
    void (*wake)(void *, uint64_t) = s->wake;
    s->wake = NULL;
    while (s->n && s->heap[0].cycle <= s->now) {
        struct entry e = pop(s);
        s->activations++;
        e.fn(e.arg);
    }
    s->wake = wake;
}

void cs_sched_set_wakeup(struct cs_sched *s, void (*wake)(void *ctx, uint64_t cycle), void *ctx)
{
    s->wake = wake;
    s->wake_ctx = ctx;
}

uint64_t cs_sched_run_standalone(struct cs_sched *s, uint64_t limit)
{
    uint64_t next;
    while (cs_sched_next(s, &next) && next <= limit)
        cs_sched_run_due(s, next);
    return s->now;
}

uint64_t cs_sched_activations(const struct cs_sched *s)
{
    return s->activations;
}
