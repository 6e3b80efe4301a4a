/* The chipset side of the controlvm channel and the command partition behind it (spec visor.md
 * §3). The command partition runs a script of controlvm commands (CHIPSET_INIT, BUS_CREATE,
 * DEVICE_CREATE, ...): the chipset inserts each into the EVENT queue (q2), then collects the
 * guest's ACK from q3 and its response from q0, matching them by message handle. Commands are
 * sent one at a time: the next goes out when the previous one's response arrived (or at once
 * when it expects none), as a command partition that needs a bus before its devices does. Every
 * ACK and response is checked: one ACK and at most one response per command, the id echoed,
 * nothing for a handle never sent. Violations are counted and described. */
#ifndef VISOR_CONTROLVM_H
#define VISOR_CONTROLVM_H

#include <stdint.h>

#include "visor_channel.h"

struct visor_chipset;

/* What became of a command. */
struct visor_cvm_result {
    uint32_t id;
    uint64_t handle;
    int failed;                 /* flags.failed in the response */
    uint32_t completion_status; /* the response's completion_status */
    const uint8_t *response;    /* the 128-byte response */
    const uint8_t *command;     /* the 128-byte command as sent (the guest echoes only the
                                 * header: the packet is the command's) */
};

/* Called for each response the guest returned (and for commands that expect none, with
 * response NULL once acknowledged). */
typedef void (*visor_cvm_done_fn)(void *ctx, const struct visor_cvm_result *r);

int visor_chipset_create(struct cs_gmem *mem, uint64_t gpa, struct cs_tap *tap, uint16_t tap_ch,
                         struct visor_chipset **out, cs_error *err);

/* How the command partition behaves (all 0: the defaults above).
 *   slots  slots of each controlvm queue (2..64; 0: 64, spec §3.2): a small queue fills
 *   burst  commands in flight at once (0 or 1: one at a time). With more, commands go into the
 *          EVENT queue back to back, as firmware may send them, but a command still waits for
 *          an earlier one in flight that it depends on: the same bus (bus commands), the same
 *          device (device commands), a BUS_DESTROY of its bus, and CHIPSET_INIT / CHIPSET_READY
 *          (which also wait for everything before them), so the ordering rules (U12, U13) hold
 *   drain  messages the command partition takes from the ACK and response queues per pass
 *          (0: all), ACK and response queue in turn: a command partition slow to drain, so
 *          that the guest meets them full. A response is never taken before the ACKs the guest
 *          inserted ahead of it.
 *   stray  messages the firmware inserts into the RESPONSE queue (q1) unasked: responses the
 *          guest never asked for, which it removes and discards (spec §3.4, step 1). They go
 *          in back to back at every pass, commands pending or not, until q1 is full; an insert
 *          that finds it full is counted (num_overflows) and the rest wait, in order, for a
 *          later pass. Each carries VISOR_CVM_STRAY_HANDLE | its number (1, 2, ...) as message
 *          handle and in the first 8 bytes of its packet, so a reader can tell that none was
 *          lost or repeated. */
struct visor_chipset_config {
    uint32_t slots, burst, drain, stray;
};
/* The message handles of stray messages: never those of a command (which count from 1). */
#define VISOR_CVM_STRAY_HANDLE (1ull << 63)
int visor_chipset_create_cfg(struct cs_gmem *mem, uint64_t gpa,
                             const struct visor_chipset_config *cfg, struct cs_tap *tap,
                             uint16_t tap_ch, struct visor_chipset **out, cs_error *err);
void visor_chipset_free(struct visor_chipset *c);
struct visor_channel *visor_chipset_channel(struct visor_chipset *c);
void visor_chipset_on_done(struct visor_chipset *c, visor_cvm_done_fn fn, void *ctx);

/* Message builders: fill a 128-byte controlvm_message (response_expected set). */
void visor_cvm_chipset_init(uint8_t msg[128], uint32_t bus_count, uint32_t switch_count,
                            uint32_t features);
void visor_cvm_simple(uint8_t msg[128], uint32_t id); /* CHIPSET_READY / SELFTEST / STOP */
void visor_cvm_bus_create(uint8_t msg[128], uint32_t bus_no, uint32_t dev_count,
                          uint64_t channel_addr, uint64_t channel_bytes, const visor_guid *inst);
void visor_cvm_bus_destroy(uint8_t msg[128], uint32_t bus_no);
void visor_cvm_bus_configure(uint8_t msg[128], uint32_t bus_no, uint64_t guest_handle);
void visor_cvm_device_create(uint8_t msg[128], uint32_t bus_no, uint32_t dev_no,
                             uint64_t channel_addr, uint64_t channel_bytes, const visor_guid *type,
                             const visor_guid *inst);
/* Offer the device an interrupt in a DEVICE_CREATE message: intr.recv_irq_handle (non-zero:
 * offered) and intr.recv_irq_vector, the guest domain's cs_irq line (docs/visor.md). */
void visor_cvm_device_set_irq(uint8_t msg[128], uint64_t handle, uint32_t vector);
void visor_cvm_device_destroy(uint8_t msg[128], uint32_t bus_no, uint32_t dev_no);
void visor_cvm_device_configure(uint8_t msg[128], uint32_t bus_no, uint32_t dev_no);
void visor_cvm_device_changestate(uint8_t msg[128], uint32_t bus_no, uint32_t dev_no,
                                  uint16_t state);
/* Stray message number `seq` for the RESPONSE queue: a CHIPSET_READY response (server flag,
 * no response expected, completion 0) for a command that was never sent. */
void visor_cvm_stray(uint8_t msg[128], uint64_t seq);

/* Append a command to the script (the chipset assigns the message handle). */
int visor_chipset_submit(struct visor_chipset *c, const uint8_t msg[128], cs_error *err);
/* One chipset pass: collect ACKs and responses, send what the script allows. Returns the number
 * of signals moved, or -1 on a header fault (err). */
int visor_chipset_poll(struct visor_chipset *c, cs_error *err);

struct visor_chipset_stats {
    uint64_t submitted, sent, acked, responded, failed;
    uint64_t protocol_errors; /* ACK/response for an unknown handle, twice, wrong id */
    uint64_t event_full;      /* inserts into q2 that found it full (retried) */
    uint64_t stray_sent;      /* stray messages inserted into q1 (config.stray at most) */
    uint64_t response_full;   /* stray inserts that found q1 full (retried) */
    uint64_t stray_pending;   /* strays inserted while a command awaited its ACK or response */
    uint64_t max_in_flight;   /* most commands sent and not yet done at one time */
    char first_error[256];
};
void visor_chipset_stats(const struct visor_chipset *c, struct visor_chipset_stats *s);
/* Commands sent and still waiting for an ACK or an expected response. */
uint64_t visor_chipset_outstanding(const struct visor_chipset *c);
/* Stray messages not yet inserted into q1 (they wait for room). */
uint64_t visor_chipset_strays_waiting(const struct visor_chipset *c);

/* The VMCALL the guest's visorchipset issues (spec §3.1): VMCALL_CONTROLVM_ADDR with the
 * guest-physical address of its parameter block in rbx (low) / rcx (high). Returns the
 * VMCALL result (0 success, 1 invalid parameter). */
long visor_chipset_vmcall(struct visor_chipset *c, unsigned long nr, unsigned long rbx,
                          unsigned long rcx);

#endif
