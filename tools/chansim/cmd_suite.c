/* chansim suite: run a conformance suite, each scenario in a forked child (a SystemC simulation
 * runs once per process), and report per scenario and per rule on the terminal, in JUnit XML
 * and in TAP. The suite file format and the outputs are described in docs/conformance.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cs_family.h"
#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_rules.h"
#include "cs_sc_run.h"
#include "cs_suite.h"
#include "kshim/domain.h"
#include "kshim/kernel.h"

#define MAX_JOBS        64
#define OUTPUT_TAIL     (64 * 1024) /* of a scenario's own output, kept for JUnit and crashes */
#define FIRST_TEXT      384
#define DEFAULT_TIMEOUT 120

static const char suite_usage[] =
    "usage: chansim suite NAME|FILE.suite [--scenario ID]... [--junit FILE] [--tap FILE]\n"
    "                     [-j N] [--timeout SEC]\n"
    "       chansim suite --list\n"
    "       chansim suite NAME --list\n"
    "\n"
    "Runs every scenario of a conformance suite, each in a process of its own, and reports per\n"
    "scenario and per rule: which rules the suite exercised, broke where expected, broke\n"
    "unexpectedly. NAME is a suite of " CHANSIM_SUITE_DIR ";\n"
    "a path ending in .suite (or containing '/') names any suite file (docs/conformance.md).\n"
    "\n"
    "  --scenario ID   run only this scenario (repeatable): one shard of a suite\n"
    "  --junit FILE    write JUnit XML (one test case per scenario, rule coverage as properties)\n"
    "  --tap FILE      write TAP version 13 (one test per scenario)\n"
    "  -j, --jobs N    run N scenarios at once (default 1)\n"
    "  --timeout SEC   wall-time limit of one scenario (default 120)\n"
    "  --list          list the suites, or the scenarios of suite NAME\n"
    "\n"
    "Exit status 0 when every scenario passes, 1 when one fails, 2 on a usage or input error\n"
    "(checked before anything runs).\n";

/* ---- what a scenario's child reports -------------------------------------------------- */

/* The child writes lines to the parent: "summary ...", "finding RULE COUNT TEXT",
 * "checked RULE N", "kernels N", "error TEXT" and finally "end". */

struct found {
    char rule[CS_SUITE_RULE_MAX];
    uint64_t count;
    char first[FIRST_TEXT];
};

struct outcome {
    enum { OC_NONE, OC_RAN, OC_ERROR, OC_CRASH, OC_TIMEOUT, OC_NOREPORT } state;
    char problem[CS_ERROR_MAX + 64]; /* for every state but OC_RAN */
    int have_summary, idle;
    uint64_t sim_ns, messages, activations, driver_findings, protocol_findings;
    unsigned kernels;
    struct found *found;
    size_t nfound;
    struct {
        char rule[CS_SUITE_RULE_MAX];
        uint64_t checks;
    } * cov;
    size_t ncov;
    struct cs_verdict *verdicts;
    size_t nverdicts;
    int pass;
    char reason[CS_ERROR_MAX + 128];
    double wall;
    char *output; /* the child's stdout and stderr, its last OUTPUT_TAIL bytes */
    size_t outlen, omitted;
};

static void clean_text(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t')
            *s = ' ';
}

/* ---- the child ------------------------------------------------------------------------ */

static void report_finding(void *ctx, const char *rule, uint64_t count,
                           const struct cs_finding *first)
{
    FILE *out = ctx;
    char text[FIRST_TEXT];
    snprintf(text, sizeof(text), "on %s at cycle %" PRIu64 ": %s", first->channel_name,
             first->cycle, first->msg);
    clean_text(text);
    fprintf(out, "finding %s %" PRIu64 " %s\n", rule, count, text);
}

static void report_coverage(void *ctx, const char *rule, uint64_t checks)
{
    FILE *out = ctx;
    fprintf(out, "checked %s %" PRIu64 "\n", rule, checks);
}

/* Driver findings come from each domain's guest kernel (its tap channel "<domain>.kernel", family
 * kshim). The shim checks K1-K10 on every driver action, so a kernel's existence is what
 * exercises them. */
