#include "cs_calib.h"

#include <stdlib.h>
#include <string.h>

int cs_calib_add(struct cs_calib *c, const struct cs_cost *table, size_t n, cs_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (cs_calib_find(c, table[i].op))
            return cs_error_set(err, "calibration entry '%s' declared twice", table[i].op);
    struct cs_calib_entry *e = realloc(c->e, (c->n + n) * sizeof(*e));
    if (!e && c->n + n)
        abort();
    c->e = e;
    for (size_t i = 0; i < n; i++)
        c->e[c->n++] = (struct cs_calib_entry){&table[i], table[i].cycles, NULL};
    return 0;
}

const struct cs_calib_entry *cs_calib_find(const struct cs_calib *c, const char *op)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].def->op, op) == 0)
            return &c->e[i];
    return NULL;
}

int cs_calib_override(struct cs_calib *c, const char *op, uint64_t cycles, const char *where,
                      cs_error *err)
{
    struct cs_calib_entry *e = (struct cs_calib_entry *)cs_calib_find(c, op);
    if (!e)
        return cs_error_set(err, "%s: no modelled operation is called '%s'", where, op);
    if (e->overridden_at)
        return cs_error_set(err, "%s: cost of '%s' is already set at %s", where, op,
                            e->overridden_at);
    e->cycles = cycles;
    e->overridden_at = where;
    return 0;
}

void cs_calib_release(struct cs_calib *c)
{
    free(c->e);
    c->e = NULL;
    c->n = 0;
}
