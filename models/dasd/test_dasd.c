/* The 3390 command set, driven one command at a time as the channel subsystem would. */
#include <stdio.h>
#include <stdlib.h>

#include "cs_test.h"
#include "dasd_image.h"
#include "test_dasd_util.h"

static char dir[512], path[600];
static struct dasd *d;

static void setup(void)
{
    cs_error err = {0};
    cs_test_tmpdir(dir, sizeof dir, "dasd");
    snprintf(path, sizeof path, "%s/vol.img", dir);
    ck_assert_msg(dasd_image_create(path, 3, 4096, &err) == 0, "%s", err.msg);
    d = dasd_open(path, NULL, &err);
    ck_assert_msg(d, "%s", err.msg);
    dasd_device_ops.program_start(d);
}

static void teardown(void)
{
    cs_error err = {0};
    ck_assert_msg(dasd_close(d, &err) == 0, "%s", err.msg);
    cs_test_rmtree(dir);
}

/* A fresh program: the extent and domain of the last one are gone. */
static void restart(void)
{
    dasd_device_ops.program_end(d);
    dasd_device_ops.program_start(d);
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

START_TEST(sense_id_and_rdc)
{
    uint8_t id[16] = {0}, rdc[80] = {0};
    size_t n;
    ck_assert_int_eq(tds_run(d, 0xE4, id, sizeof id, &n, NULL), OK);
    ck_assert_uint_eq(n, 7);
    const uint8_t want[7] = {0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0A};
    ck_assert_mem_eq(id, want, 7);
    ck_assert_int_eq(tds_run(d, 0x64, rdc, sizeof rdc, &n, NULL), OK);
    ck_assert_uint_eq(n, 64);
    ck_assert_uint_eq(rdc[0] << 8 | rdc[1], 0x3990);
    ck_assert_uint_eq(rdc[3] << 8 | rdc[4], 0x3390);
    ck_assert_uint_eq(rdc[10], 0x20);
    ck_assert_uint_eq(rdc[12] << 8 | rdc[13], 3339);
    ck_assert_uint_eq(rdc[14] << 8 | rdc[15], 15);
    ck_assert_uint_eq((unsigned)rdc[60] << 24 | rdc[61] << 16 | rdc[62] << 8 | rdc[63], 3339);
    /* a short Sense ID count stores what fits */
    ck_assert_int_eq(tds_run(d, 0xE4, id, 4, &n, NULL), OK);
    ck_assert_uint_eq(n, 4);
}
END_TEST

START_TEST(geometry_formula)
{
    /* 3390 records per track: 12 of 4096, 1 of 56664, 15 of 2048+key 8 (Reference Summary) */
    ck_assert_uint_eq(dasd_records_per_track(0, 4096), 12);
    ck_assert_uint_eq(dasd_records_per_track(0, 56664), 1);
    ck_assert_uint_eq(dasd_records_per_track(0, 56665), 0);
    ck_assert_uint_eq(dasd_records_per_track(0, 512), 49);
    ck_assert_uint_eq(dasd_records_per_track(0, 1024), 33);
    ck_assert_uint_eq(dasd_records_per_track(0, 2048), 21);
    ck_assert_uint_eq(dasd_model_find(9)->cylinders, 10017);
    ck_assert_ptr_null(dasd_model_find(2));
}
END_TEST

START_TEST(nop_and_invalid_command)
{
    ck_assert_int_eq(tds_run(d, 0x03, NULL, 0, NULL, NULL), OK);
    ck_assert_int_eq(tds_run(d, 0xC3, NULL, 0, NULL, NULL), UC);
    ck_assert_uint_eq(dasd_pending_sense(d)[0], DASD_SNS0_CMD_REJECT);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_COMMAND);
    /* Sense hands the bytes over once */
    assert_sense(d, 0, 0, 0);
}
END_TEST

