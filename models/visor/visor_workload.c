#include "visor_workload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "kshim/kernel.h"
#include "visor_user.h"

#define IO_BYTES 4096u

static void fail(struct visor_workload *w, const char *fmt, long rc)
{
    w->errors++;
    if (!w->error[0])
        snprintf(w->error, sizeof(w->error), fmt, rc);
}

/* The device appears when the guest probed it, after controlvm created it. */
static int open_dev(struct ks_uproc *p, struct visor_workload *w, const char *base, int flags)
{
    char path[64];
    snprintf(path, sizeof(path), "/dev/%s%u", base, w->index);
    int fd = -ENOENT;
    for (int i = 0; i < 20000 && fd < 0; i++) {
        fd = ks_sys_open(p, path, flags);
        if (fd < 0)
            ks_sys_sleep_ms(p, 1);
    }
    if (fd < 0)
        fail(w, "open failed: %ld", fd);
    return fd;
}

static void pattern(uint8_t *b, uint64_t n, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        b[i] = (uint8_t)(n * 131 + i * 7 + (i >> 8));
    memcpy(b, &n, sizeof(n));
}

/* The guest driver's own count of protocol violations on the device (a hostile back-end). */
static void note_violations(struct ks_uproc *p, int fd, struct visor_workload *w)
{
    struct visorhba_info *info = ks_umalloc(p, sizeof(*info));
    if (info && ks_sys_ioctl(p, fd, VISORHBA_IOC_INFO, (unsigned long)info) == 0 &&
        info->violations > w->violations)
        w->violations = info->violations;
}

/* Worker nr of depth issues commands nr, nr + depth, ... of the workload's pairs (a WRITE and
 * the READ of it back) on 4 KiB slots nr, nr + depth, ... of the disk: no other worker writes
 * its blocks, so what it reads back is what it wrote. */
static void vhba(struct ks_uproc *p, struct visor_workload *w, unsigned nr)
{
    int fd = open_dev(p, w, "visorhba", O_RDWR);
    if (fd < 0)
        return;
    struct visorhba_scsi_cmd *c = ks_umalloc(p, sizeof(*c));
    uint8_t *buf = ks_umalloc(p, IO_BYTES), want[IO_BYTES];
    unsigned depth = w->depth ? w->depth : 1;
    uint64_t slots = w->blocks / 8 / depth;
    if (!c || !buf || slots == 0) {
        fail(w, "no memory (%ld)", 0);
        ks_sys_close(p, fd);
        return;
    }
    uint64_t count = w->count / depth + (nr < w->count % depth);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t pair = i / 2, lba = ((pair % slots) * depth + nr) * 8;
        int write = !w->read_only && (i % 2) == 0;
        if (w->read_only)
            lba = ((i % slots) * depth + nr) * 8;
        memset(c, 0, sizeof(*c));
        c->cdb[0] = write ? 0x2A : 0x28;
        c->cdb[2] = (uint8_t)(lba >> 24);
        c->cdb[3] = (uint8_t)(lba >> 16);
        c->cdb[4] = (uint8_t)(lba >> 8);
        c->cdb[5] = (uint8_t)lba;
        c->cdb[8] = 8;
        c->cdb_len = 10;
        c->data_dir = write ? VISORHBA_DIR_TO_DEVICE : VISORHBA_DIR_FROM_DEVICE;
        c->data_len = IO_BYTES;
        c->data = (uint64_t)(uintptr_t)buf;
        /* read-only (the benchmark's mode) compares nothing: no expected data to make */
        if (!w->read_only) {
            pattern(want, pair * depth + nr, IO_BYTES);
            if (write)
                memcpy(buf, want, IO_BYTES);
            else
                memset(buf, 0, IO_BYTES);
        }
        long rc = ks_sys_ioctl(p, fd, VISORHBA_IOC_SCSI, (unsigned long)c);
        if (rc == 0 && c->linuxstat == 0) {
            w->done++;
            if (!write && !w->read_only) {
                if (memcmp(buf, want, IO_BYTES) == 0)
                    w->verified++;
                else
                    fail(w, "READ data differs from what was written (command %ld)", (long)i);
            }
        } else if ((rc == 0 && (c->linuxstat >> 16) == 0x08) || rc == -EAGAIN || rc == -EBUSY) {
            /* DID_RESET (paused meanwhile) or busy (command queue full, as upstream's
             * SCSI_MLQUEUE_DEVICE_BUSY): redo the pair after a moment */
            if (rc == -EBUSY) /* nothing was sent: this command again */
                w->busy++;
            i -= rc == -EBUSY || w->read_only ? 1 : 1 + (i % 2);
            ks_sys_sleep_ms(p, 1);
        } else if (rc == -ENODEV) {
            fail(w, "device gone: %ld", rc);
            break;
        } else {
            if (rc == -EPROTO || rc == -ETIMEDOUT)
                note_violations(p, fd, w);
            fail(w, rc ? "SCSI ioctl failed: %ld" : "SCSI status: linuxstat 0x%lx",
                 rc ? rc : c->linuxstat);
            if (w->errors > 10)
                break;
        }
    }
    ks_sys_close(p, fd);
}

