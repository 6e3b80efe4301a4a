/* Simulated durations as users write them on command lines and in suite files. */
#ifndef CS_DURATION_H
#define CS_DURATION_H

#include <stdint.h>

/* A whole number with a unit (ns, us, ms, s) into nanoseconds; -1 if malformed or too large. */
int cs_parse_duration_ns(const char *s, uint64_t *ns);

#endif
