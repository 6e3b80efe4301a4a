#include "test_crq_util.h"

#include "cs_test.h"
#include "crq_timing.h"

static int claims_nothing(const struct cs_domain_desc *d, const struct cs_device_desc *dev)
{
    (void)d;
    (void)dev;
    return 0;
}
static const struct cs_family costs_only = {.name = "crq",
                                            .models = "",
                                            .costs = crq_cost_table,
                                            .ncosts = CRQ_COST_COUNT,
                                            .claims = claims_nothing};

void crq_test_machine(const char *platform, struct cs_platform **p, struct cs_machine **m)
{
    cs_error err = {0};
    const struct cs_family *fams[] = {&costs_only};
    ck_assert_msg(cs_platform_load(platform, NULL, p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(*p, fams, 1, NULL, m, &err) == 0, "%s", err.msg);
}
