/* The CSS channel family as chansim's machine sees it (sim/core/cs_family.h): vfio-ccw DASD
 * passthrough in s390x domains. docs/css.md (The css family). */
#ifndef CSS_FAMILY_H
#define CSS_FAMILY_H

#include <stddef.h>

#include "css_vfio_guest.h"
#include "cs_family.h"

extern const struct cs_family css_family;

/* A vfio-ccw DASD as attached: the 3390 on a host subchannel, the mdev and its VM guest. */
struct css_dasd_device {
    char name[64];     /* "<domain>.<cssid>.<ssid>.<devno>" */
    char image[600];   /* the volume's image file */
    int image_is_temp; /* created for the run, removed with the machine */
    struct dasd *dasd;
    uint32_t sid; /* host subchannel */
    struct css_vfio_guest_config cfg;
    struct css_vfio_guest_result result;
};

/* The vfio-ccw DASDs of the current machine (for the run summary and tests). */
size_t css_dasd_devices(struct css_dasd_device *const **out);

/* Keep the sysfs-shaped mdev tree of every s390 domain of the current machine under
 * <dir>/<domain name> (ks_mdev_sysfs_attach), rewritten at each mdev change of the run; call
 * after cs_machine_build. How many domains got a tree, or -1 with err set. */
int css_family_mdev_sysfs(const char *dir, cs_error *err);

#endif
