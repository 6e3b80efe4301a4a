/* The kernel shim's runtime interface: what the shim headers call into. Upstream drivers never
 * use these names directly; tests and chansim's families do.
 *
 * One struct ks_kernel is one guest kernel, bound to a domain of the machine. Code runs in one
 * of three contexts: a task (kthread, workqueue worker, user process: may sleep), a softirq
 * activation (timer, tasklet) or a hardirq activation (interrupt handler). The shim tracks the
 * context and the locks each context holds, and reports driver bugs as findings (file and
 * line of the offending call) instead of crashing. */
#ifndef KSHIM_KS_H
#define KSHIM_KS_H

#include <stdarg.h>
#include <stdint.h>

struct ks_kernel;
struct task_struct;
struct cs_domain;

/* Findings: driver bugs the shim catches. IDs are in the rule catalog (family "kshim"). */
enum ks_finding {
    KS_SLEEP_IN_ATOMIC, /* K1 */
    KS_LOCK_IMBALANCE,  /* K2 */
    KS_DOUBLE_UNLOCK,   /* K3 */
    KS_IRQ_IMBALANCE,   /* K4 */
    KS_LEAK,            /* K5 */
    KS_USE_AFTER_FREE,  /* K6 */
    KS_BAD_FREE,        /* K7 */
    KS_RECURSIVE_LOCK,  /* K8 */
    KS_BUG,             /* K9 */
    KS_OOB_WRITE,       /* K10 */
    KS_OOPS,            /* K11: a CPU exception in kernel context */
    KS_PANIC,           /* K12: the stack protector's panic */
    KS_FINDING_KINDS
};

const char *ks_finding_id(enum ks_finding f);
void ks_report(enum ks_finding f, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Current context. */
enum ks_ctx { KS_CTX_TASK, KS_CTX_SOFTIRQ, KS_CTX_HARDIRQ };
enum ks_ctx ks_context(void);
struct ks_kernel *ks_current_kernel(void);
/* 0 when the current context may sleep, else why not (for findings). */
const char *ks_atomic_reason(void);
/* A call that may sleep: reports K1 when the context cannot. */
void ks_might_sleep(const char *file, int line, const char *what);

/* Simulated time. */
uint64_t ks_now_ns(void);
uint64_t ks_ns_to_cycles(uint64_t ns);

/* Kernel log: printk and dev_* end here. */
void ks_vlog(int level, const char *fmt, va_list ap);

#endif
