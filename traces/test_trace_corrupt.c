/* Criterion 4: corrupt, foreign or newer traces are refused with "<path>: byte <offset>:
 * <reason>", never a crash. */
#include "cs_test.h"
#include "cs_trace.h"
#include "cs_trace_format.h"
#include "test_trace_util.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *s0, *meta; /* files of the base trace in tt_tdir */

/* The base trace: channel 0 "c0", one packet of 115 bytes. Offsets of its fields: */
enum {
    E0 = PKT_HDR_SIZE, /* msg t=10 to_firmware kind 1 payload 01 02 03 */
    E1 = E0 + 22,      /* log t=20 level 2 "hi" */
    E2 = E1 + 16,      /* msg t=30 internal kind 2, no payload */
    END = E2 + 19,
};

static void write_base(const char *dir)
{
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t c;
    ck_assert_msg(cs_trace_writer_open(&w, dir, 1000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "c0", "f", &c, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, c, 10, CS_DIR_TO_FW, 1, "\1\2\3", 3, &err), 0);
    ck_assert_int_eq(cs_trace_write_log(w, c, 20, 2, "hi", &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, c, 30, CS_DIR_INTERNAL, 2, NULL, 0, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
}

static void setup(void)
{
    tt_setup();
    s0 = tt_path(tt_tdir, "stream_0");
    meta = tt_path(tt_tdir, "metadata");
    write_base(tt_tdir);
    ck_assert_int_eq(tt_file_size(s0), END);
}

/* Offset of the first needle in the file at path. */
static long find_in(const char *path, const char *needle)
{
    size_t n;
    char *text = cs_test_read_file(path, &n);
    char *at = strstr(text, needle);
    ck_assert_msg(at != NULL, "%s: no \"%s\"", path, needle);
    long off = (long)(at - text);
    free(text);
    return off;
}

static void teardown(void)
{
    free(meta);
    free(s0);
    tt_teardown();
}

/* Reads the whole trace; returns -1 with the error in err, or the event count. */
static long read_all(const char *dir, cs_error *err)
{
    cs_trace_reader *r;
    if (cs_trace_reader_open(&r, dir, err) < 0) {
        ck_assert_ptr_null(r);
        return -1;
    }
    struct cs_trace_event ev;
    long n = 0;
    int rc;
    while ((rc = cs_trace_reader_next(r, &ev, err)) == 1)
        n++;
    cs_trace_reader_close(r);
    return rc < 0 ? -1 : n;
}

__attribute__((format(printf, 2, 3))) static void expect_error(const char *path, const char *fmt,
                                                               ...)
{
    char *reason, *want;
    va_list ap;
    va_start(ap, fmt);
    ck_assert(vasprintf(&reason, fmt, ap) > 0);
    va_end(ap);
    ck_assert(asprintf(&want, "%s: %s", path, reason) > 0);
    cs_error err = {0};
    ck_assert_int_eq(read_all(tt_tdir, &err), -1);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    free(want);
    free(reason);
}

START_TEST(base_trace_reads)
{
    cs_error err = {0};
    ck_assert_int_eq(read_all(tt_tdir, &err), 3);
}
END_TEST

START_TEST(bad_magic)
{
    uint8_t m[4] = {0xef, 0xbe, 0xad, 0xde};
    tt_patch(s0, 0, m, 4);
    expect_error(s0, "byte 0: bad packet magic 0xdeadbeef (expected 0xc1fc1fc1)");
}
END_TEST

START_TEST(packet_size_smaller_than_header)
{
    tt_patch_u64(s0, PKT_PACKET_SIZE, 64);
    expect_error(s0, "byte 48: packet_size 64 bits is smaller than the packet header and context "
                     "(464 bits)");
}
END_TEST

START_TEST(packet_size_not_byte_multiple)
{
    tt_patch_u64(s0, PKT_PACKET_SIZE, END * 8 + 3);
    expect_error(s0, "byte 48: packet_size 923 bits is not a multiple of 8");
}
END_TEST

START_TEST(packet_size_beyond_file)
{
    tt_patch_u64(s0, PKT_PACKET_SIZE, (uint64_t)1 << 40);
    expect_error(s0,
                 "byte 48: packet_size 1099511627776 bits runs beyond the end of the file (115 "
                 "bytes left) and exceeds the largest packet chansim writes (16777293 bytes), so "
                 "the file is corrupt, not cut off");
}
END_TEST

/* A packet_size past the end of the file but within what the writer produces is a cut-off
 * packet: a warning, not an error. */
START_TEST(packet_size_beyond_file_is_truncation)
{
    tt_patch_u64(s0, PKT_PACKET_SIZE, (END + 100) * 8);
    cs_trace_reader *r;
    cs_error err = {0};
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    struct cs_trace_event ev;
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 0);
    char *want;
    ck_assert(asprintf(&want,
                       "%s: truncated packet at byte offset 0 (115 bytes of 215); events up to "
                       "offset 0 were read",
                       s0) > 0);
    ck_assert_str_eq(cs_trace_reader_warning(r), want);
    free(want);
    cs_trace_reader_close(r);
}
END_TEST

START_TEST(content_size_beyond_packet_size)
{
    tt_patch_u64(s0, PKT_CONTENT_SIZE, (END + 1) * 8);
    expect_error(s0, "byte 40: content_size 928 bits exceeds packet_size 920 bits");
}
END_TEST

START_TEST(unknown_event_id)
{
    uint8_t id[2] = {7, 0};
    tt_patch(s0, E1, id, 2);
    expect_error(s0, "byte %d: unknown event id 7 (chansim:msg is 0, chansim:log is 1)", E1);
}
END_TEST

START_TEST(payload_len_beyond_packet)
{
    uint8_t len[4] = {0xe8, 0x03, 0, 0};
    tt_patch(s0, E0 + MSG_LEN, len, 4);
    expect_error(s0, "byte %d: payload_len 1000 runs beyond the packet's content (38 bytes left)",
                 E0 + MSG_LEN);
}
END_TEST

START_TEST(unknown_channel_in_stream)
{
    uint8_t ch[2] = {9, 0};
    tt_patch(s0, PKT_CHANNEL, ch, 2);
    expect_error(s0, "byte 56: packet channel_id 9 is not a channel of this trace (the metadata "
                     "defines 1)");
}
END_TEST

START_TEST(event_field_errors)
{
    uint8_t b[2] = {3, 0};
    tt_patch(s0, E2 + MSG_DIR, b, 1);
    expect_error(s0, "byte %d: direction 3 is none of to_firmware (0), to_guest (1), internal (2)",
                 E2 + MSG_DIR);
    b[0] = 2;
    tt_patch(s0, E2 + MSG_DIR, b, 1);

    b[0] = 1;
    tt_patch(s0, E1 + LOG_CHANNEL, b, 2);
    expect_error(s0, "byte %d: event channel_id 1 differs from the packet's channel_id 0",
                 E1 + LOG_CHANNEL);
    b[0] = 0;
    tt_patch(s0, E1 + LOG_CHANNEL, b, 2);

    tt_patch_u64(s0, E2 + EV_TS, 5);
    expect_error(s0,
                 "byte %d: event timestamp 5 is before the previous event or the packet's "
                 "timestamp_begin (cycle 20)",
                 E2 + EV_TS);
    tt_patch_u64(s0, E2 + EV_TS, 31);
    expect_error(s0, "byte %d: event timestamp 31 is after the packet's timestamp_end 30",
                 E2 + EV_TS);
    tt_patch_u64(s0, E2 + EV_TS, 30);

    /* a log whose text runs into the end of the content */
    tt_patch(s0, E1 + LOG_TEXT + 2, "x", 1);
    tt_patch_u64(s0, PKT_CONTENT_SIZE, E2 * 8);
    expect_error(s0, "byte %d: log text has no terminating NUL within the packet's content",
                 E1 + LOG_TEXT);
    tt_patch_u64(s0, PKT_CONTENT_SIZE, (E1 + 5) * 8);
    expect_error(s0, "byte %d: event header runs past the packet's content_size (5 bytes left)",
                 E1);
    tt_patch_u64(s0, PKT_CONTENT_SIZE, (E1 + 11) * 8);
    expect_error(
        s0, "byte %d: chansim:log fields run past the packet's content_size (11 bytes left)", E1);
}
END_TEST

START_TEST(packet_header_errors)
{
    size_t n;
    uint8_t *data = cs_test_read_file(s0, &n);
    uint8_t b = (uint8_t)~data[PKT_UUID + 3];
    free(data);
    tt_patch(s0, PKT_UUID + 3, &b, 1);
    expect_error(s0, "byte 4: packet uuid differs from the trace uuid in the metadata (a stream "
                     "file of another trace?)");
    cs_test_rmtree(tt_tdir);
    write_base(tt_tdir);

    uint8_t sid[4] = {1, 0, 0, 0};
    tt_patch(s0, PKT_STREAM_ID, sid, 4);
    expect_error(s0, "byte 20: unknown stream class id 1 (the metadata defines only 0)");
    sid[0] = 0;
    tt_patch(s0, PKT_STREAM_ID, sid, 4);

    tt_patch_u64(s0, PKT_CONTENT_SIZE, END * 8 - 4);
    expect_error(s0, "byte 40: content_size 916 bits is not a multiple of 8");
    tt_patch_u64(s0, PKT_CONTENT_SIZE, 8);
    expect_error(s0, "byte 40: content_size 8 bits is smaller than the packet header and context "
                     "(464 bits)");
    tt_patch_u64(s0, PKT_CONTENT_SIZE, END * 8);

    tt_patch_u64(s0, PKT_TS_BEGIN, 11);
    expect_error(s0,
                 "byte %d: event timestamp 10 is before the previous event or the packet's "
                 "timestamp_begin (cycle 11)",
                 E0 + EV_TS);
    tt_patch_u64(s0, PKT_TS_BEGIN, 31);
    expect_error(s0, "byte 24: timestamp_begin 31 is after timestamp_end 30");
}
END_TEST

/* Corruption in a later packet surfaces from next(), after the good events, and sticks. */
START_TEST(error_in_later_packet)
{
    cs_test_rmtree(tt_tdir);
    cs_error err = {0};
    cs_trace_writer *w;
    uint16_t c;
    ck_assert_int_eq(cs_trace_writer_open(&w, tt_tdir, 1000, &err), 0);
    ck_assert_int_eq(cs_trace_writer_add_channel(w, "c0", "f", &c, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, c, 1, CS_DIR_TO_FW, 1, "a", 1, &err), 0);
    ck_assert_int_eq(cs_trace_writer_flush(w, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, c, 2, CS_DIR_TO_FW, 1, "b", 1, &err), 0);
    ck_assert_int_eq(cs_trace_writer_flush(w, &err), 0);
    ck_assert_int_eq(cs_trace_write_msg(w, c, 3, CS_DIR_TO_FW, 1, "c", 1, &err), 0);
    ck_assert_int_eq(cs_trace_writer_close(w, &err), 0);
    off_t p1 = PKT_HDR_SIZE + MSG_PAYLOAD + 1;
    tt_patch_u64(s0, p1 + PKT_TS_BEGIN, 0); /* packet 2 begins before packet 1's event */
    tt_patch(s0, 2 * p1, "XXXX", 4);

    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    struct cs_trace_event ev;
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), 1);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), -1);
    char *want;
    ck_assert(asprintf(&want,
                       "%s: byte %ld: timestamp_begin 0 is before the previous event (cycle 1)", s0,
                       (long)(p1 + PKT_TS_BEGIN)) > 0);
    ck_assert_str_eq(err.msg, want);
    cs_error_clear(&err);
    ck_assert_int_eq(cs_trace_reader_next(r, &ev, &err), -1);
    ck_assert_str_eq(err.msg, want);
    free(want);
    cs_trace_reader_close(r);

    tt_patch_u64(s0, p1 + PKT_TS_BEGIN, 2);
    cs_error_clear(&err);
    ck_assert_int_eq(read_all(tt_tdir, &err), -1);
    ck_assert(asprintf(&want, "%s: byte %ld: bad packet magic 0x58585858 (expected 0xc1fc1fc1)", s0,
                       (long)(2 * p1)) > 0);
    ck_assert_str_eq(err.msg, want);
    free(want);
}
END_TEST

