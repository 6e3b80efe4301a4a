#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H
#include "kshim/types.h"
#include <linux/init.h>
#include <linux/moduleparam.h>
struct module {
    const char *name;
};
#define THIS_MODULE ((struct module *)0)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_VERSION(x)
#define MODULE_ALIAS(x)
#define MODULE_SOFTDEP(x)
#define MODULE_FIRMWARE(x)
#define MODULE_IMPORT_NS(x)
#define MODULE_DEVICE_TABLE(type, name)
#define try_module_get(m) 1
#define module_put(m)     ((void)(m))
#define __module_get(m)   ((void)(m))
#endif