static void report_kernels(FILE *out, struct cs_machine *m)
{
    unsigned kernels = 0, kshim_channels = 0;
    uint64_t counted = 0;
    for (uint16_t c = 0; c < m->tap.nchannels; c++)
        kshim_channels += strcmp(m->tap.channels[c].family, "kshim") == 0;
    for (size_t d = 0; d < m->ndomains; d++) {
        char name[80];
        snprintf(name, sizeof(name), "%s.kernel", m->domains[d].desc->name);
        int present = 0;
        for (uint16_t c = 0; c < m->tap.nchannels && !present; c++)
            present = strcmp(m->tap.channels[c].name, name) == 0 &&
                      strcmp(m->tap.channels[c].family, "kshim") == 0;
        cs_error err = {0};
        struct ks_kernel *k = present ? ks_domain_kernel(&m->domains[d], &err) : NULL;
        if (!k)
            continue;
        kernels++;
        struct ks_kernel_stats st;
        ks_kernel_stats(k, &st);
        size_t nrec;
        const struct ks_finding_record *rec = ks_kernel_findings(k, &nrec);
        for (int f = 0; f < KS_FINDING_KINDS; f++) {
            if (!st.findings[f])
                continue;
            counted += st.findings[f];
            char text[FIRST_TEXT] = "";
            for (size_t i = 0; i < nrec; i++) {
                if ((int)rec[i].kind != f)
                    continue;
                const char *file = rec[i].file ? rec[i].file : "?";
                const char *ks = strstr(file, "/kernel-src/");
                snprintf(text, sizeof(text), "in %s: %s:%d: %s", name,
                         ks ? ks + strlen("/kernel-src/") : file, rec[i].line, rec[i].msg);
                break;
            }
            clean_text(text);
            fprintf(out, "finding %s %" PRIu64 " %s\n", ks_finding_id((enum ks_finding)f),
                    st.findings[f], text);
        }
    }
    /* A kernel made outside the per-domain table is not reachable here: its findings must
     * still fail the scenario. */
    if (m->driver_findings > counted)
        fprintf(out, "finding K? %" PRIu64 " driver findings of a kernel not per domain\n",
                m->driver_findings - counted);
    if (kshim_channels > kernels)
        kernels = kshim_channels;
    fprintf(out, "kernels %u\n", kernels);
}

static void __attribute__((noreturn))
child_main(const struct cs_scenario *sc, int rep_fd, int cap_fd)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    dup2(cap_fd, STDOUT_FILENO);
    dup2(cap_fd, STDERR_FILENO);
    close(cap_fd);
    setvbuf(stdout, NULL, _IOLBF, 0);
    FILE *rep = fdopen(rep_fd, "w");
    if (!rep)
        _exit(3);

    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    struct cs_monitor_hub *hub = NULL;
    struct cs_run_summary sum;
    struct cs_run_opts ro = {sc->until_ns};
    if (cs_platform_load(sc->path, NULL, &p, &err) < 0 ||
        cs_machine_build_observed(p, cs_builtin_families, cs_builtin_nfamilies, NULL,
                                  cs_monitor_attach_live_ready, &hub, &m, &err) < 0 ||
        cs_sc_run(m, &ro, &sum, &err) < 0) {
        clean_text(err.msg);
        fprintf(rep, "error %s\n", err.msg);
    } else {
        cs_monitor_finish_live(m, hub);
        for (size_t i = 0; i < cs_builtin_nfamilies; i++)
            if (cs_builtin_families[i]->report)
                cs_builtin_families[i]->report(stdout);
        fprintf(rep, "summary %" PRIu64 " %d %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
                sum.sim_ns, sum.idle, sum.messages, sum.activations, m->driver_findings,
                m->protocol_findings);
        cs_monitor_hub_findings_by_rule(hub, report_finding, rep);
        report_kernels(rep, m);
        cs_monitor_hub_coverage(hub, report_coverage, rep);
    }
    fputs("end\n", rep);
    fflush(rep);
    fflush(stdout);
    /* Teardown still runs, so that a crash in it shows; _exit skips the SystemC kernel's
     * static destructors and the parent's atexit work. */
    cs_machine_free(m);
    cs_platform_free(p);
    fflush(stdout);
    _exit(0);
}

/* ---- the parent: reading a child's report ---------------------------------------------- */

static void add_found(struct outcome *o, const char *rule, uint64_t count, const char *text)
{
    o->found = realloc(o->found, (o->nfound + 1) * sizeof(*o->found));
    if (!o->found)
        abort();
    struct found *f = &o->found[o->nfound++];
    snprintf(f->rule, sizeof(f->rule), "%s", rule);
    f->count = count;
    snprintf(f->first, sizeof(f->first), "%s", text);
}

static void add_cov(struct outcome *o, const char *rule, uint64_t checks)
{
    for (size_t i = 0; i < o->ncov; i++)
        if (strcmp(o->cov[i].rule, rule) == 0) {
            o->cov[i].checks += checks;
            return;
        }
    o->cov = realloc(o->cov, (o->ncov + 1) * sizeof(*o->cov));
    if (!o->cov)
        abort();
    snprintf(o->cov[o->ncov].rule, sizeof(o->cov[o->ncov].rule), "%s", rule);
    o->cov[o->ncov].checks = checks;
    o->ncov++;
}

