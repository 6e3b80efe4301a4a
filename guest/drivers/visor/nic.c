// SPDX-License-Identifier: GPL-2.0+
/*
 * s-Par virtual NIC (spec visor.md §4.4). Frames go to the IO partition as NET_XMIT on queue 0
 * of the vnic channel and are confirmed by NET_XMIT_DONE; received frames arrive as NET_RCV in
 * receive buffers the guest posted (NET_RCV_POST) and are posted again once copied. Queue 1 is
 * polled by a kthread every 2 ms. Instead of a net_device the driver offers /dev/visornic<N>:
 * write() transmits one frame, read() returns one received frame, ioctls give the MAC address
 * and link state and set promiscuous mode and receive enable (VISORNIC_IOC_ENABLE).
 *
 * Unlike upstream, what the IO partition echoes is checked before use: transmit cookies and
 * receive-buffer cookies must name a buffer the guest handed over and has not had back, a
 * receive must describe a chain consistent with its length, and each message type must come
 * on its queue. Anything else is a protocol violation: logged, counted, the message dropped.
 *
 * A full queue 0 loses nothing: a transmit stops the queue and waits for room (as a NIC driver
 * with a full ring), receive buffers wait and are posted in order as room comes. Frames the IO
 * partition dropped arrive as rcvs_dropped_delta and count in rx_dropped.
 */
#include <asm/page.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/visorbus.h>
#include <linux/wait.h>

#include "uapi/visor_user.h"
#include "visor_proto.h"

#define MAX_DEVICES    32
#define ACK_TIMEOUT_MS 1000
#define TX_TIMEOUT_MS  1000
#define XMIT_SLOTS     128
#define RX_QUEUE_MAX   256
#define MAX_RCV_BUFS   4096
#define ETH_HLEN       14
#define ETH_ZLEN       60
#define IFF_PROMISC    0x100
#define MIN_MTU        68
#define MAX_MTU        16384

/* cookies the IO partition echoes: a tag, a generation and an index */
#define COOKIE_RCV                 0x5652ull /* "VR" */
#define COOKIE_XMIT                0x5658ull /* "VX" */
#define COOKIE_CTX                 0x5643ull /* "VC" */
#define MAKE_COOKIE(tag, gen, idx) (((u64)(tag) << 48) | ((u64)(gen) << 16) | (idx))
#define COOKIE_TAG(c)              ((c) >> 48)
#define COOKIE_GEN(c)              (((c) >> 16) & 0xffffffffull)
#define COOKIE_IDX(c)              ((c)&0xffff)

struct rcvbuf {
    u8 *data;
    bool posted;
    bool deferred; /* not posted: held back until the reader makes room in the rx queue, or
                    * queue 0 was full when it was to be posted */
    u32 gen;
};

struct xmitslot {
    u8 *data;
    bool busy;
    u32 gen;
};

struct rxframe {
    struct list_head node;
    u32 len;
    u8 data[];
};

struct visornic_devdata {
    struct visor_device *dev;
    int index;
    char name[24];
    struct miscdevice misc;
    u8 mac[6];
    u32 num_rcv_bufs, mtu;
    u32 max_outstanding, upper, lower;
    u64 incarnation_id;
    spinlock_t lock; /* rcv[], xmit[], rx list, counters */
    struct rcvbuf *rcv;
    struct xmitslot xmit[XMIT_SLOTS];
    u32 outstanding;
    bool tx_stopped;   /* queue 0 was full: writers wait for room (netif_stop_queue) */
    u32 room_gen;      /* counts the poll thread's looks while stopped (netif_wake_queue) */
    bool post_waiting; /* receive buffers wait for room in queue 0 */
    struct list_head rx;
    u32 rx_count;
    wait_queue_head_t readers, tx_wq, ack_wq;
    wait_queue_head_t poll_wq; /* the poll thread sleeps here while nothing can arrive */
    bool ack_pending;          /* an ENBDIS was sent and not yet ACKed */
    struct task_struct *thread;
    struct uiscmdrsp *rsp; /* the poll thread's buffer */
    int irq;               /* the device's interrupt, or -1: the poll thread polls */
    bool irq_seen;         /* raised since the poll thread last emptied the queue */
    struct mutex ctl;      /* enable/disable/promisc, pause/resume */
    bool enabled, acked, link, paused, removed;
    u32 promisc;
    u64 tx_frames, tx_done, tx_errors, rx_frames, rx_dropped, violations;
    int refs;
};

static bool used_index[MAX_DEVICES];

/* Poll period of the response queue while something can arrive: 2 ms, as upstream's poll timer
 * (exactly, not rounded up to a jiffy). */
