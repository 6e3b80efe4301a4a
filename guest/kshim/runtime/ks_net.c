/* The network core of a shim kernel (linux/netdevice.h, etherdevice.h, rtnetlink.h), written
 * from the kernel's documentation (Documentation/networking/netdevices.txt, NAPI, the
 * netdevice.h comments): device allocation and registration with its names and indexes, the
 * rtnl mutex, open/close, one transmit queue with stop/wake and the transmit watchdog, carrier,
 * promiscuity and rx mode, NAPI polled from a softirq activation with the driver's weight as
 * budget, and receive into the device's user node (ks_net_user.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

struct ks_net {
    struct list_head devs; /* registered devices, in registration order */
    struct mutex rtnl;
    int next_ifindex;
};

static struct ks_net *net_of(struct ks_kernel *k)
{
    if (!k)
        return NULL;
    if (!k->net) {
        struct ks_net *n = calloc(1, sizeof(*n));
        if (!n)
            abort();
        INIT_LIST_HEAD(&n->devs);
        ks_mutex_init(&n->rtnl, "rtnl_mutex");
        n->next_ifindex = 2; /* 1 is the loopback device of a real kernel */
        k->net = n;
    }
    return k->net;
}

void ks_net_release(struct ks_kernel *k)
{
    if (!k->net)
        return;
    ks_mutex_destroy(&k->net->rtnl);
    free(k->net);
    k->net = NULL;
}

/* ---- rtnl ----------------------------------------------------------------------------- */

void ks_rtnl_lock(const char *file, int line)
{
    ks_mutex_lock(&net_of(ks_current_kernel())->rtnl, file, line);
}

void ks_rtnl_unlock(const char *file, int line)
{
    ks_mutex_unlock(&net_of(ks_current_kernel())->rtnl, file, line);
}

int ks_rtnl_trylock(const char *file, int line)
{
    return ks_mutex_trylock(&net_of(ks_current_kernel())->rtnl, file, line);
}

int rtnl_is_locked(void)
{
    struct ks_net *n = net_of(ks_current_kernel());
    return n && mutex_is_locked(&n->rtnl);
}

/* ---- allocation ----------------------------------------------------------------------- */

void ether_setup(struct net_device *dev)
{
    dev->type = ARPHRD_ETHER;
    dev->hard_header_len = ETH_HLEN;
    dev->mtu = ETH_DATA_LEN;
    dev->min_mtu = ETH_MIN_MTU;
    dev->max_mtu = ETH_DATA_LEN;
    dev->addr_len = ETH_ALEN;
    dev->tx_queue_len = 1000;
    dev->flags = IFF_BROADCAST | IFF_MULTICAST;
    eth_broadcast_addr(dev->broadcast);
}

static void watchdog_fire(struct timer_list *t);

struct net_device *ks_alloc_netdev(int sizeof_priv, const char *name,
                                   void (*setup)(struct net_device *), const char *owner,
                                   const char *file, int line)
{
    if (sizeof_priv < 0 || strlen(name) >= IFNAMSIZ)
        return NULL;
    size_t head = (sizeof(struct net_device) + NETDEV_ALIGN - 1) & ~(size_t)(NETDEV_ALIGN - 1);
    struct net_device *dev =
        ks_kmalloc(head + (size_t)sizeof_priv, GFP_KERNEL | __GFP_ZERO, owner, file, line);
    if (!dev)
        return NULL;
    snprintf(dev->name, sizeof(dev->name), "%s", name);
    INIT_LIST_HEAD(&dev->dev_list);
    INIT_LIST_HEAD(&dev->napi_list);
    INIT_LIST_HEAD(&dev->uc.list);
    INIT_LIST_HEAD(&dev->mc.list);
    dev->ks_kernel = ks_current_kernel();
    dev->ks_owner = owner;
    spin_lock_init(&dev->ks_xmit_lock);
    spin_lock_init(&dev->addr_list_lock);
    INIT_LIST_HEAD(&dev->ks_files);
    timer_setup(&dev->ks_watchdog, watchdog_fire, 0);
    /* present, carrier on (no NOCARRIER bit), queue not stopped: as a zeroed kernel device;
     * nothing reaches ndo_start_xmit before ndo_open all the same (not running) */
    dev->state = 1UL << __LINK_STATE_PRESENT;
    if (setup)
        setup(dev);
    return dev;
}

