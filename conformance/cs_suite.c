#include "cs_suite.h"

#include "cs_duration.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_rules.h"

#define MAX_TOKENS 256

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* Scenario IDs name JUnit test cases, TAP lines and files: keep them plain. */
static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

static const char *find_rule(const struct cs_suite_rule *r, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, id) == 0)
            return r[i].id;
    return NULL;
}

/* RULE or RULE=N into the list; the rule must be in the catalog. */
static int add_rule(struct cs_scenario *sc, int known, const char *tok, const char *where,
                    cs_error *err)
{
    char id[CS_SUITE_RULE_MAX];
    const char *eq = strchr(tok, '=');
    size_t len = eq ? (size_t)(eq - tok) : strlen(tok);
    if (len == 0 || len >= sizeof(id))
        return cs_error_set(err, "%s: '%s' is not a rule ID", where, tok);
    memcpy(id, tok, len);
    id[len] = '\0';
    if (!cs_rule_find(id))
        return cs_error_set(err, "%s: unknown rule '%s' (chansim rules lists them)", where, id);
    uint64_t count = 0;
    if (eq) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(eq + 1, &end, 10);
        if (!isdigit((unsigned char)eq[1]) || *end || errno || v == 0)
            return cs_error_set(err, "%s: '%s': the count after '=' must be a positive number",
                                where, tok);
        count = v;
    }
    if (find_rule(sc->expect, sc->nexpect, id) || find_rule(sc->known, sc->nknown, id))
        return cs_error_set(err, "%s: rule %s listed twice", where, id);
    struct cs_suite_rule **list = known ? &sc->known : &sc->expect;
    size_t *n = known ? &sc->nknown : &sc->nexpect;
    *list = realloc(*list, (*n + 1) * sizeof(**list));
    if (!*list)
        abort();
    snprintf((*list)[*n].id, sizeof((*list)[*n].id), "%s", id);
    (*list)[*n].count = count;
    (*n)++;
    return 0;
}

static char *resolve(const char *file, const char *platform)
{
    const char *slash = strrchr(file, '/');
    if (platform[0] == '/' || !slash)
        return xstrdup(platform); /* absolute, or the suite file is in the current directory */
    size_t dlen = (size_t)(slash - file);
    size_t n = dlen + 1 + strlen(platform) + 1;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%.*s/%s", (int)dlen, file, platform);
    return p;
}

static int parse_line(struct cs_suite *s, char **tok, int ntok, int lineno, cs_error *err)
{
    char where[1100];
    snprintf(where, sizeof(where), "%s:%d", s->file, lineno);
    if (strcmp(tok[0], "scenario") != 0)
        return cs_error_set(err, "%s: unknown directive '%s' (expected 'scenario')", where, tok[0]);
    if (ntok < 3)
        return cs_error_set(err, "%s: expected 'scenario <id> <platform file> ...'", where);
    if (!valid_id(tok[1]))
        return cs_error_set(err, "%s: scenario id '%s': use letters, digits, '-', '_' and '.'",
                            where, tok[1]);
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->scenarios[i].id, tok[1]) == 0)
            return cs_error_set(err, "%s: scenario '%s' already defined at line %d", where, tok[1],
                                s->scenarios[i].line);
    s->scenarios = realloc(s->scenarios, (s->n + 1) * sizeof(*s->scenarios));
    if (!s->scenarios)
        abort();
    struct cs_scenario *sc = &s->scenarios[s->n++];
    memset(sc, 0, sizeof(*sc));
    sc->id = xstrdup(tok[1]);
    sc->platform = xstrdup(tok[2]);
    sc->path = resolve(s->file, tok[2]);
    sc->line = lineno;
    enum { NONE, EXPECT, KNOWN } list = NONE;
    int has_until = 0;
    for (int i = 3; i < ntok; i++) {
        const char *t = tok[i];
        if (strcmp(t, "expect") == 0 || strcmp(t, "known") == 0) {
            if (i + 1 >= ntok || strcmp(tok[i + 1], "expect") == 0 ||
                strcmp(tok[i + 1], "known") == 0 || strcmp(tok[i + 1], "until") == 0)
                return cs_error_set(err, "%s: '%s' needs at least one rule ID", where, t);
            list = t[0] == 'e' ? EXPECT : KNOWN;
        } else if (strcmp(t, "until") == 0) {
            if (has_until)
                return cs_error_set(err, "%s: 'until' given twice", where);
            if (i + 1 >= ntok || cs_parse_duration_ns(tok[i + 1], &sc->until_ns) < 0 ||
                sc->until_ns == 0)
                return cs_error_set(err, "%s: 'until' needs a positive time such as 10ms", where);
            has_until = 1;
            list = NONE;
            i++;
        } else if (list == NONE) {
            return cs_error_set(err, "%s: unexpected '%s' (expected expect, known or until)", where,
                                t);
        } else if (add_rule(sc, list == KNOWN, t, where, err) < 0) {
            return -1;
        }
    }
    return 0;
}

