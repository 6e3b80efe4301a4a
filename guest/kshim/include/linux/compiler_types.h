#include "kshim/types.h"