/* Returns 1 when the report ended with "end". */
static int parse_report(struct outcome *o, char *buf)
{
    int ended = 0;
    for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (!nl)
            break; /* a line cut off by a crash */
        *nl = '\0';
        char rule[CS_SUITE_RULE_MAX];
        uint64_t n;
        int at = 0, idle;
        if (strcmp(line, "end") == 0) {
            ended = 1;
        } else if (strncmp(line, "error ", 6) == 0) {
            o->state = OC_ERROR;
            snprintf(o->problem, sizeof(o->problem), "%s", line + 6);
        } else if (sscanf(line,
                          "summary %" SCNu64 " %d %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
                          &o->sim_ns, &idle, &o->messages, &o->activations, &o->driver_findings,
                          &o->protocol_findings) == 6) {
            o->have_summary = 1;
            o->idle = idle;
        } else if (sscanf(line, "finding %15s %" SCNu64 " %n", rule, &n, &at) == 2 && at > 0) {
            add_found(o, rule, n, line + at);
        } else if (sscanf(line, "checked %15s %" SCNu64, rule, &n) == 2) {
            add_cov(o, rule, n);
        } else if (sscanf(line, "kernels %" SCNu64, &n) == 1) {
            o->kernels = (unsigned)n;
        }
    }
    return ended;
}

static void read_output(struct outcome *o, int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return;
    size_t size = (size_t)st.st_size, take = size > OUTPUT_TAIL ? OUTPUT_TAIL : size;
    o->output = malloc(take + 1);
    if (!o->output)
        abort();
    ssize_t got = pread(fd, o->output, take, (off_t)(size - take));
    o->outlen = got > 0 ? (size_t)got : 0;
    o->output[o->outlen] = '\0';
    o->omitted = size - take;
}

/* The last non-empty lines of the child's output, for a crash reason. */
static const char *output_tail_lines(const struct outcome *o, int lines)
{
    if (!o->output || !o->outlen)
        return NULL;
    const char *end = o->output + o->outlen;
    while (end > o->output && end[-1] == '\n')
        end--;
    const char *p = end;
    while (p > o->output && lines > 0)
        if (*--p == '\n')
            lines--;
    return p == o->output ? p : p + 1;
}

/* ---- running ---------------------------------------------------------------------------- */

struct slot {
    pid_t pid;
    int fd, cap;
    size_t idx;
    struct timespec start;
    char *buf;
    size_t len, capacity;
    int eof;
};

/* What a signal handler may touch: children to stop, temporary files to remove. */
static pid_t running_pids[MAX_JOBS];
static char tmp_paths[2][PATH_MAX];

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (running_pids[i] > 0)
            kill(running_pids[i], SIGKILL);
    for (int i = 0; i < 2; i++)
        if (tmp_paths[i][0])
            unlink(tmp_paths[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int start_child(const struct cs_suite *s, size_t idx, struct slot *sl, int slotno,
                       struct slot *slots, int nslots, const int *keep_closed, cs_error *err)
{
    int p[2];
    if (pipe(p) < 0)
        return cs_error_errno(err, errno, "pipe");
    const char *tmpdir = getenv("TMPDIR");
    char cap_path[PATH_MAX];
    snprintf(cap_path, sizeof(cap_path), "%s/chansim-suite-XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    int cap = mkstemp(cap_path);
    if (cap < 0) {
        close(p[0]);
        close(p[1]);
        return cs_error_errno(err, errno, "%s", cap_path);
    }
    unlink(cap_path); /* nothing is left behind, even after a crash of the suite */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        close(cap);
        return cs_error_errno(err, e, "fork");
    }
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < nslots; i++)
            if (slots[i].pid > 0) {
                close(slots[i].fd);
                close(slots[i].cap);
            }
        for (int i = 0; i < 2; i++)
            if (keep_closed[i] >= 0)
                close(keep_closed[i]);
        child_main(&s->scenarios[idx], p[1], cap);
    }
    close(p[1]);
    memset(sl, 0, sizeof(*sl));
    sl->pid = pid;
    sl->fd = p[0];
    sl->cap = cap;
    sl->idx = idx;
    clock_gettime(CLOCK_MONOTONIC, &sl->start);
    running_pids[slotno] = pid;
    return 0;
}

static void slot_read(struct slot *sl)
{
    if (sl->capacity - sl->len < 4096) {
        sl->capacity = sl->capacity ? sl->capacity * 2 : 16384;
        sl->buf = realloc(sl->buf, sl->capacity);
        if (!sl->buf)
            abort();
    }
    ssize_t n = read(sl->fd, sl->buf + sl->len, sl->capacity - sl->len - 1);
    if (n > 0)
        sl->len += (size_t)n;
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        sl->eof = 1;
}

