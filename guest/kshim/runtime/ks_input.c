/* The input core (Documentation/input/input-programming.rst, event-codes.rst): input devices,
 * their capabilities and state, the filtering of reported events, packets handed on at
 * SYN_REPORT, software autorepeat, and open/close by the devices' users. Written from the
 * documented behaviour; the event devices processes read are ks_evdev.c. */
#include <string.h>

#include <linux/errno.h>
#include <linux/input.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "ks_input.h"

/* What happens to one event (the kernel's "disposition"). */
#define TO_HANDLERS 0x1
#define TO_DEVICE   0x2
#define FLUSH       0x4

/* The SYN_REPORT the core adds itself (repeats, released keys, a packet split) has value 1,
 * where a driver's input_sync() sends 0. */
static const struct input_value core_sync = {EV_SYN, SYN_REPORT, 1};

static unsigned long input_no; /* input<N> device names, as the kernel numbers them */

void *ks_input_alloc(struct input_dev *dev, size_t size, const char *file, int line)
{
    return ks_kmalloc(size, GFP_KERNEL | __GFP_ZERO, dev->ks_owner, file, line);
}

struct input_dev *ks_input_allocate_device(const char *owner, const char *file, int line)
{
    struct input_dev *dev = ks_kmalloc(sizeof(*dev), GFP_KERNEL | __GFP_ZERO, owner, file, line);
    if (!dev)
        return NULL;
    dev->ks_owner = owner;
    dev->ks_refs = 1;
    mutex_init(&dev->mutex);
    spin_lock_init(&dev->event_lock);
    dev->ks_number = (int)input_no++;
    dev_set_name(&dev->dev, "input%d", dev->ks_number);
    return dev;
}

void ks_input_get(struct input_dev *dev)
{
    dev->ks_refs++;
}

void ks_input_put(struct input_dev *dev)
{
    if (--dev->ks_refs > 0)
        return;
    kfree(dev->vals);
    kfree(dev->absinfo);
    kfree(dev);
}

/* Only for a device that was never registered (or whose registration failed): a registered one
 * goes with input_unregister_device. */
void input_free_device(struct input_dev *dev)
{
    if (!dev)
        return;
    if (dev->ks_registered) {
        pr_err("input: input_free_device(%s) of a registered device: use "
               "input_unregister_device\n",
               dev_name(&dev->dev));
        return;
    }
    ks_input_put(dev);
}

void input_alloc_absinfo(struct input_dev *dev)
{
    if (dev->absinfo)
        return;
    dev->absinfo = ks_input_alloc(dev, ABS_CNT * sizeof(*dev->absinfo), __FILE__, __LINE__);
    if (!dev->absinfo)
        pr_err("input: %s: no memory for the absolute axes\n", dev_name(&dev->dev));
}

void input_set_abs_params(struct input_dev *dev, unsigned int axis, int min, int max, int fuzz,
                          int flat)
{
    if (axis > ABS_MAX)
        return;
    input_alloc_absinfo(dev);
    if (!dev->absinfo)
        return;
    struct input_absinfo *a = &dev->absinfo[axis];
    a->minimum = min;
    a->maximum = max;
    a->fuzz = fuzz;
    a->flat = flat;
    __set_bit(EV_ABS, dev->evbit);
    __set_bit(axis, dev->absbit);
}

void input_set_capability(struct input_dev *dev, unsigned int type, unsigned int code)
{
    switch (type) {
    case EV_KEY:
        __set_bit(code, dev->keybit);
        break;
    case EV_REL:
        __set_bit(code, dev->relbit);
        break;
    case EV_ABS:
        input_alloc_absinfo(dev);
        __set_bit(code, dev->absbit);
        break;
    case EV_MSC:
        __set_bit(code, dev->mscbit);
        break;
    case EV_SW:
        __set_bit(code, dev->swbit);
        break;
    case EV_LED:
        __set_bit(code, dev->ledbit);
        break;
    case EV_SND:
        __set_bit(code, dev->sndbit);
        break;
    case EV_FF:
    case EV_PWR:
        break;
    default:
        pr_err("input: input_set_capability: unknown type %u (code %u)\n", type, code);
        return;
    }
    __set_bit(type, dev->evbit);
}

