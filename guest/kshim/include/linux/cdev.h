#ifndef _LINUX_CDEV_H
#define _LINUX_CDEV_H
#include "kshim/types.h"
struct file_operations;
struct module;
struct cdev {
    struct module *owner;
    const struct file_operations *ops;
    dev_t dev;
    unsigned int count;
};
#endif
