/* The POWER virtual I/O bus (<asm/vio.h>). Each kernel has a VIO bus of its own; the harness
 * adds devices to it with ks_vio_device_add (kshim/kernel.h), each with a device-tree node
 * carrying its properties, and drivers bind to them through their vio_device_id tables. */
#ifndef _ASM_POWERPC_VIO_H
#define _ASM_POWERPC_VIO_H
#include "kshim/types.h"
#include <asm/hvcall.h>
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>

/* H_VIO_SIGNAL modes: the device's interrupt off or on. */
#define VIO_IRQ_DISABLE        0UL
#define VIO_IRQ_ENABLE         1UL
#define h_vio_signal(ua, mode) plpar_hcall_norets(H_VIO_SIGNAL, ua, mode)

/* Properties drivers look up with vio_get_attribute. */
#define VETH_MAC_ADDR          "local-mac-address"
#define VETH_MCAST_FILTER_SIZE "ibm,mac-address-filters"

#define VIO_CMO_MIN_ENT 1562624

enum vio_dev_family {
    VDEVICE, /* a child of /vdevice */
    PFO,     /* a child of /ibm,platform-facilities */
};

struct vio_dev {
    const char *name; /* the device-tree node's name */
    const char *type; /* its device_type */
    uint32_t unit_address;
    uint32_t resource_id;
    unsigned int irq; /* an interrupt line of the kernel's domain */
    /* Cooperative memory overcommitment: not modelled, always zero. */
    struct {
        size_t desired;
        size_t entitled;
        size_t allocated;
        atomic_t allocs_failed;
    } cmo;
    enum vio_dev_family family;
    struct device dev;
};

struct vio_driver {
    const char *name;
    const struct vio_device_id *id_table;
    int (*probe)(struct vio_dev *dev, const struct vio_device_id *id);
    void (*remove)(struct vio_dev *dev);
    void (*shutdown)(struct vio_dev *dev);
    unsigned long (*get_desired_dma)(struct vio_dev *dev);
    const struct dev_pm_ops *pm;
    struct device_driver driver;
};

/* Registers on the current kernel's VIO bus and probes every matching device already there. */
int __vio_register_driver(struct vio_driver *drv, struct module *owner, const char *mod_name);
#define vio_register_driver(driver) __vio_register_driver(driver, THIS_MODULE, KBUILD_MODNAME)
/* Removes every device bound to the driver (its remove runs), then the driver. */
void vio_unregister_driver(struct vio_driver *drv);

/* The device-tree property `which` of the device (NULL if it has none); *length, when not
 * NULL, gets its size in bytes. */
const void *vio_get_attribute(struct vio_dev *vdev, char *which, int *length);

/* H_VIO_SIGNAL on the device's unit address; they return the hcall's status (logged when not
 * H_SUCCESS). The kernel has them for pseries only, which is what the shim models. */
int vio_enable_interrupts(struct vio_dev *dev);
int vio_disable_interrupts(struct vio_dev *dev);

static inline struct vio_driver *to_vio_driver(struct device_driver *drv)
{
    return container_of(drv, struct vio_driver, driver);
}

static inline struct vio_dev *to_vio_dev(struct device *dev)
{
    return container_of(dev, struct vio_dev, dev);
}

#endif
