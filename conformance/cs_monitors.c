/* The monitor classes compiled into chansim, one per channel family that has rules. */
#include <string.h>

#include "cs_monitor.h"
#include "crq/crq_monitor.h"
#include "css/css_monitor.h"
#include "visor/visor_monitor.h"

static const struct cs_monitor_class *const classes[] = {&crq_monitor_class, &css_monitor_class,
                                                         &visor_monitor_class, NULL};

const struct cs_monitor_class *cs_monitor_class_for(const char *family)
{
    for (size_t i = 0; classes[i]; i++)
        if (strcmp(classes[i]->family, family) == 0)
            return classes[i];
    return NULL;
}
