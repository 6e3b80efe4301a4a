// SPDX-License-Identifier: GPL-2.0+
/*
 * s-Par keyboard and mouse (spec visor.md §4.5): while /dev/visorinput<N> is open and the
 * device is not paused, queue 0 of the input channel is emptied whenever the device's interrupt
 * fires (when the firmware offered one, as for vhba/vnic), else the visorbus timer polls it as
 * upstream does; each report
 * becomes Linux input events (key, button, absolute motion, wheel) followed by a SYN_REPORT,
 * which read() returns.
 *
 * Unlike upstream, a report with an unknown action or a scancode no key has is counted and
 * logged as a protocol violation, and the event buffer has a fixed size: when readers fall
 * behind, whole reports are dropped and counted.
 */
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/visorbus.h>
#include <linux/wait.h>

#include "uapi/visor_user.h"
#include "visor_proto.h"

#define EVENT_RING            1024 /* events */
#define MAX_EVENTS_PER_REPORT 8
#define MAX_DEVICES           32
#define DEFAULT_X_RES         1024
#define DEFAULT_Y_RES         768

/* set-1 scancodes of the lock keys and the Linux key codes they become */
#define SC_CAPSLOCK   0x3a
#define SC_NUMLOCK    0x45
#define SC_SCROLLLOCK 0x46

struct visorinput_devdata {
    struct visor_device *dev;
    int kind;
    int index;
    char name[24];
    struct miscdevice misc;
    spinlock_t lock; /* the event ring: timer fills it, readers empty it */
    struct visorinput_event ring[EVENT_RING];
    unsigned int head, count;
    wait_queue_head_t readers;
    int users;
    bool paused, removed, polling;
    int irq; /* the device's interrupt, or -1: the visorbus timer polls */
    u32 x_res, y_res, locks;
    u64 reports, dropped, violations;
    int refs; /* the device, plus one per open file */
};

static bool used_index[MAX_DEVICES];
static DEFINE_MUTEX(visorinput_mutex); /* open/close/remove and the polling switch */

static void devdata_put(struct visorinput_devdata *d)
{
    if (--d->refs == 0)
        kfree(d);
}

/* Linux key code of a report's scancode: set 1, with 0xE0-prefixed codes in the high byte. */
static int keycode_of(u16 scancode)
{
    static const struct {
        u8 sc;
        u16 key;
    } extended[] = {
        {0x1c, 96},  {0x1d, 97},  {0x35, 98},  {0x38, 100}, {0x47, 102}, {0x48, 103},
        {0x49, 104}, {0x4b, 105}, {0x4d, 106}, {0x4f, 107}, {0x50, 108}, {0x51, 109},
        {0x52, 110}, {0x53, 111}, {0x5b, 125}, {0x5c, 126}, {0x5d, 127},
    };
    size_t i;

    if (scancode <= 0xff)
        /* set-1 codes 0x01-0x58 are the Linux key codes themselves */
        return (scancode >= 0x01 && scancode <= 0x58) ? scancode : -1;
    if ((scancode & 0xff) != 0xe0)
        return -1;
    for (i = 0; i < ARRAY_SIZE(extended); i++)
        if (extended[i].sc == scancode >> 8)
            return extended[i].key;
    return -1;
}

static int button_of(u16 arg)
{
    switch (arg) {
    case 1:
        return VISORINPUT_BTN_LEFT;
    case 2:
        return VISORINPUT_BTN_MIDDLE;
    case 3:
        return VISORINPUT_BTN_RIGHT;
    default:
        return -1;
    }
}

static void violation(struct visorinput_devdata *d, const struct visor_inputreport *r,
                      const char *what)
{
    d->violations++;
    dev_err(&d->dev->device, "protocol violation: report %llu action %u arg1 %#x: %s\n", r->seq_no,
            r->activity.action, r->activity.arg1, what);
}

