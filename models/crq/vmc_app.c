#include "vmc_app.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "kshim/kernel.h"
#include "kshim/ks.h"

/* The VMC ioctls (Documentation/misc-devices/ibmvmc.rst), built with the generic encoding the
 * driver is compiled with here. */
#define VMC_BASE           0xCC
#define VMC_IOCTL_SETHMCID _IOW(VMC_BASE, 0x00, unsigned char *)
#define VMC_IOCTL_QUERY    _IOR(VMC_BASE, 0x01, struct vmc_query)
#define VMC_STATE_READY    3 /* ibmvmc.state after capabilities */

struct vmc_query {
    int have_vmc;
    int state;
    int vmc_drc_index;
};

struct vmc_app {
    struct vmc_app_config cfg;
    struct vmc_app_result *res;
    uint8_t *want; /* the expected answer, host memory */
};

/* Message m: every byte (m * 31 + 1), with m stamped into its first bytes so that a message
 * answered out of order or from the wrong buffer is seen. */
static void fill(uint8_t *b, uint32_t n, unsigned m)
{
    memset(b, (int)(uint8_t)(m * 31u + 1u), n);
    for (uint32_t i = 0; i < n && i < sizeof(m); i++)
        b[i] = (uint8_t)(m >> (8 * i));
}

static void fail(struct vmc_app_result *r, long rc)
{
    r->errors++;
    if (!r->last_error)
        r->last_error = (int)rc;
}

/* The driver becomes usable only after probe, the CRQ handshake and the buffer seeding: an
 * agent retries SETHMCID while it says EAGAIN/ENOBUFS, as real management software does. */
static int open_session(struct ks_uproc *p, struct vmc_app_result *r, uint8_t *id)
{
    int fd = -ENOENT;
    for (int i = 0; i < 1000 && fd < 0; i++) {
        fd = ks_sys_open(p, "/dev/ibmvmc", O_RDWR);
        if (fd < 0)
            ks_sys_sleep_ms(p, 1);
    }
    r->open_rc = fd < 0 ? fd : 0;
    if (fd < 0) {
        fail(r, fd);
        return -1;
    }
    /* Wait for the driver's capabilities exchange (QUERY), as an agent does, instead of
     * hammering SETHMCID. */
    struct vmc_query *q = ks_umalloc(p, sizeof(*q));
    for (int i = 0; q && i < 1000; i++) {
        if (ks_sys_ioctl(p, fd, VMC_IOCTL_QUERY, (unsigned long)q) == 0 &&
            q->state == VMC_STATE_READY)
            break;
        ks_sys_sleep_ms(p, 1);
    }
    long rc = -EAGAIN;
    for (int i = 0; i < 1000 && (rc == -EAGAIN || rc == -ENOBUFS); i++) {
        rc = ks_sys_ioctl(p, fd, VMC_IOCTL_SETHMCID, (unsigned long)id);
        if (rc == -EAGAIN || rc == -ENOBUFS)
            ks_sys_sleep_ms(p, 1);
    }
    r->sethmcid_rc = (int)rc;
    if (rc) {
        fail(r, rc);
        ks_sys_close(p, fd);
        return -1;
    }
    return fd;
}

/* Exchange messages from *m on; returns 0 when all are done, or the error that broke the
 * session (-EBADFD when the channel was reset under it). */
static long exchange(struct ks_uproc *p, struct vmc_app *a, int fd, unsigned *m, uint8_t *out,
                     uint8_t *in, uint8_t *want)
{
    struct vmc_app_result *r = a->res;
    uint32_t n = a->cfg.size;
    for (; *m < a->cfg.messages; (*m)++) {
        fill(out, n, *m);
        /* The session opens asynchronously after SETHMCID: write says EBUSY until then. */
        ssize_t w = -EBUSY;
        for (int t = 0; t < 1000 && w == -EBUSY; t++) {
            w = ks_sys_write(p, fd, out, n);
            if (w == -EBUSY)
                ks_sys_sleep_ms(p, 1);
        }
        if (w != (ssize_t)n)
            return w < 0 ? w : -EIO;
        r->sent++;
        /* A readiness check, then a blocking read: ibmvmc's poll never reports a channel
         * reset (it only ever says POLLIN), so an agent waiting in poll would hang there,
         * while a waiting read returns EBADFD. */
        if (ks_sys_poll(p, fd, POLLIN, 0) < 0)
            return -EIO;
        ssize_t got = ks_sys_read(p, fd, in, n);
        if (got != (ssize_t)n)
            return got < 0 ? got : -EIO;
        r->received++;
        fill(want, n, *m);
        if (a->cfg.expect == VMC_HMC_REVERSE)
            for (uint32_t i = 0; i < n / 2; i++) {
                uint8_t t = want[i];
                want[i] = want[n - 1 - i];
                want[n - 1 - i] = t;
            }
        if (memcmp(in, want, n) != 0)
            r->mismatched++;
    }
    return 0;
}

static void app_main(struct ks_uproc *p, void *arg)
{
    struct vmc_app *a = arg;
    struct vmc_app_result *r = a->res;
    r->start_ns = ks_now_ns();
    uint8_t *id = ks_umalloc(p, 32);
    uint8_t *out = ks_umalloc(p, a->cfg.size);
    uint8_t *in = ks_umalloc(p, a->cfg.size);
    uint8_t *want = a->want;
    if (!id || !out || !in) {
        fail(r, -ENOMEM);
        r->done = 1;
        return;
    }
    memcpy(id, "chansim-hmc-0001", 16);
    for (unsigned s = 0; s < (a->cfg.sessions ? a->cfg.sessions : 1); s++) {
        unsigned m = 0;
        int fd = open_session(p, r, id);
        while (fd >= 0) {
            long rc = exchange(p, a, fd, &m, out, in, want);
            if (rc == -EBADFD && r->recoveries < 100) {
                /* the hypervisor reset the channel: the message in flight is lost; open a
                 * new session and carry on, as an HMC agent reconnects */
                r->recoveries++;
                ks_sys_close(p, fd);
                fd = open_session(p, r, id);
                continue;
            }
            if (rc)
                fail(r, rc);
            r->close_rc = ks_sys_close(p, fd);
            break;
        }
        if (fd < 0)
            break;
        /* the CLOSE_RESP frees the slot asynchronously */
        ks_sys_sleep_ms(p, 1);
    }
    r->end_ns = ks_now_ns();
    r->done = 1;
}

struct vmc_app *vmc_app_start(struct ks_kernel *k, const struct vmc_app_config *cfg,
                              struct vmc_app_result *res)
{
    struct vmc_app *a = calloc(1, sizeof(*a));
    if (!a || !(a->want = malloc(cfg->size ? cfg->size : 1)))
        abort();
    a->cfg = *cfg;
    a->res = res;
    memset(res, 0, sizeof(*res));
    ks_uproc_spawn(k, "hmc-agent", app_main, a);
    return a;
}

void vmc_app_free(struct vmc_app *a)
{
    if (!a)
        return;
    free(a->want);
    free(a);
}
