/* chansim-bench-dasd: 4 KiB reads through the 3390 model's command path (Define Extent,
 * Locate Record, Read Data, as the channel subsystem hands them over), per second of wall
 * time, on one track and on random tracks of a written area; and the simulated IOPS the
 * calibration table gives, beside the published service times (docs/calibration.md, dasd).
 * Usage: chansim-bench-dasd [programs] [image path] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dasd.h"
#include "dasd_image.h"

struct css_dstream {
    uint8_t *buf;
    size_t count, pos;
};

long css_dstream_write(struct css_dstream *s, const void *buf, size_t n)
{
    size_t m = s->count - s->pos < n ? s->count - s->pos : n;
    memcpy(s->buf + s->pos, buf, m);
    s->pos += m;
    return (long)m;
}
long css_dstream_read(struct css_dstream *s, void *buf, size_t n)
{
    size_t m = s->count - s->pos < n ? s->count - s->pos : n;
    memcpy(buf, s->buf + s->pos, m);
    s->pos += m;
    return (long)m;
}
size_t css_dstream_avail(const struct css_dstream *s)
{
    return s->count - s->pos;
}

static uint64_t cmd(struct dasd *d, uint8_t code, void *buf, size_t n)
{
    struct css_dstream s = {buf, n, 0};
    struct css_dev_result r = dasd_device_ops.command(d, code, &s);
    if (r.dstat != (CSS_DEV_CHANNEL_END | CSS_DEV_DEVICE_END)) {
        fprintf(stderr, "command %02x ended with status %02x\n", code, r.dstat);
        exit(1);
    }
    return r.busy_ns;
}

/* One program on block b; returns the device's busy time. */
static uint64_t program(struct dasd *d, uint32_t b, int write, uint8_t *data)
{
    uint32_t trk = b / 12, rec = b % 12 + 1;
    uint8_t dx[32] = {write ? 0x80 : 0x40}, lr[16] = {write ? 0x01 : 0x06, 0, 0, 1};
    dx[8] = dx[12] = lr[4] = lr[8] = (uint8_t)(trk / 15 >> 8);
    dx[9] = dx[13] = lr[5] = lr[9] = (uint8_t)(trk / 15);
    dx[11] = dx[15] = lr[7] = lr[11] = (uint8_t)(trk % 15);
    lr[12] = (uint8_t)rec;
    dasd_device_ops.program_start(d);
    uint64_t busy = cmd(d, 0x63, dx, sizeof dx) + cmd(d, 0x47, lr, sizeof lr) +
                    cmd(d, write ? 0x85 : 0x86, data, 4096);
    dasd_device_ops.program_end(d);
    return busy;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    char path[512];
    if (argc > 2)
        snprintf(path, sizeof path, "%s", argv[2]);
    else
        snprintf(path, sizeof path, "%s/chansim-bench-dasd-%d.img",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    cs_error err = {0};
    if (dasd_image_create(path, 3, 4096, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    struct dasd *d = dasd_open(path, NULL, &err);
    if (!d) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    static uint8_t data[4096];
    enum { AREA = 12 * 15 * 100 }; /* 100 cylinders written */
    for (uint32_t b = 0; b < AREA; b++) {
        memset(data, (int)b, sizeof data);
        program(d, b, 1, data);
    }

    double t0 = now();
    uint64_t busy = 0;
    for (long i = 0; i < n; i++)
        busy += program(d, (uint32_t)(i % 12), 0, data);
    double same = n / (now() - t0);
    double same_busy = (double)busy / n;

    if (dasd_close(d, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    /* random tracks through a control unit that caches 64 of them: mostly misses */
    struct dasd_options small = {.cache_tracks = 64};
    d = dasd_open(path, &small, &err);
    if (!d) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    uint64_t x = 88172645463325252ull;
    busy = 0;
    t0 = now();
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        busy += program(d, (uint32_t)(x % AREA), 0, data);
    }
    double rnd = n / (now() - t0);
    double rnd_busy = (double)busy / n;
    uint64_t hits, misses;
    dasd_cache_stats(d, &hits, &misses);

    printf("dasd model, 4 KiB reads (DX + LR + Read Data) per second of wall time:\n");
    printf("  one track:                  %10.0f /s\n", same);
    printf("  random tracks of 1500:      %10.0f /s\n", rnd);
    printf("simulated service time (default calibration) against the published figure:\n");
    printf("  cache hit  %8.1f us = %6.0f IOPS  (published: typically < 1 ms)\n", same_busy / 1e3,
           1e9 / same_busy);
    printf("  random     %8.1f us = %6.0f IOPS  (%llu hits, %llu misses in a 64-track cache; "
           "published miss: up to 10 ms)\n",
           rnd_busy / 1e3, 1e9 / rnd_busy, (unsigned long long)hits, (unsigned long long)misses);
    if (dasd_close(d, &err) < 0)
        fprintf(stderr, "%s\n", err.msg);
    unlink(path);
    return 0;
}
