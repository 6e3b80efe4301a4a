/* chansim check / convert: offline work on recorded traces. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "export_vcd.h"
#include "cs_monitor.h"
#include "cs_ftrace_import.h"
#include "cs_rules.h"
#include "cs_trace.h"

static const char check_usage[] =
    "usage: chansim check TRACE\n"
    "\n"
    "Reads every event of the trace directory TRACE and runs the protocol monitors of the\n"
    "rule catalog over it. Exit status 1 when a rule is broken, 2 when the trace is unreadable.\n";

static const char convert_usage[] =
    "usage: chansim convert TRACE --to jsonl|pcapng|vcd [-o FILE]\n"
    "\n"
    "Writes the events of the trace directory TRACE to FILE, or to standard output. FILE\n"
    "appears only when complete. Formats (docs/trace-format.md):\n"
    "  jsonl   JSON Lines, one object per event\n"
    "  vcd     waveforms for GTKWave: CRQ queue occupancy, interrupt lines, queue state\n"
    "  pcapng  a capture for Wireshark/tshark, one packet per event; decode it with\n"
    "          tools/wireshark/chansim.lua (tshark -X lua_script:chansim.lua -r FILE)\n"
    "\n"
    "       chansim convert --from ftrace FILE -o TRACE\n"
    "\n"
    "Imports Linux ftrace or trace-cmd report text (s390 channel-subsystem, vfio_ccw and powerpc\n"
    "hcall tracepoints) into a new trace directory TRACE, which appears only when at least one\n"
    "event was imported. A summary of imported and skipped lines goes to standard error.\n";

static int want_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

static void print_finding(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    printf("rule %s broken on channel %s at cycle %" PRIu64 ": %s\n", f->rule, f->channel_name,
           f->cycle, f->msg);
}

int cmd_check(int argc, char **argv)
{
    if (want_help(argc, argv)) {
        fputs(check_usage, stdout);
        return CS_EXIT_OK;
    }
    if (argc != 2) {
        fputs(check_usage, stderr);
        return CS_EXIT_USAGE;
    }
    cs_error err = {0};
    cs_trace_reader *r = NULL;
    if (cs_trace_reader_open(&r, argv[1], &err) < 0)
        return cli_fail("check", "%s", err.msg);
    struct cs_monitor_hub *hub = cs_monitor_hub_new(print_finding, NULL);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++)
        cs_monitor_hub_channel(hub, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    struct cs_trace_event ev;
    uint64_t n = 0, last = 0;
    int got;
    while ((got = cs_trace_reader_next(r, &ev, &err)) == 1) {
        n++;
        last = ev.cycles;
        if (ev.type != CS_TRACE_MSG)
            continue;
        struct cs_mon_msg m = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(hub, &m);
    }
    int rc = CS_EXIT_OK;
    if (got < 0) {
        rc = cli_fail("check", "%s", err.msg);
    } else {
        if (cs_trace_reader_warning(r))
            fprintf(stderr, "chansim check: warning: %s\n", cs_trace_reader_warning(r));
        cs_monitor_hub_finish(hub, last);
        uint64_t found = cs_monitor_hub_findings(hub);
        size_t nrules;
        cs_rule_catalog(&nrules);
        printf("%s: %" PRIu64 " events on %zu channels checked against %zu rules: %" PRIu64
               " finding%s\n",
               argv[1], n, cs_trace_reader_channels(r), nrules, found, found == 1 ? "" : "s");
        if (found)
            rc = CS_EXIT_FINDINGS;
    }
    cs_monitor_hub_free(hub);
    cs_trace_reader_close(r);
    return rc;
}

/* convert --from: an import that builds a new trace directory. */
static int convert_from(const char *from, const char *to, const char *in, const char *outp)
{
    if (strcmp(from, "ftrace") != 0)
        return cli_fail("convert", "--from %s: supported input formats: ftrace", from);
    if (to)
        return cli_fail("convert",
                        "--from and --to cannot be combined: --from %s writes a "
                        "chansim trace directory",
                        from);
    if (!outp)
        return cli_fail("convert", "--from %s needs -o TRACE, the trace directory to create", from);
    struct cs_ftrace_stats st;
    cs_error err = {0};
    if (cs_ftrace_convert(in, outp, &st, &err) < 0)
        return cli_fail("convert", "%s", err.msg);
    char msg[1024];
    cs_ftrace_summary(&st, msg, sizeof(msg));
    fprintf(stderr, "chansim convert: %s: %s\n", in, msg);
    if (cs_ftrace_warnings(&st, msg, sizeof(msg)))
        fprintf(stderr, "chansim convert: %s: warning: %s\n", in, msg);
    return CS_EXIT_OK;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, 0, 't'},
                                         {"from", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *to = NULL, *outp = NULL, *from = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            to = optarg;
            break;
        case 'f':
            from = optarg;
            break;
        case 'o':
            outp = optarg;
            break;
        case 'h':
            fputs(convert_usage, stdout);
            return CS_EXIT_OK;
        default:
            fputs(convert_usage, stderr);
            return CS_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fputs(convert_usage, stderr);
        return CS_EXIT_USAGE;
    }
    if (from)
        return convert_from(from, to, argv[optind], outp);
    int (*export)(const char *, FILE *, cs_error *) = NULL;
    if (to && strcmp(to, "jsonl") == 0)
        export = cs_trace_to_jsonl;
    else if (to && strcmp(to, "pcapng") == 0)
        export = cs_trace_to_pcapng;
    else if (to && strcmp(to, "vcd") == 0)
        export = export_vcd;
    else
        return cli_fail("convert", "--to %s: supported output formats: jsonl, pcapng, vcd",
                        to ? to : "(missing)");
    /* A binary capture on a terminal is only noise and can upset it. */
    if (export == cs_trace_to_pcapng && !outp && isatty(STDOUT_FILENO))
        return cli_fail("convert", "--to pcapng: standard output is a terminal; give -o FILE "
                                   "or redirect it");

    /* Write beside the target and rename on success, so that a failed conversion never leaves
     * a file that looks complete. */
    char tmp[4096];
    FILE *out = stdout;
    if (outp) {
        if (snprintf(tmp, sizeof(tmp), "%s.partial-XXXXXX", outp) >= (int)sizeof(tmp))
            return cli_fail("convert", "%s: path too long", outp);
        int fd = mkstemp(tmp);
        if (fd < 0 || !(out = fdopen(fd, "w")))
            return cli_fail("convert", "%s: cannot create: %s", outp, strerror(errno));
    }
    cs_error err = {0};
    int rc = export(argv[optind], out, &err);
    if (rc == 0 && err.set)
        fprintf(stderr, "chansim convert: warning: %s\n", err.msg);
    if (outp) {
        int cerr = fclose(out);
        if (rc == 0 && cerr != 0) {
            cs_error_errno(&err, errno, "%s: write failed", outp);
            rc = -1;
        }
        if (rc == 0 && rename(tmp, outp) != 0) {
            cs_error_errno(&err, errno, "%s: cannot rename into place", outp);
            rc = -1;
        }
        if (rc < 0)
            unlink(tmp);
    } else if (fflush(stdout) != 0) {
        cs_error_errno(&err, errno, "standard output");
        rc = -1;
    }
    return rc < 0 ? cli_fail("convert", "%s", err.msg) : CS_EXIT_OK;
}

int cmd_rules(int argc, char **argv)
{
    if (want_help(argc, argv)) {
        puts("usage: chansim rules\n\nLists every protocol rule the monitors check: ID, family, "
             "severity, the rule and its source.");
        return CS_EXIT_OK;
    }
    size_t n;
    const struct cs_rule *r = cs_rule_catalog(&n);
    if (n == 0) {
        puts("no rules: this build has no channel family monitors yet");
        return CS_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        printf("%-6s %-6s %-7s %s [%s]\n", r[i].id, r[i].family, cs_severity_name(r[i].severity),
               r[i].summary, r[i].source);
    return CS_EXIT_OK;
}
