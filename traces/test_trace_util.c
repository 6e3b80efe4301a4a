#include "test_trace_util.h"

#include "cs_test.h"
#include "cs_trace_format.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tt_tmp, *tt_tdir;

void tt_setup(void)
{
    tt_tmp = tt_tmpdir();
    tt_tdir = tt_path(tt_tmp, "t");
}

void tt_teardown(void)
{
    cs_test_rmtree(tt_tmp);
    free(tt_tdir);
    free(tt_tmp);
}

uint64_t tt_rnd(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

char *tt_tmpdir(void)
{
    const char *base = getenv("CHANSIM_TEST_TMP");
    if (!base || !*base)
        base = "/tmp";
    if (mkdir(base, 0777) < 0)
        ck_assert_msg(errno == EEXIST, "mkdir %s: %s", base, strerror(errno));
    char *t = tt_path(base, "trace-XXXXXX");
    ck_assert_msg(mkdtemp(t) != NULL, "mkdtemp %s: %s", t, strerror(errno));
    return t;
}

char *tt_path(const char *dir, const char *name)
{
    char *p;
    ck_assert(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

void tt_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "create %s: %s", path, strerror(errno));
    ck_assert(fwrite(data, 1, len, f) == len);
    ck_assert(fclose(f) == 0);
}

off_t tt_file_size(const char *path)
{
    struct stat st;
    ck_assert_msg(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
    return st.st_size;
}

void tt_patch(const char *path, off_t off, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY);
    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    ck_assert(pwrite(fd, bytes, n, off) == (ssize_t)n);
    close(fd);
}

void tt_patch_u64(const char *path, off_t off, uint64_t v)
{
    uint8_t b[8];
    st64(b, v);
    tt_patch(path, off, b, 8);
}

void tt_truncate(const char *path, off_t len)
{
    ck_assert_msg(truncate(path, len) == 0, "truncate %s: %s", path, strerror(errno));
}

size_t tt_replace(const char *path, const char *old, const char *new_text)
{
    size_t n;
    char *text = cs_test_read_file(path, &n);
    char *at = strstr(text, old);
    ck_assert_msg(at != NULL, "%s: no \"%s\"", path, old);
    size_t off = (size_t)(at - text), lo = strlen(old), ln = strlen(new_text);
    char *out = malloc(n - lo + ln);
    ck_assert(out != NULL);
    memcpy(out, text, off);
    memcpy(out + off, new_text, ln);
    memcpy(out + off + ln, at + lo, n - off - lo);
    tt_write_file(path, out, n - lo + ln);
    free(out);
    free(text);
    return off;
}

size_t tt_packets(const char *path, off_t *offs, uint64_t *sizes, size_t max)
{
    int fd = open(path, O_RDONLY);
    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    off_t end = tt_file_size(path), off = 0;
    size_t n = 0;
    while (off < end && n < max) {
        uint8_t h[PKT_HDR_SIZE];
        ck_assert(pread(fd, h, sizeof(h), off) == (ssize_t)sizeof(h));
        offs[n] = off;
        sizes[n] = ld64(h + PKT_PACKET_SIZE) / 8;
        off += (off_t)sizes[n];
        n++;
    }
    close(fd);
    return n;
}
