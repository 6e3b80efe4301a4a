/* The upstream visorinput driver (Linux 4.16-5.18, compiled unmodified from CHANSIM_KERNEL_SRC)
 * on chansim's visorbus core, driven by the s-Par family's console partition (keyboard and mouse
 * scripts), read by a guest process through the input core's event devices
 * (/dev/input/event<N>) with the live monitors on. The records are read with the host's own
 * <linux/input.h>: the user ABI is the kernel's. */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cs_machine.h"
#include "cs_monitor_live.h"
#include "cs_platform.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/domain.h"
#include "kshim/kernel.h"
#include "visor_console.h"
#include "visor_family.h"
#include "visor_wire.h"

#define MAX_EVENTS    4096
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What the guest process saw; checked after the run (a failure inside the simulation is only
 * recorded: the process runs on a simulation thread). */
struct run {
    const char *devices; /* <chansim:spar-device .../> elements of the platform */
    void (*proc)(struct ks_uproc *p, struct run *r);
    char failure[512];
    struct input_event kbd[MAX_EVENTS], mouse[MAX_EVENTS], kbd2[MAX_EVENTS];
    int nkbd, nmouse, nkbd2;
    int kbd_leds, kbd_keys_down; /* LED and key state bits after the streams (EVIOCGLED/KEY) */
    long read_after_remove, poll_after_remove, open_after_remove, rmmod;
    unsigned long console_full, console_sent;
    struct ks_kernel *k;
    int finished; /* the process got to its end */
};

