/* Kernel side of test_kshim_oops: code that faults in a kthread or a timer, and heartbeats that
 * show which contexts still run afterwards. Compiled as a driver is (stack protector included). */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timer.h>

#include "test_kshim_oops.h"

void *volatile toops_bus_addr;
volatile int toops_after;
volatile int toops_beats[2];
volatile int toops_ticks[2];

void __stack_chk_fail(void);

/* Each exception from an instruction of its own, so that neither the compiler nor a sanitizer
 * turns it into something else first. */
static noinline void toops_fault_divide(void)
{
    unsigned long a = 1, d = 0;
    asm volatile("xor %%edx, %%edx\n\tdivq %1" : "+a"(a) : "r"(d) : "rdx", "cc");
}

static noinline void toops_fault_page(void)
{
    int v;
    asm volatile("movl (%1), %0" : "=r"(v) : "r"(8L) : "memory");
}

static noinline void toops_fault_bus(void)
{
    int v;
    asm volatile("movl (%1), %0" : "=r"(v) : "r"(toops_bus_addr) : "memory");
}

static noinline void toops_fault_opcode(void)
{
    asm volatile("ud2");
}

/* Writes n bytes into a 16-byte array: past 16 they reach the canary above it. The sanitizers
 * are kept out so that the stack protector is what notices. */
static noinline __attribute__((no_sanitize("address", "undefined"))) int toops_smash(int n)
{
    char buf[16];
    volatile char *p = buf;
    for (int i = 0; i < n; i++)
        p[i] = (char)(0x5a + i);
    return p[3];
}

static volatile int smash_len = 32;

void toops_commit(int kind)
{
    switch (kind) {
    case TOOPS_DIVIDE:
        toops_fault_divide();
        break;
    case TOOPS_PAGE_FAULT:
        toops_fault_page();
        break;
    case TOOPS_BUS_ERROR:
        toops_fault_bus();
        break;
    case TOOPS_INVALID_OPCODE:
        toops_fault_opcode();
        break;
    case TOOPS_CANARY_CALL:
        __stack_chk_fail();
        break;
    case TOOPS_CANARY_SMASH:
        toops_smash(smash_len);
        break;
    }
    toops_after++;
}

struct fault_work {
    int kind;
    unsigned delay_ms;
    struct timer_list timer;
};

static int fault_thread(void *data)
{
    struct fault_work *w = data;
    msleep(w->delay_ms);
    toops_commit(w->kind);
    return 0;
}

void toops_task(int kind, unsigned delay_ms)
{
    struct fault_work *w = kzalloc(sizeof(*w), GFP_KERNEL);
    w->kind = kind;
    w->delay_ms = delay_ms;
    kthread_run(fault_thread, w, "toops");
}

static void fault_timer(struct timer_list *t)
{
    struct fault_work *w = from_timer(w, t, timer);
    toops_commit(w->kind);
}

void toops_timer(int kind, unsigned delay_ms)
{
    struct fault_work *w = kzalloc(sizeof(*w), GFP_KERNEL);
    w->kind = kind;
    timer_setup(&w->timer, fault_timer, 0);
    mod_timer(&w->timer, jiffies + msecs_to_jiffies(delay_ms));
}

struct beat {
    int slot;
    struct timer_list timer;
};

static int beat_thread(void *data)
{
    struct beat *b = data;
    for (;;) {
        msleep(1);
        toops_beats[b->slot]++;
    }
    return 0;
}

static void beat_timer(struct timer_list *t)
{
    struct beat *b = from_timer(b, t, timer);
    toops_ticks[b->slot]++;
    mod_timer(&b->timer, jiffies + 1);
}

void toops_heartbeat(int slot)
{
    struct beat *b = kzalloc(sizeof(*b), GFP_KERNEL);
    b->slot = slot;
    timer_setup(&b->timer, beat_timer, 0);
    mod_timer(&b->timer, jiffies + 1);
    kthread_run(beat_thread, b, "beat%d", slot);
}

static int __init toops_init(void)
{
    toops_heartbeat(1);
    return 0;
}
module_init(toops_init);
MODULE_LICENSE("GPL");