static void finish_child(struct slot *sl, int status, int timed_out, unsigned timeout,
                         struct outcome *o)
{
    while (!sl->eof)
        slot_read(sl);
    o->wall = since(&sl->start);
    if (!sl->buf) {
        sl->buf = malloc(1);
        if (!sl->buf)
            abort();
    }
    sl->buf[sl->len] = '\0';
    o->state = OC_RAN;
    int ended = parse_report(o, sl->buf);
    read_output(o, sl->cap);
    const char *tail = output_tail_lines(o, 3);
    char tailtxt[256] = "";
    if (tail) {
        snprintf(tailtxt, sizeof(tailtxt), "; last output: %s", tail);
        clean_text(tailtxt);
    }
    if (timed_out) {
        o->state = OC_TIMEOUT;
        snprintf(o->problem, sizeof(o->problem), "timed out after %u s of wall time%s", timeout,
                 tailtxt);
    } else if (WIFSIGNALED(status)) {
        o->state = OC_CRASH;
        snprintf(o->problem, sizeof(o->problem), "crashed: killed by signal %d (%s)%s",
                 WTERMSIG(status), strsignal(WTERMSIG(status)), tailtxt);
    } else if (o->state == OC_ERROR) {
        /* the child said why */
    } else if (!ended || !o->have_summary || WEXITSTATUS(status) != 0) {
        o->state = OC_NOREPORT;
        snprintf(o->problem, sizeof(o->problem),
                 "exited with status %d without a complete report%s", WEXITSTATUS(status), tailtxt);
    }
    close(sl->fd);
    close(sl->cap);
    free(sl->buf);
    sl->buf = NULL;
    sl->pid = 0;
}

static void judge(const struct cs_scenario *sc, struct outcome *o)
{
    if (o->state != OC_RAN) {
        o->pass = 0;
        snprintf(o->reason, sizeof(o->reason), "%s", o->problem);
        return;
    }
    struct cs_rule_tally *t = calloc(o->nfound + 1, sizeof(*t));
    o->verdicts = calloc(o->nfound + sc->nexpect + sc->nknown + 1, sizeof(*o->verdicts));
    if (!t || !o->verdicts)
        abort();
    for (size_t i = 0; i < o->nfound; i++) {
        snprintf(t[i].rule, sizeof(t[i].rule), "%s", o->found[i].rule);
        t[i].count = o->found[i].count;
    }
    o->nverdicts = cs_suite_judge(sc, t, o->nfound, o->verdicts, &o->pass);
    free(t);
    cs_suite_reason(o->verdicts, o->nverdicts, o->reason, sizeof(o->reason));
}

static void print_scenario_line(const struct cs_suite *s, size_t idx, const struct outcome *o,
                                int width)
{
    printf("%-4s  %-*s %7.2f s  ", o->pass ? "PASS" : "FAIL", width, s->scenarios[idx].id, o->wall);
    if (!o->pass) {
        printf("%s\n", o->reason);
        return;
    }
    const char *sep = "";
    for (int pass = 0; pass < 2; pass++) {
        enum cs_rule_verdict want = pass ? CS_RV_KNOWN : CS_RV_EXPECTED;
        int first = 1;
        for (size_t i = 0; i < o->nverdicts; i++) {
            if (o->verdicts[i].v != want)
                continue;
            printf("%s%s%s x%" PRIu64, first ? sep : "",
                   first ? (pass ? "known " : "expected ") : ", ", o->verdicts[i].rule,
                   o->verdicts[i].count);
            first = 0;
            sep = "; ";
        }
    }
    if (!*sep)
        printf("no findings");
    printf("\n");
}

static int run_all(const struct cs_suite *s, struct outcome *out, int jobs, unsigned timeout,
                   const int *keep_closed, cs_error *err)
{
    struct slot slots[MAX_JOBS];
    memset(slots, 0, sizeof(slots));
    size_t next = 0, done = 0;
    int width = 0;
    for (size_t i = 0; i < s->n; i++)
        if ((int)strlen(s->scenarios[i].id) > width)
            width = (int)strlen(s->scenarios[i].id);
    while (done < s->n) {
        for (int i = 0; i < jobs && next < s->n; i++)
            if (slots[i].pid == 0) {
                if (start_child(s, next, &slots[i], i, slots, jobs, keep_closed, err) < 0) {
                    out[next].state = OC_ERROR;
                    snprintf(out[next].problem, sizeof(out[next].problem), "could not start: %s",
                             err->msg);
                    cs_error_clear(err);
                    judge(&s->scenarios[next], &out[next]);
                    print_scenario_line(s, next, &out[next], width);
                    done++;
                }
                next++;
            }
        struct pollfd pfd[MAX_JOBS];
        int map[MAX_JOBS], np = 0;
        for (int i = 0; i < jobs; i++)
            if (slots[i].pid > 0 && !slots[i].eof) {
                pfd[np] = (struct pollfd){slots[i].fd, POLLIN, 0};
                map[np++] = i;
            }
        if (np > 0 && poll(pfd, (nfds_t)np, 100) > 0)
            for (int k = 0; k < np; k++)
                if (pfd[k].revents)
                    slot_read(&slots[map[k]]);
        if (np == 0)
            usleep(20000); /* reports done, children still exiting */
        for (int i = 0; i < jobs; i++) {
            struct slot *sl = &slots[i];
            if (sl->pid <= 0)
                continue;
            int status = 0, timed_out = 0;
            pid_t w = waitpid(sl->pid, &status, WNOHANG);
            if (w == 0 && since(&sl->start) > (double)timeout) {
                kill(sl->pid, SIGKILL);
                w = waitpid(sl->pid, &status, 0);
                timed_out = 1;
            }
            if (w == 0 || (w < 0 && errno == EINTR))
                continue;
            running_pids[i] = 0;
            size_t idx = sl->idx;
            finish_child(sl, status, timed_out, timeout, &out[idx]);
            judge(&s->scenarios[idx], &out[idx]);
            print_scenario_line(s, idx, &out[idx], width);
            fflush(stdout);
            done++;
        }
    }
    return 0;
}

