/* One monitored run of an s-Par platform (visor_upstream_run.h). */
#include "visor_upstream_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_trace.h"
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
    return visor_upstream_run_traced(platform, until_ns, NULL, r, err);
}

int visor_upstream_run_traced(const char *platform, uint64_t until_ns, const char *trace_dir,
                              struct visor_upstream_result *r, cs_error *err)
{
    struct visor_upstream_opts o = {.until_ns = until_ns, .trace_dir = trace_dir};
    return visor_upstream_run_opts(platform, &o, r, err);
}

int visor_upstream_run_opts(const char *platform, const struct visor_upstream_opts *o,
                            struct visor_upstream_result *r, cs_error *err)
{
    uint64_t until_ns = o->until_ns;
    const char *trace_dir = o->trace_dir;
    memset(r, 0, sizeof(*r));
    struct cs_platform *p = NULL;
    if (cs_platform_load(platform, NULL, &p, err) < 0)
        return -1;
    cs_trace_writer *tw = NULL;
    if (trace_dir && cs_trace_writer_open(&tw, trace_dir, p->clock_hz, err) < 0) {
        cs_platform_free(p);
        return -1;
    }
    /* stderr goes to a file for the run, so that the findings can be counted by rule */
    FILE *log = o->keep_stderr ? NULL : tmpfile();
    int saved = o->keep_stderr ? -1 : dup(STDERR_FILENO);
    if (!o->keep_stderr && (!log || saved < 0)) {
        if (log)
            fclose(log);
        cs_platform_free(p);
        if (tw)
            cs_trace_writer_discard(tw);
        return cs_error_set(err, "cannot capture the run's stderr");
    }
    fflush(stderr);
    if (log)
        dup2(fileno(log), STDERR_FILENO);

    int rc = -1;
    struct cs_machine *m = NULL;
    struct cs_monitor_hub *hub = NULL;
    const struct cs_family *fams[] = {&visor_family};
    struct cs_run_opts ro = {.until_ns = until_ns};
    if (cs_machine_build_observed(p, fams, 1, tw, cs_monitor_attach_live_ready, &hub, &m, err) ==
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
    else if (tw) {
        cs_trace_writer_discard(tw);
        tw = NULL;
    }
    if (tw && cs_trace_writer_close(tw, rc == 0 ? err : &(cs_error){0}) < 0)
        rc = -1;
    cs_platform_free(p);

    fflush(stderr);
    if (log) {
        dup2(saved, STDERR_FILENO);
        close(saved);
        r->log = slurp(log);
        fclose(log);
        if (r->log)
            fputs(r->log, stderr); /* still shown in the test's output */
    }
    if (rc == 0 && (!r->report || (log && !r->log))) {
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