static unsigned int poll_us = 2000;
module_param(poll_us, uint, 0444);
MODULE_PARM_DESC(poll_us, "response queue poll period in microseconds");
/* With the device's interrupt the poll thread still looks this often while a transmit or an
 * ACK is owed, in case an interrupt is lost. */
static unsigned int irq_fallback_ms = 1000;
module_param(irq_fallback_ms, uint, 0444);
MODULE_PARM_DESC(irq_fallback_ms, "response queue poll period with interrupts, in milliseconds");
static DEFINE_MUTEX(visornic_mutex);

static void violation(struct visornic_devdata *d, const char *what, u64 value)
{
    d->violations++;
    dev_err(&d->dev->device, "protocol violation: %s (%#llx)\n", what, value);
}

static int send_cmd(struct visornic_devdata *d, struct uiscmdrsp *cmd)
{
    if (d->paused || d->removed)
        return -ENETDOWN;
    return visorchannel_signalinsert(d->dev->visorchannel, IOCHAN_TO_IOPART, cmd) ? -EAGAIN : 0;
}

static struct uiscmdrsp *net_cmd(u32 type)
{
    struct uiscmdrsp *cmd = kzalloc(SIZEOF_CMDRSP, GFP_KERNEL);

    if (cmd) {
        cmd->cmdtype = CMD_NET_TYPE;
        cmd->net.type = type;
    }
    return cmd;
}

/* ---- receive buffers ------------------------------------------------------------------ */

static int post_rcvbuf(struct visornic_devdata *d, u32 i)
{
    struct rcvbuf *b = &d->rcv[i];
    struct uiscmdrsp *cmd;
    phys_addr_t pa;
    int rc;

    if (!b->data) {
        b->data = kmalloc(PAGE_SIZE, GFP_KERNEL);
        if (!b->data)
            return -ENOMEM;
    }
    cmd = net_cmd(NET_RCV_POST);
    if (!cmd)
        return -ENOMEM;
    pa = virt_to_phys(b->data);
    b->gen++;
    cmd->net.buf = MAKE_COOKIE(COOKIE_RCV, b->gen, i);
    cmd->net.rcvpost.frag.pi_pfn = pa >> PAGE_SHIFT;
    cmd->net.rcvpost.frag.pi_off = pa & (PAGE_SIZE - 1);
    cmd->net.rcvpost.frag.pi_len = RCVPOST_BUF_SIZE;
    cmd->net.rcvpost.unique_num = d->incarnation_id;
    rc = send_cmd(d, cmd);
    if (rc == 0) {
        b->posted = true;
        b->deferred = false;
    } else if (rc == -EAGAIN) {
        /* queue 0 full: posted again once the IO partition made room */
        b->deferred = true;
        d->post_waiting = true;
    }
    kfree(cmd);
    return rc;
}

static void free_rcvbufs(struct visornic_devdata *d)
{
    u32 i;

    for (i = 0; i < d->num_rcv_bufs; i++) {
        kfree(d->rcv[i].data);
        d->rcv[i].data = NULL;
        d->rcv[i].posted = false;
        d->rcv[i].deferred = false;
    }
}

static int send_enbdis(struct visornic_devdata *d, u16 enable)
{
    struct uiscmdrsp *cmd = net_cmd(NET_RCV_ENBDIS);
    int rc;

    if (!cmd)
        return -ENOMEM;
    cmd->net.enbdis.enable = enable;
    cmd->net.enbdis.context = MAKE_COOKIE(COOKIE_CTX, 0, d->index);
    rc = send_cmd(d, cmd);
    kfree(cmd);
    if (rc == 0) {
        d->ack_pending = true;
        wake_up(&d->poll_wq);
    }
    return rc;
}

/* Posts every receive buffer and asks the IO partition to start receiving. */
static int start_receive(struct visornic_devdata *d)
{
    u32 i;
    int rc;

    d->acked = false;
    for (i = 0; i < d->num_rcv_bufs; i++) {
        rc = post_rcvbuf(d, i);
        if (rc == -EAGAIN)
            continue; /* deferred: the poll thread posts it when queue 0 has room */
        if (rc)
            return rc;
    }
    /* the ENBDIS waits for room in queue 0 like a transmit (the poll thread reposts meanwhile) */
    for (i = 0; (rc = send_enbdis(d, 1)) == -EAGAIN && i < ACK_TIMEOUT_MS; i++) {
        wake_up(&d->poll_wq);
        msleep(1);
    }
    return rc;
}

