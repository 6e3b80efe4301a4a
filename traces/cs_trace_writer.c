#include "cs_trace.h"
#include "cs_trace_format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct wchan {
    uint8_t *buf;     /* the open packet, CS_TRACE_PACKET_SIZE bytes, allocated on first use */
    size_t pos;       /* bytes used in buf; CS_TRACE_PACKET_SIZE forces the slow path */
    uint64_t last_ts; /* cycles of the channel's latest event */
    int fd;
};

struct cs_trace_writer {
    struct wchan *ch;
    size_t nch, cap;
    uint64_t events;
    struct cs_trace_chan_desc *desc; /* parallel to ch, for the metadata */
    char *dir;
    uint64_t clock_hz;
    uint8_t uuid[16];
    /* After a failed write the files no longer match what the caller was told, so every later
     * call reports the first failure instead of writing more. */
    int failed;
    cs_error fail;
};

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int writev_all(int fd, struct iovec *iov, int cnt)
{
    while (cnt > 0) {
        ssize_t k = writev(fd, iov, cnt);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        size_t done = (size_t)k;
        while (cnt > 0 && done >= iov->iov_len) {
            done -= iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + done;
            iov->iov_len -= done;
        }
    }
    return 0;
}

/* mkdir -p; the last component must end up an empty directory. */
static int make_trace_dir(const char *dir, cs_error *err)
{
    char *p = strdup(dir);
    if (!p)
        return cs_error_set(err, "%s: out of memory", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST) {
            int e = errno;
            cs_error_errno(err, e, "%s: cannot create directory", p);
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return cs_error_errno(err, errno, "%s: cannot create trace directory", dir);
    DIR *d = opendir(dir);
    if (!d)
        return cs_error_errno(err, errno, "%s: cannot open trace directory", dir);
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    }
    closedir(d);
    if (!empty)
        return cs_error_set(err,
                            "%s: directory is not empty; a new trace needs a new or empty "
                            "directory",
                            dir);
    return 0;
}

static int write_metadata(cs_trace_writer *w, cs_error *err)
{
    struct cs_strbuf sb = {0};
    cs_trace_meta_prefix(&sb, w->uuid);
    cs_trace_meta_env(&sb, w->clock_hz, w->desc, w->nch);
    cs_trace_meta_suffix(&sb, w->uuid, w->clock_hz);
    char *tmp = cs_trace_path_join(w->dir, CS_TRACE_METADATA_TMP);
    char *final = cs_trace_path_join(w->dir, CS_TRACE_METADATA);
    int rc = -1;
    if (sb.oom || !tmp || !final) {
        cs_error_set(err, "%s: out of memory writing the trace metadata", w->dir);
        goto out;
    }
    /* Written aside and renamed over the old file, so a killed process always leaves a
     * complete metadata file. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        cs_error_errno(err, errno, "%s: cannot create", tmp);
        goto out;
    }
    if (write_all(fd, sb.p, sb.len) < 0) {
        cs_error_errno(err, errno, "%s: write", tmp);
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) < 0) {
        cs_error_errno(err, errno, "%s: close", tmp);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, final) < 0) {
        cs_error_errno(err, errno, "%s: cannot rename to %s", tmp, final);
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    free(final);
    cs_strbuf_free(&sb);
    return rc;
}

int cs_trace_writer_open(cs_trace_writer **out, const char *dir, uint64_t clock_hz, cs_error *err)
{
    *out = NULL;
    if (!dir || !*dir)
        return cs_error_set(err, "trace writer: empty directory name");
    if (clock_hz == 0)
        return cs_error_set(err, "%s: the trace clock frequency must be positive, got 0 Hz", dir);
    if (make_trace_dir(dir, err) < 0)
        return -1;
    cs_trace_writer *w = calloc(1, sizeof(*w));
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        return cs_error_set(err, "%s: out of memory", dir);
    }
    size_t n = strlen(w->dir);
    while (n > 1 && w->dir[n - 1] == '/')
        w->dir[--n] = '\0';
    w->clock_hz = clock_hz;
    for (size_t got = 0; got < sizeof(w->uuid);) {
        ssize_t k = getrandom(w->uuid + got, sizeof(w->uuid) - got, 0);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            cs_error_errno(err, errno, "%s: cannot get random bytes for the trace uuid", dir);
            cs_trace_writer_close(w, NULL);
            return -1;
        }
        got += (size_t)k;
    }
    w->uuid[6] = (uint8_t)((w->uuid[6] & 0x0f) | 0x40); /* RFC 4122 version 4 */
    w->uuid[8] = (uint8_t)((w->uuid[8] & 0x3f) | 0x80);
    if (write_metadata(w, err) < 0) {
        cs_trace_writer_close(w, NULL);
        return -1;
    }
    *out = w;
    return 0;
}

