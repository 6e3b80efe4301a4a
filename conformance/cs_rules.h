/* The rule catalog: every protocol rule a monitor checks, with its ID, the rule in one
 * sentence, where it comes from and how severe a breach is. Families add their rules in
 * cs_rules.c; `chansim rules` prints the catalog and docs/rules.md is checked against it. */
#ifndef CS_RULES_H
#define CS_RULES_H

#include <stddef.h>

enum cs_severity {
    CS_SEV_ERROR,   /* a protocol violation: fails the run */
    CS_SEV_WARNING, /* legal but suspicious: reported, does not fail */
};

struct cs_rule {
    const char *id;      /* "C1", "V3", ... unique across families */
    const char *family;  /* "crq", "css", "visor" */
    const char *summary; /* the rule, one sentence */
    const char *source;  /* spec section or driver behaviour it comes from */
    enum cs_severity severity;
};

const struct cs_rule *cs_rule_catalog(size_t *count);
const struct cs_rule *cs_rule_find(const char *id);
const char *cs_severity_name(enum cs_severity s);

#endif
