/* /dev/net/<name>: a registered network device as simulated user processes see it, like a
 * packet socket bound to the device (api/kshim/net.h). Each open file has its own receive
 * queue and wait queue and lives apart from the device: when the device is unregistered the
 * file only loses it (-ENODEV), so a process blocked on the file never touches freed memory. */
#include <string.h>

#include "kshim/net.h"
#include "ks_internal.h"
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

struct ks_net_file {
    struct list_head node;  /* in dev->ks_files */
    struct net_device *dev; /* NULL once the device is unregistered */
    struct sk_buff_head rxq;
    wait_queue_head_t wait;
    u64 dropped, busy;
};

void ks_net_wake_files(struct net_device *dev)
{
    struct ks_net_file *nf;
    list_for_each_entry(nf, &dev->ks_files, node) wake_up_interruptible_all(&nf->wait);
}

void ks_net_detach_files(struct net_device *dev)
{
    struct ks_net_file *nf, *t;
    list_for_each_entry_safe(nf, t, &dev->ks_files, node)
    {
        list_del_init(&nf->node);
        nf->dev = NULL;
        skb_queue_purge(&nf->rxq);
        wake_up_interruptible_all(&nf->wait);
    }
}

static int queue_frame(struct ks_net_file *nf, struct sk_buff *skb)
{
    unsigned long flags;
    spin_lock_irqsave(&nf->rxq.lock, flags);
    int full = skb_queue_len(&nf->rxq) >= KS_NET_RXQ_MAX;
    if (!full)
        __skb_queue_tail(&nf->rxq, skb);
    spin_unlock_irqrestore(&nf->rxq.lock, flags);
    if (full) {
        nf->dropped++;
        nf->dev->rx_dropped++;
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    wake_up_interruptible(&nf->wait);
    return NET_RX_SUCCESS;
}

/* netif_receive_skb's delivery: every open file gets the frame (copies for all but the last);
 * with none open no protocol takes it and it is consumed, as a frame of an unknown type. */
int ks_net_deliver(struct net_device *dev, struct sk_buff *skb)
{
    if (list_empty(&dev->ks_files)) {
        dev->ks_rx_unclaimed++;
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    struct ks_net_file *nf, *last = list_last_entry(&dev->ks_files, struct ks_net_file, node);
    list_for_each_entry(nf, &dev->ks_files, node)
    {
        if (nf == last)
            break;
        struct sk_buff *c = ks_skb_copy(skb, GFP_ATOMIC, "net", __FILE__, __LINE__);
        if (c)
            queue_frame(nf, c);
        else
            dev->rx_dropped++;
    }
    return queue_frame(last, skb);
}

static int net_open(struct inode *ino, struct file *f)
{
    (void)ino;
    struct miscdevice *misc = f->private_data;
    struct net_device *dev = container_of(misc, struct net_device, ks_misc);
    struct ks_net_file *nf = kzalloc(sizeof(*nf), GFP_KERNEL);
    if (!nf)
        return -ENOMEM;
    nf->dev = dev;
    skb_queue_head_init(&nf->rxq);
    init_waitqueue_head(&nf->wait);
    list_add_tail(&nf->node, &dev->ks_files);
    f->private_data = nf;
    return 0;
}

static int net_release(struct inode *ino, struct file *f)
{
    (void)ino;
    struct ks_net_file *nf = f->private_data;
    if (nf->dev)
        list_del(&nf->node);
    skb_queue_purge(&nf->rxq);
    kfree(nf);
    return 0;
}

static ssize_t net_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
    (void)pos;
    struct ks_net_file *nf = f->private_data;
    struct sk_buff *skb;
    while (!(skb = skb_dequeue(&nf->rxq))) {
        if (!nf->dev)
            return -ENODEV;
        if (f->f_flags & O_NONBLOCK)
            return -EAGAIN;
        int rc = wait_event_interruptible(nf->wait, !skb_queue_empty(&nf->rxq) || !nf->dev);
        if (rc)
            return rc;
    }
    /* the frame from its Ethernet header on, which eth_type_trans pulled */
    unsigned hdr = skb_mac_header_was_set(skb) && skb_mac_header(skb) <= skb->data
                       ? (unsigned)(skb->data - skb_mac_header(skb))
                       : 0;
    size_t total = hdr + skb->len, copy = total < n ? total : n;
    u8 *tmp = kmalloc(total ? total : 1, GFP_KERNEL);
    ssize_t rc = -ENOMEM;
    if (tmp) {
        memcpy(tmp, skb->data - hdr, hdr);
        rc = skb_copy_bits(skb, 0, tmp + hdr, (int)skb->len) < 0 ? -EFAULT : (ssize_t)copy;
        if (rc > 0 && copy_to_user(buf, tmp, copy))
            rc = -EFAULT;
        kfree(tmp);
    }
    kfree_skb(skb);
    return rc;
}

static ssize_t net_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
    (void)pos;
    struct ks_net_file *nf = f->private_data;
    struct net_device *dev = nf->dev;
    if (!dev)
        return -ENODEV;
    if (n < ETH_HLEN || n > (size_t)dev->mtu + dev->hard_header_len)
        return n < ETH_HLEN ? -EINVAL : -EMSGSIZE;
    if (!(dev->flags & IFF_UP))
        return -ENETDOWN;
    struct sk_buff *skb = alloc_skb((unsigned)n + NET_SKB_PAD, GFP_KERNEL);
    if (!skb)
        return -ENOBUFS;
    skb_reserve(skb, NET_SKB_PAD);
    if (copy_from_user(skb_put(skb, (unsigned)n), buf, n)) {
        kfree_skb(skb);
        return -EFAULT;
    }
    skb->dev = dev;
    skb_reset_mac_header(skb);
    skb->protocol = ((struct ethhdr *)skb->data)->h_proto;
    skb_set_network_header(skb, ETH_HLEN);
    skb->ip_summed = CHECKSUM_NONE;
    int waited = 0;
    for (;;) {
        dev = nf->dev;
        if (!dev || !(dev->flags & IFF_UP)) {
            kfree_skb(skb);
            return dev ? -ENETDOWN : -ENODEV;
        }
        if (ks_net_xmit_one(dev, skb) == NETDEV_TX_OK)
            return (ssize_t)n;
        if (!netif_queue_stopped(dev) && (dev->flags & IFF_UP) && !(f->f_flags & O_NONBLOCK)) {
            msleep(1); /* the driver said busy with its queue running: try again shortly */
            continue;
        }
        /* the queue is stopped (or the driver said busy): wait for netif_wake_queue, as a
         * socket whose send buffer is full */
        if (!waited++) {
            nf->busy++;
            dev->ks_tx_busy++;
        }
        if (f->f_flags & O_NONBLOCK) {
            kfree_skb(skb);
            return -EAGAIN;
        }
        int rc = wait_event_interruptible(nf->wait, !nf->dev || !(nf->dev->flags & IFF_UP) ||
                                                        !netif_queue_stopped(nf->dev));
        if (rc) {
            kfree_skb(skb);
            return rc;
        }
    }
}

