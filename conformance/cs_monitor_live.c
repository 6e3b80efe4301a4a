#include "cs_monitor_live.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_monitor.h"

#define CONSOLE_PER_RULE 5

struct live {
    struct cs_machine *m;
    struct {
        char rule[8];
        uint64_t n;
    } shown[64]; /* findings printed per rule: a broken rule repeats, the console need not */
    struct cs_monitor_hub *hub;
    uint8_t *declared; /* per channel: told to the hub */
    uint16_t ndeclared;
};

static void on_finding(void *ctx, const struct cs_finding *f)
{
    struct live *l = ctx;
    l->m->protocol_findings++;
    cs_tap_log(&l->m->tap, l->m->sim_channel, 3, "rule %s broken on %s: %s", f->rule,
               f->channel_name, f->msg);
    size_t i = 0;
    while (i < 64 && l->shown[i].rule[0] && strcmp(l->shown[i].rule, f->rule) != 0)
        i++;
    if (i < 64 && !l->shown[i].rule[0])
        snprintf(l->shown[i].rule, sizeof(l->shown[i].rule), "%s", f->rule);
    uint64_t n = i < 64 ? ++l->shown[i].n : CONSOLE_PER_RULE + 1;
    if (n <= CONSOLE_PER_RULE)
        fprintf(stderr, "chansim: rule %s broken on channel %s at cycle %" PRIu64 ": %s\n", f->rule,
                f->channel_name, f->cycle, f->msg);
    if (n == CONSOLE_PER_RULE)
        fprintf(stderr, "chansim: further breaches of rule %s are counted and traced only\n",
                f->rule);
}

/* Channels are added while families attach; the hub learns of each at its first message. */
static void on_msg(void *ctx, const struct cs_tap_msg *m)
{
    struct live *l = ctx;
    if (m->channel >= l->ndeclared) {
        uint16_t n = l->m->tap.nchannels;
        l->declared = realloc(l->declared, n);
        if (!l->declared)
            abort();
        for (uint16_t i = l->ndeclared; i < n; i++)
            l->declared[i] = 0;
        l->ndeclared = n;
    }
    if (!l->declared[m->channel]) {
        cs_monitor_hub_channel(l->hub, m->channel, l->m->tap.channels[m->channel].name,
                               l->m->tap.channels[m->channel].family);
        l->declared[m->channel] = 1;
    }
    struct cs_mon_msg mm = {m->cycle, m->channel, m->dir, m->kind, m->len, m->payload};
    cs_monitor_hub_msg(l->hub, &mm);
}

static void release(void *arg)
{
    struct live *l = arg;
    cs_monitor_hub_free(l->hub);
    free(l->declared);
    free(l);
}

int cs_monitor_attach_live(struct cs_machine *m, struct cs_monitor_hub **out, cs_error *err)
{
    struct live *l = calloc(1, sizeof(*l));
    if (!l)
        abort();
    l->m = m;
    l->hub = cs_monitor_hub_new(on_finding, l);
    if (cs_tap_observe(&m->tap, (struct cs_tap_observer){on_msg, l}, err) < 0) {
        release(l);
        return -1;
    }
    cs_machine_on_teardown(m, release, l);
    if (out)
        *out = l->hub;
    return 0;
}

int cs_monitor_attach_live_ready(struct cs_machine *m, void *hub, cs_error *err)
{
    return cs_monitor_attach_live(m, hub, err);
}

void cs_monitor_finish_live(struct cs_machine *m, struct cs_monitor_hub *h)
{
    cs_monitor_hub_finish(h, cs_sched_now(m->sched));
}