START_TEST(foreign_files_in_trace_dir)
{
    char *notes = tt_path(tt_tdir, "notes.txt");
    tt_write_file(notes, "hello world\n", 12);
    expect_error(notes, "byte 0: bad packet magic 0x6c6c6568 (expected 0xc1fc1fc1)");
    unlink(notes);

    char *sub = tt_path(tt_tdir, "sub");
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    expect_error(sub,
                 "byte 0: not a regular file (a trace directory holds only metadata and stream "
                 "files)");
    rmdir(sub);

    /* hidden files are not streams */
    char *hidden = tt_path(tt_tdir, ".notes");
    tt_write_file(hidden, "x", 1);
    cs_error err = {0};
    ck_assert_int_eq(read_all(tt_tdir, &err), 3);

    /* a second stream for channel 0 */
    size_t n;
    uint8_t *data = cs_test_read_file(s0, &n);
    char *copy = tt_path(tt_tdir, "stream_0_copy");
    tt_write_file(copy, data, n);
    char *reason;
    ck_assert(asprintf(&reason,
                       "byte 56: channel 0 already has the stream file %s; chansim writes one "
                       "stream per channel",
                       s0) > 0);
    expect_error(copy, "%s", reason);
    free(reason);
    free(copy);
    free(data);
    free(hidden);
    free(sub);
    free(notes);
}
END_TEST

