/* One guest kernel per domain, shared by every channel family that runs drivers there. */
#ifndef KSHIM_DOMAIN_H
#define KSHIM_DOMAIN_H

#include "cs_error.h"

struct cs_domain;
struct ks_kernel;

/* The domain's kernel, created on first use (named "<domain>.kernel", its log on a tap channel
 * of that name) and destroyed with the machine. */
struct ks_kernel *ks_domain_kernel(struct cs_domain *dom, cs_error *err);

#endif
