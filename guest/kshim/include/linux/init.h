#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#include "kshim/types.h"
/* module_init/module_exit register the functions in a table the shim walks by module name
 * (KBUILD_MODNAME), so several drivers can be linked into one program. */
struct ks_module_hook {
    const char *module;
    int (*init)(void);
    void (*exit)(void);
    const char *file;
};
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "kernel"
#endif
#define ks_hook_name2(a, b) a##b
#define ks_hook_name(a, b)  ks_hook_name2(a, b)
#define module_init(fn)                                                                            \
    static const struct ks_module_hook ks_hook_name(__ks_init_, __LINE__)                          \
        __attribute__((used, section("ks_modinit"), aligned(8))) = {KBUILD_MODNAME, fn, NULL,      \
                                                                    __FILE__}
#define module_exit(fn)                                                                            \
    static const struct ks_module_hook ks_hook_name(__ks_exit_, __LINE__)                          \
        __attribute__((used, section("ks_modinit"), aligned(8))) = {KBUILD_MODNAME, NULL, fn,      \
                                                                    __FILE__}
#define late_initcall   module_init
#define device_initcall module_init
#define subsys_initcall module_init
#endif
