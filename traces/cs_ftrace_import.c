/* ftrace / trace-cmd text import. A line is a context prefix (task-pid, [cpu], optional
 * irq-flags column, timestamp), an event name and the event's field text; the field text is
 * split into name=value pairs first and each tracepoint then picks its fields by name, which
 * covers both the TP_printk form and the raw field list trace-cmd prints when it cannot
 * evaluate a TP_printk ("[FAILED TO PARSE] cssid=0 ssid=0 schno=66 ..."). The accepted
 * variations are listed in docs/trace-format.md, "Imported from ftrace". */
#include "cs_ftrace_import.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crq_wire.h"

/* ---- line reader ----------------------------------------------------------------------- */

#define READ_CHUNK (1u << 20)

struct lreader {
    FILE *f;
    char *buf;
    size_t cap, start, end;
    int eof;
};

/* Next line, without its '\n'. Returns 1 with a line, 0 at the end, -1 on a read error. A line
 * longer than CS_FTRACE_LINE_MAX is consumed whole and returned with *too_long set and no
 * text, so memory stays bounded whatever the input. */
static int next_line(struct lreader *r, const char **line, size_t *len, int *too_long)
{
    *too_long = 0;
    for (;;) {
        char *s = r->buf + r->start;
        size_t avail = r->end - r->start;
        char *nl = memchr(s, '\n', avail);
        if (nl) {
            size_t n = (size_t)(nl - s);
            r->start += n + 1;
            if (n > CS_FTRACE_LINE_MAX)
                *too_long = 1;
            *line = *too_long ? NULL : s;
            *len = *too_long ? 0 : n;
            return 1;
        }
        if (avail > CS_FTRACE_LINE_MAX) {
            *too_long = 1;
            r->start = r->end = 0;
            avail = 0;
        }
        if (r->eof) {
            r->start = r->end;
            if (avail == 0 && !*too_long)
                return 0;
            *line = *too_long ? NULL : s;
            *len = avail;
            return 1;
        }
        if (r->start > 0) {
            memmove(r->buf, s, avail);
            r->start = 0;
            r->end = avail;
        }
        size_t k = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
        r->end += k;
        if (k == 0) {
            if (ferror(r->f))
                return -1;
            r->eof = 1;
        }
    }
}

/* ---- numbers --------------------------------------------------------------------------- */

enum vmode {
    V_NUM, /* decimal, optionally signed, or hex with 0x: %d, %u, 0x%x and trace-cmd's raw list */
    V_HEX, /* hex with or without 0x: %x, %04x, %016llx */
};

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

static int parse_digits(const char *s, size_t n, unsigned base, uint64_t *out)
{
    if (n == 0)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)digit_val(s[i]);
        if (d >= base || v > (UINT64_MAX - d) / base)
            return 0;
        v = v * base + d;
    }
    *out = v;
    return 1;
}

/* s[0..n) read as mode says and within lo..hi; a negative value is kept in two's complement. */
static int parse_val(const char *s, size_t n, enum vmode mode, int64_t lo, uint64_t hi,
                     uint64_t *out)
{
    int neg = 0;
    if (mode == V_NUM && n > 0 && s[0] == '-') {
        neg = 1;
        s++;
        n--;
    }
    unsigned base = mode == V_HEX ? 16 : 10;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        n -= 2;
    }
    uint64_t v;
    if (!parse_digits(s, n, base, &v))
        return 0;
    if (neg) {
        if (lo >= 0 || v > (uint64_t)(-(lo + 1)) + 1)
            return 0;
        *out = (uint64_t)0 - v;
        return 1;
    }
    if (v > hi)
        return 0;
    *out = v;
    return 1;
}

/* "sec[.frac]" to nanoseconds: %5lu.%06lu from the kernel, up to 9 fraction digits from
 * trace-cmd, and a plain integer from counter clocks (counter, x86-tsc, ppc-tb), taken as
 * ticks unchanged. */
static int parse_ts(const char *s, size_t n, uint64_t *ns)
{
    const char *dot = memchr(s, '.', n);
    size_t ni = dot ? (size_t)(dot - s) : n;
    uint64_t sec, frac = 0;
    if (!parse_digits(s, ni, 10, &sec))
        return 0;
    if (!dot) {
        *ns = sec;
        return 1;
    }
    size_t nf = n - ni - 1;
    if (nf == 0 || nf > 9 || !parse_digits(dot + 1, nf, 10, &frac))
        return 0;
    for (size_t i = nf; i < 9; i++)
        frac *= 10;
    if (sec > (UINT64_MAX - frac) / 1000000000u)
        return 0;
    *ns = sec * 1000000000u + frac;
    return 1;
}

static void put16(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint64_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, v >> 32);
    put32(p + 4, v);
}

/* ---- field text ------------------------------------------------------------------------ */

#define MAX_KV 48

struct kv {
    const char *k, *v;
    size_t kl, vl;
};

enum route {
    ROUTE_SCH, /* the subchannel's channel */
    ROUTE_CSS, /* the channel subsystem's channel: events that address no subchannel */
    ROUTE_CPU, /* the CPU's hcall channel */
};

struct evdef;

/* One line being decoded. */
struct dec {
    const struct evdef *def;
    struct kv kv[MAX_KV];
    int nkv;
    char why[160];
    uint8_t *pl;
    uint32_t len;
    enum route route;
    uint32_t schid; /* ROUTE_SCH: cssid << 24 | ssid << 16 | sch_no */
};

typedef int (*decode_fn)(struct dec *d);

struct evdef {
    const char *name;
    uint16_t kind;
    uint8_t dir;
    decode_fn decode;
    const char *tail; /* a %s field printed last, whose text may hold spaces */
    const char *tail_raw;
};