/* ---- per-rule results -------------------------------------------------------------------- */

struct rule_row {
    const struct cs_rule *rule;
    unsigned scenarios; /* that exercised it */
    uint64_t checks;
    unsigned expected, missed, unexpected, known;
};

static const char *row_status(const struct rule_row *r)
{
    if (r->missed || r->unexpected)
        return "FAIL";
    return r->scenarios ? "PASS" : "NOT EXERCISED";
}

static struct rule_row *rule_rows(const struct cs_suite *s, const struct outcome *out, size_t *n)
{
    const struct cs_rule *cat = cs_rule_catalog(n);
    struct rule_row *rows = calloc(*n, sizeof(*rows));
    if (!rows)
        abort();
    for (size_t r = 0; r < *n; r++) {
        struct rule_row *row = &rows[r];
        row->rule = &cat[r];
        int kshim = strcmp(cat[r].family, "kshim") == 0;
        for (size_t i = 0; i < s->n; i++) {
            const struct outcome *o = &out[i];
            if (o->state != OC_RAN)
                continue;
            uint64_t checks = kshim ? o->kernels : 0;
            for (size_t c = 0; c < o->ncov && !kshim; c++)
                if (strcmp(o->cov[c].rule, cat[r].id) == 0)
                    checks = o->cov[c].checks;
            int broken = 0;
            for (size_t v = 0; v < o->nverdicts; v++) {
                const struct cs_verdict *vd = &o->verdicts[v];
                if (strcmp(vd->rule, cat[r].id) != 0)
                    continue;
                broken |= vd->count > 0;
                switch (vd->v) {
                case CS_RV_EXPECTED:
                    row->expected++;
                    break;
                case CS_RV_KNOWN:
                    row->known++;
                    break;
                case CS_RV_UNEXPECTED:
                    row->unexpected++;
                    break;
                case CS_RV_MISSED:
                    row->missed++;
                    break;
                case CS_RV_COUNT:
                    if (vd->count)
                        row->unexpected++;
                    else
                        row->missed++;
                    break;
                }
            }
            row->checks += checks;
            row->scenarios += checks > 0 || broken;
        }
    }
    return rows;
}

static void print_rule_table(const struct rule_row *rows, size_t n, size_t nscen)
{
    printf("\n%-5s %-7s %9s %12s %8s %6s %10s %5s  %s\n", "rule", "family", "scenarios", "checks",
           "expected", "missed", "unexpected", "known", "status");
    for (size_t i = 0; i < n; i++) {
        const struct rule_row *r = &rows[i];
        char sc[32];
        snprintf(sc, sizeof(sc), "%u/%zu", r->scenarios, nscen);
        printf("%-5s %-7s %9s %12" PRIu64 " %8u %6u %10u %5u  %s\n", r->rule->id, r->rule->family,
               sc, r->checks, r->expected, r->missed, r->unexpected, r->known, row_status(r));
    }
}

/* "C9 V8" into buf: the rules no scenario exercised. Returns how many. */
static size_t not_exercised(const struct rule_row *rows, size_t n, char *buf, size_t len)
{
    size_t k = 0, at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!rows[i].scenarios) {
            if (at < len)
                at += (size_t)snprintf(buf + at, len - at, "%s%s", k ? " " : "", rows[i].rule->id);
            k++;
        }
    return k;
}

/* ---- JUnit and TAP ---------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (s[0] >= 0xf5 || len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

/* XML 1.0 allows no control characters but tab, newline and carriage return, and the file is
 * declared UTF-8: anything else (a driver's stray bytes) becomes '?'. */
static void xml_text(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t l = utf8_len((const unsigned char *)s + i, n - i);
            if (l) {
                fwrite(s + i, 1, l, f);
                i += l - 1;
            } else {
                fputc('?', f);
            }
        } else if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
            fputc('?', f);
        else
            fputc(c, f);
    }
}

static void xml_str(FILE *f, const char *s)
{
    xml_text(f, s, strlen(s));
}

static void write_details(FILE *f, const struct outcome *o, void (*text)(FILE *, const char *),
                          const char *indent)
{
    char line[FIRST_TEXT + 128];
    if (o->have_summary) {
        snprintf(line, sizeof(line),
                 "%ssimulated %" PRIu64 " ns (stopped: %s), %" PRIu64 " messages, %" PRIu64
                 " activations, %" PRIu64 " driver findings, %" PRIu64 " protocol findings\n",
                 indent, o->sim_ns, o->idle ? "idle" : "time limit", o->messages, o->activations,
                 o->driver_findings, o->protocol_findings);
        text(f, line);
    }
    for (size_t i = 0; i < o->nfound; i++) {
        const char *how = "";
        for (size_t v = 0; v < o->nverdicts; v++)
            if (strcmp(o->verdicts[v].rule, o->found[i].rule) == 0) {
                static const char *const names[] = {"expected", "known", "unexpected", "missed",
                                                    "wrong count"};
                how = names[o->verdicts[v].v];
            }
        snprintf(line, sizeof(line), "%srule %s broken %" PRIu64 " time%s (%s), first %s\n", indent,
                 o->found[i].rule, o->found[i].count, o->found[i].count == 1 ? "" : "s", how,
                 o->found[i].first);
        text(f, line);
    }
}

