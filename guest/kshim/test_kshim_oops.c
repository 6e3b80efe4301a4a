/* Oops and panic (docs/kernel-shim.md): each CPU exception in a kthread and in a timer is a K11
 * finding naming the faulting function, kills only that context and leaves the signal
 * unblocked for the next oops; the stack protector's panic (K12) stops its kernel while another
 * kernel goes on; the same faults outside guest kernel context still kill the process. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_machine.h"
#include "cs_sc_run.h"
#include "cs_test.h"
#include "kshim/kernel.h"
#include "test_kshim_oops.h"

#define MS 1000000ull

static struct cs_platform *p;
static struct cs_machine *m;
static struct ks_kernel *k, *k2;
static struct cs_run_summary sum;

static void setup(void)
{
    cs_error err = {0};
    ck_assert_msg(cs_platform_load(TESTDATA_DIR "/vio2.xml", NULL, &p, &err) == 0, "%s", err.msg);
    ck_assert_msg(cs_machine_build(p, NULL, 0, NULL, &m, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&m->domains[0], "kernel-a", &k, &err) == 0, "%s", err.msg);
    ck_assert_msg(ks_kernel_create(&m->domains[1], "kernel-b", &k2, &err) == 0, "%s", err.msg);
    ks_kernel_set_console_level(k, -1);
    ks_kernel_set_console_level(k2, -1);
}

static void teardown(void)
{
    ks_kernel_destroy(k2);
    ks_kernel_destroy(k);
    cs_machine_free(m);
    cs_platform_free(p);
}

static void run_ms(uint64_t ms)
{
    cs_error err = {0};
    struct cs_run_opts ro = {.until_ns = ms * MS};
    ck_assert_msg(cs_sc_run(m, &ro, &sum, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(sum.sim_ns, ms * MS); /* the run went on to its limit */
}

/* A page of a file mapping whose file is empty: touching it is a bus error. */
static void *bus_error_page(void)
{
    char path[] = "/tmp/test_kshim_oops.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(ftruncate(fd, 4096), 0);
    void *a = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(a, MAP_FAILED);
    ck_assert_int_eq(ftruncate(fd, 0), 0);
    close(fd);
    return a;
}

static const struct ks_finding_record *finding(struct ks_kernel *kk, enum ks_finding kind)
{
    size_t n;
    const struct ks_finding_record *f = ks_kernel_findings(kk, &n);
    for (size_t i = 0; i < n; i++)
        if (f[i].kind == kind)
            return &f[i];
    return NULL;
}

static uint64_t count(struct ks_kernel *kk, enum ks_finding kind)
{
    struct ks_kernel_stats s;
    ks_kernel_stats(kk, &s);
    return s.findings[kind];
}

static const struct {
    int kind;
    const char *text, *function;
} exceptions[] = {
    {TOOPS_DIVIDE, "oops: divide error (SIGFPE) at ip 0x", "toops_fault_divide+0x"},
    {TOOPS_PAGE_FAULT, "oops: page fault (address not mapped) (SIGSEGV) accessing 0x8 at ip 0x",
     "toops_fault_page+0x"},
    {TOOPS_BUS_ERROR, "oops: bus error (SIGBUS) accessing 0x", "toops_fault_bus+0x"},
    {TOOPS_INVALID_OPCODE, "oops: invalid opcode (SIGILL) at ip 0x", "toops_fault_opcode+0x"},
};

/* _i: exception i / 2, in a kthread (even) or a timer (odd). */
START_TEST(exception_is_an_oops)
{
    int e = _i / 2, in_timer = _i % 2;
    toops_bus_addr = bus_error_page();
    toops_heartbeat(0);
    if (in_timer)
        toops_timer(exceptions[e].kind, 10);
    else
        toops_task(exceptions[e].kind, 10);
    run_ms(50);
    ck_assert_uint_eq(count(k, KS_OOPS), 1);
    const struct ks_finding_record *f = finding(k, KS_OOPS);
    ck_assert_ptr_nonnull(f);
    cs_assert_contains(f->msg, exceptions[e].text);
    /* named from the program's symbol table, with the source file of a static function */
    cs_assert_contains(f->msg, exceptions[e].function);
    cs_assert_contains(f->msg, "[test_kshim_oops_kside.c]");
    ck_assert_ptr_nonnull(strstr(f->file, exceptions[e].function));
    cs_assert_contains(f->msg, in_timer ? "softirq activation (" : "task toops (pid ");
    cs_assert_contains(f->msg, in_timer ? ") abandoned" : ") killed: parked for good");
    ck_assert_int_eq(toops_after, 0); /* the faulting context went no further */
    /* the kernel's other contexts go on: a kthread and a timer, to the end */
    ck_assert_int_ge(toops_beats[0], 45);
    ck_assert_int_ge(toops_ticks[0], 11);
    ck_assert_uint_eq(count(k2, KS_OOPS), 0);
}
END_TEST

/* Three oopses, in a kthread, a timer and another kthread: the handler never returns, and
 * the signal stays deliverable for the next context. */
START_TEST(oops_leaves_the_signal_unblocked)
{
    toops_heartbeat(0);
    toops_task(TOOPS_PAGE_FAULT, 10);
    toops_timer(TOOPS_PAGE_FAULT, 20);
    toops_task(TOOPS_DIVIDE, 30);
    toops_timer(TOOPS_INVALID_OPCODE, 40);
    run_ms(60);
    ck_assert_uint_eq(count(k, KS_OOPS), 4);
    ck_assert_int_eq(toops_after, 0);
    ck_assert_int_ge(toops_beats[0], 55);
    sigset_t cur;
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
    ck_assert(!sigismember(&cur, SIGSEGV) && !sigismember(&cur, SIGFPE) &&
              !sigismember(&cur, SIGILL) && !sigismember(&cur, SIGBUS));
}
END_TEST