/* A value for the message, without control characters and cut short. */
static void shown(char *out, size_t cap, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 4 < cap; i++)
        out[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (j + 4 >= cap && n > j) {
        out[j++] = '.';
        out[j++] = '.';
        out[j++] = '.';
    }
    out[j] = '\0';
}

static int fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct dec *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->why, sizeof(d->why), fmt, ap);
    va_end(ap);
    return -1;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Split "a=1 b=0x2 c=ARRAY[00, 01] info=text with spaces" into pairs. */
static int tokenize(struct dec *d, const char *p, const char *e)
{
    static const char failed[] = "[FAILED TO PARSE]";
    if ((size_t)(e - p) >= sizeof(failed) - 1 && memcmp(p, failed, sizeof(failed) - 1) == 0)
        p += sizeof(failed) - 1;
    d->nkv = 0;
    for (;;) {
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (p == e)
            return 0;
        const char *k = p;
        while (p < e && is_name_char(*p))
            p++;
        if (p == k || p == e || *p != '=') {
            char s[48];
            shown(s, sizeof(s), k, (size_t)(e - k));
            return fail(d, "expected name=value at \"%s\"", s);
        }
        size_t kl = (size_t)(p - k);
        p++;
        const char *v = p;
        if (d->def->tail &&
            ((kl == strlen(d->def->tail) && !memcmp(k, d->def->tail, kl)) ||
             (kl == strlen(d->def->tail_raw) && !memcmp(k, d->def->tail_raw, kl)))) {
            p = e;
            while (p > v && (p[-1] == ' ' || p[-1] == '\t'))
                p--;
        } else if ((size_t)(e - p) >= 6 && memcmp(p, "ARRAY[", 6) == 0) {
            const char *c = memchr(p, ']', (size_t)(e - p));
            if (!c)
                return fail(d, "%.*s: ARRAY[ without its closing ]", (int)kl, k);
            p = c + 1;
        } else {
            while (p < e && *p != ' ' && *p != '\t')
                p++;
        }
        if (d->nkv == MAX_KV)
            return fail(d, "more than %d fields", MAX_KV);
        d->kv[d->nkv++] = (struct kv){k, v, kl, (size_t)(p - v)};
    }
}

static const struct kv *find(const struct dec *d, const char *key)
{
    if (!key)
        return NULL;
    size_t n = strlen(key);
    for (int i = 0; i < d->nkv; i++)
        if (d->kv[i].kl == n && memcmp(d->kv[i].k, key, n) == 0)
            return &d->kv[i];
    return NULL;
}

/* The field named key (TP_printk name) or raw (trace-cmd's raw field name). Returns 1 with a
 * value, 0 when neither is on the line, -1 when it does not parse. */
static int get(struct dec *d, const char *key, enum vmode mode, const char *raw, int64_t lo,
               uint64_t hi, uint64_t *out)
{
    const struct kv *f = find(d, key);
    if (!f) {
        f = find(d, raw);
        mode = V_NUM; /* trace-cmd prints raw fields in decimal, or 0x-hex for longs */
    }
    if (!f)
        return 0;
    if (!parse_val(f->v, f->vl, mode, lo, hi, out)) {
        char s[48];
        shown(s, sizeof(s), f->v, f->vl);
        return fail(d, "bad value \"%s\" for %.*s", s, (int)f->kl, f->k);
    }
    return 1;
}

/* As get(), and absent is an error. */
static int need(struct dec *d, const char *key, enum vmode mode, const char *raw, int64_t lo,
                uint64_t hi, uint64_t *out)
{
    int r = get(d, key, mode, raw, lo, hi, out);
    if (r == 0)
        return fail(d, "no %s= field", key ? key : raw);
    return r < 0 ? -1 : 0;
}

#define U8  0, 0xff
#define U16 0, 0xffff
#define INT INT32_MIN, INT32_MAX
/* an int printed with 0x%x: negative values show as 32-bit hex */
#define XINT INT32_MIN, UINT32_MAX

/* "a.b.c" of hex numbers, each at most max[i]. */
static int dotted(const struct kv *f, int parts, const uint64_t *max, uint64_t *out)
{
    const char *p = f->v, *e = f->v + f->vl;
    for (int i = 0; i < parts; i++) {
        const char *q = i + 1 < parts ? memchr(p, '.', (size_t)(e - p)) : e;
        if (!q || !parse_val(p, (size_t)(q - p), V_HEX, 0, max[i], &out[i]))
            return 0;
        p = q + (i + 1 < parts);
    }
    return 1;
}

/* SCHID: "schid=%x.%x.%04x", or trace-cmd's raw cssid= ssid= schno= (sch_no= in vfio_ccw). */
static int schid(struct dec *d, uint8_t *p)
{
    static const uint64_t max[3] = {0xff, 0xff, 0xffff};
    uint64_t v[3];
    const struct kv *f = find(d, "schid");
    if (f) {
        if (!dotted(f, 3, max, v)) {
            char s[48];
            shown(s, sizeof(s), f->v, f->vl);
            return fail(d, "bad subchannel id \"%s\" (expected cssid.ssid.schno in hex)", s);
        }
    } else {
        if (!find(d, "cssid"))
            return fail(d, "no schid= field");
        if (need(d, NULL, V_NUM, "cssid", U8, &v[0]) < 0 ||
            need(d, NULL, V_NUM, "ssid", U8, &v[1]) < 0)
            return -1;
        int r = get(d, NULL, V_NUM, "schno", U16, &v[2]);
        if (r == 0)
            r = get(d, NULL, V_NUM, "sch_no", U16, &v[2]);
        if (r <= 0)
            return r < 0 ? -1 : fail(d, "no schno= field");
    }
    p[0] = (uint8_t)v[0];
    p[1] = (uint8_t)v[1];
    put16(p + 2, v[2]);
    d->schid = (uint32_t)(v[0] << 24 | v[1] << 16 | v[2]);
    return 0;
}

