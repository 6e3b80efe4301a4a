#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H
#include <linux/list.h>
#include <linux/timer.h>
struct workqueue_struct;
struct work_struct;
typedef void (*work_func_t)(struct work_struct *w);
/* Work items run in a worker task of their workqueue (so they may sleep), in queueing order. */
struct work_struct {
    struct list_head entry;
    work_func_t func;
    unsigned long ks_pending;
    int ks_running;
    struct workqueue_struct *ks_wq;
};
struct delayed_work {
    struct work_struct work;
    struct timer_list timer;
    struct workqueue_struct *wq;
};
#define INIT_WORK(w, f)                                                                            \
    do {                                                                                           \
        INIT_LIST_HEAD(&(w)->entry);                                                               \
        (w)->func = (f);                                                                           \
        (w)->ks_pending = 0;                                                                       \
        (w)->ks_running = 0;                                                                       \
        (w)->ks_wq = NULL;                                                                         \
    } while (0)
void ks_init_delayed_work(struct delayed_work *dw, work_func_t f);
#define INIT_DELAYED_WORK(dw, f) ks_init_delayed_work(dw, f)
#define to_delayed_work(w)       container_of(w, struct delayed_work, work)

#define WQ_UNBOUND     0x2
#define WQ_MEM_RECLAIM 0x8
#define WQ_HIGHPRI     0x10
#define WQ_FREEZABLE   0x4
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
    __attribute__((format(printf, 1, 4)));
#define alloc_ordered_workqueue(fmt, flags, ...) alloc_workqueue(fmt, flags, 1, ##__VA_ARGS__)
#define create_singlethread_workqueue(name)      alloc_workqueue("%s", 0, 1, name)
#define create_workqueue(name)                   alloc_workqueue("%s", 0, 1, name)
void destroy_workqueue(struct workqueue_struct *wq);
void ks_flush_workqueue(struct workqueue_struct *wq, const char *file, int line);
#define flush_workqueue(wq) ks_flush_workqueue(wq, __FILE__, __LINE__)
struct workqueue_struct *ks_system_wq(void);
#define system_wq           ks_system_wq()
#define system_long_wq      ks_system_wq()
#define system_unbound_wq   ks_system_wq()
#define system_highpri_wq   ks_system_wq()
#define system_freezable_wq ks_system_wq()
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay);
#define schedule_work(w)             queue_work(system_wq, w)
#define schedule_delayed_work(dw, d) queue_delayed_work(system_wq, dw, d)
bool ks_flush_work(struct work_struct *w, const char *file, int line);
bool ks_cancel_work_sync(struct work_struct *w, const char *file, int line);
bool cancel_delayed_work(struct delayed_work *dw);
bool ks_cancel_delayed_work_sync(struct delayed_work *dw, const char *file, int line);
#define flush_work(w)                ks_flush_work(w, __FILE__, __LINE__)
#define cancel_work_sync(w)          ks_cancel_work_sync(w, __FILE__, __LINE__)
#define cancel_delayed_work_sync(dw) ks_cancel_delayed_work_sync(dw, __FILE__, __LINE__)
#define flush_delayed_work(dw)       ks_flush_work(&(dw)->work, __FILE__, __LINE__)
#define work_pending(w)              ((w)->ks_pending)
#define delayed_work_pending(dw)     ((dw)->work.ks_pending || (dw)->timer.ks_pending)
#endif
