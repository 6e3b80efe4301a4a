#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H
#include "kshim/types.h"
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
struct device;
struct device_driver;
struct device_node;
struct dev_pm_ops;
struct ks_kernel;
struct bus_type {
    const char *name;
    int (*match)(struct device *dev, struct device_driver *drv);
    int (*probe)(struct device *dev);
    void (*remove)(struct device *dev);
    int (*uevent)(struct device *dev, struct kobj_uevent_env *env);        /* not called: no udev */
    const struct attribute_group **bus_groups, **dev_groups, **drv_groups; /* no sysfs */
    struct list_head ks_devices, ks_drivers;
    int ks_registered;
};
struct device_driver {
    const char *name;
    struct bus_type *bus;
    struct module *owner;
    const char *mod_name;
    const struct dev_pm_ops *pm;
    int (*probe)(struct device *dev);
    int (*remove)(struct device *dev);
    struct list_head ks_node;
};
struct device {
    struct device *parent;
    const char *init_name;
    struct bus_type *bus;
    struct device_driver *driver;
    void *driver_data;
    void *platform_data;
    struct device_node *of_node;
    void (*release)(struct device *dev);
    u64 *dma_mask;
    u64 coherent_dma_mask;
    struct kobject kobj;
    const struct attribute_group **groups; /* no sysfs: kept, never shown */
    struct ks_kernel *ks_kernel;
    char ks_name[64];
    struct list_head ks_node;
    int ks_refs;
};
static inline void *dev_get_drvdata(const struct device *dev)
{
    return dev->driver_data;
}
static inline void dev_set_drvdata(struct device *dev, void *data)
{
    dev->driver_data = data;
}
/* Device attributes: declared as in the kernel, never shown (no sysfs). */
struct device_attribute {
    struct attribute attr;
    ssize_t (*show)(struct device *dev, struct device_attribute *attr, char *buf);
    ssize_t (*store)(struct device *dev, struct device_attribute *attr, const char *buf,
                     size_t count);
};
#define DEVICE_ATTR(_name, _mode, _show, _store)                                                   \
    struct device_attribute dev_attr_##_name = __ATTR(_name, _mode, _show, _store)
#define DEVICE_ATTR_RO(_name) struct device_attribute dev_attr_##_name = __ATTR_RO(_name)
#define DEVICE_ATTR_RW(_name) struct device_attribute dev_attr_##_name = __ATTR_RW(_name)
#define DEVICE_ATTR_WO(_name) struct device_attribute dev_attr_##_name = __ATTR_WO(_name)

/* The devices of `bus` after `start` for which match() is true. match takes `void *data` before
 * Linux 5.3 and `const void *data` since; both are accepted (same calling convention). */
struct device *ks_bus_find_device(struct bus_type *bus, struct device *start, const void *data,
                                  int (*match)(struct device *dev, const void *data));
#define bus_find_device(bus, start, data, match)                                                   \
    ks_bus_find_device(bus, start, data, (int (*)(struct device *, const void *))(match))

const char *dev_name(const struct device *dev);
/* Added to its bus and not yet deleted. */
#define device_is_registered(dev) (!list_empty(&(dev)->ks_node))
int dev_set_name(struct device *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bus_register(struct bus_type *bus);
void bus_unregister(struct bus_type *bus);
int driver_register(struct device_driver *drv);
void driver_unregister(struct device_driver *drv);
void device_initialize(struct device *dev);
int device_add(struct device *dev);
void device_del(struct device *dev);
int device_register(struct device *dev);
void device_unregister(struct device *dev);
struct device *get_device(struct device *dev);
void put_device(struct device *dev);

void ks_dev_printk(int level, const struct device *dev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define dev_emerg(dev, fmt, ...)  ks_dev_printk(0, dev, fmt, ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...)   ks_dev_printk(2, dev, fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)    ks_dev_printk(3, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)   ks_dev_printk(4, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) ks_dev_printk(5, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)   ks_dev_printk(6, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)    ks_dev_printk(7, dev, fmt, ##__VA_ARGS__)
#define dev_err_ratelimited       dev_err
#define dev_notice_ratelimited    dev_notice
#define dev_warn_ratelimited      dev_warn
#define dev_info_ratelimited      dev_info
#define dev_dbg_ratelimited       dev_dbg
#define dev_WARN(dev, fmt, ...)   dev_warn(dev, fmt, ##__VA_ARGS__)
/* A module whose init and exit only register and unregister one driver. */
#define module_driver(__driver, __register, __unregister, ...)                                     \
    static int __init __driver##_init(void)                                                        \
    {                                                                                              \
        return __register(&(__driver), ##__VA_ARGS__);                                             \
    }                                                                                              \
    module_init(__driver##_init);                                                                  \
    static void __exit __driver##_exit(void)                                                       \
    {                                                                                              \
        __unregister(&(__driver), ##__VA_ARGS__);                                                  \
    }                                                                                              \
    module_exit(__driver##_exit)
/* once per call site, as printk_once */
#define dev_err_once(dev, fmt, ...)                                                                \
    do {                                                                                           \
        static bool __ks_once;                                                                     \
        if (!__ks_once) {                                                                          \
            __ks_once = true;                                                                      \
            dev_err(dev, fmt, ##__VA_ARGS__);                                                      \
        }                                                                                          \
    } while (0)
#endif
