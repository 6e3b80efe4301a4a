/* Event devices: each registered input device is /dev/input/event<N> (the lowest N free in its
 * kernel) to simulated processes, as the kernel's evdev handler presents it
 * (Documentation/input/input.rst, "evdev"). Each open file is a client with its own queue of
 * struct input_event records; read() returns whole packets only; the first open calls the
 * device's open(), the last close its close(). A client that does not keep up loses what it
 * has not read: its queue is replaced by SYN_DROPPED and the newest event
 * (event-codes.rst, SYN_DROPPED). Written events go to the device (LEDs, repeat rate). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "ks_input.h"
#include "ks_internal.h"
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define EVDEV_MINORS     32
#define EVDEV_MIN_BUFFER 64 /* events */
#define EVDEV_PACKETS    8  /* packets a client queue holds at least */

struct ks_evdev {
    struct input_dev *dev;
    struct miscdevice misc;
    char node[32]; /* input/event<N> */
    int minor;
    int exist; /* cleared when the input device goes away */
    int open;  /* clients */
    int refs;  /* the input device's registration and each client */
    struct wait_queue_head wait;
    struct list_head clients;
};

struct evdev_client {
    struct ks_evdev *evdev;
    struct list_head node;
    spinlock_t buffer_lock;
    unsigned int head, tail, packet_head; /* packet_head: end of the last whole packet */
    unsigned int bufsize;                 /* a power of two */
    struct input_event buffer[];
};

static const struct file_operations evdev_fops;

static void *evdev_alloc(size_t size, int line)
{
    return ks_kmalloc(size, GFP_KERNEL | __GFP_ZERO, "evdev", __FILE__, line);
}

static void evdev_put(struct ks_evdev *e)
{
    if (--e->refs > 0)
        return;
    ks_input_put(e->dev);
    kfree(e);
}

/* ---- events in ---- */

static void client_push(struct evdev_client *c, const struct input_event *ev)
{
    c->buffer[c->head++] = *ev;
    c->head &= c->bufsize - 1;
    if (c->head == c->tail) {
        /* full: what was not read is dropped, the reader is told with SYN_DROPPED, the newest
         * event stays; nothing is readable until the next SYN_REPORT ends a packet */
        c->tail = (c->head - 2) & (c->bufsize - 1);
        c->buffer[c->tail] = (struct input_event){.__sec = ev->__sec,
                                                  .__usec = ev->__usec,
                                                  .type = EV_SYN,
                                                  .code = SYN_DROPPED,
                                                  .value = 0};
        c->packet_head = c->tail;
    }
    if (ev->type == EV_SYN && ev->code == SYN_REPORT)
        c->packet_head = c->head;
}

void ks_evdev_events(struct input_dev *dev, const struct input_value *vals, unsigned int n)
{
    struct ks_evdev *e = dev->ks_evdev;
    if (!e)
        return;
    struct timespec64 now;
    ktime_get_real_ts64(&now);
    bool wake = false;
    struct evdev_client *c;
    list_for_each_entry(c, &e->clients, node)
    {
        spin_lock(&c->buffer_lock);
        for (unsigned int i = 0; i < n; i++) {
            struct input_event ev = {(unsigned long)now.tv_sec, (unsigned long)(now.tv_nsec / 1000),
                                     vals[i].type, vals[i].code, vals[i].value};
            client_push(c, &ev);
        }
        spin_unlock(&c->buffer_lock);
    }
    for (unsigned int i = 0; i < n; i++)
        if (vals[i].type == EV_SYN && vals[i].code == SYN_REPORT)
            wake = true;
    if (wake)
        wake_up_interruptible(&e->wait);
}

/* ---- the file ---- */

static unsigned int client_bufsize(struct input_dev *dev)
{
    unsigned int want = dev->hint_events_per_packet * EVDEV_PACKETS, n = EVDEV_MIN_BUFFER;
    while (n < want)
        n <<= 1;
    return n;
}

static int evdev_open(struct inode *inode, struct file *f)
{
    (void)inode;
    struct ks_evdev *e = container_of((struct miscdevice *)f->private_data, struct ks_evdev, misc);
    if (!e->exist)
        return -ENODEV;
    unsigned int size = client_bufsize(e->dev);
    struct evdev_client *c = evdev_alloc(sizeof(*c) + size * sizeof(struct input_event), __LINE__);
    if (!c)
        return -ENOMEM;
    c->bufsize = size;
    c->evdev = e;
    spin_lock_init(&c->buffer_lock);
    e->refs++;
    if (e->open++ == 0) {
        int rc = ks_input_open_device(e->dev);
        if (rc) {
            e->open--;
            evdev_put(e);
            kfree(c);
            return rc;
        }
    }
    unsigned long flags;
    spin_lock_irqsave(&e->dev->event_lock, flags);
    list_add_tail(&c->node, &e->clients);
    spin_unlock_irqrestore(&e->dev->event_lock, flags);
    f->private_data = c;
    return 0;
}