static int visornic_enable(struct visornic_devdata *d)
{
    int rc;

    if (d->enabled)
        return 0;
    d->enabled = true;
    rc = start_receive(d);
    if (rc)
        return rc;
    if (!wait_event_interruptible_timeout(d->ack_wq, d->acked || d->removed,
                                          msecs_to_jiffies(ACK_TIMEOUT_MS)))
        return -ETIMEDOUT;
    return 0;
}

static int visornic_disable(struct visornic_devdata *d)
{
    int rc;

    if (!d->enabled)
        return 0;
    d->enabled = false;
    d->acked = false;
    rc = send_enbdis(d, 0);
    if (rc)
        return rc;
    /* the IO partition gives the posted buffers up with its ACK: only then are they freed */
    if (!wait_event_interruptible_timeout(d->ack_wq, d->acked || d->removed,
                                          msecs_to_jiffies(ACK_TIMEOUT_MS)))
        return -ETIMEDOUT;
    free_rcvbufs(d);
    d->acked = false;
    return 0;
}

/* ---- from the IO partition ------------------------------------------------------------ */

/* Index of the posted buffer a cookie names, or -1. */
static int rcv_index(struct visornic_devdata *d, u64 cookie)
{
    u32 i = COOKIE_IDX(cookie);

    if (COOKIE_TAG(cookie) != COOKIE_RCV || i >= d->num_rcv_bufs || !d->rcv[i].posted ||
        COOKIE_GEN(cookie) != (d->rcv[i].gen & 0xffffffffu))
        return -1;
    return i;
}

static void handle_rcv(struct visornic_devdata *d, struct uiscmdrsp *rsp)
{
    u32 n = rsp->net.rcv.numrcvbufs, len = rsp->net.rcv.rcv_done_len, i, at;
    int idx[MAX_NET_RCV_CHAIN];
    bool full = false;
    struct rxframe *f = NULL;
    unsigned long flags;

    d->rx_dropped += rsp->net.rcv.rcvs_dropped_delta;
    if (n < 1 || n > MAX_NET_RCV_CHAIN) {
        violation(d, "NET_RCV numrcvbufs outside 1..5", n);
        return;
    }
    if (rsp->net.buf != rsp->net.rcv.rcvbuf[0]) {
        violation(d, "NET_RCV buf differs from rcvbuf[0]", rsp->net.buf);
        return;
    }
    for (i = 0; i < n; i++) {
        u32 j;

        idx[i] = rcv_index(d, rsp->net.rcv.rcvbuf[i]);
        if (idx[i] < 0) {
            violation(d, "NET_RCV names a buffer not posted", rsp->net.rcv.rcvbuf[i]);
            return;
        }
        for (j = 0; j < i; j++)
            if (idx[j] == idx[i]) {
                violation(d, "NET_RCV names a buffer twice", rsp->net.rcv.rcvbuf[i]);
                return;
            }
    }
    if (len < ETH_HLEN || len > n * RCVPOST_BUF_SIZE || len <= (n - 1) * RCVPOST_BUF_SIZE) {
        violation(d, "NET_RCV length does not fit its buffer chain", len);
        return;
    }
    for (i = 0; i < n; i++)
        d->rcv[idx[i]].posted = false;
    /* frames that arrive before the ACK of enable are not delivered, only reposted */
    if (d->acked) {
        f = kmalloc(sizeof(*f) + len, GFP_KERNEL);
        if (f) {
            f->len = len;
            for (i = 0, at = 0; i < n; i++, at += RCVPOST_BUF_SIZE)
                memcpy(f->data + at, d->rcv[idx[i]].data, min_t(u32, len - at, RCVPOST_BUF_SIZE));
        }
        spin_lock_irqsave(&d->lock, flags);
        if (!f) {
            d->rx_dropped++;
        } else {
            list_add_tail(&f->node, &d->rx);
            d->rx_count++;
            d->rx_frames++;
        }
        /* flow control: with the rx queue full the buffers go back only when the reader
         * takes frames, and the IO partition holds what arrives meanwhile (a full queue is
         * at most RX_QUEUE_MAX plus the posted buffers) */
        full = d->rx_count >= RX_QUEUE_MAX;
        if (full)
            for (i = 0; i < n; i++)
                d->rcv[idx[i]].deferred = true;
        spin_unlock_irqrestore(&d->lock, flags);
        wake_up_interruptible(&d->readers);
    }
    if (d->enabled && !full)
        for (i = 0; i < n; i++)
            post_rcvbuf(d, idx[i]);
}

