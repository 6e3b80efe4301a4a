/* Waveform export of a trace (chansim convert --to vcd). */
#ifndef EXPORT_VCD_H
#define EXPORT_VCD_H

#include <stdio.h>

#include "cs_error.h"

/* 0 on success (err holds a truncation warning, if any, with err->set); -1 on failure. */
int export_vcd(const char *trace_dir, FILE *out, cs_error *err);

#endif
