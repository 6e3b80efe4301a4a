/* What chansim's visor function drivers (hba.c, nic.c, input.c) call beyond the function-driver
 * interface of <linux/visorbus.h>, for when they run on the upstream visorbus core: the
 * interrupt line DEVICE_CREATE offered. Upstream's visorchipset keeps no line (its drivers
 * always poll), so there is none and the drivers poll (docs/visor-guest.md). */
#include <linux/errno.h>
#include <linux/visorbus.h>

#include "../visor_proto.h"

int visorbus_device_irq(struct visor_device *dev)
{
    return -ENODEV;
}