int cs_suite_parse(const char *text, const char *file, struct cs_suite **out, cs_error *err)
{
    struct cs_suite *s = calloc(1, sizeof(*s));
    if (!s)
        abort();
    s->file = xstrdup(file);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t blen = strlen(base);
    if (blen > 6 && strcmp(base + blen - 6, ".suite") == 0)
        blen -= 6;
    s->name = strndup(base, blen);
    if (!s->name)
        abort();

    char *copy = xstrdup(text), *save = NULL;
    int lineno = 0, rc = 0;
    /* strtok_r would merge empty lines and lose the numbering: split by hand */
    for (char *line = copy; line && rc == 0; lineno++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *tok[MAX_TOKENS];
        int ntok = 0;
        for (char *t = strtok_r(line, " \t\r\f\v", &save); t && t[0] != '#';
             t = strtok_r(NULL, " \t\r\f\v", &save)) {
            if (ntok == MAX_TOKENS) {
                rc = cs_error_set(err, "%s:%d: more than %d words on one line", file, lineno + 1,
                                  MAX_TOKENS);
                break;
            }
            tok[ntok++] = t;
        }
        if (rc == 0 && ntok > 0)
            rc = parse_line(s, tok, ntok, lineno + 1, err);
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (rc == 0 && s->n == 0)
        rc = cs_error_set(err, "%s: no scenarios (expected lines 'scenario <id> <platform> ...')",
                          file);
    if (rc < 0) {
        cs_suite_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

static void scenario_free(struct cs_scenario *sc);

int cs_suite_load(const char *file, struct cs_suite **out, cs_error *err)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return cs_error_errno(err, errno, "%s", file);
    char *text = NULL;
    size_t cap = 0, len = 0, got;
    do {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            text = realloc(text, cap);
            if (!text)
                abort();
        }
        got = fread(text + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return cs_error_set(err, "%s: read error", file);
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(text);
        return cs_error_set(err, "%s: not a text file", file);
    }
    int rc = cs_suite_parse(text, file, out, err);
    free(text);
    return rc;
}

void cs_suite_free(struct cs_suite *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        scenario_free(&s->scenarios[i]);
    free(s->scenarios);
    free(s->name);
    free(s->file);
    free(s);
}

static void scenario_free(struct cs_scenario *sc)
{
    free(sc->id);
    free(sc->platform);
    free(sc->path);
    free(sc->expect);
    free(sc->known);
}

int cs_suite_select(struct cs_suite *s, const char *const *ids, size_t nids, cs_error *err)
{
    for (size_t k = 0; k < nids; k++) {
        size_t i = 0;
        while (i < s->n && strcmp(s->scenarios[i].id, ids[k]) != 0)
            i++;
        if (i == s->n)
            return cs_error_set(err, "%s: no scenario '%s'", s->file, ids[k]);
    }
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        int want = 0;
        for (size_t k = 0; k < nids && !want; k++)
            want = strcmp(s->scenarios[i].id, ids[k]) == 0;
        if (want)
            s->scenarios[kept++] = s->scenarios[i];
        else
            scenario_free(&s->scenarios[i]);
    }
    s->n = kept;
    return 0;
}

/* ---- judging -------------------------------------------------------------------------- */

int cs_verdict_fails(enum cs_rule_verdict v)
{
    return v == CS_RV_UNEXPECTED || v == CS_RV_MISSED || v == CS_RV_COUNT;
}

static const struct cs_suite_rule *listed(const struct cs_suite_rule *r, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, id) == 0)
            return &r[i];
    return NULL;
}

