/* Network devices (the kernel's <linux/netdevice.h>, from its documentation and
 * Documentation/networking/netdevices.txt, napi.txt): struct net_device with its operations,
 * one transmit queue with the stop/wake protocol, carrier, the transmit watchdog, NAPI polled
 * from a softirq activation, and the receive entry points. The runtime is ks_net.c; each
 * registered device is also reachable from simulated user processes as /dev/net/<name>
 * (ks_net_user.c, docs/kernel-shim.md "Networking"). */
#ifndef _LINUX_NETDEVICE_H
#define _LINUX_NETDEVICE_H
#include "kshim/types.h"
#include <linux/device.h>
#include <linux/if_ether.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/nsproxy.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define IFNAMSIZ     16
#define MAX_ADDR_LEN 32

/* dev->flags (uapi/linux/if.h) */
#define IFF_UP          0x1
#define IFF_BROADCAST   0x2
#define IFF_DEBUG       0x4
#define IFF_LOOPBACK    0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS  0x20
#define IFF_RUNNING     0x40
#define IFF_NOARP       0x80
#define IFF_PROMISC     0x100
#define IFF_ALLMULTI    0x200
#define IFF_MULTICAST   0x1000

#define ARPHRD_ETHER 1

typedef enum netdev_tx {
    NETDEV_TX_OK = 0x00,
    NETDEV_TX_BUSY = 0x10,
} netdev_tx_t;

#define NET_XMIT_SUCCESS 0x00
#define NET_XMIT_DROP    0x01
#define NET_RX_SUCCESS   0
#define NET_RX_DROP      1

typedef enum gro_result {
    GRO_MERGED,
    GRO_MERGED_FREE,
    GRO_HELD,
    GRO_NORMAL,
    GRO_DROP,
    GRO_CONSUMED,
} gro_result_t;

struct net_device_stats {
    unsigned long rx_packets;
    unsigned long tx_packets;
    unsigned long rx_bytes;
    unsigned long tx_bytes;
    unsigned long rx_errors;
    unsigned long tx_errors;
    unsigned long rx_dropped;
    unsigned long tx_dropped;
    unsigned long multicast;
    unsigned long collisions;
    unsigned long rx_length_errors;
    unsigned long rx_over_errors;
    unsigned long rx_crc_errors;
    unsigned long rx_frame_errors;
    unsigned long rx_fifo_errors;
    unsigned long rx_missed_errors;
    unsigned long tx_aborted_errors;
    unsigned long tx_carrier_errors;
    unsigned long tx_fifo_errors;
    unsigned long tx_heartbeat_errors;
    unsigned long tx_window_errors;
    unsigned long rx_compressed;
    unsigned long tx_compressed;
};

struct netdev_hw_addr {
    struct list_head list;
    unsigned char addr[MAX_ADDR_LEN];
    unsigned char type;
};
struct netdev_hw_addr_list {
    struct list_head list;
    int count;
};
#define netdev_hw_addr_list_count(l)     ((l)->count)
#define netdev_mc_count(dev)             netdev_hw_addr_list_count(&(dev)->mc)
#define netdev_mc_empty(dev)             (netdev_mc_count(dev) == 0)
#define netdev_uc_count(dev)             netdev_hw_addr_list_count(&(dev)->uc)
#define netdev_for_each_mc_addr(ha, dev) list_for_each_entry(ha, &(dev)->mc.list, list)
#define netdev_for_each_uc_addr(ha, dev) list_for_each_entry(ha, &(dev)->uc.list, list)

struct net_device;
struct ifreq;
struct ethtool_ops;

struct net_device_ops {
    int (*ndo_init)(struct net_device *dev);
    void (*ndo_uninit)(struct net_device *dev);
    int (*ndo_open)(struct net_device *dev);
    int (*ndo_stop)(struct net_device *dev);
    netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
    void (*ndo_change_rx_flags)(struct net_device *dev, int flags);
    void (*ndo_set_rx_mode)(struct net_device *dev);
    int (*ndo_set_mac_address)(struct net_device *dev, void *addr);
    int (*ndo_validate_addr)(struct net_device *dev);
    int (*ndo_do_ioctl)(struct net_device *dev, struct ifreq *ifr, int cmd);
    int (*ndo_change_mtu)(struct net_device *dev, int new_mtu);
    void (*ndo_tx_timeout)(struct net_device *dev); /* 4.x signature: no queue index */
    struct net_device_stats *(*ndo_get_stats)(struct net_device *dev);
};

