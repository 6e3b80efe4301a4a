/* ftrace / trace-cmd text import: every supported tracepoint and format variation in
 * testdata/ftrace/ imported and read back field by field; skipped lines counted by reason;
 * failures leave no output directory. */
#include "cs_ftrace_import.h"
#include "cs_test.h"
#include "cs_trace.h"
#include "crq_wire.h"
#include "test_trace_util.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct want {
    uint64_t t;
    const char *channel;
    uint8_t dir;
    uint16_t kind;
    const char *hex; /* payload */
};

#define FW  CS_DIR_TO_FW
#define GST CS_DIR_TO_GUEST
#define INT CS_DIR_INTERNAL

static char *data_path(const char *name)
{
    return tt_path(FTRACE_TESTDATA, name);
}

static int convert(const char *file, struct cs_ftrace_stats *st, cs_error *err)
{
    char *in = file[0] == '/' ? strdup(file) : data_path(file);
    int rc = cs_ftrace_convert(in, tt_tdir, st, err);
    free(in);
    return rc;
}

static void convert_ok(const char *file, struct cs_ftrace_stats *st)
{
    cs_error err = {0};
    ck_assert_msg(convert(file, st, &err) == 0, "%s: %s", file, err.msg);
}

static void hex(char *out, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = '\0';
}

static const char *family_of(const char *channel)
{
    return strncmp(channel, "ftrace.hcall.", 13) == 0 ? "crq" : "css";
}

