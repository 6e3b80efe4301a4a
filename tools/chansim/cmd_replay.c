/* chansim replay: a recorded trace against the drivers or the models of a platform. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cs_duration.h"
#include "crq_replay.h"
#include "cs_family.h"
#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_sc_run.h"

static const char replay_usage[] =
    "usage: chansim replay TRACE [PLATFORM] --mode firmware|guest [--connect URI]\n"
    "                      [--volatile addresses] [--time-tolerance TIME]\n"
    "                      [--junit FILE] [--tap FILE]\n"
    "\n"
    "Replays the channel recorded in TRACE against PLATFORM (default: the built-in platform).\n"
    "  --mode firmware  the recorded firmware side answers the driver under test; every\n"
    "                   message the driver emits is compared with the recording\n"
    "  --mode guest     the recorded guest side drives the model under test; every answer\n"
    "                   is compared with the recording\n"
    "  --volatile addresses   ignore guest-physical and I/O addresses when comparing\n"
    "  --time-tolerance TIME  accept messages this much earlier or later (default: exact)\n"
    "  --junit FILE, --tap FILE  also write the verdict as JUnit XML or TAP, for CI systems\n"
    "                         and for merging sharded runs (tools/run-corpus)\n"
    "\n"
    "Exit status 0: the replay reproduced the recording; 1: it diverged (the first divergence\n"
    "is printed with both sides decoded); 2: usage or input error.\n";

/* XML text: the divergence report quotes payload descriptions. */
static void xml_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* One result file, written aside and renamed, so a failed write leaves no file that looks
 * complete. */
static int write_report(const char *path, int junit, const char *name,
                        const struct crq_replay_result *res, cs_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.partial-XXXXXX", path) >= (int)sizeof(tmp))
        return cs_error_set(err, "%s: path too long", path);
    int fd = mkstemp(tmp);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f)
        return cs_error_errno(err, errno, "%s: cannot create", path);
    if (junit) {
        fprintf(f,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuite name=\"chansim-replay\" tests=\"1\" failures=\"%d\">\n"
                "  <testcase classname=\"replay\" name=\"",
                res->diverged);
        xml_escaped(f, name);
        fputs("\">", f);
        if (res->diverged) {
            fputs("\n    <failure message=\"diverged\">", f);
            xml_escaped(f, res->text);
            fputs("</failure>\n  ", f);
        }
        fputs("</testcase>\n</testsuite>\n", f);
    } else {
        fprintf(f, "TAP version 13\n1..1\n%s 1 - replay %s\n", res->diverged ? "not ok" : "ok",
                name);
        if (res->diverged) {
            fputs("  ---\n  message: |\n", f);
            for (const char *l = res->text; *l;) {
                const char *nl = strchr(l, '\n');
                int n = nl ? (int)(nl - l) : (int)strlen(l);
                fprintf(f, "    %.*s\n", n, l);
                l += n + (nl ? 1 : 0);
            }
            fputs("  ...\n", f);
        }
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return cs_error_errno(err, errno, "%s: cannot write", path);
    }
    return 0;
}

/* Can a report be written there? Checked before simulating anything. */
static int check_writable(const char *path, cs_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (access(slash ? (dir[0] ? dir : "/") : ".", W_OK) != 0)
        return cs_error_errno(err, errno, "%s: cannot write there", path);
    return 0;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mode", required_argument, 0, 'm'},     {"connect", required_argument, 0, 'c'},
        {"volatile", required_argument, 0, 'v'}, {"time-tolerance", required_argument, 0, 't'},
        {"junit", required_argument, 0, 'j'},    {"tap", required_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    struct crq_replay_opts ro = {.mode = CRQ_REPLAY_FIRMWARE};
    const char *mode = NULL, *uri = NULL, *junit = NULL, *tap = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:c:v:t:j:p:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            mode = optarg;
            break;
        case 'c':
            uri = optarg;
            break;
        case 'v':
            if (strcmp(optarg, "addresses") != 0)
                return cli_fail("replay", "--volatile %s: what can be volatile: addresses", optarg);
            ro.volatile_addresses = 1;
            break;
        case 't':
            if (cs_parse_duration_ns(optarg, &ro.time_tolerance_ns) < 0)
                return cli_fail("replay", "--time-tolerance '%s': expected a time such as 2us",
                                optarg);
            break;
        case 'j':
            junit = optarg;
            break;
        case 'p':
            tap = optarg;
            break;
        case 'h':
            fputs(replay_usage, stdout);
            return CS_EXIT_OK;
        default:
            fputs(replay_usage, stderr);
            return CS_EXIT_USAGE;
        }
    }
    if (!mode || (strcmp(mode, "firmware") != 0 && strcmp(mode, "guest") != 0))
        return cli_fail("replay", "--mode firmware or --mode guest is required");
    ro.mode = strcmp(mode, "guest") == 0 ? CRQ_REPLAY_GUEST : CRQ_REPLAY_FIRMWARE;
    if (argc - optind < 1 || argc - optind > 2) {
        fputs(replay_usage, stderr);
        return CS_EXIT_USAGE;
    }
    const char *trace = argv[optind];
    const char *path =
        argc - optind == 2 ? argv[optind + 1] : (uri ? NULL : CHANSIM_DEFAULT_PLATFORM);
    cs_error err = {0};
    if ((junit && check_writable(junit, &err) < 0) || (tap && check_writable(tap, &err) < 0))
        return cli_fail("replay", "%s", err.msg);
    struct crq_replay *rp = NULL;
    if (crq_replay_open(trace, &ro, &rp, &err) < 0)
        return cli_fail("replay", "%s", err.msg);
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    struct cs_monitor_hub *hub = NULL;
    struct cs_run_summary sum;
    int rc = CS_EXIT_USAGE;
    if (cs_platform_load(path, uri, &p, &err) < 0 ||
        cs_machine_build_observed(p, cs_builtin_families, cs_builtin_nfamilies, NULL,
                                  cs_monitor_attach_live_ready, &hub, &m, &err) < 0) {
        cli_fail("replay", "%s", err.msg);
        goto out;
    }
    struct cs_run_opts run = {0};
    if (cs_sc_run(m, &run, &sum, &err) < 0) {
        cli_fail("replay", "%s", err.msg);
        goto out;
    }
    cs_monitor_finish_live(m, hub);
    struct crq_replay_result res;
    crq_replay_finish(rp, &res);
    if (res.diverged) {
        printf("replay of %s (%s mode): %s", trace, mode, res.text);
        if (res.text[0] && res.text[strlen(res.text) - 1] != '\n')
            putchar('\n');
        rc = CS_EXIT_FINDINGS;
    } else {
        printf("replay of %s (%s mode): %" PRIu64 " messages matched, %" PRIu64
               " recorded messages played back: the recording is reproduced\n",
               trace, mode, res.matched, res.released);
        rc = CS_EXIT_OK;
    }
    char name[1100];
    snprintf(name, sizeof(name), "%s (%s mode)", trace, mode);
    if ((junit && write_report(junit, 1, name, &res, &err) < 0) ||
        (tap && write_report(tap, 0, name, &res, &err) < 0))
        rc = cli_fail("replay", "%s", err.msg);
out:
    cs_machine_free(m);
    cs_platform_free(p);
    crq_replay_close(rp);
    return rc;
}
