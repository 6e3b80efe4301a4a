/* The channel-subsystem layer of the common I/O code as a subchannel driver sees it: the
 * subchannel device, css drivers bound to subchannel types, and the cio_* operations. In the
 * shim the instructions behind them go to the kernel's CSS operations table
 * (kshim/css.h, guest/kshim/runtime/ks_css.c). */
#ifndef S390_CSS_H
#define S390_CSS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <asm/chpid.h>
#include <asm/irq.h>
#include <asm/cio.h>
#include <asm/schid.h>

#include "cio.h"

/* What CHSC store-subchannel-description reports: installed paths and their CHPIDs. */
struct chsc_ssd_info {
    u8 path_mask;
    u8 fla_valid_mask;
    struct chp_id chpid[8];
    u16 fla[8];
};

struct css_driver;
struct chp_link;

/* One subchannel of the channel subsystem, as a device on the css bus. schib is the copy the
 * last STSCH stored (big-endian, as the architecture defines it). */
struct subchannel {
    struct subchannel_id schid;
    spinlock_t *lock;
    struct mutex reg_mutex;
    enum {
        SUBCHANNEL_TYPE_IO = 0,
        SUBCHANNEL_TYPE_CHSC = 1,
        SUBCHANNEL_TYPE_MSG = 2,
        SUBCHANNEL_TYPE_ADM = 3,
    } st;
    __u8 vpm; /* verified path mask */
    __u8 lpm; /* logical path mask */
    __u8 opm; /* operational path mask */
    struct schib schib;
    int isc; /* the interruption subclass the driver wants */
    struct chsc_ssd_info ssd_info;
    struct device dev;
    struct css_driver *driver;
    enum sch_todo todo;
    struct work_struct todo_work;
    struct schib_config config;
    u64 dma_mask;
    const char *driver_override;
    /* shim: the subchannel's tap channel (family "css") and its kernel */
    u16 ks_channel;
    struct ks_kernel *ks_kernel;
    spinlock_t ks_lock;
    int ks_vr; /* the program running was translated by vfio_ccw_cp (docs/vfio-ccw.md) */
} __attribute__((aligned(8)));

#define to_subchannel(n) container_of(n, struct subchannel, dev)

/* The interruption-response block TEST SUBCHANNEL stored for the interruption being handled. */
DECLARE_PER_CPU(struct irb, cio_irb);

/* css drivers bind to subchannel types. */
struct css_driver {
    struct css_device_id *subchannel_type;
    struct device_driver drv;
    void (*irq)(struct subchannel *);
    int (*chp_event)(struct subchannel *, struct chp_link *, int);
    int (*sch_event)(struct subchannel *, int);
    int (*probe)(struct subchannel *);
    void (*remove)(struct subchannel *);
    void (*shutdown)(struct subchannel *);
    int (*settle)(void);
};

#define to_cssdriver(n) container_of(n, struct css_driver, drv)

int css_driver_register(struct css_driver *drv);
void css_driver_unregister(struct css_driver *drv);
/* Ask for work on the subchannel (SCH_TODO_UNREG: unregister it) outside the caller's lock. */
void css_sched_sch_todo(struct subchannel *sch, enum sch_todo todo);

int cio_enable_subchannel(struct subchannel *sch, u32 intparm);
int cio_disable_subchannel(struct subchannel *sch);
int cio_update_schib(struct subchannel *sch);
int cio_cancel_halt_clear(struct subchannel *sch, int *iretry);
int cio_cancel(struct subchannel *sch);
int cio_clear(struct subchannel *sch);
int cio_halt(struct subchannel *sch);
int cio_resume(struct subchannel *sch);

#endif
