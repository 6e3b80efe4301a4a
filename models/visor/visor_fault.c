#include "visor_fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_duration.h"
#include "visor_wire.h"

struct field {
    const char *name;
    unsigned off, width;
};

static const struct field ch_fields[] = {
    {"signature", VISOR_CH_SIGNATURE_OFF, 8},
    {"header_size", VISOR_CH_HEADER_SZ_OFF, 4},
    {"size", VISOR_CH_SIZE, 8},
    {"features", VISOR_CH_FEATURES, 8},
    {"ch_space_offset", VISOR_CH_SPACE_OFFSET, 8},
    {"version_id", VISOR_CH_VERSION_ID, 4},
    {"srv_state", VISOR_CH_SRV_STATE, 4},
    {"chtype", VISOR_CH_CHTYPE, 8},
};

static const struct field q_fields[] = {
    {"version", VISOR_QH_VERSION, 4},
    {"chtype", VISOR_QH_CHTYPE, 4},
    {"size", VISOR_QH_BYTES, 8},
    {"sig_base_offset", VISOR_QH_SIG_BASE, 8},
    {"features", VISOR_QH_FEATURES, 8},
    {"num_sent", VISOR_QH_NUM_SENT, 8},
    {"num_overflows", VISOR_QH_NUM_OVERFLOWS, 8},
    {"signal_size", VISOR_QH_SIGNAL_SIZE, 4},
    {"max_slots", VISOR_QH_MAX_SLOTS, 4},
    {"max_signals", VISOR_QH_MAX_SIGNALS, 4},
    {"head", VISOR_QH_HEAD, 4},
    {"num_received", VISOR_QH_NUM_RECEIVED, 8},
    {"tail", VISOR_QH_TAIL, 4},
};

static int parse_poke(char *spec, struct visor_fault_event *e)
{
    char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');
    if (!dot || !eq || eq < dot)
        return -1;
    *dot = *eq = 0;
    const struct field *tab;
    size_t n;
    if (!strcmp(spec, "ch")) {
        e->queue = -1;
        tab = ch_fields;
        n = sizeof(ch_fields) / sizeof(ch_fields[0]);
    } else if (spec[0] == 'q' && spec[1] >= '0' && spec[1] <= '3' && !spec[2]) {
        e->queue = spec[1] - '0';
        tab = q_fields;
        n = sizeof(q_fields) / sizeof(q_fields[0]);
    } else {
        return -1;
    }
    size_t i = 0;
    while (i < n && strcmp(tab[i].name, dot + 1) != 0)
        i++;
    if (i == n)
        return -1;
    char *end;
    e->value = strtoull(eq + 1, &end, 0);
    if (!eq[1] || *end)
        return -1;
    e->off = tab[i].off;
    e->width = tab[i].width;
    return 0;
}

int visor_fault_parse(const char *script, const char *where, struct visor_fault_event **out,
                      size_t *n, cs_error *err)
{
    *out = NULL;
    *n = 0;
    char *copy = strdup(script);
    if (!copy)
        abort();
    size_t cap = 0;
    int word = 0;
    for (char *save = NULL, *w = strtok_r(copy, " \t\n,", &save); w;
         w = strtok_r(NULL, " \t\n,", &save)) {
        word++;
        char text[128];
        snprintf(text, sizeof(text), "%s", w);
        char *at = strrchr(w, '@');
        struct visor_fault_event e = {0};
        int ok = at != NULL;
        if (ok) {
            *at = 0;
            ok = cs_parse_duration_ns(at + 1, &e.at_ns) == 0;
        }
        if (ok) {
            if (!strcmp(w, "crash"))
                e.kind = VISOR_FAULT_CRASH;
            else if (!strcmp(w, "recover"))
                e.kind = VISOR_FAULT_RECOVER;
            else if (!strcmp(w, "destroy"))
                e.kind = VISOR_FAULT_DESTROY;
            else if (!strcmp(w, "link-down"))
                e.kind = VISOR_FAULT_LINK_DOWN;
            else if (!strcmp(w, "link-up"))
                e.kind = VISOR_FAULT_LINK_UP;
            else if (!strncmp(w, "poke:", 5)) {
                e.kind = VISOR_FAULT_POKE;
                ok = parse_poke(w + 5, &e) == 0;
            } else
                ok = 0;
        }
        if (!ok) {
            free(copy);
            free(*out);
            *out = NULL;
            *n = 0;
            return cs_error_set(err,
                                "%s: fault script word %d '%s': expected crash@T, recover@T, "
                                "destroy@T, link-down@T, link-up@T or poke:ch|qN.FIELD=V@T",
                                where, word, text);
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 4;
            *out = realloc(*out, cap * sizeof(**out));
            if (!*out)
                abort();
        }
        (*out)[(*n)++] = e;
    }
    free(copy);
    return 0;
}
