/* The guest kernel instance: contexts, findings, the kernel log, simulated time and modules. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_internal.h"
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/spinlock.h>

/* ---- contexts ------------------------------------------------------------------------- */

static struct ks_ctx_state *act_state; /* the activation running now, if any */
static sigjmp_buf *act_abort;          /* where a BUG() in that activation returns to */
static struct ks_ctx_state setup_state = {.ctx = KS_CTX_TASK, .what = "setup"};

struct ks_ctx_state *ks_state(void)
{
    struct task_struct *task = cs_thread_self_data();
    if (task)
        return task->ks_state;
    return act_state ? act_state : &setup_state;
}

struct ks_kernel *ks_kernel_of_state(void)
{
    return ks_state()->k;
}

struct ks_kernel *ks_current_kernel(void)
{
    return ks_state()->k;
}

enum ks_ctx ks_context(void)
{
    return ks_state()->ctx;
}

const char *ks_atomic_reason(void)
{
    struct ks_ctx_state *s = ks_state();
    if (s->ctx == KS_CTX_HARDIRQ)
        return "in an interrupt handler";
    if (s->ctx == KS_CTX_SOFTIRQ)
        return s->what ? s->what : "in softirq context";
    if (s->nheld)
        return "holding a spinlock";
    if (s->irqs_off)
        return "with interrupts disabled";
    if (s == &setup_state || !cs_thread_self())
        return "outside any task";
    return NULL;
}

const char *ks_held_summary(const struct ks_ctx_state *s, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->nheld && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s:%d", i ? ", " : "",
                              ks_display_path(s->held[i].file), s->held[i].line);
    return buf;
}

void ks_might_sleep(const char *file, int line, const char *what)
{
    struct ks_ctx_state *s = ks_state();
    const char *why = ks_atomic_reason();
    if (!why || s == &setup_state)
        return;
    char held[256];
    if (s->nheld)
        ks_report(KS_SLEEP_IN_ATOMIC, file, line, "%s may sleep, called %s (taken at %s)", what,
                  why, ks_held_summary(s, held, sizeof(held)));
    else
        ks_report(KS_SLEEP_IN_ATOMIC, file, line, "%s may sleep, called %s", what, why);
}

void ks_check_context_exit(struct ks_ctx_state *s, const char *what)
{
    struct ks_ctx_state *saved = act_state;
    act_state = s; /* findings are attributed to the context that ends */
    for (int i = 0; i < s->nheld; i++) {
        ks_report(KS_LOCK_IMBALANCE, s->held[i].file, s->held[i].line,
                  "lock taken here is still held when %s returns", what);
        /* A real CPU would deadlock on it next; release it so one bug is reported once. */
        spinlock_t *l = (spinlock_t *)s->held[i].lock;
        if (l->holder == s)
            l->holder = NULL;
    }
    if (s->irqs_off)
        ks_report(KS_IRQ_IMBALANCE, "?", 0, "%s returns with interrupts disabled", what);
    s->nheld = 0;
    s->irqs_off = 0;
    act_state = saved;
}

void ks_run_activation(struct ks_kernel *k, enum ks_ctx ctx, const char *what, void (*fn)(void *),
                       void *arg)
{
    if (k->panicked)
        return; /* a panicked kernel runs nothing any more */
    struct ks_ctx_state st = {.ctx = ctx, .k = k, .what = what};
    struct ks_ctx_state *prev = act_state;
    sigjmp_buf *prev_abort = act_abort, here;
    act_state = &st;
    act_abort = &here;
    ks_jiffies();
    /* 0: no signal mask, no system call. The dispatcher's activations run on the shim's
     * interrupt stack, so that one whose stack is smashed leaves the dispatcher's frames intact
     * (nested ones and those a thread runs stay on their stack: a thread may switch away). */
    if (sigsetjmp(here, 0) == 0)
        ks_call_on_irq_stack(fn, arg, prev == NULL && !cs_thread_self());
    act_abort = prev_abort;
    ks_check_context_exit(&st, what);
    act_state = prev;
}

struct ks_ctx_state *ks_guest_context(void)
{
    struct task_struct *task = cs_thread_self_data();
    if (task)
        return task->ks_state;
    return act_state;
}

void ks_context_die(void)
{
    if (cs_thread_self()) {
        cs_event *never = cs_event_new();
        for (;;)
            cs_thread_wait(never, 0);
    }
    if (act_abort)
        siglongjmp(*act_abort, 1);
}