/* The reader took a frame: buffers held back for a full rx queue go back to the IO partition. */
static void repost_deferred(struct visornic_devdata *d)
{
    unsigned long flags;
    u32 i;

    for (i = 0; i < d->num_rcv_bufs; i++) {
        bool post;

        spin_lock_irqsave(&d->lock, flags);
        post = d->rcv[i].deferred && d->enabled && !d->paused && d->rx_count < RX_QUEUE_MAX;
        if (post)
            d->rcv[i].deferred = false;
        spin_unlock_irqrestore(&d->lock, flags);
        if (post && post_rcvbuf(d, i) == -EAGAIN)
            return; /* queue 0 full again: the rest keep their order */
    }
    d->post_waiting = false;
}

static void handle_xmit_done(struct visornic_devdata *d, struct uiscmdrsp *rsp)
{
    u64 c = rsp->net.buf;
    u32 i = COOKIE_IDX(c);
    unsigned long flags;

    spin_lock_irqsave(&d->lock, flags);
    if (COOKIE_TAG(c) != COOKIE_XMIT || i >= XMIT_SLOTS || !d->xmit[i].busy ||
        COOKIE_GEN(c) != (d->xmit[i].gen & 0xffffffffu)) {
        spin_unlock_irqrestore(&d->lock, flags);
        violation(d, "NET_XMIT_DONE for a frame not outstanding", c);
        return;
    }
    kfree(d->xmit[i].data);
    d->xmit[i].data = NULL;
    d->xmit[i].busy = false;
    d->outstanding--;
    d->tx_done++;
    if (rsp->net.xmtdone.xmt_done_result)
        d->tx_errors++;
    spin_unlock_irqrestore(&d->lock, flags);
    if (d->outstanding <= d->lower)
        wake_up_interruptible(&d->tx_wq);
}

static void handle_signal(struct visornic_devdata *d, struct uiscmdrsp *rsp)
{
    if (rsp->cmdtype != CMD_NET_TYPE) {
        violation(d, "cmdtype other than net on the vnic channel", (u8)rsp->cmdtype);
        return;
    }
    switch (rsp->net.type) {
    case NET_RCV:
        handle_rcv(d, rsp);
        break;
    case NET_XMIT_DONE:
        handle_xmit_done(d, rsp);
        break;
    case NET_RCV_ENBDIS_ACK:
        if (rsp->net.enbdis.context != MAKE_COOKIE(COOKIE_CTX, 0, d->index)) {
            violation(d, "NET_RCV_ENBDIS_ACK with a foreign context", rsp->net.enbdis.context);
            break;
        }
        d->acked = true;
        d->ack_pending = false;
        wake_up_all(&d->ack_wq);
        break;
    case NET_CONNECT_STATUS:
        d->link = rsp->net.enbdis.enable == 1;
        break;
    case NET_MACADDR:
    case NET_MACADDR_ACK:
        break;
    default:
        violation(d, "net message type not sent to the guest", rsp->net.type);
        break;
    }
}

/* The IO partition inserted into the response queue: the poll thread empties it now. */
static irqreturn_t visornic_interrupt(int irq, void *arg)
{
    struct visornic_devdata *d = arg;

    (void)irq;
    WRITE_ONCE(d->irq_seen, true);
    wake_up(&d->poll_wq);
    return IRQ_HANDLED;
}

static int poll_thread(void *arg)
{
    struct visornic_devdata *d = arg;

    while (!kthread_should_stop()) {
        /* cleared before the queue is emptied: an interrupt for a later signal is kept */
        WRITE_ONCE(d->irq_seen, false);
        while (visorchannel_signalremove(d->dev->visorchannel, IOCHAN_FROM_IOPART, d->rsp) == 0)
            handle_signal(d, d->rsp);
        if (d->post_waiting)
            repost_deferred(d);
        if (d->tx_stopped) {
            WRITE_ONCE(d->room_gen, d->room_gen + 1);
            wake_up_interruptible(&d->tx_wq);
        }
        /* queue 0 was full: nothing announces room there, so poll until it drained */
        if (d->post_waiting || d->tx_stopped) {
            usleep_range(poll_us, poll_us);
            continue;
        }
        /* unlike upstream, no polling while receive is off and nothing is outstanding: an idle
         * guest lets the simulation go idle */
        if (!d->enabled && !d->outstanding && !d->ack_pending)
            wait_event_interruptible(d->poll_wq, d->enabled || d->outstanding || d->ack_pending ||
                                                     d->tx_stopped || kthread_should_stop());
        else if (d->irq >= 0 && !d->outstanding && !d->ack_pending)
            /* receive on, nothing owed: only the interrupt brings news, no timer runs */
            wait_event_interruptible(d->poll_wq, READ_ONCE(d->irq_seen) || d->outstanding ||
                                                     d->ack_pending || d->tx_stopped ||
                                                     d->post_waiting || kthread_should_stop());
        else if (d->irq >= 0)
            /* something owed: the poll period stays as a fallback for a lost interrupt */
            wait_event_interruptible_timeout(d->poll_wq,
                                             READ_ONCE(d->irq_seen) || d->tx_stopped ||
                                                 d->post_waiting || kthread_should_stop(),
                                             msecs_to_jiffies(irq_fallback_ms));
        else
            usleep_range(poll_us, poll_us);
    }
    return 0;
}