START_TEST(read_fresh_volume_is_formatted)
{
    uint8_t buf[4200];
    size_t n;
    ck_assert_int_eq(do_dx(d, 0x40, 0, 100), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 2, 7, 12), OK);
    memset(buf, 0x55, sizeof buf);
    ck_assert_int_eq(tds_run(d, 0x86, buf, 4096, &n, NULL), OK);
    ck_assert_uint_eq(n, 4096);
    for (size_t i = 0; i < 4096; i++)
        ck_assert_uint_eq(buf[i], 0);
    /* the domain went on to R1 of the next track */
    ck_assert_int_eq(tds_run(d, 0x86, buf, sizeof buf, &n, NULL), OK);
    ck_assert_uint_eq(n, 4096);
}
END_TEST

START_TEST(write_data_reads_back_across_tracks)
{
    enum { N = 30 };
    static uint8_t w[N][4096], r[4096];
    ck_assert_int_eq(do_dx(d, 0x80, 15, 29), OK);
    ck_assert_int_eq(do_lr(d, 0x01, N, 15, 5), OK);
    for (int i = 0; i < N; i++) {
        fill(w[i], 4096, (unsigned)i);
        ck_assert_int_eq(tds_run(d, 0x85, w[i], 4096, NULL, NULL), OK);
    }
    restart();
    ck_assert_int_eq(do_dx(d, 0x40, 15, 29), OK);
    ck_assert_int_eq(do_lr(d, 0x06, N, 15, 5), OK);
    for (int i = 0; i < N; i++) {
        size_t n;
        ck_assert_int_eq(tds_run(d, 0x86, r, 4096, &n, NULL), OK);
        ck_assert_uint_eq(n, 4096);
        ck_assert_mem_eq(r, w[i], 4096);
    }
    /* record 5 of track 15 + 29 records: the last is record 10 of track 17 */
    restart();
    ck_assert_int_eq(do_dx(d, 0x40, 0, 100), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 17, 10), OK);
    ck_assert_int_eq(tds_run(d, 0x86, r, 4096, NULL, NULL), OK);
    ck_assert_mem_eq(r, w[N - 1], 4096);
}
END_TEST

START_TEST(short_write_pads_with_zeros)
{
    uint8_t w[100], r[4096];
    fill(w, sizeof w, 3);
    ck_assert_int_eq(do_dx(d, 0xC0, 0, 0), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 0, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x85, w, sizeof w, NULL, NULL), OK);
    restart();
    ck_assert_int_eq(do_dx(d, 0x40, 0, 0), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 0, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x86, r, sizeof r, NULL, NULL), OK);
    ck_assert_mem_eq(r, w, sizeof w);
    for (size_t i = sizeof w; i < sizeof r; i++)
        ck_assert_uint_eq(r[i], 0);
}
END_TEST

START_TEST(read_count_and_ckd)
{
    uint8_t c[8], ckd[8 + 4096];
    size_t n;
    ck_assert_int_eq(do_dx(d, 0x40, 0, 100), OK);
    ck_assert_int_eq(do_lr(d, 0x16, 3, 31, 11), OK);
    ck_assert_int_eq(tds_run(d, 0x92, c, sizeof c, &n, NULL), OK);
    const uint8_t want11[8] = {0, 2, 0, 1, 11, 0, 0x10, 0x00};
    ck_assert_mem_eq(c, want11, 8);
    ck_assert_int_eq(tds_run(d, 0x9E, ckd, sizeof ckd, &n, NULL), OK);
    ck_assert_uint_eq(n, sizeof ckd);
    const uint8_t want12[8] = {0, 2, 0, 1, 12, 0, 0x10, 0x00};
    ck_assert_mem_eq(ckd, want12, 8);
    /* the domain crosses to the next track, R0 skipped */
    ck_assert_int_eq(tds_run(d, 0x92, c, sizeof c, &n, NULL), OK);
    const uint8_t want_next[8] = {0, 2, 0, 2, 1, 0, 0x10, 0x00};
    ck_assert_mem_eq(c, want_next, 8);
}
END_TEST

