/* The Verilated CRQ queue engine (crq_engine.sv) behind a C interface: the clock, the engine's
 * memory port served from a caller's buffer (standing in for guest memory, address 0 at
 * mem[0]), the register and command ports, and the engine's events. docs/rtl.md describes
 * the engine; the register numbers mirror its localparams. */
#ifndef CRQ_ENGINE_MODEL_H
#define CRQ_ENGINE_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum crq_rtl_reg {
    CRQ_RTL_R_BASE = 0,
    CRQ_RTL_R_ENTRIES = 1,
    CRQ_RTL_R_QCTRL = 2, /* write 1: register (ring starts at slot 0), 0: free */
    CRQ_RTL_R_IRQ_EN = 3,
    CRQ_RTL_R_ENABLE = 4, /* any write: leave the migration-disabled state */
    CRQ_RTL_R_STATUS = 5, /* [1:0] enum crq_queue_state, [2] busy, [3] memory error */
    CRQ_RTL_R_NEXT = 6,
    CRQ_RTL_R_OLDEST = 7,
    CRQ_RTL_R_OUTSTANDING = 8,
    CRQ_RTL_R_ENQUEUED = 9,
    CRQ_RTL_R_DROPPED = 10,
    CRQ_RTL_R_CLOSED = 11,
    CRQ_RTL_R_CONSUMED = 12,
    CRQ_RTL_R_RECLAIM = 13, /* any write: look for consumed slots now */
};

#define CRQ_RTL_STATUS_STATE(s) ((unsigned)((s)&3))
#define CRQ_RTL_STATUS_BUSY     (1u << 2)
#define CRQ_RTL_STATUS_MEMERR   (1u << 3)

enum crq_rtl_status {
    CRQ_RTL_OK = 0,
    CRQ_RTL_DROPPED = 1, /* the producer slot's header was not zero: queue full */
    CRQ_RTL_CLOSED = 2,  /* no queue registered, or disabled by a migration event */
    CRQ_RTL_ERROR = 3,   /* a memory access fell outside the caller's memory */
    CRQ_RTL_TIMEOUT = 4, /* the engine did not answer (a fault of the engine) */
};

struct crq_rtl;

struct crq_rtl_counters {
    uint64_t enqueued, dropped, closed, consumed;
    uint32_t next, oldest, outstanding;
};

/* Every request of the engine's memory port: op 'r' or 'w', byte address, and the word (as
 * read or written, byte at addr on bits 63:56). */
typedef void (*crq_rtl_mem_fn)(void *ctx, char op, uint64_t addr, uint64_t word, uint64_t cycle);
typedef void (*crq_rtl_consumed_fn)(void *ctx, uint32_t slot, uint64_t cycle);
typedef void (*crq_rtl_irq_fn)(void *ctx, uint64_t cycle);

/* An engine in reset state over mem[0..size); every memory request is answered mem_latency
 * (>= 1) cycles after the engine issued it. NULL if mem_latency is 0 or allocation fails. */
struct crq_rtl *crq_rtl_new(uint8_t *mem, uint64_t size, unsigned mem_latency);
void crq_rtl_free(struct crq_rtl *e);

void crq_rtl_step(struct crq_rtl *e, uint64_t cycles);
uint64_t crq_rtl_cycle(const struct crq_rtl *e); /* clock edges since creation */

/* A register write takes one cycle; a read none. Configuration writes (all but IRQ_EN) are
 * ignored while the engine is busy. */
void crq_rtl_reg_write(struct crq_rtl *e, unsigned reg, uint64_t value);
uint64_t crq_rtl_reg_read(struct crq_rtl *e, unsigned reg);

/* BASE, ENTRIES, then QCTRL = 1; returns the queue state (enum crq_queue_state). */
unsigned crq_rtl_register(struct crq_rtl *e, uint64_t base, uint32_t entries);

/* Hand one element (big-endian image, byte 0 the header) to the command port and wait for its
 * response; *cycles (if not NULL) gets the edges from acceptance to response, inclusive. */
enum crq_rtl_status crq_rtl_enqueue(struct crq_rtl *e, const uint8_t elem[16], uint64_t *cycles);

/* The same handshake in parts, for a caller that clocks the engine itself (the SystemC thread
 * of the CRQ facility): offer one element on the command port; clock until the response or
 * `max_cycles` edges, returning the edges run; take the response once it came (1), with the
 * edges from acceptance to response and the cycle of the response. An edge that some other
 * call runs (a register write) can accept and answer the command too: the response is kept
 * until taken. */
void crq_rtl_offer(struct crq_rtl *e, const uint8_t elem[16]);
int crq_rtl_pending(const struct crq_rtl *e); /* offered or accepted, not answered */
uint64_t crq_rtl_run(struct crq_rtl *e, uint64_t max_cycles);
int crq_rtl_take_response(struct crq_rtl *e, enum crq_rtl_status *status, uint64_t *cycles,
                          uint64_t *at);
/* Withdraw a command that never got an answer (the engine is stuck). */
void crq_rtl_abandon(struct crq_rtl *e);
/* Cycles after which a command without a response means a stuck engine. */
uint64_t crq_rtl_cycle_limit(struct crq_rtl *e);

/* Dump every signal of the engine into an FST waveform at `path` (GTKWave) from now until
 * crq_rtl_free(): clock edge `c` of the engine at (c + cycle0) * period_ps picoseconds, so that
 * the wave shows the platform's time. Cycles the clock was gated (crq_rtl_skip) show as gaps.
 * -1 if the file cannot be written or a wave is already open. */
int crq_rtl_wave_open(struct crq_rtl *e, const char *path, uint64_t period_ps, int64_t cycle0);

/* Hold the engine's memory writes back (on) instead of storing them at once, and store the
 * held ones, in order. A caller that lets the engine run ahead of simulated time (temporal
 * decoupling) makes them visible when time has caught up. The engine's reads see them. */
void crq_rtl_hold_writes(struct crq_rtl *e, int on);
void crq_rtl_flush_writes(struct crq_rtl *e);
void crq_rtl_discard_writes(struct crq_rtl *e); /* forget the held ones */

/* Nothing in progress: no command, no reclaim pass, no memory request outstanding. */
int crq_rtl_idle(const struct crq_rtl *e);
/* Let `cycles` pass without clocking (only while idle, when no edge changes anything): the
 * clock is gated, time and the cycle count go on. */
void crq_rtl_skip(struct crq_rtl *e, uint64_t cycles);
/* Clock edges evaluated: crq_rtl_cycle() minus the cycles let pass by crq_rtl_skip(). */
uint64_t crq_rtl_edges(const struct crq_rtl *e);

/* Take back consumed slots without enqueuing; returns the outstanding count after. */
uint32_t crq_rtl_reclaim(struct crq_rtl *e, uint64_t *cycles);

void crq_rtl_counters(struct crq_rtl *e, struct crq_rtl_counters *c);

void crq_rtl_on_mem(struct crq_rtl *e, crq_rtl_mem_fn fn, void *ctx);
void crq_rtl_on_consumed(struct crq_rtl *e, crq_rtl_consumed_fn fn, void *ctx);
void crq_rtl_on_irq(struct crq_rtl *e, crq_rtl_irq_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