static void failed(struct run *r, const char *fmt, ...)
{
    if (r->failure[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
    va_end(ap);
}

static struct input_event *ubuf_ev; /* user buffers of the process */
static char *ubuf_s;
static unsigned long *ubuf_bits;
static struct input_id *ubuf_id;
static struct input_absinfo *ubuf_abs;
static unsigned *ubuf_rep;

static int user_buffers(struct ks_uproc *p)
{
    ubuf_ev = ks_umalloc(p, 64 * sizeof(*ubuf_ev));
    ubuf_s = ks_umalloc(p, 256);
    ubuf_bits = ks_umalloc(p, KEY_CNT / 8);
    ubuf_id = ks_umalloc(p, sizeof(*ubuf_id));
    ubuf_abs = ks_umalloc(p, sizeof(*ubuf_abs));
    ubuf_rep = ks_umalloc(p, 2 * sizeof(*ubuf_rep));
    return ubuf_ev && ubuf_s && ubuf_bits && ubuf_id && ubuf_abs && ubuf_rep ? 0 : -1;
}

/* The event device called `name`, once the driver has probed it. */
static int open_named(struct ks_uproc *p, struct run *r, const char *name)
{
    for (int tries = 0; tries < 20000; tries++) {
        for (int n = 0; n < 4; n++) {
            char path[32];
            snprintf(path, sizeof(path), "/dev/input/event%d", n);
            int fd = ks_sys_open(p, path, O_RDWR);
            if (fd < 0)
                continue;
            long len = ks_sys_ioctl(p, fd, EVIOCGNAME(256), (unsigned long)ubuf_s);
            if (len > 0 && !strcmp(ubuf_s, name))
                return fd;
            ks_sys_close(p, fd);
        }
        ks_sys_sleep_ms(p, 1);
    }
    failed(r, "no event device named '%s'", name);
    return -1;
}

/* Reads records until `want` are in `out` or nothing comes for `quiet_ms`. */
static int read_events(struct ks_uproc *p, int fd, struct input_event *out, int have, int want,
                       int quiet_ms)
{
    while (have < want) {
        if (ks_sys_poll(p, fd, POLLIN, quiet_ms) <= 0)
            break;
        long n = ks_sys_read(p, fd, ubuf_ev, 64 * sizeof(*ubuf_ev));
        if (n <= 0)
            break;
        for (long i = 0; i < n / (long)sizeof(*ubuf_ev) && have < MAX_EVENTS; i++)
            out[have++] = ubuf_ev[i];
    }
    return have;
}

static void proc_main(struct ks_uproc *p, void *arg)
{
    struct run *r = arg;
    if (user_buffers(p) < 0) {
        failed(r, "no user memory");
        return;
    }
    r->proc(p, r);
    r->finished = 1;
}

static int devices_of(enum visor_dev_type type, struct visor_device_info *out)
{
    struct visor_device_info d[8];
    size_t n = visor_devices(d, 8);
    for (size_t i = 0; i < n; i++)
        if (d[i].type == type) {
            *out = d[i];
            return 0;
        }
    return -1;
}

static void simulate(struct run *r)
{
    char dir[512], path[600];
    cs_test_tmpdir(dir, sizeof(dir), "upstream-visorinput");
    snprintf(path, sizeof(path), "%s/p.xml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "<node><domain type='test'><name>spar</name><memory unit='MiB'>128</memory>"
            "<os><type arch='x86_64'>hvm</type></os><metadata>"
            "<chansim:platform xmlns:chansim='urn:chansim:platform:1'>%s</chansim:platform>"
            "</metadata></domain></node>\n",
            r->devices);
    fclose(f);
    cs_error err = {0};
    struct cs_platform *pl = NULL;
    struct cs_machine *m = NULL;
    struct cs_monitor_hub *hub = NULL;
    const struct cs_family *fams[] = {&visor_family};
    ck_assert_msg(cs_platform_load(path, NULL, &pl, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build_observed(pl, fams, 1, NULL, cs_monitor_attach_live_ready, &hub,
                                            &m, &err) == 0,
                  "%s", err.msg);
    struct ks_kernel *k = ks_domain_kernel(&m->domains[0], &err);
    ck_assert_msg(k != NULL, "%s", err.msg);
    ck_assert_int_eq(ks_module_exists("visorinput"), 1);
    r->k = k;
    ck_assert_ptr_nonnull(ks_uproc_spawn(k, "evreader", proc_main, r));
    struct cs_run_opts ro = {0};
#ifdef VISOR_UPSTREAM_CORE
    /* upstream's visorchipset polls the controlvm channel for ever: no run ends idle */
    ro.until_ns = 60ull * 1000000000ull;
#endif
    struct cs_run_summary sum;
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    cs_monitor_finish_live(m, hub);
#ifdef VISOR_UPSTREAM_CORE
    ck_assert_msg(r->finished, "the reader did not finish within 60 s of simulated time");
#else
    ck_assert_msg(sum.idle, "the run did not end idle");
#endif
    ck_assert_msg(!r->failure[0], "%s", r->failure);
    struct visor_device_info kb;
    if (devices_of(VISOR_DEV_KEYBOARD, &kb) == 0) {
        r->console_full = visor_console_full(kb.console);
        r->console_sent = visor_console_sent(kb.console);
    }
    /* no driver bug (K1-K10, leaks at rmmod included) and no protocol violation */
    size_t nf = 0;
    const struct ks_finding_record *fr = ks_kernel_findings(k, &nf);
    ck_assert_msg(nf == 0, "%zu kernel findings, first: %s at %s:%d: %s", nf,
                  nf ? ks_finding_id(fr[0].kind) : "", nf ? fr[0].file : "", nf ? fr[0].line : 0,
                  nf ? fr[0].msg : "");
    ck_assert_uint_eq(m->protocol_findings, 0);
    ck_assert_uint_eq(m->driver_findings, 0);
    cs_machine_free(m);
    cs_platform_free(pl);
    cs_test_rmtree(dir);
}

/* ---- what the streams must hold ---- */

struct ev {
    unsigned short type, code;
    int value;
};
#define SYN                                                                                        \
    {                                                                                              \
        EV_SYN, SYN_REPORT, 0                                                                      \
    }
#define KEY(c, v)                                                                                  \
    {                                                                                              \
        EV_KEY, c, v                                                                               \
    }
#define TAP(c) KEY(c, 1), SYN, KEY(c, 0), SYN

static void expect_stream(const struct input_event *got, int n, const struct ev *want, int nwant,
                          const char *what)
{
    for (int i = 0; i < nwant && i < n; i++)
        ck_assert_msg(got[i].type == want[i].type && got[i].code == want[i].code &&
                          got[i].value == want[i].value,
                      "%s event %d: got type %u code %u value %d, want type %u code %u value %d",
                      what, i, got[i].type, got[i].code, got[i].value, want[i].type, want[i].code,
                      want[i].value);
    ck_assert_msg(n == nwant, "%s: %d events, want %d", what, n, nwant);
    /* a packet's events carry one time stamp; time never goes back */
    for (int i = 1; i < n; i++) {
        long long a = got[i - 1].time.tv_sec * 1000000LL + got[i - 1].time.tv_usec;
        long long b = got[i].time.tv_sec * 1000000LL + got[i].time.tv_usec;
        ck_assert_msg(b >= a, "%s: event %d earlier than event %d", what, i, i - 1);
        if (got[i - 1].type != EV_SYN)
            ck_assert_msg(a == b, "%s: event %d not stamped as its packet", what, i);
    }
}

/* ---- 1: both streams as scripted ---- */

/* hello, Enter; a key pressed twice before its release (the core drops the second press);
 * right Ctrl (0xE0 0x1D, E0 in the low byte) and cursor up (0xE0 0x48); a scancode without a
 * key (0x59: KEY_RESERVED, never reported); Caps Lock on, on again (no change), then Num Lock on:
 * visorinput toggles the key and keeps the LED state itself */
#define KBD_SCRIPT                                                                                 \
    "type:hello key:0x1c down:0x1e down:0x1e up:0x1e key:0x1de0 key:0x48e0 key:0x59 "              \
    "lock:0x3a/on lock:0x3a/on lock:0x45/on lock:0x3a/off"
/* a move, a move of Y only, a move to the same place (nothing), buttons, wheel */
#define MOUSE_SCRIPT                                                                               \
    "move:10/20 move:10/30 move:10/30 press:1 release:1 click:3 dclick:2 wheel:2 wheel:-1 "        \
    "move:1023/767"

static const struct ev kbd_want[] = {
    TAP(KEY_H),         TAP(KEY_E),
    TAP(KEY_L),         TAP(KEY_L),
    TAP(KEY_O),         TAP(KEY_ENTER),
    KEY(KEY_A, 1),      SYN,
    KEY(KEY_A, 0),      SYN,
    TAP(KEY_RIGHTCTRL), TAP(KEY_UP),
    TAP(KEY_CAPSLOCK),  TAP(KEY_NUMLOCK),
    TAP(KEY_CAPSLOCK),
};

static const struct ev mouse_want[] = {
    {EV_ABS, ABS_X, 10},
    {EV_ABS, ABS_Y, 20},
    SYN,
    {EV_ABS, ABS_Y, 30},
    SYN,
    KEY(BTN_LEFT, 1),
    SYN,
    KEY(BTN_LEFT, 0),
    SYN,
    TAP(BTN_RIGHT),
    TAP(BTN_MIDDLE),
    TAP(BTN_MIDDLE),
    {EV_REL, REL_WHEEL, 1},
    SYN,
    {EV_REL, REL_WHEEL, 1},
    SYN,
    {EV_REL, REL_WHEEL, -1},
    SYN,
    {EV_ABS, ABS_X, 1023},
    {EV_ABS, ABS_Y, 767},
    SYN,
};

static int bit(const unsigned long *b, int n)
{
    return (int)((b[n / (8 * sizeof(long))] >> (n % (8 * sizeof(long)))) & 1);
}

static void streams(struct ks_uproc *p, struct run *r)
{
    int kfd = open_named(p, r, "visor Keyboard"), mfd = open_named(p, r, "visor Mouse");
    /* a second reader of the keyboard: its own queue, the same stream */
    int kfd2 = open_named(p, r, "visor Keyboard");
    if (kfd < 0 || mfd < 0 || kfd2 < 0)
        return;
    /* what the devices declare */
    if (ks_sys_ioctl(p, kfd, EVIOCGID, (unsigned long)ubuf_id) != 0 ||
        ubuf_id->bustype != BUS_VIRTUAL || ubuf_id->vendor != 1 || ubuf_id->product != 1 ||
        ubuf_id->version != 0x100)
        failed(r, "keyboard id %04x:%04x:%04x:%04x", ubuf_id->bustype, ubuf_id->vendor,
               ubuf_id->product, ubuf_id->version);
    if (ks_sys_ioctl(p, kfd, EVIOCGBIT(0, 8), (unsigned long)ubuf_bits) <= 0 ||
        !bit(ubuf_bits, EV_SYN) || !bit(ubuf_bits, EV_KEY) || !bit(ubuf_bits, EV_REP) ||
        !bit(ubuf_bits, EV_LED) || bit(ubuf_bits, EV_ABS))
        failed(r, "keyboard event types %#lx", ubuf_bits[0]);
    if (ks_sys_ioctl(p, kfd, EVIOCGBIT(EV_KEY, KEY_CNT / 8), (unsigned long)ubuf_bits) <= 0 ||
        !bit(ubuf_bits, KEY_A) || !bit(ubuf_bits, KEY_RIGHTALT) || bit(ubuf_bits, KEY_RESERVED))
        failed(r, "keyboard keys");
    if (ks_sys_ioctl(p, kfd, EVIOCGREP, (unsigned long)ubuf_rep) != 0 || ubuf_rep[0] != 250 ||
        ubuf_rep[1] != 33)
        failed(r, "keyboard repeat %u/%u, want the core's 250/33 ms", ubuf_rep[0], ubuf_rep[1]);
    if (ks_sys_ioctl(p, mfd, EVIOCGABS(ABS_X), (unsigned long)ubuf_abs) != 0 ||
        ubuf_abs->minimum != 0 || ubuf_abs->maximum != 1024)
        failed(r, "mouse X axis %d..%d, want the channel's 0..1024", ubuf_abs->minimum,
               ubuf_abs->maximum);
    if (ks_sys_ioctl(p, mfd, EVIOCGBIT(EV_REL, 8), (unsigned long)ubuf_bits) <= 0 ||
        !bit(ubuf_bits, REL_WHEEL))
        failed(r, "mouse has no wheel");
    r->nkbd = read_events(p, kfd, r->kbd, 0, (int)ARRAY_SIZE(kbd_want) + 8, 500);
    r->nmouse = read_events(p, mfd, r->mouse, 0, (int)ARRAY_SIZE(mouse_want) + 8, 500);
    r->nkbd2 = read_events(p, kfd2, r->kbd2, 0, (int)ARRAY_SIZE(kbd_want) + 8, 100);
    if (ks_sys_ioctl(p, kfd, EVIOCGLED(8), (unsigned long)ubuf_bits) <= 0)
        failed(r, "EVIOCGLED");
    r->kbd_leds = (int)ubuf_bits[0];
    if (ks_sys_ioctl(p, kfd, EVIOCGKEY(KEY_CNT / 8), (unsigned long)ubuf_bits) <= 0)
        failed(r, "EVIOCGKEY");
    r->kbd_keys_down = 0;
    for (int i = 0; i < KEY_CNT; i++)
        r->kbd_keys_down += bit(ubuf_bits, i);
    /* the mouse position the core keeps */
    if (ks_sys_ioctl(p, mfd, EVIOCGABS(ABS_Y), (unsigned long)ubuf_abs) != 0 ||
        ubuf_abs->value != 767)
        failed(r, "mouse Y is %d after the last move, want 767", ubuf_abs->value);
    ks_sys_close(p, kfd);
    ks_sys_close(p, kfd2);
    ks_sys_close(p, mfd);
    r->rmmod = ks_module_unload(r->k, "visorinput");
}

#define STREAM_DEVICES                                                                             \
    "<chansim:spar-device type='keyboard' bus='2' dev='0' script='" KBD_SCRIPT "'/>"               \
    "<chansim:spar-device type='mouse' bus='2' dev='1' script='" MOUSE_SCRIPT "'/>"

START_TEST(scripted_streams)
{
    static struct run r = {.devices = STREAM_DEVICES, .proc = streams};
    simulate(&r);
    expect_stream(r.kbd, r.nkbd, kbd_want, (int)ARRAY_SIZE(kbd_want), "keyboard");
    expect_stream(r.mouse, r.nmouse, mouse_want, (int)ARRAY_SIZE(mouse_want), "mouse");
    expect_stream(r.kbd2, r.nkbd2, kbd_want, (int)ARRAY_SIZE(kbd_want), "second keyboard reader");
    ck_assert_int_eq(r.kbd_leds, 1 << LED_NUML); /* Caps Lock went off again */
    ck_assert_int_eq(r.kbd_keys_down, 0);
    ck_assert_int_eq(r.rmmod, 0);
}
END_TEST

/* ---- 2: a held key repeats (the core's software autorepeat: 250 ms, then every 33 ms) ---- */

static long long usec(const struct input_event *e)
{
    return e->time.tv_sec * 1000000LL + e->time.tv_usec;
}

static void held_key(struct ks_uproc *p, struct run *r)
{
    int kfd = open_named(p, r, "visor Keyboard");
    if (kfd < 0)
        return;
    r->nkbd = read_events(p, kfd, r->kbd, 0, 2, 1000);
    /* hold A for 400 ms, then the console partition sends its release */
    ks_sys_sleep_ms(p, 400);
    struct visor_device_info kb;
    if (devices_of(VISOR_DEV_KEYBOARD, &kb) < 0) {
        failed(r, "no keyboard");
        return;
    }
    visor_console_report(kb.console, VISOR_IN_KEY_UP, 0x1e, 0, 0);
    visor_family_kick();
    r->nkbd = read_events(p, kfd, r->kbd, r->nkbd, MAX_EVENTS, 300);
    ks_sys_close(p, kfd);
    r->rmmod = ks_module_unload(r->k, "visorinput");
}

START_TEST(held_key_repeats)
{
    static struct run r = {
        .devices = "<chansim:spar-device type='keyboard' bus='2' dev='0' script='down:0x1e'/>",
        .proc = held_key};
    simulate(&r);
    ck_assert_int_ge(r.nkbd, 8);
    ck_assert(r.kbd[0].type == EV_KEY && r.kbd[0].code == KEY_A && r.kbd[0].value == 1);
    ck_assert(r.kbd[1].type == EV_SYN && r.kbd[1].code == SYN_REPORT);
    /* then repeats, each its own packet, until the release */
    int repeats = 0;
    long long last = usec(&r.kbd[0]);
    int i = 2;
    for (; i + 1 < r.nkbd && r.kbd[i].value == 2; i += 2) {
        ck_assert(r.kbd[i].type == EV_KEY && r.kbd[i].code == KEY_A);
        /* the core's own SYN_REPORT: value 1, where input_sync() sends 0 */
        ck_assert(r.kbd[i + 1].type == EV_SYN && r.kbd[i + 1].code == SYN_REPORT &&
                  r.kbd[i + 1].value == 1);
        long long gap = usec(&r.kbd[i]) - last;
        /* in jiffies of 4 ms: the delay rounds up to 252 ms, the period to 36 ms */
        if (repeats == 0)
            ck_assert_msg(gap >= 250000 && gap <= 256000, "first repeat after %lld us", gap);
        else
            ck_assert_msg(gap >= 33000 && gap <= 40000, "repeat %d after %lld us", repeats, gap);
        last = usec(&r.kbd[i]);
        repeats++;
    }
    /* 400 ms held, released at the guest's next 40 ms poll: 4 to 6 repeats */
    ck_assert_msg(repeats >= 4 && repeats <= 6, "%d repeats", repeats);
    ck_assert_int_eq(r.nkbd, i + 2);
    ck_assert(r.kbd[i].type == EV_KEY && r.kbd[i].code == KEY_A && r.kbd[i].value == 0);
    ck_assert(r.kbd[i + 1].type == EV_SYN && r.kbd[i + 1].code == SYN_REPORT);
    ck_assert_int_eq(r.rmmod, 0);
}
END_TEST

/* ---- 3: the console partition faster than the reader ---- */

#define LONG_TEXT                                                                                  \
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"               \
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"               \
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"               \
    "abcdefghijklmnopqrstuvwxyz0123456789"

static void slow_reader(struct ks_uproc *p, struct run *r)
{
    int kfd = open_named(p, r, "visor Keyboard");
    if (kfd < 0)
        return;
    /* the driver empties the channel every 40 ms from now on; nobody reads for 3 s */
    ks_sys_sleep_ms(p, 3000);
    r->nkbd = read_events(p, kfd, r->kbd, 0, MAX_EVENTS, 500);
    if (ks_sys_ioctl(p, kfd, EVIOCGKEY(KEY_CNT / 8), (unsigned long)ubuf_bits) <= 0)
        failed(r, "EVIOCGKEY");
    r->kbd_keys_down = 0;
    for (int i = 0; i < KEY_CNT; i++)
        r->kbd_keys_down += bit(ubuf_bits, i);
    ks_sys_close(p, kfd);
    r->rmmod = ks_module_unload(r->k, "visorinput");
}

START_TEST(queue_full_drops_for_the_slow_reader)
{
    static struct run r = {.devices = "<chansim:spar-device type='keyboard' bus='2' dev='0' "
                                      "script='type:" LONG_TEXT "'/>",
                           .proc = slow_reader};
    simulate(&r);
    /* the channel queue (50 reports) was full before the device was opened: the console
     * partition held the rest back and delivered every report (nothing lost in the channel) */
    ck_assert_uint_gt(r.console_full, 0);
    ck_assert_uint_eq(r.console_sent, sizeof(LONG_TEXT) - 1);
    /* the reader's queue (64 events) was not: it starts with SYN_DROPPED, then what was left
     * up to the next SYN_REPORT, then whole packets up to the last key */
    ck_assert_int_le(r.nkbd, 64);
    ck_assert_msg(r.kbd[0].type == EV_SYN && r.kbd[0].code == SYN_DROPPED, "first %u/%u",
                  r.kbd[0].type, r.kbd[0].code);
    int i = 1;
    while (i < r.nkbd && !(r.kbd[i].type == EV_SYN && r.kbd[i].code == SYN_REPORT))
        i++;
    i++;
    ck_assert_int_ge(r.nkbd - i, 8);
    ck_assert_int_eq((r.nkbd - i) % 4, 0);
    /* the text's last keys, in order: ... 8 9 */
    static const unsigned short tail[] = {KEY_8, KEY_9};
    for (int j = 0; j < 2; j++) {
        const struct input_event *e = &r.kbd[r.nkbd - 8 + 4 * j];
        ck_assert(e[0].type == EV_KEY && e[0].code == tail[j] && e[0].value == 1);
        ck_assert(e[1].type == EV_SYN && e[1].code == SYN_REPORT);
        ck_assert(e[2].type == EV_KEY && e[2].code == tail[j] && e[2].value == 0);
        ck_assert(e[3].type == EV_SYN && e[3].code == SYN_REPORT);
    }
    ck_assert_int_eq(r.kbd_keys_down, 0);
    ck_assert_int_eq(r.rmmod, 0);
}
END_TEST

/* ---- 4: the device destroyed while a process reads it ---- */

static void reader_of_removed(struct ks_uproc *p, struct run *r)
{
    int kfd = open_named(p, r, "visor Keyboard");
    if (kfd < 0)
        return;
    /* blocks in read() until DEVICE_DESTROY removes the keyboard */
    r->nkbd = read_events(p, kfd, r->kbd, 0, MAX_EVENTS, 5000);
    r->read_after_remove = ks_sys_read(p, kfd, ubuf_ev, sizeof(*ubuf_ev));
    r->poll_after_remove = ks_sys_poll(p, kfd, POLLIN, 0);
    ks_sys_close(p, kfd);
    r->open_after_remove = ks_sys_open(p, "/dev/input/event0", O_RDONLY);
    /* the mouse is still there and still reports */
    int mfd = open_named(p, r, "visor Mouse");
    if (mfd < 0)
        return;
    r->nmouse = read_events(p, mfd, r->mouse, 0, 3, 1000);
    ks_sys_close(p, mfd);
    r->rmmod = ks_module_unload(r->k, "visorinput");
}

START_TEST(remove_while_open)
{
    static struct run r = {
        .devices = "<chansim:spar-device type='keyboard' bus='2' dev='0' script='down:0x2a' "
                   "fault='destroy@600ms'/>"
                   "<chansim:spar-device type='mouse' bus='2' dev='1' script='move:5/6'/>",
        .proc = reader_of_removed};
    simulate(&r);
    /* Shift down, then its repeats until the device went. The core releases the key as the
     * device goes, but the event device is gone by the time the reader runs: as in the kernel,
     * read() then fails with -ENODEV and what was queued is not read any more */
    ck_assert_int_ge(r.nkbd, 4);
    ck_assert_int_eq(r.nkbd % 2, 0);
    for (int i = 0; i < r.nkbd; i += 2) {
        ck_assert(r.kbd[i].type == EV_KEY && r.kbd[i].code == KEY_LEFTSHIFT);
        ck_assert_int_eq(r.kbd[i].value, i ? 2 : 1);
        ck_assert(r.kbd[i + 1].type == EV_SYN && r.kbd[i + 1].code == SYN_REPORT);
    }
    ck_assert_int_eq(r.read_after_remove, -ENODEV);
    ck_assert_int_eq(r.poll_after_remove & (POLLHUP | POLLERR), POLLHUP | POLLERR);
    ck_assert_int_eq(r.open_after_remove, -ENOENT);
    ck_assert_int_eq(r.nmouse, 3);
    ck_assert(r.mouse[0].type == EV_ABS && r.mouse[0].code == ABS_X && r.mouse[0].value == 5);
    ck_assert(r.mouse[1].type == EV_ABS && r.mouse[1].code == ABS_Y && r.mouse[1].value == 6);
    ck_assert_int_eq(r.rmmod, 0);
}
END_TEST

/* ---- 5: LEDs set by a process ---- */

/* Caps Lock's LED is switched on through the event device before the driver first empties the
 * channel (10 jiffies after open): upstream compares the firmware's lock state with the
 * device's LED, so "Caps Lock on" then changes nothing, "off" toggles the key */
static void led_writer(struct ks_uproc *p, struct run *r)
{
    int kfd = open_named(p, r, "visor Keyboard");
    if (kfd < 0)
        return;
    ubuf_ev[0] = (struct input_event){.type = EV_LED, .code = LED_CAPSL, .value = 1};
    ubuf_ev[1] = (struct input_event){.type = EV_SYN, .code = SYN_REPORT, .value = 0};
    if (ks_sys_write(p, kfd, ubuf_ev, 2 * sizeof(*ubuf_ev)) != 2 * sizeof(*ubuf_ev))
        failed(r, "write of the LED state failed");
    r->nkbd = read_events(p, kfd, r->kbd, 0, MAX_EVENTS, 500);
    if (ks_sys_ioctl(p, kfd, EVIOCGLED(8), (unsigned long)ubuf_bits) <= 0)
        failed(r, "EVIOCGLED");
    r->kbd_leds = (int)ubuf_bits[0];
    ks_sys_close(p, kfd);
    r->rmmod = ks_module_unload(r->k, "visorinput");
}

START_TEST(leds_set_by_a_process)
{
    static struct run r = {.devices = "<chansim:spar-device type='keyboard' bus='2' dev='0' "
                                      "script='lock:0x3a/on lock:0x3a/off lock:0x45/on'/>",
                           .proc = led_writer};
    static const struct ev want[] = {
        {EV_LED, LED_CAPSL, 1},
        SYN,               /* what the process wrote, as every reader sees it */
        TAP(KEY_CAPSLOCK), /* off */
        TAP(KEY_NUMLOCK),
    };
    simulate(&r);
    expect_stream(r.kbd, r.nkbd, want, (int)ARRAY_SIZE(want), "keyboard");
    ck_assert_int_eq(r.kbd_leds, 1 << LED_NUML);
    ck_assert_int_eq(r.rmmod, 0);
}
END_TEST

START_TEST(layout_is_the_host_abi)
{
    /* the records the shim's evdev writes are read with the host's struct input_event */
    ck_assert_uint_eq(sizeof(struct input_event), 24);
    ck_assert_uint_eq(offsetof(struct input_event, type), 16);
    ck_assert_uint_eq(offsetof(struct input_event, value), 20);
}
END_TEST

Suite *upstream_visorinput_suite(void)
{
    Suite *s = suite_create("upstream_visorinput");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, layout_is_the_host_abi);
    tcase_add_test(tc, scripted_streams);
    tcase_add_test(tc, held_key_repeats);
    tcase_add_test(tc, queue_full_drops_for_the_slow_reader);
    tcase_add_test(tc, remove_while_open);
    tcase_add_test(tc, leds_set_by_a_process);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(upstream_visorinput_suite)
