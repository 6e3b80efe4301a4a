/* A Value Change Dump writer (IEEE 1364 §18): signals declared per scope, then value changes
 * in time order, for waveform viewers such as GTKWave. */
#ifndef CS_VCD_H
#define CS_VCD_H

#include <stdint.h>
#include <stdio.h>

#include "cs_error.h"

struct cs_vcd;

/* Changes are given in ns; times must not go backwards. */
struct cs_vcd *cs_vcd_new(FILE *out);
/* Declare a signal of `width` bits in `scope` before the first change; returns its index. */
int cs_vcd_signal(struct cs_vcd *v, const char *scope, const char *name, unsigned width);
int cs_vcd_change(struct cs_vcd *v, uint64_t t_ns, int signal, uint64_t value, cs_error *err);
/* Write what is pending; -1 on a write error (the file is then incomplete). */
int cs_vcd_finish(struct cs_vcd *v, uint64_t t_end_ns, cs_error *err);
void cs_vcd_free(struct cs_vcd *v);

#endif