static void vnic(struct ks_uproc *p, struct visor_workload *w)
{
    int fd = open_dev(p, w, "visornic", O_RDWR);
    if (fd < 0)
        return;
    uint32_t *one = ks_umalloc(p, sizeof(*one));
    struct visornic_info *info = ks_umalloc(p, sizeof(*info));
    uint8_t *frame = ks_umalloc(p, 1514), *in = ks_umalloc(p, 1514);
    if (!one || !info || !frame || !in) {
        fail(w, "no memory (%ld)", 0);
        return;
    }
    *one = 1;
    long rc = -EAGAIN;
    for (int i = 0; i < 100 && rc; i++) {
        rc = ks_sys_ioctl(p, fd, VISORNIC_IOC_ENABLE, (unsigned long)one);
        if (rc)
            ks_sys_sleep_ms(p, 10);
    }
    if (rc || ks_sys_ioctl(p, fd, VISORNIC_IOC_INFO, (unsigned long)info) < 0) {
        fail(w, "enable failed: %ld", rc);
        return;
    }
    uint8_t mac[6];
    memcpy(mac, info->mac, 6);
    /* the peer enables too: give it a moment before the first frame */
    ks_sys_sleep_ms(p, 5);
    uint64_t sent = 0, next_seq = 0;
    int lossy = w->rx_delay_ms > 0;
    while (sent < w->count || w->received < w->count) {
        int progressed = 0;
        if (sent < w->count) {
            uint32_t len = 60 + (uint32_t)(sent % 1400);
            memcpy(frame, w->peer, 6);
            memcpy(frame + 6, mac, 6);
            frame[12] = 0x88; /* local experimental ethertype */
            frame[13] = 0xB5;
            pattern(frame + 14, sent, len - 14);
            ssize_t n = ks_sys_write(p, fd, frame, len);
            if (n == (ssize_t)len) {
                sent++;
                w->done++;
                progressed = 1;
            } else if (n != -EAGAIN) {
                fail(w, "write failed: %ld", (long)n);
                break;
            }
        }
        if (w->received < w->count && ks_sys_poll(p, fd, 1 /* POLLIN */, 0) > 0) {
            ssize_t n = ks_sys_read(p, fd, in, 1514);
            if (n >= 22) {
                uint64_t seq;
                memcpy(&seq, in + 14, 8);
                uint8_t want[1514];
                pattern(want, seq, (uint32_t)n - 14);
                /* lossy: frames may be missing, never out of order or changed */
                if ((lossy ? seq >= next_seq && seq < w->count : seq == next_seq) &&
                    !memcmp(in + 14, want, (size_t)n - 14))
                    w->verified++;
                else
                    fail(w, "received frame out of order or corrupted (sequence %ld)", (long)seq);
                next_seq = seq + 1;
                w->received++;
                progressed = 1;
                if (lossy)
                    ks_sys_sleep_ms(p, w->rx_delay_ms);
                if (lossy && next_seq >= w->count && sent >= w->count)
                    break; /* the peer's last frame */
            }
        }
        if (!progressed) {
            if (lossy && sent >= w->count) {
                if (ks_sys_poll(p, fd, 1, 500) <= 0)
                    break; /* quiet for 500 ms: what was lost is lost */
                continue;
            }
            if (ks_sys_poll(p, fd, 1, 20000) <= 0 && sent >= w->count) {
                fail(w, "no frame for 20 s (%ld received)", (long)w->received);
                break;
            }
        }
    }
    if (lossy)
        w->lost = w->count > w->received ? w->count - w->received : 0;
    if (ks_sys_ioctl(p, fd, VISORNIC_IOC_INFO, (unsigned long)info) == 0)
        w->rx_dropped = info->rx_dropped;
    ks_sys_close(p, fd);
}