START_TEST(write_ckd_formats_a_track)
{
    /* format track 40 as 3 records with keys, then 1 full-track record on track 41 */
    uint8_t rec[8 + 4 + 1000];
    ck_assert_int_eq(do_dx(d, 0xC0, 40, 41), OK);
    ck_assert_int_eq(do_lr(d, 0x03, 4, 40, 0), OK);
    for (unsigned r = 1; r <= 3; r++) {
        memset(rec, 0, 8);
        put16(rec, 40 / 15);
        put16(rec + 2, 40 % 15);
        rec[4] = (uint8_t)r;
        rec[5] = 4;
        put16(rec + 6, 1000);
        fill(rec + 8, 1004, r);
        ck_assert_int_eq(tds_run(d, 0x1D, rec, sizeof rec, NULL, NULL), OK);
    }
    static uint8_t big[8 + DASD_MAX_DL];
    put16(big, 41 / 15);
    put16(big + 2, 41 % 15);
    big[4] = 1;
    big[5] = 0;
    put16(big + 6, DASD_MAX_DL);
    fill(big + 8, DASD_MAX_DL, 9);
    ck_assert_int_eq(tds_run(d, 0x1D, big, sizeof big, NULL, NULL), OK);
    restart();

    /* track 40 now ends after R3: R4 is not found */
    uint8_t ckd[sizeof rec];
    size_t n;
    ck_assert_int_eq(do_dx(d, 0x40, 40, 41), OK);
    ck_assert_int_eq(do_lr(d, 0x16, 3, 40, 1), OK);
    for (unsigned r = 1; r <= 3; r++) {
        ck_assert_int_eq(tds_run(d, 0x9E, ckd, sizeof ckd, &n, NULL), OK);
        ck_assert_uint_eq(n, sizeof ckd);
        ck_assert_uint_eq(ckd[4], r);
        ck_assert_uint_eq(ckd[5], 4);
        uint8_t want[1004];
        fill(want, sizeof want, r);
        ck_assert_mem_eq(ckd + 8, want, sizeof want);
    }
    restart();
    ck_assert_int_eq(do_dx(d, 0x40, 40, 41), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 40, 4), UC);
    assert_sense(d, 0, DASD_SNS1_NO_REC_FOUND, 0);
    restart();
    static uint8_t rbig[DASD_MAX_DL];
    ck_assert_int_eq(do_dx(d, 0x40, 40, 41), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 41, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x86, rbig, sizeof rbig, &n, NULL), OK);
    ck_assert_uint_eq(n, DASD_MAX_DL);
    ck_assert_mem_eq(rbig, big + 8, DASD_MAX_DL);
}
END_TEST