/* A group of fields the 2015 tracepoints lack in trace-cmd's raw list: all or none. Returns 1
 * when all are there, 0 when none is, -1 otherwise. */
struct grp {
    const char *key, *raw;
    uint8_t *dst;
};

static int group_u8(struct dec *d, const struct grp *g, int n)
{
    int have = 0;
    for (int i = 0; i < n; i++)
        if (find(d, g[i].key) || find(d, g[i].raw))
            have++;
    if (have == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        uint64_t v;
        if (need(d, g[i].key, V_NUM, g[i].raw, U8, &v) < 0)
            return -1;
        *g[i].dst = (uint8_t)v;
    }
    return 1;
}

/* ---- tracepoints ----------------------------------------------------------------------- */

static int dec_schid_cc(struct dec *d)
{
    uint64_t cc;
    if (schid(d, d->pl) < 0 || need(d, "cc", V_NUM, NULL, INT, &cc) < 0)
        return -1;
    put32(d->pl + 4, cc);
    d->len = CSS_FT_SCHID_CC_LEN;
    return 0;
}

/* stsch / msch: "schid=%x.%x.%04x cc=%d ena=%d st=%d dnv=%d dev=%04x lpm=0x%02x pnom=0x%02x
 * lpum=0x%02x pim=0x%02x pam=0x%02x pom=0x%02x chpids=%016llx" */
static int dec_schib(struct dec *d)
{
    uint8_t *p = d->pl;
    memset(p, 0, CSS_FT_SCHIB_LEN);
    if (dec_schid_cc(d) < 0)
        return -1;
    uint64_t dev;
    int r = get(d, "dev", V_HEX, "pmcw_dev", U16, &dev);
    if (r == 0)
        r = get(d, NULL, V_NUM, "devno", U16, &dev);
    if (r <= 0)
        return r < 0 ? -1 : fail(d, "no dev= field");
    put16(p + 12, dev);
    const struct grp g[] = {
        {"ena", "pmcw_ena", p + 9},  {"st", "pmcw_st", p + 10},     {"dnv", "pmcw_dnv", p + 11},
        {"lpm", "pmcw_lpm", p + 14}, {"pnom", "pmcw_pnom", p + 15}, {"lpum", "pmcw_lpum", p + 16},
        {"pim", "pmcw_pim", p + 17}, {"pam", "pmcw_pam", p + 18},   {"pom", "pmcw_pom", p + 19}};
    int have = group_u8(d, g, (int)(sizeof(g) / sizeof(g[0])));
    if (have < 0)
        return -1;
    uint64_t chp;
    r = get(d, "chpids", V_HEX, "pmcw_chpid", 0, UINT64_MAX, &chp);
    if (r < 0)
        return -1;
    if (r != have)
        return fail(d, have ? "no chpids= field" : "chpids= without the other PMCW fields");
    if (have) {
        p[8] = CSS_FT_HAVE_DETAIL;
        /* %016llx of the eight chpid bytes read as one big-endian u64: chpid[0] comes first */
        put64(p + 20, chp);
    }
    d->len = CSS_FT_SCHIB_LEN;
    return 0;
}

/* "schid=%x.%x.%04x cc=%d dcc=%d pno=%d fctl=0x%x actl=0x%x stctl=0x%x dstat=0x%x
 * cstat=0x%x" */
static int dec_tsch(struct dec *d)
{
    uint8_t *p = d->pl;
    memset(p, 0, CSS_FT_TSCH_LEN);
    if (dec_schid_cc(d) < 0)
        return -1;
    const struct grp g[] = {{"dcc", "scsw_dcc", p + 9},      {"pno", "scsw_pno", p + 10},
                            {"fctl", "scsw_fctl", p + 11},   {"actl", "scsw_actl", p + 12},
                            {"stctl", "scsw_stctl", p + 13}, {"dstat", "scsw_dstat", p + 14},
                            {"cstat", "scsw_cstat", p + 15}};
    int have = group_u8(d, g, (int)(sizeof(g) / sizeof(g[0])));
    if (have < 0)
        return -1;
    p[8] = have ? CSS_FT_HAVE_DETAIL : 0;
    d->len = CSS_FT_TSCH_LEN;
    return 0;
}

/* "schid=%x.%x.%04x cc=%d a=%d isc=%d type=%d". TPI addresses no subchannel, and the
 * tracepoint zeroes the interruption code whenever cc is not 0, so the event goes to the
 * channel-subsystem channel with the printed schid in its payload. */
static int dec_tpi(struct dec *d)
{
    uint8_t *p = d->pl;
    if (dec_schid_cc(d) < 0)
        return -1;
    const struct grp g[] = {
        {"a", "adapter_IO", p + 8}, {"isc", "isc", p + 9}, {"type", "type", p + 10}};
    if (group_u8(d, g, 3) <= 0)
        return d->why[0] ? -1 : fail(d, "no a= field");
    d->route = ROUTE_CSS;
    d->len = CSS_FT_TPI_LEN;
    return 0;
}

/* "schid=%x.%x.%04x isc=%d type=%d" */
static int dec_interrupt(struct dec *d)
{
    uint64_t isc, type;
    if (schid(d, d->pl) < 0 || need(d, "isc", V_NUM, NULL, U8, &isc) < 0 ||
        need(d, "type", V_NUM, NULL, U8, &type) < 0)
        return -1;
    d->pl[4] = (uint8_t)isc;
    d->pl[5] = (uint8_t)type;
    d->len = CSS_FT_INTERRUPT_LEN;
    return 0;
}

