/* The routing-netlink lock that serialises network configuration (rtnl_lock): a mutex of the
 * kernel's network core (ks_net.c). */
#ifndef _LINUX_RTNETLINK_H
#define _LINUX_RTNETLINK_H
#include "kshim/types.h"
#include <linux/netdevice.h>

void ks_rtnl_lock(const char *file, int line);
void ks_rtnl_unlock(const char *file, int line);
int ks_rtnl_trylock(const char *file, int line);
int rtnl_is_locked(void);
#define rtnl_lock()    ks_rtnl_lock(__FILE__, __LINE__)
#define rtnl_unlock()  ks_rtnl_unlock(__FILE__, __LINE__)
#define rtnl_trylock() ks_rtnl_trylock(__FILE__, __LINE__)
#define ASSERT_RTNL()  WARN_ON_ONCE(!rtnl_is_locked())
#endif
