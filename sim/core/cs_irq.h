/* Interrupt lines of a domain. A model raises a line; the guest side (the kernel shim's
 * request_irq) installs a handler that runs as a scheduled activation on each rising edge
 * while the line is enabled, like a level-triggered interrupt controller input. */
#ifndef CS_IRQ_H
#define CS_IRQ_H

#include <stdint.h>

#include "cs_sched.h"

typedef void (*cs_irq_handler)(void *arg, unsigned line);

struct cs_irq_delivery;

struct cs_irq_line {
    char name[48];
    unsigned number;
    int level;
    int masked;
    uint64_t raised; /* rising edges seen */
    uint64_t delivered;
    cs_irq_handler handler;
    void *handler_arg;
    struct cs_sched *sched;
    struct cs_irq_delivery *delivery; /* what its deliveries carry (cs_irq.c) */
};

struct cs_irq_set {
    struct cs_irq_line *lines;
    unsigned count;
    struct cs_sched *sched;
};

void cs_irq_set_init(struct cs_irq_set *s, struct cs_sched *sched);
void cs_irq_set_release(struct cs_irq_set *s);

/* Allocate the next line; returns its number. The pointer stays valid until release only
 * through cs_irq_line_get (the table can grow). */
unsigned cs_irq_alloc(struct cs_irq_set *s, const char *name);
struct cs_irq_line *cs_irq_line_get(struct cs_irq_set *s, unsigned number);

void cs_irq_set_level(struct cs_irq_set *s, unsigned number, int level);
void cs_irq_set_masked(struct cs_irq_set *s, unsigned number, int masked);
void cs_irq_set_handler(struct cs_irq_set *s, unsigned number, cs_irq_handler h, void *arg);

#endif
