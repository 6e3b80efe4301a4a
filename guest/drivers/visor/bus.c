// SPDX-License-Identifier: GPL-2.0+
/*
 * The visorbus bus: one "visorbus<N>" device per bus the command partition creates and one
 * "vbus<B>:dev<D>" device per device, matched to function drivers by channel type; probe,
 * remove, pause and resume of those drivers; the periodic channel_interrupt "interrupt" a
 * polling driver asks for. The function-driver interface is <linux/visorbus.h>.
 */
#include <asm/unaligned.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/visorbus.h>

#include "visorbus_private.h"

/* channel_interrupt period: as upstream's POLLJIFFIES_NORMALCHANNEL */
#define POLLJIFFIES_NORMALCHANNEL 10

static LIST_HEAD(list_all_devices);
static int visorbus_up;

int visor_check_channel(struct channel_header *ch, struct device *dev, const guid_t *expected_uuid,
                        char *chname, u64 expected_min_bytes, u32 expected_version,
                        u64 expected_signature)
{
    if (!guid_is_null(expected_uuid) && !guid_equal(&ch->chtype, expected_uuid)) {
        dev_err(dev, "channel %s: type %08x-... is not %08x-...\n", chname,
                get_unaligned_le32(ch->chtype.b), get_unaligned_le32(expected_uuid->b));
        return -EINVAL;
    }
    if (expected_min_bytes > 0 && ch->size < expected_min_bytes) {
        dev_err(dev, "channel %s: %llu bytes, at least %llu needed\n", chname, ch->size,
                expected_min_bytes);
        return -EINVAL;
    }
    if (expected_version > 0 && ch->version_id != expected_version) {
        dev_err(dev, "channel %s: version %u is not %u\n", chname, ch->version_id,
                expected_version);
        return -EINVAL;
    }
    if (expected_signature > 0 && ch->signature != expected_signature) {
        dev_err(dev, "channel %s: signature %llx is not %llx\n", chname, ch->signature,
                expected_signature);
        return -EINVAL;
    }
    return 0;
}
EXPORT_SYMBOL_GPL(visor_check_channel);

/* ---- matching and driver callbacks ---------------------------------------------------- */

static struct visor_channeltype_descriptor *driver_type_for(struct visor_driver *drv,
                                                            struct visor_device *dev)
{
    struct visor_channeltype_descriptor *t;

    for (t = drv->channel_types; t && !guid_is_null(&t->guid); t++)
        if (guid_equal(&t->guid, &dev->channel_type_guid))
            return t;
    return NULL;
}

static int visorbus_match(struct device *xdev, struct device_driver *xdrv)
{
    struct visor_device *dev = to_visor_device(xdev);
    struct visor_driver *drv = to_visor_driver(xdrv);
    struct visor_channeltype_descriptor *t = driver_type_for(drv, dev);

    if (!t || !dev->visorchannel)
        return 0;
    return visor_check_channel(visorchannel_get_header(dev->visorchannel), xdev, &t->guid,
                               (char *)t->name, t->min_bytes, t->version,
                               VISOR_CHANNEL_SIGNATURE) == 0;
}

/* Record in the bus channel which driver serves the device (vbus dev_info, spec §3.6). */
static void publish_devinfo(struct visor_device *dev, const char *drvname)
{
    struct visor_device *bus = visorbus_find(dev->chipset_bus_no, BUS_ROOT_DEVICE);
    struct visor_vbus_headerinfo *hdr;
    struct visor_vbus_deviceinfo info;
    u64 off;

    if (!bus || !bus->vbus_hdr_info || !bus->visorchannel)
        return;
    hdr = bus->vbus_hdr_info;
    off = sizeof(struct channel_header) + (u64)hdr->dev_info_offset +
          (u64)dev->chipset_dev_no * hdr->device_info_struct_bytes;
    memset(&info, 0, sizeof(info));
    snprintf((char *)info.devtype, sizeof(info.devtype), "%s", drvname);
    snprintf((char *)info.drvname, sizeof(info.drvname), "%s", drvname);
    snprintf((char *)info.infostrs, sizeof(info.infostrs), "vbus%u:dev%u", dev->chipset_bus_no,
             dev->chipset_dev_no);
    if (off > ULONG_MAX || visorchannel_write(bus->visorchannel, off, &info, sizeof(info)) < 0) {
        visorbus_note_violation();
        dev_err(&dev->device,
                "protocol violation: vbus dev_info %u at %llu outside the bus channel\n",
                dev->chipset_dev_no, off);
    }
}

