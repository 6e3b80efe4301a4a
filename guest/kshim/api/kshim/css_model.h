/* The channel-subsystem model (models/css) as a guest kernel's channel subsystem: the kernel's
 * I/O instructions go to it and its I/O interruptions to the kernel (kshim/css.h). Library
 * cs_kshim_css. */
#ifndef KSHIM_CSS_MODEL_H
#define KSHIM_CSS_MODEL_H

struct ks_kernel;
struct css;

/* From now on kernel k's SSCH, TSCH, STSCH, MSCH, HSCH, CSCH, XSCH and RSCH are css_*() of
 * `c`, and every I/O interruption `c` presents is taken by k. One kernel per CSS: this
 * replaces c's I/O handler. Every CCW, IDAW and data address the model touches must lie in
 * k's allocations or in a page a VFIO device of k pinned (ks_kmem_in_use,
 * ks_vfio_gpa_pinned), else the program ends with a protection check. */
void ks_css_use_model(struct ks_kernel *k, struct css *c);

#endif