static int evdev_release(struct inode *inode, struct file *f)
{
    (void)inode;
    struct evdev_client *c = f->private_data;
    struct ks_evdev *e = c->evdev;
    unsigned long flags;
    spin_lock_irqsave(&e->dev->event_lock, flags);
    list_del(&c->node);
    spin_unlock_irqrestore(&e->dev->event_lock, flags);
    kfree(c);
    if (--e->open == 0 && e->exist)
        ks_input_close_device(e->dev);
    evdev_put(e);
    return 0;
}

static bool fetch(struct evdev_client *c, struct input_event *ev)
{
    spin_lock_irq(&c->buffer_lock);
    bool have = c->packet_head != c->tail;
    if (have) {
        *ev = c->buffer[c->tail++];
        c->tail &= c->bufsize - 1;
    }
    spin_unlock_irq(&c->buffer_lock);
    return have;
}

static ssize_t evdev_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
    (void)pos;
    struct evdev_client *c = f->private_data;
    struct ks_evdev *e = c->evdev;
    size_t done = 0;
    if (count != 0 && count < sizeof(struct input_event))
        return -EINVAL;
    for (;;) {
        if (!e->exist)
            return -ENODEV;
        if (c->packet_head == c->tail && (f->f_flags & O_NONBLOCK))
            return -EAGAIN;
        if (count == 0)
            return 0;
        struct input_event ev;
        /* one record at a time out of the queue, copied to the user without the lock */
        while (done + sizeof(ev) <= count && fetch(c, &ev)) {
            if (copy_to_user(buf + done, &ev, sizeof(ev)))
                return -EFAULT;
            done += sizeof(ev);
        }
        if (done)
            return (ssize_t)done;
        if (wait_event_interruptible(e->wait, c->packet_head != c->tail || !e->exist))
            return -ERESTARTSYS;
    }
}

static ssize_t evdev_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
    (void)pos;
    struct evdev_client *c = f->private_data;
    struct ks_evdev *e = c->evdev;
    size_t done = 0;
    if (count != 0 && count < sizeof(struct input_event))
        return -EINVAL;
    if (!e->exist)
        return -ENODEV;
    while (done + sizeof(struct input_event) <= count) {
        struct input_event ev;
        if (copy_from_user(&ev, buf + done, sizeof(ev)))
            return -EFAULT;
        ks_input_inject_event(e->dev, ev.type, ev.code, ev.value);
        done += sizeof(ev);
    }
    return (ssize_t)done;
}

static __poll_t evdev_poll(struct file *f, struct poll_table_struct *pt)
{
    struct evdev_client *c = f->private_data;
    struct ks_evdev *e = c->evdev;
    poll_wait(f, &e->wait, pt);
    __poll_t mask = e->exist ? POLLOUT | POLLWRNORM : POLLHUP | POLLERR;
    if (c->packet_head != c->tail)
        mask |= POLLIN | POLLRDNORM;
    return mask;
}

static long copy_out(unsigned long arg, const void *from, size_t have, size_t len)
{
    size_t n = have < len ? have : len;
    if (copy_to_user((void __user *)arg, from, n))
        return -EFAULT;
    return (long)n;
}

static long copy_string(unsigned long arg, const char *s, size_t len)
{
    if (!s)
        return -ENOENT;
    return copy_out(arg, s, strlen(s) + 1, len);
}

static long copy_bits(unsigned long arg, const unsigned long *bits, unsigned int nbits, size_t len)
{
    return copy_out(arg, bits, BITS_TO_LONGS(nbits) * sizeof(long), len);
}

/* The capability bitmap of one event type (EVIOCGBIT); type 0 is the types themselves. */
static long get_bits(struct input_dev *dev, unsigned int type, unsigned long arg, size_t len)
{
    switch (type) {
    case 0:
        return copy_bits(arg, dev->evbit, EV_CNT, len);
    case EV_KEY:
        return copy_bits(arg, dev->keybit, KEY_CNT, len);
    case EV_REL:
        return copy_bits(arg, dev->relbit, REL_CNT, len);
    case EV_ABS:
        return copy_bits(arg, dev->absbit, ABS_CNT, len);
    case EV_MSC:
        return copy_bits(arg, dev->mscbit, MSC_CNT, len);
    case EV_LED:
        return copy_bits(arg, dev->ledbit, LED_CNT, len);
    case EV_SND:
        return copy_bits(arg, dev->sndbit, SND_CNT, len);
    case EV_SW:
        return copy_bits(arg, dev->swbit, SW_CNT, len);
    }
    return -EINVAL;
}

