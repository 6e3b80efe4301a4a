/* Guest-physical memory of one domain. Models and the guest side reach the same bytes: the
 * SystemC adapter exposes them as a TLM-2.0 target with DMI, plain C code uses the checked
 * accessors below. Pages are reserved lazily (MAP_NORESERVE), so a large guest costs only the
 * pages it touches. */
#ifndef CS_GMEM_H
#define CS_GMEM_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

struct cs_gmem {
    uint8_t *host; /* host mapping of guest-physical address 0 */
    uint64_t size;
    const char *owner; /* domain name, for messages */
};

int cs_gmem_init(struct cs_gmem *g, uint64_t size, const char *owner, cs_error *err);
void cs_gmem_release(struct cs_gmem *g);

/* Host pointer for [gpa, gpa+len) or NULL when any byte lies outside guest memory. */
static inline uint8_t *cs_gmem_ptr(const struct cs_gmem *g, uint64_t gpa, uint64_t len)
{
    if (gpa > g->size || len > g->size - gpa)
        return NULL;
    return g->host + gpa;
}

/* Copies with a bounds check; an access outside memory fails naming the address range. */
int cs_gmem_read(const struct cs_gmem *g, uint64_t gpa, void *buf, uint64_t len, cs_error *err);
int cs_gmem_write(struct cs_gmem *g, uint64_t gpa, const void *buf, uint64_t len, cs_error *err);

#endif
