#include "cs_rules.h"

#include <string.h>

/* Families append their rules here as they land. */
static const struct cs_rule catalog[] = {
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
