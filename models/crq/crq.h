/* The PAPR CRQ facility of a partition, as the hypervisor implements it: VIO adapters, each
 * with a Command/Response Queue the partition registers in its own memory, the hcalls that
 * operate on them, interrupt delivery, transport events and H_COPY_RDMA between the
 * partition's DMA window and the hypervisor's.
 *
 * Plain C protocol state. The partition reaches it through exactly one function,
 * crq_hcall(); the hypervisor-side endpoint behind an adapter (the VMC model) reaches the
 * partition through crq_send() and crq_transport_event(). Every crossing is recorded on the
 * adapter's tap channel in the format of crq_wire.h. */
#ifndef CRQ_H
#define CRQ_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "crq_wire.h"

struct cs_domain;
struct crq_facility;
struct crq_adapter;

/* The hypervisor side of an adapter. */
struct crq_endpoint_ops {
    /* The partition registered (1) or freed (0) its queue. */
    void (*queue_state)(void *ctx, int registered);
    /* An element the partition sent with H_SEND_CRQ: H_SUCCESS, or H_DROPPED when the
     * endpoint cannot take it now. Called synchronously inside the hcall. */
    long (*receive)(void *ctx, const uint8_t elem[16]);
    /* The hypervisor's own memory behind the remote LIOBN, for H_COPY_RDMA: a host pointer to
     * [ioba, ioba + len) or NULL when that range is not mapped. */
    uint8_t *(*remote_window)(void *ctx, uint64_t ioba, uint64_t len);
    /* H_REQUEST_VMC (VMC adapters only; NULL: H_FUNCTION). */
    long (*request_vmc)(void *ctx, uint64_t *drc_index);
};

/* Is [addr, addr+len) of partition memory mapped for DMA by the partition's kernel? The
 * facility asks before touching partition memory for a queue or a copy. */
typedef int (*crq_dma_check_fn)(void *ctx, uint64_t addr, uint64_t len);

int crq_facility_create(struct cs_domain *dom, struct crq_facility **out, cs_error *err);
void crq_facility_set_dma_check(struct crq_facility *f, crq_dma_check_fn fn, void *ctx);
struct cs_domain *crq_facility_domain(const struct crq_facility *f);

/* Add an adapter with unit address `unit`: a tap channel `name` (family "crq"), an interrupt
 * line, the partition's DMA window `local_liobn` (I/O addresses are guest-physical addresses)
 * and the hypervisor's window `remote_liobn`. */
int crq_adapter_add(struct crq_facility *f, const char *name, uint32_t unit, uint64_t local_liobn,
                    uint64_t remote_liobn, const struct crq_endpoint_ops *ops, void *ctx,
                    struct crq_adapter **out, cs_error *err);
unsigned crq_adapter_irq(const struct crq_adapter *a);
uint32_t crq_adapter_unit(const struct crq_adapter *a);
enum crq_queue_state crq_adapter_state(const struct crq_adapter *a);
/* Entries in the registered queue (0 when none). */
uint32_t crq_adapter_entries(const struct crq_adapter *a);

/* The partition's hcall. `args` as passed in r4..; `rets` (PLPAR_HCALL_BUFSIZE) may be NULL;
 * `*cost_ns` receives the modelled time the call takes. Unknown opcodes: H_FUNCTION. */
long crq_hcall(struct crq_facility *f, unsigned long opcode, const unsigned long *args,
               unsigned nargs, unsigned long *rets, uint64_t *cost_ns);

/* The endpoint puts an element into the partition's queue: H_SUCCESS, H_DROPPED (the slot
 * at the producer position is still in use), H_CLOSED (no queue registered, or disabled). */
long crq_send(struct crq_adapter *a, const uint8_t elem[16]);

/* Platform cycles the last crq_send() or crq_transport_event() spent on the partition's queue:
 * the crq.enqueue / crq.reclaim_per_slot / crq.drop costs on the C model, the cycles the RTL
 * engine took on it (docs/calibration.md). 0 if the queue was not reached. */
