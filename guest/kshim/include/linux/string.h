#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H
#include <string.h>
#include "kshim/types.h"
size_t strscpy(char *dst, const char *src, size_t size);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
#endif
