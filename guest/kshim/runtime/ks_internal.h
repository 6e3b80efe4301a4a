/* Private state of the kernel shim runtime. */
#ifndef KS_INTERNAL_H
#define KS_INTERNAL_H

#include "cs_exec.h"
#include "cs_machine.h"
#include "kshim/kernel.h"
#include "kshim/ks.h"
#include "kshim/visor.h"
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#define KS_MAX_HELD            16
#define KS_MAX_FINDING_RECORDS 1024

/* What one context holds. A task owns one for its life; an activation gets a fresh one. */
struct ks_held {
    const void *lock;
    const char *file;
    int line;
};

struct ks_ctx_state {
    enum ks_ctx ctx;
    struct ks_kernel *k;
    struct task_struct *task; /* tasks only */
    int irqs_off;
    struct ks_held held[KS_MAX_HELD];
    int nheld;
    const char *what; /* activation kind, for messages */
};

struct ks_alloc; /* ks_mem.c */
struct ks_dma_map;

struct ks_misc_node {
    struct miscdevice *misc;
    struct list_head node;
};

struct ks_irq_binding {
    irq_handler_t handler;
    void *dev;
    const char *name;
    int disable_depth;
    struct ks_kernel *k;
};

struct ks_kernel {
    char name[48];
    struct cs_domain *dom;
    struct cs_machine *m;
    uint16_t channel;
    int console_level;
    int log_level; /* messages above it (pr_debug) are dropped unformatted */
    /* memory: heap [heap_lo, heap_hi) of the domain's memory in pages and small blocks */
    struct ks_mem *mem;
    struct page *pages; /* one per page of guest memory */
    u64 npages;
    u64 user_lo, user_hi, user_next; /* user-process memory */
    /* findings */
    struct ks_finding_record *findings;
    size_t nfindings, capfindings;
    u64 counts[KS_FINDING_KINDS];
    u64 log_lines;
    int panicked; /* after a panic (K12) none of the kernel's contexts runs again */
    /* devices and modules */
    struct list_head misc;
    struct list_head dma_maps;
    struct ks_irq_binding *irqs;
    unsigned nirqs;
    struct workqueue_struct *sys_wq;
    struct list_head tasks;      /* every task_struct of this kernel (ks_task_new) */
    struct list_head workqueues; /* every workqueue not yet destroyed */
    struct list_head uprocs;     /* every simulated user process */
    char loaded[32][48];
    int nloaded;
    int next_pid;
    /* POWER platform (ks_vio.c) */
    ks_hcall_fn hcall_fn;
    void *hcall_ctx;
    struct bus_type *vio_bus; /* created with the first VIO device or driver */
    /* s390 (ks_css.c, ks_vfio.c, ks_mdev.c) */
    struct ks_css *css;
    struct ks_vfio_core *vfio;
    struct ks_mdev_core *mdev;
    /* x86 platform (ks_x86.c) */
    ks_vmcall_fn vmcall_fn;
    void *vmcall_ctx;
    int cpuid_vendor_set;
    uint32_t cpuid_leaf, cpuid_regs[3];
    struct bus_type *acpi_bus; /* created with the first ACPI device or driver */
    /* network core (ks_net.c), created on first use */
    struct ks_net *net;
};

/* The context running now. Never NULL: plain C callers (a family attaching, a test) get a
 * "setup" task context that may allocate but not sleep. */
struct ks_ctx_state *ks_state(void);
struct ks_kernel *ks_kernel_of_state(void);

/* Run fn(arg) as an activation of kind ctx in kernel k, checking on return that it released
 * every lock and restored interrupts (K2, K4). */
void ks_run_activation(struct ks_kernel *k, enum ks_ctx ctx, const char *what, void (*fn)(void *),
                       void *arg);
/* Schedule fn(arg) as an activation `delay_ns` from now. If the kernel is destroyed before it
 * runs, release(arg) is called instead (NULL: nothing to release). */
void ks_defer(struct ks_kernel *k, enum ks_ctx ctx, const char *what, u64 delay_ns,
              void (*fn)(void *), void *arg, void (*release)(void *arg));

/* A task of kernel k running fn(data) in a new thread. */
struct task_struct *ks_task_new(struct ks_kernel *k, const char *name, int (*fn)(void *),
                                void *data);
