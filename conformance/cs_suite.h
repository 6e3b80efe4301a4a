/* Conformance suites: a named list of scenarios, each a platform file run once with the rule
 * monitors live, with the rules it must break (expect) and the findings accepted as known.
 * This module reads suite files and judges a scenario's findings; `chansim suite` runs them
 * (tools/chansim/cmd_suite.c). The file format is described in docs/conformance.md. */
#ifndef CS_SUITE_H
#define CS_SUITE_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#define CS_SUITE_RULE_MAX 16 /* rule IDs are short: "K10", "V10" */

struct cs_suite_rule {
    char id[CS_SUITE_RULE_MAX];
    uint64_t count; /* RULE=N: exactly N findings; 0: any number (expect: at least one) */
};

struct cs_scenario {
    char *id;
    char *platform; /* as written in the suite file */
    char *path;     /* resolved against the suite file's directory */
    int line;
    struct cs_suite_rule *expect, *known;
    size_t nexpect, nknown;
    uint64_t until_ns; /* 0: run until idle */
};

struct cs_suite {
    char *name; /* file name without ".suite" */
    char *file;
    struct cs_scenario *scenarios;
    size_t n;
};

/* Read a suite file. Errors name the file and line. */
int cs_suite_load(const char *file, struct cs_suite **out, cs_error *err);
/* The same from text; `file` names it in errors and anchors relative platform paths. */
int cs_suite_parse(const char *text, const char *file, struct cs_suite **out, cs_error *err);
void cs_suite_free(struct cs_suite *s);

/* Keep only the scenarios named in ids (in the suite's order): one scenario of a suite is a
 * command of its own, for sharding. An unknown ID is an error and leaves the suite as it was. */
int cs_suite_select(struct cs_suite *s, const char *const *ids, size_t nids, cs_error *err);

/* ---- judging one scenario ------------------------------------------------------------- */

/* What a run found for one rule. */
struct cs_rule_tally {
    char rule[CS_SUITE_RULE_MAX];
    uint64_t count;
};

enum cs_rule_verdict {
    CS_RV_EXPECTED,   /* broken, and the suite expects it */
    CS_RV_KNOWN,      /* broken, accepted as known */
    CS_RV_UNEXPECTED, /* broken, and the suite neither expects nor knows it */
    CS_RV_MISSED,     /* expected, not broken */
    CS_RV_COUNT,      /* listed with =N, broken another number of times */
};

struct cs_verdict {
    char rule[CS_SUITE_RULE_MAX];
    uint64_t count; /* findings of the rule in the run */
    uint64_t want;  /* the suite's =N, 0 if none */
    enum cs_rule_verdict v;
};

/* One verdict per rule found and per expected or counted rule not found, in the order found,
 * then listed. `out` needs room for nfound + nexpect + nknown. Returns the number written;
 * *pass is 1 when no verdict fails the scenario. */
size_t cs_suite_judge(const struct cs_scenario *sc, const struct cs_rule_tally *found,
                      size_t nfound, struct cs_verdict *out, int *pass);
int cs_verdict_fails(enum cs_rule_verdict v);

/* The failing verdicts in words, "; "-separated ("rule C9 expected, not broken"). */
void cs_suite_reason(const struct cs_verdict *v, size_t n, char *buf, size_t len);

#endif