static bool supported(unsigned int code, const unsigned long *bits, unsigned int max)
{
    return code <= max && test_bit(code, bits);
}

/* ---- handing packets on ---- */

static void start_autorepeat(struct input_dev *dev, unsigned int code)
{
    if (test_bit(EV_REP, dev->evbit) && dev->rep[REP_PERIOD] && dev->rep[REP_DELAY] &&
        dev->timer.function) {
        dev->repeat_key = code;
        mod_timer(&dev->timer, jiffies + msecs_to_jiffies((unsigned)dev->rep[REP_DELAY]));
    }
}

static void stop_autorepeat(struct input_dev *dev)
{
    if (dev->timer.function)
        del_timer(&dev->timer);
}

/* With dev->event_lock held. A press (re)starts the repeat of that key, any release stops it. */
static void pass_values(struct input_dev *dev, const struct input_value *vals, unsigned int n)
{
    if (!n)
        return;
    if (dev->ks_evdev)
        ks_evdev_events(dev, vals, n);
    if (test_bit(EV_REP, dev->evbit) && test_bit(EV_KEY, dev->evbit))
        for (unsigned int i = 0; i < n; i++)
            if (vals[i].type == EV_KEY && vals[i].value != 2) {
                if (vals[i].value)
                    start_autorepeat(dev, vals[i].code);
                else
                    stop_autorepeat(dev);
            }
}

static void repeat_key(struct timer_list *t)
{
    struct input_dev *dev = from_timer(dev, t, timer);
    unsigned long flags;
    spin_lock_irqsave(&dev->event_lock, flags);
    if (test_bit(dev->repeat_key, dev->key) && supported(dev->repeat_key, dev->keybit, KEY_MAX)) {
        const struct input_value vals[] = {{EV_KEY, (__u16)dev->repeat_key, 2}, core_sync};
        pass_values(dev, vals, 2);
        if (dev->rep[REP_PERIOD])
            mod_timer(&dev->timer, jiffies + msecs_to_jiffies((unsigned)dev->rep[REP_PERIOD]));
    }
    spin_unlock_irqrestore(&dev->event_lock, flags);
}

/* ---- filtering ---- */

/* An absolute value within the axis's fuzz of the current one is noise: kept at the current
 * value near it, smoothed a little further away. */
static int defuzz(int value, int old, int fuzz)
{
    if (fuzz) {
        if (value > old - fuzz / 2 && value < old + fuzz / 2)
            return old;
        if (value > old - fuzz && value < old + fuzz)
            return (old * 3 + value) / 4;
        if (value > old - fuzz * 2 && value < old + fuzz * 2)
            return (old + value) / 2;
    }
    return value;
}