static __poll_t net_poll(struct file *f, poll_table *pt)
{
    struct ks_net_file *nf = f->private_data;
    poll_wait(f, &nf->wait, pt);
    __poll_t mask = 0;
    if (!skb_queue_empty(&nf->rxq))
        mask |= POLLIN | POLLRDNORM;
    if (!nf->dev)
        return mask | POLLERR | POLLHUP;
    if ((nf->dev->flags & IFF_UP) && !netif_queue_stopped(nf->dev))
        mask |= POLLOUT | POLLWRNORM;
    return mask;
}

static void fill_info(struct net_device *dev, struct ks_net_info *in)
{
    memset(in, 0, sizeof(*in));
    snprintf(in->name, sizeof(in->name), "%s", dev->name);
    in->ifindex = dev->ifindex;
    in->flags = dev->flags;
    in->mtu = dev->mtu;
    memcpy(in->mac, dev->dev_addr, ETH_ALEN);
    in->carrier = netif_carrier_ok(dev);
    in->queue_stopped = netif_queue_stopped(dev);
    in->running = netif_running(dev);
    const struct net_device_stats *s =
        dev->netdev_ops->ndo_get_stats ? dev->netdev_ops->ndo_get_stats(dev) : &dev->stats;
    in->rx_packets = s->rx_packets;
    in->tx_packets = s->tx_packets;
    in->rx_bytes = s->rx_bytes;
    in->tx_bytes = s->tx_bytes;
    in->rx_dropped_drv = s->rx_dropped;
    in->tx_dropped_drv = s->tx_dropped;
    in->rx_dropped = dev->rx_dropped;
    in->rx_unclaimed = dev->ks_rx_unclaimed;
    in->tx_busy = dev->ks_tx_busy;
    in->tx_timeouts = dev->ks_tx_timeouts;
    in->carrier_changes = dev->ks_carrier_changes;
    struct napi_struct *napi;
    list_for_each_entry(napi, &dev->napi_list, dev_list) in->napi_polls += napi->ks_polls;
}

static long net_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct ks_net_file *nf = f->private_data;
    void __user *u = (void __user *)arg;
    if (!nf->dev)
        return -ENODEV;
    u32 v = 0;
    long rc = 0;
    switch (cmd) {
    case KS_NET_IOC_UP:
    case KS_NET_IOC_SET_PROMISC:
    case KS_NET_IOC_SET_MTU:
        if (copy_from_user(&v, u, sizeof(v)))
            return -EFAULT;
        rtnl_lock();
        if (!nf->dev) { /* unregistered while waiting for rtnl */
            rtnl_unlock();
            return -ENODEV;
        }
        if (cmd == KS_NET_IOC_UP && v) {
            rc = dev_open(nf->dev);
        } else if (cmd == KS_NET_IOC_UP) {
            dev_close(nf->dev);
        } else if (cmd == KS_NET_IOC_SET_MTU) {
            rc = dev_set_mtu(nf->dev, (int)v);
        } else if (v && !nf->dev->promiscuity) {
            /* a switch per device from here, not a count per file */
            rc = dev_set_promiscuity(nf->dev, 1);
        } else if (!v && nf->dev->promiscuity) {
            rc = dev_set_promiscuity(nf->dev, -nf->dev->promiscuity);
        }
        rtnl_unlock();
        return rc;
    case KS_NET_IOC_SET_MAC: {
        struct sockaddr sa = {.sa_family = nf->dev->type};
        if (copy_from_user(sa.sa_data, u, ETH_ALEN))
            return -EFAULT;
        rtnl_lock();
        rc = nf->dev ? dev_set_mac_address(nf->dev, &sa) : -ENODEV;
        rtnl_unlock();
        return rc;
    }
    case KS_NET_IOC_INFO: {
        struct ks_net_info in;
        fill_info(nf->dev, &in);
        return copy_to_user(u, &in, sizeof(in)) ? -EFAULT : 0;
    }
    default:
        return -ENOTTY;
    }
}

const struct file_operations ks_net_user_fops = {
    .open = net_open,
    .release = net_release,
    .read = net_read,
    .write = net_write,
    .poll = net_poll,
    .unlocked_ioctl = net_ioctl,
};
