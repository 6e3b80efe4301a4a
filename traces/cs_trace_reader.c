#include "cs_trace.h"
#include "cs_trace_format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Per-stream buffer: one normal packet plus the next packet's header. It grows only for a
 * packet larger than that (one big event) and shrinks back afterwards, so memory stays bounded
 * whatever the trace size. */
#define RD_BUF_SIZE (CS_TRACE_PACKET_SIZE + PKT_HDR_SIZE)
/* Smallest read, so traces of many small packets (frequent flushes) still read in chunks. */
#define RD_MIN_READ (16 * 1024)

/* Magic of packetized CTF metadata, which chansim never writes. */
#define CTF_METADATA_PACKET_MAGIC 0x75D11D57u

struct rstream {
    struct cs_trace_event ev; /* head event, the merge key is (ev.cycles, ev.channel) */
    const uint8_t *cur;       /* next event of the current packet */
    const uint8_t *content_end;
    uint64_t last_ts, pkt_end;
    uint8_t *buf;
    size_t cap, start, end; /* buf[start, end) is unread; the current packet begins at start */
    size_t pkt_size;        /* bytes of the current packet, 0 before the first */
    uint64_t buf_off;       /* file offset of buf[0] */
    uint64_t file_size;     /* at open; only for messages */
    int fd;
    int channel; /* -1 until the first packet header is read */
    char *path;
};

struct cs_trace_reader {
    struct rstream **heap;
    size_t nheap;
    int pending; /* heap[0]'s event was handed out; advance that stream first */
    int failed;
    cs_error fail;
    struct rstream *streams;
    size_t nstreams;
    struct cs_trace_chan_desc *chans;
    size_t nchans;
    int *chan_stream; /* index into streams per channel, -1 if none yet */
    uint64_t clock_hz;
    uint8_t uuid[16];
    char *dir;
    struct cs_strbuf warning;
};

__attribute__((format(printf, 4, 5))) static int bad(cs_error *err, const char *path, uint64_t off,
                                                     const char *fmt, ...)
{
    char reason[CS_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return cs_error_set(err, "%s: byte %" PRIu64 ": %s", path, off, reason);
}

/* ---- metadata ---- */

enum tok_kind { T_EOF, T_IDENT, T_NUM, T_STR, T_PUNCT };

struct tok {
    enum tok_kind kind;
    size_t off, len; /* T_STR includes the quotes */
};

struct lexer {
    const char *s;
    size_t n, pos;
    const char *path;
};

static int is_ident_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int lex(struct lexer *lx, struct tok *t, cs_error *err)
{
    const char *s = lx->s;
    size_t n = lx->n, i = lx->pos;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                         s[i] == '\f' || s[i] == '\v'))
            i++;
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/'))
                j++;
            if (j + 1 >= n)
                return bad(err, lx->path, i, "unterminated comment in metadata");
            i = j + 2;
            continue;
        }
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
            while (i < n && s[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    t->off = i;
    if (i >= n) {
        t->kind = T_EOF;
        t->len = 0;
        lx->pos = i;
        return 0;
    }
    char c = s[i];
    size_t j = i + 1;
    if (is_ident_start(c)) {
        while (j < n && is_ident_char(s[j]))
            j++;
        t->kind = T_IDENT;
    } else if (c >= '0' && c <= '9') {
        while (j < n && is_ident_char(s[j]))
            j++;
        t->kind = T_NUM;
    } else if (c == '"') {
        while (j < n && s[j] != '"')
            j += s[j] == '\\' ? 2 : 1;
        if (j >= n)
            return bad(err, lx->path, i, "unterminated string in metadata");
        j++;
        t->kind = T_STR;
    } else if (c != '\0' && strchr("{}[]()<>;:=,.+-*", c)) {
        t->kind = T_PUNCT;
    } else {
        return bad(err, lx->path, i, "unexpected byte 0x%02x in metadata (not TSDL text)",
                   (unsigned)(uint8_t)c);
    }
    t->len = j - i;
    lx->pos = j;
    return 0;
}

static int tok_is(const struct lexer *lx, const struct tok *t, enum tok_kind kind, const char *text)
{
    return t->kind == kind && t->len == strlen(text) && !memcmp(lx->s + t->off, text, t->len);
}

/* Unsigned decimal or 0x hexadecimal literal; -1 if it is anything else or overflows. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    int base = 10;
    size_t i = 0;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == len)
        return -1;
    for (; i < len; i++) {
        int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
                : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                : s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                             : 99;
        if (d >= base || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return -1;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return 0;
}

struct env_value {
    int seen;
    int negative;
    struct tok t;
};

struct env_chan {
    struct env_value name, family;
};

struct meta {
    int have_env, have_uuid;
    size_t env_start, env_end;
    struct tok uuid;
    struct env_value format, version, clock_hz;
    struct env_chan *chans;
    size_t nchans; /* highest id seen + 1 */
    /* A channel key whose id is out of range; reported only once the trace is known to be a
     * chansim trace, since foreign metadata may use such keys for its own purposes. */
    size_t bad_chan_off;
    const char *bad_chan_why;
};

