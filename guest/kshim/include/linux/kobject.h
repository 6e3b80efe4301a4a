#ifndef _LINUX_KOBJECT_H
#define _LINUX_KOBJECT_H
#include "kshim/types.h"
#include <linux/sysfs.h>
/* Objects of the driver model as far as drivers name them: uevents go to the kernel log (there
 * is no udev to receive them). */
struct kobject {
    const char *name;
};
enum kobject_action { KOBJ_ADD, KOBJ_REMOVE, KOBJ_CHANGE, KOBJ_MOVE, KOBJ_ONLINE, KOBJ_OFFLINE };
#define UEVENT_NUM_ENVP    64
#define UEVENT_BUFFER_SIZE 2048
struct kobj_uevent_env {
    char *argv[3];
    char *envp[UEVENT_NUM_ENVP];
    int envp_idx;
    char buf[UEVENT_BUFFER_SIZE];
    int buflen;
};
int add_uevent_var(struct kobj_uevent_env *env, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
int kobject_uevent(struct kobject *kobj, enum kobject_action action);
int kobject_uevent_env(struct kobject *kobj, enum kobject_action action, char *envp[]);
#endif
