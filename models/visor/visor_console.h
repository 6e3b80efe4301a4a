/* The console partition (spec visor.md §4.5): keyboard and mouse channels, each one queue of
 * 16-byte input reports {u64 seq_no; u16 action, arg1, arg2, arg3} the firmware produces, after
 * the 8-byte visor_input_channel_data at offset 128. Reports come from a script, e.g.
 * "key:0x1e type:hi move:100/200 click:1 wheel:+1"; they are queued and
 * inserted as the guest makes room, so none is lost when the queue is full. */
#ifndef VISOR_CONSOLE_H
#define VISOR_CONSOLE_H

#include <stdint.h>

#include "visor_channel.h"

enum visor_console_kind { VISOR_KEYBOARD, VISOR_MOUSE };

struct visor_console;
int visor_console_create(struct cs_gmem *mem, uint64_t gpa, enum visor_console_kind kind,
                         struct cs_tap *tap, uint16_t tap_ch, const char *name,
                         struct visor_console **out, cs_error *err);
void visor_console_free(struct visor_console *c);
struct visor_channel *visor_console_channel(struct visor_console *c);
uint64_t visor_console_channel_bytes(void);

/* Queue one report. */
void visor_console_report(struct visor_console *c, uint16_t action, uint16_t arg1, uint16_t arg2,
                          uint16_t arg3);
/* Parse a script and queue its reports. Words (blank or comma separated, args with ':'):
 *   key:S       KEY_DOWN_UP of set-1 scancode S      down:S / up:S   KEY_DOWN / KEY_UP
 *   type:TEXT   KEY_DOWN_UP of each letter/digit/space of TEXT
 *   move:X/Y    XY_MOTION (absolute)                 click:B / dclick:B / press:B / release:B
 *   wheel:+N / wheel:-N  N wheel steps               lock:S/ON  SET_LOCKING_KEY_STATE
 * An unknown word is an error naming it and its position. */
int visor_console_script(struct visor_console *c, const char *script, cs_error *err);
/* Insert queued reports while the queue has room: reports moved, -1 on a header fault. */
int visor_console_poll(struct visor_console *c, cs_error *err);
uint32_t visor_console_queued(const struct visor_console *c);
uint64_t visor_console_sent(const struct visor_console *c);
uint64_t visor_console_full(const struct visor_console *c); /* inserts that found it full */

#endif