/* channel_<id>_name / channel_<id>_family, with a canonical decimal id. */
static int env_channel_key(const char *k, size_t len, struct meta *m, size_t off,
                           struct env_value **slot)
{
    *slot = NULL;
    if (len < 8 || memcmp(k, "channel_", 8))
        return 0;
    size_t i = 8;
    uint64_t id = 0;
    size_t digits = 0;
    while (i < len && k[i] >= '0' && k[i] <= '9') {
        if (id < 1000000)
            id = id * 10 + (uint64_t)(k[i] - '0');
        i++;
        digits++;
    }
    int is_name = len - i == 5 && !memcmp(k + i, "_name", 5);
    int is_family = len - i == 7 && !memcmp(k + i, "_family", 7);
    if (digits == 0 || (!is_name && !is_family))
        return 0;
    if ((digits > 1 && k[8] == '0') || id >= CS_TRACE_MAX_CHANNELS) {
        if (!m->bad_chan_why) {
            m->bad_chan_off = off;
            m->bad_chan_why = "env key names a channel id that is not a decimal number below "
                              "65535";
        }
        return 0;
    }
    if (id >= m->nchans) {
        struct env_chan *c = realloc(m->chans, (size_t)(id + 1) * sizeof(*c));
        if (!c)
            return -1;
        memset(c + m->nchans, 0, (size_t)(id + 1 - m->nchans) * sizeof(*c));
        m->chans = c;
        m->nchans = (size_t)id + 1;
    }
    *slot = is_name ? &m->chans[id].name : &m->chans[id].family;
    return 0;
}

/* After "env {": key = value; pairs up to "};". */
static int parse_env(struct lexer *lx, struct meta *m, cs_error *err)
{
    struct tok k, t, v;
    for (;;) {
        if (lex(lx, &k, err) < 0)
            return -1;
        if (tok_is(lx, &k, T_PUNCT, "}")) {
            if (lex(lx, &t, err) < 0)
                return -1;
            if (!tok_is(lx, &t, T_PUNCT, ";"))
                return bad(err, lx->path, t.off, "expected ';' after the env block");
            m->env_end = t.off + 1;
            return 0;
        }
        if (k.kind != T_IDENT)
            return bad(err, lx->path, k.off, "expected a key or '}' in the env block");
        if (lex(lx, &t, err) < 0)
            return -1;
        if (!tok_is(lx, &t, T_PUNCT, "="))
            return bad(err, lx->path, t.off, "expected '=' after env key");
        if (lex(lx, &v, err) < 0)
            return -1;
        int negative = 0;
        if (tok_is(lx, &v, T_PUNCT, "-")) {
            negative = 1;
            if (lex(lx, &v, err) < 0)
                return -1;
        }
        if (v.kind != T_STR && v.kind != T_NUM)
            return bad(err, lx->path, v.off, "env value must be a string or an integer");
        if (negative && v.kind != T_NUM)
            return bad(err, lx->path, v.off, "env value must be a string or an integer");
        if (lex(lx, &t, err) < 0)
            return -1;
        if (!tok_is(lx, &t, T_PUNCT, ";"))
            return bad(err, lx->path, t.off, "expected ';' after env value");

        const char *key = lx->s + k.off;
        struct env_value *slot = NULL;
        if (tok_is(lx, &k, T_IDENT, "chansim_format"))
            slot = &m->format;
        else if (tok_is(lx, &k, T_IDENT, "chansim_format_version"))
            slot = &m->version;
        else if (tok_is(lx, &k, T_IDENT, "clock_hz"))
            slot = &m->clock_hz;
        else if (env_channel_key(key, k.len, m, k.off, &slot) < 0)
            return bad(err, lx->path, k.off, "out of memory");
        if (slot && !slot->seen) { /* the first definition wins; the layout check has the rest */
            slot->seen = 1;
            slot->negative = negative;
            slot->t = v;
        }
    }
}