START_TEST(missing_metadata)
{
    unlink(meta);
    expect_error(meta, "byte 0: no metadata file, so %s is not a CTF trace directory", tt_tdir);
}
END_TEST

START_TEST(missing_trace_dir)
{
    char *none = tt_path(tt_tmp, "none");
    cs_trace_reader *r;
    cs_error err = {0};
    ck_assert_int_eq(cs_trace_reader_open(&r, none, &err), -1);
    ck_assert_msg(strstr(err.msg, "none: cannot open trace directory: No such file or directory"),
                  "%s", err.msg);
    ck_assert_int_eq(cs_trace_reader_open(&r, s0, &err), -1);
    ck_assert_msg(strstr(err.msg, "stream_0: not a directory"), "%s", err.msg);
    free(none);
}
END_TEST

START_TEST(garbage_metadata)
{
    uint8_t junk[300];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 37 + 11);
    tt_write_file(meta, junk, sizeof(junk));
    expect_error(meta, "byte 0: not CTF metadata: it does not begin with \"/* CTF 1.8\"");

    tt_write_file(meta, "", 0);
    expect_error(meta, "byte 0: empty metadata file");

    uint8_t packetized[64] = {0x57, 0x1d, 0xd1, 0x75};
    tt_write_file(meta, packetized, sizeof(packetized));
    expect_error(meta, "byte 0: packetized CTF metadata; chansim writes plain-text metadata, so "
                       "this is another tool's trace");

    const char *bin = "/* CTF 1.8 */\ntrace {\x01";
    tt_write_file(meta, bin, strlen(bin));
    expect_error(meta, "byte 21: unexpected byte 0x01 in metadata (not TSDL text)");

    const char *open_comment = "/* CTF 1.8 */\n/* no end";
    tt_write_file(meta, open_comment, strlen(open_comment));
    expect_error(meta, "byte 14: unterminated comment in metadata");

    const char *open_str = "/* CTF 1.8 */\nenv { a = \"x; };";
    tt_write_file(meta, open_str, strlen(open_str));
    expect_error(meta, "byte 24: unterminated string in metadata");

    const char *bad_env = "/* CTF 1.8 */\nenv { a = b; };";
    tt_write_file(meta, bad_env, strlen(bad_env));
    expect_error(meta, "byte 24: env value must be a string or an integer");

    const char *unbalanced = "/* CTF 1.8 */\n};";
    tt_write_file(meta, unbalanced, strlen(unbalanced));
    expect_error(meta, "byte 14: unbalanced '}' in metadata");
}
END_TEST

