/* Oops and panic. A CPU exception (divide error, page fault, bus error, invalid opcode) raised
 * while a guest kernel context runs is reported as an oops (K11) and kills that context, as
 * Linux kills the task; a smashed stack canary in guest code is the stack protector's panic
 * (K12): the kernel stops, the simulation goes on. Anywhere else both keep their host meaning:
 * a crash. docs/kernel-shim.md, "Oops and panic". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, sigabbrev_np (the build defines it; the shim's probe may not) */
#endif
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include "ks_internal.h"

/* ---- naming a code address ------------------------------------------------------------ */

struct code_name {
    char text[256];  /* "fn+0x3c/0x120 [file.c]", or what could not be named and why */
    char place[128]; /* "fn+0x3c/0x120": where the finding is reported */
};

/* The function covering `rel` (an address relative to the object's load bias) in the ELF
 * symbol table of `path`: static functions included, which dladdr cannot see. Only system
 * calls and the stack: this runs in a signal handler that may have interrupted malloc. */
static int symtab_lookup(const char *path, uintptr_t rel, char *fn, size_t fnlen, uintptr_t *off,
                         uintptr_t *size, char *file, size_t filelen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(ElfW(Ehdr)))
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return 0;
    const unsigned char *b = map;
    size_t len = (size_t)st.st_size;
    const ElfW(Ehdr) *eh = map;
    int found = 0;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shentsize != sizeof(ElfW(Shdr)) ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) > len)
        goto out;
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(b + eh->e_shoff);
    for (int pass = 0; pass < 2 && !found; pass++) {
        /* .symtab when the object has one, else the dynamic symbols */
        unsigned want = pass == 0 ? SHT_SYMTAB : SHT_DYNSYM;
        for (unsigned i = 0; i < eh->e_shnum && !found; i++) {
            if (sh[i].sh_type != want || sh[i].sh_link >= eh->e_shnum ||
                sh[i].sh_offset + sh[i].sh_size > len)
                continue;
            const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
            if (strs->sh_offset + strs->sh_size > len)
                continue;
            const char *str = (const char *)(b + strs->sh_offset);
            const ElfW(Sym) *sym = (const ElfW(Sym) *)(b + sh[i].sh_offset);
            size_t n = sh[i].sh_size / sizeof(ElfW(Sym));
            const char *srcfile = NULL; /* local symbols follow their file's STT_FILE */
            for (size_t j = 0; j < n; j++) {
                if (sym[j].st_name >= strs->sh_size)
                    continue;
                if (ELF64_ST_TYPE(sym[j].st_info) == STT_FILE) {
                    srcfile = str + sym[j].st_name;
                    continue;
                }
                if (ELF64_ST_TYPE(sym[j].st_info) != STT_FUNC || sym[j].st_shndx == SHN_UNDEF ||
                    rel < sym[j].st_value || rel >= sym[j].st_value + sym[j].st_size)
                    continue;
                snprintf(fn, fnlen, "%s", str + sym[j].st_name);
                *off = rel - sym[j].st_value;
                *size = sym[j].st_size;
                int local = ELF64_ST_BIND(sym[j].st_info) == STB_LOCAL;
                snprintf(file, filelen, "%s", local && srcfile ? srcfile : "");
                found = 1;
                break;
            }
        }
    }
out:
    munmap(map, len);
    return found;
}

static void name_code(uintptr_t pc, struct code_name *cn)
{
    Dl_info info;
    if (!dladdr((void *)pc, &info) || !info.dli_fbase) {
        snprintf(cn->text, sizeof(cn->text), "0x%lx, in no loaded object (not named)",
                 (unsigned long)pc);
        snprintf(cn->place, sizeof(cn->place), "0x%lx", (unsigned long)pc);
        return;
    }
    /* The program itself is reached through /proc: its dli_fname is argv[0], maybe relative. */
    Dl_info self;
    const char *path = info.dli_fname;
    if (dladdr((void *)&ks_oops_install, &self) && self.dli_fbase == info.dli_fbase)
        path = "/proc/self/exe";
    /* Symbol values are relative to the load bias: the base of a shared object or a PIE. */
    struct link_map *lm = NULL;
    Dl_info li;
    void *extra = NULL;
    uintptr_t bias = (uintptr_t)info.dli_fbase;
    if (dladdr1((void *)pc, &li, &extra, RTLD_DL_LINKMAP) && extra) {
        lm = extra;
        bias = (uintptr_t)lm->l_addr;
    }
    char fn[96], file[64];
    uintptr_t off = 0, size = 0;
    if (symtab_lookup(path, pc - bias, fn, sizeof(fn), &off, &size, file, sizeof(file))) {
        snprintf(cn->place, sizeof(cn->place), "%s+0x%lx/0x%lx", fn, (unsigned long)off,
                 (unsigned long)size);
        snprintf(cn->text, sizeof(cn->text), "%s%s%s%s", cn->place, *file ? " [" : "", file,
                 *file ? "]" : "");
        return;
    }
    const char *obj = strrchr(info.dli_fname, '/');
    obj = obj ? obj + 1 : info.dli_fname;
    snprintf(cn->place, sizeof(cn->place), "%s+0x%lx", obj, (unsigned long)(pc - bias));
    snprintf(cn->text, sizeof(cn->text), "%s (no symbol covers it: not named)", cn->place);
}

