/* Socket buffers (linux/skbuff.h): allocation from the kernel heap, the data window, lists and
 * linearising, written from the kernel's documentation of sk_buff. The head buffer is one
 * kmalloc object holding the data area and skb_shared_info after it, so a buffer of up to
 * a page less the shared info starts on a page boundary (kmalloc's power-of-two classes are
 * naturally aligned), as drivers that hand skb->data to a device page by page expect. */
#include <stdio.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/skbuff.h>

struct sk_buff *ks_alloc_skb(unsigned int size, gfp_t gfp, const char *owner, const char *file,
                             int line)
{
    struct sk_buff *skb = ks_kmalloc(sizeof(*skb), gfp | __GFP_ZERO, owner, file, line);
    if (!skb)
        return NULL;
    unsigned int data = SKB_DATA_ALIGN(size);
    u8 *head = ks_kmalloc(data + sizeof(struct skb_shared_info), gfp, owner, file, line);
    if (!head) {
        ks_kfree(skb, file, line);
        return NULL;
    }
    skb->head = skb->data = head;
    skb->tail = 0;
    skb->end = data;
    skb->users = 1;
    skb->mac_header = (__u16)~0U;
    skb->transport_header = (__u16)~0U;
    skb->truesize = SKB_TRUESIZE(data);
    skb->ks_owner = owner;
    memset(skb_shinfo(skb), 0, sizeof(struct skb_shared_info));
    return skb;
}

void ks_kfree_skb(struct sk_buff *skb, const char *file, int line)
{
    while (skb) {
        /* a pointer that is not a live sk_buff (freed already, or a cookie a back-end made up)
         * is reported, never followed */
        if (ks_ksize(skb) != sizeof(*skb)) {
            ks_report(KS_BAD_FREE, file, line, "kfree_skb of %p, which is not a live sk_buff",
                      (void *)skb);
            return;
        }
        if (--skb->users > 0)
            return;
        struct skb_shared_info *sh = skb_shinfo(skb);
        struct sk_buff *chain = sh->frag_list;
        /* no shim call attaches page fragments, so there are no page references to drop */
        ks_kfree(skb->head, file, line);
        ks_kfree(skb, file, line);
        /* the frag_list buffers belong to the head buffer: freed with it, one by one */
        while (chain) {
            struct sk_buff *next = chain->next;
            chain->next = NULL;
            ks_kfree_skb(chain, file, line);
            chain = next;
        }
        skb = NULL;
    }
}

void *ks_skb_put(struct sk_buff *skb, unsigned int len, const char *file, int line)
{
    if (skb_is_nonlinear(skb))
        ks_bug(file, line, "skb_put on a non-linear sk_buff");
    unsigned char *tmp = skb_tail_pointer(skb);
    if ((u64)skb->tail + len > skb->end)
        ks_bug(file, line, "skb_over_panic: skb_put past the end of the buffer");
    skb->tail += len;
    skb->len += len;
    return tmp;
}

void *ks_skb_push(struct sk_buff *skb, unsigned int len, const char *file, int line)
{
    if (len > skb_headroom(skb))
        ks_bug(file, line, "skb_under_panic: skb_push before the start of the buffer");
    skb->data -= len;
    skb->len += len;
    return skb->data;
}

void *ks_skb_pull(struct sk_buff *skb, unsigned int len)
{
    /* as the kernel's: pulling more than the linear part holds is refused */
    if (len > skb->len || skb->len - len < skb->data_len)
        return NULL;
    skb->len -= len;
    skb->data += len;
    return skb->data;
}

int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len)
{
    u8 *out = to;
    if (offset < 0 || len < 0 || (unsigned)offset + (unsigned)len > skb->len)
        return -EFAULT;
    unsigned head = skb_headlen(skb);
    if ((unsigned)offset < head) {
        unsigned n =
            head - (unsigned)offset < (unsigned)len ? head - (unsigned)offset : (unsigned)len;
        memcpy(out, skb->data + offset, n);
        out += n;
        len -= (int)n;
        offset += (int)n;
    }
    unsigned pos = head;
    const struct skb_shared_info *sh = skb_shinfo(skb);
    for (unsigned i = 0; i < sh->nr_frags && len > 0; i++) {
        const skb_frag_t *f = &sh->frags[i];
        if ((unsigned)offset < pos + f->size) {
            unsigned at = (unsigned)offset - pos;
            unsigned n = f->size - at < (unsigned)len ? f->size - at : (unsigned)len;
            memcpy(out, (u8 *)page_address(f->page.p) + f->page_offset + at, n);
            out += n;
            len -= (int)n;
            offset += (int)n;
        }
        pos += f->size;
    }
    for (const struct sk_buff *c = sh->frag_list; c && len > 0; c = c->next) {
        if ((unsigned)offset < pos + c->len) {
            unsigned at = (unsigned)offset - pos;
            unsigned n = c->len - at < (unsigned)len ? c->len - at : (unsigned)len;
            if (skb_copy_bits(c, (int)at, out, (int)n) < 0)
                return -EFAULT;
            out += n;
            len -= (int)n;
            offset += (int)n;
        }
        pos += c->len;
    }
    return len == 0 ? 0 : -EFAULT;
}