struct in_kernel_call {
    void (*fn)(void *);
    void *arg;
};

static int in_kernel_task(void *p)
{
    struct in_kernel_call c = *(struct in_kernel_call *)p;
    free(p);
    c.fn(c.arg);
    return 0;
}

int ks_run_in_kernel(struct ks_kernel *k, const char *name, void (*fn)(void *), void *arg)
{
    struct ks_ctx_state *s = ks_state();
    if (s->k == k) {
        fn(arg);
        return 1;
    }
    if (s == &setup_state) {
        struct ks_kernel *saved = setup_state.k;
        setup_state.k = k;
        fn(arg);
        setup_state.k = saved;
        return 1;
    }
    /* Code of another kernel is running: k's part must not be attributed to it. */
    struct in_kernel_call *c = malloc(sizeof(*c));
    if (!c)
        abort();
    *c = (struct in_kernel_call){fn, arg};
    ks_task_start(ks_task_new(k, name, in_kernel_task, c));
    return 0;
}

struct deferred {
    struct ks_kernel *k;
    enum ks_ctx ctx;
    const char *what;
    void (*fn)(void *);
    void *arg;
    void (*release)(void *arg);
};

static void run_deferred(void *p)
{
    struct deferred d = *(struct deferred *)p;
    free(p);
    ks_run_activation(d.k, d.ctx, d.what, d.fn, d.arg);
}

void ks_defer(struct ks_kernel *k, enum ks_ctx ctx, const char *what, u64 delay_ns,
              void (*fn)(void *), void *arg, void (*release)(void *arg))
{
    struct deferred *d = malloc(sizeof(*d));
    if (!d)
        abort();
    *d = (struct deferred){k, ctx, what, fn, arg, release};
    cs_sched_after(k->m->sched, cs_machine_ns_to_cycles(k->m, delay_ns), run_deferred, d);
}

/* A run stopped by its time limit leaves activations of k in the machine's queue: they are
 * taken out (the queue may outlive k) and their records freed without running guest code. */
static int drop_deferred(cs_action_fn fn, void *arg, void *k)
{
    struct deferred *d = arg;
    if (fn != run_deferred || d->k != k)
        return 0;
    if (d->release)
        d->release(d->arg);
    free(d);
    return 1;
}

/* ---- findings ------------------------------------------------------------------------- */

static const char *const finding_ids[KS_FINDING_KINDS] = {"K1", "K2", "K3", "K4",  "K5",  "K6",
                                                          "K7", "K8", "K9", "K10", "K11", "K12"};

const char *ks_finding_id(enum ks_finding f)
{
    return f < KS_FINDING_KINDS ? finding_ids[f] : "K?";
}

static void log_line(struct ks_kernel *k, int level, const char *text, int console);

/* Upstream sources are compiled from the build tree's kernel-src/: name them by their kernel
 * path, as a kernel developer would. */
const char *ks_display_path(const char *file)
{
    const char *p = file ? strstr(file, "/kernel-src/") : NULL;
    return p ? p + strlen("/kernel-src/") : (file ? file : "?");
}

void ks_report(enum ks_finding f, const char *file, int line, const char *fmt, ...)
{
    struct ks_kernel *k = ks_current_kernel();
    struct ks_finding_record r = {.kind = f, .file = file, .line = line};
    /* A bug on a hot path repeats at one place thousands of times: its text is made once. */
    const struct ks_finding_record *seen = NULL;
    for (size_t i = 0; k && i < k->nfindings && !seen; i++)
        if (k->findings[i].kind == f && k->findings[i].line == line && k->findings[i].file == file)
            seen = &k->findings[i];
    if (seen) {
        memcpy(r.msg, seen->msg, sizeof(r.msg));
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r.msg, sizeof(r.msg), fmt, ap);
        va_end(ap);
    }
    if (!k) {
        fprintf(stderr, "chansim: driver finding %s %s:%d: %s\n", ks_finding_id(f), file, line,
                r.msg);
        return;
    }
    /* Every finding is counted and traced; the first KS_MAX_FINDING_RECORDS distinct ones are
     * also kept for the harness, so that a driver repeating a bug costs no memory. */
    if (!seen && k->nfindings == k->capfindings && k->capfindings < KS_MAX_FINDING_RECORDS) {
        k->capfindings = k->capfindings ? 2 * k->capfindings : 16;
        k->findings = realloc(k->findings, k->capfindings * sizeof(*k->findings));
        if (!k->findings)
            abort();
    }
    if (!seen && k->nfindings < k->capfindings)
        k->findings[k->nfindings++] = r;
    k->counts[f]++;
    k->m->driver_findings++;
    char text[512];
    if (line > 0)
        snprintf(text, sizeof(text), "driver finding %s: %s:%d: %s", ks_finding_id(f),
                 ks_display_path(file), line, r.msg);
    else /* a place without a line: a code address (K11, K12), or none known ("?") */
        snprintf(text, sizeof(text), "driver finding %s: %s: %s", ks_finding_id(f),
                 ks_display_path(file), r.msg);
    /* Every finding goes into the trace; the console shows each place once. */
    log_line(k, 3, text, !seen);
}

