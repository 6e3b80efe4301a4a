/* test_driver_core: the two halves' interface (standard types only). */
#ifndef TEST_DRIVER_CORE_H
#define TEST_DRIVER_CORE_H
#include <stddef.h>
int tdc_kstrtou8(const char *s, unsigned char *v);
int tdc_kstrtou16(const char *s, unsigned short *v);
int tdc_kstrtou32(const char *s, unsigned int *v);
int tdc_uevent_vars(char *out, size_t n);
int tdc_bus_find(void);
int tdc_seq_file(char *out, size_t n);
int tdc_debugfs_absent(void);
#endif