static int visorbus_probe(struct device *xdev)
{
    struct visor_device *dev = to_visor_device(xdev);
    struct visor_driver *drv = to_visor_driver(xdev->driver);
    int rc = 0;

    mutex_lock(&dev->visordriver_callback_lock);
    dev->being_removed = false;
    if (drv->probe)
        rc = drv->probe(dev);
    mutex_unlock(&dev->visordriver_callback_lock);
    if (rc == 0)
        publish_devinfo(dev, drv->name);
    return rc;
}

static void visorbus_remove(struct device *xdev)
{
    struct visor_device *dev = to_visor_device(xdev);
    struct visor_driver *drv = to_visor_driver(xdev->driver);

    mutex_lock(&dev->visordriver_callback_lock);
    dev->being_removed = true;
    if (drv->remove)
        drv->remove(dev);
    mutex_unlock(&dev->visordriver_callback_lock);
    visorbus_disable_channel_interrupts(dev);
}

static struct bus_type visorbus_type = {
    .name = "visorbus",
    .match = visorbus_match,
    .probe = visorbus_probe,
    .remove = visorbus_remove,
};

int visorbus_register_visor_driver(struct visor_driver *drv)
{
    if (!visorbus_up)
        return -ENODEV;
    drv->driver.name = drv->name;
    drv->driver.bus = &visorbus_type;
    drv->driver.owner = drv->owner;
    return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(visorbus_register_visor_driver);

void visorbus_unregister_visor_driver(struct visor_driver *drv)
{
    driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(visorbus_unregister_visor_driver);

u64 visorbus_device_violations(struct visor_device *dev)
{
    return dev && dev->visorchannel ? visorchannel_violations(dev->visorchannel) : 0;
}
EXPORT_SYMBOL_GPL(visorbus_device_violations);

int visorbus_read_channel(struct visor_device *dev, unsigned long offset, void *dest,
                          unsigned long nbytes)
{
    return visorchannel_read(dev->visorchannel, offset, dest, nbytes);
}
EXPORT_SYMBOL_GPL(visorbus_read_channel);

int visorbus_write_channel(struct visor_device *dev, unsigned long offset, void *src,
                           unsigned long nbytes)
{
    return visorchannel_write(dev->visorchannel, offset, src, nbytes);
}
EXPORT_SYMBOL_GPL(visorbus_write_channel);

/* ---- channel_interrupt polling -------------------------------------------------------- */

static void dev_periodic_work(struct timer_list *t)
{
    struct visor_device *dev = from_timer(dev, t, timer);
    struct visor_driver *drv;

    if (!dev->timer_active || !dev->device.driver)
        return;
    drv = to_visor_driver(dev->device.driver);
    if (drv->channel_interrupt)
        drv->channel_interrupt(dev);
    if (dev->timer_active)
        mod_timer(&dev->timer, jiffies + POLLJIFFIES_NORMALCHANNEL);
}

int visorbus_enable_channel_interrupts(struct visor_device *dev)
{
    if (dev->timer_active)
        return 0;
    dev->timer_active = true;
    mod_timer(&dev->timer, jiffies + POLLJIFFIES_NORMALCHANNEL);
    return 0;
}
EXPORT_SYMBOL_GPL(visorbus_enable_channel_interrupts);

void visorbus_disable_channel_interrupts(struct visor_device *dev)
{
    if (!dev->timer_active)
        return;
    dev->timer_active = false;
    del_timer_sync(&dev->timer);
}
EXPORT_SYMBOL_GPL(visorbus_disable_channel_interrupts);

/* ---- devices and buses ---------------------------------------------------------------- */

struct visor_device *visorbus_find(u32 bus_no, u32 dev_no)
{
    struct visor_device *d;

    list_for_each_entry(d, &list_all_devices, list_all) if (d->chipset_bus_no == bus_no &&
                                                            d->chipset_dev_no == dev_no) return d;
    return NULL;
}

struct visor_device *visorbus_get_device_by_id(u32 bus_no, u32 dev_no, struct visor_device *from)
{
    struct visor_device *d;
    bool started = !from;

    list_for_each_entry(d, &list_all_devices, list_all)
    {
        if (!started) {
            started = d == from;
            continue;
        }
        if (d->chipset_bus_no == bus_no && d->chipset_dev_no == dev_no)
            return d;
    }
    return NULL;
}
EXPORT_SYMBOL_GPL(visorbus_get_device_by_id);

static void visorbus_release_device(struct device *xdev)
{
    struct visor_device *dev = to_visor_device(xdev);

    visorchannel_destroy(dev->visorchannel);
    kfree(dev->vbus_hdr_info);
    kfree(dev->pending_msg_hdr);
    kfree(dev->name);
    kfree(dev);
}

static void init_visor_device(struct visor_device *dev)
{
    mutex_init(&dev->visordriver_callback_lock);
    timer_setup(&dev->timer, dev_periodic_work, 0);
    device_initialize(&dev->device);
    dev->device.release = visorbus_release_device;
}

/* Writes a name string into the bus channel's chipset or bus info block (when present). */
static void write_info(struct visor_device *bus, u32 rel_offset, const char *devtype,
                       const char *drvname, const char *infostr)
{
    struct visor_vbus_deviceinfo info;
    u64 off = sizeof(struct channel_header) + (u64)rel_offset;

    if (!rel_offset)
        return;
    memset(&info, 0, sizeof(info));
    snprintf((char *)info.devtype, sizeof(info.devtype), "%s", devtype);
    snprintf((char *)info.drvname, sizeof(info.drvname), "%s", drvname);
    snprintf((char *)info.infostrs, sizeof(info.infostrs), "%s", infostr);
    if (visorchannel_write(bus->visorchannel, off, &info, sizeof(info)) < 0) {
        visorbus_note_violation();
        dev_err(&bus->device, "protocol violation: info offset %u outside the bus channel\n",
                rel_offset);
    }
}

int visorbus_create_bus(struct visor_device *bus)
{
    struct visor_vbus_headerinfo *hdr;
    guid_t vbus = VISOR_VBUS_CHANNEL_GUID;
    int rc;

    init_visor_device(bus);
    dev_set_name(&bus->device, "visorbus%u", bus->chipset_bus_no);
    rc = visor_check_channel(visorchannel_get_header(bus->visorchannel), &bus->device, &vbus,
                             "vbus", VISOR_VBUS_CHANNEL_MIN_BYTES, VISOR_VBUS_CHANNEL_VERSIONID,
                             VISOR_CHANNEL_SIGNATURE);
    if (rc)
        goto err;
    hdr = kzalloc(sizeof(*hdr), GFP_KERNEL);
    if (!hdr) {
        rc = -ENOMEM;
        goto err;
    }
    bus->vbus_hdr_info = hdr;
    visorchannel_read(bus->visorchannel, sizeof(struct channel_header), hdr, sizeof(*hdr));
    if (hdr->struct_bytes < sizeof(*hdr) ||
        hdr->device_info_struct_bytes < sizeof(struct visor_vbus_deviceinfo)) {
        visorbus_note_violation();
        dev_err(&bus->device,
                "protocol violation: vbus header info struct_bytes %u / device_info_struct_bytes "
                "%u too small\n",
                hdr->struct_bytes, hdr->device_info_struct_bytes);
        rc = -EINVAL;
        goto err;
    }
    rc = device_add(&bus->device);
    if (rc)
        goto err;
    list_add_tail(&bus->list_all, &list_all_devices);
    write_info(bus, hdr->chp_info_offset, "chipset", "visorchipset", "chansim kshim");
    write_info(bus, hdr->bus_info_offset, "clientbus", "visorbus", "chansim kshim");
    visorchipset_bus_create_done(bus, 0);
    return 0;
err:
    visorchipset_bus_create_done(bus, rc);
    return rc;
}

void visorbus_remove_bus(struct visor_device *bus)
{
    list_del(&bus->list_all);
    device_unregister(&bus->device);
}

int visorbus_create_device(struct visor_device *dev)
{
    struct visor_device *bus = visorbus_find(dev->chipset_bus_no, BUS_ROOT_DEVICE);
    int rc;

    init_visor_device(dev);
    dev->device.bus = &visorbus_type;
    dev->device.parent = bus ? &bus->device : NULL;
    dev_set_name(&dev->device, "vbus%u:dev%u", dev->chipset_bus_no, dev->chipset_dev_no);
    list_add_tail(&dev->list_all, &list_all_devices);
    /* a loaded driver that matches probes it here, before the response */
    rc = device_add(&dev->device);
    visorchipset_device_create_done(dev, rc);
    return rc;
}

void visorbus_remove_device(struct visor_device *dev)
{
    list_del(&dev->list_all);
    device_unregister(&dev->device);
}

static void pause_state_change_complete(struct visor_device *dev, int status)
{
    if (!dev->pausing)
        return;
    dev->pausing = false;
    visorchipset_device_state_done(dev, status);
}

static void resume_state_change_complete(struct visor_device *dev, int status)
{
    if (!dev->resuming)
        return;
    dev->resuming = false;
    if (status == 0 && dev->device.driver)
        publish_devinfo(dev, to_visor_driver(dev->device.driver)->name);
    visorchipset_device_state_done(dev, status);
}

/* No driver, or one without the callback: the state change is complete at once. */
int visorbus_pause_device(struct visor_device *dev)
{
    struct visor_driver *drv = dev->device.driver ? to_visor_driver(dev->device.driver) : NULL;
    int rc;

    if (!drv || !drv->pause) {
        visorchipset_device_state_done(dev, 0);
        return 0;
    }
    dev->pausing = true;
    rc = drv->pause(dev, pause_state_change_complete);
    if (rc) {
        dev->pausing = false;
        visorchipset_device_state_done(dev, rc);
    }
    return rc;
}

int visorbus_resume_device(struct visor_device *dev)
{
    struct visor_driver *drv = dev->device.driver ? to_visor_driver(dev->device.driver) : NULL;
    int rc;

    if (!drv || !drv->resume) {
        visorchipset_device_state_done(dev, 0);
        return 0;
    }
    dev->resuming = true;
    rc = drv->resume(dev, resume_state_change_complete);
    if (rc) {
        dev->resuming = false;
        visorchipset_device_state_done(dev, rc);
    }
    return rc;
}

int visorbus_init(void)
{
    INIT_LIST_HEAD(&list_all_devices);
    bus_register(&visorbus_type);
    visorbus_up = 1;
    return 0;
}

void visorbus_exit(void)
{
    struct visor_device *d, *t;

    /* devices first (their drivers' remove runs), then the buses */
    list_for_each_entry_safe(d, t, &list_all_devices,
                             list_all) if (d->chipset_dev_no != BUS_ROOT_DEVICE)
        visorbus_remove_device(d);
    list_for_each_entry_safe(d, t, &list_all_devices, list_all) visorbus_remove_bus(d);
    bus_unregister(&visorbus_type);
    visorbus_up = 0;
}