/* "isc=%d" */
static int dec_adapter_int(struct dec *d)
{
    uint64_t isc;
    if (need(d, "isc", V_NUM, NULL, U8, &isc) < 0)
        return -1;
    d->pl[0] = (uint8_t)isc;
    d->route = ROUTE_CSS;
    d->len = 1;
    return 0;
}

/* "cc=%d slct=%d oflw=%d chn=%d rsc=%d anc=%d erc=0x%x rsid=0x%x" */
static int dec_stcrw(struct dec *d)
{
    uint8_t *p = d->pl;
    uint64_t cc, rsid;
    if (need(d, "cc", V_NUM, NULL, INT, &cc) < 0)
        return -1;
    put32(p, cc);
    const struct grp g[] = {{"slct", NULL, p + 4}, {"oflw", NULL, p + 5}, {"chn", NULL, p + 6},
                            {"rsc", NULL, p + 7},  {"anc", NULL, p + 8},  {"erc", NULL, p + 9}};
    for (int i = 0; i < 6; i++) {
        uint64_t v;
        if (need(d, g[i].key, V_NUM, NULL, U8, &v) < 0)
            return -1;
        *g[i].dst = (uint8_t)v;
    }
    if (need(d, "rsid", V_NUM, NULL, U16, &rsid) < 0)
        return -1;
    put16(p + 10, rsid);
    d->route = ROUTE_CSS;
    d->len = CSS_FT_STCRW_LEN;
    return 0;
}

/* trace-cmd's "ARRAY[00, 10, ...]" into at most 64 bytes, the rest zero. */
static int array64(struct dec *d, const char *key, uint8_t *out)
{
    const struct kv *f = find(d, key);
    const char *p = f->v + 6, *e = f->v + f->vl - 1; /* inside the brackets */
    memset(out, 0, 64);
    for (int i = 0; p < e; i++) {
        while (p < e && (*p == ' ' || *p == ','))
            p++;
        const char *q = p;
        while (q < e && *q != ',' && *q != ' ')
            q++;
        uint64_t v;
        if (q == p)
            break;
        if (i == 64)
            return fail(d, "%s: more than 64 bytes", key);
        if (!parse_val(p, (size_t)(q - p), V_HEX, 0, 0xff, &v))
            return fail(d, "%s: bad byte in ARRAY[...]", key);
        out[i] = (uint8_t)v;
        p = q;
    }
    return 0;
}

/* "code=0x%04x cc=%d rcode=0x%04x"; trace-cmd's raw list adds the first 64 bytes of the
 * request and response blocks. */
static int dec_chsc(struct dec *d)
{
    uint8_t *p = d->pl;
    uint64_t code, cc, rcode;
    if (need(d, "code", V_NUM, NULL, U16, &code) < 0 || need(d, "cc", V_NUM, NULL, INT, &cc) < 0 ||
        need(d, "rcode", V_NUM, NULL, U16, &rcode) < 0)
        return -1;
    put16(p, code);
    put32(p + 2, cc);
    put16(p + 6, rcode);
    d->route = ROUTE_CSS;
    d->len = CSS_FT_CHSC_LEN;
    const struct kv *rq = find(d, "request"), *rs = find(d, "response");
    if (!rq && !rs)
        return 0;
    if (!rq || !rs || rq->vl < 7 || memcmp(rq->v, "ARRAY[", 6) || rs->vl < 7 ||
        memcmp(rs->v, "ARRAY[", 6))
        return fail(d, "request= and response= must both be ARRAY[...]");
    if (array64(d, "request", p + 8) < 0 || array64(d, "response", p + 72) < 0)
        return -1;
    d->len = CSS_FT_CHSC_DATA_LEN;
    return 0;
}

/* "chpid=%x.%02x cc=%d", or raw cssid= id= cc= */
static int dec_rchp(struct dec *d)
{
    static const uint64_t max[2] = {0xff, 0xff};
    uint64_t v[2], cc;
    const struct kv *f = find(d, "chpid");
    if (f) {
        if (!dotted(f, 2, max, v)) {
            char s[48];
            shown(s, sizeof(s), f->v, f->vl);
            return fail(d, "bad channel-path id \"%s\" (expected cssid.chpid in hex)", s);
        }
    } else if (need(d, NULL, V_NUM, "cssid", U8, &v[0]) < 0 ||
               need(d, NULL, V_NUM, "id", U8, &v[1]) < 0) {
        return -1;
    }
    if (need(d, "cc", V_NUM, NULL, INT, &cc) < 0)
        return -1;
    d->pl[0] = (uint8_t)v[0];
    d->pl[1] = (uint8_t)v[1];
    put32(d->pl + 2, cc);
    d->route = ROUTE_CSS;
    d->len = CSS_FT_RCHP_LEN;
    return 0;
}

/* vfio_ccw events with two ints after the schid. */
static int vfio_two(struct dec *d, const char *a, enum vmode ma, const char *b)
{
    uint64_t va, vb;
    if (schid(d, d->pl) < 0 || need(d, a, ma, NULL, XINT, &va) < 0 ||
        need(d, b, V_NUM, NULL, XINT, &vb) < 0)
        return -1;
    put32(d->pl + 4, va);
    put32(d->pl + 8, vb);
    d->len = CSS_FT_VFIO_LEN;
    return 0;
}

static int dec_vfio_chp(struct dec *d) /* "schid=%x.%x.%04x mask=0x%x event=%d" */
{
    return vfio_two(d, "mask", V_NUM, "event");
}

static int dec_vfio_async(struct dec *d) /* "schid=%x.%x.%04x command=0x%x errno=%d" */
{
    return vfio_two(d, "command", V_NUM, "errno");
}