static int write_junit(FILE *f, const struct cs_suite *s, const struct outcome *out,
                       const struct rule_row *rows, size_t nrows, double total)
{
    size_t failures = 0;
    for (size_t i = 0; i < s->n; i++)
        failures += !out[i].pass;
    char stamp[32], host[256] = "localhost";
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f,
            "<testsuites name=\"chansim\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "time=\"%.3f\">\n",
            s->n, failures, total);
    fprintf(f, "  <testsuite name=\"");
    xml_str(f, s->name);
    fprintf(f,
            "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\" "
            "timestamp=\"%s\" hostname=\"",
            s->n, failures, total, stamp);
    xml_str(f, host);
    fprintf(f, "\">\n    <properties>\n      <property name=\"suite.file\" value=\"");
    xml_str(f, s->file);
    char ne[1024];
    size_t nne = not_exercised(rows, nrows, ne, sizeof(ne));
    fprintf(f, "\"/>\n      <property name=\"rules.exercised\" value=\"%zu/%zu\"/>\n", nrows - nne,
            nrows);
    fprintf(f, "      <property name=\"rules.not_exercised\" value=\"");
    xml_str(f, ne);
    fprintf(f, "\"/>\n");
    for (size_t i = 0; i < nrows; i++) {
        const struct rule_row *r = &rows[i];
        fprintf(f,
                "      <property name=\"rule.%s\" value=\"%s family=%s scenarios=%u checks=%" PRIu64
                " expected=%u missed=%u unexpected=%u known=%u\"/>\n",
                r->rule->id, row_status(r), r->rule->family, r->scenarios, r->checks, r->expected,
                r->missed, r->unexpected, r->known);
    }
    fprintf(f, "    </properties>\n");
    for (size_t i = 0; i < s->n; i++) {
        const struct cs_scenario *sc = &s->scenarios[i];
        const struct outcome *o = &out[i];
        fprintf(f, "    <testcase classname=\"chansim.");
        xml_str(f, s->name);
        fprintf(f, "\" name=\"");
        xml_str(f, sc->id);
        fprintf(f, "\" time=\"%.3f\" file=\"", o->wall);
        xml_str(f, s->file);
        fprintf(f, "\" line=\"%d\">\n", sc->line);
        if (!o->pass) {
            static const char *const types[] = {"error", "findings", "error",
                                                "crash", "timeout",  "error"};
            fprintf(f, "      <failure type=\"%s\" message=\"", types[o->state]);
            xml_str(f, o->reason);
            fprintf(f, "\">");
            xml_str(f, o->reason);
            fprintf(f, "\n");
            write_details(f, o, xml_str, "");
            fprintf(f, "</failure>\n");
        }
        fprintf(f, "      <system-out>platform ");
        xml_str(f, sc->path);
        fprintf(f, "\n");
        write_details(f, o, xml_str, "");
        fprintf(f, "</system-out>\n");
        if (o->outlen) {
            fprintf(f, "      <system-err>");
            if (o->omitted)
                fprintf(f, "[%zu bytes before omitted]\n", o->omitted);
            xml_text(f, o->output, o->outlen);
            fprintf(f, "</system-err>\n");
        }
        fprintf(f, "    </testcase>\n");
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return 0;
}

/* A single-quoted YAML scalar: quotes doubled, control characters dropped. */
static void yaml_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("''", f);
        else if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fputc('\'', f);
}

static void tap_line(FILE *f, const char *s)
{
    /* details are indented YAML list items */
    char buf[FIRST_TEXT + 128];
    snprintf(buf, sizeof(buf), "%s", s);
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    fputs("    - ", f);
    yaml_str(f, buf);
    fputc('\n', f);
}

static int write_tap(FILE *f, const struct cs_suite *s, const struct outcome *out,
                     const struct rule_row *rows, size_t nrows)
{
    fprintf(f, "TAP version 13\n1..%zu\n", s->n);
    for (size_t i = 0; i < s->n; i++) {
        const struct outcome *o = &out[i];
        fprintf(f, "%s %zu - %s\n", o->pass ? "ok" : "not ok", i + 1, s->scenarios[i].id);
        fprintf(f, "  ---\n  duration_ms: %.0f\n", o->wall * 1000);
        if (!o->pass) {
            fprintf(f, "  message: ");
            yaml_str(f, o->reason);
            fputc('\n', f);
        }
        if (o->have_summary || o->nfound) {
            fprintf(f, "  details:\n");
            write_details(f, o, tap_line, "");
        }
        fprintf(f, "  ...\n");
    }
    char ne[1024];
    size_t nne = not_exercised(rows, nrows, ne, sizeof(ne));
    fprintf(f, "# suite %s: rules exercised %zu/%zu%s%s\n", s->name, nrows - nne, nrows,
            nne ? ", not exercised: " : "", ne);
    return 0;
}

