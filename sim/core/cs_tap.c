#include "cs_tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_trace.h"

void cs_tap_init(struct cs_tap *t, struct cs_sched *sched, struct cs_trace_writer *trace)
{
    memset(t, 0, sizeof(*t));
    t->sched = sched;
    t->trace = trace;
}

void cs_tap_release(struct cs_tap *t)
{
    free(t->channels);
    t->channels = NULL;
    t->nchannels = 0;
}

int cs_tap_add_channel(struct cs_tap *t, const char *name, const char *family, uint16_t *id,
                       cs_error *err)
{
    for (uint16_t i = 0; i < t->nchannels; i++)
        if (strcmp(t->channels[i].name, name) == 0)
            return cs_error_set(err, "channel '%s' is defined twice", name);
    if (t->nchannels == UINT16_MAX)
        return cs_error_set(err, "channel '%s': too many channels", name);
    if (strlen(name) >= sizeof(t->channels[0].name) ||
        strlen(family) >= sizeof(t->channels[0].family))
        return cs_error_set(err, "channel '%s' (%s): name too long", name, family);
    uint16_t trace_id = t->nchannels;
    if (t->trace) {
        if (cs_trace_writer_add_channel(t->trace, name, family, &trace_id, err) < 0)
            return -1;
        if (trace_id != t->nchannels)
            return cs_error_set(err, "channel '%s': trace numbers channels differently", name);
    }
    struct cs_tap_channel *c = realloc(t->channels, (t->nchannels + 1u) * sizeof(*c));
    if (!c)
        abort();
    t->channels = c;
    memset(&c[t->nchannels], 0, sizeof(*c));
    snprintf(c[t->nchannels].name, sizeof(c->name), "%s", name);
    snprintf(c[t->nchannels].family, sizeof(c->family), "%s", family);
    *id = t->nchannels++;
    return 0;
}

int cs_tap_observe(struct cs_tap *t, struct cs_tap_observer obs, cs_error *err)
{
    if (t->nobservers == CS_TAP_MAX_OBSERVERS)
        return cs_error_set(err, "more than %d monitors on one tap", CS_TAP_MAX_OBSERVERS);
    t->observers[t->nobservers++] = obs;
    return 0;
}

/* A failed trace write (disk full, quota) keeps what was recorded so far; the writer's own
 * error names the file. Recording stops so that the trace does not get holes. */
static void trace_failed(struct cs_tap *t)
{
    if (!t->trace_error.set)
        cs_error_prefix(&t->trace_error, "trace recording stopped");
    t->trace = NULL;
}

void cs_tap_msg(struct cs_tap *t, uint16_t channel, enum cs_tap_dir dir, uint16_t kind,
                const void *payload, uint32_t len)
{
    if (channel >= t->nchannels)
        abort(); /* a model using a channel it never added: a chansim bug, not bad input */
    struct cs_tap_msg m = {cs_sched_now(t->sched), channel, (uint8_t)dir, kind, len, payload};
    t->msgs++;
    t->channels[channel].msgs++;
    if (t->trace && cs_trace_write_msg(t->trace, channel, m.cycle, (enum cs_trace_dir)dir, kind,
                                       payload, len, &t->trace_error) < 0)
        trace_failed(t);
    for (unsigned i = 0; i < t->nobservers; i++)
        t->observers[i].on_msg(t->observers[i].ctx, &m);
}

void cs_tap_log(struct cs_tap *t, uint16_t channel, uint8_t level, const char *fmt, ...)
{
    if (channel >= t->nchannels)
        abort();
    t->logs++;
    if (!t->trace)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (cs_trace_write_log(t->trace, channel, cs_sched_now(t->sched), level, text,
                           &t->trace_error) < 0)
        trace_failed(t);
}