/* After "trace {": find uuid = "..." at the block's own level. */
static int parse_trace_block(struct lexer *lx, struct meta *m, cs_error *err)
{
    int depth = 1;
    struct tok t, prev2 = {T_EOF, 0, 0}, prev1 = {T_EOF, 0, 0};
    while (depth > 0) {
        if (lex(lx, &t, err) < 0)
            return -1;
        if (t.kind == T_EOF)
            return bad(err, lx->path, t.off, "unterminated trace block");
        if (tok_is(lx, &t, T_PUNCT, "{"))
            depth++;
        else if (tok_is(lx, &t, T_PUNCT, "}"))
            depth--;
        else if (depth == 1 && t.kind == T_STR && !m->have_uuid &&
                 tok_is(lx, &prev2, T_IDENT, "uuid") && tok_is(lx, &prev1, T_PUNCT, "=")) {
            m->have_uuid = 1;
            m->uuid = t;
        }
        prev2 = prev1;
        prev1 = t;
    }
    return 0;
}

static int scan_metadata(struct lexer *lx, struct meta *m, cs_error *err)
{
    int depth = 0, have_trace = 0;
    struct tok t, next;
    int have_next = 0;
    for (;;) {
        if (have_next) {
            t = next;
            have_next = 0;
        } else if (lex(lx, &t, err) < 0) {
            return -1;
        }
        if (t.kind == T_EOF)
            return 0;
        if (tok_is(lx, &t, T_PUNCT, "{")) {
            depth++;
        } else if (tok_is(lx, &t, T_PUNCT, "}")) {
            if (depth == 0)
                return bad(err, lx->path, t.off, "unbalanced '}' in metadata");
            depth--;
        } else if (depth == 0 && t.kind == T_IDENT &&
                   ((!m->have_env && tok_is(lx, &t, T_IDENT, "env")) ||
                    (!have_trace && tok_is(lx, &t, T_IDENT, "trace")))) {
            if (lex(lx, &next, err) < 0)
                return -1;
            if (!tok_is(lx, &next, T_PUNCT, "{")) {
                have_next = 1;
                continue;
            }
            if (tok_is(lx, &t, T_IDENT, "env")) {
                m->have_env = 1;
                m->env_start = t.off;
                if (parse_env(lx, m, err) < 0)
                    return -1;
            } else {
                have_trace = 1;
                if (parse_trace_block(lx, m, err) < 0)
                    return -1;
            }
        }
    }
}

static int str_tok_eq(const char *s, const struct tok *t, const char *want)
{
    return t->kind == T_STR && t->len == strlen(want) + 2 &&
           !memcmp(s + t->off + 1, want, t->len - 2);
}

/* The text outside the env block must be exactly what this version writes. */
static int check_layout(const char *path, const char *text, size_t len, size_t start,
                        const char *want, size_t want_len, cs_error *err)
{
    size_t i = 0;
    while (i < len && i < want_len && text[i] == want[i])
        i++;
    if (i == len && i == want_len)
        return 0;
    return bad(err, path, start + i,
               "metadata differs from the chansim-ctf version %d layout here (edited metadata, "
               "or another tool's trace)",
               CS_TRACE_FORMAT_VERSION);
}