/* ---- kernel log ----------------------------------------------------------------------- */

static void log_line(struct ks_kernel *k, int level, const char *text, int console)
{
    k->log_lines++;
    cs_tap_log(&k->m->tap, k->channel, (uint8_t)level, "%s", text);
    if (console && level <= k->console_level) {
        uint64_t ns = cs_machine_cycles_to_ns(k->m, cs_sched_now(k->m->sched));
        fprintf(stderr, "[%5" PRIu64 ".%06" PRIu64 "] %s: %s\n", ns / 1000000000u,
                (ns / 1000u) % 1000000u, k->name, text);
    }
}

void ks_vlog(int level, const char *fmt, va_list ap)
{
    char text[1024];
    vsnprintf(text, sizeof(text), fmt, ap);
    size_t n = strlen(text);
    while (n && text[n - 1] == '\n')
        text[--n] = '\0';
    struct ks_kernel *k = ks_current_kernel();
    if (k)
        log_line(k, level, text, 1);
    else
        fprintf(stderr, "kernel: %s\n", text);
}

int printk(const char *fmt, ...)
{
    int level = LOGLEVEL_DEFAULT;
    /* KERN_<LEVEL> is "\001" followed by the digit (or 'c' for a continuation). */
    while (fmt[0] == '\001' && fmt[1]) {
        if (fmt[1] >= '0' && fmt[1] <= '7')
            level = fmt[1] - '0';
        fmt += 2;
    }
    if (!ks_log_enabled(level))
        return 0;
    va_list ap;
    va_start(ap, fmt);
    ks_vlog(level, fmt, ap);
    va_end(ap);
    return 0;
}

/* A BUG() kills what runs, as an oops kills the task: a task is parked for good, an
 * activation is abandoned (ks_run_activation's jump point). The simulation goes on and the
 * trace keeps everything. */
void ks_bug(const char *file, int line, const char *cond)
{
    ks_report(KS_BUG, file, line, "kernel BUG: %s", cond);
    ks_context_die();
    fprintf(stderr, "chansim: kernel BUG at %s:%d outside the simulation: %s\n", file, line, cond);
    abort();
}

void ks_warn(const char *file, int line, const char *cond)
{
    printk(KERN_WARNING "WARNING at %s:%d: %s", file, line, cond);
}

/* ---- time ----------------------------------------------------------------------------- */

uint64_t ks_now_ns(void)
{
    struct ks_kernel *k = ks_current_kernel();
    if (!k)
        return 0;
    return cs_machine_cycles_to_ns(k->m, cs_sched_now(k->m->sched));
}

uint64_t ks_ns_to_cycles(uint64_t ns)
{
    struct ks_kernel *k = ks_current_kernel();
    return k ? cs_machine_ns_to_cycles(k->m, ns) : ns;
}

volatile unsigned long jiffies = INITIAL_JIFFIES;

unsigned long ks_jiffies(void)
{
    /* Every context calls this when it starts or resumes: after a panic, none of the kernel's
     * goes on (__stack_chk_fail, ks_oops.c). */
    struct ks_ctx_state *g = ks_guest_context();
    if (g && g->k && g->k->panicked)
        ks_context_die();
    jiffies = INITIAL_JIFFIES + (unsigned long)(ks_now_ns() / (1000000000u / HZ));
    return jiffies;
}

/* ---- modules -------------------------------------------------------------------------- */

