/* The image file: creation, sparseness, persistence across reopening, and bad images. */
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_test.h"
#include "dasd_image.h"
#include "test_dasd_util.h"

static char dir[512], path[600];

static void setup(void)
{
    cs_test_tmpdir(dir, sizeof dir, "dasdimg");
    snprintf(path, sizeof path, "%s/vol.img", dir);
}

static void teardown(void)
{
    cs_test_rmtree(dir);
}

static struct dasd *open_ok(int readonly)
{
    cs_error err = {0};
    struct dasd_options o = {.readonly = readonly};
    struct dasd *d = dasd_open(path, &o, &err);
    ck_assert_msg(d, "%s", err.msg);
    dasd_device_ops.program_start(d);
    return d;
}

static void close_ok(struct dasd *d)
{
    cs_error err = {0};
    ck_assert_msg(dasd_close(d, &err) == 0, "%s", err.msg);
}

static void create_ok(int model)
{
    cs_error err = {0};
    ck_assert_msg(dasd_image_create(path, model, 4096, &err) == 0, "%s", err.msg);
}

/* Open must fail with a message naming the file and containing `what`. */
static void open_fails(const char *what)
{
    cs_error err = {0};
    ck_assert_ptr_null(dasd_open(path, NULL, &err));
    cs_assert_contains(err.msg, path);
    cs_assert_contains(err.msg, what);
}

static void patch(off_t at, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, bytes, n, at), (ssize_t)n);
    close(fd);
}

/* The extent of a program starting at track trk: ten tracks on, within the volume. */
static unsigned ext_end(struct dasd *d, unsigned trk)
{
    unsigned last = dasd_cylinders(d) * 15 - 1;
    return trk + 10 < last ? trk + 10 : last;
}

static void write_blocks(struct dasd *d, unsigned trk, unsigned rec, unsigned n, unsigned seed)
{
    uint8_t b[4096];
    ck_assert_int_eq(do_dx(d, 0x80, trk, ext_end(d, trk)), OK);
    ck_assert_int_eq(do_lr(d, 0x01, n, trk, rec), OK);
    for (unsigned i = 0; i < n; i++) {
        memset(b, (int)(seed + i), sizeof b);
        b[0] = (uint8_t)i;
        ck_assert_int_eq(tds_run(d, 0x85, b, sizeof b, NULL, NULL), OK);
    }
    dasd_device_ops.program_end(d);
    dasd_device_ops.program_start(d);
}

static void check_blocks(struct dasd *d, unsigned trk, unsigned rec, unsigned n, unsigned seed)
{
    uint8_t b[4096], want[4096];
    ck_assert_int_eq(do_dx(d, 0x40, trk, ext_end(d, trk)), OK);
    ck_assert_int_eq(do_lr(d, 0x06, n, trk, rec), OK);
    for (unsigned i = 0; i < n; i++) {
        memset(want, (int)(seed + i), sizeof want);
        want[0] = (uint8_t)i;
        ck_assert_int_eq(tds_run(d, 0x86, b, sizeof b, NULL, NULL), OK);
        ck_assert_mem_eq(b, want, sizeof b);
    }
    dasd_device_ops.program_end(d);
    dasd_device_ops.program_start(d);
}

START_TEST(create_is_sparse)
{
    create_ok(3);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 4096 + (off_t)3339 * 15 * 65536);
    struct dasd *d = open_ok(0);
    write_blocks(d, 1000, 1, 24, 1);
    close_ok(d);
    ck_assert_int_eq(stat(path, &st), 0);
    /* two written tracks and the header: far below 1 MiB of a 3.3 GB volume */
    ck_assert_int_lt((long long)st.st_blocks * 512, 1 << 20);
    printf("dasd image: 3390-3 of %lld bytes occupies %lld bytes after writing 2 tracks\n",
           (long long)st.st_size, (long long)st.st_blocks * 512);
}
END_TEST

START_TEST(model_9)
{
    create_ok(9);
    struct dasd *d = open_ok(0);
    ck_assert_int_eq(dasd_model_number(d), 9);
    ck_assert_uint_eq(dasd_cylinders(d), 10017);
    ck_assert_uint_eq(dasd_blocks_per_track(d), 12);
    /* the last track of the volume */
    write_blocks(d, 10017 * 15 - 1, 12, 1, 4);
    check_blocks(d, 10017 * 15 - 1, 12, 1, 4);
    close_ok(d);
}
END_TEST

START_TEST(survives_reopen)
{
    create_ok(3);
    struct dasd *d = open_ok(0);
    write_blocks(d, 300, 3, 40, 10);
    write_blocks(d, 0, 1, 1, 99);
    close_ok(d);
    d = open_ok(0);
    check_blocks(d, 300, 3, 40, 10);
    check_blocks(d, 0, 1, 1, 99);
    close_ok(d);
}
END_TEST

START_TEST(program_end_writes_back)
{
    /* a second open sees the data once the program ended, before the first is closed */
    create_ok(3);
    struct dasd *d = open_ok(0);
    write_blocks(d, 7, 1, 12, 20);
    struct dasd *other = open_ok(1);
    check_blocks(other, 7, 1, 12, 20);
    close_ok(other);
    close_ok(d);
}
END_TEST