static int parse_metadata(cs_trace_reader *r, const char *path, const char *s, size_t n,
                          cs_error *err)
{
    static const char sig[] = "/* CTF 1.8";
    if (n == 0)
        return bad(err, path, 0, "empty metadata file");
    if (n >= 4 && ld32((const uint8_t *)s) == CTF_METADATA_PACKET_MAGIC)
        return bad(err, path, 0,
                   "packetized CTF metadata; chansim writes plain-text metadata, so this is "
                   "another tool's trace");
    if (n < sizeof(sig) - 1 || memcmp(s, sig, sizeof(sig) - 1))
        return bad(err, path, 0, "not CTF metadata: it does not begin with \"/* CTF 1.8\"");

    struct meta m = {0};
    struct lexer lx = {s, n, 0, path};
    int rc = -1;
    if (scan_metadata(&lx, &m, err) < 0)
        goto out;
    if (!m.have_env) {
        bad(err, path, 0,
            "not a chansim trace: the metadata has no env block (another tool's "
            "CTF trace?)");
        goto out;
    }
    if (!m.format.seen) {
        bad(err, path, m.env_start,
            "not a chansim trace: env has no chansim_format (another tool's CTF trace?)");
        goto out;
    }
    if (!str_tok_eq(s, &m.format.t, CS_TRACE_FORMAT_NAME)) {
        bad(err, path, m.format.t.off, "not a chansim trace: chansim_format is %.*s, not \"%s\"",
            (int)(m.format.t.len > 80 ? 80 : m.format.t.len), s + m.format.t.off,
            CS_TRACE_FORMAT_NAME);
        goto out;
    }
    uint64_t version;
    if (!m.version.seen) {
        bad(err, path, m.env_start, "env has no chansim_format_version");
        goto out;
    }
    if (m.version.t.kind != T_NUM || m.version.negative ||
        parse_u64(s + m.version.t.off, m.version.t.len, &version) < 0 || version == 0) {
        bad(err, path, m.version.t.off, "chansim_format_version is not a positive integer");
        goto out;
    }
    if (version > CS_TRACE_FORMAT_VERSION) {
        bad(err, path, m.version.t.off,
            "trace format version %" PRIu64 " is newer than this chansim supports (%d)", version,
            CS_TRACE_FORMAT_VERSION);
        goto out;
    }
    if (!m.clock_hz.seen) {
        bad(err, path, m.env_start, "env has no clock_hz");
        goto out;
    }
    if (m.clock_hz.t.kind != T_NUM || m.clock_hz.negative ||
        parse_u64(s + m.clock_hz.t.off, m.clock_hz.t.len, &r->clock_hz) < 0 || !r->clock_hz) {
        bad(err, path, m.clock_hz.t.off, "clock_hz is not a positive integer");
        goto out;
    }
    if (m.bad_chan_why) {
        bad(err, path, m.bad_chan_off, "%s", m.bad_chan_why);
        goto out;
    }
    r->chans = calloc(m.nchans ? m.nchans : 1, sizeof(*r->chans));
    r->chan_stream = malloc((m.nchans ? m.nchans : 1) * sizeof(*r->chan_stream));
    if (!r->chans || !r->chan_stream) {
        bad(err, path, 0, "out of memory for %zu channels", m.nchans);
        goto out;
    }
    r->nchans = m.nchans;
    for (size_t i = 0; i < m.nchans; i++) {
        r->chan_stream[i] = -1;
        struct env_value *v[2] = {&m.chans[i].name, &m.chans[i].family};
        char *dst[2] = {r->chans[i].name, r->chans[i].family};
        static const char *const what[2] = {"name", "family"};
        for (int k = 0; k < 2; k++) {
            if (!v[k]->seen) {
                bad(err, path, m.env_start, "env has no channel_%zu_%s but names channel %zu", i,
                    what[k], m.nchans - 1);
                goto out;
            }
            const struct tok *t = &v[k]->t;
            if (t->kind != T_STR || !cs_trace_name_ok(s + t->off + 1, t->len - 2)) {
                bad(err, path, t->off,
                    "channel_%zu_%s must be a string of 1 to %d characters of [A-Za-z0-9_.-]", i,
                    what[k], CS_TRACE_NAME_MAX);
                goto out;
            }
            memcpy(dst[k], s + t->off + 1, t->len - 2);
            dst[k][t->len - 2] = '\0';
        }
    }
    if (!m.have_uuid || cs_trace_uuid_parse(s + m.uuid.off + 1, m.uuid.len - 2, r->uuid) < 0) {
        bad(err, path, m.have_uuid ? m.uuid.off : 0,
            m.have_uuid ? "trace uuid is not a uuid" : "the trace block has no uuid");
        goto out;
    }
    struct cs_strbuf pre = {0}, suf = {0};
    cs_trace_meta_prefix(&pre, r->uuid);
    cs_trace_meta_suffix(&suf, r->uuid, r->clock_hz);
    if (pre.oom || suf.oom)
        bad(err, path, 0, "out of memory");
    else if (check_layout(path, s, m.env_start, 0, pre.p, pre.len, err) == 0 &&
             check_layout(path, s + m.env_end, n - m.env_end, m.env_end, suf.p, suf.len, err) == 0)
        rc = 0;
    cs_strbuf_free(&pre);
    cs_strbuf_free(&suf);
out:
    free(m.chans);
    return rc;
}