/* _i: a call of __stack_chk_fail (0, 1) or a real overflow over the canary (2, 3), in a
 * kthread (even) or a timer (odd). */
START_TEST(smashed_canary_panics_the_kernel)
{
    int kind = _i < 2 ? TOOPS_CANARY_CALL : TOOPS_CANARY_SMASH, in_timer = _i % 2;
    cs_error err = {0};
    const char *mods[] = {"toops"};
    ck_assert_msg(ks_kernel_boot(k2, mods, 1, &err) == 0, "%s", err.msg);
    toops_heartbeat(0);
    if (in_timer)
        toops_timer(kind, 10);
    else
        toops_task(kind, 10);
    run_ms(50);
    ck_assert_uint_eq(count(k, KS_PANIC), 1);
    const struct ks_finding_record *f = finding(k, KS_PANIC);
    ck_assert_ptr_nonnull(f);
    cs_assert_contains(f->msg, "Kernel panic - not syncing: stack-protector: Kernel stack is "
                               "corrupted in: ");
    /* the function that found its canary changed (the compiler may have specialised it:
     * toops_smash.isra.0); the call's caller may be inlined anywhere in the file */
    if (kind == TOOPS_CANARY_SMASH)
        cs_assert_contains(f->msg, "corrupted in: toops_smash");
    else
        ck_assert_msg(strstr(f->msg, "in: toops_commit+0x") || strstr(f->msg, "in: fault_timer+0x"),
                      "%s", f->msg);
    cs_assert_contains(f->msg, "the kernel stops");
    ck_assert_int_eq(toops_after, 0);
    /* kernel a stopped at 10 ms (a timer: the third jiffy, 12 ms): neither its kthread nor
     * its timer ran again */
    ck_assert_int_le(toops_beats[0], 12);
    ck_assert_int_le(toops_ticks[0], 3);
    /* kernel b went on to the end */
    ck_assert_int_ge(toops_beats[1], 45);
    ck_assert_int_ge(toops_ticks[1], 11);
    ck_assert_uint_eq(count(k2, KS_PANIC) + count(k2, KS_OOPS), 0);
}
END_TEST

/* ---- outside guest kernel context: still a crash -------------------------------------- */

/* Run fn in a child with the shim's handlers installed (a kernel exists); its wait status and
 * what it wrote on stderr. */
struct child_fn {
    void (*fn)(void);
};

static void call(void *arg)
{
    ((struct child_fn *)arg)->fn();
}

static int in_child(void (*fn)(void), char *buf, size_t size)
{
    struct child_fn c = {fn};
    return cs_test_child_stderr(call, &c, buf, size);
}

/* Killed by `sig`, or, in the sanitizer build, stopped by AddressSanitizer's report of it. */
static void assert_died_of(int status, const char *buf, int sig, const char *asan_name)
{
    if (WIFSIGNALED(status)) {
        ck_assert_int_eq(WTERMSIG(status), sig);
        return;
    }
#if defined(__SANITIZE_ADDRESS__)
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 0, "status 0x%x", status);
    cs_assert_contains(buf, asan_name);
#else
    (void)buf;
    (void)asan_name;
    ck_abort_msg("the process survived (status 0x%x)", status);
#endif
}

static void plain_c_page_fault(void)
{
    toops_commit(TOOPS_PAGE_FAULT);
}

static void plain_c_divide(void)
{
    toops_commit(TOOPS_DIVIDE);
}

static void model_divides(void *arg)
{
    (void)arg;
    toops_commit(TOOPS_DIVIDE);
}

/* A model's own activation (not a kernel's) faulting during the run. */
static void model_activation_divide(void)
{
    toops_heartbeat(0);
    cs_sched_after(m->sched, 5 * MS, model_divides, NULL);
    run_ms(20);
}

static void plain_c_canary(void)
{
    toops_commit(TOOPS_CANARY_CALL);
}

START_TEST(fault_outside_guest_context_kills_the_process)
{
    static char buf[1 << 14];
    assert_died_of(in_child(plain_c_page_fault, buf, sizeof(buf)), buf, SIGSEGV,
                   "AddressSanitizer: SEGV");
    assert_died_of(in_child(plain_c_divide, buf, sizeof(buf)), buf, SIGFPE,
                   "AddressSanitizer: FPE");
    assert_died_of(in_child(model_activation_divide, buf, sizeof(buf)), buf, SIGFPE,
                   "AddressSanitizer: FPE");
    ck_assert_uint_eq(count(k, KS_OOPS), 0);
    /* libc's answer to a smashed canary in host code */
    int status = in_child(plain_c_canary, buf, sizeof(buf));
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    cs_assert_contains(buf, "stack smashing detected");
}
END_TEST

static Suite *oops_suite(void)
{
    Suite *s = suite_create("oops");
    TCase *tc = tcase_create("oops");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, exception_is_an_oops, 0, 8);
    tcase_add_test(tc, oops_leaves_the_signal_unblocked);
    tcase_add_loop_test(tc, smashed_canary_panics_the_kernel, 0, 4);
    tcase_add_test(tc, fault_outside_guest_context_kills_the_process);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(oops_suite)