/* Findings keep their place as a pointer and group repeats by it: one string per place, for
 * the life of the process. */
static const char *intern_place(const char *s)
{
    static char places[64][128];
    static unsigned n;
    for (unsigned i = 0; i < n; i++)
        if (strcmp(places[i], s) == 0)
            return places[i];
    if (n == sizeof(places) / sizeof(places[0]))
        return "(more oops places)";
    snprintf(places[n], sizeof(places[n]), "%s", s);
    return places[n++];
}

static void describe_context(const struct ks_ctx_state *s, char *buf, size_t len)
{
    if (s->task && s->ctx == KS_CTX_TASK)
        snprintf(buf, len, "task %s (pid %d) killed: parked for good", s->task->comm, s->task->pid);
    else
        snprintf(buf, len, "%s activation (%s) abandoned",
                 s->ctx == KS_CTX_HARDIRQ ? "hardirq" : "softirq", s->what ? s->what : "?");
}

/* ---- CPU exceptions (K11) ------------------------------------------------------------- */

static const int oops_signals[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL};
static struct sigaction prev_action[NSIG];
static volatile sig_atomic_t reporting;
/* The thread that runs the simulation (guest contexts are its coroutines); a fault in any other
 * host thread is never a guest's. */
static pthread_t sim_thread;

static const char *exception_text(int sig, int code)
{
    switch (sig) {
    case SIGFPE:
        return code == FPE_INTDIV ? "divide error" : "arithmetic exception";
    case SIGSEGV:
        return code == SEGV_ACCERR ? "page fault (protection violation)"
                                   : "page fault (address not mapped)";
    case SIGBUS:
        return "bus error";
    default:
        return "invalid opcode";
    }
}

/* Not a guest fault: what would have happened without the shim. The previous handler (a
 * sanitizer's) gets it; with none, the default action kills the process when the faulting
 * instruction runs again, or at once for a signal that was sent. */
