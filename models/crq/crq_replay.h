/* Regression replay of a recorded CRQ channel.
 *
 * firmware mode: the recorded hypervisor side (hcall returns, queue elements, interrupts, the
 *   bytes it copied into the partition) is played back to the driver under test, and every
 *   message the driver emits (hcalls with their arguments, the bytes it copied out) is compared
 *   with the recording.
 * guest mode: the recorded partition side (its hcalls, the bytes it offered for copying) is
 *   played to the model under test (the CRQ facility and the VMC hypervisor), and every answer
 *   is compared with the recording.
 *
 * Recorded events are released causally: an event that followed the k-th message of the other
 * side in the recording is released only once the k-th message has been matched, after the
 * same gap. The trace is read as a stream with a bounded look-ahead. */
#ifndef CRQ_REPLAY_H
#define CRQ_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

struct cs_domain;
struct crq_replay;

enum crq_replay_mode { CRQ_REPLAY_FIRMWARE, CRQ_REPLAY_GUEST };

struct crq_replay_opts {
    enum crq_replay_mode mode;
    int volatile_addresses; /* ignore guest-physical and I/O addresses in comparisons */
    uint64_t time_tolerance_ns;
};

struct crq_replay_result {
    uint64_t matched;  /* messages compared equal */
    uint64_t released; /* recorded messages played back */
    int diverged;      /* 1: see text */
    uint64_t at_cycle; /* where it diverged */
    char text[4096];   /* the first divergence, decoded, with what led to it */
};

/* Open `trace_dir` for replay; the CRQ family then replays each of its devices whose channel
 * the trace holds (crq_replay_active). */
int crq_replay_open(const char *trace_dir, const struct crq_replay_opts *opts,
                    struct crq_replay **out, cs_error *err);
struct crq_replay *crq_replay_active(void);
enum crq_replay_mode crq_replay_mode(const struct crq_replay *r);

/* Bind the recorded channel `name` to this run's adapter (family attach): firmware mode takes
 * over the adapter's hcalls; guest mode starts the recorded partition. */
int crq_replay_bind_firmware(struct crq_replay *r, struct cs_domain *dom, const char *name,
                             uint32_t unit, unsigned irq, cs_error *err);
/* Firmware mode: the kernel's hcall handler (kshim ks_hcall_fn) with the replay as context. */
long crq_replay_hcall(void *ctx, unsigned long opcode, const unsigned long *args, unsigned nargs,
                      unsigned long *rets, uint64_t *cost_ns);

struct crq_facility;
struct crq_adapter;
int crq_replay_bind_guest(struct crq_replay *r, struct cs_domain *dom, const char *name,
                          struct crq_facility *f, struct crq_adapter *a, cs_error *err);

/* After the run: compare what remains, fill the result. */
void crq_replay_finish(struct crq_replay *r, struct crq_replay_result *res);
void crq_replay_close(struct crq_replay *r);

/* Describe one CRQ trace message (for divergence reports and tools). */
void crq_describe(char *buf, size_t len, uint8_t dir, uint16_t kind, const uint8_t *p, uint32_t n);

#endif
