#include "cs_vcd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct sig {
    char scope[64];
    char name[64];
    unsigned width;
    char id[8];
    uint64_t value;
    int dumped;
};

struct cs_vcd {
    FILE *out;
    struct sig *s;
    int n;
    int header_done;
    uint64_t t;
    int t_written;
};

struct cs_vcd *cs_vcd_new(FILE *out)
{
    struct cs_vcd *v = calloc(1, sizeof(*v));
    if (!v)
        abort();
    v->out = out;
    return v;
}

/* Identifiers are short strings of printable characters, '!' to '~'. */
static void make_id(char *id, int n)
{
    int k = 0;
    do {
        id[k++] = (char)('!' + n % 94);
        n /= 94;
    } while (n && k < 7);
    id[k] = '\0';
}

int cs_vcd_signal(struct cs_vcd *v, const char *scope, const char *name, unsigned width)
{
    if (v->header_done)
        return -1;
    struct sig *s = realloc(v->s, (size_t)(v->n + 1) * sizeof(*s));
    if (!s)
        abort();
    v->s = s;
    struct sig *g = &v->s[v->n];
    memset(g, 0, sizeof(*g));
    snprintf(g->scope, sizeof(g->scope), "%s", scope);
    snprintf(g->name, sizeof(g->name), "%s", name);
    /* VCD identifiers may not hold dots in scope names for some viewers */
    for (char *c = g->scope; *c; c++)
        if (*c == '.' || *c == ' ')
            *c = '_';
    g->width = width ? width : 1;
    make_id(g->id, v->n);
    return v->n++;
}

static void header(struct cs_vcd *v)
{
    fputs("$comment chansim trace export $end\n$timescale 1ns $end\n", v->out);
    for (int i = 0; i < v->n; i++) {
        /* one scope per distinct name, in declaration order */
        int first = 1;
        for (int j = 0; j < i; j++)
            if (!strcmp(v->s[j].scope, v->s[i].scope))
                first = 0;
        if (!first)
            continue;
        fprintf(v->out, "$scope module %s $end\n", v->s[i].scope);
        for (int j = i; j < v->n; j++)
            if (!strcmp(v->s[j].scope, v->s[i].scope))
                fprintf(v->out, "$var %s %u %s %s $end\n", v->s[j].width == 1 ? "wire" : "integer",
                        v->s[j].width, v->s[j].id, v->s[j].name);
        fputs("$upscope $end\n", v->out);
    }
    fputs("$enddefinitions $end\n#0\n$dumpvars\n", v->out);
    for (int i = 0; i < v->n; i++) {
        if (v->s[i].width == 1)
            fprintf(v->out, "0%s\n", v->s[i].id);
        else
            fprintf(v->out, "b0 %s\n", v->s[i].id);
    }
    fputs("$end\n", v->out);
    v->header_done = 1;
    v->t_written = 1;
}

static void put(struct cs_vcd *v, const struct sig *g, uint64_t value)
{
    if (g->width == 1) {
        fprintf(v->out, "%c%s\n", value ? '1' : '0', g->id);
        return;
    }
    char bits[65];
    int k = 0;
    for (int b = 63; b >= 0; b--)
        if ((value >> b) & 1 || k)
            bits[k++] = (char)('0' + ((value >> b) & 1));
    if (!k)
        bits[k++] = '0';
    bits[k] = '\0';
    fprintf(v->out, "b%s %s\n", bits, g->id);
}

int cs_vcd_change(struct cs_vcd *v, uint64_t t, int signal, uint64_t value, cs_error *err)
{
    if (signal < 0 || signal >= v->n)
        return cs_error_set(err, "vcd: no signal %d", signal);
    if (!v->header_done)
        header(v);
    if (t < v->t)
        return cs_error_set(err, "vcd: time goes back from %" PRIu64 " to %" PRIu64 " ns", v->t, t);
    struct sig *g = &v->s[signal];
    if (g->value == value)
        return 0;
    if (t != v->t || !v->t_written) {
        fprintf(v->out, "#%" PRIu64 "\n", t);
        v->t = t;
        v->t_written = 1;
    }
    g->value = value;
    put(v, g, value);
    return 0;
}

int cs_vcd_finish(struct cs_vcd *v, uint64_t t_end, cs_error *err)
{
    if (!v->header_done)
        header(v);
    if (t_end > v->t)
        fprintf(v->out, "#%" PRIu64 "\n", t_end);
    if (fflush(v->out) != 0 || ferror(v->out))
        return cs_error_errno(err, errno, "vcd: write failed");
    return 0;
}

void cs_vcd_free(struct cs_vcd *v)
{
    if (!v)
        return;
    free(v->s);
    free(v);
}
