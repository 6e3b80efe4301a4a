/* Bounds a speculatively used index; without speculation to guard against, a clamp. */
#ifndef _LINUX_NOSPEC_H
#define _LINUX_NOSPEC_H
#include "kshim/types.h"
#define array_index_nospec(index, size) ((index) < (size) ? (index) : 0)
#endif
