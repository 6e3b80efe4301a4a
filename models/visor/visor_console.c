#include "visor_console.h"

#include <stdio.h>
#include <stdlib.h>

struct visor_console {
    struct visor_channel *ch;
    enum visor_console_kind kind;
    uint8_t (*q)[VISOR_INPUT_REPORT];
    uint32_t n, cap, first;
    uint64_t seq, sent, full;
};

uint64_t visor_console_channel_bytes(void)
{
    return VISOR_INPUT_CHANNEL_BYTES;
}

int visor_console_create(struct cs_gmem *mem, uint64_t gpa, enum visor_console_kind kind,
                         struct cs_tap *tap, uint16_t tap_ch, const char *name,
                         struct visor_console **out, cs_error *err)
{
    struct visor_console *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    struct visor_channel_desc d = {
        .type = VISOR_GUID_KEYBOARD,
        .version = 0,
        .bytes = VISOR_INPUT_CHANNEL_BYTES,
        .space_offset = VISOR_INPUT_SPACE,
        .slots_offset = VISOR_INPUT_SPACE + VISOR_QH_SIZE,
        .nqueues = 1,
        .q = {{VISOR_INPUT_REPORT, VISOR_INPUT_SLOTS, 0, 0}},
    };
    if (kind == VISOR_MOUSE)
        d.type = (visor_guid)VISOR_GUID_MOUSE;
    if (visor_channel_create(mem, gpa, &d, tap, tap_ch, name, &c->ch, err) < 0) {
        free(c);
        return -1;
    }
    uint8_t *b = visor_channel_base(c->ch);
    visor_put32(b + VISOR_INPUT_DATA, VISOR_INPUT_SLOTS - 1);
    if (kind == VISOR_MOUSE) { /* the axis ranges visorinput takes (spec §4.5) */
        visor_put16(b + VISOR_INPUT_DATA + 4, 1024);
        visor_put16(b + VISOR_INPUT_DATA + 6, 768);
    }
    c->kind = kind;
    *out = c;
    return 0;
}

void visor_console_free(struct visor_console *c)
{
    if (!c)
        return;
    visor_channel_free(c->ch);
    free(c->q);
    free(c);
}

struct visor_channel *visor_console_channel(struct visor_console *c)
{
    return c->ch;
}

void visor_console_report(struct visor_console *c, uint16_t action, uint16_t a1, uint16_t a2,
                          uint16_t a3)
{
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? 2 * c->cap : 64;
        uint8_t(*q)[VISOR_INPUT_REPORT] = calloc(cap, VISOR_INPUT_REPORT);
        if (!q)
            abort();
        for (uint32_t i = 0; i < c->n; i++)
            memcpy(q[i], c->q[(c->first + i) % c->cap], VISOR_INPUT_REPORT);
        free(c->q);
        c->q = q;
        c->cap = cap;
        c->first = 0;
    }
    uint8_t *r = c->q[(c->first + c->n++) % c->cap];
    visor_put64(r, ++c->seq);
    visor_put16(r + 8, action);
    visor_put16(r + 10, a1);
    visor_put16(r + 12, a2);
    visor_put16(r + 14, a3);
}