void ks_free_netdev(struct net_device *dev, const char *file, int line)
{
    if (!dev)
        return;
    if (dev->reg_state != NETREG_UNINITIALIZED && dev->reg_state != NETREG_UNREGISTERED)
        ks_bug(file, line, "free_netdev of a device still registered");
    struct napi_struct *n, *t;
    list_for_each_entry_safe(n, t, &dev->napi_list, dev_list) netif_napi_del(n);
    del_timer(&dev->ks_watchdog);
    ks_kfree(dev, file, line);
}

/* ---- registration --------------------------------------------------------------------- */

static struct net_device *find_by_name(struct ks_net *n, const char *name)
{
    struct net_device *d;
    list_for_each_entry(d, &n->devs, dev_list)
    {
        if (strcmp(d->name, name) == 0)
            return d;
    }
    return NULL;
}

/* "eth%d" takes the lowest free number, as dev_alloc_name. */
static int assign_name(struct ks_net *n, struct net_device *dev)
{
    const char *pct = strchr(dev->name, '%');
    if (!pct)
        return find_by_name(n, dev->name) ? -EEXIST : 0;
    if (pct[1] != 'd' || strchr(pct + 1, '%'))
        return -EINVAL;
    char fmt[IFNAMSIZ];
    snprintf(fmt, sizeof(fmt), "%s", dev->name);
    for (int i = 0; i < 32768; i++) {
        char cand[IFNAMSIZ + 8];
        snprintf(cand, sizeof(cand), fmt, i);
        if (strlen(cand) >= IFNAMSIZ)
            return -ENFILE;
        if (!find_by_name(n, cand)) {
            snprintf(dev->name, sizeof(dev->name), "%s", cand);
            return 0;
        }
    }
    return -ENFILE;
}

int register_netdevice(struct net_device *dev)
{
    struct ks_kernel *k = ks_current_kernel();
    struct ks_net *n = net_of(k);
    WARN_ON(!rtnl_is_locked());
    if (!n || dev->reg_state != NETREG_UNINITIALIZED)
        return -EINVAL;
    int rc = assign_name(n, dev);
    if (rc)
        return rc;
    if (dev->netdev_ops && dev->netdev_ops->ndo_init && (rc = dev->netdev_ops->ndo_init(dev)))
        return rc > 0 ? -EIO : rc;
    dev->ks_kernel = k;
    dev->ifindex = n->next_ifindex++;
    dev_set_name(&dev->dev, "%s", dev->name);
    memcpy(dev->perm_addr, dev->dev_addr, dev->addr_len);
    snprintf(dev->ks_node, sizeof(dev->ks_node), "net/%s", dev->name);
    dev->ks_misc.minor = MISC_DYNAMIC_MINOR;
    dev->ks_misc.name = dev->ks_node;
    dev->ks_misc.nodename = dev->ks_node;
    dev->ks_misc.fops = &ks_net_user_fops;
    dev->ks_misc.parent = &dev->dev;
    rc = misc_register(&dev->ks_misc);
    if (rc) {
        if (dev->netdev_ops && dev->netdev_ops->ndo_uninit)
            dev->netdev_ops->ndo_uninit(dev);
        return rc;
    }
    list_add_tail(&dev->dev_list, &n->devs);
    dev->reg_state = NETREG_REGISTERED;
    return 0;
}

int register_netdev(struct net_device *dev)
{
    rtnl_lock();
    int rc = register_netdevice(dev);
    rtnl_unlock();
    return rc;
}