/* NAPI (Documentation/networking/NAPI): state bits as the kernel's */
enum {
    NAPI_STATE_SCHED,   /* poll scheduled, or the instance is disabled */
    NAPI_STATE_DISABLE, /* napi_disable pending */
};

struct napi_struct {
    struct list_head dev_list;
    unsigned long state;
    int weight;
    int (*poll)(struct napi_struct *napi, int budget);
    struct net_device *dev;
    /* shim: the softirq activation that runs the poll (net_rx_action) */
    struct tasklet_struct ks_softirq;
    u64 ks_polls;
};

/* dev->state bits */
enum netdev_state_t {
    __LINK_STATE_START,     /* netif_running */
    __LINK_STATE_PRESENT,   /* netif_device_present */
    __LINK_STATE_NOCARRIER, /* carrier off */
    __LINK_STATE_XOFF,      /* the transmit queue is stopped (one queue per device) */
};

enum netdev_reg_state {
    NETREG_UNINITIALIZED = 0,
    NETREG_REGISTERED,
    NETREG_UNREGISTERING,
    NETREG_UNREGISTERED,
    NETREG_RELEASED,
};

struct net_device {
    char name[IFNAMSIZ];
    unsigned long state;
    struct list_head dev_list;
    struct list_head napi_list;
    unsigned int flags;
    unsigned int priv_flags;
    unsigned short type;
    unsigned short hard_header_len;
    unsigned int mtu;
    unsigned int min_mtu;
    unsigned int max_mtu;
    unsigned char addr_len;
    unsigned char addr_assign_type;
    unsigned char dev_addr[MAX_ADDR_LEN];
    unsigned char perm_addr[MAX_ADDR_LEN];
    unsigned char broadcast[MAX_ADDR_LEN];
    int ifindex;
    int watchdog_timeo;
    unsigned long trans_start;
    unsigned long tx_queue_len;
    int promiscuity;
    int allmulti;
    u64 features;
    u64 hw_features;
    struct netdev_hw_addr_list uc;
    struct netdev_hw_addr_list mc;
    struct net_device_stats stats;
    unsigned long rx_dropped; /* core drops (the kernel's atomic_long_t) */
    unsigned long tx_dropped;
    const struct net_device_ops *netdev_ops;
    const struct ethtool_ops *ethtool_ops;
    enum netdev_reg_state reg_state;
    struct device dev;
    /* shim */
    struct ks_kernel *ks_kernel;
    const char *ks_owner;      /* module charged with the allocation */
    spinlock_t ks_xmit_lock;   /* the kernel's netif_tx_lock: held around ndo_start_xmit */
    spinlock_t addr_list_lock; /* held around ndo_set_rx_mode */
    struct timer_list ks_watchdog;
    u64 ks_tx_timeouts, ks_carrier_changes, ks_rx_unclaimed, ks_tx_busy;
    /* the user node /dev/net/<name> and its open files (ks_net_user.c), each with its own
     * receive queue and wait queue, as packet sockets bound to the device */
    struct miscdevice ks_misc;
    char ks_node[IFNAMSIZ + 8];
    struct list_head ks_files;
};

#define NETDEV_ALIGN 32
static inline void *netdev_priv(const struct net_device *dev)
{
    return (char *)dev + ((sizeof(struct net_device) + NETDEV_ALIGN - 1) & ~(NETDEV_ALIGN - 1));
}
#define SET_NETDEV_DEV(net, pdev) ((net)->dev.parent = (pdev))
#define NET_NAME_UNKNOWN          0
#define NET_NAME_ENUM             1

struct net_device *ks_alloc_netdev(int sizeof_priv, const char *name,
                                   void (*setup)(struct net_device *), const char *owner,
                                   const char *file, int line);
#define alloc_netdev(sizeof_priv, name, name_assign_type, setup)                                   \
    ks_alloc_netdev(sizeof_priv, name, setup, KBUILD_MODNAME, __FILE__, __LINE__)
void ks_free_netdev(struct net_device *dev, const char *file, int line);
#define free_netdev(dev) ks_free_netdev(dev, __FILE__, __LINE__)

