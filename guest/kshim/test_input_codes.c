/* The shim's input event codes (include/linux/input-event-codes.h) are the user ABI: every
 * name it defines must have the value the host's UAPI headers give it
 * (/usr/include/linux/input-event-codes.h, and <linux/input.h> for the BUS_ types), since
 * processes read the event devices with those headers. Both are read as text: a value is a
 * number, another name, or (NAME+1). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cs_test.h"

#define MAX_DEFS 2048

struct def {
    char name[48];
    char value[48];
};

struct defs {
    struct def d[MAX_DEFS];
    int n;
};

static void load(struct defs *t, const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char name[48], value[48];
        if (sscanf(line, "#define %47s %47s", name, value) != 2)
            continue;
        ck_assert_int_lt(t->n, MAX_DEFS);
        strcpy(t->d[t->n].name, name);
        strcpy(t->d[t->n].value, value);
        t->n++;
    }
    fclose(f);
}

static const struct def *find(const struct defs *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->d[i].name, name))
            return &t->d[i];
    return NULL;
}

/* -1: not a value this test understands */
static long eval(const struct defs *t, const char *v, int depth)
{
    if (depth > 8)
        return -1;
    if (isdigit((unsigned char)v[0]))
        return strtol(v, NULL, 0);
    char name[48];
    if (sscanf(v, "(%47[A-Z0-9_]+1)", name) == 1) {
        const struct def *d = find(t, name);
        long x = d ? eval(t, d->value, depth + 1) : -1;
        return x < 0 ? -1 : x + 1;
    }
    const struct def *d = find(t, v);
    return d ? eval(t, d->value, depth + 1) : -1;
}

START_TEST(every_code_is_the_hosts)
{
    static struct defs shim, host;
    load(&shim, SHIM_CODES);
    load(&host, "/usr/include/linux/input-event-codes.h");
    load(&host, "/usr/include/linux/input.h");
    int checked = 0;
    for (int i = 0; i < shim.n; i++) {
        const char *name = shim.d[i].name;
        if (name[0] == '_')
            continue; /* the include guard */
        long mine = eval(&shim, shim.d[i].value, 0);
        const struct def *h = find(&host, name);
        ck_assert_msg(h != NULL, "%s is not in the host's headers", name);
        long theirs = eval(&host, h->value, 0);
        ck_assert_msg(mine >= 0 && mine == theirs, "%s is %ld in the shim, %ld on the host", name,
                      mine, theirs);
        checked++;
    }
    /* at least every key, button and axis visorinput uses */
    ck_assert_int_gt(checked, 700);
    ck_assert_int_eq(eval(&shim, "KEY_RIGHTALT", 0), 100);
    ck_assert_int_eq(eval(&shim, "BTN_LEFT", 0), 0x110);
}
END_TEST

static Suite *input_codes_suite(void)
{
    Suite *s = suite_create("input_codes");
    TCase *tc = tcase_create("abi");
    tcase_add_test(tc, every_code_is_the_hosts);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(input_codes_suite)
