/* Kernel side of test_net: "tnet", a loopback Ethernet driver in kernel style. Transmitted
 * frames wait in a private queue (the queue stops at TNET_RING frames) and come back through
 * NAPI with a budget of 2, so a burst needs several polls; with hang=1 nothing is ever sent
 * back, the queue stays stopped and the transmit watchdog must call ndo_tx_timeout. Plus the
 * sk_buff calls the test checks from plain C. */
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "test_net.h"

#define TNET_RING   4
#define TNET_WEIGHT 2

static int hang;
module_param(hang, int, 0444);

struct tnet {
    struct net_device *dev;
    struct napi_struct napi;
    struct sk_buff_head txq;
    int saw_promisc, timeouts;
};

static struct net_device *tnet_dev;

static int tnet_open(struct net_device *dev)
{
    struct tnet *t = netdev_priv(dev);
    napi_enable(&t->napi);
    netif_start_queue(dev);
    return 0;
}

static int tnet_stop(struct net_device *dev)
{
    struct tnet *t = netdev_priv(dev);
    netif_stop_queue(dev);
    napi_disable(&t->napi);
    skb_queue_purge(&t->txq);
    return 0;
}

static netdev_tx_t tnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct tnet *t = netdev_priv(dev);
    skb_queue_tail(&t->txq, skb);
    dev->stats.tx_packets++;
    dev->stats.tx_bytes += skb->len;
    if (skb_queue_len(&t->txq) >= TNET_RING || hang)
        netif_stop_queue(dev);
    if (!hang)
        napi_schedule(&t->napi);
    return NETDEV_TX_OK;
}

static int tnet_poll(struct napi_struct *napi, int budget)
{
    struct tnet *t = container_of(napi, struct tnet, napi);
    int done = 0;
    struct sk_buff *skb;
    while (done < budget && (skb = skb_dequeue(&t->txq))) {
        /* back in through the receive path, as a frame from the wire */
        skb->protocol = eth_type_trans(skb, t->dev);
        t->dev->stats.rx_packets++;
        napi_gro_receive(napi, skb);
        done++;
    }
    if (netif_queue_stopped(t->dev) && skb_queue_len(&t->txq) < TNET_RING)
        netif_wake_queue(t->dev);
    if (done < budget)
        napi_complete_done(napi, done);
    return done;
}

static void tnet_rx_mode(struct net_device *dev)
{
    struct tnet *t = netdev_priv(dev);
    t->saw_promisc = !!(dev->flags & IFF_PROMISC);
}

static void tnet_tx_timeout(struct net_device *dev)
{
    struct tnet *t = netdev_priv(dev);
    t->timeouts++;
    skb_queue_purge(&t->txq);
    netif_wake_queue(dev);
}

static const struct net_device_ops tnet_ops = {
    .ndo_open = tnet_open,
    .ndo_stop = tnet_stop,
    .ndo_start_xmit = tnet_xmit,
    .ndo_set_rx_mode = tnet_rx_mode,
    .ndo_set_mac_address = eth_mac_addr,
    .ndo_validate_addr = eth_validate_addr,
    .ndo_tx_timeout = tnet_tx_timeout,
};

static int __init tnet_init(void)
{
    static const u8 mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0xaa};
    struct net_device *dev = alloc_etherdev(sizeof(struct tnet));
    if (!dev)
        return -ENOMEM;
    struct tnet *t = netdev_priv(dev);
    t->dev = dev;
    skb_queue_head_init(&t->txq);
    dev->netdev_ops = &tnet_ops;
    dev->watchdog_timeo = HZ / 2;
    ether_addr_copy(dev->dev_addr, mac);
    netif_napi_add(dev, &t->napi, tnet_poll, TNET_WEIGHT);
    int rc = register_netdev(dev);
    if (rc) {
        free_netdev(dev);
        return rc;
    }
    tnet_dev = dev;
    return 0;
}

static void __exit tnet_exit(void)
{
    unregister_netdev(tnet_dev);
    free_netdev(tnet_dev);
    tnet_dev = NULL;
}

module_init(tnet_init);
module_exit(tnet_exit);
MODULE_LICENSE("GPL");

int tnet_saw_promisc(void)
{
    return tnet_dev ? ((struct tnet *)netdev_priv(tnet_dev))->saw_promisc : -1;
}

int tnet_timeouts(void)
{
    return tnet_dev ? ((struct tnet *)netdev_priv(tnet_dev))->timeouts : -1;
}

/* A head buffer of 100 bytes with two more buffers on its frag_list, linearised: the bytes
 * in order, one linear buffer, the chain freed. Returns 0 or the step that failed. */
int tnet_skb_chain(unsigned char *out, unsigned *len)
{
    struct sk_buff *head = alloc_skb(128, GFP_ATOMIC), *a = alloc_skb(64, GFP_ATOMIC),
                   *b = alloc_skb(64, GFP_ATOMIC);
    if (!head || !a || !b)
        return 1;
    for (int i = 0; i < 100; i++)
        ((u8 *)skb_put(head, 1))[0] = (u8)i;
    for (int i = 0; i < 50; i++) {
        ((u8 *)skb_put(a, 1))[0] = (u8)(100 + i);
        ((u8 *)skb_put(b, 1))[0] = (u8)(150 + i);
    }
    skb_shinfo(head)->frag_list = a;
    a->next = b;
    head->len += a->len + b->len;
    head->data_len = a->len + b->len;
    if (skb_headlen(head) != 100 || !skb_is_nonlinear(head))
        return 2;
    if (skb_linearize(head) || skb_is_nonlinear(head) || skb_shinfo(head)->frag_list)
        return 3;
    *len = head->len;
    memcpy(out, head->data, head->len);
    /* pull and push move the window; pulling more than there is is refused */
    if (!skb_pull(head, 14) || head->len != 186 || skb_pull(head, 1000))
        return 4;
    if (skb_push(head, 14) != head->head || head->len != 200)
        return 5;
    kfree_skb(head);
    return 0;
}

/* kfree_skb twice: the second is reported (K7), not followed into freed memory. */
void tnet_skb_double_free(void)
{
    struct sk_buff *skb = alloc_skb(64, GFP_ATOMIC);
    kfree_skb(skb);
    kfree_skb(skb);
}
