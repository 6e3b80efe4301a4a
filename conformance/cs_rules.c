#include "cs_rules.h"

#include <string.h>

/* Families append their rules here as they land. The kshim rules are the driver bugs the
 * kernel shim catches (guest/kshim, enum ks_finding, same order). */
static const struct cs_rule catalog[] = {
    {"K1", "kshim",
     "A driver does not sleep in atomic context: not in an interrupt handler, timer or "
     "tasklet, and not while holding a spinlock or with interrupts disabled.",
     "Linux might_sleep(); CONFIG_DEBUG_ATOMIC_SLEEP", CS_SEV_ERROR},
    {"K2", "kshim",
     "A lock is released by the context that took it, and no context ends (an "
     "activation returns, a task exits) holding a spinlock.",
     "lockdep: lock held when returning", CS_SEV_ERROR},
    {"K3", "kshim", "A lock that is not held is not unlocked.", "lockdep: bad unlock balance",
     CS_SEV_ERROR},
    {"K4", "kshim",
     "Interrupt state is restored only with the flags saved for it, no context ends "
     "with interrupts disabled, and enable_irq pairs with an earlier disable_irq.",
     "Linux kernel/irq/manage.c: Unbalanced enable for IRQ", CS_SEV_ERROR},
    {"K5", "kshim",
     "When a module unloads, it has freed every allocation and page and unmapped "
     "every DMA mapping it made.",
     "kmemleak; DMA API debugging (CONFIG_DMA_API_DEBUG)", CS_SEV_ERROR},
    {"K6", "kshim", "Freed memory is not written.", "SLUB poisoning (slub_debug=P); KASAN",
     CS_SEV_ERROR},
    {"K7", "kshim",
     "Only what was allocated is freed, once, with its allocation order; only "
     "mapped DMA addresses are unmapped.",
     "SLUB double-free check; CONFIG_DMA_API_DEBUG", CS_SEV_ERROR},
    {"K8", "kshim", "A context does not take a lock it already holds.",
     "lockdep: possible recursive locking", CS_SEV_ERROR},
    {"K9", "kshim", "A driver does not hit BUG() or BUG_ON().", "Linux BUG(): kernel oops",
     CS_SEV_ERROR},
    {"K10", "kshim", "A driver does not write past the end of an allocation.",
     "SLUB red zones (slub_debug=Z); KASAN", CS_SEV_ERROR},
    {NULL, NULL, NULL, NULL, CS_SEV_ERROR},
};

const struct cs_rule *cs_rule_catalog(size_t *count)
{
    *count = sizeof(catalog) / sizeof(catalog[0]) - 1;
    return catalog;
}

const struct cs_rule *cs_rule_find(const char *id)
{
    size_t n;
    const struct cs_rule *r = cs_rule_catalog(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, id) == 0)
            return &r[i];
    return NULL;
}

const char *cs_severity_name(enum cs_severity s)
{
    return s == CS_SEV_ERROR ? "error" : "warning";
}
