/* chansim-bench-trace [EVENTS]: write EVENTS (default 10 million) 32-byte message events over
 * four channels to a trace in a scratch directory under $TMPDIR, read them back, and compare
 * both rates with a memcpy of the same number of bytes. Prints peak RSS after each phase.
 * Targets: >= 20 M events/s for writer and reader on one core, peak RSS <= 64 MiB.
 * Exits 1 if the events read back differ from those written. */
#include "cs_trace.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHANNELS      4
#define PAYLOAD       32
#define TARGET_EPS    20e6
#define TARGET_RSS_MB 64.0

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* User and system CPU seconds so far: tells the library's own work from the kernel's page
 * cache copies, which dominate and vary with the machine. */
static void cpu_times(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static void remove_trace(const char *tmp, const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p;
            if (asprintf(&p, "%s/%s", dir, e->d_name) > 0) {
                unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    rmdir(dir);
    rmdir(tmp);
}

static uint64_t trace_bytes(const char *dir)
{
    uint64_t total = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *p;
        struct stat st;
        if (e->d_name[0] == '.' || asprintf(&p, "%s/%s", dir, e->d_name) < 0)
            continue;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
        free(p);
    }
    closedir(d);
    return total;
}

static int bench_write(const char *dir, uint64_t n, cs_error *err)
{
    cs_trace_writer *w;
    uint16_t ch[CHANNELS];
    if (cs_trace_writer_open(&w, dir, 1000000000, err) < 0)
        return -1;
    for (int i = 0; i < CHANNELS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "bench%d", i);
        if (cs_trace_writer_add_channel(w, name, "bench", &ch[i], err) < 0)
            goto fail;
    }
    uint8_t payload[PAYLOAD];
    memset(payload, 0xa5, sizeof(payload));
    for (uint64_t i = 0; i < n; i++) {
        memcpy(payload, &i, sizeof(i)); /* lets the reader check every event */
        if (cs_trace_write_msg(w, ch[i % CHANNELS], i, (enum cs_trace_dir)(i & 1), (uint16_t)i,
                               payload, PAYLOAD, err) < 0)
            goto fail;
    }
    return cs_trace_writer_close(w, err);
fail:
    cs_trace_writer_close(w, NULL);
    return -1;
}

static int bench_read(const char *dir, uint64_t n, cs_error *err)
{
    cs_trace_reader *r;
    if (cs_trace_reader_open(&r, dir, err) < 0)
        return -1;
    struct cs_trace_event ev;
    uint64_t got = 0;
    int rc;
    while ((rc = cs_trace_reader_next(r, &ev, err)) == 1) {
        uint64_t k;
        memcpy(&k, ev.payload, sizeof(k));
        if (k != got || ev.cycles != got || ev.channel != got % CHANNELS || ev.len != PAYLOAD) {
            cs_error_set(err,
                         "event %" PRIu64 " read back wrong (cycle %" PRIu64
                         ", channel %u, number %" PRIu64 ")",
                         got, ev.cycles, ev.channel, k);
            rc = -1;
            break;
        }
        got++;
    }
    if (rc == 0 && got != n)
        rc = cs_error_set(err, "read %" PRIu64 " events, wrote %" PRIu64, got, n);
    if (rc == 0 && cs_trace_reader_warning(r))
        rc = cs_error_set(err, "unexpected warning: %s", cs_trace_reader_warning(r));
    cs_trace_reader_close(r);
    return rc;
}

/* memcpy of the same byte count through buffers larger than the last-level cache. */
static double bench_memcpy(uint64_t bytes)
{
    size_t size = 64u << 20, chunk = 64u << 10;
    uint8_t *src = malloc(size), *dst = malloc(size);
    if (!src || !dst) {
        free(src);
        free(dst);
        return 0;
    }
    memset(src, 1, size); /* fault the pages in before timing */
    memset(dst, 2, size);
    double t0 = now();
    size_t at = 0;
    for (uint64_t done = 0; done < bytes; done += chunk) {
        size_t k = bytes - done < chunk ? (size_t)(bytes - done) : chunk;
        memcpy(dst + at, src + at, k);
        at = at + chunk >= size ? 0 : at + chunk;
    }
    double t = now() - t0;
    volatile uint8_t sink = dst[bytes % size];
    (void)sink;
    free(src);
    free(dst);
    return t;
}

int main(int argc, char **argv)
{
    uint64_t n = 10000000;
    if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
        fprintf(stderr, "usage: %s [EVENTS]   (default 10000000)\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtoull(argv[1], &end, 10);
        if (errno || *end || end == argv[1] || n == 0) {
            fprintf(stderr, "%s: EVENTS must be a positive integer, got \"%s\"\n", argv[0],
                    argv[1]);
            return 2;
        }
    }
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    mkdir(base, 0777);
    char *tmp, *dir;
    if (asprintf(&tmp, "%s/chansim-bench-XXXXXX", base) < 0 || !mkdtemp(tmp) ||
        asprintf(&dir, "%s/trace", tmp) < 0) {
        fprintf(stderr, "%s: cannot create a scratch directory in %s: %s\n", argv[0], base,
                strerror(errno));
        return 2;
    }

    cs_error err = {0};
    double u0, s0, u1, s1, u2 = 0, s2 = 0;
    cpu_times(&u0, &s0);
    double t0 = now();
    int rc = bench_write(dir, n, &err);
    double tw = now() - t0;
    cpu_times(&u1, &s1);
    double rss_w = peak_rss_mib();
    uint64_t bytes = trace_bytes(dir);
    double tr = 0, rss_r = 0;
    if (rc == 0) {
        t0 = now();
        rc = bench_read(dir, n, &err);
        tr = now() - t0;
        cpu_times(&u2, &s2);
        rss_r = peak_rss_mib();
    }
    remove_trace(tmp, dir);
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", argv[0], err.msg);
        return 1;
    }
    double tm = bench_memcpy(bytes);

    double mb = (double)bytes / 1e6;
    printf("chansim-bench-trace: %" PRIu64 " events, %d-byte payloads, %d channels, "
           "%.1f MB of trace\n",
           n, PAYLOAD, CHANNELS, mb);
    printf("  write   %7.3f s  %7.2f M events/s  %7.0f MB/s  %5.1fx memcpy time  peak RSS "
           "%.1f MiB  (cpu: user %.3f s, sys %.3f s)\n",
           tw, (double)n / tw / 1e6, mb / tw, tm > 0 ? tw / tm : 0, rss_w, u1 - u0, s1 - s0);
    printf("  read    %7.3f s  %7.2f M events/s  %7.0f MB/s  %5.1fx memcpy time  peak RSS "
           "%.1f MiB  (cpu: user %.3f s, sys %.3f s)\n",
           tr, (double)n / tr / 1e6, mb / tr, tm > 0 ? tr / tm : 0, rss_r, u2 - u1, s2 - s1);
    printf("  memcpy  %7.3f s  %7.2f M events/s  %7.0f MB/s  (same bytes, 64 MiB buffers)\n", tm,
           tm > 0 ? (double)n / tm / 1e6 : 0, tm > 0 ? mb / tm : 0);
    printf("  targets (>= %.0f M events/s each, RSS <= %.0f MiB): write %s, read %s, RSS %s\n",
           TARGET_EPS / 1e6, TARGET_RSS_MB, (double)n / tw >= TARGET_EPS ? "met" : "missed",
           (double)n / tr >= TARGET_EPS ? "met" : "missed",
           rss_r <= TARGET_RSS_MB ? "met" : "missed");
    free(dir);
    free(tmp);
    return 0;
}
