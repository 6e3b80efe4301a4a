/* chansim-bench-crq: the CRQ family's speed.
 *
 *   chansim-bench-crq [ELEMENTS [MESSAGES [TRACE_MESSAGES]]]
 *
 * 1. Raw queue: ELEMENTS (default 10 million) 16-byte elements put into a registered CRQ by the
 *    facility (crq_send) and taken out by a consumer, beside a plain C single-producer
 *    single-consumer ring of 16-byte entries with the same valid-byte protocol, in this run.
 * 2. End to end: MESSAGES (default 100000) HMC messages of 4 KiB through the unmodified ibmvmc
 *    driver (agent write, HMC echo, SIGNAL back, agent read) with the monitors live: round
 *    trips per second of wall time.
 * 3. The same with a trace recorded, TRACE_MESSAGES (default 1000000) messages: wall time and
 *    peak resident memory.
 * 4. Run 2 again with the CRQ queue mechanics in the RTL engine (engine='rtl', docs/rtl.md),
 *    clocked by its thread, once with rtl-clock='on-demand' (idle cycles skipped) and once with
 *    rtl-clock='continuous' (every cycle clocked, as hardware: its wall time follows the
 *    simulated time, about 5.2 us a round trip, at a few million edges a second; docs/rtl.md
 *    measures with MESSAGES 10000): wall times, and their ratios to run 2's (the issue's
 *    target: the C model at least 50 times faster). Run 1 also puts
 *    ELEMENTS / 10 elements through the RTL engine alone, for the ratio of the queue
 *    operations without the driver around them.
 * Runs 2, 3 and 4 each simulate in a child process (SystemC elaborates once per process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_sc_run.h"
#include "cs_trace.h"
#include "crq.h"
#include "crq_family.h"
#include "crq_timing.h"
#include "kshim/kernel.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- 1: raw queue ------------------------------------------------------------------------ */

struct ring_entry {
    volatile uint8_t b[16];
};

static double plain_ring(unsigned long n)
{
    static struct ring_entry ring[256];
    memset(ring, 0, sizeof(ring));
    unsigned prod = 0, cons = 0;
    uint8_t e[16] = {0x80, 6}, out[16];
    uint64_t sum = 0;
    double t0 = now_s();
    for (unsigned long i = 0; i < n; i++) {
        struct ring_entry *p = &ring[prod];
        if (p->b[0])
            abort();
        e[15] = (uint8_t)i;
        memcpy((void *)(p->b + 1), e + 1, 15);
        __atomic_store_n(&p->b[0], e[0], __ATOMIC_RELEASE);
        prod = (prod + 1) % 256;
        struct ring_entry *c = &ring[cons];
        if (__atomic_load_n(&c->b[0], __ATOMIC_ACQUIRE)) {
            memcpy(out, (const void *)c->b, 16);
            sum += out[15];
            c->b[0] = 0;
            cons = (cons + 1) % 256;
        }
    }
    double t = now_s() - t0;
    if (sum == 1)
        puts("");
    return t;
}

static int claims_nothing(const struct cs_domain_desc *d, const struct cs_device_desc *dev)
{
    (void)d;
    (void)dev;
    return 0;
}

static const struct cs_family costs_only = {.name = "crq",
                                            .models = "",
                                            .costs = crq_cost_table,
                                            .ncosts = CRQ_COST_COUNT,
                                            .claims = claims_nothing};

static long ep_receive(void *ctx, const uint8_t e[16])
{
    (void)ctx;
    (void)e;
    return H_SUCCESS;
}

static const struct crq_endpoint_ops ep_ops = {.receive = ep_receive};

