#ifndef _LINUX_MISCDEVICE_H
#define _LINUX_MISCDEVICE_H
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/major.h>
#define MISC_DYNAMIC_MINOR 255
struct miscdevice {
    int minor;
    const char *name;
    const struct file_operations *fops;
    struct list_head list;
    struct device *parent;
    struct device *this_device;
    const char *nodename;
    umode_t mode;
};
/* Registers /dev/<name> in the current kernel, where simulated user processes open it. */
int misc_register(struct miscdevice *m);
void misc_deregister(struct miscdevice *m);
#endif