static int read_metadata(cs_trace_reader *r, cs_error *err)
{
    char *path = cs_trace_path_join(r->dir, CS_TRACE_METADATA);
    if (!path)
        return cs_error_set(err, "%s: out of memory", r->dir);
    int rc = -1;
    char *text = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            bad(err, path, 0, "no metadata file, so %s is not a CTF trace directory", r->dir);
        else
            bad(err, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        bad(err, path, 0, "cannot stat: %s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        bad(err, path, 0, "not a regular file");
        goto out;
    }
    if ((uint64_t)st.st_size > CS_TRACE_MAX_METADATA) {
        bad(err, path, CS_TRACE_MAX_METADATA, "metadata larger than %u bytes",
            CS_TRACE_MAX_METADATA);
        goto out;
    }
    size_t cap = (size_t)st.st_size, len = 0;
    text = malloc(cap + 1);
    if (!text) {
        bad(err, path, 0, "out of memory for %zu bytes of metadata", cap);
        goto out;
    }
    while (len < cap) {
        ssize_t k = read(fd, text + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            bad(err, path, len, "read: %s", strerror(errno));
            goto out;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    text[len] = '\0';
    rc = parse_metadata(r, path, text, len, err);
out:
    if (fd >= 0)
        close(fd);
    free(text);
    free(path);
    return rc;
}

/* ---- streams ---- */

/* Make n bytes from the current packet start available, if the file has them. Each read
 * also fetches the next packet's header, so a trace of full packets costs one read() per packet
 * and only that header is ever moved within the buffer. */
static int fill(struct rstream *s, size_t n, cs_error *err)
{
    size_t avail = s->end - s->start;
    if (avail >= n)
        return 0;
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, avail);
        s->buf_off += s->start;
        s->end = avail;
        s->start = 0;
    }
    size_t want = n + PKT_HDR_SIZE;
    if (want < RD_MIN_READ)
        want = RD_MIN_READ;
    size_t cap = want > RD_BUF_SIZE ? want : RD_BUF_SIZE;
    if (s->cap < cap || (s->cap > cap && avail <= cap)) {
        uint8_t *b = realloc(s->buf, cap);
        if (!b)
            return bad(err, s->path, s->buf_off, "out of memory for a %zu byte packet", n);
        s->buf = b;
        s->cap = cap;
    }
    while (s->end < n) {
        ssize_t k = read(s->fd, s->buf + s->end, want - s->end);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return bad(err, s->path, s->buf_off + s->end, "read: %s", strerror(errno));
        }
        if (k == 0)
            break;
        s->end += (size_t)k;
    }
    return 0;
}

static void truncated(cs_trace_reader *r, const struct rstream *s, uint64_t off, size_t have,
                      uint64_t size)
{
    if (r->warning.len)
        cs_strbuf_printf(&r->warning, "; ");
    if (size)
        cs_strbuf_printf(&r->warning,
                         "%s: truncated packet at byte offset %" PRIu64 " (%zu bytes of %" PRIu64
                         "); events up to offset %" PRIu64 " were read",
                         s->path, off, have, size, off);
    else
        cs_strbuf_printf(&r->warning,
                         "%s: truncated packet at byte offset %" PRIu64
                         " (%zu bytes of a %d-byte packet header); events up to offset %" PRIu64
                         " were read",
                         s->path, off, have, PKT_HDR_SIZE, off);
}

/* packet_size and content_size (in bits) must be whole bytes and cover the packet header and
 * context. */
static int check_size_bits(cs_error *err, const char *path, uint64_t off, const char *field,
                           uint64_t bits)
{
    if (bits % 8)
        return bad(err, path, off, "%s %" PRIu64 " bits is not a multiple of 8", field, bits);
    if (bits / 8 < PKT_HDR_SIZE)
        return bad(err, path, off,
                   "%s %" PRIu64 " bits is smaller than the packet header and context (%d bits)",
                   field, bits, PKT_HDR_SIZE * 8);
    return 0;
}

