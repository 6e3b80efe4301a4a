/* Socket buffers (the kernel's <linux/skbuff.h>, as documented there and in
 * Documentation/networking): a head buffer [head, end) with the data window [data, tail),
 * skb_shared_info after `end` (page fragments and a frag_list of further buffers), and the
 * lists drivers keep them on. Offsets of tail and end are from head, as on 64-bit kernels.
 * Head buffers come from the kernel heap (kmalloc), so their guest-physical address is real;
 * the allocation is charged to the module that asked for it (leak reports at unload, K5). */
#ifndef _LINUX_SKBUFF_H
#define _LINUX_SKBUFF_H
#include "kshim/types.h"
#include <asm/page.h>
#include <linux/gfp.h>
#include <linux/if_ether.h>
#include <linux/mm_types.h>
#include <linux/spinlock.h>
#include <linux/string.h>

struct net_device;
struct sock;

typedef unsigned int sk_buff_data_t;
typedef __u32 __wsum; /* a partial checksum (linux/types.h); C11 allows the repeat */

/* ip_summed */
#define CHECKSUM_NONE        0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_COMPLETE    2
#define CHECKSUM_PARTIAL     3

/* pkt_type, set by eth_type_trans (the kernel's <uapi/linux/if_packet.h>) */
#define PACKET_HOST      0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3
#define PACKET_OUTGOING  4
#define PACKET_LOOPBACK  5

#define MAX_SKB_FRAGS 17

struct skb_frag_struct {
    struct {
        struct page *p;
    } page;
    __u32 page_offset;
    __u32 size;
};
typedef struct skb_frag_struct skb_frag_t;

struct sk_buff {
    /* first two members in this order: an sk_buff_head is a list head of sk_buffs */
    struct sk_buff *next;
    struct sk_buff *prev;
    struct net_device *dev;
    struct sock *sk;
    unsigned int len;      /* bytes of data: linear part plus data_len */
    unsigned int data_len; /* bytes in frags and frag_list */
    __u16 mac_len;
    __u8 pkt_type;
    __u8 ip_summed;
    __be16 protocol;
    __u16 transport_header; /* offsets from head; 0xffff: not set */
    __u16 network_header;
    __u16 mac_header;
    __u32 priority;
    __u32 mark;
    __wsum csum;
    sk_buff_data_t tail;
    sk_buff_data_t end;
    unsigned char *head;
    unsigned char *data;
    unsigned int truesize;
    int users;
    /* shim: the module charged with the head buffer (alloc site for leak reports) */
    const char *ks_owner;
};

struct skb_shared_info {
    __u8 nr_frags;
    __u8 tx_flags;
    unsigned short gso_size;
    unsigned short gso_segs;
    unsigned int gso_type;
    struct sk_buff *frag_list;
    skb_frag_t frags[MAX_SKB_FRAGS];
};

struct sk_buff_head {
    struct sk_buff *next;
    struct sk_buff *prev;
    __u32 qlen;
    spinlock_t lock;
};

#define SKB_DATA_ALIGN(x) (((x) + 63u) & ~63u)
#define SKB_TRUESIZE(x)                                                                            \
    ((x) + SKB_DATA_ALIGN(sizeof(struct sk_buff)) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define NET_SKB_PAD  64
#define NET_IP_ALIGN 0

struct sk_buff *ks_alloc_skb(unsigned int size, gfp_t gfp, const char *owner, const char *file,
                             int line);
void ks_kfree_skb(struct sk_buff *skb, const char *file, int line);
int ks_skb_linearize(struct sk_buff *skb, const char *file, int line);
struct sk_buff *ks_skb_copy(const struct sk_buff *skb, gfp_t gfp, const char *owner,
                            const char *file, int line);

#define alloc_skb(size, gfp) ks_alloc_skb(size, gfp, KBUILD_MODNAME, __FILE__, __LINE__)
#define dev_alloc_skb(size)                                                                        \
    ks_alloc_skb((size) + NET_SKB_PAD, GFP_ATOMIC, KBUILD_MODNAME, __FILE__, __LINE__)
#define kfree_skb(skb)           ks_kfree_skb(skb, __FILE__, __LINE__)
#define consume_skb(skb)         ks_kfree_skb(skb, __FILE__, __LINE__)
#define dev_kfree_skb(skb)       ks_kfree_skb(skb, __FILE__, __LINE__)
#define dev_kfree_skb_any(skb)   ks_kfree_skb(skb, __FILE__, __LINE__)
#define dev_kfree_skb_irq(skb)   ks_kfree_skb(skb, __FILE__, __LINE__)
#define dev_consume_skb_any(skb) ks_kfree_skb(skb, __FILE__, __LINE__)
#define skb_linearize(skb)       ks_skb_linearize(skb, __FILE__, __LINE__)
#define skb_copy(skb, gfp)       ks_skb_copy(skb, gfp, KBUILD_MODNAME, __FILE__, __LINE__)

static inline unsigned char *skb_end_pointer(const struct sk_buff *skb)
{
    return skb->head + skb->end;
}
static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
    return skb->head + skb->tail;
}
static inline void skb_reset_tail_pointer(struct sk_buff *skb)
{
    skb->tail = (sk_buff_data_t)(skb->data - skb->head);
}
static inline void skb_set_tail_pointer(struct sk_buff *skb, const int offset)
{
    skb_reset_tail_pointer(skb);
    skb->tail += (sk_buff_data_t)offset;
}
#define skb_shinfo(skb) ((struct skb_shared_info *)skb_end_pointer(skb))

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
    return skb->len - skb->data_len;
}
static inline bool skb_is_nonlinear(const struct sk_buff *skb)
{
    return skb->data_len != 0;
}
static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
    return (unsigned int)(skb->data - skb->head);
}
static inline int skb_tailroom(const struct sk_buff *skb)
{
    return skb_is_nonlinear(skb) ? 0 : (int)(skb->end - skb->tail);
}
static inline struct page *skb_frag_page(const skb_frag_t *frag)
{
    return frag->page.p;
}
static inline unsigned int skb_frag_size(const skb_frag_t *frag)
{
    return frag->size;
}