/* Events of one report into ev[]; returns how many, 0 for a report to ignore. */
static int translate(struct visorinput_devdata *d, const struct visor_inputreport *r,
                     struct visorinput_event *ev)
{
    int n = 0, code, i, times;
    u16 a1 = r->activity.arg1, a2 = r->activity.arg2;

#define EMIT(t, c, v) (ev[n++] = (struct visorinput_event){(t), (c), (v)})
    switch (r->activity.action) {
    case INPUTACTION_XY_MOTION:
        if (d->kind != VISORINPUT_MOUSE)
            goto wrong_device;
        if (a1 > d->x_res || a2 > d->y_res) {
            violation(d, r, "position outside the announced resolution");
            return 0;
        }
        EMIT(VISORINPUT_EV_ABS, VISORINPUT_ABS_X, a1);
        EMIT(VISORINPUT_EV_ABS, VISORINPUT_ABS_Y, a2);
        break;
    case INPUTACTION_MOUSE_BUTTON_DOWN:
    case INPUTACTION_MOUSE_BUTTON_UP:
    case INPUTACTION_MOUSE_BUTTON_CLICK:
    case INPUTACTION_MOUSE_BUTTON_DCLICK:
        if (d->kind != VISORINPUT_MOUSE)
            goto wrong_device;
        code = button_of(a1);
        if (code < 0) {
            violation(d, r, "no such button");
            return 0;
        }
        if (r->activity.action == INPUTACTION_MOUSE_BUTTON_DOWN) {
            EMIT(VISORINPUT_EV_KEY, code, 1);
        } else if (r->activity.action == INPUTACTION_MOUSE_BUTTON_UP) {
            EMIT(VISORINPUT_EV_KEY, code, 0);
        } else {
            times = r->activity.action == INPUTACTION_MOUSE_BUTTON_DCLICK ? 2 : 1;
            for (i = 0; i < times; i++) {
                EMIT(VISORINPUT_EV_KEY, code, 1);
                EMIT(VISORINPUT_EV_KEY, code, 0);
            }
        }
        break;
    case INPUTACTION_WHEEL_ROTATE_AWAY:
    case INPUTACTION_WHEEL_ROTATE_TOWARD:
        if (d->kind != VISORINPUT_MOUSE)
            goto wrong_device;
        EMIT(VISORINPUT_EV_REL, VISORINPUT_REL_WHEEL,
             r->activity.action == INPUTACTION_WHEEL_ROTATE_AWAY ? 1 : -1);
        break;
    case INPUTACTION_KEY_DOWN:
    case INPUTACTION_KEY_UP:
    case INPUTACTION_KEY_DOWN_UP:
        if (d->kind != VISORINPUT_KEYBOARD)
            goto wrong_device;
        code = keycode_of(a1);
        if (code < 0) {
            violation(d, r, "no key has this scancode");
            return 0;
        }
        if (r->activity.action != INPUTACTION_KEY_UP)
            EMIT(VISORINPUT_EV_KEY, code, 1);
        if (r->activity.action != INPUTACTION_KEY_DOWN)
            EMIT(VISORINPUT_EV_KEY, code, 0);
        break;
    case INPUTACTION_SET_LOCKING_KEY_STATE: {
        int bit = a1 == SC_CAPSLOCK ? 0 : a1 == SC_NUMLOCK ? 1 : a1 == SC_SCROLLLOCK ? 2 : -1;

        if (d->kind != VISORINPUT_KEYBOARD)
            goto wrong_device;
        if (bit < 0) {
            violation(d, r, "not a locking key");
            return 0;
        }
        /* toggled by a key press only when the state differs, as upstream */
        if (!!(d->locks & (1u << bit)) == !!a2)
            return 0;
        d->locks ^= 1u << bit;
        EMIT(VISORINPUT_EV_KEY, a1, 1);
        EMIT(VISORINPUT_EV_KEY, a1, 0);
        break;
    }
    default:
        violation(d, r, "unknown action");
        return 0;
    }
    EMIT(VISORINPUT_EV_SYN, 0, 0);
    return n;
#undef EMIT
wrong_device:
    violation(d, r,
              d->kind == VISORINPUT_MOUSE ? "keyboard action on a mouse channel"
                                          : "mouse action on a keyboard channel");
    return 0;
}

static void visorinput_channel_interrupt(struct visor_device *dev)
{
    struct visorinput_devdata *d = dev_get_drvdata(&dev->device);
    struct visorinput_event ev[MAX_EVENTS_PER_REPORT];
    struct visor_inputreport r;
    unsigned long flags;
    bool woke = false;
    int n, i;

    if (!d || d->paused)
        return;
    while (visorchannel_signalremove(dev->visorchannel, 0, &r) == 0) {
        d->reports++;
        n = translate(d, &r, ev);
        if (!n)
            continue;
        spin_lock_irqsave(&d->lock, flags);
        if (d->count + n > EVENT_RING) {
            d->dropped++;
        } else {
            for (i = 0; i < n; i++)
                d->ring[(d->head + d->count++) % EVENT_RING] = ev[i];
            woke = true;
        }
        spin_unlock_irqrestore(&d->lock, flags);
    }
    if (woke)
        wake_up_interruptible(&d->readers);
}

/* ---- the device file ------------------------------------------------------------------ */

