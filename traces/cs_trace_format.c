#include "cs_trace_format.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

char *cs_trace_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

void cs_strbuf_printf(struct cs_strbuf *sb, const char *fmt, ...)
{
    if (sb->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = sb->cap - sb->len;
        int n = vsnprintf(sb->p ? sb->p + sb->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            sb->oom = 1;
            return;
        }
        if ((size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        size_t cap = sb->cap ? sb->cap * 2 : 4096;
        while (cap - sb->len <= (size_t)n)
            cap *= 2;
        char *p = realloc(sb->p, cap);
        if (!p) {
            sb->oom = 1;
            return;
        }
        sb->p = p;
        sb->cap = cap;
    }
}

void cs_strbuf_free(struct cs_strbuf *sb)
{
    free(sb->p);
    memset(sb, 0, sizeof(*sb));
}

void cs_trace_uuid_format(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cs_trace_uuid_parse(const char *s, size_t len, uint8_t uuid[16])
{
    if (len != 36)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        uuid[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return 0;
}

int cs_trace_name_ok(const char *s, size_t len)
{
    if (len == 0 || len > CS_TRACE_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

void cs_trace_meta_prefix(struct cs_strbuf *sb, const uint8_t uuid[16])
{
    char u[37];
    cs_trace_uuid_format(uuid, u);
    cs_strbuf_printf(sb,
                     "/* CTF 1.8 */\n"
                     "/* chansim trace; layout in docs/trace-format.md of the chansim sources */\n"
                     "\n"
                     "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
                     "typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
                     "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
                     "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
                     "typealias integer { size = 8; align = 8; signed = false; base = 16; } "
                     ":= xuint8_t;\n"
                     "\n"
                     "trace {\n"
                     "\tmajor = 1;\n"
                     "\tminor = 8;\n"
                     "\tuuid = \"%s\";\n"
                     "\tbyte_order = le;\n"
                     "\tpacket.header := struct {\n"
                     "\t\tuint32_t magic;\n"
                     "\t\tuint8_t uuid[16];\n"
                     "\t\tuint32_t stream_id;\n"
                     "\t};\n"
                     "};\n"
                     "\n",
                     u);
}

void cs_trace_meta_env(struct cs_strbuf *sb, uint64_t clock_hz,
                       const struct cs_trace_chan_desc *chans, size_t n)
{
    cs_strbuf_printf(sb,
                     "env {\n"
                     "\tchansim_format = \"%s\";\n"
                     "\tchansim_format_version = %d;\n"
                     "\tclock_hz = %" PRIu64 ";\n",
                     CS_TRACE_FORMAT_NAME, CS_TRACE_FORMAT_VERSION, clock_hz);
    for (size_t i = 0; i < n; i++)
        cs_strbuf_printf(sb, "\tchannel_%zu_name = \"%s\";\n\tchannel_%zu_family = \"%s\";\n", i,
                         chans[i].name, i, chans[i].family);
    cs_strbuf_printf(sb, "};");
}

void cs_trace_meta_suffix(struct cs_strbuf *sb, const uint8_t uuid[16], uint64_t clock_hz)
{
    char u[37];
    cs_trace_uuid_format(uuid, u);
    cs_strbuf_printf(sb,
                     "\n"
                     "\n"
                     "clock {\n"
                     "\tname = cycles;\n"
                     "\tuuid = \"%s\";\n"
                     "\tdescription = \"chansim simulation clock\";\n"
                     "\tfreq = %" PRIu64 ";\n"
                     "\tprecision = 0;\n"
                     "\toffset_s = 0;\n"
                     "\toffset = 0;\n"
                     "\tabsolute = false;\n"
                     "};\n"
                     "\n"
                     "typealias integer {\n"
                     "\tsize = 64; align = 8; signed = false;\n"
                     "\tmap = clock.cycles.value;\n"
                     "} := cycles_t;\n"
                     "\n"
                     "stream {\n"
                     "\tid = 0;\n"
                     "\tpacket.context := struct {\n"
                     "\t\tcycles_t timestamp_begin;\n"
                     "\t\tcycles_t timestamp_end;\n"
                     "\t\tuint64_t content_size;\n"
                     "\t\tuint64_t packet_size;\n"
                     "\t\tuint16_t channel_id;\n"
                     "\t};\n"
                     "\tevent.header := struct {\n"
                     "\t\tuint16_t id;\n"
                     "\t\tcycles_t timestamp;\n"
                     "\t};\n"
                     "};\n"
                     "\n"
                     "event {\n"
                     "\tname = \"chansim:msg\";\n"
                     "\tid = %d;\n"
                     "\tstream_id = 0;\n"
                     "\tfields := struct {\n"
                     "\t\tuint16_t channel_id;\n"
                     "\t\tenum : uint8_t { to_firmware = 0, to_guest = 1, internal = 2 } "
                     "direction;\n"
                     "\t\tuint16_t kind;\n"
                     "\t\tuint32_t payload_len;\n"
                     "\t\txuint8_t payload[payload_len];\n"
                     "\t};\n"
                     "};\n"
                     "\n"
                     "event {\n"
                     "\tname = \"chansim:log\";\n"
                     "\tid = %d;\n"
                     "\tstream_id = 0;\n"
                     "\tfields := struct {\n"
                     "\t\tuint16_t channel_id;\n"
                     "\t\tuint8_t level;\n"
                     "\t\tstring text;\n"
                     "\t};\n"
                     "};\n",
                     u, clock_hz, EV_ID_MSG, EV_ID_LOG);
}

const char *cs_trace_dir_name(unsigned dir)
{
    switch (dir) {
    case CS_DIR_TO_FW:
        return "to_firmware";
    case CS_DIR_TO_GUEST:
        return "to_guest";
    case CS_DIR_INTERNAL:
        return "internal";
    }
    return NULL;
}
