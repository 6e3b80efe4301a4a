/* The visor channel family as chansim's machine sees it (sim/core/cs_family.h). */
#ifndef VISOR_FAMILY_H
#define VISOR_FAMILY_H

#include <stddef.h>
#include <stdint.h>

#include "cs_family.h"
#include "visor_console.h"
#include "visor_controlvm.h"
#include "visor_io.h"

extern const struct cs_family visor_family;

enum visor_dev_type { VISOR_DEV_VHBA, VISOR_DEV_VNIC, VISOR_DEV_KEYBOARD, VISOR_DEV_MOUSE };

/* A device as attached (for the run summary and tests). */
struct visor_device_info {
    const char *name; /* tap channel: visor.<bus>.<dev> */
    enum visor_dev_type type;
    uint32_t bus, dev;
    uint64_t gpa, bytes;
    struct visor_vhba *vhba; /* the one matching type, others NULL */
    struct visor_vnic *vnic;
    struct visor_console *console;
    int destroyed, header_faults;
    const char *image; /* vhba: the disk image served */
};

size_t visor_devices(struct visor_device_info *out, size_t max);
/* The chipset of the first visor domain, NULL when there is none. */
struct visor_chipset *visor_family_chipset(void);
/* Make the partitions of every visor domain poll again now (they stop after visor.idle_stop
 * without traffic). */
void visor_family_kick(void);
/* Boot these guest modules, in order, instead of chansim's own ("visorbus", "visorhba",
 * "visornic", "visorinput"), e.g. {"visorbus", "visornic"}; those not linked into the
 * program are left out. Call before the machine is built; n = 0 restores the default. -1 when
 * more than VISOR_MAX_GUEST_MODULES. */
#define VISOR_MAX_GUEST_MODULES 8
int visor_family_set_guest_modules(const char *const *names, size_t n);

#endif