static void release_irq(struct visornic_devdata *d)
{
    if (d->irq >= 0)
        free_irq(d->irq, d);
    d->irq = -1;
}

static int start_thread(struct visornic_devdata *d)
{
    d->thread = kthread_run(poll_thread, d, "visornic_poll");
    if (IS_ERR(d->thread)) {
        int rc = PTR_ERR(d->thread);

        d->thread = NULL;
        return rc;
    }
    return 0;
}

static void stop_thread(struct visornic_devdata *d)
{
    if (d->thread)
        kthread_stop(d->thread);
    d->thread = NULL;
}

/* ---- the device file ------------------------------------------------------------------ */

static ssize_t visornic_write(struct file *file, const char __user *ubuf, size_t n, loff_t *pos)
{
    struct visornic_devdata *d = file->private_data;
    u32 len = max_t(u32, n, ETH_ZLEN), left, i;
    struct uiscmdrsp *cmd;
    unsigned long flags;
    phys_addr_t pa;
    int slot = -1, nf = 0;
    u8 *buf;
    int rc;

    if (n < ETH_HLEN || n > d->mtu + ETH_HLEN)
        return -EINVAL;
    if (d->removed || d->paused || !d->enabled)
        return -ENETDOWN;
    if (d->outstanding >= d->max_outstanding) {
        if (file->f_flags & O_NONBLOCK)
            return -EAGAIN;
        if (!wait_event_interruptible_timeout(d->tx_wq,
                                              d->outstanding <= d->lower || d->removed || d->paused,
                                              msecs_to_jiffies(TX_TIMEOUT_MS)))
            return -EAGAIN;
        if (d->removed || d->paused)
            return -ENETDOWN;
    }
    buf = kzalloc(len, GFP_KERNEL);
    cmd = net_cmd(NET_XMIT);
    if (!buf || !cmd) {
        rc = -ENOMEM;
        goto err;
    }
    if (copy_from_user(buf, ubuf, n)) {
        rc = -EFAULT;
        goto err;
    }
    /* one fragment per guest page the frame touches */
    for (pa = virt_to_phys(buf), left = len; left; nf++) {
        u32 chunk = min_t(u32, left, PAGE_SIZE - (pa & (PAGE_SIZE - 1)));

        cmd->net.xmt.frags[nf].pi_pfn = pa >> PAGE_SHIFT;
        cmd->net.xmt.frags[nf].pi_off = pa & (PAGE_SIZE - 1);
        cmd->net.xmt.frags[nf].pi_len = chunk;
        pa += chunk;
        left -= chunk;
    }
    cmd->net.xmt.len = len;
    cmd->net.xmt.num_frags = nf;
    memcpy(cmd->net.xmt.ethhdr, buf, ETH_HLEN);
    spin_lock_irqsave(&d->lock, flags);
    for (i = 0; i < XMIT_SLOTS; i++)
        if (!d->xmit[i].busy) {
            slot = i;
            d->xmit[i].busy = true;
            d->xmit[i].data = buf;
            d->xmit[i].gen++;
            d->outstanding++;
            break;
        }
    spin_unlock_irqrestore(&d->lock, flags);
    if (slot < 0) {
        rc = -EAGAIN;
        goto err;
    }
    cmd->net.buf = MAKE_COOKIE(COOKIE_XMIT, d->xmit[slot].gen, slot);
    while ((rc = send_cmd(d, cmd)) == -EAGAIN) {
        /* queue 0 full: the queue stops, as a NIC whose ring is full (netif_stop_queue), and
         * the writer waits until the poll thread saw the IO partition take signals */
        u32 gen = READ_ONCE(d->room_gen);

        d->tx_stopped = true; /* (the IO partition counts it: queue 0's num_overflows) */
        wake_up(&d->poll_wq);
        if ((file->f_flags & O_NONBLOCK) ||
            !wait_event_interruptible_timeout(
                d->tx_wq, READ_ONCE(d->room_gen) != gen || d->removed || d->paused,
                msecs_to_jiffies(TX_TIMEOUT_MS))) {
            d->tx_stopped = false; /* nobody waits: the poll thread may sleep again */
            break;
        }
    }
    if (rc) {
        spin_lock_irqsave(&d->lock, flags);
        d->xmit[slot].busy = false;
        d->xmit[slot].data = NULL;
        d->outstanding--;
        spin_unlock_irqrestore(&d->lock, flags);
        goto err;
    }
    d->tx_frames++;
    d->tx_stopped = false;
    kfree(cmd);
    return n;
err:
    kfree(cmd);
    kfree(buf);
    return rc;
}

