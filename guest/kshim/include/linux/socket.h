/* Socket addresses as the network core passes them to drivers (the kernel's <linux/socket.h>). */
#ifndef _LINUX_SOCKET_H
#define _LINUX_SOCKET_H
#include "kshim/types.h"
typedef unsigned short sa_family_t;
struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};
#endif