int ks_skb_linearize(struct sk_buff *skb, const char *file, int line)
{
    if (!skb_is_nonlinear(skb))
        return 0;
    unsigned int data = SKB_DATA_ALIGN(skb->len);
    u8 *head =
        ks_kmalloc(data + sizeof(struct skb_shared_info), GFP_ATOMIC, skb->ks_owner, file, line);
    if (!head)
        return -ENOMEM;
    if (skb_copy_bits(skb, 0, head, (int)skb->len) < 0) {
        ks_kfree(head, file, line);
        return -EFAULT;
    }
    struct sk_buff *chain = skb_shinfo(skb)->frag_list;
    long mac = skb_mac_header_was_set(skb) ? (long)skb->mac_header - (skb->data - skb->head) : 0;
    ks_kfree(skb->head, file, line);
    while (chain) {
        struct sk_buff *next = chain->next;
        chain->next = NULL;
        ks_kfree_skb(chain, file, line);
        chain = next;
    }
    skb->head = skb->data = head;
    skb->end = data;
    skb->tail = skb->len;
    skb->data_len = 0;
    if (mac < 0)
        skb->mac_header = (__u16)~0U; /* the header was before data, not copied */
    memset(skb_shinfo(skb), 0, sizeof(struct skb_shared_info));
    return 0;
}

struct sk_buff *ks_skb_copy(const struct sk_buff *skb, gfp_t gfp, const char *owner,
                            const char *file, int line)
{
    unsigned int headroom = skb_headroom(skb);
    struct sk_buff *n = ks_alloc_skb(headroom + skb->len, gfp, owner, file, line);
    if (!n)
        return NULL;
    n->data += headroom;
    n->tail = headroom;
    memcpy(n->head, skb->head, headroom);
    if (skb_copy_bits(skb, 0, n->data, (int)skb->len) < 0) {
        ks_kfree_skb(n, file, line);
        return NULL;
    }
    n->tail += skb->len;
    n->len = skb->len;
    n->dev = skb->dev;
    n->protocol = skb->protocol;
    n->pkt_type = skb->pkt_type;
    n->ip_summed = skb->ip_summed;
    n->mac_header = skb->mac_header;
    n->network_header = skb->network_header;
    n->transport_header = skb->transport_header;
    return n;
}

void skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk)
{
    unsigned long flags;
    spin_lock_irqsave(&list->lock, flags);
    __skb_queue_head(list, newsk);
    spin_unlock_irqrestore(&list->lock, flags);
}

void skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk)
{
    unsigned long flags;
    spin_lock_irqsave(&list->lock, flags);
    __skb_queue_tail(list, newsk);
    spin_unlock_irqrestore(&list->lock, flags);
}

struct sk_buff *skb_dequeue(struct sk_buff_head *list)
{
    unsigned long flags;
    spin_lock_irqsave(&list->lock, flags);
    struct sk_buff *skb = __skb_dequeue(list);
    spin_unlock_irqrestore(&list->lock, flags);
    return skb;
}

void ks_skb_unlink(struct sk_buff *skb, struct sk_buff_head *list, const char *file, int line)
{
    unsigned long flags;
    spin_lock_irqsave(&list->lock, flags);
    struct sk_buff *s;
    int found = 0;
    skb_queue_walk(list, s)
    {
        if (s == skb) {
            found = 1;
            break;
        }
    }
    /* A kernel with CONFIG_DEBUG_LIST warns about the corrupt entry and skips the deletion. */
    if (found)
        __skb_unlink(skb, list);
    spin_unlock_irqrestore(&list->lock, flags);
    if (!found)
        ks_warn(file, line, "list_del corruption: skb_unlink of an sk_buff not on the list");
}

void ks_skb_queue_purge(struct sk_buff_head *list, const char *file, int line)
{
    struct sk_buff *skb;
    while ((skb = skb_dequeue(list)))
        ks_kfree_skb(skb, file, line);
}
