/* The VMCALL rewrite at run time: this file's inline-assembly VMCALL is compiled through
 * vmcall_launcher.sh (chansim_vmcall_rewrite), so it calls ks_vmcall_thunk. Outside any kernel
 * the shim answers -1 (no handler); what matters is that the thunk keeps the instruction's
 * contract: RAX is the result, every other register the asm statement does not name as output
 * keeps its value, general-purpose and SSE alike. */
#include <stdint.h>

#include "cs_test.h"

static long vmcall_with_live_registers(uint64_t out[10])
{
    register uint64_t r8 __asm__("r8") = 0x0808080808080808ull;
    register uint64_t r9 __asm__("r9") = 0x0909090909090909ull;
    register uint64_t r10 __asm__("r10") = 0x1010101010101010ull;
    register uint64_t r11 __asm__("r11") = 0x1111111111111111ull;
    register uint64_t rdi __asm__("rdi") = 0xd1d1d1d1d1d1d1d1ull;
    register uint64_t rsi __asm__("rsi") = 0x5151515151515151ull;
    register double x0 __asm__("xmm0") = 1.5;
    register double x15 __asm__("xmm15") = -2.25;
    uint64_t rbx = 0xb0b0b0b0b0b0b0b0ull, rcx = 0xc0c0c0c0c0c0c0c0ull, rdx = 0xd0d0d0d0d0d0d0d0ull;
    long result;
    __asm__ __volatile__(".byte 0x00f, 0x001, 0x0c1"
                         : "=a"(result), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11), "+r"(rdi),
                           "+r"(rsi), "+x"(x0), "+x"(x15), "+b"(rbx), "+c"(rcx), "+d"(rdx)
                         : "a"(0x501ul)
                         : "memory");
    out[0] = r8;
    out[1] = r9;
    out[2] = r10;
    out[3] = r11;
    out[4] = rdi;
    out[5] = rsi;
    out[6] = rbx;
    out[7] = rcx;
    out[8] = rdx;
    out[9] = (x0 == 1.5 && x15 == -2.25);
    return result;
}

START_TEST(vmcall_keeps_every_register_but_rax)
{
    uint64_t r[10];
    ck_assert_int_eq(vmcall_with_live_registers(r), -1);
    ck_assert_uint_eq(r[0], 0x0808080808080808ull);
    ck_assert_uint_eq(r[1], 0x0909090909090909ull);
    ck_assert_uint_eq(r[2], 0x1010101010101010ull);
    ck_assert_uint_eq(r[3], 0x1111111111111111ull);
    ck_assert_uint_eq(r[4], 0xd1d1d1d1d1d1d1d1ull);
    ck_assert_uint_eq(r[5], 0x5151515151515151ull);
    ck_assert_uint_eq(r[6], 0xb0b0b0b0b0b0b0b0ull);
    ck_assert_uint_eq(r[7], 0xc0c0c0c0c0c0c0c0ull);
    ck_assert_uint_eq(r[8], 0xd0d0d0d0d0d0d0d0ull);
    ck_assert_uint_eq(r[9], 1);
}
END_TEST

/* The stack at the asm statement need not be aligned for a call: the thunk realigns it. */
START_TEST(vmcall_from_any_stack_alignment)
{
    for (int pad = 1; pad <= 64; pad += 7) {
        volatile char *p = __builtin_alloca(pad);
        p[0] = 1;
        uint64_t r[10];
        ck_assert_int_eq(vmcall_with_live_registers(r), -1);
        ck_assert_uint_eq(r[9], 1);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vmcall_thunk");
    TCase *tc = tcase_create("thunk");
    tcase_add_test(tc, vmcall_keeps_every_register_but_rax);
    tcase_add_test(tc, vmcall_from_any_stack_alignment);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
