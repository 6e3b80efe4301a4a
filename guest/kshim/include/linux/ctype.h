#ifndef _LINUX_CTYPE_H
#define _LINUX_CTYPE_H
/* The kernel's ctype is the C locale's. */
#include <ctype.h>
#endif