int register_netdev(struct net_device *dev);
void unregister_netdev(struct net_device *dev);
int register_netdevice(struct net_device *dev); /* with rtnl held */
void unregister_netdevice(struct net_device *dev);
int dev_open(struct net_device *dev);
void dev_close(struct net_device *dev);
int dev_set_promiscuity(struct net_device *dev, int inc);
int dev_set_allmulti(struct net_device *dev, int inc);
int dev_set_mac_address(struct net_device *dev, struct sockaddr *sa);
int dev_set_mtu(struct net_device *dev, int new_mtu);
void dev_set_rx_mode(struct net_device *dev);
int dev_queue_xmit(struct sk_buff *skb);
struct net_device *ks_dev_get_by_name(const char *name);
#define dev_get_by_name(net, name) ((void)sizeof(net), ks_dev_get_by_name(name))
#define dev_hold(dev)              ((void)(dev))
#define dev_put(dev)               ((void)(dev))

/* ---- the transmit queue ---- */
static inline void netif_start_queue(struct net_device *dev)
{
    dev->state &= ~(1UL << __LINK_STATE_XOFF);
}
void netif_wake_queue(struct net_device *dev);
static inline void netif_stop_queue(struct net_device *dev)
{
    dev->state |= 1UL << __LINK_STATE_XOFF;
}
static inline bool netif_queue_stopped(const struct net_device *dev)
{
    return dev->state & (1UL << __LINK_STATE_XOFF);
}
#define netif_tx_start_all_queues(dev) netif_start_queue(dev)
#define netif_tx_wake_all_queues(dev)  netif_wake_queue(dev)
#define netif_tx_stop_all_queues(dev)  netif_stop_queue(dev)
#define netif_tx_disable(dev)          netif_stop_queue(dev)
static inline void netif_trans_update(struct net_device *dev)
{
    dev->trans_start = jiffies;
}

static inline bool netif_running(const struct net_device *dev)
{
    return dev->state & (1UL << __LINK_STATE_START);
}
static inline bool netif_carrier_ok(const struct net_device *dev)
{
    return !(dev->state & (1UL << __LINK_STATE_NOCARRIER));
}
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
static inline bool netif_device_present(const struct net_device *dev)
{
    return dev->state & (1UL << __LINK_STATE_PRESENT);
}
void netif_device_detach(struct net_device *dev);
void netif_device_attach(struct net_device *dev);

/* ---- NAPI ---- */
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int), int weight);
void netif_napi_del(struct napi_struct *napi);
void napi_enable(struct napi_struct *n);
void ks_napi_disable(struct napi_struct *n, const char *file, int line);
#define napi_disable(n) ks_napi_disable(n, __FILE__, __LINE__)
bool napi_schedule_prep(struct napi_struct *n);
void __napi_schedule(struct napi_struct *n);
static inline void napi_schedule(struct napi_struct *n)
{
    if (napi_schedule_prep(n))
        __napi_schedule(n);
}
bool napi_complete_done(struct napi_struct *n, int work_done);
static inline bool napi_complete(struct napi_struct *n)
{
    return napi_complete_done(n, 0);
}
#define NAPI_POLL_WEIGHT 64

/* ---- receive ---- */
int netif_receive_skb(struct sk_buff *skb);
int netif_rx(struct sk_buff *skb);
#define netif_rx_ni(skb) netif_rx(skb)
static inline gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
    (void)napi;
    return netif_receive_skb(skb) == NET_RX_SUCCESS ? GRO_NORMAL : GRO_DROP;
}

/* ---- the device list (one namespace per kernel; the net argument is not read) ---- */
struct net {
    int ks_unused;
};
struct net_device *ks_netdev_first(void);
struct net_device *ks_netdev_next(struct net_device *dev);
#define for_each_netdev(net, d)                                                                    \
    for ((void)sizeof(net), (d) = ks_netdev_first(); (d); (d) = ks_netdev_next(d))
#define for_each_netdev_rcu(net, d) for_each_netdev(net, d)

/* ---- messages ---- */
#define netdev_printk(level, dev, fmt, ...) printk(level "%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define netdev_err(dev, fmt, ...)           netdev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define netdev_warn(dev, fmt, ...)          netdev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define netdev_info(dev, fmt, ...)          netdev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define netdev_notice(dev, fmt, ...)        netdev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define netdev_dbg(dev, fmt, ...)           pr_debug("%s: " fmt, (dev)->name, ##__VA_ARGS__)

#endif