/* Move to the next packet that holds events. 1: loaded, 0: end of stream, -1: corrupt. */
static int load_packet(cs_trace_reader *r, struct rstream *s, cs_error *err)
{
    for (;;) {
        s->start += s->pkt_size;
        s->pkt_size = 0;
        if (fill(s, PKT_HDR_SIZE, err) < 0)
            return -1;
        size_t avail = s->end - s->start;
        uint64_t off = s->buf_off + s->start;
        const uint8_t *p = s->buf + s->start;
        if (avail == 0)
            return 0;
        if (avail >= 4 && ld32(p + PKT_MAGIC) != CS_TRACE_MAGIC)
            return bad(err, s->path, off, "bad packet magic 0x%08" PRIx32 " (expected 0x%08x)",
                       ld32(p + PKT_MAGIC), CS_TRACE_MAGIC);
        if (avail < PKT_HDR_SIZE) {
            truncated(r, s, off, avail, 0);
            return 0;
        }
        if (memcmp(p + PKT_UUID, r->uuid, 16))
            return bad(err, s->path, off + PKT_UUID,
                       "packet uuid differs from the trace uuid in the metadata (a stream file "
                       "of another trace?)");
        if (ld32(p + PKT_STREAM_ID) != 0)
            return bad(err, s->path, off + PKT_STREAM_ID,
                       "unknown stream class id %" PRIu32 " (the metadata defines only 0)",
                       ld32(p + PKT_STREAM_ID));
        uint64_t psize = ld64(p + PKT_PACKET_SIZE), csize = ld64(p + PKT_CONTENT_SIZE);
        uint64_t left = s->file_size > off ? s->file_size - off : 0;
        if (check_size_bits(err, s->path, off + PKT_PACKET_SIZE, "packet_size", psize) < 0)
            return -1;
        /* A packet running past the end of the file is what a killed writer leaves, unless
         * it is larger than any packet chansim writes. */
        if (psize / 8 > CS_TRACE_MAX_PACKET) {
            if (psize / 8 > left)
                return bad(err, s->path, off + PKT_PACKET_SIZE,
                           "packet_size %" PRIu64 " bits runs beyond the end of the file (%" PRIu64
                           " bytes left) and exceeds the largest packet chansim writes (%" PRIu64
                           " bytes), so the file is corrupt, not cut off",
                           psize, left, (uint64_t)CS_TRACE_MAX_PACKET);
            return bad(err, s->path, off + PKT_PACKET_SIZE,
                       "packet_size %" PRIu64
                       " bits exceeds the largest packet chansim writes (%" PRIu64 " bytes)",
                       psize, (uint64_t)CS_TRACE_MAX_PACKET);
        }
        if (csize > psize)
            return bad(err, s->path, off + PKT_CONTENT_SIZE,
                       "content_size %" PRIu64 " bits exceeds packet_size %" PRIu64 " bits", csize,
                       psize);
        if (check_size_bits(err, s->path, off + PKT_CONTENT_SIZE, "content_size", csize) < 0)
            return -1;
        uint16_t ch = ld16(p + PKT_CHANNEL);
        if (ch >= r->nchans)
            return bad(err, s->path, off + PKT_CHANNEL,
                       "packet channel_id %u is not a channel of this trace (the metadata "
                       "defines %zu)",
                       (unsigned)ch, r->nchans);
        if (s->channel < 0) {
            int other = r->chan_stream[ch];
            if (other >= 0)
                return bad(err, s->path, off + PKT_CHANNEL,
                           "channel %u already has the stream file %s; chansim writes one "
                           "stream per channel",
                           (unsigned)ch, r->streams[other].path);
            s->channel = ch;
            r->chan_stream[ch] = (int)(s - r->streams);
        } else if (ch != s->channel) {
            return bad(err, s->path, off + PKT_CHANNEL,
                       "packet channel_id %u differs from channel %d of the earlier packets",
                       (unsigned)ch, s->channel);
        }
        uint64_t tb = ld64(p + PKT_TS_BEGIN), te = ld64(p + PKT_TS_END);
        if (tb > te)
            return bad(err, s->path, off + PKT_TS_BEGIN,
                       "timestamp_begin %" PRIu64 " is after timestamp_end %" PRIu64, tb, te);
        if (tb < s->last_ts)
            return bad(err, s->path, off + PKT_TS_BEGIN,
                       "timestamp_begin %" PRIu64 " is before the previous event (cycle %" PRIu64
                       ")",
                       tb, s->last_ts);
        size_t size = (size_t)(psize / 8);
        if (fill(s, size, err) < 0)
            return -1;
        avail = s->end - s->start;
        if (avail < size) {
            truncated(r, s, off, avail, size);
            return 0;
        }
        p = s->buf + s->start;
        s->pkt_size = size;
        s->cur = p + PKT_HDR_SIZE;
        s->content_end = p + csize / 8;
        s->last_ts = tb;
        s->pkt_end = te;
        if (s->cur < s->content_end)
            return 1;
    }
}

static uint64_t offset_of(const struct rstream *s, const uint8_t *p)
{
    return s->buf_off + (uint64_t)(p - s->buf);
}

