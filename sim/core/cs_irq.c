#include "cs_irq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The activation carries (set, number) in a small heap object of the line's, made with it and
 * shared by all its deliveries: lines can move when the table grows, so a raw line pointer
 * would not be stable. */
struct cs_irq_delivery {
    struct cs_irq_set *set;
    unsigned number;
};

void cs_irq_set_init(struct cs_irq_set *s, struct cs_sched *sched)
{
    memset(s, 0, sizeof(*s));
    s->sched = sched;
}

void cs_irq_set_release(struct cs_irq_set *s)
{
    for (unsigned i = 0; i < s->count; i++)
        free(s->lines[i].delivery);
    free(s->lines);
    memset(s, 0, sizeof(*s));
}

unsigned cs_irq_alloc(struct cs_irq_set *s, const char *name)
{
    s->lines = realloc(s->lines, (s->count + 1) * sizeof(*s->lines));
    if (!s->lines)
        abort();
    struct cs_irq_line *l = &s->lines[s->count];
    memset(l, 0, sizeof(*l));
    snprintf(l->name, sizeof(l->name), "%s", name);
    l->number = s->count;
    l->sched = s->sched;
    l->delivery = malloc(sizeof(*l->delivery));
    if (!l->delivery)
        abort();
    *l->delivery = (struct cs_irq_delivery){s, l->number};
    return s->count++;
}

struct cs_irq_line *cs_irq_line_get(struct cs_irq_set *s, unsigned number)
{
    return number < s->count ? &s->lines[number] : NULL;
}

static void deliver(void *arg)
{
    struct cs_irq_delivery d = *(struct cs_irq_delivery *)arg;
    struct cs_irq_line *l = cs_irq_line_get(d.set, d.number);
    if (!l || !l->level || l->masked || !l->handler)
        return;
    l->delivered++;
    l->handler(l->handler_arg, l->number);
}

static void maybe_deliver(struct cs_irq_set *s, struct cs_irq_line *l)
{
    if (!l->level || l->masked || !l->handler)
        return;
    cs_sched_after(s->sched, 0, deliver, l->delivery);
}

void cs_irq_set_level(struct cs_irq_set *s, unsigned number, int level)
{
    struct cs_irq_line *l = cs_irq_line_get(s, number);
    if (!l)
        return;
    int rising = level && !l->level;
    l->level = level != 0;
    if (rising) {
        l->raised++;
        maybe_deliver(s, l);
    }
}

void cs_irq_set_masked(struct cs_irq_set *s, unsigned number, int masked)
{
    struct cs_irq_line *l = cs_irq_line_get(s, number);
    if (!l)
        return;
    int unmasking = l->masked && !masked;
    l->masked = masked != 0;
    if (unmasking) /* a level held while masked is seen when unmasked */
        maybe_deliver(s, l);
}

void cs_irq_set_handler(struct cs_irq_set *s, unsigned number, cs_irq_handler h, void *arg)
{
    struct cs_irq_line *l = cs_irq_line_get(s, number);
    if (!l)
        return;
    l->handler = h;
    l->handler_arg = arg;
}
