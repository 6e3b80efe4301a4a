/* A guest kernel on the channel-subsystem model: each operation of the kernel's table is the
 * model's instruction of the same name, and the model's interruptions go to the kernel. */
#include "kshim/css.h"
#include "kshim/css_model.h"

#include "css.h"
#include "kshim/kernel.h"
#include "kshim/vfio.h"

static int m_ssch(void *c, uint32_t sid, uint64_t gpa)
{
    return css_ssch(c, sid, gpa);
}
static int m_tsch(void *c, uint32_t sid, uint64_t gpa)
{
    return css_tsch(c, sid, gpa);
}
static int m_stsch(void *c, uint32_t sid, uint64_t gpa)
{
    return css_stsch(c, sid, gpa);
}
static int m_msch(void *c, uint32_t sid, uint64_t gpa)
{
    return css_msch(c, sid, gpa);
}
static int m_hsch(void *c, uint32_t sid)
{
    return css_hsch(c, sid);
}
static int m_csch(void *c, uint32_t sid)
{
    return css_csch(c, sid);
}
static int m_xsch(void *c, uint32_t sid)
{
    return css_xsch(c, sid);
}
static int m_rsch(void *c, uint32_t sid)
{
    return css_rsch(c, sid);
}

static const struct ks_css_ops model_ops = {m_ssch, m_tsch, m_stsch, m_msch,
                                            m_hsch, m_csch, m_xsch,  m_rsch};

static void on_io(void *k, uint32_t sid, uint32_t intparm, unsigned isc)
{
    ks_css_io_interrupt(k, sid, intparm, isc);
}

/* DESIGN.md §3: what the channel subsystem touches for a program the driver started must be
 * the driver's own memory (its translated CCWs and IDALs) or pages it pinned for the VM (the
 * data); anything else ends the program with a protection check, as storage the channel may
 * not access does. */
static int access_check(void *k, uint64_t gpa, uint64_t len, int write)
{
    (void)write;
    return ks_kmem_in_use(k, gpa, len) || ks_vfio_gpa_pinned(k, gpa, len) ? 0 : 1;
}

void ks_css_use_model(struct ks_kernel *k, struct css *c)
{
    ks_kernel_set_css_ops(k, &model_ops, c);
    css_set_io_handler(c, on_io, k);
    css_set_access_check(c, access_check, k);
}
