/* Import of Linux ftrace / trace-cmd text output into chansim traces (`chansim convert --from
 * ftrace`). Supported tracepoints: the s390 channel-subsystem instruction and interrupt events
 * (drivers/s390/cio/trace.h), the vfio_ccw events, and powerpc hcall_entry / hcall_exit. Lines
 * are read one at a time, so memory depends on the number of channels, never on the file size.
 * Accepted lines, channels and payloads: docs/trace-format.md, "Imported from ftrace". */
#ifndef CS_FTRACE_IMPORT_H
#define CS_FTRACE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cs_error.h"
#include "cs_trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Imported traces run on a 1 GHz clock: one cycle is one nanosecond of the recorded system,
 * counted from the file's first imported event. */
#define CS_FTRACE_CLOCK_HZ 1000000000ull

/* Longest line read; a longer one is skipped as malformed. */
#define CS_FTRACE_LINE_MAX 65536

/* Message kinds of family css channels made from ftrace events. They sit above 0x100 so that
 * a CSS model's own records can use the low kinds. Every multi-byte field is big-endian; "cc",
 * "errno" and the other C ints are two's-complement be32. SCHID is u8 cssid, u8 ssid,
 * be16 sch_no. Layouts are in docs/trace-format.md. */
enum cs_css_ftrace_kind {
    CSS_FT_SSCH = 0x101,        /* to_firmware: SCHID, cc (8 bytes) */
    CSS_FT_CSCH = 0x102,        /* to_firmware: SCHID, cc */
    CSS_FT_HSCH = 0x103,        /* to_firmware: SCHID, cc */
    CSS_FT_XSCH = 0x104,        /* to_firmware: SCHID, cc */
    CSS_FT_RSCH = 0x105,        /* to_firmware: SCHID, cc */
    CSS_FT_STSCH = 0x106,       /* to_firmware: SCHID, cc, PMCW fields (28 bytes) */
    CSS_FT_MSCH = 0x107,        /* to_firmware: as CSS_FT_STSCH */
    CSS_FT_TSCH = 0x108,        /* to_firmware: SCHID, cc, SCSW fields (16 bytes) */
    CSS_FT_TPI = 0x109,         /* to_firmware: SCHID, cc, a, isc, type (11 bytes) */
    CSS_FT_INTERRUPT = 0x10A,   /* to_guest: SCHID, isc, type (6 bytes) */
    CSS_FT_ADAPTER_INT = 0x10B, /* to_guest: isc (1 byte) */
    CSS_FT_STCRW = 0x10C,       /* to_firmware: cc, CRW fields (12 bytes) */
    CSS_FT_CHSC = 0x10D,        /* to_firmware: code, cc, rcode [+ request, response] */
    CSS_FT_RCHP = 0x10E,        /* to_firmware: cssid, chpid, cc (6 bytes) */
    /* vfio_ccw: the host driver's view of a pass-through subchannel */
    CSS_FT_VFIO_CHP_EVENT = 0x120,     /* internal: SCHID, mask, event (12 bytes) */
    CSS_FT_VFIO_ASYNC_REQUEST = 0x121, /* internal: SCHID, command, errno (12 bytes) */
    CSS_FT_VFIO_FSM_EVENT = 0x122,     /* internal: SCHID, state, event (12 bytes) */
    CSS_FT_VFIO_IO_REQUEST = 0x123,    /* internal: SCHID, fctl, errno, info text */
    CSS_FT_VFIO_IO_FCTL = 0x124,       /* internal: as CSS_FT_VFIO_IO_REQUEST (2018 event) */
};

/* Byte 8 of CSS_FT_STSCH / CSS_FT_MSCH and of CSS_FT_TSCH: the line printed the PMCW or SCSW
 * fields. Without it (trace-cmd's raw field list of the 2015 tracepoints) only the schid, the
 * cc and, for STSCH / MSCH, dev hold values; the rest is zero. */
#define CSS_FT_HAVE_DETAIL 0x01

/* Payload sizes. */
#define CSS_FT_SCHID_CC_LEN  8
#define CSS_FT_SCHIB_LEN     28
#define CSS_FT_TSCH_LEN      16
#define CSS_FT_TPI_LEN       11
#define CSS_FT_INTERRUPT_LEN 6
#define CSS_FT_STCRW_LEN     12
#define CSS_FT_CHSC_LEN      8
#define CSS_FT_CHSC_DATA_LEN (8 + 64 + 64)
#define CSS_FT_RCHP_LEN      6
#define CSS_FT_VFIO_LEN      12 /* fixed part; IO_REQUEST / IO_FCTL add the info text */

struct cs_ftrace_stats {
    uint64_t lines;     /* lines read */
    uint64_t imported;  /* events written, one per line */
    uint64_t other;     /* well-formed lines of other tracepoints or tracers */
    uint64_t comments;  /* '#' comments, blank lines, trace-cmd headers, lost-event notes */
    uint64_t malformed; /* everything else */
    uint64_t first_malformed_line;
    char first_malformed_reason[200];
    uint64_t lost_notes;     /* "CPU:n [LOST m EVENTS]" / "[m EVENTS DROPPED]" lines */
    uint64_t lost_events;    /* sum of their m */
    uint64_t lost_uncounted; /* notes without a count: "CPU:n [EVENTS DROPPED]" */
    uint64_t clamped;        /* events earlier than their channel's previous one (or than the
                                first event), given that earlier time so channels stay ordered */
    size_t channels;         /* channels created */
};

/* Read ftrace text from in and append its events to w, creating channels as they appear.
 * in_name names the input in messages. Returns 0 at the end of the input, whatever it held
 * (st says what was imported and skipped), or -1 with err on a read or write error. */
int cs_ftrace_import(FILE *in, const char *in_name, cs_trace_writer *w, struct cs_ftrace_stats *st,
                     cs_error *err);

/* The whole conversion: read in_path and write a new trace directory out_dir. The trace is
 * built in a sibling directory "<out_dir>.partial-XXXXXX" and renamed into place, so out_dir
 * appears only on success. Fails (-1 with a one-line err) when the input is unreadable, holds
 * no supported event, or out_dir exists and is not an empty directory. st is filled either
 * way. */
int cs_ftrace_convert(const char *in_path, const char *out_dir, struct cs_ftrace_stats *st,
                      cs_error *err);

/* "N lines imported, M skipped: K other tracepoints, C comments or headers, L malformed (first
 * at line X: reason)". */
void cs_ftrace_summary(const struct cs_ftrace_stats *st, char *buf, size_t cap);

/* What the user should know beyond the summary (events the kernel lost, timestamps that went
 * back); returns 0 and an empty buf when there is nothing. */
int cs_ftrace_warnings(const struct cs_ftrace_stats *st, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
