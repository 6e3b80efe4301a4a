#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H
#include "kshim/types.h"
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/minmax.h>

int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
#endif
