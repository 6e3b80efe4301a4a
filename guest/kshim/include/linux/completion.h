#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H
#include <linux/wait.h>
struct completion {
    unsigned int done;
    wait_queue_head_t wait;
};
#define COMPLETION_INITIALIZER(w)                                                                  \
    {                                                                                              \
        0, __WAIT_QUEUE_HEAD_INITIALIZER((w).wait)                                                 \
    }
#define DECLARE_COMPLETION(w)         struct completion w = COMPLETION_INITIALIZER(w)
#define DECLARE_COMPLETION_ONSTACK(w) DECLARE_COMPLETION(w)
static inline void init_completion(struct completion *c)
{
    c->done = 0;
    init_waitqueue_head(&c->wait);
}
#define reinit_completion(c) ((c)->done = 0)
void complete(struct completion *c);
void complete_all(struct completion *c);
void ks_wait_for_completion(struct completion *c, const char *file, int line);
unsigned long ks_wait_for_completion_timeout(struct completion *c, unsigned long t,
                                             const char *file, int line);
#define wait_for_completion(c)               ks_wait_for_completion(c, __FILE__, __LINE__)
#define wait_for_completion_interruptible(c) (ks_wait_for_completion(c, __FILE__, __LINE__), 0)
#define wait_for_completion_timeout(c, t)    ks_wait_for_completion_timeout(c, t, __FILE__, __LINE__)
#define completion_done(c)                   ((c)->done != 0)
#endif