/* skb_put, skb_push, skb_pull, skb_reserve: the data window moves inside the head buffer;
 * going past either end is the kernel's skb_over_panic/skb_under_panic (a BUG, K9). */
void *ks_skb_put(struct sk_buff *skb, unsigned int len, const char *file, int line);
void *ks_skb_push(struct sk_buff *skb, unsigned int len, const char *file, int line);
void *ks_skb_pull(struct sk_buff *skb, unsigned int len);
#define skb_put(skb, len)  ks_skb_put(skb, len, __FILE__, __LINE__)
#define skb_push(skb, len) ks_skb_push(skb, len, __FILE__, __LINE__)
#define skb_pull(skb, len) ks_skb_pull(skb, len)
static inline void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len)
{
    void *p = skb_put(skb, len);
    memcpy(p, data, len);
    return p;
}
static inline void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
    void *p = skb_put(skb, len);
    memset(p, 0, len);
    return p;
}
static inline void skb_reserve(struct sk_buff *skb, int len)
{
    skb->data += len;
    skb->tail += (sk_buff_data_t)len;
}
static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
    if (skb->len > len && !skb_is_nonlinear(skb)) {
        skb->len = len;
        skb_set_tail_pointer(skb, (int)len);
    }
}

/* header offsets */
static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
    return skb->head + skb->mac_header;
}
static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
    return skb->head + skb->network_header;
}
static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
    return skb->head + skb->transport_header;
}
static inline void skb_reset_mac_header(struct sk_buff *skb)
{
    skb->mac_header = (__u16)(skb->data - skb->head);
}
static inline void skb_reset_network_header(struct sk_buff *skb)
{
    skb->network_header = (__u16)(skb->data - skb->head);
}
static inline void skb_reset_transport_header(struct sk_buff *skb)
{
    skb->transport_header = (__u16)(skb->data - skb->head);
}
static inline void skb_set_network_header(struct sk_buff *skb, const int offset)
{
    skb_reset_network_header(skb);
    skb->network_header = (__u16)(skb->network_header + offset);
}
static inline bool skb_mac_header_was_set(const struct sk_buff *skb)
{
    return skb->mac_header != (__u16)~0U;
}

/* ---- lists (the caller serialises, or the *_lock'ed forms take list->lock) ---- */
static inline void skb_queue_head_init(struct sk_buff_head *list)
{
    spin_lock_init(&list->lock);
    list->prev = list->next = (struct sk_buff *)list;
    list->qlen = 0;
}
#define __skb_queue_head_init(list)                                                                \
    do {                                                                                           \
        (list)->prev = (list)->next = (struct sk_buff *)(list);                                    \
        (list)->qlen = 0;                                                                          \
    } while (0)
static inline __u32 skb_queue_len(const struct sk_buff_head *list)
{
    return list->qlen;
}
static inline int skb_queue_empty(const struct sk_buff_head *list)
{
    return list->next == (const struct sk_buff *)list;
}
static inline struct sk_buff *skb_peek(const struct sk_buff_head *list)
{
    struct sk_buff *skb = list->next;
    return skb == (const struct sk_buff *)list ? NULL : skb;
}
static inline void __skb_insert(struct sk_buff *newsk, struct sk_buff *prev, struct sk_buff *next,
                                struct sk_buff_head *list)
{
    newsk->next = next;
    newsk->prev = prev;
    next->prev = prev->next = newsk;
    list->qlen++;
}
static inline void __skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk)
{
    __skb_insert(newsk, (struct sk_buff *)list, list->next, list);
}
static inline void __skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk)
{
    __skb_insert(newsk, list->prev, (struct sk_buff *)list, list);
}
static inline void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *list)
{
    struct sk_buff *next = skb->next, *prev = skb->prev;
    list->qlen--;
    skb->next = skb->prev = NULL;
    next->prev = prev;
    prev->next = next;
}
static inline struct sk_buff *__skb_dequeue(struct sk_buff_head *list)
{
    struct sk_buff *skb = skb_peek(list);
    if (skb)
        __skb_unlink(skb, list);
    return skb;
}
void skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk);
void skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk);
struct sk_buff *skb_dequeue(struct sk_buff_head *list);
/* Unlinking an sk_buff that is not on `list` corrupts the list in the kernel; here it is a
 * K7-class finding and the list is left alone. */
void ks_skb_unlink(struct sk_buff *skb, struct sk_buff_head *list, const char *file, int line);
#define skb_unlink(skb, list) ks_skb_unlink(skb, list, __FILE__, __LINE__)
void ks_skb_queue_purge(struct sk_buff_head *list, const char *file, int line);
#define skb_queue_purge(list)   ks_skb_queue_purge(list, __FILE__, __LINE__)
#define __skb_queue_purge(list) ks_skb_queue_purge(list, __FILE__, __LINE__)
#define skb_queue_walk(queue, skb)                                                                 \
    for (skb = (queue)->next; skb != (struct sk_buff *)(queue); skb = skb->next)
#define skb_queue_walk_safe(queue, skb, tmp)                                                       \
    for (skb = (queue)->next, tmp = skb->next; skb != (struct sk_buff *)(queue);                   \
         skb = tmp, tmp = skb->next)

/* Copy len bytes from offset of the packet (linear part, page frags, then frag_list). */
int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len);

#endif
