/* chansim traces: CTF 1.8 directories with one stream per channel (layout in
 * docs/trace-format.md). The writer buffers events per channel into packets and writes each
 * packet with one system call, so a killed process leaves every complete packet readable. The
 * reader streams all channels merged in timestamp order with a bounded buffer per stream. */
#ifndef CS_TRACE_H
#define CS_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of events buffered per channel before a packet is written. */
#define CS_TRACE_PACKET_SIZE (64 * 1024)
/* Largest message payload or log text; an event that does not fit a normal packet gets a
 * packet of its own. */
#define CS_TRACE_MAX_PAYLOAD (16u * 1024 * 1024)
/* Longest channel name or family; both match [A-Za-z0-9_.-]+. */
#define CS_TRACE_NAME_MAX 63
/* Channel ids are 0 .. CS_TRACE_MAX_CHANNELS - 1. */
#define CS_TRACE_MAX_CHANNELS 65535

enum cs_trace_dir {
    CS_DIR_TO_FW = 0,    /* guest/driver to firmware */
    CS_DIR_TO_GUEST = 1, /* firmware to guest/driver */
    CS_DIR_INTERNAL = 2, /* inside the simulated device */
};

enum cs_trace_event_type {
    CS_TRACE_MSG = 0,
    CS_TRACE_LOG = 1,
};

/* "to_firmware", "to_guest", "internal", or NULL for an unknown value. */
const char *cs_trace_dir_name(unsigned dir);

/* ---- writer ---- */

typedef struct cs_trace_writer cs_trace_writer;

/* Create a trace in dir (created with its parents if absent; an existing dir must be empty).
 * clock_hz is the simulation clock that event cycle counts refer to. */
int cs_trace_writer_open(cs_trace_writer **out, const char *dir, uint64_t clock_hz, cs_error *err);

/* Give the trace a chosen UUID instead of the random one, before any event is written: a
 * simulation derives it from its inputs so that the same run gives the same trace, byte for
 * byte. */
int cs_trace_writer_set_uuid(cs_trace_writer *w, const uint8_t uuid[16], cs_error *err);

/* Add a channel and rewrite the metadata; ids are handed out from 0 in order. Names must be
 * unique. */
int cs_trace_writer_add_channel(cs_trace_writer *w, const char *name, const char *family,
                                uint16_t *id, cs_error *err);

/* Append a message event. cycles must not go back in time within a channel (channels may
 * interleave arbitrarily). len <= CS_TRACE_MAX_PAYLOAD. */
int cs_trace_write_msg(cs_trace_writer *w, uint16_t ch, uint64_t cycles, enum cs_trace_dir dir,
                       uint16_t kind, const void *payload, uint32_t len, cs_error *err);

/* Append a driver log line (NUL-terminated, at most CS_TRACE_MAX_PAYLOAD bytes). */
int cs_trace_write_log(cs_trace_writer *w, uint16_t ch, uint64_t cycles, uint8_t level,
                       const char *text, cs_error *err);

/* Write every channel's partial packet now, e.g. at a checkpoint. */
int cs_trace_writer_flush(cs_trace_writer *w, cs_error *err);

/* Write the partial packets and free the writer, also when it fails. NULL is allowed. */
int cs_trace_writer_close(cs_trace_writer *w, cs_error *err);

/* Close and remove everything the writer created, for a run that failed before it
 * simulated anything: no trace is better than one that looks like a run. */
void cs_trace_writer_discard(cs_trace_writer *w);

/* Events accepted so far. */
uint64_t cs_trace_writer_events(const cs_trace_writer *w);

/* ---- reader ---- */

typedef struct cs_trace_reader cs_trace_reader;

struct cs_trace_event {
    uint64_t cycles;
    uint16_t channel;
    uint8_t type;  /* enum cs_trace_event_type */
    uint8_t dir;   /* msg: enum cs_trace_dir */
    uint16_t kind; /* msg: family-specific message kind */
    uint8_t level; /* log */
    uint32_t len;  /* msg: payload bytes; log: text length without the NUL */
    /* msg: payload; log: NUL-terminated text. Valid until the next reader call. */
    const uint8_t *payload;
};

/* Open a trace directory. Errors read "<path>: byte <offset>: <reason>". */
int cs_trace_reader_open(cs_trace_reader **out, const char *dir, cs_error *err);

/* Next event of all channels merged in timestamp order; ties go by channel id, then by order
 * within the channel. Returns 1 with an event, 0 at the end, -1 on a corrupt trace. */
int cs_trace_reader_next(cs_trace_reader *r, struct cs_trace_event *ev, cs_error *err);

uint64_t cs_trace_reader_clock_hz(const cs_trace_reader *r);
size_t cs_trace_reader_channels(const cs_trace_reader *r);
/* Name and family of channel id; NULL when id >= cs_trace_reader_channels(). */
const char *cs_trace_reader_channel_name(const cs_trace_reader *r, size_t id);
const char *cs_trace_reader_channel_family(const cs_trace_reader *r, size_t id);

/* Non-NULL once the reader has met a stream cut off inside a packet (a killed writer):
 * "<file>: truncated packet at byte offset N (M bytes of P); events up to offset N were read",
 * several joined by "; ". Complete after cs_trace_reader_next() has returned 0. */
const char *cs_trace_reader_warning(const cs_trace_reader *r);

void cs_trace_reader_close(cs_trace_reader *r);

/* ---- export ---- */

/* Write the trace as JSON Lines, one object per event in reader order (docs/trace-format.md).
 * Returns -1 with err on failure. Returns 0 on success; if the trace was cut off, err then
 * holds the truncation warning (err->set = 1) so the caller can show it. */
int cs_trace_to_jsonl(const char *trace_dir, FILE *out, cs_error *err);

/* pcapng export for Wireshark (docs/trace-format.md, "pcapng export"): one interface per
 * channel (link type LINKTYPE_USER0, nanosecond timestamps), one packet per event: the 8-byte
 * chansim pseudo-header below, then the message payload or the log text. */
#define CS_PCAPNG_LINKTYPE   147 /* LINKTYPE_USER0; tools/wireshark/chansim.lua decodes it */
#define CS_PCAPNG_PSEUDO_LEN 8
#define CS_PCAPNG_MAGIC      0xC1 /* pseudo-header byte 0: chansim, layout version 1 */
/* Largest packet kept whole: Wireshark refuses USER0 packets longer than 256 KiB, so longer
 * ones are cut to this length (the original length stays in the packet record). */
#define CS_PCAPNG_SNAPLEN 262144

/* Pseudo-header byte 1: the channel family. */
enum cs_pcapng_family {
    CS_PCAPNG_FAMILY_OTHER = 0,
    CS_PCAPNG_FAMILY_CRQ = 1,
    CS_PCAPNG_FAMILY_CSS = 2,
    CS_PCAPNG_FAMILY_VISOR = 3,
};

/* Pseudo-header byte 3: what the packet holds. */
enum cs_pcapng_record {
    CS_PCAPNG_RECORD_MSG = 0, /* chansim:msg; byte 2 direction, bytes 4-5 kind (big-endian) */
    CS_PCAPNG_RECORD_LOG = 1, /* chansim:log; byte 2 level, data is the text without its NUL */
};

/* Same contract as cs_trace_to_jsonl(); memory does not grow with the trace. */
int cs_trace_to_pcapng(const char *trace_dir, FILE *out, cs_error *err);

#ifdef __cplusplus
}
#endif

#endif
