/* Protocol monitors: passive state machines that watch one channel's messages and report rule
 * breaches by rule ID. The same monitor runs live (fed by the channel tap during a simulation)
 * and offline (fed from a recorded trace by `chansim check`), so both give the same verdicts.
 *
 * A family provides a struct cs_monitor_class; the hub creates one monitor per channel of that
 * family and dispatches each message to it. */
#ifndef CS_MONITOR_H
#define CS_MONITOR_H

#include <stddef.h>
#include <stdint.h>

struct cs_finding {
    const char *rule; /* catalog ID, e.g. "C4" */
    uint64_t cycle;
    uint16_t channel;
    const char *channel_name;
    char msg[256];
};

/* A message as monitors see it, from the tap or from a trace. */
struct cs_mon_msg {
    uint64_t cycle;
    uint16_t channel;
    uint8_t dir; /* enum cs_tap_dir / cs_trace_dir: 0 to firmware, 1 to guest, 2 internal */
    uint16_t kind;
    uint32_t len;
    const uint8_t *payload;
};

struct cs_monitor_ctx; /* handed to a monitor so it can report */
void cs_monitor_report(struct cs_monitor_ctx *ctx, const char *rule, uint64_t cycle,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Rule coverage: `checks` is how many times the rule's check was evaluated, breached or not. */
typedef void (*cs_coverage_fn)(void *ctx, const char *rule, uint64_t checks);

struct cs_monitor_class {
    const char *family;
    void *(*create)(struct cs_monitor_ctx *ctx, const char *channel_name);
    void (*on_msg)(void *mon, const struct cs_mon_msg *m);
    /* end of the run or trace: checks on what is still outstanding */
    void (*finish)(void *mon, uint64_t cycle);
    void (*destroy)(void *mon);
    /* Optional: call cb once for every rule the monitor checks, with its count so far (0 for a
     * rule it knows but never had occasion to check). Suites use it to show what a scenario
     * exercised. */
    void (*coverage)(void *mon, cs_coverage_fn cb, void *ctx);
};

/* State shared by the monitors of one family on one hub, e.g. what a control channel announced
 * about the device channels: the first call with `key` makes it with `create`, later calls
 * (from any channel's monitor of the same hub) return the same object, and the hub frees it
 * with `destroy` after its monitors. */
void *cs_monitor_shared(struct cs_monitor_ctx *ctx, const char *key, void *(*create)(void),
                        void (*destroy)(void *));

/* The monitor classes compiled into chansim (cs_monitors.c). */
const struct cs_monitor_class *cs_monitor_class_for(const char *family);

struct cs_monitor_hub;

/* Called for each finding (after it is counted): the live run logs it into the trace and
 * counts it in the run summary, `chansim check` prints it. */
typedef void (*cs_finding_fn)(void *ctx, const struct cs_finding *f);

struct cs_monitor_hub *cs_monitor_hub_new(cs_finding_fn fn, void *ctx);
/* Declare channel `id` (in order, as the tap or the trace numbers them). */
void cs_monitor_hub_channel(struct cs_monitor_hub *h, uint16_t id, const char *name,
                            const char *family);
void cs_monitor_hub_msg(struct cs_monitor_hub *h, const struct cs_mon_msg *m);
void cs_monitor_hub_finish(struct cs_monitor_hub *h, uint64_t cycle);
uint64_t cs_monitor_hub_findings(const struct cs_monitor_hub *h);

/* Findings per rule ID, in order of each rule's first finding: the count and the first
 * finding (its strings live as long as the hub). */
typedef void (*cs_rule_findings_fn)(void *ctx, const char *rule, uint64_t count,
                                    const struct cs_finding *first);
void cs_monitor_hub_findings_by_rule(const struct cs_monitor_hub *h, cs_rule_findings_fn fn,
                                     void *ctx);

/* Coverage summed over every channel's monitor: cb once per rule, in the order the monitors
 * name them. Rules of monitor classes without coverage do not appear. */
void cs_monitor_hub_coverage(const struct cs_monitor_hub *h, cs_coverage_fn cb, void *ctx);
void cs_monitor_hub_free(struct cs_monitor_hub *h);

#endif
