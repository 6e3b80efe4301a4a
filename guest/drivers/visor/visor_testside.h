/* Kernel-side entry points for the visor driver tests: the tests are plain C, the drivers are
 * built against the shim; these wrappers take only standard types. */
#ifndef VISOR_TESTSIDE_H
#define VISOR_TESTSIDE_H

#include <stddef.h>
#include <stdint.h>

/* offsetof / sizeof of the drivers' own declarations by "struct.field" / "sizeof struct";
 * (size_t)-1 for a name the table does not have. */
size_t vt_layout(const char *name);

enum vt_channel_type { VT_CONTROLVM, VT_VHBA, VT_VNIC, VT_KEYBOARD, VT_MOUSE, VT_VBUS };
/* visorchannel_create on guest-physical pa in the current kernel (needs_lock set) */
void *vt_channel_create(uint64_t pa, enum vt_channel_type type);
void vt_channel_destroy(void *ch);
int vt_signal_insert(void *ch, uint32_t queue, void *msg);
int vt_signal_remove(void *ch, uint32_t queue, void *msg);
int vt_signal_empty(void *ch, uint32_t queue);
uint64_t vt_channel_violations(void *ch);
uint64_t vt_channel_refused(void *ch);
uint64_t vt_all_violations(void);

#endif
