/* test_kshim_oops: the two halves' interface (standard types only). */
#ifndef TEST_KSHIM_OOPS_H
#define TEST_KSHIM_OOPS_H

enum toops_kind {
    TOOPS_DIVIDE,         /* DIV by zero: SIGFPE */
    TOOPS_PAGE_FAULT,     /* a load from address 8: SIGSEGV */
    TOOPS_BUS_ERROR,      /* a load from a file mapping past the file's end: SIGBUS */
    TOOPS_INVALID_OPCODE, /* UD2: SIGILL */
    TOOPS_CANARY_CALL,    /* what a function finding its canary changed calls */
    TOOPS_CANARY_SMASH,   /* a real overflow of a local array over the canary */
    TOOPS_KINDS
};

extern void *volatile toops_bus_addr; /* for TOOPS_BUS_ERROR */
extern volatile int toops_after;      /* code after a fault that ran anyway: stays 0 */
extern volatile int toops_beats[2];   /* 1 ms heartbeats of a kthread, per slot */
extern volatile int toops_ticks[2];   /* ticks of a timer firing every jiffy (4 ms), per slot */

/* In the current kernel's context (plain C: the setup context of the first kernel): */
/* a kthread "toops" that sleeps delay_ms, then commits `kind` */
void toops_task(int kind, unsigned delay_ms);
/* a timer that commits `kind` when it fires after delay_ms */
void toops_timer(int kind, unsigned delay_ms);
/* a kthread counting 1 ms sleeps and a timer counting jiffies, into slot `slot` */
void toops_heartbeat(int slot);
/* commit `kind` here and now (from plain C: outside any guest context) */
void toops_commit(int kind);
/* Module "toops" (ks_kernel_boot): toops_heartbeat(1) in the booting kernel. */

#endif
