/* The POWER platform under the shim: hypervisor calls routed to the kernel's hcall handler,
 * device-tree nodes, and the VIO bus on which drivers such as ibmvmc find their devices. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ks_internal.h"
#include <asm/byteorder.h>
#include <asm/hvcall.h>
#include <asm/vio.h>
#include <linux/of.h>

/* ---- hypervisor calls ----------------------------------------------------------------- */

void ks_kernel_set_hcall_handler(struct ks_kernel *k, ks_hcall_fn fn, void *ctx)
{
    k->hcall_fn = fn;
    k->hcall_ctx = ctx;
}

/* Arguments each known opcode takes (PAPR); -1: unknown. */
static int hcall_arity(unsigned long opcode)
{
    switch (opcode) {
    case H_REG_CRQ:
        return 3; /* unit address, queue I/O address, queue length */
    case H_FREE_CRQ:
        return 1; /* unit address */
    case H_VIO_SIGNAL:
        return 2; /* unit address, mode */
    case H_SEND_CRQ:
        return 3; /* unit address, word 1, word 2 */
    case H_COPY_RDMA:
        return 5; /* length, source LIOBN, source I/O address, destination LIOBN, address */
    case H_ENABLE_CRQ:
        return 1; /* unit address */
    case H_REQUEST_VMC:
        return 0;
    default:
        return -1;
    }
}

static long hcall_dispatch(unsigned long opcode, const unsigned long *args, unsigned nargs,
                           unsigned long *retbuf, unsigned nret)
{
    struct ks_kernel *k = ks_current_kernel();
    unsigned long rets[PLPAR_HCALL9_BUFSIZE] = {0};
    uint64_t cost_ns = 0;
    long rc = H_FUNCTION;
    if (k && k->hcall_fn)
        rc = k->hcall_fn(k->hcall_ctx, opcode, args, nargs, rets, &cost_ns);
    if (retbuf)
        memcpy(retbuf, rets, nret * sizeof(*retbuf));
    /* The hypervisor holds the caller for the call's duration; code that cannot sleep is not
     * held (hcalls are legal there, so this is no K1). */
    if (cost_ns && !ks_atomic_reason()) {
        cs_thread_sleep(ks_ns_to_cycles(cost_ns));
        ks_jiffies();
    }
    return rc;
}

long ks_hcall(unsigned long opcode, unsigned long *retbuf, unsigned nret, unsigned nargs,
              const unsigned long *args)
{
    unsigned long a[KS_HCALL_MAX_ARGS] = {0};
    int arity = hcall_arity(opcode);
    unsigned n = arity >= 0 ? (unsigned)arity : nargs;
    memcpy(a, args, (nargs < n ? nargs : n) * sizeof(*a));
    return hcall_dispatch(opcode, a, n, retbuf, nret);
}

static long hcall_va(unsigned long opcode, unsigned long *retbuf, unsigned nret, va_list ap)
{
    unsigned long a[KS_HCALL_MAX_ARGS] = {0};
    int arity = hcall_arity(opcode);
    unsigned n = arity >= 0 ? (unsigned)arity : KS_HCALL_MAX_ARGS;
    for (unsigned i = 0; i < n; i++)
        a[i] = va_arg(ap, unsigned long);
    return hcall_dispatch(opcode, a, n, retbuf, nret);
}

/* The names are in parentheses: asm/hvcall.h also defines them as macros. */
long(plpar_hcall_norets)(unsigned long opcode, ...)
{
    va_list ap;
    va_start(ap, opcode);
    long rc = hcall_va(opcode, NULL, 0, ap);
    va_end(ap);
    return rc;
}

long(plpar_hcall)(unsigned long opcode, unsigned long retbuf[static PLPAR_HCALL_BUFSIZE], ...)
{
    va_list ap;
    va_start(ap, retbuf);
    long rc = hcall_va(opcode, retbuf, PLPAR_HCALL_BUFSIZE, ap);
    va_end(ap);
    return rc;
}

long(plpar_hcall9)(unsigned long opcode, unsigned long retbuf[static PLPAR_HCALL9_BUFSIZE], ...)
{
    va_list ap;
    va_start(ap, retbuf);
    long rc = hcall_va(opcode, retbuf, PLPAR_HCALL9_BUFSIZE, ap);
    va_end(ap);
    return rc;
}

/* ---- device-tree nodes ---------------------------------------------------------------- */