static const char foreign[] =
    "/* CTF 1.8 */\n"
    "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
    "trace {\n"
    "\tmajor = 1;\n"
    "\tminor = 8;\n"
    "\tuuid = \"2a6422d0-6cee-11e0-8c08-cb07d7b3a564\";\n"
    "\tbyte_order = le;\n"
    "\tpacket.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id; };\n"
    "};\n"
    "env {\n"
    "\thostname = \"host\";\n"
    "\tdomain = \"ust\";\n"
    "\ttracer_name = \"lttng-ust\";\n"
    "\ttracer_major = 2;\n"
    "\tchannel_00_name = \"x\";\n"
    "};\n"
    "clock { name = \"monotonic\"; freq = 1000000000; offset = -5; };\n";

START_TEST(foreign_ctf_metadata)
{
    tt_write_file(meta, foreign, strlen(foreign));
    expect_error(meta,
                 "byte %ld: not a chansim trace: env has no chansim_format (another tool's CTF "
                 "trace?)",
                 (long)(strstr(foreign, "env {") - foreign));

    char *no_env = strdup(foreign);
    *strstr(no_env, "env {") = '\0';
    tt_write_file(meta, no_env, strlen(no_env));
    expect_error(meta, "byte 0: not a chansim trace: the metadata has no env block (another tool's "
                       "CTF trace?)");
    free(no_env);

    tt_replace(meta, "trace {", "env { chansim_format = \"other\"; };\ntrace {");
    expect_error(
        meta,
        "byte %ld: not a chansim trace: chansim_format is \"other\", not "
        "\"chansim-ctf\"",
        (long)(strstr(foreign, "trace {") - foreign + (long)strlen("env { chansim_format = ")));
}
END_TEST

