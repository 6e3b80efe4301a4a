/* Blocking execution for guest code: threads that can wait in simulated time. Kernel threads,
 * workqueue workers and simulated user processes run as such threads (SystemC SC_THREADs
 * behind this interface, implemented in sim/systemc/cs_sc_exec.cpp); everything that must not
 * block (timers, tasklets, interrupt handlers) runs as cs_sched activations instead.
 *
 * Threads are cooperative and run one at a time, so guest code never races on the host; the
 * order in which runnable threads run is SystemC's and therefore repeatable. */
#ifndef CS_EXEC_H
#define CS_EXEC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cs_sched;
typedef struct cs_thread cs_thread;
typedef struct cs_event cs_event;

/* Bind the execution layer to a machine's queue and clock. Threads spawned before the run
 * starts begin when it does. */
void cs_exec_bind(struct cs_sched *sched, uint64_t clock_hz);

/* Start fn(arg) as a thread in the current delta cycle (or at the start of the run). `name`
 * is copied. The thread ends when fn returns. */
cs_thread *cs_thread_spawn(const char *name, void (*fn)(void *arg), void *arg);

/* The calling thread, or NULL outside a thread (an activation, elaboration, plain C). */
cs_thread *cs_thread_self(void);
const char *cs_thread_name(const cs_thread *t);

/* Per-thread pointer for the layer above (the kernel shim's task). */
void *cs_thread_data(const cs_thread *t);
void cs_thread_set_data(cs_thread *t, void *data);

/* The data of the running thread (NULL outside threads): read on every kernel-shim call, so
 * it is a variable the execution layer keeps current rather than a lookup. */
extern void *cs_exec_running_data;
static inline void *cs_thread_self_data(void)
{
    return cs_exec_running_data;
}

/* Wait in the calling thread until e is notified, or `timeout` cycles pass (0: no timeout).
 * Returns 1 when notified, 0 on timeout. Must be called from a thread. */
int cs_thread_wait(cs_event *e, uint64_t timeout);

/* Let `cycles` of simulated time pass in the calling thread. */
void cs_thread_sleep(uint64_t cycles);

/* Wait until t has ended. */
void cs_thread_join(cs_thread *t);
int cs_thread_ended(const cs_thread *t);

/* cs_thread_wait() for a free-running clock (an RTL engine's) between its quanta: the wait ends
 * at `timeout` cycles, when e is notified, or earlier at the next thing the rest of the machine
 * is due to do (an activation, a thread's timed wait), so that a clock's wake-up never lies
 * beyond the machine's last work. With nothing else due (everything left waits for an event,
 * or runs in this cycle) it waits for e or for such work to appear: the clock alone keeps no
 * run from ending idle, and two clocks do not keep each other going. 1 when notified. */
int cs_thread_wait_clock(cs_event *e, uint64_t timeout);

/* For the dispatcher of the activation queue: an activation was queued (a stopped clock may
 * have to run again). */
void cs_exec_activity(void);

cs_event *cs_event_new(void);
void cs_event_free(cs_event *e);
/* Wake every thread waiting on e; they run later in the same simulated cycle. A notification
 * nobody waits for is lost, like a wake-up with no sleeper. */
void cs_event_notify(cs_event *e);

#ifdef __cplusplus
}
#endif

#endif
