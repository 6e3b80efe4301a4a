/* test_input_core: the two halves' interface (standard types only). */
#ifndef TEST_INPUT_CORE_H
#define TEST_INPUT_CORE_H
/* What module "tinput" saw: calls of its devices' open and close, registration results. */
struct tin_counts {
    int opens, closes;
    int register_rc, refused_register_rc;
};
extern struct tin_counts tin_counts;
/* An event reported by the test device "tinput pointer" (input_event). */
void tin_event(unsigned int type, unsigned int code, int value);
#endif