void unregister_netdevice(struct net_device *dev)
{
    WARN_ON(!rtnl_is_locked());
    if (dev->reg_state != NETREG_REGISTERED) {
        printk(KERN_ERR "unregister_netdevice: %s is not registered (state %d)", dev->name,
               dev->reg_state);
        return;
    }
    dev_close(dev);
    dev->reg_state = NETREG_UNREGISTERING;
    misc_deregister(&dev->ks_misc);
    list_del_init(&dev->dev_list);
    /* open files lose the device: frames nobody read are dropped, waiters see -ENODEV */
    ks_net_detach_files(dev);
    if (dev->netdev_ops && dev->netdev_ops->ndo_uninit)
        dev->netdev_ops->ndo_uninit(dev);
    del_timer(&dev->ks_watchdog);
    dev->reg_state = NETREG_UNREGISTERED;
}

void unregister_netdev(struct net_device *dev)
{
    rtnl_lock();
    unregister_netdevice(dev);
    rtnl_unlock();
}

struct net_device *ks_netdev_first(void)
{
    struct ks_net *n = net_of(ks_current_kernel());
    return n && !list_empty(&n->devs) ? list_first_entry(&n->devs, struct net_device, dev_list)
                                      : NULL;
}

struct net_device *ks_netdev_next(struct net_device *dev)
{
    struct ks_net *n = net_of(dev->ks_kernel);
    return list_is_last(&dev->dev_list, &n->devs) ? NULL : list_next_entry(dev, dev_list);
}

struct net_device *ks_dev_get_by_name(const char *name)
{
    struct ks_net *n = net_of(ks_current_kernel());
    return n ? find_by_name(n, name) : NULL;
}

struct net_device *ks_dev_get_by_index(struct ks_kernel *k, int ifindex)
{
    struct ks_net *n = k ? k->net : NULL;
    struct net_device *d;
    if (n)
        list_for_each_entry(d, &n->devs, dev_list)
        {
            if (d->ifindex == ifindex)
                return d;
        }
    return NULL;
}

/* ---- up, down, addresses -------------------------------------------------------------- */

static void watchdog_up(struct net_device *dev)
{
    if (dev->netdev_ops->ndo_tx_timeout && dev->watchdog_timeo > 0 &&
        !timer_pending(&dev->ks_watchdog))
        mod_timer(&dev->ks_watchdog, jiffies + (unsigned long)dev->watchdog_timeo);
}

int dev_open(struct net_device *dev)
{
    WARN_ON(!rtnl_is_locked());
    if (dev->flags & IFF_UP)
        return 0;
    if (!netif_device_present(dev))
        return -ENODEV;
    const struct net_device_ops *ops = dev->netdev_ops;
    /* running before ndo_open, as the kernel: the driver may transmit from it */
    dev->state |= 1UL << __LINK_STATE_START;
    int rc = 0;
    if (ops->ndo_validate_addr)
        rc = ops->ndo_validate_addr(dev);
    if (!rc && ops->ndo_open)
        rc = ops->ndo_open(dev);
    if (rc) {
        dev->state &= ~(1UL << __LINK_STATE_START);
        return rc;
    }
    dev->flags |= IFF_UP;
    dev_set_rx_mode(dev);
    if (netif_carrier_ok(dev))
        watchdog_up(dev);
    ks_net_wake_files(dev);
    return 0;
}

void dev_close(struct net_device *dev)
{
    WARN_ON(!rtnl_is_locked());
    if (!(dev->flags & IFF_UP))
        return;
    dev->state &= ~(1UL << __LINK_STATE_START);
    del_timer(&dev->ks_watchdog);
    if (dev->netdev_ops->ndo_stop)
        dev->netdev_ops->ndo_stop(dev);
    dev->flags &= ~IFF_UP;
    ks_net_wake_files(dev);
}

void dev_set_rx_mode(struct net_device *dev)
{
    if (!(dev->flags & IFF_UP) || !dev->netdev_ops->ndo_set_rx_mode)
        return;
    /* under the address-list lock, as the kernel: the driver must not sleep here */
    spin_lock_bh(&dev->addr_list_lock);
    dev->netdev_ops->ndo_set_rx_mode(dev);
    spin_unlock_bh(&dev->addr_list_lock);
}

