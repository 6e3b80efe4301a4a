/* RCU read-side sections. Guest contexts never overlap (docs/kernel-shim.md, execution model),
 * so a reader is never preempted by an updater: the section marks nothing, and an update may
 * free at once. */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H
#include "kshim/types.h"

#define rcu_read_lock()          ((void)0)
#define rcu_read_unlock()        ((void)0)
#define rcu_read_lock_bh()       ((void)0)
#define rcu_read_unlock_bh()     ((void)0)
#define synchronize_rcu()        ((void)0)
#define rcu_dereference(p)       (p)
#define rcu_dereference_rtnl(p)  (p)
#define rcu_assign_pointer(p, v) ((p) = (v))
#define RCU_INIT_POINTER(p, v)   ((p) = (v))
#endif