/* The trace in tt_tdir holds exactly want[0..n), in reader order. */
static void expect(const struct want *w, size_t n)
{
    cs_error err = {0};
    cs_trace_reader *r;
    ck_assert_msg(cs_trace_reader_open(&r, tt_tdir, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(cs_trace_reader_clock_hz(r), CS_FTRACE_CLOCK_HZ);
    struct cs_trace_event ev;
    char got[2 * 200 + 1];
    size_t i = 0;
    int rc;
    while ((rc = cs_trace_reader_next(r, &ev, &err)) == 1) {
        ck_assert_msg(i < n, "more events than the %zu expected", n);
        const char *ch = cs_trace_reader_channel_name(r, ev.channel);
        ck_assert_msg(ev.type == CS_TRACE_MSG, "event %zu is not a message", i);
        ck_assert_msg(ev.cycles == w[i].t, "event %zu: cycles %llu, want %llu", i,
                      (unsigned long long)ev.cycles, (unsigned long long)w[i].t);
        ck_assert_msg(!strcmp(ch, w[i].channel), "event %zu: channel %s, want %s", i, ch,
                      w[i].channel);
        ck_assert_str_eq(cs_trace_reader_channel_family(r, ev.channel), family_of(ch));
        ck_assert_msg(ev.dir == w[i].dir, "event %zu: dir %u, want %u", i, ev.dir, w[i].dir);
        ck_assert_msg(ev.kind == w[i].kind, "event %zu: kind %#x, want %#x", i, ev.kind, w[i].kind);
        ck_assert_uint_le(ev.len, 200);
        hex(got, ev.payload, ev.len);
        ck_assert_msg(!strcmp(got, w[i].hex), "event %zu: payload %s, want %s", i, got, w[i].hex);
        i++;
    }
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_uint_eq(i, n);
    ck_assert_ptr_null(cs_trace_reader_warning(r));
    cs_trace_reader_close(r);
}

#define EXPECT(w) expect(w, sizeof(w) / sizeof(w[0]))

static void summary_is(const struct cs_ftrace_stats *st, const char *want)
{
    char buf[512];
    cs_ftrace_summary(st, buf, sizeof(buf));
    ck_assert_str_eq(buf, want);
}

/* ---- each tracepoint, field by field ------------------------------------------------- */

START_TEST(s390_cio_tracepoints)
{
    struct cs_ftrace_stats st;
    convert_ok("css_trace.txt", &st);
    static const struct want w[] = {
        /* stsch: schid, cc, HAVE_DETAIL, ena st dnv, dev, lpm pnom lpum pim pam pom, chpids */
        {0, "ftrace.css.0.0.0042", FW, CSS_FT_STSCH,
         "00000042"
         "00000000"
         "01010001"
         "e000"
         "8000808080ff"
         "4000000000000000"},
        {50000, "ftrace.css.0.0.0042", FW, CSS_FT_MSCH,
         "0000004200000000"
         "01010001e000c00000c0c0ff4041000000000000"},
        {100000, "ftrace.css.0.0.0042", FW, CSS_FT_SSCH, "0000004200000000"},
        {800000, "ftrace.css.0.0.0042", GST, CSS_FT_INTERRUPT, "000000420300"},
        /* tsch: schid, cc, HAVE_DETAIL, dcc pno fctl actl stctl dstat cstat */
        {810000, "ftrace.css.0.0.0042", FW, CSS_FT_TSCH,
         "0000004200000000"
         "01"
         "00000400170c00"},
        /* tpi goes to the subsystem channel whatever schid it prints */
        {900000, "ftrace.css", FW, CSS_FT_TPI,
         "00000000"
         "00000001"
         "000000"},
        {910000, "ftrace.css", FW, CSS_FT_TPI,
         "00010003"
         "00000000"
         "000300"},
        {1900000, "ftrace.css.0.0.0043", FW, CSS_FT_HSCH, "0000004300000001"},
        {2000000, "ftrace.css.0.0.0043", FW, CSS_FT_CSCH, "0000004300000000"},
        {2100000, "ftrace.css.0.0.0043", FW, CSS_FT_XSCH, "0000004300000002"},
        {2200000, "ftrace.css.0.0.0043", FW, CSS_FT_RSCH, "0000004300000001"},
        /* cc -5: the instruction took a program exception */
        {2300000, "ftrace.css.0.1.abcd", FW, CSS_FT_SSCH, "0001abcdfffffffb"},
        /* stcrw: cc, slct oflw chn rsc anc erc, rsid */
        {2900000, "ftrace.css", FW, CSS_FT_STCRW,
         "00000000"
         "000000030104"
         "0042"},
        {3000000, "ftrace.css", FW, CSS_FT_STCRW,
         "00000001"
         "000000000000"
         "0000"},
        /* chsc: code, cc, rcode */
        {3900000, "ftrace.css", FW, CSS_FT_CHSC,
         "0004"
         "00000000"
         "0001"},
        /* rchp: cssid, chpid, cc */
        {4000000, "ftrace.css", FW, CSS_FT_RCHP,
         "0040"
         "00000000"},
        {4900000, "ftrace.css", GST, CSS_FT_ADAPTER_INT, "03"},
        {5900000, "ftrace.css.fe.3.ffff", FW, CSS_FT_SSCH, "fe03ffff00000000"},
        {6400000, "ftrace.css.0.0.0043", FW, CSS_FT_STSCH,
         "0000004300000003"
         "01000000"
         "0000"
         "000000000000"
         "0000000000000000"},
    };
    EXPECT(w);
    summary_is(&st, "19 lines imported, 12 skipped: 0 other tracepoints, 12 comments or headers, "
                    "0 malformed");
    ck_assert_uint_eq(st.channels, 5);
    char buf[512];
    ck_assert_int_eq(cs_ftrace_warnings(&st, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(vfio_ccw_tracepoints)
{
    struct cs_ftrace_stats st;
    convert_ok("vfio_ccw.txt", &st);
    const char *ch = "ftrace.css.0.0.0101";
    static const char tm[] = "7472616e73706f7274206d6f6465";         /* "transport mode" */
    static const char ptr[] = "30783366666232633066313330";          /* "0x3ffb2c0f130" */
    static const char helper[] = "63702066736d5f696f5f68656c706572"; /* "cp fsm_io_helper" */
    char io1[128], io2[128], io3[128];
    snprintf(io1, sizeof(io1),
             "00000101"
             "00000004"
             "ffffffea"
             "%s",
             tm);
    snprintf(io2, sizeof(io2),
             "00000101"
             "00000004"
             "ffffffea"
             "%s",
             ptr);
    snprintf(io3, sizeof(io3),
             "00000101"
             "00000002"
             "fffffff0"
             "%s",
             helper);
    const struct want w[] = {
        {0, ch, INT, CSS_FT_VFIO_FSM_EVENT,
         "00000101"
         "00000002"
         "00000001"},
        {1000, ch, INT, CSS_FT_VFIO_IO_REQUEST, io1},
        {2000, ch, INT, CSS_FT_VFIO_ASYNC_REQUEST,
         "00000101"
         "00000001"
         "00000000"},
        {3000, ch, INT, CSS_FT_VFIO_CHP_EVENT,
         "00000101"
         "00000080"
         "00000001"},
        /* offline decoders may print the errstr pointer: kept as text */
        {4000, ch, INT, CSS_FT_VFIO_IO_REQUEST, io2},
        /* 2018's vfio_ccw_io_fctl printed fctl=%x without 0x */
        {5000, ch, INT, CSS_FT_VFIO_IO_FCTL,
         "00000101"
         "00000004"
         "00000000"
         "72657175657374"},
        /* info text with a space, trailing blanks dropped */
        {6000, ch, INT, CSS_FT_VFIO_IO_REQUEST, io3},
        {7000, ch, INT, CSS_FT_VFIO_ASYNC_REQUEST,
         "00000101"
         "00000002"
         "fffffffb"},
        {8000, "ftrace.css.0.0.0102", INT, CSS_FT_VFIO_FSM_EVENT,
         "00000102"
         "00000004"
         "00000002"},
    };
    EXPECT(w);
    summary_is(&st, "9 lines imported, 1 skipped: 0 other tracepoints, 1 comment or header, "
                    "0 malformed");
}
END_TEST

START_TEST(hcall_tracepoints)
{
    struct cs_ftrace_stats st;
    convert_ok("hcall.txt", &st);
    static const struct want w[] = {
        {0, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "00000000000000fc"},
        {10000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "00000000000000fc"
         "0000000000000000"},
        {20000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "0000000000000108"},
        {30000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "0000000000000108"
         "0000000000000000"},
        {40000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "0000000000000108"},
        /* retval=%ld: H_DROPPED */
        {50000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "0000000000000108"
         "fffffffffffffff4"},
        {60000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "0000000000000108"},
        /* retval=%lu of older kernels: the same signed rc */
        {70000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "0000000000000108"
         "fffffffffffffff4"},
        {80000, "ftrace.hcall.cpu0", FW, CRQ_K_HCALL, "0000000000000104"},
        {90000, "ftrace.hcall.cpu0", GST, CRQ_K_HCALL_RET,
         "0000000000000104"
         "0000000000000000"},
        {100000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "0000000000000110"},
        {110000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "0000000000000110"
         "0000000000000000"},
        {120000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "0000000000000360"},
        {130000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "0000000000000360"
         "00000000000026ac"},
        {140000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "00000000000002b0"},
        {150000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "00000000000002b0"
         "0000000000000002"},
        {160000, "ftrace.hcall.cpu3", FW, CRQ_K_HCALL, "0000000000000100"},
        {170000, "ftrace.hcall.cpu3", GST, CRQ_K_HCALL_RET,
         "0000000000000100"
         "0000000000000000"},
    };
    EXPECT(w);
    ck_assert_uint_eq(st.channels, 2);
}
END_TEST

/* trace_clock counter / ppc-tb print whole ticks, taken unchanged as cycles. */
START_TEST(counter_clock_timestamps)
{
    struct cs_ftrace_stats st;
    convert_ok("hcall_timebase.txt", &st);
    static const struct want w[] = {
        {0, "ftrace.hcall.cpu1", FW, CRQ_K_HCALL, "0000000000000108"},
        {512, "ftrace.hcall.cpu1", GST, CRQ_K_HCALL_RET,
         "0000000000000108"
         "0000000000000002"},
    };
    EXPECT(w);
}
END_TEST

/* trace-cmd report: its header lines, padded event names, nanosecond timestamps, the raw field
 * list of the 2015 tracepoints ("[FAILED TO PARSE]") and of report -R, the CHSC blocks as
 * ARRAY[...], "system:" prefixes and its lost-event notes. */
START_TEST(trace_cmd_report_variants)
{
    struct cs_ftrace_stats st;
    convert_ok("trace_cmd_report.txt", &st);
    char chsc[2 * CSS_FT_CHSC_DATA_LEN + 1];
    snprintf(chsc, sizeof(chsc), "%s%s%0104d%s%0116d",
             "0004"
             "00000000"
             "0001",
             "0010000400000000"
             "00000042",
             0, "00080001aabb", 0);
    ck_assert_uint_eq(strlen(chsc), 2 * CSS_FT_CHSC_DATA_LEN);
    const char *s42 = "ftrace.css.0.0.0042";
    const struct want w[] = {
        /* 2015 schib class: schid, cc and devno only, no HAVE_DETAIL */
        {0, s42, FW, CSS_FT_STSCH,
         "0000004200000000"
         "00000000"
         "e000"
         "000000000000"
         "0000000000000000"},
        {100, s42, FW, CSS_FT_MSCH,
         "0000004200000003"
         "00000000"
         "e000"
         "000000000000"
         "0000000000000000"},
        /* 2015 tsch: no scsw fields */
        {200, s42, FW, CSS_FT_TSCH,
         "0000004200000001"
         "00"
         "00000000000000"},
        /* report -R of the current tracepoints: pmcw_* and scsw_* in decimal */
        {300, s42, FW, CSS_FT_STSCH,
         "0000004200000000"
         "01010001"
         "e000"
         "8000808080ff"
         "4000000000000000"},
        {400, s42, FW, CSS_FT_TSCH,
         "0000004200000000"
         "01"
         "00000400170c00"},
        {500, "ftrace.css", FW, CSS_FT_CHSC, chsc},
        {600, s42, GST, CSS_FT_INTERRUPT, "000000420300"},
        {700, "ftrace.css", FW, CSS_FT_TPI,
         "00010003"
         "00000000"
         "000300"},
        {800, "ftrace.css", FW, CSS_FT_RCHP,
         "0040"
         "00000000"},
        {900, "ftrace.css", FW, CSS_FT_STCRW,
         "00000000"
         "000000030104"
         "0042"},
        {1000, "ftrace.css", GST, CSS_FT_ADAPTER_INT, "03"},
        {1100, s42, FW, CSS_FT_SSCH, "0000004200000000"},
        {1200, s42, FW, CSS_FT_CSCH, "00000042fffffffb"},
        /* an unsigned long in the raw list is 0x-hex */
        {1300, "ftrace.hcall.cpu0", FW, CRQ_K_HCALL, "0000000000000108"},
    };
    expect(w, sizeof(w) / sizeof(w[0]));
    summary_is(&st, "14 lines imported, 5 skipped: 0 other tracepoints, 5 comments or headers, "
                    "0 malformed");
    ck_assert_uint_eq(st.lost_notes, 2);
    ck_assert_uint_eq(st.lost_events, 120);
    char buf[512];
    ck_assert_int_eq(cs_ftrace_warnings(&st, buf, sizeof(buf)), 1);
    cs_assert_contains(buf, "the kernel lost at least 120 events (2 lost-event notes");
}
END_TEST

/* The line prefix with and without the irq-flags column (4 or 5 flags), record-tgid's column,
 * task names with spaces and dashes, trace-cmd's padding and nanoseconds, a "system:" prefix,
 * trailing blanks, CRLF and a last line without its newline. */
START_TEST(line_prefix_variants)
{
    struct cs_ftrace_stats st;
    convert_ok("prefix_variants.txt", &st);
    static const uint64_t t[] = {0,    1000, 2000, 3000,  4000,  5000, 6000,
                                 7123, 8000, 9000, 10000, 11000, 12000};
    struct want w[13];
    for (int i = 0; i < 13; i++)
        w[i] = (struct want){t[i], "ftrace.css.0.0.0001", FW, CSS_FT_SSCH, "0000000100000000"};
    EXPECT(w);
    summary_is(&st, "13 lines imported, 1 skipped: 0 other tracepoints, 1 comment or header, "
                    "0 malformed");
}
END_TEST

/* ---- what is skipped, and why --------------------------------------------------------- */

START_TEST(skipped_lines_are_counted_by_reason)
{
    struct cs_ftrace_stats st;
    convert_ok("skipped.txt", &st);
    static const struct want w[] = {
        {0, "ftrace.css.0.0.0042", FW, CSS_FT_SSCH, "0000004200000000"},
        {9000, "ftrace.css.0.0.0042", FW, CSS_FT_SSCH, "0000004200000000"},
        /* stamped before the first event: kept at its channel's latest time */
        {9000, "ftrace.css.0.0.0042", FW, CSS_FT_SSCH, "0000004200000001"},
    };
    EXPECT(w);
    ck_assert_uint_eq(st.lines, 24);
    ck_assert_uint_eq(st.other, 3);
    ck_assert_uint_eq(st.comments, 4);
    ck_assert_uint_eq(st.malformed, 14);
    ck_assert_uint_eq(st.clamped, 1);
    ck_assert_uint_eq(st.lost_events, 23);
    summary_is(&st, "3 lines imported, 21 skipped: 3 other tracepoints, 4 comments or headers, "
                    "14 malformed (first at line 8: s390_cio_tsch: no cstat= field)");
    char buf[512];
    ck_assert_int_eq(cs_ftrace_warnings(&st, buf, sizeof(buf)), 1);
    ck_assert_str_eq(buf, "the kernel lost 23 events (1 lost-event note in the file): sequences "
                          "around them are incomplete; 1 event was stamped earlier than the "
                          "event before on its channel (or than the first event) and moved to "
                          "that time to keep the channel in order");
}
END_TEST

/* One line after a valid event: what it counts as, and the reason given for a malformed one. */
static const struct {
    const char *line;
    char kind; /* 'o' other, 'c' comment or header, 'm' malformed */
    const char *reason;
} one[] = {
    {"  bash-1 [000] .... 1.000002: sched_switch: prev_comm=bash", 'o', NULL},
    {"  bash-1 [000] .... 1.000002: do_IRQ <-ret_from_intr", 'o', NULL},
    {"  bash-1 [000] .... 1.000002: hcall_entryx: opcode=1", 'o', NULL},
    {"  bash-1 [000] .... 1.000002: tracing_mark_write: hcall_entry: opcode=1", 'o', NULL},
    {"", 'c', NULL},
    {"   ", 'c', NULL},
    {"# tracer: nop", 'c', NULL},
    {"##### CPU 2 buffer started ####", 'c', NULL},
    {"cpus=4", 'c', NULL},
    {"version = 6", 'c', NULL},
    {"CPU 3 is empty", 'c', NULL},
    {"CPU:2 [LOST 5 EVENTS]", 'c', NULL},
    {"CPU:2 [7 EVENTS DROPPED]", 'c', NULL},
    {"CPU:2 [EVENTS DROPPED]", 'c', NULL},
    {"garbage", 'm', "no ftrace line prefix"},
    {"[000] 1.000002: s390_cio_ssch: schid=0.0.0001 cc=0", 'm', "no ftrace line prefix"},
    {"  bash [000] 1.000002: s390_cio_ssch: schid=0.0.0001 cc=0", 'm', "no task-pid"},
    {"  bash-1 [000] .... 1.000002 s390_cio_ssch: schid=0.0.0001 cc=0", 'm',
     "no timestamp after the [cpu] field"},
    {"  bash-1 [000] not-flags 1.000002: s390_cio_ssch: schid=0.0.0001 cc=0", 'm',
     "unexpected text after the [cpu] field"},
    {"  bash-1 [000] .... ", 'm', "no timestamp after the [cpu] field"},
    {"  bash-1 [000] .... 1.0000021234: s390_cio_ssch: schid=0.0.0001 cc=0", 'm', "bad timestamp"},
    {"  bash-1 [000] .... 1.x: s390_cio_ssch: schid=0.0.0001 cc=0", 'm', "bad timestamp"},
    {"  bash-1 [000] .... 1.000002: ", 'm', "no event name after the timestamp"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch", 'm',
     "s390_cio_ssch: line ends after the event name"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch schid=0.0.0001 cc=0", 'm',
     "s390_cio_ssch: no ':' after the event name"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: ", 'm', "s390_cio_ssch: no schid= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0.0001", 'm',
     "s390_cio_ssch: no cc= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0.0001 cc=", 'm',
     "s390_cio_ssch: bad value \"\" for cc"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0.0001 cc=4294967296", 'm',
     "s390_cio_ssch: bad value \"4294967296\" for cc"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0.0001 cc=0 x", 'm',
     "s390_cio_ssch: expected name=value at \"x\""},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0 cc=0", 'm',
     "s390_cio_ssch: bad subchannel id \"0.0\""},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=100.0.0001 cc=0", 'm',
     "bad subchannel id"},
    {"  bash-1 [000] .... 1.000002: s390_cio_ssch: cssid=0 ssid=0 cc=0", 'm',
     "s390_cio_ssch: no schno= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_stsch: schid=0.0.0001 cc=0 ena=1 st=0 dnv=1 "
     "dev=e000 lpm=0x80 pnom=0x00 lpum=0x80 pim=0x80 pam=0x80 pom=0xff",
     'm', "s390_cio_stsch: no chpids= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_stsch: schid=0.0.0001 cc=0 dev=e000 chpids=0", 'm',
     "s390_cio_stsch: chpids= without the other PMCW fields"},
    {"  bash-1 [000] .... 1.000002: s390_cio_stsch: schid=0.0.0001 cc=0", 'm',
     "s390_cio_stsch: no dev= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_stsch: schid=0.0.0001 cc=0 ena=1 st=0 dnv=1 "
     "dev=e000 lpm=0x80 pnom=0x00 lpum=0x80 pim=0x80 pam=0x80 pom=0x100 chpids=0",
     'm', "s390_cio_stsch: bad value \"0x100\" for pom"},
    {"  bash-1 [000] .... 1.000002: s390_cio_tsch: schid=0.0.0001 cc=0 dcc=0", 'm',
     "s390_cio_tsch: no pno= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_tpi: schid=0.0.0001 cc=0", 'm',
     "s390_cio_tpi: no a= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_interrupt: schid=0.0.0001 isc=3", 'm',
     "s390_cio_interrupt: no type= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_adapter_int: isc=-1", 'm',
     "s390_cio_adapter_int: bad value \"-1\" for isc"},
    {"  bash-1 [000] .... 1.000002: s390_cio_stcrw: cc=0 slct=0 oflw=0 chn=0 rsc=3 anc=1 "
     "erc=0x4",
     'm', "s390_cio_stcrw: no rsid= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_chsc: code=0x0004 cc=0", 'm',
     "s390_cio_chsc: no rcode= field"},
    {"  bash-1 [000] .... 1.000002: s390_cio_chsc: cc=0 code=4 rcode=1 request=ARRAY[00, 01", 'm',
     "s390_cio_chsc: request: ARRAY[ without its closing ]"},
    {"  bash-1 [000] .... 1.000002: s390_cio_chsc: cc=0 code=4 rcode=1 request=ARRAY[00]", 'm',
     "s390_cio_chsc: request= and response= must both be ARRAY[...]"},
    {"  bash-1 [000] .... 1.000002: s390_cio_chsc: cc=0 code=4 rcode=1 request=ARRAY[0g] "
     "response=ARRAY[00]",
     'm', "s390_cio_chsc: request: bad byte in ARRAY[...]"},
    {"  bash-1 [000] .... 1.000002: s390_cio_rchp: chpid=0.400 cc=0", 'm',
     "s390_cio_rchp: bad channel-path id \"0.400\""},
    {"  bash-1 [000] .... 1.000002: vfio_ccw_fsm_event: schid=0.0.0001 state=2", 'm',
     "vfio_ccw_fsm_event: no event= field"},
    {"  bash-1 [000] .... 1.000002: vfio_ccw_fsm_io_request: schid=0.0.0001 fctl=0x4 errno=0", 'm',
     "vfio_ccw_fsm_io_request: no info= field"},
    {"  bash-1 [000] .... 1.000002: vfio_ccw_io_fctl: schid=0.0.0001 fctl=0xg errno=0 info=x", 'm',
     "vfio_ccw_io_fctl: bad value \"0xg\" for fctl"},
    {"  bash-1 [000] .... 1.000002: hcall_entry: opcode=-1", 'm',
     "hcall_entry: bad value \"-1\" for opcode"},
    {"  bash-1 [000] .... 1.000002: hcall_exit: opcode=264 retval=18446744073709551616", 'm',
     "hcall_exit: bad value \"18446744073709551616\" for retval"},
    {"  bash-1 [000] .... 1.000002: hcall_exit: opcode=264", 'm', "hcall_exit: no retval= field"},
};

START_TEST(each_line_kind_and_reason)
{
    const char *line = one[_i].line;
    char *path = tt_path(tt_tmp, "in.txt");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "  bash-1 [000] .... 1.000001: s390_cio_ssch: schid=0.0.0001 cc=0\n%s\n", line);
    fclose(f);
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_msg(cs_ftrace_convert(path, tt_tdir, &st, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(st.imported, 1);
    ck_assert_uint_eq(st.lines, 2);
    ck_assert_msg(st.other == (one[_i].kind == 'o') && st.comments == (one[_i].kind == 'c') &&
                      st.malformed == (one[_i].kind == 'm'),
                  "\"%s\": other %llu, comments %llu, malformed %llu; want %c", line,
                  (unsigned long long)st.other, (unsigned long long)st.comments,
                  (unsigned long long)st.malformed, one[_i].kind);
    if (one[_i].reason) {
        ck_assert_uint_eq(st.first_malformed_line, 2);
        cs_assert_contains(st.first_malformed_reason, one[_i].reason);
    }
    free(path);
}
END_TEST

/* A NUL byte and an overlong line are malformed; the lines after them still import. */
START_TEST(binary_and_overlong_lines)
{
    char *path = tt_path(tt_tmp, "in.txt");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("  bash-1 [000] .... 1.000001: s390_cio_ssch: schid=0.0.0001 cc=0\n", f);
    static const char nul[] =
        "  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0.0001\0 cc=0\n";
    fwrite(nul, 1, sizeof(nul) - 1, f);
    for (int i = 0; i < 3 * CS_FTRACE_LINE_MAX; i++)
        fputc('x', f);
    fputs("\n  bash-1 [000] .... 1.000003: s390_cio_ssch: schid=0.0.0001 cc=1\n", f);
    for (int i = 0; i < CS_FTRACE_LINE_MAX + 5; i++)
        fputc('y', f); /* overlong and unterminated */
    fclose(f);
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_msg(cs_ftrace_convert(path, tt_tdir, &st, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(st.lines, 5);
    ck_assert_uint_eq(st.imported, 2);
    ck_assert_uint_eq(st.malformed, 3);
    ck_assert_uint_eq(st.first_malformed_line, 2);
    ck_assert_str_eq(st.first_malformed_reason, "NUL byte in the line (binary data?)");
    static const struct want w[] = {
        {0, "ftrace.css.0.0.0001", FW, CSS_FT_SSCH, "0000000100000000"},
        {2000, "ftrace.css.0.0.0001", FW, CSS_FT_SSCH, "0000000100000001"},
    };
    EXPECT(w);

    f = fopen(path, "w");
    for (int i = 0; i < CS_FTRACE_LINE_MAX + 5; i++)
        fputc('z', f);
    fputs("\n  bash-1 [000] .... 1.000003: s390_cio_ssch: schid=0.0.0001 cc=1\n", f);
    fclose(f);
    cs_test_rmtree(tt_tdir);
    ck_assert_msg(cs_ftrace_convert(path, tt_tdir, &st, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(st.first_malformed_line, 1);
    ck_assert_str_eq(st.first_malformed_reason, "line longer than 65536 bytes");
    free(path);
}
END_TEST

/* Many lines go through a fixed buffer: counts and the last event's time come out right. */
START_TEST(long_input_streams)
{
    char *path = tt_path(tt_tmp, "big.txt");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    const unsigned n = 200000;
    for (unsigned i = 0; i < n; i++) {
        unsigned us = 1000000 + i, cpu = (i / 4) % 8;
        if (i % 4 == 0)
            fprintf(f,
                    "     kworker/0:1-23 [%03u] d.h1. %7u.%06u: s390_cio_ssch: "
                    "schid=0.0.%04x cc=0\n",
                    cpu, us / 1000000, us % 1000000, (i / 4) % 64);
        else if (i % 4 == 1)
            fprintf(f, "     kworker/0:1-23 [%03u] d.h1. %7u.%06u: hcall_entry: opcode=264\n", cpu,
                    us / 1000000, us % 1000000);
        else
            fprintf(f,
                    "     kworker/0:1-23 [%03u] d.h1. %7u.%06u: sched_switch: prev_comm=a "
                    "prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2\n",
                    cpu, us / 1000000, us % 1000000);
    }
    fclose(f);
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_msg(cs_ftrace_convert(path, tt_tdir, &st, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(st.imported, n / 2);
    ck_assert_uint_eq(st.other, n / 2);
    ck_assert_uint_eq(st.malformed, 0);
    ck_assert_uint_eq(st.channels, 64 + 8);
    cs_trace_reader *r;
    ck_assert_int_eq(cs_trace_reader_open(&r, tt_tdir, &err), 0);
    struct cs_trace_event ev;
    uint64_t cnt = 0, last = 0;
    while (cs_trace_reader_next(r, &ev, &err) == 1) {
        cnt++;
        last = ev.cycles;
    }
    cs_trace_reader_close(r);
    ck_assert_uint_eq(cnt, n / 2);
    ck_assert_uint_eq(last, (uint64_t)(n - 3) * 1000);
    free(path);
}
END_TEST

/* ---- failures: a one-line reason and no output directory -------------------------------- */

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void fails(const char *in, const char *msg)
{
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_int_eq(cs_ftrace_convert(in, tt_tdir, &st, &err), -1);
    cs_assert_contains(err.msg, msg);
    ck_assert_ptr_null(strchr(err.msg, '\n'));
    struct stat sb;
    ck_assert_int_ne(stat(tt_tdir, &sb), 0);
    ck_assert_int_eq(entries(tt_tmp), 1); /* only the input: no partial directory left */
}

START_TEST(no_events_fails_and_leaves_nothing)
{
    char *path = tt_path(tt_tmp, "in.txt");
    tt_write_file(path, "", 0);
    fails(path, "in.txt: no supported ftrace events (the file is empty)");
    const char *text = "# tracer: nop\n"
                       "  bash-1 [000] .... 1.000002: sched_switch: prev_comm=bash\n"
                       "  bash-1 [000] .... 1.000002: s390_cio_ssch: schid=0.0.0001\n";
    tt_write_file(path, text, strlen(text));
    fails(path, "in.txt: no supported ftrace events (3 lines: 1 other tracepoint, 1 comment or "
                "header, 1 malformed (first at line 3: s390_cio_ssch: no cc= field))");
    free(path);
}
END_TEST

START_TEST(unreadable_input_fails)
{
    char *path = tt_path(tt_tmp, "missing.txt");
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_int_eq(cs_ftrace_convert(path, tt_tdir, &st, &err), -1);
    cs_assert_contains(err.msg, "missing.txt: cannot open: No such file or directory");
    ck_assert_int_eq(entries(tt_tmp), 0);
    ck_assert_int_eq(cs_ftrace_convert(tt_tmp, tt_tdir, &st, &err), -1);
    cs_assert_contains(err.msg, "is a directory");
    ck_assert_int_eq(entries(tt_tmp), 0);
    free(path);
}
END_TEST

START_TEST(existing_output_is_kept)
{
    char *in = data_path("css_trace.txt");
    struct cs_ftrace_stats st;
    cs_error err = {0};
    ck_assert_int_eq(mkdir(tt_tdir, 0777), 0);
    char *keep = tt_path(tt_tdir, "keep");
    tt_write_file(keep, "x", 1);
    ck_assert_int_eq(cs_ftrace_convert(in, tt_tdir, &st, &err), -1);
    cs_assert_contains(err.msg, "already exists");
    ck_assert_int_eq(entries(tt_tdir), 1);
    ck_assert_int_eq(entries(tt_tmp), 1);
    /* an empty directory is taken, as the trace writer takes one */
    unlink(keep);
    ck_assert_msg(cs_ftrace_convert(in, tt_tdir, &st, &err) == 0, "%s", err.msg);
    ck_assert_int_gt(entries(tt_tdir), 1);
    /* a trailing slash names the same directory; missing parents are made */
    char *deep = tt_path(tt_tmp, "a/b/t/");
    ck_assert_msg(cs_ftrace_convert(in, deep, &st, &err) == 0, "%s", err.msg);
    char *a = tt_path(tt_tmp, "a/b");
    ck_assert_int_eq(entries(a), 1);
    free(a);
    free(deep);
    free(keep);
    free(in);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ftrace_import");
    TCase *tc = tcase_create("import");
    tcase_add_checked_fixture(tc, tt_setup, tt_teardown);
    tcase_add_test(tc, s390_cio_tracepoints);
    tcase_add_test(tc, vfio_ccw_tracepoints);
    tcase_add_test(tc, hcall_tracepoints);
    tcase_add_test(tc, counter_clock_timestamps);
    tcase_add_test(tc, trace_cmd_report_variants);
    tcase_add_test(tc, line_prefix_variants);
    tcase_add_test(tc, skipped_lines_are_counted_by_reason);
    tcase_add_loop_test(tc, each_line_kind_and_reason, 0, (int)(sizeof(one) / sizeof(one[0])));
    tcase_add_test(tc, binary_and_overlong_lines);
    tcase_add_test(tc, long_input_streams);
    tcase_add_test(tc, no_events_fails_and_leaves_nothing);
    tcase_add_test(tc, unreadable_input_fails);
    tcase_add_test(tc, existing_output_is_kept);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
