/* chansim-bench-kshim: what the kernel shim adds to SystemC. Measures, in one simulation,
 * a raw SC_THREAD round trip (two threads, two sc_events), a driver wake_up() round trip
 * between two kthreads through wait queues, and the cost of a timer firing and re-arming
 * itself; prints ns of wall time per operation and the ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "kshim/kernel.h"

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/wait.h>

void bench_sc_baseline_spawn(unsigned long rounds);
double bench_sc_baseline_result(void);

static unsigned long rounds = 1000000;
static DECLARE_WAIT_QUEUE_HEAD(to_a);
static DECLARE_WAIT_QUEUE_HEAD(to_b);
static unsigned long turn_a, turn_b;
static double wake_ns, timer_ns;
static struct timer_list timer;
static unsigned long timer_left;
static double timer_t0;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int thread_a(void *arg)
{
    (void)arg;
    for (unsigned long i = 1; i <= rounds; i++) {
        wait_event(to_a, turn_a >= i);
        turn_b = i;
        wake_up(&to_b);
    }
    return 0;
}

static void timer_fn(struct timer_list *t)
{
    if (--timer_left) {
        mod_timer(t, jiffies); /* due now: fires again in the next activation */
        return;
    }
    timer_ns = (now_ns() - timer_t0) / (double)rounds;
}

static int thread_b(void *arg)
{
    (void)arg;
    msleep(1); /* after the raw baseline, which takes no simulated time */
    struct task_struct *a = kthread_run(thread_a, NULL, "bench-a");
    msleep(1);
    double t0 = now_ns();
    for (unsigned long i = 1; i <= rounds; i++) {
        turn_a = i;
        wake_up(&to_a);
        wait_event(to_b, turn_b >= i);
    }
    wake_ns = (now_ns() - t0) / (double)rounds;
    kthread_stop(a);

    timer_setup(&timer, timer_fn, 0);
    timer_left = rounds;
    timer_t0 = now_ns();
    mod_timer(&timer, jiffies);
    return 0;
}

static int bench_module_init(void)
{
    wake_up_process(kthread_create(thread_b, NULL, "bench-b"));
    return 0;
}
module_init(bench_module_init);

int main(int argc, char **argv)
{
    if (argc > 1)
        rounds = strtoul(argv[1], NULL, 0);
    if (!rounds)
        rounds = 1;
    cs_error err = {0};
    struct cs_platform *p = NULL;
    struct cs_machine *m = NULL;
    struct ks_kernel *k = NULL;
    const char *mods[] = {"bench"};
    struct cs_run_summary sum;
    if (cs_platform_load(BENCH_PLATFORM, NULL, &p, &err) < 0 ||
        cs_machine_build(p, NULL, 0, NULL, &m, &err) < 0 ||
        ks_kernel_create(&m->domains[0], "kernel", &k, &err) < 0 ||
        ks_kernel_boot(k, mods, 1, &err) < 0) {
        fprintf(stderr, "chansim-bench-kshim: %s\n", err.msg);
        return 2;
    }
    bench_sc_baseline_spawn(rounds);
    struct cs_run_opts ro = {0};
    if (cs_sc_run(m, &ro, &sum, &err) < 0) {
        fprintf(stderr, "chansim-bench-kshim: %s\n", err.msg);
        return 2;
    }
    double raw = bench_sc_baseline_result();
    printf("chansim-bench-kshim: %lu rounds each\n", rounds);
    printf("  SC_THREAD round trip (raw SystemC)     %8.1f ns\n", raw);
    printf("  wake_up round trip between kthreads    %8.1f ns   %.2fx raw\n", wake_ns,
           wake_ns / raw);
    printf("  timer firing and re-arming             %8.1f ns   %.2fx raw\n", timer_ns,
           timer_ns / raw);
    printf("  target: within 2x of the raw round trip: %s\n",
           wake_ns <= 2 * raw && timer_ns <= 2 * raw ? "met" : "not met");
    ks_kernel_destroy(k);
    cs_machine_free(m);
    cs_platform_free(p);
    return 0;
}
