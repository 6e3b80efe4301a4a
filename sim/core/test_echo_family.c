#include "test_echo_family.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_machine.h"

static const struct cs_cost echo_costs[] = {
    {"echo.period", 1000, "test value"},
};

struct echo {
    struct cs_domain *dom;
    uint16_t ch;
    unsigned irq;
    uint32_t reg;
    uint64_t period;
    unsigned left;
    uint32_t counter;
};

static int claims(const struct cs_domain_desc *dom, const struct cs_device_desc *dev)
{
    (void)dom;
    return dev->model && strcmp(dev->model, "test-echo") == 0;
}

static void tick(void *arg)
{
    struct echo *e = arg;
    struct cs_machine *m = e->dom->machine;
    e->counter++;
    cs_error err = {0};
    if (cs_gmem_write(&e->dom->mem, e->reg, &e->counter, sizeof(e->counter), &err) < 0)
        abort();
    cs_tap_msg(&m->tap, e->ch, CS_TAP_TO_GUEST, 1, &e->counter, sizeof(e->counter));
    cs_irq_set_level(&e->dom->irqs, e->irq, 1);
    if (--e->left)
        cs_sched_after(m->sched, e->period, tick, e);
}

static void on_irq(void *arg, unsigned line)
{
    struct echo *e = arg;
    uint32_t seen;
    cs_error err = {0};
    if (cs_gmem_read(&e->dom->mem, e->reg, &seen, sizeof(seen), &err) < 0)
        abort();
    cs_irq_set_level(&e->dom->irqs, line, 0);
    cs_tap_msg(&e->dom->machine->tap, e->ch, CS_TAP_TO_FW, 2, &seen, sizeof(seen));
}

static void release(void *arg)
{
    free(arg);
}

static int attach(struct cs_domain *dom, const struct cs_device_desc *dev, cs_error *err)
{
    struct echo *e = calloc(1, sizeof(*e));
    if (!e)
        abort();
    struct cs_machine *m = dom->machine;
    cs_machine_on_teardown(m, release, e);
    e->dom = dom;
    e->reg = dev->addr.vio.reg;
    e->period = cs_calib_find(&dom->calib, "echo.period")->cycles;
    const char *count = cs_device_attr(dev, "count");
    e->left = count ? (unsigned)atoi(count) : 1;
    char name[64];
    snprintf(name, sizeof(name), "echo-%x", e->reg);
    if (cs_tap_add_channel(&m->tap, name, "echo", &e->ch, err) < 0)
        return -1;
    e->irq = cs_irq_alloc(&dom->irqs, name);
    cs_irq_set_handler(&dom->irqs, e->irq, on_irq, e);
    if (e->left)
        cs_sched_after(m->sched, e->period, tick, e);
    return 0;
}

const struct cs_family test_echo_family = {
    .name = "echo",
    .models = "<chansim:vio model='test-echo'>",
    .costs = echo_costs,
    .ncosts = 1,
    .claims = claims,
    .attach = attach,
};
