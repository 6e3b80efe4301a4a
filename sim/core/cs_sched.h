/* The activation queue: every timed action of a model (a reply after its modelled latency,
 * an interrupt delivery, a timer) is an entry here, ordered by (cycle, insertion order) so
 * that a run is deterministic. The queue is plain C: the SystemC adapter drives it from one
 * SC_METHOD (sim/systemc/), and unit tests drive it with cs_sched_run_standalone() without
 * SystemC at all. */
#ifndef CS_SCHED_H
#define CS_SCHED_H

#include <stddef.h>
#include <stdint.h>

typedef void (*cs_action_fn)(void *arg);

struct cs_sched;

struct cs_sched *cs_sched_new(void);
void cs_sched_free(struct cs_sched *s);

/* Simulated time in cycles of the platform clock. */
uint64_t cs_sched_now(const struct cs_sched *s);

/* Take "now" from an outside clock (the SystemC adapter's), so that threads that advance time
 * by waiting see the same time as activations. Without one the queue keeps its own. */
void cs_sched_set_clock(struct cs_sched *s, uint64_t (*now)(void *ctx), void *ctx);

/* Run fn(arg) `delay` cycles from now (0: after the current activation, same cycle). */
void cs_sched_after(struct cs_sched *s, uint64_t delay, cs_action_fn fn, void *arg);

/* Remove every pending entry for which drop(fn, arg, ctx) returns nonzero, without running
 * it; drop may release arg. For owners that go away while the queue still holds their
 * activations (a guest kernel destroyed after a run stopped by a time limit). Returns the
 * number removed. */
size_t cs_sched_drop(struct cs_sched *s, int (*drop)(cs_action_fn fn, void *arg, void *ctx),
                     void *ctx);

/* Earliest pending cycle; returns 0 when the queue is empty. */
int cs_sched_next(const struct cs_sched *s, uint64_t *cycle);

/* Advance to `now` and run every entry due by then, including ones they schedule for the
 * same cycle. `now` must not go backwards. */
void cs_sched_run_due(struct cs_sched *s, uint64_t now);

/* Called whenever the earliest pending cycle becomes earlier (the SystemC adapter re-arms
 * its wake-up event there). */
void cs_sched_set_wakeup(struct cs_sched *s, void (*wake)(void *ctx, uint64_t cycle), void *ctx);

/* Drive the queue alone until it is empty or the next entry lies beyond `limit`; returns
 * the simulated time reached. */
uint64_t cs_sched_run_standalone(struct cs_sched *s, uint64_t limit);

uint64_t cs_sched_activations(const struct cs_sched *s);

#endif
