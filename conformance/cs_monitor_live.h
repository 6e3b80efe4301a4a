/* Running the protocol monitors live on a machine's channel tap. */
#ifndef CS_MONITOR_LIVE_H
#define CS_MONITOR_LIVE_H

#include "cs_error.h"

struct cs_machine;
struct cs_monitor_hub;

/* Watch every channel of `m`; findings are counted in m->protocol_findings, logged into the
 * trace on the machine's "sim" channel and printed on stderr. The hub is freed with the
 * machine. */
int cs_monitor_attach_live(struct cs_machine *m, struct cs_monitor_hub **out, cs_error *err);

/* The same, in the shape of cs_machine_build_observed's `ready` (hub: a struct
 * cs_monitor_hub **): monitors attached before the families see what families record while
 * they attach, as `chansim check` does. */
int cs_monitor_attach_live_ready(struct cs_machine *m, void *hub, cs_error *err);

/* End-of-run checks; call after the simulation stopped. */
void cs_monitor_finish_live(struct cs_machine *m, struct cs_monitor_hub *h);

#endif
