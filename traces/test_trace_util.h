/* Helpers shared by the trace tests: scratch directories and small file edits. All of them
 * fail the running test on error. Reading a whole file and removing a tree are in cs_test.h. */
#ifndef TEST_TRACE_UTIL_H
#define TEST_TRACE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Per-test scratch directory and the trace directory "t" inside it (not created): set by
 * tt_setup(), removed by tt_teardown(), the checked fixture of every trace test. */
extern char *tt_tmp, *tt_tdir;
void tt_setup(void);
void tt_teardown(void);

/* xorshift64: test data that is the same every run for a given seed in *state. */
uint64_t tt_rnd(uint64_t *state);

/* A new empty directory under $CHANSIM_TEST_TMP (or /tmp); free() it. */
char *tt_tmpdir(void);
/* dir + "/" + name; free() it. */
char *tt_path(const char *dir, const char *name);

void tt_write_file(const char *path, const void *data, size_t len);
off_t tt_file_size(const char *path);
void tt_patch(const char *path, off_t off, const void *bytes, size_t n);
void tt_patch_u64(const char *path, off_t off, uint64_t v);
void tt_truncate(const char *path, off_t len);
/* Replace the first occurrence of old by new in a text file; returns its offset. */
size_t tt_replace(const char *path, const char *old, const char *new_text);

/* Offsets and sizes of the packets of a well-formed stream file; returns the packet count. */
size_t tt_packets(const char *path, off_t *offs, uint64_t *sizes, size_t max);

#endif
