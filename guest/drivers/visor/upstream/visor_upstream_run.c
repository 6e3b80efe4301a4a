/* One monitored run of an s-Par platform (visor_upstream_run.h). */
#include "visor_upstream_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "visor_family.h"

/* The whole of a stream from its start, NUL-terminated; NULL when it cannot be read. */
static char *slurp(FILE *f)
{
    if (fflush(f) != 0 || fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    return s;
}

int visor_upstream_run(const char *platform, uint64_t until_ns, struct visor_upstream_result *r,
                       cs_error *err)
{
    memset(r, 0, sizeof(*r));
    struct cs_platform *p = NULL;
    if (cs_platform_load(platform, NULL, &p, err) < 0)
        return -1;
    /* stderr goes to a file for the run, so that the findings can be counted by rule */
    FILE *log = tmpfile();
    int saved = dup(STDERR_FILENO);
    if (!log || saved < 0) {
        if (log)
            fclose(log);
        cs_platform_free(p);
        return cs_error_set(err, "cannot capture the run's stderr");
    }
    fflush(stderr);
    dup2(fileno(log), STDERR_FILENO);

    int rc = -1;
    struct cs_machine *m = NULL;
    struct cs_monitor_hub *hub = NULL;
    const struct cs_family *fams[] = {&visor_family};
    struct cs_run_opts ro = {.until_ns = until_ns};
    if (cs_machine_build_observed(p, fams, 1, NULL, cs_monitor_attach_live_ready, &hub, &m, err) ==
            0 &&
        cs_sc_run(m, &ro, &r->sum, err) == 0) {
        cs_monitor_finish_live(m, hub);
        r->driver_findings = m->driver_findings;
        r->protocol_findings = m->protocol_findings;
        char *text = NULL;
        size_t len = 0;
        FILE *rep = open_memstream(&text, &len);
        if (rep) {
            visor_family.report(rep);
            fclose(rep);
            r->report = text;
        }
        rc = 0;
    }
    if (m)
        cs_machine_free(m);
    cs_platform_free(p);

    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    r->log = slurp(log);
    fclose(log);
    if (r->log)
        fputs(r->log, stderr); /* still shown in the test's output */
    if (rc == 0 && (!r->report || !r->log)) {
        visor_upstream_result_free(r);
        return cs_error_set(err, "cannot keep the run's report");
    }
    return rc;
}

void visor_upstream_result_free(struct visor_upstream_result *r)
{
    free(r->report);
    free(r->log);
    r->report = r->log = NULL;
}

unsigned visor_upstream_findings(const struct visor_upstream_result *r, const char *rule)
{
    char key[64];
    snprintf(key, sizeof(key), "rule %s broken", rule);
    unsigned n = 0;
    for (const char *s = r->log; s && (s = strstr(s, key)); s += strlen(key))
        n++;
    return n;
}
