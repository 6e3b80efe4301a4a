/* Inside the visorbus module: channels (channel.c), the bus and its devices (bus.c) and
 * controlvm processing (controlvm.c). */
#ifndef VISORBUS_PRIVATE_H
#define VISORBUS_PRIVATE_H

#include <linux/spinlock.h>
#include <linux/visorbus.h>

#include "visor_proto.h"

/* ---- channels ------------------------------------------------------------------------- */

/* Maps the channel at physaddr: its header first, then header.size bytes. NULL (logged) when
 * the header is unusable: bad signature, size below 128 or beyond guest memory, queue space
 * outside the channel. */
struct visorchannel *visorchannel_create(u64 physaddr, gfp_t gfp, const guid_t *guid,
                                         bool needs_lock);
void visorchannel_destroy(struct visorchannel *channel);
u64 visorchannel_get_physaddr(struct visorchannel *channel);
ulong visorchannel_get_nbytes(struct visorchannel *channel);
/* Cached copy of the header taken at create (updated by visorchannel_write). */
struct channel_header *visorchannel_get_header(struct visorchannel *channel);
int visorchannel_read(struct visorchannel *channel, ulong offset, void *dest, ulong nbytes);
int visorchannel_write(struct visorchannel *channel, ulong offset, void *src, ulong nbytes);
/* The exact signal size every queue of this channel must declare (0: the channel's type has
 * no known size, every signal operation is refused). Set from the type at create. */
void visorchannel_set_signal_size(struct visorchannel *channel, u32 bytes);
u32 visorchannel_get_signal_size(struct visorchannel *channel);
/* Protocol violations seen on this channel (each logged with what and where). */
u64 visorchannel_violations(struct visorchannel *channel);
/* Signal operations refused for a broken queue header: a queue stays broken until a check
 * passes again, and only the first refusal of such an episode is a (logged) violation. */
u64 visorchannel_refused(struct visorchannel *channel);

/* Every violation of any channel, for the harness. */
u64 visorbus_violation_count(void);
void visorbus_note_violation(void);

/* ---- the bus -------------------------------------------------------------------------- */

int visorbus_init(void);
void visorbus_exit(void);
int visorbus_create_bus(struct visor_device *bus_info);
void visorbus_remove_bus(struct visor_device *bus_info);
int visorbus_create_device(struct visor_device *dev_info);
void visorbus_remove_device(struct visor_device *dev_info);
int visorbus_pause_device(struct visor_device *dev_info);
int visorbus_resume_device(struct visor_device *dev_info);
/* Look up a device (dev_no BUS_ROOT_DEVICE: the bus) among those created. */
struct visor_device *visorbus_find(u32 bus_no, u32 dev_no);

/* ---- controlvm ------------------------------------------------------------------------ */

int visorchipset_init_module(void);
void visorchipset_exit_module(void);
/* Called by the bus when a create, pause or resume completes: sends the controlvm response
 * the command was waiting for (pending_msg_hdr). */
void visorchipset_bus_create_done(struct visor_device *bus_info, int status);
void visorchipset_device_create_done(struct visor_device *dev_info, int status);
void visorchipset_device_state_done(struct visor_device *dev_info, int status);

#endif