static double model_queue(unsigned long n, enum crq_engine engine, cs_error *err)
{
    const struct cs_family *fams[] = {&costs_only};
    struct cs_platform *p;
    struct cs_machine *m;
    struct crq_facility *f;
    struct crq_adapter *a;
    if (cs_platform_load(BENCH_LPAR, NULL, &p, err) < 0 ||
        cs_machine_build(p, fams, 1, NULL, &m, err) < 0 ||
        crq_facility_create(&m->domains[0], &f, err) < 0 ||
        crq_adapter_add(f, "bench.crq", 1, 0x1000, 0x2000, &ep_ops, NULL, &a, err) < 0 ||
        crq_adapter_set_engine(a, engine, err) < 0)
        return -1;
    unsigned long args[3] = {1, 0x100000, 4096};
    uint64_t cost;
    if (crq_hcall(f, H_REG_CRQ, args, 3, NULL, &cost) != H_SUCCESS)
        return -1;
    uint8_t *q = cs_gmem_ptr(&m->domains[0].mem, 0x100000, 4096);
    uint8_t e[16] = {0x80, 6}, out[16];
    unsigned cons = 0;
    uint64_t sum = 0;
    double t0 = now_s();
    for (unsigned long i = 0; i < n; i++) {
        e[15] = (uint8_t)i;
        if (crq_send(a, e) != H_SUCCESS)
            abort();
        uint8_t *c = q + 16u * cons;
        if (__atomic_load_n(&c[0], __ATOMIC_ACQUIRE)) {
            memcpy(out, c, 16);
            sum += out[15];
            c[0] = 0;
            cons = (cons + 1) % 256;
        }
    }
    double t = now_s() - t0;
    if (sum == 1)
        puts("");
    crq_facility_free(f);
    cs_machine_free(m);
    cs_platform_free(p);
    return t;
}

/* ---- 2, 3, 4: end to end ---------------------------------------------------------------- */

/* engine: "c", or the RTL engine's clock mode ("on-demand", "continuous"). */
static int end_to_end(unsigned long messages, int trace, const char *engine, double *wall_out,
                      cs_error *err)
{
    int rtl = strcmp(engine, "c") != 0;
    char path[] = "/tmp/chansim-bench-crq-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return cs_error_set(err, "mkstemp failed");
    FILE *fp = fdopen(fd, "w");
    fprintf(fp,
            "<domain type='test'><name>lpar</name><memory unit='MiB'>64</memory>"
            "<os><type arch='ppc64' machine='pseries'>hvm</type></os><metadata>"
            "<chansim:platform xmlns:chansim='urn:chansim:platform:1'>"
            "<chansim:vio model='ibmvmc' engine='%s' rtl-clock='%s' reg='0x30000002' "
            "messages='%lu' size='4096'/></chansim:platform></metadata></domain>\n",
            rtl ? "rtl" : "c", rtl ? engine : "continuous", messages);
    fclose(fp);
    char tdir[64] = "";
    if (trace) {
        snprintf(tdir, sizeof(tdir), "/tmp/chansim-bench-crq-trace-%d", (int)getpid());
    }
    const struct cs_family *fams[] = {&crq_family};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    cs_trace_writer *tw = NULL;
    struct cs_monitor_hub *hub;
    struct cs_run_summary sum;
    int rc = -1;
    double t0 = now_s();
    if (cs_platform_load(path, NULL, &p, err) < 0)
        goto out;
    if (trace && cs_trace_writer_open(&tw, tdir, p->clock_hz, err) < 0)
        goto out;
    if (cs_machine_build(p, fams, 1, tw, &m, err) < 0 || cs_monitor_attach_live(m, &hub, err) < 0)
        goto out;
    struct crq_vmc_device *const *devs;
    crq_vmc_devices(&devs);
    ks_kernel_set_console_level(devs[0]->kernel, -1);
    struct cs_run_opts ro = {0};
    if (cs_sc_run(m, &ro, &sum, err) < 0)
        goto out;
    double wall = now_s() - t0;
    *wall_out = wall;
    const struct vmc_app_result *r = &devs[0]->result;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char label[64];
    snprintf(label, sizeof(label), "end to end, 4 KiB%s%s%s", trace ? ", traced" : "",
             rtl ? ", RTL " : "", rtl ? engine : "");
    printf("  %-34s %8lu round trips in %7.3f s wall: %9.0f/s (simulated %.3f ms), "
           "peak RSS %.1f MiB%s\n",
           label, (unsigned long)r->received, wall, (double)r->received / wall,
           (double)sum.sim_ns / 1e6, (double)ru.ru_maxrss / 1024.0,
           r->received == messages ? "" : "  (INCOMPLETE)");
    rc = r->received == messages && !r->mismatched ? 0 : -1;
out:
    cs_machine_free(m);
    if (tw)
        cs_trace_writer_close(tw, NULL);
    cs_platform_free(p);
    unlink(path);
    if (trace) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tdir);
    }
    return rc;
}

