/* chansim-bench-css: the css family as `chansim run` builds it, on a platform of one s390x
 * domain with one vfio-ccw DASD whose guest does N random 4 KiB reads (program='read'): each
 * through the I/O region, the unmodified vfio_ccw translation and pinning, the CSS model and
 * the 3390 model. Prints reads per second of wall time (issue #5 target: 100,000/s) and the
 * simulated IOPS and latency with the default calibration, beside the published figures the
 * calibration was set to (docs/calibration.md, css and dasd). Argument: number of reads. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "css_family.h"
#include "dasd.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char platform[] =
    "<domain type='test'><name>bench</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\n"
    "<os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>\n"
    "<devices><hostdev mode='subsystem' type='mdev' model='vfio-ccw'>\n"
    "<source><address uuid='6c0f7a2e-9b1d-4c3e-8f5a-2b4c6d8e0f11'/></source>\n"
    "<address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0100'/></hostdev></devices>\n"
    "<metadata><chansim:platform xmlns:chansim='urn:chansim:platform:1'>\n"
    "<chansim:dasd mdev='6c0f7a2e-9b1d-4c3e-8f5a-2b4c6d8e0f11' program='read' ios='%lu'/>\n"
    "</chansim:platform></metadata></domain>\n";

int main(int argc, char **argv)
{
    unsigned long reads = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600];
    snprintf(dir, sizeof(dir), "%s/bench-css-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("chansim-bench-css: mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/bench.xml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror("chansim-bench-css: platform file");
        return 1;
    }
    fprintf(f, platform, reads);
    fclose(f);

    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    const struct cs_family *fams[] = {&css_family};
    struct cs_run_opts ro = {0};
    struct cs_run_summary sum;
    int rc = 1;
    /* CPU time too: the machine is shared with other builds */
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (cs_platform_load(path, NULL, &p, &err) < 0 ||
        cs_machine_build(p, fams, 1, NULL, &m, &err) < 0 || cs_sc_run(m, &ro, &sum, &err) < 0) {
        fprintf(stderr, "chansim-bench-css: %s\n", err.msg);
        goto out;
    }
    double wall = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    struct css_dasd_device *const *devs;
    if (css_dasd_devices(&devs) != 1) {
        fprintf(stderr, "chansim-bench-css: the platform's DASD is missing\n");
        goto out;
    }
    const struct css_vfio_guest_result *r = &devs[0]->result;
    if (!r->done || r->errors || r->io_programs != reads) {
        fprintf(stderr, "chansim-bench-css: %llu of %lu reads, %llu errors: %s\n",
                (unsigned long long)r->io_programs, reads, (unsigned long long)r->errors, r->why);
        goto out;
    }
    uint64_t hits, misses;
    dasd_cache_stats(devs[0]->dasd, &hits, &misses);
    double lat_us = r->sim_ns / 1e3 / reads;
    printf("css family: %lu random 4 KiB reads of a 3390-3 (vfio_ccw + CSS model + 3390 model)\n",
           reads);
    printf("  wall:      %.0f reads/s (%.2f us each, machine build and boot included; "
           "target >= 100000/s)\n",
           reads / wall, wall * 1e6 / reads);
    printf("  CPU time:  %.0f reads/s (%.2f us each)\n", reads / cpu, cpu * 1e6 / reads);
    printf("  simulated: %.0f IOPS, %.1f us per read, one at a time; %llu cache hits, %llu "
           "misses\n",
           reads / (r->sim_ns / 1e9), lat_us, (unsigned long long)hits, (unsigned long long)misses);
    printf("  published: 4 KB SSCH to interrupt, cache hit typically < 1 ms, miss up to 10 ms "
           "(Fujitsu BS2000 Performance Handbook); command-mode FICON ~14,000 IO/s per channel "
           "(IBM FICON performance page)\n");
    rc = 0;
out:
    cs_machine_free(m);
    cs_platform_free(p);
    remove(path);
    rmdir(dir);
    return rc;
}