static int change_count(struct net_device *dev, int *count, int inc, unsigned flag,
                        const char *what)
{
    int old = *count;
    if ((inc > 0 && old + inc < old) || old + inc < 0) {
        printk(KERN_WARNING "%s: %s count would %s", dev->name, what,
               inc > 0 ? "overflow" : "go negative");
        return -EOVERFLOW;
    }
    *count = old + inc;
    unsigned before = dev->flags & flag;
    if (*count)
        dev->flags |= flag;
    else
        dev->flags &= ~flag;
    if ((dev->flags & flag) != before) {
        if (flag == IFF_PROMISC)
            printk(KERN_INFO "device %s %s promiscuous mode", dev->name,
                   *count ? "entered" : "left");
        if (dev->netdev_ops->ndo_change_rx_flags)
            dev->netdev_ops->ndo_change_rx_flags(dev, (int)flag);
        dev_set_rx_mode(dev);
    }
    return 0;
}

int dev_set_promiscuity(struct net_device *dev, int inc)
{
    return change_count(dev, &dev->promiscuity, inc, IFF_PROMISC, "promiscuity");
}

int dev_set_allmulti(struct net_device *dev, int inc)
{
    return change_count(dev, &dev->allmulti, inc, IFF_ALLMULTI, "allmulti");
}

int dev_set_mac_address(struct net_device *dev, struct sockaddr *sa)
{
    const struct net_device_ops *ops = dev->netdev_ops;
    if (!ops->ndo_set_mac_address)
        return -EOPNOTSUPP;
    if (sa->sa_family != dev->type)
        return -EINVAL;
    if (!netif_device_present(dev))
        return -ENODEV;
    return ops->ndo_set_mac_address(dev, sa);
}

int dev_set_mtu(struct net_device *dev, int new_mtu)
{
    if (new_mtu == (int)dev->mtu)
        return 0;
    if (new_mtu < 0 || (dev->min_mtu && (unsigned)new_mtu < dev->min_mtu) ||
        (dev->max_mtu && (unsigned)new_mtu > dev->max_mtu))
        return -EINVAL;
    if (!netif_device_present(dev))
        return -ENODEV;
    if (dev->netdev_ops->ndo_change_mtu)
        return dev->netdev_ops->ndo_change_mtu(dev, new_mtu);
    dev->mtu = (unsigned)new_mtu;
    return 0;
}

int eth_mac_addr(struct net_device *dev, void *p)
{
    struct sockaddr *addr = p;
    if (!is_valid_ether_addr((const u8 *)addr->sa_data))
        return -EADDRNOTAVAIL;
    memcpy(dev->dev_addr, addr->sa_data, ETH_ALEN);
    return 0;
}

int eth_validate_addr(struct net_device *dev)
{
    return is_valid_ether_addr(dev->dev_addr) ? 0 : -EADDRNOTAVAIL;
}

void eth_random_addr(u8 *addr)
{
    /* repeatable runs: a fixed sequence, locally administered unicast */
    static u64 x = 0x9e3779b97f4a7c15ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (int i = 0; i < ETH_ALEN; i++)
        addr[i] = (u8)(x >> (8 * i));
    addr[0] = (u8)((addr[0] & 0xfe) | 0x02);
}

/* ---- carrier, queue, watchdog --------------------------------------------------------- */

void netif_carrier_on(struct net_device *dev)
{
    if (!(dev->state & (1UL << __LINK_STATE_NOCARRIER)))
        return;
    dev->state &= ~(1UL << __LINK_STATE_NOCARRIER);
    dev->ks_carrier_changes++;
    if (netif_running(dev))
        watchdog_up(dev);
    ks_net_wake_files(dev);
}

void netif_carrier_off(struct net_device *dev)
{
    if (dev->state & (1UL << __LINK_STATE_NOCARRIER))
        return;
    dev->state |= 1UL << __LINK_STATE_NOCARRIER;
    dev->ks_carrier_changes++;
}

