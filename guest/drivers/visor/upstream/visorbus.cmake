# Upstream visorbus core: visorchannel.c, visorchipset.c, visorbus_main.c, module "visorbus" as
# in Linux (drivers/visorbus/Makefile), so the visor family boots it where it would boot
# chansim's own core.
chansim_kernel_driver(NAME upstream_visorbus MODULE visorbus LINUX 4.16 5.18
                      SOURCES drivers/visorbus/visorbus_main.c drivers/visorbus/visorchannel.c
                              drivers/visorbus/visorchipset.c
                      LOCAL_HEADERS drivers/visorbus/controlvmchannel.h
                                    drivers/visorbus/vbuschannel.h
                                    drivers/visorbus/visorbus_private.h)
# visorchipset.c's VMCALL (inline `.byte 0x00f, 0x001, 0x0c1`) becomes a call of the shim's
# thunk: the launcher compiles to assembly, rewrites exactly that line and assembles; any other
# VMCALL, or a count other than one in visorchipset.c, fails the build (docs/kernel-shim.md).
# -mno-red-zone as the kernel compiles x86 code: the call's return address must not land on
# data below the stack pointer.
chansim_vmcall_rewrite(kdrv_upstream_visorbus EXPECT visorchipset.c=1)

# The test: the upstream core booted by the visor family against the command partition model,
# chansim's function drivers probing on it (docs/visor-guest.md).
chansim_check_test(NAME test_visor_upstream_visorbus
                   SOURCES test_visor_upstream_visorbus.c
                           $<TARGET_OBJECTS:gdrv_visorhba> $<TARGET_OBJECTS:gdrv_visornic>
                           $<TARGET_OBJECTS:gdrv_visorinput>
                   LIBS cs_visor_upstream_run LABELS "integration;visor")
chansim_visor_upstream_core(test_visor_upstream_visorbus)
target_compile_definitions(test_visor_upstream_visorbus PRIVATE
                           TESTDATA_DIR="${CMAKE_SOURCE_DIR}/models/visor/testdata"
                           UPSTREAM_TESTDATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/testdata")
set_target_properties(test_visor_upstream_visorbus PROPERTIES LINKER_LANGUAGE CXX)