START_TEST(newer_format_version)
{
    size_t off = tt_replace(meta, "chansim_format_version = 1;", "chansim_format_version = 2;");
    expect_error(meta, "byte %zu: trace format version 2 is newer than this chansim supports (1)",
                 off + strlen("chansim_format_version = "));
    tt_replace(meta, "chansim_format_version = 2;", "chansim_format_version = 0;");
    expect_error(meta, "byte %zu: chansim_format_version is not a positive integer",
                 off + strlen("chansim_format_version = "));
    tt_replace(meta, "chansim_format_version = 0;", "chansim_format_version = 999999999999;");
    expect_error(meta,
                 "byte %zu: trace format version 999999999999 is newer than this chansim "
                 "supports (1)",
                 off + strlen("chansim_format_version = "));
}
END_TEST

START_TEST(edited_layout)
{
    size_t off = tt_replace(meta, "uint16_t kind;", "uint32_t kind;");
    expect_error(meta,
                 "byte %zu: metadata differs from the chansim-ctf version 1 layout here (edited "
                 "metadata, or another tool's trace)",
                 off + 4);
    tt_replace(meta, "uint32_t kind;", "uint16_t kind;");
    cs_error err = {0};
    ck_assert_int_eq(read_all(tt_tdir, &err), 3);

    /* trailing text counts too */
    size_t n;
    uint8_t *text = cs_test_read_file(meta, &n);
    FILE *f = fopen(meta, "a");
    fputs("event { name = \"extra\"; };\n", f);
    fclose(f);
    expect_error(meta,
                 "byte %zu: metadata differs from the chansim-ctf version 1 layout here (edited "
                 "metadata, or another tool's trace)",
                 n);
    tt_write_file(meta, text, n);

    off = tt_replace(meta, "freq = 1000;", "freq = 1001;");
    expect_error(meta,
                 "byte %zu: metadata differs from the chansim-ctf version 1 layout here (edited "
                 "metadata, or another tool's trace)",
                 off + 10);
    free(text);
}
END_TEST