/* The linker collects every driver's hooks and parameters into these sections. */
extern const struct ks_module_hook __start_ks_modinit[] __attribute__((weak));
extern const struct ks_module_hook __stop_ks_modinit[] __attribute__((weak));
extern const struct ks_module_param __start_ks_modparam[] __attribute__((weak));
extern const struct ks_module_param __stop_ks_modparam[] __attribute__((weak));

static const struct ks_module_hook *find_hook(const char *module, int want_exit)
{
    for (const struct ks_module_hook *h = __start_ks_modinit; h && h < __stop_ks_modinit; h++)
        if (strcmp(h->module, module) == 0 && (want_exit ? h->exit != NULL : h->init != NULL))
            return h;
    return NULL;
}

int ks_module_exists(const char *module)
{
    return find_hook(module, 0) || find_hook(module, 1);
}

int ks_module_param_set(struct ks_kernel *k, const char *module, const char *param,
                        const char *value, cs_error *err)
{
    (void)k;
    for (const struct ks_module_param *p = __start_ks_modparam; p && p < __stop_ks_modparam; p++) {
        if (strcmp(p->module, module) != 0 || strcmp(p->name, param) != 0)
            continue;
        char *end = NULL;
        long long v = 0;
        if (p->type != KS_PARAM_CHARP && p->type != KS_PARAM_BOOL) {
            v = strtoll(value, &end, 0);
            if (!*value || *end)
                return cs_error_set(err, "module %s: parameter %s: '%s' is not a number", module,
                                    param, value);
        }
        switch (p->type) {
        case KS_PARAM_INT:
            *(int *)p->ptr = (int)v;
            break;
        case KS_PARAM_UINT:
            *(unsigned *)p->ptr = (unsigned)v;
            break;
        case KS_PARAM_ULONG:
            *(unsigned long *)p->ptr = (unsigned long)v;
            break;
        case KS_PARAM_USHORT:
            *(unsigned short *)p->ptr = (unsigned short)v;
            break;
        case KS_PARAM_BYTE:
            *(unsigned char *)p->ptr = (unsigned char)v;
            break;
        case KS_PARAM_BOOL:
            if (!strcmp(value, "1") || !strcmp(value, "Y") || !strcmp(value, "y") ||
                !strcmp(value, "true"))
                *(bool *)p->ptr = true;
            else if (!strcmp(value, "0") || !strcmp(value, "N") || !strcmp(value, "n") ||
                     !strcmp(value, "false"))
                *(bool *)p->ptr = false;
            else
                return cs_error_set(err, "module %s: parameter %s: '%s' is not a boolean", module,
                                    param, value);
            break;
        case KS_PARAM_CHARP:
            *(const char **)p->ptr = strdup(value);
            break;
        }
        return 0;
    }
    return cs_error_set(err, "module %s has no parameter '%s'", module, param);
}

static int is_loaded(struct ks_kernel *k, const char *module)
{
    for (int i = 0; i < k->nloaded; i++)
        if (strcmp(k->loaded[i], module) == 0)
            return i;
    return -1;
}

int ks_module_load(struct ks_kernel *k, const char *module)
{
    if (is_loaded(k, module) >= 0)
        return -EEXIST;
    if (!ks_module_exists(module) || k->nloaded == (int)ARRAY_SIZE(k->loaded))
        return -ENOENT;
    const struct ks_module_hook *h = find_hook(module, 0);
    int rc = h ? h->init() : 0;
    if (rc == 0)
        snprintf(k->loaded[k->nloaded++], sizeof(k->loaded[0]), "%s", module);
    else
        printk(KERN_WARNING "module %s: init failed: %d", module, rc);
    return rc;
}

int ks_module_unload(struct ks_kernel *k, const char *module)
{
    int i = is_loaded(k, module);
    if (i < 0)
        return -ENOENT;
    const struct ks_module_hook *h = find_hook(module, 1);
    if (h)
        h->exit();
    memmove(k->loaded[i], k->loaded[i + 1], (size_t)(k->nloaded - i - 1) * sizeof(k->loaded[0]));
    k->nloaded--;
    ks_mem_check_freed(k);
    ks_mem_report_leaks(k, module);
    ks_dma_report_leaks(k, module);
    return 0;
}

/* ---- the kernel ----------------------------------------------------------------------- */

