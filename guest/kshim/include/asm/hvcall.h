/* PAPR hypervisor calls (<asm/hvcall.h> of powerpc): opcodes, return codes and the plpar_hcall
 * family. A call goes to the hcall handler of the calling context's kernel
 * (ks_kernel_set_hcall_handler); without one it fails with H_FUNCTION, as on a hypervisor
 * that lacks the function. The handler's cost passes as simulated time when the caller may
 * sleep; hcalls are legal in atomic context, where the cost is not waited for. */
#ifndef _ASM_POWERPC_HVCALL_H
#define _ASM_POWERPC_HVCALL_H
#include "kshim/types.h"

/* Return codes */
#define H_SUCCESS         0
#define H_BUSY            1 /* retry later */
#define H_CLOSED          2 /* resource closed (CRQ: partner not registered) */
#define H_NOT_AVAILABLE   3
#define H_CONSTRAINED     4
#define H_PARTIAL         5
#define H_IN_PROGRESS     14
#define H_PAGE_REGISTERED 15
#define H_PARTIAL_STORE   16
#define H_PENDING         17
#define H_CONTINUE        18
/* Long busy: retry the same call after about 10^(rc - 9900) ms. */
#define H_LONG_BUSY_START_RANGE    9900
#define H_LONG_BUSY_ORDER_1_MSEC   9900
#define H_LONG_BUSY_ORDER_10_MSEC  9901
#define H_LONG_BUSY_ORDER_100_MSEC 9902
#define H_LONG_BUSY_ORDER_1_SEC    9903
#define H_LONG_BUSY_ORDER_10_SEC   9904
#define H_LONG_BUSY_ORDER_100_SEC  9905
#define H_LONG_BUSY_END_RANGE      9905
#define H_HARDWARE                 (-1)
#define H_FUNCTION                 (-2)
#define H_PRIVILEGE                (-3)
#define H_PARAMETER                (-4)
#define H_BAD_MODE                 (-5)
#define H_PTEG_FULL                (-6)
#define H_NOT_FOUND                (-7)
#define H_RESERVED_DABR            (-8)
#define H_NO_MEM                   (-9)
#define H_AUTHORITY                (-10)
#define H_PERMISSION               (-11)
#define H_DROPPED                  (-12)
#define H_SOURCE_PARM              (-13)
#define H_DEST_PARM                (-14)
#define H_REMOTE_PARM              (-15)
#define H_RESOURCE                 (-16)
#define H_ADAPTER_PARM             (-17)
#define H_TOO_BIG                  (-64)
#define H_UNSUPPORTED              (-67)
#define H_OVERLAP                  (-68)
#define H_INTERRUPT                (-69)
#define H_BAD_DATA                 (-70)
#define H_NOT_ACTIVE               (-71)
#define H_STATE                    (-75)
#define H_IN_USE                   (-77)

#define H_IS_LONG_BUSY(x) ((x) >= H_LONG_BUSY_START_RANGE && (x) <= H_LONG_BUSY_END_RANGE)

/* Opcodes of the virtual I/O hcalls */
#define H_REG_CRQ               0xFC
#define H_FREE_CRQ              0x100
#define H_VIO_SIGNAL            0x104
#define H_SEND_CRQ              0x108
#define H_COPY_RDMA             0x110
#define H_VIOCTL                0x2A8
#define H_ENABLE_CRQ            0x2B0
#define H_REG_SUB_CRQ           0x2DC
#define H_FREE_SUB_CRQ          0x2E0
#define H_SEND_SUB_CRQ          0x2E4
#define H_SEND_SUB_CRQ_INDIRECT 0x2E8
#define H_REQUEST_VMC           0x360

/* H_VIOCTL subfunctions */
#define H_GET_VIOA_DUMP_SIZE    0x01
#define H_GET_VIOA_DUMP         0x02
#define H_DISABLE_MIGRATION     0x06
#define H_ENABLE_MIGRATION      0x07
#define H_GET_PARTNER_INFO      0x08
#define H_GET_PARTNER_WWPN_LIST 0x09
#define H_DISABLE_ALL_VIO_INTS  0x0A
#define H_DISABLE_VIO_INTERRUPT 0x0B
#define H_ENABLE_VIO_INTERRUPT  0x0C

/* The suggested wait before retrying a long-busy call, in milliseconds. */
static inline unsigned int get_longbusy_msecs(int longbusy_rc)
{
    switch (longbusy_rc) {
    case H_LONG_BUSY_ORDER_1_MSEC:
        return 1;
    case H_LONG_BUSY_ORDER_10_MSEC:
        return 10;
    case H_LONG_BUSY_ORDER_100_MSEC:
        return 100;
    case H_LONG_BUSY_ORDER_1_SEC:
        return 1000;
    case H_LONG_BUSY_ORDER_10_SEC:
        return 10000;
    case H_LONG_BUSY_ORDER_100_SEC:
        return 100000;
    default:
        return 1;
    }
}

#define PLPAR_HCALL_BUFSIZE  4
#define PLPAR_HCALL9_BUFSIZE 9
#define KS_HCALL_MAX_ARGS    9

/* The kernel's entry points: arguments are read as unsigned long, as many as the opcode takes
 * (9 for opcodes the shim does not know). retbuf receives the hypervisor's r4.. */
long plpar_hcall_norets(unsigned long opcode, ...);
long plpar_hcall(unsigned long opcode, unsigned long retbuf[static PLPAR_HCALL_BUFSIZE], ...);
long plpar_hcall9(unsigned long opcode, unsigned long retbuf[static PLPAR_HCALL9_BUFSIZE], ...);

/* Driver calls go through these macros instead: on x86-64 a 32-bit argument of a variadic call
 * is not widened, so its upper half would be garbage when read as unsigned long (the PPC64 ABI
 * extends it in the register). Converting each argument and passing their number keeps the
 * values exact. */
long ks_hcall(unsigned long opcode, unsigned long *retbuf, unsigned nret, unsigned nargs,
              const unsigned long *args);
/* the number of arguments (0-9), and the arguments as unsigned long */
#define ks_hcall_nargs_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, n, ...) n

#define ks_hcall_nargs(...) ks_hcall_nargs_(_, ##__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

#define ks_hcall_args(...) ((const unsigned long[KS_HCALL_MAX_ARGS + 1]){0, ##__VA_ARGS__} + 1)

#define plpar_hcall_norets(opcode, ...)                                                            \
    ks_hcall(opcode, NULL, 0, ks_hcall_nargs(__VA_ARGS__), ks_hcall_args(__VA_ARGS__))
#define plpar_hcall(opcode, retbuf, ...)                                                           \
    ks_hcall(opcode, retbuf, PLPAR_HCALL_BUFSIZE, ks_hcall_nargs(__VA_ARGS__),                     \
             ks_hcall_args(__VA_ARGS__))
#define plpar_hcall9(opcode, retbuf, ...)                                                          \
    ks_hcall(opcode, retbuf, PLPAR_HCALL9_BUFSIZE, ks_hcall_nargs(__VA_ARGS__),                    \
             ks_hcall_args(__VA_ARGS__))
#define plpar_hcall_norets_notrace plpar_hcall_norets
#define plpar_hcall_raw            plpar_hcall
#define plpar_hcall9_raw           plpar_hcall9

#endif