/* Tells the firmware whether to raise the line after inserting reports. */
static void set_channel_ints(struct visorinput_devdata *d, bool on)
{
    u64 features;

    if (visorbus_read_channel(d->dev, offsetof(struct channel_header, features), &features,
                              sizeof(features)) < 0)
        return;
    if (on)
        features = (features & ~(VISOR_CHANNEL_IS_POLLING | VISOR_DRIVER_DISABLES_INTS)) |
                   VISOR_DRIVER_ENABLES_INTS;
    else
        features = (features & ~VISOR_DRIVER_ENABLES_INTS) | VISOR_CHANNEL_IS_POLLING;
    visorbus_write_channel(d->dev, offsetof(struct channel_header, features), &features,
                           sizeof(features));
}

static void update_polling(struct visorinput_devdata *d)
{
    bool want = d->users > 0 && !d->paused && !d->removed;

    if (want == d->polling)
        return;
    d->polling = want;
    if (d->irq < 0) {
        if (want)
            visorbus_enable_channel_interrupts(d->dev);
        else
            visorbus_disable_channel_interrupts(d->dev);
        return;
    }
    set_channel_ints(d, want);
    /* reports inserted while the line was off raised nothing */
    if (want)
        visorinput_channel_interrupt(d->dev);
}

static irqreturn_t visorinput_interrupt(int irq, void *arg)
{
    struct visorinput_devdata *d = arg;

    (void)irq;
    if (d->polling)
        visorinput_channel_interrupt(d->dev);
    return IRQ_HANDLED;
}

static void release_irq(struct visorinput_devdata *d)
{
    if (d->irq >= 0)
        free_irq(d->irq, d);
    d->irq = -1;
}

static int visorinput_open(struct inode *inode, struct file *file)
{
    struct miscdevice *misc = file->private_data;
    struct visorinput_devdata *d = container_of(misc, struct visorinput_devdata, misc);

    mutex_lock(&visorinput_mutex);
    d->refs++;
    d->users++;
    file->private_data = d;
    update_polling(d);
    mutex_unlock(&visorinput_mutex);
    return 0;
}

static int visorinput_release(struct inode *inode, struct file *file)
{
    struct visorinput_devdata *d = file->private_data;

    mutex_lock(&visorinput_mutex);
    d->users--;
    if (!d->removed)
        update_polling(d);
    devdata_put(d);
    mutex_unlock(&visorinput_mutex);
    return 0;
}

static ssize_t visorinput_read(struct file *file, char __user *buf, size_t n, loff_t *pos)
{
    struct visorinput_devdata *d = file->private_data;
    struct visorinput_event ev[64];
    unsigned long flags;
    size_t want = min_t(size_t, n / sizeof(ev[0]), ARRAY_SIZE(ev)), got = 0;
    long rc;

    if (want == 0)
        return -EINVAL;
    for (;;) {
        spin_lock_irqsave(&d->lock, flags);
        while (got < want && d->count) {
            ev[got++] = d->ring[d->head];
            d->head = (d->head + 1) % EVENT_RING;
            d->count--;
        }
        spin_unlock_irqrestore(&d->lock, flags);
        if (got || d->removed)
            break;
        if (file->f_flags & O_NONBLOCK)
            return -EAGAIN;
        rc = wait_event_interruptible(d->readers, d->count || d->removed);
        if (rc)
            return rc;
    }
    if (!got)
        return -ENODEV;
    if (copy_to_user(buf, ev, got * sizeof(ev[0])))
        return -EFAULT;
    return got * sizeof(ev[0]);
}

static __poll_t visorinput_poll(struct file *file, poll_table *pt)
{
    struct visorinput_devdata *d = file->private_data;

    poll_wait(file, &d->readers, pt);
    if (d->removed)
        return POLLHUP;
    return d->count ? (POLLIN | POLLRDNORM) : 0;
}

static long visorinput_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    struct visorinput_devdata *d = file->private_data;
    struct visorinput_info info;

    if (cmd != VISORINPUT_IOC_INFO)
        return -ENOTTY;
    memset(&info, 0, sizeof(info));
    info.kind = d->kind;
    info.x_res = d->x_res;
    info.y_res = d->y_res;
    info.locks = d->locks;
    info.reports = d->reports;
    info.dropped = d->dropped;
    info.violations = d->violations + visorbus_device_violations(d->dev);
    return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static const struct file_operations visorinput_fops = {
    .owner = THIS_MODULE,
    .open = visorinput_open,
    .release = visorinput_release,
    .read = visorinput_read,
    .poll = visorinput_poll,
    .unlocked_ioctl = visorinput_ioctl,
};

/* ---- the function driver -------------------------------------------------------------- */

