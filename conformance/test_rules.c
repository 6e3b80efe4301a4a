/* The rule catalog is well formed and docs/rules.md lists exactly its IDs. */
#include <stdio.h>

#include "cs_rules.h"
#include "cs_test.h"

START_TEST(catalog_is_well_formed)
{
    size_t n;
    const struct cs_rule *r = cs_rule_catalog(&n);
    ck_assert_uint_ge(n, 10);
    for (size_t i = 0; i < n; i++) {
        ck_assert(r[i].id && *r[i].id && r[i].family && r[i].summary && r[i].source);
        ck_assert_ptr_eq(cs_rule_find(r[i].id), &r[i]); /* unique */
    }
    ck_assert_ptr_null(cs_rule_find("nope"));
}
END_TEST

START_TEST(docs_list_the_catalog)
{
    FILE *f = fopen(RULES_MD, "r");
    ck_assert_ptr_nonnull(f);
    char line[2048];
    size_t rows = 0;
    while (fgets(line, sizeof(line), f)) {
        char id[32];
        if (sscanf(line, "| %31[A-Za-z0-9] |", id) != 1 || !strcmp(id, "ID"))
            continue;
        const struct cs_rule *r = cs_rule_find(id);
        ck_assert_msg(r != NULL, "docs/rules.md lists %s, which the catalog lacks", id);
        ck_assert_msg(strstr(line, r->summary) != NULL, "docs/rules.md: %s has another text", id);
        rows++;
    }
    fclose(f);
    size_t n;
    cs_rule_catalog(&n);
    ck_assert_uint_eq(rows, n);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("catalog");
    tcase_add_test(tc, catalog_is_well_formed);
    tcase_add_test(tc, docs_list_the_catalog);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