/* ---- output files: a temporary beside the target, renamed when complete ----------------- */

struct outfile {
    const char *path; /* NULL: not asked for */
    const char *opt;
    int fd;
    char *tmp;
};

static int outfile_open(struct outfile *o, int slot, cs_error *err)
{
    if (!o->path)
        return 0;
    struct stat st;
    if (stat(o->path, &st) == 0 && S_ISDIR(st.st_mode))
        return cs_error_set(err, "%s %s: is a directory", o->opt, o->path);
    size_t n = strlen(o->path) + 8;
    o->tmp = malloc(n);
    if (!o->tmp)
        abort();
    snprintf(o->tmp, n, "%s.XXXXXX", o->path);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return cs_error_errno(err, e, "%s %s: cannot write there", o->opt, o->path);
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(o->fd, 0666 & ~mask);
    snprintf(tmp_paths[slot], sizeof(tmp_paths[slot]), "%s", o->tmp);
    return 0;
}

static void outfile_discard(struct outfile *o, int slot)
{
    if (!o->tmp)
        return;
    close(o->fd);
    unlink(o->tmp);
    tmp_paths[slot][0] = '\0';
    free(o->tmp);
    o->tmp = NULL;
}

static int outfile_commit(struct outfile *o, int slot, FILE *f, cs_error *err)
{
    int bad = fflush(f) != 0 || ferror(f) || fsync(o->fd) < 0;
    int e = errno;
    fclose(f); /* closes o->fd */
    o->fd = -1;
    if (!bad && rename(o->tmp, o->path) < 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(o->tmp);
        cs_error_errno(err, e, "%s %s", o->opt, o->path);
    }
    tmp_paths[slot][0] = '\0';
    free(o->tmp);
    o->tmp = NULL;
    return bad ? -1 : 0;
}

/* ---- listing ------------------------------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_suites(void)
{
    DIR *d = opendir(CHANSIM_SUITE_DIR);
    if (!d)
        return cli_fail("suite", "%s: %s", CHANSIM_SUITE_DIR, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l <= 6 || strcmp(e->d_name + l - 6, ".suite") != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        if (!names || !(names[n++] = strdup(e->d_name)))
            abort();
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    int rc = CS_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", CHANSIM_SUITE_DIR, names[i]);
        cs_error err = {0};
        struct cs_suite *s = NULL;
        if (cs_suite_load(path, &s, &err) < 0) {
            rc = cli_fail("suite", "%s", err.msg);
        } else {
            printf("%-16s %3zu scenario%s  %s\n", s->name, s->n, s->n == 1 ? " " : "s", path);
            cs_suite_free(s);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static void print_rules(const char *word, const struct cs_suite_rule *r, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        printf("%s%s", k ? " " : word, r[k].id);
        if (r[k].count)
            printf("=%" PRIu64, r[k].count);
    }
}

static void list_scenarios(const struct cs_suite *s)
{
    static const struct {
        const char *unit;
        uint64_t ns;
    } units[] = {{"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"ns", 1}};
    for (size_t i = 0; i < s->n; i++) {
        const struct cs_scenario *sc = &s->scenarios[i];
        printf("%s  %s", sc->id, sc->platform);
        print_rules("  expect ", sc->expect, sc->nexpect);
        print_rules("  known ", sc->known, sc->nknown);
        for (size_t u = 0; sc->until_ns && u < sizeof(units) / sizeof(units[0]); u++)
            if (sc->until_ns % units[u].ns == 0) {
                printf("  until %" PRIu64 "%s", sc->until_ns / units[u].ns, units[u].unit);
                break;
            }
        printf("\n");
    }
}

/* ---- the command -------------------------------------------------------------------------- */

static void free_outcomes(struct outcome *out, size_t n)
{
    for (size_t i = 0; out && i < n; i++) {
        free(out[i].found);
        free(out[i].cov);
        free(out[i].verdicts);
        free(out[i].output);
    }
    free(out);
}