struct property *of_find_property(const struct device_node *np, const char *name, int *lenp)
{
    for (struct property *p = np ? np->properties : NULL; p; p = p->next)
        if (strcmp(p->name, name) == 0) {
            if (lenp)
                *lenp = p->length;
            return p;
        }
    return NULL;
}

const void *of_get_property(const struct device_node *np, const char *name, int *lenp)
{
    struct property *p = of_find_property(np, name, lenp);
    return p ? p->value : NULL;
}

int of_device_is_compatible(const struct device_node *np, const char *compat)
{
    int len;
    const char *s = of_get_property(np, "compatible", &len);
    /* a list of NUL-terminated strings; a last one without NUL is still compared */
    for (int at = 0; s && at < len;) {
        int n = (int)strnlen(s + at, (size_t)(len - at));
        if ((size_t)n == strlen(compat) && strncasecmp(s + at, compat, (size_t)n) == 0)
            return 1;
        at += n + 1;
    }
    return 0;
}

/* ---- the VIO bus ---------------------------------------------------------------------- */

struct ks_vio_node {
    struct vio_dev vdev;
    struct device_node node;
    struct property *props;
    size_t nprops;
};

static const struct vio_device_id *vio_match(const struct vio_device_id *ids,
                                             const struct vio_dev *vdev)
{
    for (; ids && ids->type[0]; ids++)
        if (strncmp(vdev->type, ids->type, strlen(ids->type)) == 0 &&
            of_device_is_compatible(vdev->dev.of_node, ids->compat))
            return ids;
    return NULL;
}

static int vio_bus_match(struct device *dev, struct device_driver *drv)
{
    return vio_match(to_vio_driver(drv)->id_table, to_vio_dev(dev)) != NULL;
}

static int vio_bus_probe(struct device *dev)
{
    struct vio_dev *vdev = to_vio_dev(dev);
    struct vio_driver *vdrv = to_vio_driver(dev->driver);
    const struct vio_device_id *id = vio_match(vdrv->id_table, vdev);
    if (!id || !vdrv->probe)
        return -ENODEV;
    memset(&vdev->cmo, 0, sizeof(vdev->cmo));
    return vdrv->probe(vdev, id);
}

static void vio_bus_remove(struct device *dev)
{
    struct vio_driver *vdrv = to_vio_driver(dev->driver);
    if (vdrv->remove)
        vdrv->remove(to_vio_dev(dev));
}

static struct bus_type *vio_bus(struct ks_kernel *k)
{
    if (!k->vio_bus) {
        k->vio_bus = calloc(1, sizeof(*k->vio_bus));
        if (!k->vio_bus)
            abort();
        k->vio_bus->name = "vio";
        k->vio_bus->match = vio_bus_match;
        k->vio_bus->probe = vio_bus_probe;
        k->vio_bus->remove = vio_bus_remove;
        bus_register(k->vio_bus);
    }
    return k->vio_bus;
}

int __vio_register_driver(struct vio_driver *drv, struct module *owner, const char *mod_name)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return -ENODEV;
    drv->driver.name = drv->name;
    drv->driver.pm = drv->pm;
    drv->driver.bus = vio_bus(k);
    drv->driver.owner = owner;
    drv->driver.mod_name = mod_name;
    return driver_register(&drv->driver);
}

void vio_unregister_driver(struct vio_driver *drv)
{
    driver_unregister(&drv->driver);
}

const void *vio_get_attribute(struct vio_dev *vdev, char *which, int *length)
{
    return of_get_property(vdev->dev.of_node, which, length);
}

static int vio_signal(struct vio_dev *dev, unsigned long mode)
{
    int rc = (int)h_vio_signal(dev->unit_address, mode);
    if (rc != H_SUCCESS)
        printk(KERN_ERR "vio %x: H_VIO_SIGNAL(%lu) failed with %d", dev->unit_address, mode, rc);
    return rc;
}

int vio_enable_interrupts(struct vio_dev *dev)
{
    return vio_signal(dev, VIO_IRQ_ENABLE);
}

int vio_disable_interrupts(struct vio_dev *dev)
{
    return vio_signal(dev, VIO_IRQ_DISABLE);
}

/* ---- devices from the harness --------------------------------------------------------- */

static void set_prop(struct ks_vio_node *n, const char *name, const void *value, int len)
{
    struct property *p = &n->props[n->nprops++];
    p->name = strdup(name);
    p->value = malloc(len > 0 ? (size_t)len : 1);
    if (!p->name || !p->value)
        abort();
    if (len > 0)
        memcpy(p->value, value, (size_t)len);
    p->length = len;
}