static ssize_t visornic_read(struct file *file, char __user *ubuf, size_t n, loff_t *pos)
{
    struct visornic_devdata *d = file->private_data;
    struct rxframe *f = NULL;
    unsigned long flags;
    ssize_t rc;
    long w;

    for (;;) {
        spin_lock_irqsave(&d->lock, flags);
        if (!list_empty(&d->rx)) {
            f = list_first_entry(&d->rx, struct rxframe, node);
            list_del(&f->node);
            d->rx_count--;
        }
        spin_unlock_irqrestore(&d->lock, flags);
        if (f)
            break;
        if (d->removed)
            return -ENODEV;
        if (file->f_flags & O_NONBLOCK)
            return -EAGAIN;
        w = wait_event_interruptible(d->readers, !list_empty(&d->rx) || d->removed);
        if (w)
            return w;
    }
    repost_deferred(d);
    /* a frame longer than the buffer is truncated, as on a packet socket */
    rc = min_t(size_t, n, f->len);
    if (copy_to_user(ubuf, f->data, rc))
        rc = -EFAULT;
    kfree(f);
    return rc;
}

static __poll_t visornic_poll(struct file *file, poll_table *pt)
{
    struct visornic_devdata *d = file->private_data;
    __poll_t mask = 0;

    poll_wait(file, &d->readers, pt);
    poll_wait(file, &d->tx_wq, pt);
    if (d->removed)
        return POLLHUP;
    if (!list_empty(&d->rx))
        mask |= POLLIN | POLLRDNORM;
    if (d->enabled && d->outstanding < d->max_outstanding)
        mask |= POLLOUT | POLLWRNORM;
    return mask;
}

static long visornic_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    struct visornic_devdata *d = file->private_data;
    struct visornic_info info;
    struct uiscmdrsp *msg;
    u32 v;
    long rc;

    if (d->removed)
        return -ENODEV;
    switch (cmd) {
    case VISORNIC_IOC_INFO:
        memset(&info, 0, sizeof(info));
        memcpy(info.mac, d->mac, sizeof(info.mac));
        info.link = d->link;
        info.enabled = d->enabled && d->acked;
        info.mtu = d->mtu;
        info.num_rcv_bufs = d->num_rcv_bufs;
        info.promisc = d->promisc;
        info.tx_frames = d->tx_frames;
        info.tx_done = d->tx_done;
        info.tx_errors = d->tx_errors;
        info.rx_frames = d->rx_frames;
        info.rx_dropped = d->rx_dropped;
        info.violations = d->violations + visorbus_device_violations(d->dev);
        return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
    case VISORNIC_IOC_GET_MAC:
        return copy_to_user((void __user *)arg, d->mac, sizeof(d->mac)) ? -EFAULT : 0;
    case VISORNIC_IOC_GET_LINK:
        v = d->link;
        return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
    case VISORNIC_IOC_SET_PROMISC:
        if (copy_from_user(&v, (void __user *)arg, sizeof(v)))
            return -EFAULT;
        msg = net_cmd(NET_RCV_PROMISC);
        if (!msg)
            return -ENOMEM;
        /* the flag value itself, as upstream sends it */
        msg->net.enbdis.enable = v ? IFF_PROMISC : 0;
        msg->net.enbdis.context = MAKE_COOKIE(COOKIE_CTX, 0, d->index);
        mutex_lock(&d->ctl);
        rc = send_cmd(d, msg);
        if (rc == 0)
            d->promisc = !!v;
        mutex_unlock(&d->ctl);
        kfree(msg);
        return rc;
    case VISORNIC_IOC_ENABLE:
        if (copy_from_user(&v, (void __user *)arg, sizeof(v)))
            return -EFAULT;
        mutex_lock(&d->ctl);
        if (d->paused)
            rc = -ENETDOWN;
        else
            rc = v ? visornic_enable(d) : visornic_disable(d);
        mutex_unlock(&d->ctl);
        return rc;
    default:
        return -ENOTTY;
    }
}

static void devdata_free(struct visornic_devdata *d)
{
    struct rxframe *f, *t;
    u32 i;

    list_for_each_entry_safe(f, t, &d->rx, node) kfree(f);
    for (i = 0; i < XMIT_SLOTS; i++)
        kfree(d->xmit[i].data);
    if (d->rcv)
        free_rcvbufs(d);
    kfree(d->rcv);
    kfree(d->rsp);
    kfree(d);
}

