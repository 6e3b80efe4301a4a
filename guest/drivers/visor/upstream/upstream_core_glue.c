/* What chansim's visor function drivers (hba.c, nic.c, input.c) call beyond the function-driver
 * interface of <linux/visorbus.h>, for when they run on the upstream visorbus core: the
 * interrupt line DEVICE_CREATE offered, and the count of broken queue headers the core found.
 * Upstream's visorchipset keeps no line (its drivers always poll), so there is none and the
 * drivers poll; upstream's visorchannel checks no queue header, so it never counts one
 * (docs/visor-guest.md, docs/findings.md). */
#include <linux/errno.h>
#include <linux/visorbus.h>

#include "../visor_proto.h"

int visorbus_device_irq(struct visor_device *dev)
{
    return -ENODEV;
}

u64 visorbus_device_violations(struct visor_device *dev)
{
    return 0;
}
