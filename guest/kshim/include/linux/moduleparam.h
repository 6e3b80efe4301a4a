#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H
#include "kshim/types.h"
/* Module parameters, settable before load with ks_module_param_set (as `modprobe m p=v`). */
enum ks_param_type {
    KS_PARAM_INT,
    KS_PARAM_UINT,
    KS_PARAM_ULONG,
    KS_PARAM_USHORT,
    KS_PARAM_BOOL,
    KS_PARAM_CHARP,
    KS_PARAM_BYTE
};
struct ks_module_param {
    const char *module;
    const char *name;
    enum ks_param_type type;
    void *ptr;
};
#define ks_ptype_int    KS_PARAM_INT
#define ks_ptype_uint   KS_PARAM_UINT
#define ks_ptype_ulong  KS_PARAM_ULONG
#define ks_ptype_ushort KS_PARAM_USHORT
#define ks_ptype_bool   KS_PARAM_BOOL
#define ks_ptype_charp  KS_PARAM_CHARP
#define ks_ptype_byte   KS_PARAM_BYTE
#define module_param_named(name, var, type, perm)                                                  \
    static const struct ks_module_param __ks_param_##name                                          \
        __attribute__((used, section("ks_modparam"), aligned(8))) = {KBUILD_MODNAME, #name,        \
                                                                     ks_ptype_##type, &(var)}
#define module_param(name, type, perm) module_param_named(name, name, type, perm)
#define MODULE_PARM_DESC(name, desc)
#endif
