/* The channel tap: the one place where what crosses a channel boundary is seen. Each family's
 * boundary calls cs_tap_msg() for every message in either direction; the tap stamps it with
 * the simulated cycle, writes it to the trace (when one is being recorded) and hands it to
 * the live protocol monitors. Nothing else records or checks traffic. */
#ifndef CS_TAP_H
#define CS_TAP_H

#include <stdint.h>

#include "cs_error.h"
#include "cs_sched.h"

struct cs_trace_writer;

enum cs_tap_dir {
    CS_TAP_TO_FW = 0,    /* guest side to firmware side */
    CS_TAP_TO_GUEST = 1, /* firmware side to guest side */
    CS_TAP_INTERNAL = 2, /* inside one side (lifecycle, state changes) */
};

struct cs_tap_msg {
    uint64_t cycle;
    uint16_t channel;
    uint8_t dir;
    uint16_t kind;
    uint32_t len;
    const uint8_t *payload;
};

/* A passive observer of every message: the live form of a protocol monitor. */
struct cs_tap_observer {
    void (*on_msg)(void *ctx, const struct cs_tap_msg *m);
    void *ctx;
};

#define CS_TAP_MAX_OBSERVERS 16

struct cs_tap_channel {
    char name[64];
    char family[16];
    uint64_t msgs;
};

struct cs_tap {
    struct cs_sched *sched;
    struct cs_trace_writer *trace; /* NULL: not recording */
    struct cs_tap_channel *channels;
    uint16_t nchannels;
    struct cs_tap_observer observers[CS_TAP_MAX_OBSERVERS];
    unsigned nobservers;
    uint64_t msgs, logs;
    cs_error trace_error; /* first write failure; recording stops, the run goes on */
};

void cs_tap_init(struct cs_tap *t, struct cs_sched *sched, struct cs_trace_writer *trace);
void cs_tap_release(struct cs_tap *t);

/* Channel names are identifiers ([A-Za-z0-9_.-]), unique in the platform. */
int cs_tap_add_channel(struct cs_tap *t, const char *name, const char *family, uint16_t *id,
                       cs_error *err);
int cs_tap_observe(struct cs_tap *t, struct cs_tap_observer obs, cs_error *err);

void cs_tap_msg(struct cs_tap *t, uint16_t channel, enum cs_tap_dir dir, uint16_t kind,
                const void *payload, uint32_t len);
void cs_tap_log(struct cs_tap *t, uint16_t channel, uint8_t level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