/* The child's wall time comes back through a pipe, for the C/RTL ratio. */
static int in_child(unsigned long messages, int trace, const char *engine, double *wall)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        cs_error err = {0};
        double w = 0;
        int rc = end_to_end(messages, trace, engine, &w, &err);
        if (rc < 0 && err.set)
            fprintf(stderr, "chansim-bench-crq: %s\n", err.msg);
        fflush(stdout);
        if (write(fds[1], &w, sizeof(w)) != (ssize_t)sizeof(w))
            rc = -1;
        _exit(rc < 0 ? 1 : 0);
    }
    close(fds[1]);
    *wall = 0;
    if (read(fds[0], wall, sizeof(*wall)) != (ssize_t)sizeof(*wall))
        *wall = 0;
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000000;
    unsigned long messages = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
    unsigned long traced = argc > 3 ? strtoul(argv[3], NULL, 0) : 1000000;
    cs_error err = {0};
    printf("chansim-bench-crq\n");
    double ring = plain_ring(n);
    double model = model_queue(n, CRQ_ENGINE_C, &err);
    /* The RTL engine is far slower per element: a tenth as many keep the run short. */
    unsigned long n_rtl = n / 10 ? n / 10 : 1;
    double rtl = model < 0 ? -1 : model_queue(n_rtl, CRQ_ENGINE_RTL, &err);
    if (model < 0 || rtl < 0) {
        fprintf(stderr, "chansim-bench-crq: %s\n", err.msg);
        return 2;
    }
    printf("  plain SPSC ring, 16-byte entries %8.1f M elements/s\n", (double)n / ring / 1e6);
    printf("  CRQ model enqueue + dequeue       %8.1f M elements/s   %.0f%% of the ring "
           "(target >= 25%%)\n",
           (double)n / model / 1e6, 100.0 * ring / model);
    printf("  CRQ RTL engine enqueue + dequeue  %8.3f M elements/s   C model / RTL = %.1f "
           "(queue operations alone)\n",
           (double)n_rtl / rtl / 1e6, ((double)n_rtl / rtl) > 0 ? (n / model) / (n_rtl / rtl) : 0);
    int rc = 0;
    double c_wall = 0, od_wall = 0, cont_wall = 0, traced_wall = 0;
    if (messages && in_child(messages, 0, "c", &c_wall) < 0)
        rc = 1;
    if (traced && in_child(traced, 1, "c", &traced_wall) < 0)
        rc = 1;
    if (messages && in_child(messages, 0, "on-demand", &od_wall) < 0)
        rc = 1;
    if (messages && in_child(messages, 0, "continuous", &cont_wall) < 0)
        rc = 1;
    if (c_wall > 0 && od_wall > 0 && cont_wall > 0)
        printf("  same VMC scenario, wall: C engine %.3f s, RTL on-demand %.3f s, RTL continuous "
               "%.3f s\n"
               "    RTL on-demand / C = %.2f, RTL continuous / C = %.2f (target >= 50)\n",
               c_wall, od_wall, cont_wall, od_wall / c_wall, cont_wall / c_wall);
    printf("  targets: >= 200000 round trips/s; < 128 MiB resident for 1000000 traced messages\n");
    return rc;
}
