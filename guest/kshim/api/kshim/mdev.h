/* Management of mediated devices (Documentation/driver-api/vfio-mediated-device.rst): a
 * parent device (registered by its driver with mdev_register_parent) offers types; each type
 * has a name, a device API, a description and a count of instances still available; a user
 * creates an instance by writing a UUID to the type's `create` and removes it by writing 1 to
 * the instance's `remove`. Here as calls, and as a directory tree shaped like sysfs that a
 * user can inspect with cat (docs/vfio-ccw.md, "The mdev tree"). */
#ifndef KSHIM_MDEV_H
#define KSHIM_MDEV_H

#include <stddef.h>

#include "cs_error.h"

struct ks_kernel;

/* Type ids are "<parent driver>-<type name>" as in sysfs (vfio_ccw's is "vfio_ccw-io");
 * parents are named by their device name ("0.0.0313" for a subchannel). */

/* Create an instance of `type_id` under `parent` with `uuid` (8-4-4-4-12 hex digits). Fails
 * with a message naming the problem: malformed UUID, UUID in use, unknown parent or type, no
 * instances left, or the driver's probe failing (its errno). Returns 0 or -1. */
int ks_mdev_create(struct ks_kernel *k, const char *parent, const char *type_id, const char *uuid,
                   cs_error *err);
/* Remove an instance; refused while its VFIO device is open. */
int ks_mdev_remove(struct ks_kernel *k, const char *uuid, cs_error *err);
/* available_instances of a type, -1 if unknown. */
int ks_mdev_available(struct ks_kernel *k, const char *parent, const char *type_id);
/* Instances existing now, of every parent. */
size_t ks_mdev_count(struct ks_kernel *k);

/* Keep a sysfs-shaped tree of the kernel's mdev parents under `dir` (created if missing), and
 * rewrite it after every change:
 *   <dir>/devices/<parent>/mdev_supported_types/<type-id>/{name,available_instances,
 *        device_api,description,create} and devices/<uuid> (a symbolic link to the instance)
 *   <dir>/devices/<parent>/<uuid>/{remove,uuid} and mdev_type (a link to its type)
 *   <dir>/bus/mdev/devices/<uuid> (a link to the instance)
 * NULL stops it. */
int ks_mdev_sysfs_attach(struct ks_kernel *k, const char *dir, cs_error *err);
/* Act on what a user wrote into the tree's files, as sysfs would on the write: a UUID in a
 * type's `create` creates it, "1" in an instance's `remove` removes it. The files are then
 * rewritten. Errors name the file and what was wrong; the rest is still applied. */
int ks_mdev_sysfs_apply(struct ks_kernel *k, cs_error *err);

#endif