uint64_t crq_send_cycles(const struct crq_adapter *a);

/* crq_send() as the hypervisor does it in time: the element is handed to the queue engine now
 * and lands (CRQ_K_ELEMENT, its interrupt, or CRQ_K_HV_SEND_FAILED) when the engine is done
 * with it: after the operation's calibrated cost on the C model, at the cycle the RTL engine
 * answers on the RTL. done(ctx, rc) then runs as an activation with crq_send()'s return code.
 * One element at a time per adapter: H_BUSY (done not called) while one is in flight, else
 * H_SUCCESS. Operations queue behind each other: one posted right after
 * crq_adapter_outstanding() starts when that reclaim pass ends. */
typedef void (*crq_sent_fn)(void *ctx, long rc);
long crq_post(struct crq_adapter *a, const uint8_t elem[16], crq_sent_fn done, void *ctx);
/* The same for a transport event (a migration event disables the queue when it lands). */
long crq_post_event(struct crq_adapter *a, uint8_t reason, crq_sent_fn done, void *ctx);

/* Post a transport event (CRQ_EV_*) into the partition's queue. A migration event also
 * disables the queue until the partition calls H_ENABLE_CRQ. */
long crq_transport_event(struct crq_adapter *a, uint8_t reason);

/* What moves elements through an adapter's queue: the C model, or the Verilated RTL engine
 * (docs/rtl.md) over the partition's memory. Both leave the same records on the tap. */
enum crq_engine { CRQ_ENGINE_C, CRQ_ENGINE_RTL };

/* Choose the engine; only while no queue is registered (new adapters use the C model). */
int crq_adapter_set_engine(struct crq_adapter *a, enum crq_engine engine, cs_error *err);

enum crq_engine crq_adapter_engine(const struct crq_adapter *a);

/* How the RTL engine's clock runs (docs/rtl.md, "Clocking"): every cycle of simulated time
 * while the machine is active, as hardware's does (the default), or only while the engine has
 * work, idle stretches skipped (the fast mode). Both give the same trace. */
enum crq_rtl_clock { CRQ_RTL_CLOCK_CONTINUOUS, CRQ_RTL_CLOCK_ON_DEMAND };
#define CRQ_RTL_QUANTUM_DEFAULT 16u

/* Choose the clock mode and the quantum (cycles the engine's thread runs before it waits for
 * simulated time, >= 1); for a machine run under SystemC (a continuous clock's thread is
 * started here, if the adapter has the RTL engine). Only while no queue is registered. */
int crq_adapter_set_rtl_clock(struct crq_adapter *a, enum crq_rtl_clock mode, uint32_t quantum,
                              cs_error *err);
/* The RTL engine's clock so far: the platform cycle it has reached, the edges evaluated and
 * the cycles gated (let pass without an edge). -1 without an RTL engine. */
int crq_adapter_rtl_clocked(const struct crq_adapter *a, uint64_t *cycle, uint64_t *edges,
                            uint64_t *gated);
/* The cycle from which the queue side is free again, after the reclaim passes and posted
 * elements so far (on the RTL engine: its clock, which may run ahead of simulated time). */
uint64_t crq_adapter_busy_until(const struct crq_adapter *a);

/* Dump the RTL engine's signals into an FST waveform (docs/rtl.md) until the facility is freed;
 * an error if the adapter has no RTL engine or the file cannot be written. */
int crq_adapter_wave_open(struct crq_adapter *a, const char *path, cs_error *err);

/* Unconsumed elements the hypervisor wrote into the partition's queue, after a reclaim pass
 * that keeps the queue side busy for crq.reclaim_pass + crq.reclaim_per_slot per slot looked
 * at (the RTL engine: its RECLAIM pass). */
uint32_t crq_adapter_outstanding(struct crq_adapter *a);

void crq_facility_free(struct crq_facility *f);

#endif