/* State bitmaps (keys down, LEDs on) are copied under the event lock, then handed out. */
static long get_state(struct input_dev *dev, const unsigned long *bits, unsigned int nbits,
                      unsigned long arg, size_t len)
{
    unsigned long copy[BITS_TO_LONGS(KEY_CNT)];
    unsigned long flags;
    spin_lock_irqsave(&dev->event_lock, flags);
    memcpy(copy, bits, BITS_TO_LONGS(nbits) * sizeof(long));
    spin_unlock_irqrestore(&dev->event_lock, flags);
    return copy_bits(arg, copy, nbits, len);
}

static long evdev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct evdev_client *c = f->private_data;
    struct ks_evdev *e = c->evdev;
    struct input_dev *dev = e->dev;
    if (!e->exist)
        return -ENODEV;
    switch (cmd) {
    case EVIOCGVERSION: {
        int v = EV_VERSION;
        return copy_to_user((void __user *)arg, &v, sizeof(v)) ? -EFAULT : 0;
    }
    case EVIOCGID:
        return copy_to_user((void __user *)arg, &dev->id, sizeof(dev->id)) ? -EFAULT : 0;
    case EVIOCGREP: {
        unsigned int rep[2] = {(unsigned)dev->rep[REP_DELAY], (unsigned)dev->rep[REP_PERIOD]};
        if (!test_bit(EV_REP, dev->evbit))
            return -ENOSYS;
        return copy_to_user((void __user *)arg, rep, sizeof(rep)) ? -EFAULT : 0;
    }
    }
    if (_IOC_TYPE(cmd) != 'E' || _IOC_DIR(cmd) != _IOC_READ)
        return -EINVAL;
    size_t len = _IOC_SIZE(cmd);
    unsigned int nr = _IOC_NR(cmd);
    if (nr == _IOC_NR(EVIOCGNAME(0)))
        return copy_string(arg, dev->name, len);
    if (nr == _IOC_NR(EVIOCGPHYS(0)))
        return copy_string(arg, dev->phys, len);
    if (nr == _IOC_NR(EVIOCGKEY(0)))
        return get_state(dev, dev->key, KEY_CNT, arg, len);
    if (nr == _IOC_NR(EVIOCGLED(0)))
        return get_state(dev, dev->led, LED_CNT, arg, len);
    if (nr >= 0x20 && nr < 0x20 + EV_CNT)
        return get_bits(dev, nr - 0x20, arg, len);
    if (nr >= 0x40 && nr < 0x40 + ABS_CNT) {
        unsigned int axis = nr - 0x40;
        if (!dev->absinfo || !test_bit(axis, dev->absbit))
            return -EINVAL;
        struct input_absinfo a;
        unsigned long flags;
        spin_lock_irqsave(&dev->event_lock, flags);
        a = dev->absinfo[axis];
        spin_unlock_irqrestore(&dev->event_lock, flags);
        return copy_to_user((void __user *)arg, &a, len < sizeof(a) ? len : sizeof(a)) ? -EFAULT
                                                                                       : 0;
    }
    return -EINVAL;
}

static const struct file_operations evdev_fops = {
    .read = evdev_read,
    .write = evdev_write,
    .poll = evdev_poll,
    .unlocked_ioctl = evdev_ioctl,
    .open = evdev_open,
    .release = evdev_release,
};

/* ---- the input device's side ---- */

int ks_evdev_connect(struct input_dev *dev)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return -ENODEV;
    int minor = 0;
    char node[32];
    for (; minor < EVDEV_MINORS; minor++) {
        snprintf(node, sizeof(node), "input/event%d", minor);
        if (!ks_misc_find(k, node))
            break;
    }
    if (minor == EVDEV_MINORS)
        return -ENFILE;
    struct ks_evdev *e = evdev_alloc(sizeof(*e), __LINE__);
    if (!e)
        return -ENOMEM;
    e->dev = dev;
    e->minor = minor;
    e->exist = 1;
    e->refs = 1;
    memcpy(e->node, node, sizeof(node));
    init_waitqueue_head(&e->wait);
    INIT_LIST_HEAD(&e->clients);
    e->misc.minor = MISC_DYNAMIC_MINOR;
    e->misc.name = e->node;
    e->misc.fops = &evdev_fops;
    int rc = misc_register(&e->misc);
    if (rc) {
        kfree(e);
        return rc;
    }
    ks_input_get(dev);
    dev->ks_evdev = e;
    return 0;
}

void ks_evdev_disconnect(struct input_dev *dev)
{
    struct ks_evdev *e = dev->ks_evdev;
    if (!e)
        return;
    misc_deregister(&e->misc);
    unsigned long flags;
    spin_lock_irqsave(&dev->event_lock, flags);
    e->exist = 0;
    dev->ks_evdev = NULL;
    spin_unlock_irqrestore(&dev->event_lock, flags);
    /* readers learn it at once (-ENODEV, POLLHUP); the device is closed for those still open */
    wake_up_interruptible(&e->wait);
    if (e->open)
        ks_input_close_device(dev);
    evdev_put(e);
}