static int disposition(struct input_dev *dev, unsigned int type, unsigned int code, int *value)
{
    switch (type) {
    case EV_SYN:
        if (code == SYN_REPORT)
            return TO_HANDLERS | FLUSH;
        if (code == SYN_MT_REPORT)
            return TO_HANDLERS;
        if (code == SYN_CONFIG)
            return TO_HANDLERS | TO_DEVICE;
        return 0; /* SYN_DROPPED: the event devices' to send */
    case EV_KEY:
        if (!supported(code, dev->keybit, KEY_MAX))
            return 0;
        if (*value == 2) /* a repeat goes through without touching the state */
            return TO_HANDLERS;
        if (!!test_bit(code, dev->key) == !!*value)
            return 0;
        __change_bit(code, dev->key);
        return TO_HANDLERS;
    case EV_SW:
        if (!supported(code, dev->swbit, SW_MAX) || !!test_bit(code, dev->sw) == !!*value)
            return 0;
        __change_bit(code, dev->sw);
        return TO_HANDLERS;
    case EV_ABS: {
        if (!supported(code, dev->absbit, ABS_MAX) || !dev->absinfo)
            return 0;
        struct input_absinfo *a = &dev->absinfo[code];
        *value = defuzz(*value, a->value, a->fuzz);
        if (*value == a->value)
            return 0;
        a->value = *value;
        return TO_HANDLERS;
    }
    case EV_REL:
        return supported(code, dev->relbit, REL_MAX) && *value ? TO_HANDLERS : 0;
    case EV_MSC:
        return supported(code, dev->mscbit, MSC_MAX) ? TO_HANDLERS | TO_DEVICE : 0;
    case EV_LED:
        if (!supported(code, dev->ledbit, LED_MAX) || !!test_bit(code, dev->led) == !!*value)
            return 0;
        __change_bit(code, dev->led);
        return TO_HANDLERS | TO_DEVICE;
    case EV_SND:
        if (!supported(code, dev->sndbit, SND_MAX))
            return 0;
        if (!!test_bit(code, dev->snd) != !!*value)
            __change_bit(code, dev->snd);
        return TO_HANDLERS | TO_DEVICE;
    case EV_REP:
        if (code > REP_MAX || *value < 0 || dev->rep[code] == *value)
            return 0;
        dev->rep[code] = *value;
        return TO_HANDLERS | TO_DEVICE;
    case EV_FF:
        return *value >= 0 ? TO_HANDLERS | TO_DEVICE : 0;
    case EV_PWR:
        return TO_HANDLERS | TO_DEVICE;
    }
    return 0;
}

/* With dev->event_lock held. */
static void handle_event(struct input_dev *dev, unsigned int type, unsigned int code, int value)
{
    int d = disposition(dev, type, code, &value);
    if ((d & TO_DEVICE) && dev->event)
        dev->event(dev, type, code, value);
    if (!dev->vals)
        return; /* not registered: the state changes, nobody hears of it */
    if (d & TO_HANDLERS)
        dev->vals[dev->num_vals++] = (struct input_value){(__u16)type, (__u16)code, value};
    if (d & FLUSH) {
        /* a packet of nothing but its SYN_REPORT is not handed on */
        if (dev->num_vals >= 2)
            pass_values(dev, dev->vals, dev->num_vals);
        dev->num_vals = 0;
    } else if (dev->num_vals >= dev->max_vals - 2) {
        /* the device sends more per packet than it announced: end the packet here */
        dev->vals[dev->num_vals++] = core_sync;
        pass_values(dev, dev->vals, dev->num_vals);
        dev->num_vals = 0;
    }
}

void input_event(struct input_dev *dev, unsigned int type, unsigned int code, int value)
{
    if (!supported(type, dev->evbit, EV_MAX))
        return;
    unsigned long flags;
    spin_lock_irqsave(&dev->event_lock, flags);
    handle_event(dev, type, code, value);
    spin_unlock_irqrestore(&dev->event_lock, flags);
}

/* An event written by a process to the event device (LED, repeat rate, ...). */
void ks_input_inject_event(struct input_dev *dev, unsigned int type, unsigned int code, int value)
{
    input_event(dev, type, code, value);
}

/* ---- users ---- */

int ks_input_open_device(struct input_dev *dev)
{
    int rc = 0;
    mutex_lock(&dev->mutex);
    if (dev->going_away)
        rc = -ENODEV;
    else if (dev->users++ == 0 && dev->open) {
        rc = dev->open(dev);
        if (rc)
            dev->users--;
    }
    mutex_unlock(&dev->mutex);
    return rc;
}

void ks_input_close_device(struct input_dev *dev)
{
    mutex_lock(&dev->mutex);
    if (dev->users && --dev->users == 0 && dev->close)
        dev->close(dev);
    mutex_unlock(&dev->mutex);
}

/* ---- registration ---- */

/* Events per packet the device may send at least, whatever the driver's hint says: one per
 * absolute and relative axis, room for key and misc events, and the SYN_REPORT. */