void ks_task_start(struct task_struct *t);
int ks_wake_task(struct task_struct *t);
/* At kernel destruction: free every task, workqueue and user process of k, whatever it is
 * doing; a task still blocked is never resumed (the run is over), its guest code never runs
 * again. */
void ks_tasks_release(struct ks_kernel *k);
void ks_workqueues_release(struct ks_kernel *k);
void ks_uprocs_release(struct ks_kernel *k);

/* Memory (ks_mem.c). */
int ks_mem_init(struct ks_kernel *k, cs_error *err);
void ks_mem_release(struct ks_kernel *k);
void ks_mem_report_leaks(struct ks_kernel *k, const char *module);
void ks_mem_check_freed(struct ks_kernel *k);
void ks_mem_stats(const struct ks_kernel *k, uint64_t *live, uint64_t *bytes);
struct ks_kernel *ks_kernel_for_addr(const void *p);
void ks_kernel_register(struct ks_kernel *k);
void ks_kernel_unregister(struct ks_kernel *k);
int ks_dma_report_leaks(struct ks_kernel *k, const char *module);

/* Oops and panic (ks_oops.c). The guest kernel context running now (a kernel task or an
 * activation), NULL in plain C and in contexts that are not a kernel's. */
struct ks_ctx_state *ks_guest_context(void);
/* Kill the running context as an oops does: a task is parked for good, an activation is
 * abandoned; returns only outside any context. */
void ks_context_die(void);
/* Catch CPU exceptions in guest context from now on (once per process). */
void ks_oops_install(void);
/* Run fn(arg) on the interrupt stack when `switch_stack` (the outermost activation), else on
 * the current one. */
void ks_call_on_irq_stack(void (*fn)(void *), void *arg, int switch_stack);

/* Is a message of this printk level kept by the current kernel? */
int ks_log_enabled(int level);

/* A source path as findings show it (kernel-relative for upstream files). */
const char *ks_display_path(const char *file);

/* Locks held by the current context: for K1 messages. */
const char *ks_held_summary(const struct ks_ctx_state *s, char *buf, size_t len);
void ks_check_context_exit(struct ks_ctx_state *s, const char *what);

/* Misc devices (ks_misc.c). */
struct miscdevice *ks_misc_find(struct ks_kernel *k, const char *path);
/* The process's open files: put a new file in the lowest free slot (its fd, or -EMFILE), and
 * the file behind an fd (NULL if none). */
int ks_uproc_install(struct ks_uproc *p, struct file *f);
struct file *ks_uproc_file(struct ks_uproc *p, int fd);
/* At kernel destruction, a file a process still has open: an eventfd's context is the
 * shim's and loses the file's reference. */
void ks_eventfd_drop_file(struct file *f);
/* The process whose task is running, NULL in any other context. */
struct ks_uproc *ks_uproc_current(void);
/* Is [u, u+n) inside one buffer of process p (ks_umalloc)? */
int ks_uproc_owns(struct ks_uproc *p, const void *u, size_t n);

/* Run fn(arg) in kernel k's context. From plain C (before or between runs, or a model's
 * activation) it runs now in k's setup context: it may allocate, and calls that would sleep
 * return at once. From a task or activation of another kernel it runs later, in a new task
 * of k. Returns 1 when it ran now. */
int ks_run_in_kernel(struct ks_kernel *k, const char *name, void (*fn)(void *), void *arg);

/* VIO bus and device nodes (ks_vio.c): released with the kernel. */
void ks_vio_release(struct ks_kernel *k);
/* s390 channel subsystem, VFIO core and mediated devices: released with the kernel. */
void ks_css_release(struct ks_kernel *k);
void ks_vfio_release(struct ks_kernel *k);
/* ACPI devices (ks_x86.c): released with the kernel. */
void ks_x86_release(struct ks_kernel *k);

/* Network core (ks_net.c) and the user nodes of network devices (ks_net_user.c). */
struct net_device;
struct sk_buff;
void ks_net_release(struct ks_kernel *k);
struct net_device *ks_dev_get_by_index(struct ks_kernel *k, int ifindex);
int ks_net_xmit_one(struct net_device *dev, struct sk_buff *skb);
extern const struct file_operations ks_net_user_fops;
int ks_net_deliver(struct net_device *dev, struct sk_buff *skb);
void ks_net_wake_files(struct net_device *dev);
void ks_net_detach_files(struct net_device *dev);

#endif
