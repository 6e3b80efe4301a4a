/* chansim run: build the machine a platform describes and simulate it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cs_duration.h"
#include "cs_family.h"
#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "cs_trace.h"
#include "crq_family.h"
#include "css_family.h"

static const char run_usage[] =
    "usage: chansim run [PLATFORM] [--connect URI] [--trace DIR] [--until TIME] [--wave FILE]\n"
    "                   [--mdev-sysfs DIR] [--strict]\n"
    "\n"
    "Simulates the platform in PLATFORM, a libvirt domain XML file (<domain>, or a libvirt\n"
    "test-driver <node> holding several domains), opened through libvirt's embedded test\n"
    "driver. Without PLATFORM, the built-in default platform:\n"
    "  " CHANSIM_DEFAULT_PLATFORM "\n"
    "\n"
    "  --connect URI   take the domains from this libvirt connection instead (with PLATFORM:\n"
    "                  the file still gives positions for messages)\n"
    "  --trace DIR     record every channel message into a CTF trace directory\n"
    "  --until TIME    stop at this simulated time (e.g. 10ms, 500us); default: until idle\n"
    "  --wave FILE     dump the RTL engines' signals as an FST waveform (GTKWave); the\n"
    "                  platform needs one (engine='rtl'); more engines: FILE.1, FILE.2, ...\n"
    "  --mdev-sysfs DIR\n"
    "                  keep the sysfs-shaped mediated-device tree of each s390 domain's kernel\n"
    "                  in DIR/<domain> (mdev_supported_types, instances, bus/mdev/devices),\n"
    "                  rewritten at every mdev change: what is left is the end of the run\n"
    "  --strict        exit with status 1 when the run found a driver bug or a protocol\n"
    "                  violation (they are reported either way)\n";

static void print_summary(const struct cs_platform *p, const struct cs_machine *m,
                          const struct cs_run_summary *s, const char *trace_dir,
                          uint64_t trace_events)
{
    printf("chansim %s: platform %s (%s)\n", CHANSIM_VERSION, p->source, p->uri);
    for (size_t i = 0; i < p->ndomains; i++) {
        const struct cs_domain_desc *d = &p->domains[i];
        printf("  domain %-16s %-8s %-16s %6" PRIu64 " MiB  %u vCPU  %zu device%s\n", d->name,
               d->arch, d->machine ? d->machine : "-", d->memory_bytes >> 20, d->vcpus, d->ndevices,
               d->ndevices == 1 ? "" : "s");
    }
    printf("simulated time  %" PRIu64 " ns (%" PRIu64 " cycles at %" PRIu64 " Hz), stopped: %s\n",
           s->sim_ns, s->sim_cycles, p->clock_hz, s->idle ? "idle" : "time limit");
    printf("wall time       %.6f s\n", s->wall_seconds);
    printf("events          %" PRIu64 " channel messages on %u channels, %" PRIu64
           " log records, %" PRIu64 " activations, %" PRIu64 " delta cycles\n",
           s->messages, m->tap.nchannels, s->logs, s->activations, s->delta_cycles);
    for (size_t i = 0; i < cs_builtin_nfamilies; i++)
        if (cs_builtin_families[i]->report)
            cs_builtin_families[i]->report(stdout);
    printf("findings        %" PRIu64 " driver findings, %" PRIu64 " protocol findings\n",
           m->driver_findings, m->protocol_findings);
    if (trace_dir)
        printf("trace           %s (%" PRIu64 " events)\n", trace_dir, trace_events);
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"connect", required_argument, 0, 'c'}, {"trace", required_argument, 0, 't'},
        {"until", required_argument, 0, 'u'},   {"strict", no_argument, 0, 's'},
        {"wave", required_argument, 0, 'w'},    {"mdev-sysfs", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *uri = NULL, *trace_dir = NULL, *wave = NULL, *mdev_dir = NULL;
    struct cs_run_opts ro = {0};
    int strict = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:t:u:w:m:sh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            uri = optarg;
            break;
        case 't':
            trace_dir = optarg;
            break;
        case 'u':
            if (cs_parse_duration_ns(optarg, &ro.until_ns) < 0 || ro.until_ns == 0)
                return cli_fail("run", "--until '%s': expected a positive time such as 10ms",
                                optarg);
            break;
        case 's':
            strict = 1;
            break;
        case 'w':
            wave = optarg;
            break;
        case 'm':
            mdev_dir = optarg;
            break;
        case 'h':
            fputs(run_usage, stdout);
            return CS_EXIT_OK;
        default:
            fputs(run_usage, stderr);
            return CS_EXIT_USAGE;
        }
    }
    if (argc - optind > 1)
        return cli_fail("run", "one platform file at most (got '%s' and '%s')", argv[optind],
                        argv[optind + 1]);
    const char *path = optind < argc ? argv[optind] : (uri ? NULL : CHANSIM_DEFAULT_PLATFORM);

    cs_error err = {0};
    struct cs_platform *p = NULL;
    if (cs_platform_load(path, uri, &p, &err) < 0)
        return cli_fail("run", "%s", err.msg);

    int rc = CS_EXIT_USAGE;
    cs_trace_writer *tw = NULL;
    struct cs_machine *m = NULL;
    struct cs_run_summary sum;
    if (trace_dir && cs_trace_writer_open(&tw, trace_dir, p->clock_hz, &err) < 0) {
        cli_fail("run", "%s", err.msg);
        goto out;
    }
    struct cs_monitor_hub *hub = NULL;
    if (cs_machine_build_observed(p, cs_builtin_families, cs_builtin_nfamilies, tw,
                                  cs_monitor_attach_live_ready, &hub, &m, &err) < 0) {
        cli_fail("run", "%s", err.msg);
        cs_trace_writer_discard(tw);
        tw = NULL;
        goto out;
    }
    if (wave) {
        int n = crq_family_open_waves(wave, &err);
        if (n < 0) {
            cli_fail("run", "--wave: %s", err.msg);
            goto out;
        }
        if (n == 0) {
            cli_fail("run",
                     "--wave %s: the platform has no RTL engine to dump (give a <chansim:vio "
                     "model='ibmvmc'> engine='rtl')",
                     wave);
            goto out;
        }
    }
    if (mdev_dir && css_family_mdev_sysfs(mdev_dir, &err) < 0) {
        cli_fail("run", "--mdev-sysfs: %s", err.msg);
        goto out;
    }
    if (cs_sc_run(m, &ro, &sum, &err) < 0) {
        cli_fail("run", "%s", err.msg);
        goto out;
    }
    cs_monitor_finish_live(m, hub);
    uint64_t events = tw ? cs_trace_writer_events(tw) : 0;
    print_summary(p, m, &sum, trace_dir, events);
    rc = CS_EXIT_OK;
    if (strict && (m->driver_findings || m->protocol_findings))
        rc = CS_EXIT_FINDINGS;
    if (m->tap.trace_error.set)
        rc = cli_fail("run", "%s", m->tap.trace_error.msg);

out:
    cs_machine_free(m);
    /* Close even after a failure: what was recorded up to it stays readable. */
    if (tw && cs_trace_writer_close(tw, &err) < 0)
        rc = cli_fail("run", "%s", err.msg);
    cs_platform_free(p);
    return rc;
}