static int sticky(const cs_trace_writer *w, cs_error *err)
{
    return cs_error_set(err, "%s", w->fail.msg);
}

int cs_trace_writer_add_channel(cs_trace_writer *w, const char *name, const char *family,
                                uint16_t *id, cs_error *err)
{
    if (w->failed)
        return sticky(w, err);
    if (!name || !cs_trace_name_ok(name, strlen(name)))
        return cs_error_set(err,
                            "%s: channel name \"%s\" must be 1 to %d characters of [A-Za-z0-9_.-]",
                            w->dir, name ? name : "(null)", CS_TRACE_NAME_MAX);
    if (!family || !cs_trace_name_ok(family, strlen(family)))
        return cs_error_set(err,
                            "%s: channel family \"%s\" must be 1 to %d characters of "
                            "[A-Za-z0-9_.-]",
                            w->dir, family ? family : "(null)", CS_TRACE_NAME_MAX);
    if (w->nch >= CS_TRACE_MAX_CHANNELS)
        return cs_error_set(err, "%s: cannot add channel \"%s\": a trace holds at most %d channels",
                            w->dir, name, CS_TRACE_MAX_CHANNELS);
    for (size_t i = 0; i < w->nch; i++)
        if (!strcmp(w->desc[i].name, name))
            return cs_error_set(err, "%s: channel name \"%s\" is already channel %zu", w->dir, name,
                                i);
    if (w->nch == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct wchan *ch = realloc(w->ch, cap * sizeof(*ch));
        if (ch)
            w->ch = ch;
        struct cs_trace_chan_desc *desc = realloc(w->desc, cap * sizeof(*desc));
        if (desc)
            w->desc = desc;
        if (!ch || !desc)
            return cs_error_set(err, "%s: out of memory adding channel \"%s\"", w->dir, name);
        w->cap = cap;
    }
    uint16_t cid = (uint16_t)w->nch;
    char fname[32];
    snprintf(fname, sizeof(fname), "stream_%u", (unsigned)cid);
    char *path = cs_trace_path_join(w->dir, fname);
    if (!path)
        return cs_error_set(err, "%s: out of memory adding channel \"%s\"", w->dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        cs_error_errno(err, errno, "%s: cannot create stream file", path);
        free(path);
        return -1;
    }
    struct wchan *c = &w->ch[cid];
    c->buf = NULL;
    c->pos = CS_TRACE_PACKET_SIZE;
    c->last_ts = 0;
    c->fd = fd;
    snprintf(w->desc[cid].name, sizeof(w->desc[cid].name), "%s", name);
    snprintf(w->desc[cid].family, sizeof(w->desc[cid].family), "%s", family);
    w->nch++;
    if (write_metadata(w, err) < 0) {
        w->nch--;
        close(fd);
        unlink(path);
        free(path);
        return -1;
    }
    free(path);
    *id = cid;
    return 0;
}

static int fail_io(cs_trace_writer *w, uint16_t id, int errnum, cs_error *err)
{
    cs_error_errno(&w->fail, errnum, "%s/stream_%u: write", w->dir, (unsigned)id);
    w->failed = 1;
    for (size_t i = 0; i < w->nch; i++)
        w->ch[i].pos = CS_TRACE_PACKET_SIZE;
    return sticky(w, err);
}

static int flush_chan(cs_trace_writer *w, uint16_t id, cs_error *err)
{
    struct wchan *c = &w->ch[id];
    if (!c->buf || c->pos <= PKT_HDR_SIZE)
        return 0;
    uint8_t *b = c->buf;
    uint64_t bits = (uint64_t)c->pos * 8;
    /* The first event's timestamp sits at a fixed place, so the hot path never tracks it. */
    st64(b + PKT_TS_BEGIN, ld64(b + PKT_HDR_SIZE + EV_TS));
    st64(b + PKT_TS_END, c->last_ts);
    st64(b + PKT_CONTENT_SIZE, bits);
    st64(b + PKT_PACKET_SIZE, bits);
    size_t n = c->pos;
    c->pos = PKT_HDR_SIZE;
    if (write_all(c->fd, b, n) < 0)
        return fail_io(w, id, errno, err);
    return 0;
}

