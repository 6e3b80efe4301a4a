/* Ethernet devices (the kernel's <linux/etherdevice.h>): allocation with Ethernet defaults,
 * eth_type_trans and the address helpers. */
#ifndef _LINUX_ETHERDEVICE_H
#define _LINUX_ETHERDEVICE_H
#include "kshim/types.h"
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>

void ether_setup(struct net_device *dev);
#define alloc_etherdev(sizeof_priv)                                                                \
    ks_alloc_netdev(sizeof_priv, "eth%d", ether_setup, KBUILD_MODNAME, __FILE__, __LINE__)
#define alloc_etherdev_mq(sizeof_priv, count) alloc_etherdev(sizeof_priv)

/* Sets skb->dev, pkt_type (host, broadcast, multicast, other host) and the MAC header, pulls
 * the Ethernet header and returns the protocol. */
__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
int eth_mac_addr(struct net_device *dev, void *p);
int eth_validate_addr(struct net_device *dev);
void eth_random_addr(u8 *addr);

static inline struct ethhdr *eth_hdr(const struct sk_buff *skb)
{
    return (struct ethhdr *)skb_mac_header(skb);
}
static inline bool is_zero_ether_addr(const u8 *a)
{
    return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}
static inline bool is_multicast_ether_addr(const u8 *a)
{
    return a[0] & 1;
}
static inline bool is_broadcast_ether_addr(const u8 *a)
{
    return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}
static inline bool is_unicast_ether_addr(const u8 *a)
{
    return !is_multicast_ether_addr(a);
}
static inline bool is_local_ether_addr(const u8 *a)
{
    return a[0] & 2;
}
static inline bool is_valid_ether_addr(const u8 *a)
{
    return !is_multicast_ether_addr(a) && !is_zero_ether_addr(a);
}
static inline bool ether_addr_equal(const u8 *a, const u8 *b)
{
    return memcmp(a, b, ETH_ALEN) == 0;
}
static inline void ether_addr_copy(u8 *dst, const u8 *src)
{
    memcpy(dst, src, ETH_ALEN);
}
static inline void eth_broadcast_addr(u8 *a)
{
    memset(a, 0xff, ETH_ALEN);
}
static inline void eth_zero_addr(u8 *a)
{
    memset(a, 0, ETH_ALEN);
}
static inline void eth_hw_addr_random(struct net_device *dev)
{
    eth_random_addr(dev->dev_addr);
}
#endif
