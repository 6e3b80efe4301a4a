#ifndef _LINUX_ACPI_H
#define _LINUX_ACPI_H
#include "kshim/types.h"
/* what the kernel's <linux/acpi.h> brings along (x86: asm/acpi.h pulls in asm/processor.h) */
#include <asm/processor.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/mod_devicetable.h>
#include <linux/uuid.h>
struct acpi_device {
    struct device dev;
    char ks_hid[16];
    void *driver_data;
};
struct acpi_driver;
typedef int (*acpi_op_add)(struct acpi_device *device);
typedef int (*acpi_op_remove)(struct acpi_device *device);
typedef void (*acpi_op_notify)(struct acpi_device *device, u32 event);
struct acpi_device_ops {
    acpi_op_add add;
    acpi_op_remove remove;
    acpi_op_notify notify; /* a firmware Notify() on the device (ks_acpi_notify) */
};
struct acpi_driver {
    char name[80];
    char class[80];
    const struct acpi_device_id *ids;
    unsigned int flags;
    struct acpi_device_ops ops;
    struct device_driver drv;
    struct module *owner;
};
#define to_acpi_device(d) container_of(d, struct acpi_device, dev)
#define to_acpi_driver(d) container_of(d, struct acpi_driver, drv)
/* Devices come from the firmware model (ks_acpi_device_add); matching is by hardware id. */
int acpi_bus_register_driver(struct acpi_driver *driver);
void acpi_bus_unregister_driver(struct acpi_driver *driver);
static inline const char *acpi_device_hid(struct acpi_device *d)
{
    return d->ks_hid;
}
#endif