static void packet_header(const cs_trace_writer *w, uint8_t *b, uint16_t id)
{
    memset(b, 0, PKT_HDR_SIZE);
    st32(b + PKT_MAGIC, CS_TRACE_MAGIC);
    memcpy(b + PKT_UUID, w->uuid, 16);
    st32(b + PKT_STREAM_ID, 0);
    st16(b + PKT_CHANNEL, id);
}

/* Slow path of the event writers: allocate the channel's packet, or write it out when the
 * next event does not fit. Returns 1 when need bytes now fit the packet buffer, 0 when the
 * event needs a packet of its own, -1 on error. */
static int make_room(cs_trace_writer *w, uint16_t id, size_t need, cs_error *err)
{
    if (w->failed)
        return sticky(w, err);
    struct wchan *c = &w->ch[id];
    if (!c->buf) {
        c->buf = malloc(CS_TRACE_PACKET_SIZE);
        if (!c->buf)
            return cs_error_set(err, "%s/stream_%u: out of memory for the packet buffer", w->dir,
                                (unsigned)id);
        packet_header(w, c->buf, id);
        c->pos = PKT_HDR_SIZE;
    }
    if (c->pos + need <= CS_TRACE_PACKET_SIZE)
        return 1;
    if (flush_chan(w, id, err) < 0)
        return -1;
    return PKT_HDR_SIZE + need <= CS_TRACE_PACKET_SIZE;
}

/* One event in a packet of its own: header and fixed fields from head, then the body. */
static int write_alone(cs_trace_writer *w, uint16_t id, uint64_t cycles, uint8_t *head,
                       size_t fixed, const void *body, size_t len, cs_error *err)
{
    uint64_t bits = (uint64_t)(PKT_HDR_SIZE + fixed + len) * 8;
    packet_header(w, head, id);
    st64(head + PKT_TS_BEGIN, cycles);
    st64(head + PKT_TS_END, cycles);
    st64(head + PKT_CONTENT_SIZE, bits);
    st64(head + PKT_PACKET_SIZE, bits);
    struct iovec iov[2] = {{head, PKT_HDR_SIZE + fixed}, {(void *)body, len}};
    if (writev_all(w->ch[id].fd, iov, len ? 2 : 1) < 0)
        return fail_io(w, id, errno, err);
    w->ch[id].last_ts = cycles;
    w->events++;
    return 0;
}

static int bad_event(cs_trace_writer *w, uint16_t ch, uint64_t cycles, cs_error *err)
{
    if (ch >= w->nch)
        return cs_error_set(err, "%s: channel id %u was never added (the trace has %zu channels)",
                            w->dir, (unsigned)ch, w->nch);
    return cs_error_set(err,
                        "%s: channel %u (%s): event at cycle %" PRIu64 " is earlier than the "
                        "channel's previous event at cycle %" PRIu64,
                        w->dir, (unsigned)ch, w->desc[ch].name, cycles, w->ch[ch].last_ts);
}

static inline void enc_msg(uint8_t *p, uint16_t ch, uint64_t cycles, uint8_t dir, uint16_t kind,
                           uint32_t len)
{
    st16(p + EV_ID, EV_ID_MSG);
    st64(p + EV_TS, cycles);
    st16(p + MSG_CHANNEL, ch);
    p[MSG_DIR] = dir;
    st16(p + MSG_KIND, kind);
    st32(p + MSG_LEN, len);
}

int cs_trace_write_msg(cs_trace_writer *w, uint16_t ch, uint64_t cycles, enum cs_trace_dir dir,
                       uint16_t kind, const void *payload, uint32_t len, cs_error *err)
{
    if (__builtin_expect(ch >= w->nch || cycles < w->ch[ch].last_ts, 0))
        return bad_event(w, ch, cycles, err);
    if (__builtin_expect((unsigned)dir > CS_DIR_INTERNAL || len > CS_TRACE_MAX_PAYLOAD ||
                             (!payload && len),
                         0)) {
        if ((unsigned)dir > CS_DIR_INTERNAL)
            return cs_error_set(err, "%s: channel %u: invalid message direction %u", w->dir,
                                (unsigned)ch, (unsigned)dir);
        if (!payload && len)
            return cs_error_set(err, "%s: channel %u: NULL payload of %" PRIu32 " bytes", w->dir,
                                (unsigned)ch, len);
        return cs_error_set(err,
                            "%s: channel %u: payload of %" PRIu32 " bytes exceeds the %u "
                            "byte limit",
                            w->dir, (unsigned)ch, len, CS_TRACE_MAX_PAYLOAD);
    }
    struct wchan *c = &w->ch[ch];
    size_t need = MSG_PAYLOAD + (size_t)len;
    if (__builtin_expect(c->pos + need > CS_TRACE_PACKET_SIZE, 0)) {
        int rc = make_room(w, ch, need, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            uint8_t head[PKT_HDR_SIZE + MSG_PAYLOAD];
            enc_msg(head + PKT_HDR_SIZE, ch, cycles, (uint8_t)dir, kind, len);
            return write_alone(w, ch, cycles, head, MSG_PAYLOAD, payload, len, err);
        }
    }
    uint8_t *p = c->buf + c->pos;
    enc_msg(p, ch, cycles, (uint8_t)dir, kind, len);
    if (len)
        memcpy(p + MSG_PAYLOAD, payload, len);
    c->pos += need;
    c->last_ts = cycles;
    w->events++;
    return 0;
}