void netif_device_detach(struct net_device *dev)
{
    if (dev->state & (1UL << __LINK_STATE_PRESENT)) {
        dev->state &= ~(1UL << __LINK_STATE_PRESENT);
        if (netif_running(dev))
            netif_stop_queue(dev);
    }
}

void netif_device_attach(struct net_device *dev)
{
    if (!(dev->state & (1UL << __LINK_STATE_PRESENT))) {
        dev->state |= 1UL << __LINK_STATE_PRESENT;
        if (netif_running(dev)) {
            netif_wake_queue(dev);
            watchdog_up(dev);
        }
    }
}

void netif_wake_queue(struct net_device *dev)
{
    int was = !!(dev->state & (1UL << __LINK_STATE_XOFF));
    dev->state &= ~(1UL << __LINK_STATE_XOFF);
    if (was)
        ks_net_wake_files(dev);
}

/* dev_watchdog: a queue stopped longer than watchdog_timeo since the last transmit, on a
 * running device with carrier, is a transmit timeout for the driver. */
static void watchdog_fire(struct timer_list *t)
{
    struct net_device *dev = from_timer(dev, t, ks_watchdog);
    if (!netif_device_present(dev) || !netif_running(dev) || !netif_carrier_ok(dev))
        return;
    spin_lock(&dev->ks_xmit_lock);
    if (netif_queue_stopped(dev) &&
        (long)(jiffies - (dev->trans_start + (unsigned long)dev->watchdog_timeo)) > 0) {
        printk(KERN_WARNING "NETDEV WATCHDOG: %s: transmit queue 0 timed out", dev->name);
        dev->ks_tx_timeouts++;
        dev->netdev_ops->ndo_tx_timeout(dev);
    }
    spin_unlock(&dev->ks_xmit_lock);
    mod_timer(&dev->ks_watchdog, jiffies + (unsigned long)dev->watchdog_timeo);
}

/* One frame to the driver under the transmit lock: NETDEV_TX_BUSY (frame not taken) while the
 * queue is stopped or when the driver answers so. */
int ks_net_xmit_one(struct net_device *dev, struct sk_buff *skb)
{
    spin_lock_bh(&dev->ks_xmit_lock);
    if (netif_queue_stopped(dev) || !netif_running(dev)) {
        spin_unlock_bh(&dev->ks_xmit_lock);
        return NETDEV_TX_BUSY;
    }
    netdev_tx_t rc = dev->netdev_ops->ndo_start_xmit(skb, dev);
    if (rc == NETDEV_TX_OK)
        dev->trans_start = jiffies;
    spin_unlock_bh(&dev->ks_xmit_lock);
    return rc;
}

/* Without a queueing discipline, as a virtual device's noqueue: a frame meeting a stopped
 * queue is dropped and counted. The user node waits instead (ks_net_user.c). */
int dev_queue_xmit(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev;
    if (!dev || !netif_running(dev)) {
        kfree_skb(skb);
        return -ENETDOWN;
    }
    if (ks_net_xmit_one(dev, skb) != NETDEV_TX_OK) {
        dev->tx_dropped++;
        kfree_skb(skb);
        return NET_XMIT_DROP;
    }
    return NET_XMIT_SUCCESS;
}

/* ---- NAPI ----------------------------------------------------------------------------- */

#define NAPI_SCHED   (1UL << NAPI_STATE_SCHED)
#define NAPI_DISABLE (1UL << NAPI_STATE_DISABLE)

/* net_rx_action for one instance: poll with the weight as budget; a poll that used all of it
 * stays scheduled and runs again in a new softirq activation (others run in between), unless a
 * napi_disable is waiting, which completes it. */