/* set-1 make codes of letters, digits and space */
static int scancode(char ch)
{
    static const char *rows[] = {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"};
    static const int base[] = {0x02, 0x10, 0x1e, 0x2c};
    if (ch == ' ')
        return 0x39;
    if (ch >= 'A' && ch <= 'Z')
        ch = (char)(ch - 'A' + 'a');
    for (int r = 0; r < 4; r++)
        for (int i = 0; rows[r][i]; i++)
            if (rows[r][i] == ch)
                return base[r] + i;
    return -1;
}

static int num(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 0);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int visor_console_script(struct visor_console *c, const char *script, cs_error *err)
{
    char *copy = strdup(script);
    if (!copy)
        abort();
    int rc = 0, word = 0;
    for (char *save = NULL, *w = strtok_r(copy, " \t\n,", &save); w && !rc;
         w = strtok_r(NULL, " \t\n,", &save)) {
        word++;
        char *arg = strchr(w, ':');
        if (!arg) {
            rc = cs_error_set(err, "input script word %d '%s': expected NAME:ARG", word, w);
            break;
        }
        *arg++ = 0;
        long a = 0, b2 = 0;
        if (!strcmp(w, "key") || !strcmp(w, "down") || !strcmp(w, "up")) {
            if (num(arg, 0, 0xFFFF, &a) < 0)
                rc = -1;
            else
                visor_console_report(c,
                                     !strcmp(w, "key")    ? VISOR_IN_KEY_DOWN_UP
                                     : !strcmp(w, "down") ? VISOR_IN_KEY_DOWN
                                                          : VISOR_IN_KEY_UP,
                                     (uint16_t)a, 0, 0);
        } else if (!strcmp(w, "type")) {
            for (const char *p = arg; *p && !rc; p++) {
                int s = scancode(*p);
                if (s < 0)
                    rc = -1;
                else
                    visor_console_report(c, VISOR_IN_KEY_DOWN_UP, (uint16_t)s, 0, 0);
            }
        } else if (!strcmp(w, "move")) {
            char *slash = strchr(arg, '/');
            if (!slash)
                rc = -1;
            else {
                *slash = 0;
                if (num(arg, 0, 0xFFFF, &a) < 0 || num(slash + 1, 0, 0xFFFF, &b2) < 0)
                    rc = -1;
                else
                    visor_console_report(c, VISOR_IN_XY_MOTION, (uint16_t)a, (uint16_t)b2, 0);
            }
        } else if (!strcmp(w, "click") || !strcmp(w, "dclick") || !strcmp(w, "press") ||
                   !strcmp(w, "release")) {
            if (num(arg, 1, 3, &a) < 0)
                rc = -1;
            else
                visor_console_report(c,
                                     !strcmp(w, "click")    ? VISOR_IN_CLICK
                                     : !strcmp(w, "dclick") ? VISOR_IN_DCLICK
                                     : !strcmp(w, "press")  ? VISOR_IN_BUTTON_DOWN
                                                            : VISOR_IN_BUTTON_UP,
                                     (uint16_t)a, 0, 0);
        } else if (!strcmp(w, "wheel")) {
            if (num(arg, -1000, 1000, &a) < 0 || a == 0)
                rc = -1;
            else
                for (long i = 0; i < (a < 0 ? -a : a); i++)
                    visor_console_report(c, a > 0 ? VISOR_IN_WHEEL_AWAY : VISOR_IN_WHEEL_TOWARD, 0,
                                         0, 0);
        } else if (!strcmp(w, "lock")) {
            char *slash = strchr(arg, '/');
            if (!slash || (strcmp(slash + 1, "on") && strcmp(slash + 1, "off")))
                rc = -1;
            else {
                *slash = 0;
                if (num(arg, 0, 0xFF, &a) < 0)
                    rc = -1;
                else
                    visor_console_report(c, VISOR_IN_LOCKING_KEY, (uint16_t)a,
                                         !strcmp(slash + 1, "on"), 0);
            }
        } else {
            rc = -1;
        }
        if (rc)
            cs_error_set(err,
                         "input script word %d '%s:%s': expected key:S, down:S, up:S, "
                         "type:TEXT, move:X/Y, click:B, dclick:B, press:B, release:B, "
                         "wheel:N or lock:S/on|off",
                         word, w, arg);
    }
    free(copy);
    return rc;
}

int visor_console_poll(struct visor_console *c, cs_error *err)
{
    int moved = 0;
    while (c->n) {
        int rc = visor_channel_insert(c->ch, 0, c->q[c->first], err);
        if (rc < 0)
            return -1;
        if (rc == VISOR_FULL) {
            c->full++;
            break;
        }
        c->first = (c->first + 1) % c->cap;
        c->n--;
        c->sent++;
        moved++;
    }
    return moved;
}

uint32_t visor_console_queued(const struct visor_console *c)
{
    return c->n;
}

uint64_t visor_console_sent(const struct visor_console *c)
{
    return c->sent;
}

uint64_t visor_console_full(const struct visor_console *c)
{
    return c->full;
}
