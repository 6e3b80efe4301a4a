/* The input core as drivers see it (Documentation/input/input-programming.rst): a driver
 * allocates a struct input_dev, declares what it can report (evbit, keybit, ... and the
 * absolute axes), registers it and reports events, each packet ended by input_sync(). The
 * core filters them as the kernel's does (a key reported in the state it already has, an
 * absolute axis at its current value, a relative axis moving by 0, an empty packet: dropped),
 * repeats held keys in software for EV_REP devices, calls open() on the first user and close()
 * on the last, and hands each packet to the event devices (/dev/input/event<N>) that processes
 * read (docs/kernel-shim.md, "Input devices"). */
#ifndef _LINUX_INPUT_H
#define _LINUX_INPUT_H
#include "kshim/types.h"
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/input-event-codes.h>
#include <linux/ioctl.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

/* ---- user ABI (as <uapi/linux/input.h> on a 64-bit host) ---- */
struct input_event {
    unsigned long __sec; /* the struct timeval of user space */
    unsigned long __usec;
    __u16 type;
    __u16 code;
    __s32 value;
};
#define input_event_sec  __sec
#define input_event_usec __usec

#define EV_VERSION 0x010001

struct input_id {
    __u16 bustype;
    __u16 vendor;
    __u16 product;
    __u16 version;
};

struct input_absinfo {
    __s32 value;
    __s32 minimum;
    __s32 maximum;
    __s32 fuzz;
    __s32 flat;
    __s32 resolution;
};

#define EVIOCGVERSION      _IOR('E', 0x01, int)
#define EVIOCGID           _IOR('E', 0x02, struct input_id)
#define EVIOCGREP          _IOR('E', 0x03, unsigned int[2])
#define EVIOCGNAME(len)    _IOC(_IOC_READ, 'E', 0x06, len)
#define EVIOCGPHYS(len)    _IOC(_IOC_READ, 'E', 0x07, len)
#define EVIOCGKEY(len)     _IOC(_IOC_READ, 'E', 0x18, len)
#define EVIOCGLED(len)     _IOC(_IOC_READ, 'E', 0x19, len)
#define EVIOCGBIT(ev, len) _IOC(_IOC_READ, 'E', 0x20 + (ev), len)
#define EVIOCGABS(abs)     _IOR('E', 0x40 + (abs), struct input_absinfo)

/* ---- the kernel side ---- */
struct input_value {
    __u16 type;
    __u16 code;
    __s32 value;
};

struct ks_evdev;

struct input_dev {
    const char *name;
    const char *phys;
    const char *uniq;
    struct input_id id;

    unsigned long propbit[BITS_TO_LONGS(INPUT_PROP_CNT)];
    unsigned long evbit[BITS_TO_LONGS(EV_CNT)];
    unsigned long keybit[BITS_TO_LONGS(KEY_CNT)];
    unsigned long relbit[BITS_TO_LONGS(REL_CNT)];
    unsigned long absbit[BITS_TO_LONGS(ABS_CNT)];
    unsigned long mscbit[BITS_TO_LONGS(MSC_CNT)];
    unsigned long ledbit[BITS_TO_LONGS(LED_CNT)];
    unsigned long sndbit[BITS_TO_LONGS(SND_CNT)];
    unsigned long swbit[BITS_TO_LONGS(SW_CNT)];

    /* events per packet the device may send; the core raises it to its own estimate */
    unsigned int hint_events_per_packet;

    unsigned int keycodemax;
    unsigned int keycodesize;
    void *keycode;

    /* software autorepeat: set up at registration for EV_REP devices that left rep[] at 0 */
    struct timer_list timer;
    int rep[REP_CNT];
    unsigned int repeat_key;

    /* current state */
    unsigned long key[BITS_TO_LONGS(KEY_CNT)];
    unsigned long led[BITS_TO_LONGS(LED_CNT)];
    unsigned long snd[BITS_TO_LONGS(SND_CNT)];
    unsigned long sw[BITS_TO_LONGS(SW_CNT)];
    struct input_absinfo *absinfo;

    int (*open)(struct input_dev *dev);
    void (*close)(struct input_dev *dev);
    /* events written to the device (LEDs, sound, repeat rate) */
    int (*event)(struct input_dev *dev, unsigned int type, unsigned int code, int value);

    struct mutex mutex; /* open/close and registration */
    unsigned int users;
    bool going_away;

    struct device dev;
    spinlock_t event_lock;

    /* the packet being built, handed on at SYN_REPORT */
    struct input_value *vals;
    unsigned int num_vals, max_vals;

    /* shim: who allocated it (heap accounting), registration, references (the driver's and
     * one per event device), the event device */
    const char *ks_owner;
    int ks_registered;
    int ks_refs;
    int ks_number;
    struct ks_evdev *ks_evdev;
};

struct input_dev *ks_input_allocate_device(const char *owner, const char *file, int line);
#define input_allocate_device()       ks_input_allocate_device(KBUILD_MODNAME, __FILE__, __LINE__)
#define devm_input_allocate_device(d) input_allocate_device()
void input_free_device(struct input_dev *dev);
int __must_check input_register_device(struct input_dev *dev);
void input_unregister_device(struct input_dev *dev);

void input_event(struct input_dev *dev, unsigned int type, unsigned int code, int value);
void input_set_capability(struct input_dev *dev, unsigned int type, unsigned int code);
void input_alloc_absinfo(struct input_dev *dev);
void input_set_abs_params(struct input_dev *dev, unsigned int axis, int min, int max, int fuzz,
                          int flat);

static inline void input_report_key(struct input_dev *dev, unsigned int code, int value)
{
    input_event(dev, EV_KEY, code, !!value);
}
static inline void input_report_rel(struct input_dev *dev, unsigned int code, int value)
{
    input_event(dev, EV_REL, code, value);
}
static inline void input_report_abs(struct input_dev *dev, unsigned int code, int value)
{
    input_event(dev, EV_ABS, code, value);
}
static inline void input_report_switch(struct input_dev *dev, unsigned int code, int value)
{
    input_event(dev, EV_SW, code, !!value);
}
static inline void input_sync(struct input_dev *dev)
{
    input_event(dev, EV_SYN, SYN_REPORT, 0);
}
static inline void input_mt_sync(struct input_dev *dev)
{
    input_event(dev, EV_SYN, SYN_MT_REPORT, 0);
}

static inline void *input_get_drvdata(struct input_dev *dev)
{
    return dev_get_drvdata(&dev->dev);
}
static inline void input_set_drvdata(struct input_dev *dev, void *data)
{
    dev_set_drvdata(&dev->dev, data);
}

#define INPUT_ABS_ACCESSORS(_suffix, _item)                                                        \
    static inline int input_abs_get_##_suffix(struct input_dev *dev, unsigned int axis)            \
    {                                                                                              \
        return dev->absinfo ? dev->absinfo[axis]._item : 0;                                        \
    }                                                                                              \
    static inline void input_abs_set_##_suffix(struct input_dev *dev, unsigned int axis, int val)  \
    {                                                                                              \
        input_alloc_absinfo(dev);                                                                  \
        if (dev->absinfo)                                                                          \
            dev->absinfo[axis]._item = val;                                                        \
    }
INPUT_ABS_ACCESSORS(val, value)
INPUT_ABS_ACCESSORS(min, minimum)
INPUT_ABS_ACCESSORS(max, maximum)
INPUT_ABS_ACCESSORS(fuzz, fuzz)
INPUT_ABS_ACCESSORS(flat, flat)
INPUT_ABS_ACCESSORS(res, resolution)
#undef INPUT_ABS_ACCESSORS

#endif
