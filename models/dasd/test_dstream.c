#include "test_dstream.h"

#include <string.h>

#include "dasd.h"

long css_dstream_write(struct css_dstream *s, const void *buf, size_t n)
{
    if (s->fail)
        return -1;
    size_t m = s->count - s->pos < n ? s->count - s->pos : n;
    memcpy(s->buf + s->pos, buf, m);
    s->pos += m;
    return (long)m;
}

long css_dstream_read(struct css_dstream *s, void *buf, size_t n)
{
    if (s->fail)
        return -1;
    size_t m = s->count - s->pos < n ? s->count - s->pos : n;
    memcpy(buf, s->buf + s->pos, m);
    s->pos += m;
    return (long)m;
}

size_t css_dstream_avail(const struct css_dstream *s)
{
    return s->count - s->pos;
}

uint8_t tds_run(struct dasd *d, uint8_t cmd, void *buf, size_t count, size_t *moved, uint64_t *busy)
{
    struct css_dstream s = {.buf = buf, .count = count};
    struct css_dev_result r = dasd_device_ops.command(d, cmd, &s);
    if (moved)
        *moved = s.pos;
    if (busy)
        *busy = r.busy_ns;
    return r.dstat;
}
