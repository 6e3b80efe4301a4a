/* The channel families compiled into chansim. Each family issue adds its line here. */
#include "cs_family.h"

const struct cs_family *const cs_builtin_families[] = {NULL};
const size_t cs_builtin_nfamilies = 0;
