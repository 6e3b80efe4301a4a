/* A channel family for tests of the machine and its SystemC adapter: each
 * <chansim:vio model='test-echo' reg= count=/> device gets a channel and an interrupt line and,
 * every "echo.period" cycles, writes a counter into guest memory at reg, sends it to the
 * guest through the tap and raises its line; the line's handler answers with a message back
 * to firmware. Two such exchanges per period, `count` periods. */
#ifndef TEST_ECHO_FAMILY_H
#define TEST_ECHO_FAMILY_H

#include "cs_family.h"

extern const struct cs_family test_echo_family;

#endif