/* Explains why the event at s->cur failed the checks in advance(). */
__attribute__((noinline, cold)) static int event_error(struct rstream *s, cs_error *err)
{
    const uint8_t *p = s->cur;
    size_t avail = (size_t)(s->content_end - p);
    if (avail < EV_HDR_SIZE)
        return bad(err, s->path, offset_of(s, p),
                   "event header runs past the packet's content_size (%zu bytes left)", avail);
    uint16_t id = ld16(p + EV_ID);
    uint64_t ts = ld64(p + EV_TS);
    if (id == EV_ID_MSG) {
        if (avail < MSG_PAYLOAD)
            return bad(err, s->path, offset_of(s, p),
                       "chansim:msg fields run past the packet's content_size (%zu bytes left)",
                       avail);
        uint32_t len = ld32(p + MSG_LEN);
        if (len > avail - MSG_PAYLOAD)
            return bad(err, s->path, offset_of(s, p + MSG_LEN),
                       "payload_len %" PRIu32 " runs beyond the packet's content (%zu bytes left)",
                       len, avail - MSG_PAYLOAD);
        if (p[MSG_DIR] > CS_DIR_INTERNAL)
            return bad(err, s->path, offset_of(s, p + MSG_DIR),
                       "direction %u is none of to_firmware (0), to_guest (1), internal (2)",
                       (unsigned)p[MSG_DIR]);
    } else if (id == EV_ID_LOG) {
        if (avail < LOG_TEXT)
            return bad(err, s->path, offset_of(s, p),
                       "chansim:log fields run past the packet's content_size (%zu bytes left)",
                       avail);
        if (!memchr(p + LOG_TEXT, 0, avail - LOG_TEXT))
            return bad(err, s->path, offset_of(s, p + LOG_TEXT),
                       "log text has no terminating NUL within the packet's content");
    } else {
        return bad(err, s->path, offset_of(s, p),
                   "unknown event id %u (chansim:msg is %d, chansim:log is %d)", (unsigned)id,
                   EV_ID_MSG, EV_ID_LOG);
    }
    uint16_t ch = ld16(p + MSG_CHANNEL); /* same place in both event classes */
    if (ch != s->channel)
        return bad(err, s->path, offset_of(s, p + MSG_CHANNEL),
                   "event channel_id %u differs from the packet's channel_id %d", (unsigned)ch,
                   s->channel);
    if (ts > s->pkt_end)
        return bad(err, s->path, offset_of(s, p + EV_TS),
                   "event timestamp %" PRIu64 " is after the packet's timestamp_end %" PRIu64, ts,
                   s->pkt_end);
    return bad(err, s->path, offset_of(s, p + EV_TS),
               "event timestamp %" PRIu64 " is before the previous event or the packet's "
               "timestamp_begin (cycle %" PRIu64 ")",
               ts, s->last_ts);
}

/* Decode the stream's next event into s->ev. 1: event, 0: end of stream, -1: corrupt. Every
 * check is folded into one branch per event class; event_error() says which one failed. */
static inline int advance(cs_trace_reader *r, struct rstream *s, cs_error *err)
{
    if (__builtin_expect(s->cur == s->content_end, 0)) {
        int rc = load_packet(r, s, err);
        if (rc <= 0)
            return rc;
    }
    const uint8_t *p = s->cur;
    size_t avail = (size_t)(s->content_end - p);
    struct cs_trace_event *ev = &s->ev;
    if (__builtin_expect(avail < EV_HDR_SIZE, 0))
        return event_error(s, err);
    uint16_t id = ld16(p + EV_ID);
    uint64_t ts = ld64(p + EV_TS);
    uint16_t ch = ld16(p + MSG_CHANNEL);
    int ok = ch == s->channel && ts >= s->last_ts && ts <= s->pkt_end;
    if (__builtin_expect(id == EV_ID_MSG && avail >= MSG_PAYLOAD, 1)) {
        uint32_t len = ld32(p + MSG_LEN);
        uint8_t dir = p[MSG_DIR];
        if (__builtin_expect(!ok || len > avail - MSG_PAYLOAD || dir > CS_DIR_INTERNAL, 0))
            return event_error(s, err);
        ev->type = CS_TRACE_MSG;
        ev->dir = dir;
        ev->kind = ld16(p + MSG_KIND);
        ev->level = 0;
        ev->len = len;
        ev->payload = p + MSG_PAYLOAD;
        s->cur = p + MSG_PAYLOAD + len;
    } else if (id == EV_ID_LOG && avail >= LOG_TEXT) {
        const uint8_t *t = p + LOG_TEXT;
        const uint8_t *nul = memchr(t, 0, avail - LOG_TEXT);
        if (!ok || !nul)
            return event_error(s, err);
        ev->type = CS_TRACE_LOG;
        ev->dir = 0;
        ev->kind = 0;
        ev->level = p[LOG_LEVEL];
        ev->len = (uint32_t)(nul - t);
        ev->payload = t;
        s->cur = nul + 1;
    } else {
        return event_error(s, err);
    }
    s->last_ts = ts;
    ev->cycles = ts;
    ev->channel = ch;
    return 1;
}

static void stream_release(struct rstream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->buf);
    s->buf = NULL;
    s->cap = s->start = s->end = s->pkt_size = 0;
}

static inline int before(const struct rstream *a, const struct rstream *b)
{
    return a->ev.cycles < b->ev.cycles ||
           (a->ev.cycles == b->ev.cycles && a->ev.channel < b->ev.channel);
}

