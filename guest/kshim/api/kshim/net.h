/* The user side of the shim's network devices: each registered net_device is the node
 * /dev/net/<name> (eth0, eth1, ...) of its kernel, which simulated user processes use like a
 * packet socket bound to the device (docs/kernel-shim.md, "Networking"):
 *   write   one Ethernet frame (14 .. MTU + 14 bytes), handed to the driver's ndo_start_xmit
 *           as dev_queue_xmit would; while the driver keeps its transmit queue stopped the
 *           writer waits (-EAGAIN with O_NONBLOCK), so no frame is dropped for a full queue;
 *           -ENETDOWN when the device is not up, -ENODEV once it is unregistered
 *   read    one frame the stack received from the driver (netif_receive_skb), Ethernet header
 *           included, truncated to the buffer; blocks unless O_NONBLOCK
 *   poll    POLLIN: a frame is waiting; POLLOUT: the device is up and its queue running
 *   ioctl   KS_NET_IOC_UP (dev_open/dev_close), KS_NET_IOC_SET_PROMISC
 *           (dev_set_promiscuity), KS_NET_IOC_SET_MAC (dev_set_mac_address),
 *           KS_NET_IOC_SET_MTU (dev_set_mtu), KS_NET_IOC_INFO
 * Frames arrive only while some process has the node open (a packet socket's binding); at
 * most KS_NET_RXQ_MAX wait, further ones are dropped and counted in rx_dropped. Plain C with
 * fixed-width types, for scenario code. */
#ifndef KSHIM_NET_H
#define KSHIM_NET_H

#include <linux/ioctl.h>
#include <stdint.h>

#define KS_NET_RXQ_MAX 1024

struct ks_net_info {
    char name[16];
    int32_t ifindex;
    uint32_t flags; /* IFF_* */
    uint32_t mtu;
    uint8_t mac[6];
    uint8_t carrier;       /* netif_carrier_ok */
    uint8_t queue_stopped; /* netif_queue_stopped */
    uint32_t running;      /* netif_running */
    uint32_t rx_queued;    /* frames waiting for read */
    /* the driver's counters (ndo_get_stats, else dev->stats) */
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped_drv, tx_dropped_drv;
    /* the core's */
    uint64_t rx_dropped;   /* receive queue of the node full */
    uint64_t rx_unclaimed; /* received while nobody had the node open */
    uint64_t tx_busy;      /* writes that waited for a stopped queue */
    uint64_t tx_timeouts;  /* ndo_tx_timeout calls of the transmit watchdog */
    uint64_t carrier_changes;
    uint64_t napi_polls; /* NAPI poll calls of the device's instances */
};

#define KS_NET_IOC_UP          _IOW('N', 0x01, uint32_t)
#define KS_NET_IOC_SET_PROMISC _IOW('N', 0x02, uint32_t)
#define KS_NET_IOC_SET_MAC     _IOW('N', 0x03, uint8_t[6])
#define KS_NET_IOC_SET_MTU     _IOW('N', 0x04, uint32_t)
#define KS_NET_IOC_INFO        _IOR('N', 0x05, struct ks_net_info)

#endif