static void devdata_put(struct visornic_devdata *d)
{
    if (--d->refs == 0)
        devdata_free(d);
}

static int visornic_open(struct inode *inode, struct file *file)
{
    struct miscdevice *misc = file->private_data;
    struct visornic_devdata *d = container_of(misc, struct visornic_devdata, misc);

    mutex_lock(&visornic_mutex);
    d->refs++;
    file->private_data = d;
    mutex_unlock(&visornic_mutex);
    return 0;
}

static int visornic_release(struct inode *inode, struct file *file)
{
    mutex_lock(&visornic_mutex);
    devdata_put(file->private_data);
    mutex_unlock(&visornic_mutex);
    return 0;
}

static const struct file_operations visornic_fops = {
    .owner = THIS_MODULE,
    .open = visornic_open,
    .release = visornic_release,
    .read = visornic_read,
    .write = visornic_write,
    .poll = visornic_poll,
    .unlocked_ioctl = visornic_ioctl,
};

/* ---- the function driver -------------------------------------------------------------- */

/* Outstanding transmits allowed, from the number of receive buffers (as upstream). */
static void set_flow_control(struct visornic_devdata *d)
{
    d->max_outstanding = max_t(u32, 3, d->num_rcv_bufs / 3 > 2 ? d->num_rcv_bufs / 3 - 2 : 0);
    if (d->max_outstanding > XMIT_SLOTS)
        d->max_outstanding = XMIT_SLOTS;
    d->upper = max_t(u32, 2, d->max_outstanding - 1);
    d->lower = max_t(u32, 1, d->max_outstanding / 2);
}

static int visornic_probe(struct visor_device *dev)
{
    struct visornic_devdata *d;
    u64 features;
    int rc;

    d = kzalloc(sizeof(*d), GFP_KERNEL);
    if (!d)
        return -ENOMEM;
    d->dev = dev;
    d->refs = 1;
    d->irq = -1;
    spin_lock_init(&d->lock);
    mutex_init(&d->ctl);
    INIT_LIST_HEAD(&d->rx);
    init_waitqueue_head(&d->readers);
    init_waitqueue_head(&d->tx_wq);
    init_waitqueue_head(&d->ack_wq);
    init_waitqueue_head(&d->poll_wq);
    d->rsp = kzalloc(SIZEOF_CMDRSP, GFP_KERNEL);
    if (!d->rsp) {
        rc = -ENOMEM;
        goto err;
    }
    /* whatever lies in the response queue predates this guest */
    while (visorchannel_signalremove(dev->visorchannel, IOCHAN_FROM_IOPART, d->rsp) == 0)
        ;
    rc = visorbus_read_channel(dev, offsetof(struct visor_io_channel, vnic.macaddr), d->mac,
                               sizeof(d->mac));
    if (!rc)
        rc = visorbus_read_channel(dev, offsetof(struct visor_io_channel, vnic.num_rcv_bufs),
                                   &d->num_rcv_bufs, sizeof(d->num_rcv_bufs));
    if (!rc)
        rc = visorbus_read_channel(dev, offsetof(struct visor_io_channel, vnic.mtu), &d->mtu,
                                   sizeof(d->mtu));
    if (rc)
        goto err;
    if (d->num_rcv_bufs < 1 || d->num_rcv_bufs > MAX_RCV_BUFS || d->mtu < MIN_MTU ||
        d->mtu > MAX_MTU) {
        dev_err(&dev->device,
                "protocol violation: vnic num_rcv_bufs %u (1..%u) / mtu %u (%u..%u)\n",
                d->num_rcv_bufs, MAX_RCV_BUFS, d->mtu, MIN_MTU, MAX_MTU);
        rc = -EINVAL;
        goto err;
    }
    set_flow_control(d);
    d->rcv = kcalloc(d->num_rcv_bufs, sizeof(*d->rcv), GFP_KERNEL);
    if (!d->rcv) {
        rc = -ENOMEM;
        goto err;
    }
    d->incarnation_id = get_jiffies_64();
    rc = visorbus_read_channel(dev, offsetof(struct channel_header, features), &features,
                               sizeof(features));
    if (rc)
        goto err;
    /* interrupts when the firmware offered one (visor.md "Interrupts"), else polling as
     * upstream */
    d->irq = visorbus_device_irq(dev);
    if (d->irq >= 0 && request_irq(d->irq, visornic_interrupt, 0, "visornic", d))
        d->irq = -1;
    features |= VISOR_DRIVER_ENHANCED_RCVBUF_CHECKING;
    if (d->irq >= 0)
        features = (features & ~VISOR_CHANNEL_IS_POLLING) | VISOR_DRIVER_ENABLES_INTS;
    else
        features |= VISOR_CHANNEL_IS_POLLING;
    visorbus_write_channel(dev, offsetof(struct channel_header, features), &features,
                           sizeof(features));
    mutex_lock(&visornic_mutex);
    for (d->index = 0; d->index < MAX_DEVICES && used_index[d->index]; d->index++)
        ;
    if (d->index < MAX_DEVICES)
        used_index[d->index] = true;
    mutex_unlock(&visornic_mutex);
    if (d->index >= MAX_DEVICES) {
        rc = -ENOSPC;
        goto err;
    }
    snprintf(d->name, sizeof(d->name), "visornic%d", d->index);
    d->misc.minor = MISC_DYNAMIC_MINOR;
    d->misc.name = d->name;
    d->misc.fops = &visornic_fops;
    d->misc.parent = &dev->device;
    dev_set_drvdata(&dev->device, d);
    rc = start_thread(d);
    if (rc)
        goto err_index;
    rc = misc_register(&d->misc);
    if (rc) {
        stop_thread(d);
        goto err_index;
    }
    dev_info(&dev->device, "%s: mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u, %u receive buffers\n",
             d->name, d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5], d->mtu,
             d->num_rcv_bufs);
    return 0;
