#ifndef _LINUX_FCNTL_H
#define _LINUX_FCNTL_H
#include <fcntl.h>
#endif
