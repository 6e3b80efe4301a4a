/* Channel-path events a subchannel driver is told about, and which of its paths a CHPID is. */
#ifndef S390_CHP_H
#define S390_CHP_H

#include <asm/chpid.h>

#include "css.h"

#define CHP_ONLINE     0
#define CHP_OFFLINE    1
#define CHP_VARY_ON    2
#define CHP_VARY_OFF   3
#define CHP_FCES_EVENT 4

struct chp_link {
    struct chp_id chpid;
    u32 fla_mask;
    u16 fla;
};

/* The path-mask bit of the subchannel's path that `link` names, 0 when it has none. */
int chp_ssd_get_mask(struct chsc_ssd_info *ssd, struct chp_link *link);

#endif
