#include "kshim/domain.h"

#include <stdio.h>
#include <stdlib.h>

#include "ks_internal.h"

struct domain_kernel {
    struct cs_domain *dom;
    struct ks_kernel *k;
};

static struct domain_kernel table[16];

static void destroy(void *arg)
{
    struct domain_kernel *d = arg;
    ks_kernel_destroy(d->k);
    d->dom = NULL;
    d->k = NULL;
}

struct ks_kernel *ks_domain_kernel(struct cs_domain *dom, cs_error *err)
{
    struct domain_kernel *slot = NULL;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].dom == dom)
            return table[i].k;
        if (!table[i].dom && !slot)
            slot = &table[i];
    }
    if (!slot) {
        cs_error_set(err, "domain '%s': too many guest kernels in one machine", dom->desc->name);
        return NULL;
    }
    char name[64];
    snprintf(name, sizeof(name), "%s.kernel", dom->desc->name);
    struct ks_kernel *k;
    if (ks_kernel_create(dom, name, &k, err) < 0)
        return NULL;
    slot->dom = dom;
    slot->k = k;
    cs_machine_on_teardown(dom->machine, destroy, slot);
    return k;
}