static int dec_vfio_fsm(struct dec *d) /* "schid=%x.%x.%04x state=%d event=%d" */
{
    return vfio_two(d, "state", V_NUM, "event");
}

/* "schid=%x.%x.%04x fctl=0x%x errno=%d info=%s"; vfio_ccw_io_fctl (2018) printed fctl=%x.
 * Offline decoders may show the errstr pointer instead of its text: kept as printed. */
static int dec_vfio_io(struct dec *d)
{
    enum vmode m = d->def->kind == CSS_FT_VFIO_IO_FCTL ? V_HEX : V_NUM;
    if (vfio_two(d, "fctl", m, "errno") < 0)
        return -1;
    const struct kv *f = find(d, "info");
    if (!f)
        f = find(d, "errstr");
    if (!f)
        return fail(d, "no info= field");
    memcpy(d->pl + CSS_FT_VFIO_LEN, f->v, f->vl);
    d->len = CSS_FT_VFIO_LEN + (uint32_t)f->vl;
    return 0;
}

/* "opcode=%lu" */
static int dec_hcall_entry(struct dec *d)
{
    uint64_t op;
    if (need(d, "opcode", V_NUM, NULL, 0, UINT64_MAX, &op) < 0)
        return -1;
    put64(d->pl, op);
    d->route = ROUTE_CPU;
    d->len = 8;
    return 0;
}

/* "opcode=%lu retval=%ld" (older kernels: retval=%lu, so H_DROPPED shows as
 * 18446744073709551604); both give the same signed rc. */
static int dec_hcall_exit(struct dec *d)
{
    uint64_t op, rc;
    if (need(d, "opcode", V_NUM, NULL, 0, UINT64_MAX, &op) < 0 ||
        need(d, "retval", V_NUM, NULL, INT64_MIN, UINT64_MAX, &rc) < 0)
        return -1;
    put64(d->pl, op);
    put64(d->pl + 8, rc);
    d->route = ROUTE_CPU;
    d->len = 16;
    return 0;
}

static const struct evdef events[] = {
    {"s390_cio_ssch", CSS_FT_SSCH, CS_DIR_TO_FW, dec_schid_cc, NULL, NULL},
    {"s390_cio_csch", CSS_FT_CSCH, CS_DIR_TO_FW, dec_schid_cc, NULL, NULL},
    {"s390_cio_hsch", CSS_FT_HSCH, CS_DIR_TO_FW, dec_schid_cc, NULL, NULL},
    {"s390_cio_xsch", CSS_FT_XSCH, CS_DIR_TO_FW, dec_schid_cc, NULL, NULL},
    {"s390_cio_rsch", CSS_FT_RSCH, CS_DIR_TO_FW, dec_schid_cc, NULL, NULL},
    {"s390_cio_stsch", CSS_FT_STSCH, CS_DIR_TO_FW, dec_schib, NULL, NULL},
    {"s390_cio_msch", CSS_FT_MSCH, CS_DIR_TO_FW, dec_schib, NULL, NULL},
    {"s390_cio_tsch", CSS_FT_TSCH, CS_DIR_TO_FW, dec_tsch, NULL, NULL},
    {"s390_cio_tpi", CSS_FT_TPI, CS_DIR_TO_FW, dec_tpi, NULL, NULL},
    {"s390_cio_interrupt", CSS_FT_INTERRUPT, CS_DIR_TO_GUEST, dec_interrupt, NULL, NULL},
    {"s390_cio_adapter_int", CSS_FT_ADAPTER_INT, CS_DIR_TO_GUEST, dec_adapter_int, NULL, NULL},
    {"s390_cio_stcrw", CSS_FT_STCRW, CS_DIR_TO_FW, dec_stcrw, NULL, NULL},
    {"s390_cio_chsc", CSS_FT_CHSC, CS_DIR_TO_FW, dec_chsc, NULL, NULL},
    {"s390_cio_rchp", CSS_FT_RCHP, CS_DIR_TO_FW, dec_rchp, NULL, NULL},
    {"vfio_ccw_chp_event", CSS_FT_VFIO_CHP_EVENT, CS_DIR_INTERNAL, dec_vfio_chp, NULL, NULL},
    {"vfio_ccw_fsm_async_request", CSS_FT_VFIO_ASYNC_REQUEST, CS_DIR_INTERNAL, dec_vfio_async, NULL,
     NULL},
    {"vfio_ccw_fsm_event", CSS_FT_VFIO_FSM_EVENT, CS_DIR_INTERNAL, dec_vfio_fsm, NULL, NULL},
    {"vfio_ccw_fsm_io_request", CSS_FT_VFIO_IO_REQUEST, CS_DIR_INTERNAL, dec_vfio_io, "info",
     "errstr"},
    {"vfio_ccw_io_fctl", CSS_FT_VFIO_IO_FCTL, CS_DIR_INTERNAL, dec_vfio_io, "info", "errstr"},
    {"hcall_entry", CRQ_K_HCALL, CS_DIR_TO_FW, dec_hcall_entry, NULL, NULL},
    {"hcall_exit", CRQ_K_HCALL_RET, CS_DIR_TO_GUEST, dec_hcall_exit, NULL, NULL},
};

static const struct evdef *lookup(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
        if (strlen(events[i].name) == n && memcmp(events[i].name, name, n) == 0)
            return &events[i];
    return NULL;
}

/* ---- line prefix ----------------------------------------------------------------------- */

