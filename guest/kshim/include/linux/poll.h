#ifndef _LINUX_POLL_H
#define _LINUX_POLL_H
#include "kshim/types.h"
struct file;
struct wait_queue_head;
typedef struct poll_table_struct {
    void (*_qproc)(struct file *f, struct wait_queue_head *wq, struct poll_table_struct *pt);
    __poll_t _key;
} poll_table;
static inline void poll_wait(struct file *f, struct wait_queue_head *wq, poll_table *pt)
{
    if (pt && pt->_qproc && wq)
        pt->_qproc(f, wq, pt);
}
#define POLLIN      0x0001
#define POLLPRI     0x0002
#define POLLOUT     0x0004
#define POLLERR     0x0008
#define POLLHUP     0x0010
#define POLLNVAL    0x0020
#define POLLRDNORM  0x0040
#define POLLRDBAND  0x0080
#define POLLWRNORM  0x0100
#define EPOLLIN     POLLIN
#define EPOLLOUT    POLLOUT
#define EPOLLERR    POLLERR
#define EPOLLHUP    POLLHUP
#define EPOLLPRI    POLLPRI
#define EPOLLRDNORM POLLRDNORM
#define EPOLLWRNORM POLLWRNORM
#endif