static unsigned int estimate_events_per_packet(struct input_dev *dev)
{
    unsigned int n = 1;
    if (test_bit(EV_ABS, dev->evbit))
        n += bitmap_weight(dev->absbit, ABS_CNT);
    if (test_bit(EV_REL, dev->evbit))
        n += bitmap_weight(dev->relbit, REL_CNT);
    return n + 7;
}

/* Capabilities of event types the device does not declare are cleared. */
static void cleanse_bits(struct input_dev *dev)
{
#define CLEANSE(type, bits)                                                                        \
    if (!test_bit(type, dev->evbit))                                                               \
        memset(dev->bits, 0, sizeof(dev->bits));
    CLEANSE(EV_KEY, keybit)
    CLEANSE(EV_REL, relbit)
    CLEANSE(EV_ABS, absbit)
    CLEANSE(EV_MSC, mscbit)
    CLEANSE(EV_LED, ledbit)
    CLEANSE(EV_SND, sndbit)
    CLEANSE(EV_SW, swbit)
#undef CLEANSE
}

int input_register_device(struct input_dev *dev)
{
    if (dev->ks_registered)
        return -EBUSY;
    if (test_bit(EV_ABS, dev->evbit) && !dev->absinfo) {
        pr_err("input: %s: absolute axes without input_set_abs_params/input_alloc_absinfo\n",
               dev->name ? dev->name : dev_name(&dev->dev));
        return -EINVAL;
    }
    /* every device reports packets; KEY_RESERVED never reaches user space */
    __set_bit(EV_SYN, dev->evbit);
    __clear_bit(KEY_RESERVED, dev->keybit);
    cleanse_bits(dev);
    unsigned int estimate = estimate_events_per_packet(dev);
    if (dev->hint_events_per_packet < estimate)
        dev->hint_events_per_packet = estimate;
    dev->max_vals = dev->hint_events_per_packet + 2;
    dev->vals = ks_input_alloc(dev, dev->max_vals * sizeof(*dev->vals), __FILE__, __LINE__);
    if (!dev->vals)
        return -ENOMEM;
    /* a device that repeats keys but sets no rate gets the core's software repeat */
    if (test_bit(EV_REP, dev->evbit) && !dev->rep[REP_DELAY] && !dev->rep[REP_PERIOD]) {
        timer_setup(&dev->timer, repeat_key, 0);
        dev->rep[REP_DELAY] = 250;
        dev->rep[REP_PERIOD] = 33;
    }
    mutex_lock(&dev->mutex);
    dev->ks_registered = 1;
    mutex_unlock(&dev->mutex);
    int rc = ks_evdev_connect(dev);
    if (rc) {
        dev->ks_registered = 0;
        kfree(dev->vals);
        dev->vals = NULL;
        return rc;
    }
    pr_info("input: %s as %s\n", dev->name ? dev->name : "Unspecified device", dev_name(&dev->dev));
    return 0;
}

void input_unregister_device(struct input_dev *dev)
{
    if (!dev || !dev->ks_registered)
        return;
    mutex_lock(&dev->mutex);
    dev->going_away = true;
    mutex_unlock(&dev->mutex);
    /* keys still down are released, so that no user is left with a key stuck down */
    unsigned long flags;
    spin_lock_irqsave(&dev->event_lock, flags);
    if (test_bit(EV_KEY, dev->evbit)) {
        bool any = false;
        for (unsigned int code = 0; code < KEY_CNT; code++)
            if (test_bit(code, dev->key)) {
                __clear_bit(code, dev->key);
                const struct input_value up = {EV_KEY, (__u16)code, 0};
                pass_values(dev, &up, 1);
                any = true;
            }
        if (any) {
            pass_values(dev, &core_sync, 1);
        }
    }
    dev->num_vals = 0;
    spin_unlock_irqrestore(&dev->event_lock, flags);
    ks_evdev_disconnect(dev);
    if (dev->timer.function)
        del_timer_sync(&dev->timer);
    dev->ks_registered = 0;
    ks_input_put(dev);
}