struct prefix {
    unsigned cpu;
    uint64_t ns;
    const char *name, *rest; /* rest: the field text after "name:" */
    size_t namelen;
    int colon; /* the name was followed by ':' */
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *skip_sp(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *token_end(const char *p, const char *e)
{
    while (p < e && *p != ' ' && *p != '\t')
        p++;
    return p;
}

/* "task-pid [(tgid)] [cpu] [flags] timestamp: [system:]name: fields". The [cpu] field anchors
 * the parse, since task names may hold spaces and dashes. */
static const char *parse_prefix(const char *s, const char *e, struct prefix *px)
{
    const char *b = NULL;
    size_t nd = 0;
    for (const char *q = s + 1; q < e && !b; q++) {
        if (*q != '[' || (q[-1] != ' ' && q[-1] != '\t'))
            continue;
        size_t n = 0;
        while (q + 1 + n < e && is_digit(q[1 + n]))
            n++;
        if (n > 0 && n <= 5 && q + 1 + n < e && q[1 + n] == ']') {
            b = q;
            nd = n;
        }
    }
    if (!b)
        return "no ftrace line prefix (task-pid [cpu] timestamp: event:)";
    /* before [cpu]: "task-pid", and "(tgid)" with options/record-tgid */
    const char *te = b;
    while (te > s && (te[-1] == ' ' || te[-1] == '\t'))
        te--;
    if (te > s && te[-1] == ')') {
        const char *o = te - 1;
        while (o > s && *o != '(')
            o--;
        te = o;
        while (te > s && (te[-1] == ' ' || te[-1] == '\t'))
            te--;
    }
    const char *pd = te;
    while (pd > s && is_digit(pd[-1]))
        pd--;
    if (pd == te || pd - s < 2 || pd[-1] != '-')
        return "no task-pid before the [cpu] field";
    uint64_t cpu;
    parse_digits(b + 1, nd, 10, &cpu);
    px->cpu = (unsigned)cpu;
    const char *p = skip_sp(b + nd + 2, e);
    const char *t = token_end(p, e);
    if (t > p && t[-1] != ':') { /* the irq-flags column: "d.h1." or "...." */
        if (t - p > 8)
            return "unexpected text after the [cpu] field";
        for (const char *c = p; c < t; c++)
            if (!is_name_char(*c) && *c != '.')
                return "unexpected text after the [cpu] field";
        p = skip_sp(t, e);
        t = token_end(p, e);
    }
    if (t == p || t[-1] != ':')
        return "no timestamp after the [cpu] field";
    if (!parse_ts(p, (size_t)(t - p - 1), &px->ns))
        return "bad timestamp";
    p = skip_sp(t, e);
    for (;;) {
        const char *n = p;
        while (p < e && is_name_char(*p))
            p++;
        px->name = n;
        px->namelen = (size_t)(p - n);
        if (px->namelen == 0)
            return "no event name after the timestamp";
        /* "s390:s390_cio_ssch:" names the system too */
        if (p + 1 < e && *p == ':' && is_name_char(p[1]))
            p++;
        else
            break;
    }
    px->colon = p < e && *p == ':';
    px->rest = px->colon ? skip_sp(p + 1, e) : p;
    return NULL;
}

/* ---- lines that carry no event --------------------------------------------------------- */

static int starts(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}

/* 1 for a comment, blank line, trace-cmd header or lost-event note (*lost_note: 1 with the
 * count in *lost, 2 for a note without a count), 0 otherwise. */
static int header_line(const char *s, const char *e, uint64_t *lost, int *lost_note)
{
    *lost = 0;
    *lost_note = 0;
    const char *p = skip_sp(s, e);
    if (p == e || *p == '#')
        return 1;
    if (starts(p, e, "cpus=") || starts(p, e, "version = ") || starts(p, e, "version="))
        return 1;
    if (starts(p, e, "CPU ") && e - p >= 9 && memcmp(e - 9, " is empty", 9) == 0)
        return 1;
    if (starts(p, e, "CPU:")) {
        const char *b = memchr(p, '[', (size_t)(e - p));
        if (!b || e[-1] != ']')
            return 0;
        const char *q = b + 1;
        if (starts(q, e, "LOST "))
            q += 5;
        const char *d = q;
        while (q < e && is_digit(*q))
            q++;
        if (!starts(q, e, " EVENTS]") && !starts(q, e, " EVENTS DROPPED]") &&
            !starts(q, e, "EVENTS DROPPED]"))
            return 0;
        uint64_t n;
        *lost_note = q > d && parse_digits(d, (size_t)(q - d), 10, &n) ? 1 : 2;
        if (*lost_note == 1)
            *lost = n;
        return 1;
    }
    return 0;
}

/* ---- channels -------------------------------------------------------------------------- */

struct importer {
    cs_trace_writer *w;
    struct cs_ftrace_stats *st;
    uint64_t *keys; /* open addressing; 0 = free */
    uint16_t *ids;
    size_t cap, n;
    uint64_t *last; /* per channel id: cycles of its latest event */
    size_t lastcap;
    int have_base;
    uint64_t base;
    uint8_t *pl;
    struct dec d;
};

static uint64_t hash64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

static int map_grow(struct importer *im)
{
    size_t cap = im->cap ? im->cap * 2 : 256;
    uint64_t *keys = calloc(cap, sizeof(*keys));
    uint16_t *ids = calloc(cap, sizeof(*ids));
    if (!keys || !ids) {
        free(keys);
        free(ids);
        return -1;
    }
    for (size_t i = 0; i < im->cap; i++) {
        if (!im->keys[i])
            continue;
        size_t j = hash64(im->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = im->keys[i];
        ids[j] = im->ids[i];
    }
    free(im->keys);
    free(im->ids);
    im->keys = keys;
    im->ids = ids;
    im->cap = cap;
    return 0;
}

static int channel(struct importer *im, const struct dec *d, unsigned cpu, uint16_t *id,
                   cs_error *err)
{
    uint64_t key = d->route == ROUTE_SCH   ? (1ull << 32) | d->schid
                   : d->route == ROUTE_CSS ? 2ull << 32
                                           : (3ull << 32) | cpu;
    size_t j = 0;
    if (im->cap) {
        j = hash64(key) & (im->cap - 1);
        while (im->keys[j] && im->keys[j] != key)
            j = (j + 1) & (im->cap - 1);
        if (im->keys[j]) {
            *id = im->ids[j];
            return 0;
        }
    }
    char name[CS_TRACE_NAME_MAX + 1];
    const char *family = "css";
    if (d->route == ROUTE_SCH)
        snprintf(name, sizeof(name), "ftrace.css.%x.%x.%04x", d->schid >> 24,
                 (d->schid >> 16) & 0xff, d->schid & 0xffff);
    else if (d->route == ROUTE_CSS)
        snprintf(name, sizeof(name), "ftrace.css");
    else {
        snprintf(name, sizeof(name), "ftrace.hcall.cpu%u", cpu);
        family = "crq";
    }
    if (cs_trace_writer_add_channel(im->w, name, family, id, err) < 0)
        return -1;
    if ((im->n + 1) * 2 > im->cap) {
        if (map_grow(im) < 0)
            return cs_error_set(err, "out of memory for the channel map");
    }
    j = hash64(key) & (im->cap - 1);
    while (im->keys[j])
        j = (j + 1) & (im->cap - 1);
    im->keys[j] = key;
    im->ids[j] = *id;
    im->n++;
    if (*id >= im->lastcap) {
        size_t cap = im->lastcap ? im->lastcap * 2 : 64;
        uint64_t *last = realloc(im->last, cap * sizeof(*last));
        if (!last)
            return cs_error_set(err, "out of memory for the channel table");
        memset(last + im->lastcap, 0, (cap - im->lastcap) * sizeof(*last));
        im->last = last;
        im->lastcap = cap;
    }
    im->st->channels++;
    return 0;
}

/* ---- import ---------------------------------------------------------------------------- */

static void malformed(struct cs_ftrace_stats *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void malformed(struct cs_ftrace_stats *st, const char *fmt, ...)
{
    if (st->malformed++ == 0) {
        st->first_malformed_line = st->lines;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->first_malformed_reason, sizeof(st->first_malformed_reason), fmt, ap);
        va_end(ap);
    }
}

static int one_line(struct importer *im, const char *s, size_t n, cs_error *err)
{
    struct cs_ftrace_stats *st = im->st;
    const char *e = s + n;
    if (n > 0 && e[-1] == '\r')
        e--;
    uint64_t lost;
    int note;
    if (header_line(s, e, &lost, &note)) {
        st->comments++;
        st->lost_notes += note != 0;
        st->lost_uncounted += note == 2;
        st->lost_events += lost;
        return 0;
    }
    if (memchr(s, '\0', n)) {
        malformed(st, "NUL byte in the line (binary data?)");
        return 0;
    }
    struct prefix px;
    const char *why = parse_prefix(s, e, &px);
    if (why) {
        malformed(st, "%s", why);
        return 0;
    }
    const struct evdef *def = lookup(px.name, px.namelen);
    if (!def) {
        st->other++;
        return 0;
    }
    if (!px.colon) {
        malformed(st, "%s: %s", def->name,
                  px.rest == e ? "line ends after the event name" : "no ':' after the event name");
        return 0;
    }
    struct dec *d = &im->d;
    d->def = def;
    d->why[0] = '\0';
    d->pl = im->pl;
    d->len = 0;
    d->route = ROUTE_SCH;
    if (tokenize(d, px.rest, e) < 0 || def->decode(d) < 0) {
        malformed(st, "%s: %s", def->name, d->why);
        return 0;
    }
    uint16_t id;
    if (channel(im, d, px.cpu, &id, err) < 0)
        return -1;
    if (!im->have_base) {
        im->have_base = 1;
        im->base = px.ns;
    }
    uint64_t cycles = px.ns >= im->base ? px.ns - im->base : 0;
    if (px.ns < im->base || cycles < im->last[id]) {
        st->clamped++;
        if (cycles < im->last[id])
            cycles = im->last[id];
    }
    if (cs_trace_write_msg(im->w, id, cycles, (enum cs_trace_dir)def->dir, def->kind, d->pl, d->len,
                           err) < 0)
        return -1;
    im->last[id] = cycles;
    st->imported++;
    return 0;
}

int cs_ftrace_import(FILE *in, const char *in_name, cs_trace_writer *w, struct cs_ftrace_stats *st,
                     cs_error *err)
{
    struct importer im = {.w = w, .st = st};
    struct lreader r = {.f = in, .cap = CS_FTRACE_LINE_MAX + READ_CHUNK};
    r.buf = malloc(r.cap);
    im.pl = malloc(CS_FTRACE_LINE_MAX + 64);
    int rc = 0;
    if (!r.buf || !im.pl) {
        rc = cs_error_set(err, "%s: out of memory for the line buffer", in_name);
        goto out;
    }
    const char *line;
    size_t len;
    int too_long, got;
    while ((got = next_line(&r, &line, &len, &too_long)) == 1) {
        st->lines++;
        if (too_long) {
            malformed(st, "line longer than %d bytes", CS_FTRACE_LINE_MAX);
            continue;
        }
        if (one_line(&im, line, len, err) < 0) {
            rc = -1;
            goto out;
        }
    }
    if (got < 0)
        rc = cs_error_errno(err, errno, "%s: read error after line %" PRIu64, in_name, st->lines);
out:
    free(r.buf);
    free(im.pl);
    free(im.keys);
    free(im.ids);
    free(im.last);
    return rc;
}

/* ---- the conversion -------------------------------------------------------------------- */

/* The temporary directory holds only files the writer made. */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            size_t n = strlen(dir) + strlen(de->d_name) + 2;
            char *p = malloc(n);
            if (p) {
                snprintf(p, n, "%s/%s", dir, de->d_name);
                unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

static int dir_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    int empty = 1;
    while (empty && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

static int mkdir_parents(char *path, cs_error *err)
{
    for (char *s = path + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        int r = mkdir(path, 0777);
        int e = errno;
        *s = '/';
        if (r < 0 && e != EEXIST) {
            *s = '\0';
            cs_error_errno(err, e, "%s: cannot create directory", path);
            *s = '/';
            return -1;
        }
    }
    return 0;
}

static void skipped_detail(const struct cs_ftrace_stats *st, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "%" PRIu64 " other tracepoint%s, %" PRIu64 " comment%s or header%s, %" PRIu64
                     " malformed",
                     st->other, st->other == 1 ? "" : "s", st->comments,
                     st->comments == 1 ? "" : "s", st->comments == 1 ? "" : "s", st->malformed);
    if (st->malformed && n > 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, " (first at line %" PRIu64 ": %s)",
                 st->first_malformed_line, st->first_malformed_reason);
}

void cs_ftrace_summary(const struct cs_ftrace_stats *st, char *buf, size_t cap)
{
    uint64_t skipped = st->other + st->comments + st->malformed;
    int n = snprintf(buf, cap, "%" PRIu64 " line%s imported, %" PRIu64 " skipped: ", st->imported,
                     st->imported == 1 ? "" : "s", skipped);
    if (n > 0 && (size_t)n < cap)
        skipped_detail(st, buf + n, cap - (size_t)n);
}

int cs_ftrace_warnings(const struct cs_ftrace_stats *st, char *buf, size_t cap)
{
    int n = 0;
    buf[0] = '\0';
    if (st->lost_notes) {
        n = snprintf(buf, cap,
                     "the kernel lost %s%" PRIu64 " event%s (%" PRIu64
                     " lost-event note%s in the file): sequences around them are incomplete",
                     st->lost_uncounted ? "at least " : "", st->lost_events,
                     st->lost_events == 1 ? "" : "s", st->lost_notes,
                     st->lost_notes == 1 ? "" : "s");
    }
    if (st->clamped && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n,
                 "%s%" PRIu64 " event%s stamped earlier than the event before on %s channel (or "
                 "than the first event) and moved to that time to keep the channel in order",
                 n ? "; " : "", st->clamped, st->clamped == 1 ? " was" : "s were",
                 st->clamped == 1 ? "its" : "their");
    return buf[0] != '\0';
}

/* The writer keeps one file per channel open, and a busy system has many subchannels. */
static void raise_open_files(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int cs_ftrace_convert(const char *in_path, const char *out_dir, struct cs_ftrace_stats *st,
                      cs_error *err)
{
    memset(st, 0, sizeof(*st));
    struct stat sb;
    if (stat(in_path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return cs_error_set(err, "%s: is a directory, not an ftrace text file", in_path);
    if (!out_dir || !*out_dir)
        return cs_error_set(err, "empty output directory name");
    size_t olen = strlen(out_dir);
    char *out = malloc(olen + 32);
    if (!out)
        return cs_error_set(err, "out of memory");
    memcpy(out, out_dir, olen + 1);
    while (olen > 1 && out[olen - 1] == '/')
        out[--olen] = '\0';
    char *tmp = malloc(olen + 32);
    FILE *in = NULL;
    cs_trace_writer *w = NULL;
    int rc = -1, made = 0;
    if (!tmp) {
        cs_error_set(err, "out of memory");
        goto out;
    }
    if (!(in = fopen(in_path, "r"))) {
        cs_error_errno(err, errno, "%s: cannot open", in_path);
        goto out;
    }
    if (stat(out, &sb) == 0 && (!S_ISDIR(sb.st_mode) || !dir_empty(out))) {
        cs_error_set(err, "%s: already exists; a new trace needs a new or empty directory", out);
        goto out;
    }
    snprintf(tmp, olen + 32, "%s.partial-XXXXXX", out);
    if (mkdir_parents(tmp, err) < 0)
        goto out;
    if (!mkdtemp(tmp)) {
        cs_error_errno(err, errno, "%s: cannot create a temporary directory beside it", out);
        goto out;
    }
    made = 1;
    raise_open_files();
    if (cs_trace_writer_open(&w, tmp, CS_FTRACE_CLOCK_HZ, err) < 0)
        goto out;
    int irc = cs_ftrace_import(in, in_path, w, st, err);
    int crc = cs_trace_writer_close(w, irc < 0 ? NULL : err);
    w = NULL;
    if (irc < 0 || crc < 0)
        goto out;
    if (st->imported == 0) {
        char detail[400];
        if (st->lines == 0) {
            snprintf(detail, sizeof(detail), "the file is empty");
        } else {
            int n = snprintf(detail, sizeof(detail), "%" PRIu64 " line%s: ", st->lines,
                             st->lines == 1 ? "" : "s");
            skipped_detail(st, detail + n, sizeof(detail) - (size_t)n);
        }
        cs_error_set(err, "%s: no supported ftrace events (%s)", in_path, detail);
        goto out;
    }
    if (rename(tmp, out) < 0) {
        cs_error_errno(err, errno, "%s: cannot rename %s into place", out, tmp);
        goto out;
    }
    made = 0;
    rc = 0;
out:
    if (w)
        cs_trace_writer_close(w, NULL);
    if (made)
        remove_flat_dir(tmp);
    if (in)
        fclose(in);
    free(tmp);
    free(out);
    return rc;
}
