/* Device ID tables that drivers match on (<linux/mod_devicetable.h>). */
#ifndef _LINUX_MOD_DEVICETABLE_H
#define _LINUX_MOD_DEVICETABLE_H
#include "kshim/types.h"

/* A VIO device matches when its device_type starts with `type` and `compat` is one of its
 * "compatible" strings. A table ends with an entry whose type is empty. */
struct vio_device_id {
    char type[32];
    char compat[32];
};

/* A css driver matches subchannels of `type` (match_flags bit 0 set); a table ends with a
 * zero entry. */
struct css_device_id {
    __u8 match_flags;
    __u8 type;
    unsigned long driver_data;
};

/* An ACPI device matches on its hardware id ("PNP0A07"). A table ends with an empty id. */
#define ACPI_ID_LEN 16
struct acpi_device_id {
    __u8 id[ACPI_ID_LEN];
    unsigned long driver_data;
};
#endif