static void input(struct ks_uproc *p, struct visor_workload *w)
{
    int fd = open_dev(p, w, "visorinput", O_RDONLY);
    if (fd < 0)
        return;
    struct visorinput_event *ev = ks_umalloc(p, sizeof(*ev) * 16);
    if (!ev) {
        fail(w, "no memory (%ld)", 0);
        return;
    }
    while (w->received < w->count) {
        if (ks_sys_poll(p, fd, 1, 20000) <= 0) {
            fail(w, "no input for 20 s (%ld reports)", (long)w->received);
            break;
        }
        ssize_t n = ks_sys_read(p, fd, ev, sizeof(*ev) * 16);
        if (n < 0) {
            fail(w, "read failed: %ld", (long)n);
            break;
        }
        for (ssize_t i = 0; i < n / (ssize_t)sizeof(*ev); i++) {
            w->done++;
            if (ev[i].type == VISORINPUT_EV_SYN)
                w->received++;
        }
    }
    w->verified = w->received;
    if (w->hold && !w->errors) {
        /* done, but the file stays open: the driver keeps the interrupt on and no timer, so
         * the run still goes idle; reports that come later are read and counted */
        w->finished = 1;
        w->holding = 1;
        while (ks_sys_poll(p, fd, 1, -1) > 0) {
            ssize_t n = ks_sys_read(p, fd, ev, sizeof(*ev) * 16);
            if (n < 0)
                break;
            w->done += (uint64_t)n / sizeof(*ev);
        }
        w->holding = 0;
    }
    ks_sys_close(p, fd);
}

static void run_vhba(struct ks_uproc *p, void *arg)
{
    struct visor_worker *k = arg;
    vhba(p, k->w, k->nr);
    if (--k->w->running == 0)
        k->w->finished = 1;
}

static void run(struct ks_uproc *p, void *arg)
{
    struct visor_workload *w = arg;
    switch (w->kind) {
    case VISOR_WL_VHBA:
        break;
    case VISOR_WL_VNIC:
        vnic(p, w);
        break;
    case VISOR_WL_INPUT:
        input(p, w);
        break;
    }
    w->finished = 1;
}

int visor_workload_start(struct ks_kernel *k, struct visor_workload *wl)
{
    static const char *const names[] = {"visor-io", "visor-net", "visor-input"};
    if (wl->kind != VISOR_WL_VHBA)
        return ks_uproc_spawn(k, names[wl->kind], run, wl) ? 0 : -1;
    unsigned depth = wl->depth ? wl->depth : 1;
    if (depth > VISOR_WL_MAX_DEPTH)
        return -1;
    wl->running = depth;
    for (unsigned i = 0; i < depth; i++) {
        wl->workers[i] = (struct visor_worker){wl, i};
        if (!ks_uproc_spawn(k, names[wl->kind], run_vhba, &wl->workers[i]))
            return -1;
    }
    return 0;
}