static uint64_t found_count(const struct cs_rule_tally *f, size_t n, const char *id)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].rule, id) == 0)
            c += f[i].count;
    return c;
}

static void put(struct cs_verdict *out, size_t *k, const char *rule, uint64_t count, uint64_t want,
                enum cs_rule_verdict v, int *pass)
{
    struct cs_verdict *o = &out[(*k)++];
    snprintf(o->rule, sizeof(o->rule), "%s", rule);
    o->count = count;
    o->want = want;
    o->v = v;
    if (cs_verdict_fails(v))
        *pass = 0;
}

size_t cs_suite_judge(const struct cs_scenario *sc, const struct cs_rule_tally *found,
                      size_t nfound, struct cs_verdict *out, int *pass)
{
    size_t k = 0;
    *pass = 1;
    for (size_t i = 0; i < nfound; i++) {
        if (found[i].count == 0)
            continue;
        int dup = 0; /* the same rule from two sources (monitor, kernel) is one verdict */
        for (size_t j = 0; j < i && !dup; j++)
            dup = found[j].count && strcmp(found[j].rule, found[i].rule) == 0;
        if (dup)
            continue;
        uint64_t n = found_count(found, nfound, found[i].rule);
        const struct cs_suite_rule *e = listed(sc->expect, sc->nexpect, found[i].rule);
        const struct cs_suite_rule *kn = listed(sc->known, sc->nknown, found[i].rule);
        const struct cs_suite_rule *r = e ? e : kn;
        if (!r)
            put(out, &k, found[i].rule, n, 0, CS_RV_UNEXPECTED, pass);
        else if (r->count && r->count != n)
            put(out, &k, found[i].rule, n, r->count, CS_RV_COUNT, pass);
        else
            put(out, &k, found[i].rule, n, r->count, e ? CS_RV_EXPECTED : CS_RV_KNOWN, pass);
    }
    for (size_t i = 0; i < sc->nexpect; i++)
        if (found_count(found, nfound, sc->expect[i].id) == 0)
            put(out, &k, sc->expect[i].id, 0, sc->expect[i].count,
                sc->expect[i].count ? CS_RV_COUNT : CS_RV_MISSED, pass);
    for (size_t i = 0; i < sc->nknown; i++)
        if (sc->known[i].count && found_count(found, nfound, sc->known[i].id) == 0)
            put(out, &k, sc->known[i].id, 0, sc->known[i].count, CS_RV_COUNT, pass);
    return k;
}

void cs_suite_reason(const struct cs_verdict *v, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        if (!cs_verdict_fails(v[i].v))
            continue;
        const char *sep = at ? "; " : "";
        int w = 0;
        switch (v[i].v) {
        case CS_RV_UNEXPECTED:
            w = snprintf(buf + at, len - at, "%srule %s broken %" PRIu64 " time%s, not expected",
                         sep, v[i].rule, v[i].count, v[i].count == 1 ? "" : "s");
            break;
        case CS_RV_MISSED:
            w = snprintf(buf + at, len - at, "%srule %s expected, not broken", sep, v[i].rule);
            break;
        default:
            w = snprintf(buf + at, len - at,
                         "%srule %s broken %" PRIu64 " time%s, the suite says %" PRIu64, sep,
                         v[i].rule, v[i].count, v[i].count == 1 ? "" : "s", v[i].want);
            break;
        }
        at += w > 0 ? (size_t)w : 0;
    }
}