static void vio_node_free(struct ks_vio_node *n)
{
    for (size_t i = 0; i < n->nprops; i++) {
        free(n->props[i].name);
        free(n->props[i].value);
    }
    free(n->props);
    free((char *)n->node.name);
    free((char *)n->node.full_name);
    free((char *)n->vdev.type);
    free(n);
}

static void vio_dev_release(struct device *dev)
{
    vio_node_free(container_of(to_vio_dev(dev), struct ks_vio_node, vdev));
}

static void vio_device_add_here(void *arg)
{
    struct ks_vio_node *n = arg;
    struct device *dev = &n->vdev.dev;
    device_initialize(dev);
    dev_set_name(dev, "%x", n->vdev.unit_address);
    dev->bus = vio_bus(ks_current_kernel());
    dev->of_node = &n->node;
    dev->release = vio_dev_release;
    dev->coherent_dma_mask = DMA_BIT_MASK(64);
    dev->dma_mask = &dev->coherent_dma_mask;
    device_add(dev);
}

static int has_unit(struct ks_kernel *k, uint32_t unit_address)
{
    struct device *dev;
    if (!k->vio_bus)
        return 0;
    list_for_each_entry(dev, &k->vio_bus->ks_devices, ks_node)
    {
        if (to_vio_dev(dev)->unit_address == unit_address)
            return 1;
    }
    return 0;
}

int ks_vio_device_add(struct ks_kernel *k, const char *name, const char *type, const char *compat,
                      uint32_t unit_address, unsigned irq, const struct ks_dt_prop *props,
                      size_t nprops, cs_error *err)
{
    if (!k || !name || !type || !compat)
        return cs_error_set(err, "VIO device: kernel, name, type and compatible are required");
    if (irq >= k->dom->irqs.count)
        return cs_error_set(err, "VIO device %s@%x: kernel %s has no interrupt line %u", name,
                            unit_address, k->name, irq);
    if (has_unit(k, unit_address))
        return cs_error_set(err, "VIO device %s@%x: kernel %s already has unit address %x", name,
                            unit_address, k->name, unit_address);
    for (size_t i = 0; i < nprops; i++)
        if (!props[i].name || props[i].len < 0 || (props[i].len > 0 && !props[i].value))
            return cs_error_set(err, "VIO device %s@%x: property %zu is malformed", name,
                                unit_address, i);
    struct ks_vio_node *n = calloc(1, sizeof(*n));
    if (!n)
        abort();
    n->props = calloc(nprops + 3, sizeof(*n->props));
    char full[128];
    snprintf(full, sizeof(full), "/vdevice/%s@%x", name, unit_address);
    n->node.name = strdup(name);
    n->node.full_name = strdup(full);
    n->vdev.type = strdup(type);
    if (!n->props || !n->node.name || !n->node.full_name || !n->vdev.type)
        abort();
    int given[3] = {0, 0, 0};
    static const char *const made[3] = {"compatible", "device_type", "reg"};
    for (size_t i = 0; i < nprops; i++) {
        for (int j = 0; j < 3; j++)
            given[j] |= strcmp(props[i].name, made[j]) == 0;
        set_prop(n, props[i].name, props[i].value, props[i].len);
    }
    uint32_t reg = cpu_to_be32(unit_address);
    if (!given[0])
        set_prop(n, "compatible", compat, (int)strlen(compat) + 1);
    if (!given[1])
        set_prop(n, "device_type", type, (int)strlen(type) + 1);
    if (!given[2])
        set_prop(n, "reg", &reg, sizeof(reg));
    for (size_t i = 0; i + 1 < n->nprops; i++)
        n->props[i].next = &n->props[i + 1];
    n->node.properties = n->props;
    n->vdev.name = n->node.name;
    n->vdev.unit_address = unit_address;
    n->vdev.irq = irq;
    n->vdev.family = VDEVICE;
    ks_run_in_kernel(k, "vio-hotplug", vio_device_add_here, n);
    return 0;
}

void ks_vio_release(struct ks_kernel *k)
{
    if (!k->vio_bus)
        return;
    /* The run is over: devices go without their drivers' remove, which would need a task. */
    struct device *dev, *t;
    list_for_each_entry_safe(dev, t, &k->vio_bus->ks_devices, ks_node)
    {
        list_del_init(&dev->ks_node);
        vio_dev_release(dev);
    }
    free(k->vio_bus);
    k->vio_bus = NULL;
}
