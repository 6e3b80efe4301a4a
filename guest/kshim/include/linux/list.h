#ifndef _LINUX_LIST_H
#define _LINUX_LIST_H
#include "kshim/types.h"
/* Circular doubly linked lists with the kernel's names and semantics. */
struct list_head {
    struct list_head *next, *prev;
};
struct hlist_node {
    struct hlist_node *next, **pprev;
};
struct hlist_head {
    struct hlist_node *first;
};
#define LIST_HEAD_INIT(name)                                                                       \
    {                                                                                              \
        &(name), &(name)                                                                           \
    }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l)
{
    l->next = l;
    l->prev = l;
}
static inline void __list_link(struct list_head *n, struct list_head *prev, struct list_head *next)
{
    next->prev = n;
    n->next = next;
    n->prev = prev;
    prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *head)
{
    __list_link(n, head, head->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
    __list_link(n, head->prev, head);
}
static inline void __list_unlink(struct list_head *e)
{
    e->next->prev = e->prev;
    e->prev->next = e->next;
}
/* Poisoned like the kernel's, so a use after list_del faults instead of corrupting. */
#define LIST_POISON1 ((struct list_head *)0x100)
#define LIST_POISON2 ((struct list_head *)0x122)
static inline void list_del(struct list_head *e)
{
    __list_unlink(e);
    e->next = LIST_POISON1;
    e->prev = LIST_POISON2;
}
static inline void list_del_init(struct list_head *e)
{
    __list_unlink(e);
    INIT_LIST_HEAD(e);
}
static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
    __list_unlink(e);
    list_add_tail(e, head);
}
static inline void list_move(struct list_head *e, struct list_head *head)
{
    __list_unlink(e);
    list_add(e, head);
}
static inline int list_empty(const struct list_head *head)
{
    return READ_ONCE(head->next) == head;
}
static inline int list_is_last(const struct list_head *e, const struct list_head *head)
{
    return e->next == head;
}
static inline void list_splice_tail_init(struct list_head *list, struct list_head *head)
{
    if (list_empty(list))
        return;
    struct list_head *first = list->next, *last = list->prev, *at = head->prev;
    first->prev = at;
    at->next = first;
    last->next = head;
    head->prev = last;
    INIT_LIST_HEAD(list);
}
#define list_entry(ptr, type, member)       container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member)  list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member)                                                \
    (list_empty(ptr) ? NULL : list_first_entry(ptr, type, member))
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each(pos, head)     for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head)                                                           \
    for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)
#define list_for_each_entry(pos, head, member)                                                     \
    for (pos = list_first_entry(head, __typeof__(*pos), member); &pos->member != (head);           \
         pos = list_next_entry(pos, member))
#define list_for_each_entry_continue(pos, head, member)                                            \
    for (pos = list_next_entry(pos, member); &pos->member != (head);                               \
         pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                                             \
    for (pos = list_first_entry(head, __typeof__(*pos), member), n = list_next_entry(pos, member); \
         &pos->member != (head); pos = n, n = list_next_entry(n, member))
#endif
