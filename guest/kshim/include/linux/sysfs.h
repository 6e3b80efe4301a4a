#ifndef _LINUX_SYSFS_H
#define _LINUX_SYSFS_H
#include "kshim/types.h"
/* There is no sysfs in the simulation: attribute groups are accepted and never shown. */
struct kobject;
struct attribute {
    const char *name;
    umode_t mode;
};
struct attribute_group {
    const char *name;
    umode_t (*is_visible)(struct kobject *kobj, struct attribute *attr, int n);
    struct attribute **attrs;
};
#define __ATTR(_name, _mode, _show, _store)                                                        \
    {                                                                                              \
        .attr = {.name = #_name, .mode = (_mode)}, .show = (_show), .store = (_store)              \
    }
#define __ATTR_RO(_name) __ATTR(_name, 0444, _name##_show, NULL)
#define __ATTR_RW(_name) __ATTR(_name, 0644, _name##_show, _name##_store)
#define __ATTR_WO(_name) __ATTR(_name, 0200, NULL, _name##_store)
#define ATTRIBUTE_GROUPS(_name)                                                                    \
    static const struct attribute_group _name##_group = {.attrs = _name##_attrs};                  \
    static const struct attribute_group *_name##_groups[] = {&_name##_group, NULL}
static inline int sysfs_create_groups(struct kobject *kobj, const struct attribute_group **groups)
{
    (void)kobj;
    (void)groups;
    return 0;
}
static inline void sysfs_remove_groups(struct kobject *kobj, const struct attribute_group **groups)
{
    (void)kobj;
    (void)groups;
}
static inline int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp)
{
    (void)kobj;
    (void)grp;
    return 0;
}
static inline void sysfs_remove_group(struct kobject *kobj, const struct attribute_group *grp)
{
    (void)kobj;
    (void)grp;
}
#endif
