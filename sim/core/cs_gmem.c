#include "cs_gmem.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

int cs_gmem_init(struct cs_gmem *g, uint64_t size, const char *owner, cs_error *err)
{
    memset(g, 0, sizeof(*g));
    g->owner = owner;
    if (size == 0)
        return cs_error_set(err, "domain '%s': guest memory size is 0", owner);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return cs_error_errno(err, errno,
                              "domain '%s': cannot reserve %" PRIu64 " bytes of guest memory",
                              owner, size);
    g->host = p;
    g->size = size;
    return 0;
}

void cs_gmem_release(struct cs_gmem *g)
{
    if (g->host)
        munmap(g->host, g->size);
    g->host = NULL;
    g->size = 0;
}

static int out_of_range(const struct cs_gmem *g, uint64_t gpa, uint64_t len, const char *what,
                        cs_error *err)
{
    return cs_error_set(err,
                        "domain '%s': guest %s of %" PRIu64 " bytes at 0x%" PRIx64
                        " lies outside guest memory (size 0x%" PRIx64 ")",
                        g->owner, what, len, gpa, g->size);
}

int cs_gmem_read(const struct cs_gmem *g, uint64_t gpa, void *buf, uint64_t len, cs_error *err)
{
    const uint8_t *p = cs_gmem_ptr(g, gpa, len);
    if (!p)
        return out_of_range(g, gpa, len, "read", err);
    memcpy(buf, p, len);
    return 0;
}

int cs_gmem_write(struct cs_gmem *g, uint64_t gpa, const void *buf, uint64_t len, cs_error *err)
{
    uint8_t *p = cs_gmem_ptr(g, gpa, len);
    if (!p)
        return out_of_range(g, gpa, len, "write", err);
    memcpy(p, buf, len);
    return 0;
}