static void napi_softirq(struct tasklet_struct *t)
{
    struct napi_struct *n = container_of(t, struct napi_struct, ks_softirq);
    if (!(n->state & NAPI_SCHED))
        return;
    int work = n->poll(n, n->weight);
    n->ks_polls++;
    if (work > n->weight)
        printk(KERN_ERR "%s: NAPI poll returned %d, more than its budget %d",
               n->dev ? n->dev->name : "?", work, n->weight);
    if (work < n->weight)
        return; /* the driver completed (or left the instance scheduled for good, its bug) */
    if (n->state & NAPI_DISABLE) {
        napi_complete(n);
        return;
    }
    tasklet_schedule(&n->ks_softirq);
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int), int weight)
{
    if (weight > NAPI_POLL_WEIGHT)
        printk(KERN_ERR "netif_napi_add() called with weight %d on device %s", weight, dev->name);
    INIT_LIST_HEAD(&napi->dev_list);
    napi->poll = poll;
    napi->weight = weight;
    napi->dev = dev;
    napi->ks_polls = 0;
    /* an added instance is disabled (scheduled) until napi_enable */
    napi->state = NAPI_SCHED;
    tasklet_setup(&napi->ks_softirq, napi_softirq);
    list_add_tail(&napi->dev_list, &dev->napi_list);
}

void netif_napi_del(struct napi_struct *napi)
{
    if (list_empty(&napi->dev_list))
        return;
    list_del_init(&napi->dev_list);
    tasklet_kill(&napi->ks_softirq);
}

void napi_enable(struct napi_struct *n)
{
    BUG_ON(!(n->state & NAPI_SCHED));
    n->state &= ~(NAPI_SCHED | NAPI_DISABLE);
}

void ks_napi_disable(struct napi_struct *n, const char *file, int line)
{
    ks_might_sleep(file, line, "napi_disable");
    n->state |= NAPI_DISABLE;
    /* wait for a scheduled poll to finish, then keep the instance scheduled: disabled */
    while (n->state & NAPI_SCHED)
        ks_msleep(1, file, line);
    n->state |= NAPI_SCHED;
    n->state &= ~NAPI_DISABLE;
}

bool napi_schedule_prep(struct napi_struct *n)
{
    if (n->state & (NAPI_DISABLE | NAPI_SCHED))
        return false;
    n->state |= NAPI_SCHED;
    return true;
}

void __napi_schedule(struct napi_struct *n)
{
    tasklet_schedule(&n->ks_softirq);
}

bool napi_complete_done(struct napi_struct *n, int work_done)
{
    (void)work_done;
    n->state &= ~NAPI_SCHED;
    return true;
}

/* ---- receive -------------------------------------------------------------------------- */

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
    skb->dev = dev;
    skb_reset_mac_header(skb);
    const struct ethhdr *eth = (const struct ethhdr *)skb->data;
    ks_skb_pull(skb, ETH_HLEN);
    if (is_multicast_ether_addr(eth->h_dest))
        skb->pkt_type = is_broadcast_ether_addr(eth->h_dest) ? PACKET_BROADCAST : PACKET_MULTICAST;
    else if (!ether_addr_equal(eth->h_dest, dev->dev_addr))
        skb->pkt_type = PACKET_OTHERHOST;
    else
        skb->pkt_type = PACKET_HOST;
    const u8 *p = (const u8 *)&eth->h_proto;
    unsigned proto = (unsigned)p[0] << 8 | p[1];
    if (proto >= ETH_P_802_3_MIN)
        return eth->h_proto;
    /* a length field: raw 802.3 (IPX's 0xFFFF) or 802.2 LLC */
    if (skb->len >= 2 && skb->data[0] == 0xff && skb->data[1] == 0xff)
        return (__be16)__builtin_bswap16(ETH_P_802_3);
    return (__be16)__builtin_bswap16(ETH_P_802_2);
}

int netif_receive_skb(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev;
    if (!dev || dev->reg_state != NETREG_REGISTERED) {
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    return ks_net_deliver(dev, skb);
}

/* The kernel queues to a per-CPU backlog drained in softirq; here the frame is delivered at
 * once, which a driver cannot tell apart (it gives the buffer away either way). */
int netif_rx(struct sk_buff *skb)
{
    return netif_receive_skb(skb);
}