err_index:
    used_index[d->index] = false;
    dev_set_drvdata(&dev->device, NULL);
err:
    release_irq(d);
    devdata_put(d);
    return rc;
}

static void visornic_remove(struct visor_device *dev)
{
    struct visornic_devdata *d = dev_get_drvdata(&dev->device);

    if (!d)
        return;
    stop_thread(d);
    release_irq(d);
    mutex_lock(&visornic_mutex);
    d->removed = true;
    misc_deregister(&d->misc);
    used_index[d->index] = false;
    dev_set_drvdata(&dev->device, NULL);
    wake_up_all(&d->readers);
    wake_up_all(&d->tx_wq);
    wake_up_all(&d->ack_wq);
    devdata_put(d);
    mutex_unlock(&visornic_mutex);
}

/* The IO partition is gone: its buffers and unconfirmed transmits will not come back. */
static int visornic_pause(struct visor_device *dev, visorbus_state_complete_func complete)
{
    struct visornic_devdata *d = dev_get_drvdata(&dev->device);
    unsigned long flags;
    u32 i;

    mutex_lock(&d->ctl);
    d->paused = true;
    stop_thread(d);
    spin_lock_irqsave(&d->lock, flags);
    for (i = 0; i < XMIT_SLOTS; i++)
        if (d->xmit[i].busy) {
            kfree(d->xmit[i].data);
            d->xmit[i].data = NULL;
            d->xmit[i].busy = false;
            d->tx_errors++;
        }
    d->outstanding = 0;
    spin_unlock_irqrestore(&d->lock, flags);
    free_rcvbufs(d);
    d->acked = false;
    d->ack_pending = false;
    d->link = false;
    mutex_unlock(&d->ctl);
    wake_up_all(&d->tx_wq);
    complete(dev, 0);
    return 0;
}

/* Receive is re-enabled when it was on; the ACK is taken by the poll thread. */
static int visornic_resume(struct visor_device *dev, visorbus_state_complete_func complete)
{
    struct visornic_devdata *d = dev_get_drvdata(&dev->device);
    int rc;

    mutex_lock(&d->ctl);
    d->paused = false;
    rc = start_thread(d);
    if (rc == 0 && d->enabled)
        rc = start_receive(d);
    mutex_unlock(&d->ctl);
    complete(dev, rc);
    return 0;
}

static struct visor_channeltype_descriptor visornic_channel_types[] = {
    {VISOR_VNIC_CHANNEL_GUID, "ultravnic", sizeof(struct channel_header),
     VISOR_VNIC_CHANNEL_VERSIONID},
    {},
};

static struct visor_driver visornic_driver = {
    .name = "visornic",
    .owner = THIS_MODULE,
    .channel_types = visornic_channel_types,
    .probe = visornic_probe,
    .remove = visornic_remove,
    .pause = visornic_pause,
    .resume = visornic_resume,
    .channel_interrupt = NULL,
};

static int __init visornic_init(void)
{
    memset(used_index, 0, sizeof(used_index));
    return visorbus_register_visor_driver(&visornic_driver);
}

static void __exit visornic_cleanup(void)
{
    visorbus_unregister_visor_driver(&visornic_driver);
}

module_init(visornic_init);
module_exit(visornic_cleanup);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("s-Par virtual NIC");
