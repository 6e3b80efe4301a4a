#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H
#include "kshim/types.h"
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/minmax.h>

/* lib/vsprintf.c: the C library's, without the kernel's %p extensions */
int sprintf(char *buf, const char *fmt, ...);
int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* the bytes written, not those that did not fit; 0 for a size of 0 */
int scnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtou8(const char *s, unsigned int base, u8 *res);
int kstrtou16(const char *s, unsigned int base, u16 *res);
int kstrtou32(const char *s, unsigned int base, u32 *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
#endif