int cs_trace_write_log(cs_trace_writer *w, uint16_t ch, uint64_t cycles, uint8_t level,
                       const char *text, cs_error *err)
{
    if (ch >= w->nch || cycles < w->ch[ch].last_ts)
        return bad_event(w, ch, cycles, err);
    if (!text)
        return cs_error_set(err, "%s: channel %u: log text is NULL", w->dir, (unsigned)ch);
    size_t len = strlen(text);
    if (len > CS_TRACE_MAX_PAYLOAD)
        return cs_error_set(err, "%s: channel %u: log text of %zu bytes exceeds the %u byte limit",
                            w->dir, (unsigned)ch, len, CS_TRACE_MAX_PAYLOAD);
    struct wchan *c = &w->ch[ch];
    size_t need = LOG_TEXT + len + 1;
    uint8_t *p;
    if (c->pos + need > CS_TRACE_PACKET_SIZE) {
        int rc = make_room(w, ch, need, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            uint8_t head[PKT_HDR_SIZE + LOG_TEXT];
            p = head + PKT_HDR_SIZE;
            st16(p + EV_ID, EV_ID_LOG);
            st64(p + EV_TS, cycles);
            st16(p + LOG_CHANNEL, ch);
            p[LOG_LEVEL] = level;
            return write_alone(w, ch, cycles, head, LOG_TEXT, text, len + 1, err);
        }
    }
    p = c->buf + c->pos;
    st16(p + EV_ID, EV_ID_LOG);
    st64(p + EV_TS, cycles);
    st16(p + LOG_CHANNEL, ch);
    p[LOG_LEVEL] = level;
    memcpy(p + LOG_TEXT, text, len + 1);
    c->pos += need;
    c->last_ts = cycles;
    w->events++;
    return 0;
}

int cs_trace_writer_flush(cs_trace_writer *w, cs_error *err)
{
    if (w->failed)
        return sticky(w, err);
    for (size_t i = 0; i < w->nch; i++)
        if (flush_chan(w, (uint16_t)i, err) < 0)
            return -1;
    return 0;
}

int cs_trace_writer_close(cs_trace_writer *w, cs_error *err)
{
    if (!w)
        return 0;
    int rc = w->failed ? sticky(w, err) : cs_trace_writer_flush(w, err);
    for (size_t i = 0; i < w->nch; i++) {
        if (close(w->ch[i].fd) < 0 && rc == 0)
            rc = cs_error_errno(err, errno, "%s/stream_%zu: close", w->dir, i);
        free(w->ch[i].buf);
    }
    free(w->ch);
    free(w->desc);
    free(w->dir);
    free(w);
    return rc;
}

void cs_trace_writer_discard(cs_trace_writer *w)
{
    if (!w)
        return;
    char *dir = strdup(w->dir);
    size_t nch = w->nch;
    cs_trace_writer_close(w, NULL);
    if (!dir)
        return;
    /* Only what the writer made: its streams, its metadata, then the folder if that leaves
     * it empty (the writer only opens an empty or new folder). */
    char name[32];
    for (size_t i = 0; i < nch; i++) {
        snprintf(name, sizeof(name), "stream_%zu", i);
        char *p = cs_trace_path_join(dir, name);
        if (p)
            unlink(p);
        free(p);
    }
    char *meta = cs_trace_path_join(dir, CS_TRACE_METADATA);
    if (meta)
        unlink(meta);
    free(meta);
    rmdir(dir);
    free(dir);
}

int cs_trace_writer_set_uuid(cs_trace_writer *w, const uint8_t uuid[16], cs_error *err)
{
    if (w->events)
        return cs_error_set(err, "%s: the trace uuid can only be set before the first event",
                            w->dir);
    memcpy(w->uuid, uuid, sizeof(w->uuid));
    return write_metadata(w, err);
}

uint64_t cs_trace_writer_events(const cs_trace_writer *w)
{
    return w->events;
}