int cmd_suite(int argc, char **argv)
{
    static const struct option opts[] = {
        {"junit", required_argument, 0, 'J'}, {"tap", required_argument, 0, 'T'},
        {"jobs", required_argument, 0, 'j'},  {"timeout", required_argument, 0, 'w'},
        {"list", no_argument, 0, 'l'},        {"scenario", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    struct outfile files[2] = {{NULL, "--junit", -1, NULL}, {NULL, "--tap", -1, NULL}};
    int list = 0, jobs = 1;
    const char *only[256];
    size_t nonly = 0;
    unsigned timeout = DEFAULT_TIMEOUT;
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'J':
            files[0].path = optarg;
            break;
        case 'T':
            files[1].path = optarg;
            break;
        case 'j': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > MAX_JOBS)
                return cli_fail("suite", "-j '%s': expected 1 to %d", optarg, MAX_JOBS);
            jobs = (int)v;
            break;
        }
        case 'w': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 86400)
                return cli_fail("suite", "--timeout '%s': expected seconds, 1 to 86400", optarg);
            timeout = (unsigned)v;
            break;
        }
        case 'l':
            list = 1;
            break;
        case 's':
            if (nonly == sizeof(only) / sizeof(only[0]))
                return cli_fail("suite", "too many --scenario options");
            only[nonly++] = optarg;
            break;
        case 'h':
            fputs(suite_usage, stdout);
            return CS_EXIT_OK;
        default:
            fputs(suite_usage, stderr);
            return CS_EXIT_USAGE;
        }
    }
    if (argc - optind > 1)
        return cli_fail("suite", "one suite at a time (got '%s' and '%s')", argv[optind],
                        argv[optind + 1]);
    if (optind == argc) {
        if (list)
            return list_suites();
        fputs(suite_usage, stderr);
        return CS_EXIT_USAGE;
    }

    /* Everything that can be wrong with the input is found before anything runs. */
    const char *name = argv[optind];
    char file[PATH_MAX];
    size_t nl = strlen(name);
    int is_path = strchr(name, '/') || (nl > 6 && strcmp(name + nl - 6, ".suite") == 0);
    if (is_path)
        snprintf(file, sizeof(file), "%s", name);
    else
        snprintf(file, sizeof(file), "%s/%s.suite", CHANSIM_SUITE_DIR, name);
    if (!is_path && access(file, F_OK) < 0)
        return cli_fail("suite", "unknown suite '%s' (no %s; chansim suite --list lists them)",
                        name, file);
    cs_error err = {0};
    struct cs_suite *s = NULL;
    if (cs_suite_load(file, &s, &err) < 0 || (nonly && cs_suite_select(s, only, nonly, &err) < 0)) {
        cs_suite_free(s);
        return cli_fail("suite", "%s", err.msg);
    }
    if (list) {
        list_scenarios(s);
        cs_suite_free(s);
        return CS_EXIT_OK;
    }
    for (size_t i = 0; i < s->n; i++)
        if (access(s->scenarios[i].path, R_OK) < 0) {
            int e = errno;
            cli_fail("suite", "%s:%d: scenario %s: platform %s: %s", s->file, s->scenarios[i].line,
                     s->scenarios[i].id, s->scenarios[i].path, strerror(e));
            cs_suite_free(s);
            return CS_EXIT_USAGE;
        }
    if (files[0].path && files[1].path && strcmp(files[0].path, files[1].path) == 0) {
        cs_suite_free(s);
        return cli_fail("suite", "--junit and --tap name the same file '%s'", files[0].path);
    }
    for (int i = 0; i < 2; i++)
        if (outfile_open(&files[i], i, &err) < 0) {
            for (int k = 0; k < i; k++)
                outfile_discard(&files[k], k);
            cs_suite_free(s);
            return cli_fail("suite", "%s", err.msg);
        }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    struct sigaction old[3];
    static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &sa, &old[i]);

    printf("suite %s: %zu scenario%s from %s\n", s->name, s->n, s->n == 1 ? "" : "s", s->file);
    fflush(stdout);
    struct outcome *out = calloc(s->n, sizeof(*out));
    if (!out)
        abort();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const int keep_closed[2] = {files[0].fd, files[1].fd};
    run_all(s, out, jobs, timeout, keep_closed, &err);
    double total = since(&t0);

    size_t nrows;
    struct rule_row *rows = rule_rows(s, out, &nrows);
    print_rule_table(rows, nrows, s->n);
    char ne[1024];
    size_t nne = not_exercised(rows, nrows, ne, sizeof(ne));
    printf("\nrules: %zu of %zu exercised%s%s\n", nrows - nne, nrows,
           nne ? "; not exercised: " : "", ne);
    size_t failed = 0;
    for (size_t i = 0; i < s->n; i++)
        failed += !out[i].pass;
    printf("scenarios: %zu passed, %zu failed (%.2f s)\n", s->n - failed, failed, total);
    fflush(stdout);

    int rc = failed ? CS_EXIT_FINDINGS : CS_EXIT_OK;
    for (int i = 0; i < 2; i++) {
        if (!files[i].path)
            continue;
        FILE *f = fdopen(files[i].fd, "w");
        if (!f)
            abort();
        if (i == 0)
            write_junit(f, s, out, rows, nrows, total);
        else
            write_tap(f, s, out, rows, nrows);
        if (outfile_commit(&files[i], i, f, &err) < 0) {
            rc = cli_fail("suite", "%s", err.msg);
            cs_error_clear(&err);
        }
    }
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);
    free(rows);
    free_outcomes(out, s->n);
    cs_suite_free(s);
    return rc;
}
