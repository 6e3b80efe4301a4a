/* JSON Lines export: one object per event, keys in a fixed order and no floating point, so the
 * output of a trace is byte-for-byte stable and suits golden-file diffs. */
#include "cs_trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct line {
    char *p;
    size_t len, cap;
};

static int reserve(struct line *l, size_t more)
{
    if (l->len + more <= l->cap)
        return 0;
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->len + more)
        cap *= 2;
    char *p = realloc(l->p, cap);
    if (!p)
        return -1;
    l->p = p;
    l->cap = cap;
    return 0;
}

/* Callers reserve room first. */
static void put(struct line *l, const char *s)
{
    size_t n = strlen(s);
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void put_u64(struct line *l, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        l->p[l->len++] = tmp[--n];
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or code points
 * above U+10FFFF), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static const char hex[] = "0123456789abcdef";

/* JSON string body. Bytes that are not valid UTF-8 become \u00XX (their Latin-1 reading), so
 * any log text yields valid JSON. Worst case 6 output bytes per input byte. */
static void put_text(struct line *l, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            l->p[l->len++] = (char)c;
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_len(s + i, n - i);
            if (k) {
                memcpy(l->p + l->len, s + i, k);
                l->len += k;
                i += k;
                continue;
            }
        }
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                          : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f"
                                      : NULL;
        if (esc) {
            put(l, esc);
        } else {
            put(l, "\\u00");
            l->p[l->len++] = hex[c >> 4];
            l->p[l->len++] = hex[c & 15];
        }
        i++;
    }
}

int cs_trace_to_jsonl(const char *trace_dir, FILE *out, cs_error *err)
{
    cs_error_clear(err);
    cs_trace_reader *r;
    if (cs_trace_reader_open(&r, trace_dir, err) < 0)
        return -1;
    struct line l = {0};
    struct cs_trace_event ev;
    int rc;
    while ((rc = cs_trace_reader_next(r, &ev, err)) > 0) {
        const char *name = cs_trace_reader_channel_name(r, ev.channel);
        size_t body = ev.type == CS_TRACE_MSG ? 2 * (size_t)ev.len : 6 * (size_t)ev.len;
        if (reserve(&l, 192 + strlen(name) + body) < 0) {
            rc = cs_error_set(err, "%s: out of memory formatting JSON Lines", trace_dir);
            break;
        }
        l.len = 0;
        put(&l, "{\"t\":");
        put_u64(&l, ev.cycles);
        put(&l, ",\"channel\":\"");
        put(&l, name); /* channel names never need escaping */
        put(&l, "\",\"ch\":");
        put_u64(&l, ev.channel);
        if (ev.type == CS_TRACE_MSG) {
            put(&l, ",\"type\":\"msg\",\"dir\":\"");
            put(&l, cs_trace_dir_name(ev.dir));
            put(&l, "\",\"kind\":");
            put_u64(&l, ev.kind);
            put(&l, ",\"len\":");
            put_u64(&l, ev.len);
            put(&l, ",\"payload\":\"");
            for (uint32_t i = 0; i < ev.len; i++) {
                l.p[l.len++] = hex[ev.payload[i] >> 4];
                l.p[l.len++] = hex[ev.payload[i] & 15];
            }
        } else {
            put(&l, ",\"type\":\"log\",\"level\":");
            put_u64(&l, ev.level);
            put(&l, ",\"text\":\"");
            put_text(&l, ev.payload, ev.len);
        }
        put(&l, "\"}\n");
        if (fwrite(l.p, 1, l.len, out) != l.len) {
            rc = cs_error_errno(err, errno, "%s: writing JSON Lines", trace_dir);
            break;
        }
    }
    if (rc == 0 && fflush(out) != 0)
        rc = cs_error_errno(err, errno, "%s: writing JSON Lines", trace_dir);
    if (rc == 0 && cs_trace_reader_warning(r))
        cs_error_set(err, "%s", cs_trace_reader_warning(r));
    free(l.p);
    cs_trace_reader_close(r);
    return rc < 0 ? -1 : 0;
}