static int visorinput_probe(struct visor_device *dev)
{
    guid_t mouse = VISOR_MOUSE_CHANNEL_GUID;
    struct visor_input_channel_data data;
    struct visorinput_devdata *d;
    int rc;

    d = kzalloc(sizeof(*d), GFP_KERNEL);
    if (!d)
        return -ENOMEM;
    d->dev = dev;
    d->refs = 1;
    d->kind = guid_equal(&dev->channel_type_guid, &mouse) ? VISORINPUT_MOUSE : VISORINPUT_KEYBOARD;
    spin_lock_init(&d->lock);
    init_waitqueue_head(&d->readers);
    memset(&data, 0, sizeof(data));
    if (visorbus_read_channel(dev, VISOR_INPUT_DATA_OFFSET, &data, sizeof(data)) < 0) {
        dev_err(&dev->device, "protocol violation: channel too small for its input data\n");
        kfree(d);
        return -EINVAL;
    }
    d->irq = visorbus_device_irq(dev);
    if (d->irq >= 0 && request_irq(d->irq, visorinput_interrupt, 0, "visorinput", d))
        d->irq = -1;
    d->x_res = data.mouse.x_res ? data.mouse.x_res : DEFAULT_X_RES;
    d->y_res = data.mouse.y_res ? data.mouse.y_res : DEFAULT_Y_RES;
    mutex_lock(&visorinput_mutex);
    for (d->index = 0; d->index < MAX_DEVICES && used_index[d->index]; d->index++)
        ;
    if (d->index >= MAX_DEVICES) {
        mutex_unlock(&visorinput_mutex);
        release_irq(d);
        kfree(d);
        return -ENOSPC;
    }
    used_index[d->index] = true;
    mutex_unlock(&visorinput_mutex);
    snprintf(d->name, sizeof(d->name), "visorinput%d", d->index);
    d->misc.minor = MISC_DYNAMIC_MINOR;
    d->misc.name = d->name;
    d->misc.fops = &visorinput_fops;
    d->misc.parent = &dev->device;
    dev_set_drvdata(&dev->device, d);
    rc = misc_register(&d->misc);
    if (rc) {
        used_index[d->index] = false;
        dev_set_drvdata(&dev->device, NULL);
        release_irq(d);
        kfree(d);
        return rc;
    }
    dev_info(&dev->device, "%s: %s\n", d->name, d->kind == VISORINPUT_MOUSE ? "mouse" : "keyboard");
    return 0;
}

static void visorinput_remove(struct visor_device *dev)
{
    struct visorinput_devdata *d = dev_get_drvdata(&dev->device);

    if (!d)
        return;
    mutex_lock(&visorinput_mutex);
    update_polling(d);
    d->removed = true;
    update_polling(d);
    visorbus_disable_channel_interrupts(dev);
    release_irq(d);
    d->polling = false;
    misc_deregister(&d->misc);
    used_index[d->index] = false;
    dev_set_drvdata(&dev->device, NULL);
    wake_up_interruptible_all(&d->readers);
    devdata_put(d);
    mutex_unlock(&visorinput_mutex);
}

static int visorinput_pause(struct visor_device *dev, visorbus_state_complete_func complete)
{
    struct visorinput_devdata *d = dev_get_drvdata(&dev->device);

    mutex_lock(&visorinput_mutex);
    d->paused = true;
    update_polling(d);
    mutex_unlock(&visorinput_mutex);
    complete(dev, 0);
    return 0;
}

static int visorinput_resume(struct visor_device *dev, visorbus_state_complete_func complete)
{
    struct visorinput_devdata *d = dev_get_drvdata(&dev->device);

    mutex_lock(&visorinput_mutex);
    d->paused = false;
    update_polling(d);
    mutex_unlock(&visorinput_mutex);
    complete(dev, 0);
    return 0;
}

static struct visor_channeltype_descriptor visorinput_channel_types[] = {
    {VISOR_KEYBOARD_CHANNEL_GUID, "keyboard", sizeof(struct channel_header), 0},
    {VISOR_MOUSE_CHANNEL_GUID, "mouse", sizeof(struct channel_header), 0},
    {},
};

static struct visor_driver visorinput_driver = {
    .name = "visorinput",
    .owner = THIS_MODULE,
    .channel_types = visorinput_channel_types,
    .probe = visorinput_probe,
    .remove = visorinput_remove,
    .channel_interrupt = visorinput_channel_interrupt,
    .pause = visorinput_pause,
    .resume = visorinput_resume,
};

static int __init visorinput_init(void)
{
    memset(used_index, 0, sizeof(used_index));
    return visorbus_register_visor_driver(&visorinput_driver);
}

static void __exit visorinput_cleanup(void)
{
    visorbus_unregister_visor_driver(&visorinput_driver);
}

module_init(visorinput_init);
module_exit(visorinput_cleanup);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("s-Par keyboard and mouse");