START_TEST(env_checks)
{
    /* keys this version does not know are ignored: the env block is the extension point */
    tt_replace(meta, "\tclock_hz", "\tsimulator_seed = 42;\n\tnote = \"x\";\n\tclock_hz");
    cs_error err = {0};
    ck_assert_msg(read_all(tt_tdir, &err) == 3, "%s", err.msg);

    size_t off = tt_replace(meta, "channel_0_name = \"c0\";", "channel_0_name = \"c 0\";");
    expect_error(meta,
                 "byte %zu: channel_0_name must be a string of 1 to 63 characters of "
                 "[A-Za-z0-9_.-]",
                 off + strlen("channel_0_name = "));
    tt_replace(meta, "channel_0_name = \"c 0\";", "");
    expect_error(meta, "byte %ld: env has no channel_0_name but names channel 0",
                 find_in(meta, "env {"));
    tt_replace(meta, "channel_0_family", "channel_70000_family");
    expect_error(meta,
                 "byte %ld: env key names a channel id that is not a decimal number below "
                 "65535",
                 find_in(meta, "channel_70000"));
    off = tt_replace(meta, "clock_hz = 1000;", "clock_hz = \"fast\";");
    expect_error(meta, "byte %zu: clock_hz is not a positive integer", off + 11);
    tt_replace(meta, "clock_hz = \"fast\";", "");
    expect_error(meta, "byte %ld: env has no clock_hz", find_in(meta, "env {"));
}
END_TEST

/* Byte flips and cuts anywhere never crash the reader (run under ASan in CI). */
START_TEST(mutations_never_crash)
{
    size_t sn, mn;
    uint8_t *stream = cs_test_read_file(s0, &sn);
    uint8_t *text = cs_test_read_file(meta, &mn);
    static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x7f};
    long ok = 0, failed = 0;
    for (size_t i = 0; i < sn; i++) {
        for (size_t m = 0; m < sizeof(masks); m++) {
            stream[i] ^= masks[m];
            tt_write_file(s0, stream, sn);
            stream[i] ^= masks[m];
            cs_error err = {0};
            if (read_all(tt_tdir, &err) < 0) {
                ck_assert_msg(!strncmp(err.msg, s0, strlen(s0)) && strstr(err.msg, ": byte "), "%s",
                              err.msg);
                failed++;
            } else {
                ok++;
            }
        }
    }
    for (size_t len = 0; len <= sn; len++) {
        tt_write_file(s0, stream, len);
        cs_error err = {0};
        ck_assert_msg(read_all(tt_tdir, &err) >= 0, "cut at %zu: %s", len, err.msg);
    }
    tt_write_file(s0, stream, sn);
    uint64_t rng = 88172645463325252u;
    for (int k = 0; k < 3000; k++) {
        uint64_t r = tt_rnd(&rng);
        size_t at = (size_t)(r % mn);
        uint8_t old = text[at];
        text[at] = (uint8_t)(r >> 32);
        tt_write_file(meta, text, k % 10 == 0 ? (size_t)(r >> 40) % mn : mn);
        text[at] = old;
        cs_error err = {0};
        if (read_all(tt_tdir, &err) < 0)
            ck_assert_msg(strstr(err.msg, ": byte "), "%s", err.msg);
    }
    ck_assert_int_gt(failed, 0);
    ck_assert_int_gt(ok, 0);
    free(stream);
    free(text);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace_corrupt");
    TCase *tc = tcase_create("corrupt");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, base_trace_reads);
    tcase_add_test(tc, bad_magic);
    tcase_add_test(tc, packet_size_smaller_than_header);
    tcase_add_test(tc, packet_size_not_byte_multiple);
    tcase_add_test(tc, packet_size_beyond_file);
    tcase_add_test(tc, packet_size_beyond_file_is_truncation);
    tcase_add_test(tc, content_size_beyond_packet_size);
    tcase_add_test(tc, unknown_event_id);
    tcase_add_test(tc, payload_len_beyond_packet);
    tcase_add_test(tc, unknown_channel_in_stream);
    tcase_add_test(tc, event_field_errors);
    tcase_add_test(tc, packet_header_errors);
    tcase_add_test(tc, error_in_later_packet);
    tcase_add_test(tc, foreign_files_in_trace_dir);
    tcase_add_test(tc, missing_metadata);
    tcase_add_test(tc, missing_trace_dir);
    tcase_add_test(tc, garbage_metadata);
    tcase_add_test(tc, foreign_ctf_metadata);
    tcase_add_test(tc, newer_format_version);
    tcase_add_test(tc, edited_layout);
    tcase_add_test(tc, env_checks);
    tcase_add_test(tc, mutations_never_crash);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
