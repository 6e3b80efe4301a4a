/* The channel-subsystem I/O instructions. Each goes to the current kernel's CSS operations
 * (kshim/css.h) with its operand as a guest-physical address and returns the condition code,
 * or -EIO when the instruction took a program interruption (as the kernel's inline assembly
 * does when it catches the exception). */
#ifndef S390_CIO_IOASM_H
#define S390_CIO_IOASM_H

#include <asm/cio.h>
#include <asm/schid.h>

#include "orb.h"
#include "cio.h"

struct schib;
struct irb;
union orb;

int ks_css_stsch(struct subchannel_id schid, struct schib *addr);
int ks_css_msch(struct subchannel_id schid, struct schib *addr);
int ks_css_tsch(struct subchannel_id schid, struct irb *addr);
int ks_css_ssch(struct subchannel_id schid, union orb *addr);
int ks_css_csch(struct subchannel_id schid);
int ks_css_hsch(struct subchannel_id schid);
int ks_css_xsch(struct subchannel_id schid);
int ks_css_rsch(struct subchannel_id schid);

#define stsch(schid, addr) ks_css_stsch(schid, addr)
#define msch(schid, addr)  ks_css_msch(schid, addr)
#define tsch(schid, addr)  ks_css_tsch(schid, addr)
#define ssch(schid, addr)  ks_css_ssch(schid, addr)
#define csch(schid)        ks_css_csch(schid)
#define hsch(schid)        ks_css_hsch(schid)
#define xsch(schid)        ks_css_xsch(schid)
#define rsch(schid)        ks_css_rsch(schid)

#endif
