/* The channel families compiled into the chansim program. Each family issue adds its line. */
#include "cs_family.h"
#include "crq_family.h"
#include "css_family.h"
#include "visor_family.h"

const struct cs_family *const cs_builtin_families[] = {&crq_family, &css_family, &visor_family,
                                                       NULL};
const size_t cs_builtin_nfamilies =
    sizeof(cs_builtin_families) / sizeof(cs_builtin_families[0]) - 1;
