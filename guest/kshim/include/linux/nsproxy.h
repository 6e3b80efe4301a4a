/* A task's namespaces. The shim has one network namespace per kernel: the netdevice iterators
 * (for_each_netdev...) walk the current kernel's devices and never read a task's nsproxy, so
 * tasks carry none (NULL). */
#ifndef _LINUX_NSPROXY_H
#define _LINUX_NSPROXY_H
struct net;
struct nsproxy {
    struct net *net_ns;
};
#endif
