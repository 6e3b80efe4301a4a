/* chansim: simulate paravirtual I/O channels, check and convert their traces. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_error.h"

static const char usage[] =
    "usage: chansim <command> [options]\n"
    "\n"
    "Simulates paravirtual I/O channels (s-Par, PAPR CRQ, s390 channel subsystem) with the\n"
    "guest drivers that use them, records every message in a trace and checks it.\n"
    "\n"
    "commands:\n"
    "  run [PLATFORM]      simulate a platform (libvirt domain XML; default: the built-in one)\n"
    "  check TRACE         check a recorded trace against the protocol rules\n"
    "  convert TRACE       export a trace (jsonl, pcapng, vcd) or import ftrace text\n"
    "  replay TRACE        replay a recorded trace against a driver or a model\n"
    "  rules               list the protocol rule catalog\n"
    "  suite NAME          run a conformance suite (--junit, --tap; --list lists them)\n"
    "\n"
    "  chansim <command> --help    options of a command\n"
    "  chansim --version\n"
    "\n"
    "exit status: 0 success, 1 conformance findings or replay divergence, 2 usage or input "
    "error\n";

int cli_fail(const char *sub, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "chansim %s: ", sub);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CS_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CS_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        fputs(usage, stdout);
        return CS_EXIT_OK;
    }
    if (strcmp(sub, "--version") == 0) {
        printf("chansim %s\n", CHANSIM_VERSION);
        return CS_EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"run", cmd_run},       {"check", cmd_check}, {"convert", cmd_convert},
                {"replay", cmd_replay}, {"rules", cmd_rules}, {"suite", cmd_suite}};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(sub, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "chansim: unknown command '%s'\n%s", sub, usage);
    return CS_EXIT_USAGE;
}