static void pass_on(int sig, siginfo_t *si, void *uc)
{
    const struct sigaction *p = &prev_action[sig];
    if ((p->sa_flags & SA_SIGINFO) && p->sa_sigaction) {
        p->sa_sigaction(sig, si, uc);
        return;
    }
    if (!(p->sa_flags & SA_SIGINFO) && p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
        p->sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    if (si->si_code <= 0)
        raise(sig);
}

static void on_exception(int sig, siginfo_t *si, void *uc)
{
    struct ks_ctx_state *s = pthread_equal(pthread_self(), sim_thread) ? ks_guest_context() : NULL;
    if (!s || !s->k || reporting) {
        pass_on(sig, si, uc);
        return;
    }
    reporting = 1;
    uintptr_t pc = (uintptr_t)si->si_addr;
#if defined(__x86_64__)
    pc = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
#endif
    struct code_name cn;
    name_code(pc, &cn);
    char ctx[128], addr[48] = "";
    describe_context(s, ctx, sizeof(ctx));
    if (sig == SIGSEGV || sig == SIGBUS)
        snprintf(addr, sizeof(addr), " accessing 0x%lx", (unsigned long)(uintptr_t)si->si_addr);
    ks_report(KS_OOPS, intern_place(cn.place), 0, "oops: %s (SIG%s)%s at ip 0x%lx in %s; %s",
              exception_text(sig, si->si_code), sigabbrev_np(sig), addr, (unsigned long)pc, cn.text,
              ctx);
    reporting = 0;
    /* The context never returns from this handler: the signal must not stay blocked for the
     * contexts that run after it (SA_NODEFER keeps it unblocked; this makes sure). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    ks_context_die();
    pass_on(sig, si, uc); /* not reached: a guest context always has a way to die */
}

void ks_oops_install(void)
{
    static int installed;
    if (installed)
        return;
    installed = 1;
    sim_thread = pthread_self();
    /* After the sanitizers' own handlers (installed before main), which get what is not a
     * guest fault. No alternate stack: the handler runs on the faulting context's stack. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_exception;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(oops_signals) / sizeof(oops_signals[0]); i++)
        sigaction(oops_signals[i], &sa, &prev_action[oops_signals[i]]);
}

/* ---- the stack protector (K12) -------------------------------------------------------- */

/* Guest code is compiled with -fstack-protector-strong, as the kernel is with
 * CONFIG_STACKPROTECTOR_STRONG; a function finding its canary changed calls this. The frames
 * above it are not to be trusted, so the context never returns into them. */
__attribute__((noreturn, no_stack_protector)) void __stack_chk_fail(void)
{
    struct ks_ctx_state *s = pthread_equal(pthread_self(), sim_thread) ? ks_guest_context() : NULL;
    if (!s || !s->k) {
        /* Host code: libc's report and abort. */
        void (*libc_fail)(void) = (void (*)(void))dlsym(RTLD_NEXT, "__stack_chk_fail");
        if (libc_fail)
            libc_fail();
        abort();
    }
    /* The call is the function's last instruction: its return address may already be the
     * next function's. */
    struct code_name cn;
    name_code((uintptr_t)__builtin_return_address(0) - 1, &cn);
    char ctx[128];
    describe_context(s, ctx, sizeof(ctx));
    s->k->panicked = 1;
    ks_report(KS_PANIC, intern_place(cn.place), 0,
              "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: %s; "
              "%s; the kernel stops",
              cn.text, ctx);
    ks_context_die();
    abort();
}

/* ---- the interrupt stack -------------------------------------------------------------- */

/* Activations run on a stack of their own, as Linux runs interrupts and softirqs on the
 * per-CPU interrupt stack: a smashed one is dropped with the activation, and the frames of
 * the dispatcher that called it stay intact. An activation starts KS_IRQ_STACK_HEADROOM below
 * the top, as on a real stack with the interrupted context's frames above it, so that an
 * overrun of a local array reaches the canary check (K12) rather than the end of the stack;
 * guard pages on both ends turn running further off it into a page fault (K11). Not under
 * AddressSanitizer, which stops at the overflowing access before any canary is checked and
 * follows only the stacks it knows. */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define KS_IRQ_STACK_SIZE     (256 * 1024) /* as a task's: driver code keeps large locals */
#define KS_IRQ_STACK_HEADROOM (16 * 1024)

void ks_call_on_stack(void (*fn)(void *), void *arg, void *top);
__asm__(".text\n"
        ".p2align 4\n"
        ".type ks_call_on_stack, @function\n"
        "ks_call_on_stack:\n"
        ".cfi_startproc\n"
        "  pushq %rbp\n"
        ".cfi_def_cfa_offset 16\n"
        ".cfi_offset %rbp, -16\n"
        "  movq %rsp, %rbp\n"
        ".cfi_def_cfa_register %rbp\n"
        "  movq %rdx, %rsp\n" /* 16-byte aligned: the call makes it the ABI's entry state */
        "  movq %rdi, %rax\n"
        "  movq %rsi, %rdi\n"
        "  callq *%rax\n"
        "  movq %rbp, %rsp\n"
        "  popq %rbp\n"
        ".cfi_def_cfa %rsp, 8\n"
        "  ret\n"
        ".cfi_endproc\n"
        ".size ks_call_on_stack, .-ks_call_on_stack\n");

static void *irq_stack_top(void)
{
    static void *top;
    static int failed;
    if (top || failed)
        return top;
    long page = sysconf(_SC_PAGESIZE);
    size_t len = KS_IRQ_STACK_SIZE + KS_IRQ_STACK_HEADROOM + 2 * (size_t)page;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p, (size_t)page, PROT_NONE) < 0 ||
        mprotect(p + len - (size_t)page, (size_t)page, PROT_NONE) < 0) {
        if (p != MAP_FAILED)
            munmap(p, len);
        failed = 1; /* activations then run on the dispatcher's stack */
        return NULL;
    }
    top = p + len - (size_t)page - KS_IRQ_STACK_HEADROOM;
    return top;
}

void ks_call_on_irq_stack(void (*fn)(void *), void *arg, int switch_stack)
{
    void *top = switch_stack ? irq_stack_top() : NULL;
    if (top)
        ks_call_on_stack(fn, arg, top);
    else
        fn(arg);
}
#else
void ks_call_on_irq_stack(void (*fn)(void *), void *arg, int switch_stack)
{
    (void)switch_stack;
    fn(arg);
}
#endif