int ks_kernel_create(struct cs_domain *dom, const char *name, struct ks_kernel **out, cs_error *err)
{
    *out = NULL;
    struct ks_kernel *k = calloc(1, sizeof(*k));
    if (!k)
        abort();
    snprintf(k->name, sizeof(k->name), "%s", name);
    k->dom = dom;
    k->m = dom->machine;
    k->console_level = 4;
    k->log_level = 6; /* as a kernel without dynamic debug: pr_debug/dev_dbg are off */
    k->next_pid = 2;
    INIT_LIST_HEAD(&k->misc);
    INIT_LIST_HEAD(&k->dma_maps);
    INIT_LIST_HEAD(&k->tasks);
    INIT_LIST_HEAD(&k->workqueues);
    INIT_LIST_HEAD(&k->uprocs);
    if (cs_tap_add_channel(&k->m->tap, name, "kshim", &k->channel, err) < 0 ||
        ks_mem_init(k, err) < 0) {
        free(k);
        return -1;
    }
    ks_kernel_register(k);
    ks_oops_install();
    if (!setup_state.k)
        setup_state.k = k;
    *out = k;
    return 0;
}

void ks_kernel_destroy(struct ks_kernel *k)
{
    if (!k)
        return;
    if (setup_state.k == k)
        setup_state.k = NULL;
    ks_kernel_unregister(k);
    ks_vio_release(k);
    ks_vfio_release(k);
    ks_css_release(k);
    ks_x86_release(k);
    ks_net_release(k);
    /* device nodes of modules still loaded when the run ended */
    struct ks_misc_node *n, *t;
    list_for_each_entry_safe(n, t, &k->misc, node)
    {
        list_del(&n->node);
        free(n);
    }
    /* Interrupt lines outlive the kernel: none may call into it any more. */
    for (unsigned i = 0; i < k->nirqs; i++)
        if (k->irqs[i].handler)
            cs_irq_set_handler(&k->dom->irqs, i, NULL, NULL);
    cs_sched_drop(k->m->sched, drop_deferred, k);
    ks_workqueues_release(k);
    ks_uprocs_release(k);
    ks_tasks_release(k);
    ks_mem_release(k);
    free(k->irqs);
    free(k->findings);
    free(k);
}

void ks_kernel_set_console_level(struct ks_kernel *k, int level)
{
    k->console_level = level;
}

void ks_kernel_set_log_level(struct ks_kernel *k, int level)
{
    k->log_level = level;
}

int ks_log_enabled(int level)
{
    struct ks_kernel *k = ks_current_kernel();
    return !k || level <= k->log_level;
}

const struct ks_finding_record *ks_kernel_findings(const struct ks_kernel *k, size_t *n)
{
    *n = k->nfindings;
    return k->findings;
}

void ks_kernel_stats(const struct ks_kernel *k, struct ks_kernel_stats *s)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < KS_FINDING_KINDS; i++) {
        s->findings[i] = k->counts[i];
        s->total_findings += k->counts[i];
    }
    s->log_lines = k->log_lines;
    ks_mem_stats(k, &s->live_allocations, &s->live_bytes);
}

struct boot {
    struct ks_kernel *k;
    char **modules;
    size_t n;
};

static void boot_free(void *arg)
{
    struct boot *b = arg;
    for (size_t i = 0; i < b->n; i++)
        free(b->modules[i]);
    free(b->modules);
    free(b);
}

static int boot_thread(void *arg)
{
    struct boot *b = arg;
    for (size_t i = 0; i < b->n; i++) {
        int rc = ks_module_load(b->k, b->modules[i]);
        if (rc)
            printk(KERN_ERR "boot: loading %s failed: %d", b->modules[i], rc);
    }
    boot_free(b);
    return 0;
}

int ks_kernel_boot(struct ks_kernel *k, const char *const *modules, size_t n, cs_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!ks_module_exists(modules[i]))
            return cs_error_set(err, "kernel %s: no module '%s' is built into chansim", k->name,
                                modules[i]);
    struct boot *b = calloc(1, sizeof(*b));
    b->modules = calloc(n ? n : 1, sizeof(char *));
    if (!b || !b->modules)
        abort();
    b->k = k;
    b->n = n;
    for (size_t i = 0; i < n; i++)
        b->modules[i] = strdup(modules[i]);
    struct task_struct *t = ks_task_new(k, "boot", boot_thread, b);
    t->ks_data_release = boot_free; /* a build that fails before the run never boots */
    ks_task_start(t);
    return 0;
}
