/* x86 hypervisor interface of the shim: what a driver's VMCALL instruction does. Drivers
 * written here call ks_vmcall where upstream code has the 0F 01 C1 inline assembly. */
#ifndef KSHIM_X86_H
#define KSHIM_X86_H
/* EAX = nr, EBX/ECX/EDX = the arguments; returns EAX as the hypervisor left it. */
long ks_vmcall(unsigned long nr, unsigned long rbx, unsigned long rcx, unsigned long rdx);
/* What the build puts in place of an unmodified upstream driver's VMCALL instruction
 * (`call ks_vmcall_thunk`): the instruction's register contract (EAX = nr, EBX/ECX/EDX in, EAX
 * out, nothing else changed) around ks_vmcall. Not callable from C. */
void ks_vmcall_thunk(void);
#endif