static void sift_down(struct rstream **h, size_t n, size_t i)
{
    struct rstream *x = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(h[c + 1], h[c]))
            c++;
        if (!before(h[c], x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int open_streams(cs_trace_reader *r, cs_error *err)
{
    DIR *d = opendir(r->dir);
    if (!d)
        return cs_error_errno(err, errno, "%s: cannot open trace directory", r->dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        /* Like other CTF readers: hidden files and the metadata are not streams. */
        if (e->d_name[0] == '.' || !strcmp(e->d_name, CS_TRACE_METADATA))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof(*nn));
            if (!nn)
                goto oom;
            names = nn;
        }
        if (!(names[n] = cs_trace_path_join(r->dir, e->d_name)))
            goto oom;
        n++;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    r->streams = calloc(n ? n : 1, sizeof(*r->streams));
    r->heap = calloc(n ? n : 1, sizeof(*r->heap));
    if (!r->streams || !r->heap)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        struct rstream *s = &r->streams[r->nstreams];
        s->fd = -1;
        s->channel = -1;
        s->path = names[i];
        names[i] = NULL;
        r->nstreams++;
        s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            bad(err, s->path, 0, "cannot open: %s", strerror(errno));
            goto out;
        }
        struct stat st;
        if (fstat(s->fd, &st) < 0) {
            bad(err, s->path, 0, "cannot stat: %s", strerror(errno));
            goto out;
        }
        if (!S_ISREG(st.st_mode)) {
            bad(err, s->path, 0,
                "not a regular file (a trace directory holds only metadata and stream files)");
            goto out;
        }
        s->file_size = (uint64_t)st.st_size;
        int k = advance(r, s, err);
        if (k < 0)
            goto out;
        if (k == 0)
            stream_release(s);
        else
            r->heap[r->nheap++] = s;
    }
    for (size_t i = r->nheap / 2; i-- > 0;)
        sift_down(r->heap, r->nheap, i);
    rc = 0;
    goto out;
oom:
    cs_error_set(err, "%s: out of memory listing stream files", r->dir);
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int cs_trace_reader_open(cs_trace_reader **out, const char *dir, cs_error *err)
{
    *out = NULL;
    cs_trace_reader *r = calloc(1, sizeof(*r));
    if (!r || !(r->dir = strdup(dir))) {
        free(r);
        return cs_error_set(err, "%s: out of memory", dir);
    }
    size_t n = strlen(r->dir);
    while (n > 1 && r->dir[n - 1] == '/')
        r->dir[--n] = '\0';
    struct stat st;
    if (stat(r->dir, &st) < 0) {
        cs_error_errno(err, errno, "%s: cannot open trace directory", r->dir);
        goto fail;
    }
    if (!S_ISDIR(st.st_mode)) {
        cs_error_set(err, "%s: not a directory (a CTF trace is a directory)", r->dir);
        goto fail;
    }
    if (read_metadata(r, err) < 0 || open_streams(r, err) < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    cs_trace_reader_close(r);
    return -1;
}

int cs_trace_reader_next(cs_trace_reader *r, struct cs_trace_event *ev, cs_error *err)
{
    if (__builtin_expect(r->failed, 0))
        return cs_error_set(err, "%s", r->fail.msg);
    if (r->pending) {
        r->pending = 0;
        struct rstream *s = r->heap[0];
        int rc = advance(r, s, &r->fail);
        if (__builtin_expect(rc <= 0, 0)) {
            if (rc < 0) {
                r->failed = 1;
                return cs_error_set(err, "%s", r->fail.msg);
            }
            stream_release(s);
            r->heap[0] = r->heap[--r->nheap];
        }
        if (r->nheap > 1)
            sift_down(r->heap, r->nheap, 0);
    }
    if (!r->nheap)
        return 0;
    *ev = r->heap[0]->ev;
    r->pending = 1;
    return 1;
}

uint64_t cs_trace_reader_clock_hz(const cs_trace_reader *r)
{
    return r->clock_hz;
}

size_t cs_trace_reader_channels(const cs_trace_reader *r)
{
    return r->nchans;
}

const char *cs_trace_reader_channel_name(const cs_trace_reader *r, size_t id)
{
    return id < r->nchans ? r->chans[id].name : NULL;
}

const char *cs_trace_reader_channel_family(const cs_trace_reader *r, size_t id)
{
    return id < r->nchans ? r->chans[id].family : NULL;
}

const char *cs_trace_reader_warning(const cs_trace_reader *r)
{
    return r->warning.len ? r->warning.p : NULL;
}

void cs_trace_reader_close(cs_trace_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nstreams; i++) {
        stream_release(&r->streams[i]);
        free(r->streams[i].path);
    }
    free(r->streams);
    free(r->heap);
    free(r->chans);
    free(r->chan_stream);
    free(r->dir);
    cs_strbuf_free(&r->warning);
    free(r);
}