START_TEST(write_ckd_overflow_is_invalid_track_format)
{
    uint8_t rec[8 + 30000] = {0};
    ck_assert_int_eq(do_dx(d, 0xC0, 50, 50), OK);
    ck_assert_int_eq(do_lr(d, 0x03, 2, 50, 0), OK);
    put16(rec, 3);
    put16(rec + 2, 5);
    rec[4] = 1;
    put16(rec + 6, 30000);
    ck_assert_int_eq(tds_run(d, 0x1D, rec, sizeof rec, NULL, NULL), OK);
    rec[4] = 2;
    ck_assert_int_eq(tds_run(d, 0x1D, rec, sizeof rec, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_INV_TRACK_FORMAT, 0);
}
END_TEST

START_TEST(read_track)
{
    static uint8_t trk[65536];
    size_t n;
    ck_assert_int_eq(do_dx(d, 0x40, 0, 100), OK);
    uint8_t b[20] = {0};
    b[0] = 0x0C; /* read tracks */
    b[3] = 2;
    put16(b + 4, 0);
    put16(b + 6, 3);
    ck_assert_int_eq(tds_run(d, 0x4B, b, sizeof b, NULL, NULL), OK);
    ck_assert_int_eq(tds_run(d, 0xDE, trk, sizeof trk, &n, NULL), OK);
    ck_assert_uint_eq(n, 12 * (8 + 4096));
    for (unsigned r = 0; r < 12; r++) {
        const uint8_t *c = trk + r * (8 + 4096);
        ck_assert_uint_eq(c[3], 3);
        ck_assert_uint_eq(c[4], r + 1);
    }
    ck_assert_int_eq(tds_run(d, 0xDE, trk, sizeof trk, &n, NULL), OK);
    ck_assert_uint_eq(trk[3], 4); /* the next track */
    /* Read Track outside a domain is a sequence error */
    ck_assert_int_eq(tds_run(d, 0xDE, trk, sizeof trk, &n, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
}
END_TEST

/* Seek; Search ID Equal; TIC *-8; Read Data, with the channel's part played here: status
 * modifier skips the TIC, otherwise the TIC runs the search again. */
static uint8_t search_loop(unsigned cyl, unsigned head, unsigned rec, uint8_t *data, size_t len,
                           int *searches)
{
    uint8_t seek[6] = {0};
    put16(seek + 2, cyl);
    put16(seek + 4, head);
    uint8_t st = tds_run(d, 0x07, seek, sizeof seek, NULL, NULL);
    if (st != OK)
        return st;
    uint8_t id[5];
    put16(id, cyl);
    put16(id + 2, head);
    id[4] = (uint8_t)rec;
    *searches = 0;
    for (;;) {
        ++*searches;
        st = tds_run(d, 0x31, id, sizeof id, NULL, NULL);
        if (st == SM)
            break;
        if (st != OK)
            return st;
    }
    return tds_run(d, 0x06, data, len, NULL, NULL);
}

START_TEST(search_id_tic_loop)
{
    uint8_t w[4096], r[4096];
    fill(w, sizeof w, 77);
    ck_assert_int_eq(do_dx(d, 0xC0, 0, 200), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 100, 7), OK);
    ck_assert_int_eq(tds_run(d, 0x85, w, sizeof w, NULL, NULL), OK);
    restart();
    int searches;
    ck_assert_int_eq(search_loop(100 / 15, 100 % 15, 7, r, sizeof r, &searches), OK);
    ck_assert_int_eq(searches, 8); /* R0 .. R7 went by */
    ck_assert_mem_eq(r, w, sizeof w);
    /* Write Data after the search updates that record */
    restart();
    ck_assert_int_eq(search_loop(100 / 15, 100 % 15, 3, r, sizeof r, &searches), OK);
    restart();
    uint8_t seek[6] = {0}, id[5] = {0};
    put16(seek + 2, 100 / 15);
    put16(seek + 4, 100 % 15);
    memcpy(id, seek + 2, 4);
    id[4] = 3;
    ck_assert_int_eq(tds_run(d, 0x07, seek, 6, NULL, NULL), OK);
    while (tds_run(d, 0x31, id, 5, NULL, NULL) != SM)
        ;
    ck_assert_int_eq(tds_run(d, 0x05, w, sizeof w, NULL, NULL), OK);
    restart();
    ck_assert_int_eq(search_loop(100 / 15, 100 % 15, 3, r, sizeof r, &searches), OK);
    ck_assert_mem_eq(r, w, sizeof w);
}
END_TEST

START_TEST(search_without_match_is_no_record_found)
{
    uint8_t r[4096];
    int searches;
    ck_assert_int_eq(search_loop(2, 2, 13, r, sizeof r, &searches), UC);
    ck_assert_int_eq(searches, 27); /* R0..R12 twice, then the second index point */
    assert_sense(d, 0, DASD_SNS1_NO_REC_FOUND, 0);
}
END_TEST

START_TEST(classic_sequence_errors)
{
    uint8_t b[4096] = {0};
    /* Write Data with no record oriented, search without a seek */
    ck_assert_int_eq(tds_run(d, 0x05, b, sizeof b, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
    ck_assert_int_eq(tds_run(d, 0x31, b, 5, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
    /* Seek beyond the volume, a short seek argument */
    uint8_t seek[6] = {0};
    put16(seek + 2, 3339);
    ck_assert_int_eq(tds_run(d, 0x07, seek, 6, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_PARAMETER);
    ck_assert_int_eq(tds_run(d, 0x07, seek, 4, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_COUNT_TOO_SMALL);
    /* a Seek outside the extent */
    ck_assert_int_eq(do_dx(d, 0x40, 0, 14), OK);
    put16(seek + 2, 1);
    ck_assert_int_eq(tds_run(d, 0x07, seek, 6, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
}
END_TEST

START_TEST(define_extent_and_locate_errors)
{
    uint8_t b[16] = {0};
    /* Locate Record before Define Extent */
    ck_assert_int_eq(do_lr(d, 0x06, 1, 0, 1), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
    /* Define Extent too short, beyond the volume, reversed */
    ck_assert_int_eq(tds_run(d, 0x63, b, 12, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_COUNT_TOO_SMALL);
    ck_assert_int_eq(do_dx(d, 0x40, 0, 3339 * 15), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_PARAMETER);
    ck_assert_int_eq(do_dx(d, 0x40, 20, 10), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_PARAMETER);
    /* a second Define Extent in one program */
    ck_assert_int_eq(do_dx(d, 0x40, 0, 10), OK);
    ck_assert_int_eq(do_dx(d, 0x40, 0, 10), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
    /* Locate Record: count 0, unknown operation, short data */
    ck_assert_int_eq(do_lr(d, 0x06, 0, 0, 1), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_PARAMETER);
    ck_assert_int_eq(do_lr(d, 0x2A, 1, 0, 1), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_PARAMETER);
    ck_assert_int_eq(tds_run(d, 0x47, b, 8, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_COUNT_TOO_SMALL);
    /* out of the extent */
    ck_assert_int_eq(do_lr(d, 0x06, 1, 11, 1), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
    /* record not on the track */
    ck_assert_int_eq(do_lr(d, 0x06, 1, 2, 13), UC);
    assert_sense(d, 0, DASD_SNS1_NO_REC_FOUND, 0);
    /* a command that does not belong to the domain, a second Locate inside it */
    ck_assert_int_eq(do_lr(d, 0x06, 2, 2, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x85, b, 16, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
    ck_assert_int_eq(do_lr(d, 0x06, 2, 2, 1), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 2, 2, 1), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_SEQUENCE);
    /* Locate Record Extended with an extended operation this model lacks */
    uint8_t lre[20] = {0x3F, 0, 0, 1};
    ck_assert_int_eq(tds_run(d, 0x4B, lre, sizeof lre, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_INVALID_PARAMETER);
    ck_assert_int_eq(tds_run(d, 0x4B, lre, 16, NULL, NULL), UC);
    assert_sense(d, DASD_SNS0_CMD_REJECT, 0, DASD_MSG_COUNT_TOO_SMALL);
}
END_TEST

START_TEST(domain_ends_at_extent)
{
    uint8_t b[4096];
    /* extent of track 5 only: the 13th record would be on track 6 */
    ck_assert_int_eq(do_dx(d, 0x40, 5, 5), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 13, 5, 1), OK);
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(tds_run(d, 0x86, b, sizeof b, NULL, NULL), OK);
    ck_assert_int_eq(tds_run(d, 0x86, b, sizeof b, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
}
END_TEST

START_TEST(file_mask_protects)
{
    uint8_t b[4096 + 8] = {0};
    /* inhibit all writes: Write Data refused */
    ck_assert_int_eq(do_dx(d, 0x40, 0, 10), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 0, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x85, b, 4096, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
    /* update only: Write CKD refused, Write Data allowed */
    restart();
    ck_assert_int_eq(do_dx(d, 0x80, 0, 10), OK);
    ck_assert_int_eq(do_lr(d, 0x03, 1, 0, 0), OK);
    put16(b + 6, 4096);
    b[4] = 1;
    ck_assert_int_eq(tds_run(d, 0x1D, b, sizeof b, NULL, NULL), UC);
    assert_sense(d, 0, DASD_SNS1_FILE_PROTECTED, 0);
    restart();
    ck_assert_int_eq(do_dx(d, 0x80, 0, 10), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 0, 1), OK);
    ck_assert_int_eq(tds_run(d, 0x85, b, 4096, NULL, NULL), OK);
}
END_TEST

START_TEST(storage_error_leaves_record)
{
    uint8_t w[4096], r[4096];
    fill(w, sizeof w, 5);
    ck_assert_int_eq(do_dx(d, 0x80, 0, 0), OK);
    ck_assert_int_eq(do_lr(d, 0x01, 1, 0, 2), OK);
    struct css_dstream s = {.buf = w, .count = sizeof w, .fail = 1};
    struct css_dev_result res = dasd_device_ops.command(d, 0x85, &s);
    ck_assert_int_eq(res.dstat, OK);
    restart();
    ck_assert_int_eq(do_dx(d, 0x40, 0, 0), OK);
    ck_assert_int_eq(do_lr(d, 0x06, 1, 0, 2), OK);
    ck_assert_int_eq(tds_run(d, 0x86, r, sizeof r, NULL, NULL), OK);
    for (size_t i = 0; i < sizeof r; i++)
        ck_assert_uint_eq(r[i], 0);
}
END_TEST

START_TEST(clear_drops_sense)
{
    ck_assert_int_eq(tds_run(d, 0xFF, NULL, 0, NULL, NULL), UC);
    dasd_device_ops.reset(d, 0);
    ck_assert_uint_eq(dasd_pending_sense(d)[0], DASD_SNS0_CMD_REJECT);
    dasd_device_ops.reset(d, 1);
    ck_assert_uint_eq(dasd_pending_sense(d)[0], 0);
}
END_TEST

START_TEST(timing_hit_and_miss)
{
    struct dasd_costs c;
    dasd_costs_default(&c);
    uint8_t b[4096];
    uint64_t busy, hits, misses;
    ck_assert_int_eq(do_dx(d, 0x40, 0, 100), OK);
    uint8_t lr[16] = {0x06, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 9, 1};
    /* the 16 parameter bytes cross the link too */
    ck_assert_int_eq(tds_run(d, 0x47, lr, 16, NULL, &busy), OK);
    ck_assert_uint_eq(busy, c.command + c.cache_miss + 16 * c.per_kib / 1024);
    ck_assert_int_eq(tds_run(d, 0x86, b, 4096, NULL, &busy), OK);
    ck_assert_uint_eq(busy, c.command + 4 * c.per_kib);
    restart();
    ck_assert_int_eq(do_dx(d, 0x40, 0, 100), OK);
    ck_assert_int_eq(tds_run(d, 0x47, lr, 16, NULL, &busy), OK);
    ck_assert_uint_eq(busy, c.command + c.cache_hit + 16 * c.per_kib / 1024);
    dasd_cache_stats(d, &hits, &misses);
    ck_assert_uint_eq(hits, 1);
    ck_assert_uint_eq(misses, 1);
    printf("dasd timing: 4 KiB read, cache miss %.1f us, cache hit %.1f us (DX+LR+RD)\n",
           (3 * c.command + c.cache_miss + 4 * c.per_kib) / 1e3,
           (3 * c.command + c.cache_hit + 4 * c.per_kib) / 1e3);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dasd");
    TCase *t = tcase_create("commands");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, sense_id_and_rdc);
    tcase_add_test(t, geometry_formula);
    tcase_add_test(t, nop_and_invalid_command);
    tcase_add_test(t, read_fresh_volume_is_formatted);
    tcase_add_test(t, write_data_reads_back_across_tracks);
    tcase_add_test(t, short_write_pads_with_zeros);
    tcase_add_test(t, read_count_and_ckd);
    tcase_add_test(t, write_ckd_formats_a_track);
    tcase_add_test(t, write_ckd_overflow_is_invalid_track_format);
    tcase_add_test(t, read_track);
    tcase_add_test(t, search_id_tic_loop);
    tcase_add_test(t, search_without_match_is_no_record_found);
    tcase_add_test(t, classic_sequence_errors);
    tcase_add_test(t, define_extent_and_locate_errors);
    tcase_add_test(t, domain_ends_at_extent);
    tcase_add_test(t, file_mask_protects);
    tcase_add_test(t, storage_error_leaves_record);
    tcase_add_test(t, clear_drops_sense);
    tcase_add_test(t, timing_hit_and_miss);
    suite_add_tcase(s, t);
    return s;
}

CS_TEST_MAIN(suite)
