/* chansim-bench-replay: offline checking and replay speed.
 *
 *   chansim-bench-replay [MESSAGES [SIZE]]
 *
 * Records a VMC session of MESSAGES (default 1000000) HMC messages of SIZE (default 64) bytes
 * through the unmodified ibmvmc driver, then
 *  1. reads the trace with the trace reader alone, and runs the protocol monitors over it as
 *     `chansim check` does: events per second of each, and peak resident memory;
 *  2. replays it against the driver (firmware mode): wall time beside the recording's.
 * The recording and the replay simulate in child processes (SystemC elaborates once per
 * process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crq_family.h"
#include "crq_replay.h"
#include "cs_machine.h"
#include "cs_monitor.h"
#include "cs_monitor_live.h"
#include "cs_sc_run.h"
#include "cs_trace.h"
#include "kshim/kernel.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int simulate(const char *platform, const char *trace, int replay, double *wall)
{
    cs_error err = {0};
    const struct cs_family *fams[] = {&crq_family};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    cs_trace_writer *tw = NULL;
    struct crq_replay *rp = NULL;
    struct cs_monitor_hub *hub;
    struct cs_run_summary sum;
    int rc = 1;
    double t0 = now_s();
    struct crq_replay_opts ro = {.mode = CRQ_REPLAY_FIRMWARE};
    if ((replay && crq_replay_open(trace, &ro, &rp, &err) < 0) ||
        cs_platform_load(platform, NULL, &p, &err) < 0 ||
        (!replay && cs_trace_writer_open(&tw, trace, p->clock_hz, &err) < 0) ||
        cs_machine_build(p, fams, 1, tw, &m, &err) < 0 || cs_monitor_attach_live(m, &hub, &err) < 0)
        goto out;
    struct crq_vmc_device *const *devs;
    crq_vmc_devices(&devs);
    ks_kernel_set_console_level(devs[0]->kernel, -1);
    struct cs_run_opts run = {0};
    if (cs_sc_run(m, &run, &sum, &err) < 0)
        goto out;
    rc = 0;
    if (replay) {
        struct crq_replay_result res;
        crq_replay_finish(rp, &res);
        if (res.diverged) {
            fprintf(stderr, "%s", res.text);
            rc = 1;
        }
    }
out:
    if (err.set)
        fprintf(stderr, "chansim-bench-replay: %s\n", err.msg);
    cs_machine_free(m);
    if (tw)
        cs_trace_writer_close(tw, NULL);
    cs_platform_free(p);
    crq_replay_close(rp);
    *wall = now_s() - t0;
    return rc;
}

static int in_child(const char *platform, const char *trace, int replay, double *wall)
{
    int fd[2];
    if (pipe(fd) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        double w = 0;
        int rc = simulate(platform, trace, replay, &w);
        if (write(fd[1], &w, sizeof(w)) != (ssize_t)sizeof(w))
            rc = 1;
        _exit(rc);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], wall, sizeof(*wall));
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return got == (ssize_t)sizeof(*wall) && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void no_finding(void *ctx, const struct cs_finding *f)
{
    (void)ctx;
    (void)f;
}

int main(int argc, char **argv)
{
    unsigned long messages = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
    unsigned long size = argc > 2 ? strtoul(argv[2], NULL, 0) : 64;
    char platform[] = "/tmp/chansim-bench-replay-XXXXXX";
    int pfd = mkstemp(platform);
    if (pfd < 0)
        return 2;
    FILE *fp = fdopen(pfd, "w");
    fprintf(fp,
            "<domain type='test'><name>lpar</name><memory unit='MiB'>64</memory>"
            "<os><type arch='ppc64' machine='pseries'>hvm</type></os><metadata>"
            "<chansim:platform xmlns:chansim='urn:chansim:platform:1'>"
            "<chansim:vio model='ibmvmc' reg='0x30000002' messages='%lu' size='%lu'/>"
            "</chansim:platform></metadata></domain>\n",
            messages, size);
    fclose(fp);
    char trace[64];
    snprintf(trace, sizeof(trace), "/tmp/chansim-bench-replay-trace-%d", (int)getpid());
    printf("chansim-bench-replay: %lu messages of %lu bytes\n", messages, size);
    double rec_wall = 0, rep_wall = 0;
    int rc = 0;
    if (in_child(platform, trace, 0, &rec_wall) < 0) {
        fprintf(stderr, "chansim-bench-replay: recording failed\n");
        rc = 1;
        goto out;
    }
    /* 1: the reader alone, then the monitors as chansim check runs them */
    cs_error err = {0};
    cs_trace_reader *r;
    struct cs_trace_event ev;
    uint64_t n = 0;
    double t0 = now_s();
    if (cs_trace_reader_open(&r, trace, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        rc = 1;
        goto out;
    }
    while (cs_trace_reader_next(r, &ev, &err) == 1)
        n++;
    cs_trace_reader_close(r);
    double t_read = now_s() - t0;
    t0 = now_s();
    if (cs_trace_reader_open(&r, trace, &err) < 0) {
        rc = 1;
        goto out;
    }
    struct cs_monitor_hub *hub = cs_monitor_hub_new(no_finding, NULL);
    for (size_t i = 0; i < cs_trace_reader_channels(r); i++)
        cs_monitor_hub_channel(hub, (uint16_t)i, cs_trace_reader_channel_name(r, i),
                               cs_trace_reader_channel_family(r, i));
    uint64_t last = 0;
    while (cs_trace_reader_next(r, &ev, &err) == 1) {
        last = ev.cycles;
        if (ev.type != CS_TRACE_MSG)
            continue;
        struct cs_mon_msg m = {ev.cycles, ev.channel, ev.dir, ev.kind, ev.len, ev.payload};
        cs_monitor_hub_msg(hub, &m);
    }
    cs_monitor_hub_finish(hub, last);
    uint64_t findings = cs_monitor_hub_findings(hub);
    cs_monitor_hub_free(hub);
    cs_trace_reader_close(r);
    double t_check = now_s() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  recording                 %8.2f s wall, %llu events\n", rec_wall,
           (unsigned long long)n);
    printf("  trace reader alone        %8.2f M events/s\n", (double)n / t_read / 1e6);
    printf("  check (reader + monitors) %8.2f M events/s  (%.0f%% of the reader; %llu "
           "findings; target >= 10 M events/s), peak RSS %.1f MiB\n",
           (double)n / t_check / 1e6, 100.0 * t_read / t_check, (unsigned long long)findings,
           (double)ru.ru_maxrss / 1024.0);
    if (in_child(platform, trace, 1, &rep_wall) < 0) {
        fprintf(stderr, "chansim-bench-replay: replay failed or diverged\n");
        rc = 1;
    } else {
        printf("  replay against the driver %8.2f s wall  (%.2fx the recording)\n", rep_wall,
               rep_wall / rec_wall);
    }
out:
    unlink(platform);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", trace);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", trace);
    return rc;
}
