/* Byte layout and metadata text shared by the trace writer and reader. Every field is a
 * byte-aligned little-endian integer, so offsets are fixed. Changing anything here changes the
 * on-disk format: bump CS_TRACE_FORMAT_VERSION and keep the reader able to read the old one. */
#ifndef CS_TRACE_FORMAT_H
#define CS_TRACE_FORMAT_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cs_trace.h"

#define CS_TRACE_FORMAT_NAME    "chansim-ctf"
#define CS_TRACE_FORMAT_VERSION 1
#define CS_TRACE_MAGIC          0xC1FC1FC1u
#define CS_TRACE_METADATA       "metadata"
/* Hidden, so CTF readers never take it for a stream file. */
#define CS_TRACE_METADATA_TMP ".metadata.tmp"

/* packet.header + packet.context */
enum {
    PKT_MAGIC = 0,
    PKT_UUID = 4,
    PKT_STREAM_ID = 20,
    PKT_TS_BEGIN = 24,
    PKT_TS_END = 32,
    PKT_CONTENT_SIZE = 40, /* bits */
    PKT_PACKET_SIZE = 48,  /* bits */
    PKT_CHANNEL = 56,
    PKT_HDR_SIZE = 58,
};

/* event.header, then the fields of each event class */
enum {
    EV_ID = 0,
    EV_TS = 2,
    EV_HDR_SIZE = 10,

    MSG_CHANNEL = 10,
    MSG_DIR = 12,
    MSG_KIND = 13,
    MSG_LEN = 15,
    MSG_PAYLOAD = 19,

    LOG_CHANNEL = 10,
    LOG_LEVEL = 12,
    LOG_TEXT = 13,
};

enum { EV_ID_MSG = 0, EV_ID_LOG = 1 };

/* Largest packet the writer produces: one maximal message alone. */
#define CS_TRACE_MAX_PACKET ((uint64_t)PKT_HDR_SIZE + MSG_PAYLOAD + CS_TRACE_MAX_PAYLOAD)

/* Largest metadata file the reader accepts (all 65535 channels fit several times over). */
#define CS_TRACE_MAX_METADATA (32u * 1024 * 1024)

struct cs_trace_chan_desc {
    char name[CS_TRACE_NAME_MAX + 1];
    char family[CS_TRACE_NAME_MAX + 1];
};

static inline void st16(uint8_t *p, uint16_t v)
{
    v = htole16(v);
    memcpy(p, &v, 2);
}
static inline void st32(uint8_t *p, uint32_t v)
{
    v = htole32(v);
    memcpy(p, &v, 4);
}
static inline void st64(uint8_t *p, uint64_t v)
{
    v = htole64(v);
    memcpy(p, &v, 8);
}
static inline uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return le16toh(v);
}
static inline uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return le32toh(v);
}
static inline uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return le64toh(v);
}

/* dir + "/" + name in malloc'd memory, NULL if out of memory. */
char *cs_trace_path_join(const char *dir, const char *name);

/* Growable text; a failed allocation sets oom and later appends do nothing. */
struct cs_strbuf {
    char *p;
    size_t len, cap;
    int oom;
};
void cs_strbuf_printf(struct cs_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cs_strbuf_free(struct cs_strbuf *sb);

/* The metadata is prefix + env block + suffix; the reader parses the env block and checks the
 * rest against these byte for byte. */
void cs_trace_meta_prefix(struct cs_strbuf *sb, const uint8_t uuid[16]);
void cs_trace_meta_env(struct cs_strbuf *sb, uint64_t clock_hz,
                       const struct cs_trace_chan_desc *chans, size_t n);
void cs_trace_meta_suffix(struct cs_strbuf *sb, const uint8_t uuid[16], uint64_t clock_hz);

/* 1 if s is a valid channel name or family. */
int cs_trace_name_ok(const char *s, size_t len);

void cs_trace_uuid_format(const uint8_t uuid[16], char out[37]);
/* 0 on success, -1 if s (36 characters) is not a uuid. */
int cs_trace_uuid_parse(const char *s, size_t len, uint8_t uuid[16]);

#endif