START_TEST(block_sizes)
{
    cs_error err = {0};
    ck_assert_int_eq(dasd_image_create(path, 3, 512, &err), 0);
    struct dasd *d = open_ok(0);
    ck_assert_uint_eq(dasd_blocks_per_track(d), 49);
    uint8_t c[8];
    ck_assert_int_eq(do_dx(d, 0x40, 0, 0), OK);
    ck_assert_int_eq(do_lr(d, 0x16, 1, 0, 49), OK);
    ck_assert_int_eq(tds_run(d, 0x92, c, 8, NULL, NULL), OK);
    ck_assert_uint_eq(c[6] << 8 | c[7], 512);
    close_ok(d);
    ck_assert_int_eq(dasd_image_create(path, 3, 3000, &err), -1);
    cs_assert_contains(err.msg, "block size 3000");
    ck_assert_int_eq(dasd_image_create(path, 4, 4096, &err), -1);
    cs_assert_contains(err.msg, "model 4");
}
END_TEST

START_TEST(missing_image)
{
    open_fails("No such file");
}
END_TEST

START_TEST(short_header)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, DASD_IMAGE_MAGIC, 8), 8);
    close(fd);
    open_fails("header cut short");
}
END_TEST

START_TEST(bad_magic_version_geometry)
{
    create_ok(3);
    patch(0, "NOTADASD", 8);
    open_fails("bad magic");
    create_ok(3);
    const uint8_t v2[4] = {0, 0, 0, 2};
    patch(8, v2, 4);
    open_fails("version 2");
    create_ok(3);
    const uint8_t m5 = 5;
    patch(14, &m5, 1);
    open_fails("model 5");
    create_ok(3);
    const uint8_t cyl[4] = {0, 0, 0x10, 0};
    patch(16, cyl, 4);
    open_fails("4096 cylinders");
    create_ok(3);
    const uint8_t dl[4] = {0, 0, 0x20, 0};
    patch(28, dl, 4);
    open_fails("does not fit");
}
END_TEST

START_TEST(truncated_body)
{
    create_ok(3);
    ck_assert_int_eq(truncate(path, 1 << 20), 0);
    open_fails("cut short");
}
END_TEST

START_TEST(corrupt_track_slot)
{
    create_ok(3);
    struct dasd *d = open_ok(0);
    write_blocks(d, 2, 1, 1, 1);
    close_ok(d);
    /* track 2's record count says 200 */
    const uint8_t n[2] = {0, 200};
    patch(4096 + 2 * 65536 + 8, n, 2);
    d = open_ok(0);
    ck_assert_int_eq(do_dx(d, 0x40, 0, 10), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 2, 1), UC);
    assert_sense(d, 0, DASD_SNS1_INV_TRACK_FORMAT, 0);
    cs_assert_contains(dasd_host_error(d), "track 0/2");
    cs_assert_contains(dasd_host_error(d), path);
    close_ok(d);
}
END_TEST

START_TEST(read_only_image)
{
    create_ok(3);
    struct dasd *d = open_ok(0);
    write_blocks(d, 9, 1, 2, 30);
    close_ok(d);
    d = open_ok(1);
    ck_assert_int_eq(dasd_readonly(d), 1);
    check_blocks(d, 9, 1, 2, 30);
    uint8_t b[4096 + 8] = {0};
    ck_assert_int_eq(do_dx(d, 0xC0, 9, 9), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 9, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x85, b, 4096, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
    /* classic Write CKD after a search, too */
    dasd_device_ops.program_end(d);
    dasd_device_ops.program_start(d);
    uint8_t seek[6] = {0, 0, 0, 0, 0, 9}, id[5] = {0, 0, 0, 9, 1};
    ck_assert_int_eq(tds_run(d, 0x07, seek, 6, NULL, NULL), OK);
    while (tds_run(d, 0x31, id, 5, NULL, NULL) != SM)
        ;
    ck_assert_int_eq(tds_run(d, 0x1D, b, sizeof b, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
    close_ok(d);
    /* a file this process may not write opens read-only by itself */
    if (geteuid() != 0) {
        ck_assert_int_eq(chmod(path, 0444), 0);
        d = open_ok(0);
        ck_assert_int_eq(dasd_readonly(d), 1);
        close_ok(d);
    }
}
END_TEST

START_TEST(write_failure_is_equipment_check)
{
    create_ok(3);
    struct dasd *d = open_ok(0);
    /* the file may not grow past 1 MiB: storing track 100 (at 6.5 MB) fails with EFBIG */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {1 << 20, 1 << 20};
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    uint8_t b[4096];
    memset(b, 0x5A, sizeof b);
    ck_assert_int_eq(do_dx(d, 0x80, 100, 110), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 100, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x85, b, sizeof b, NULL, NULL), UC);
    cs_assert_contains(dasd_host_error(d), "writing track 6/10");
    assert_sense(d, DASD_SNS0_EQUIPMENT_CHECK, 0, 0);
    /* the changed track is tried again when the heads move on, and fails again */
    dasd_device_ops.program_end(d);
    dasd_device_ops.program_start(d);
    ck_assert_int_eq(do_dx(d, 0x40, 0, 10), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 3, 1), UC);
    assert_sense(d, DASD_SNS0_EQUIPMENT_CHECK, 0, 0);
    cs_error err = {0};
    ck_assert_int_eq(dasd_close(d, &err), -1);
    cs_assert_contains(err.msg, path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dasd_image");
    TCase *t = tcase_create("image");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, create_is_sparse);
    tcase_add_test(t, model_9);
    tcase_add_test(t, survives_reopen);
    tcase_add_test(t, program_end_writes_back);
    tcase_add_test(t, block_sizes);
    tcase_add_test(t, missing_image);
    tcase_add_test(t, short_header);
    tcase_add_test(t, bad_magic_version_geometry);
    tcase_add_test(t, truncated_body);
    tcase_add_test(t, corrupt_track_slot);
    tcase_add_test(t, read_only_image);
    tcase_add_test(t, write_failure_is_equipment_check);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
