/* Shared by the tests of the CRQ facility and the VMC endpoint, which run without a driver. */
#ifndef TEST_CRQ_UTIL_H
#define TEST_CRQ_UTIL_H

#include "cs_machine.h"

/* Load the platform and build its machine with the CRQ family reduced to its calibration
 * entries, so that no device is claimed and the test attaches what it needs itself. Fails the
 * running test on error. */
void crq_test_machine(const char *platform, struct cs_platform **p, struct cs_machine **m);

#endif
