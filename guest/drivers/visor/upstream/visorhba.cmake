# Upstream visorhba function driver, module "visorhba" as in the kernel's Makefile (so the visor
# family boots it where it would boot chansim's), on the shim's SCSI midlayer
# (guest/kshim/runtime/ks_scsi.c, /dev/sg<N>).
# upstream's Makefile adds -Idrivers/staging/unisys/include: as a directory option while the
# driver is defined, so that the configure-time probe sees it too.
get_directory_property(_visorhba_saved_opts COMPILE_OPTIONS)
set_property(DIRECTORY APPEND PROPERTY COMPILE_OPTIONS
             -I${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include)
chansim_kernel_driver(NAME upstream_visorhba MODULE visorhba LINUX 4.16 5.18
                      SOURCES ${CHANSIM_VISOR_UNISYS}/visorhba/visorhba_main.c
                      LOCAL_HEADERS ${CHANSIM_VISOR_UNISYS}/include/iochannel.h)
set_property(DIRECTORY PROPERTY COMPILE_OPTIONS "${_visorhba_saved_opts}")

# Runs it against the s-Par family's IO partition, on chansim's visorbus core and, as
# test_visor_upstream_visorhba_on_upstream_core, on the upstream core (all-upstream guest). The objects are
# linked as such: the configure-time symbol check counts the shim runtime only, and the
# visorbus_* / visorchannel_* calls are the visorbus module's.
chansim_check_test(NAME test_visor_upstream_visorhba
                   SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_visor_upstream_visorhba.c
                           $<TARGET_OBJECTS:gdrv_visorbus> $<TARGET_OBJECTS:kdrv_upstream_visorhba>
                   LIBS cs_visor_family cs_conformance cs_systemc kshim_test_sg_io
                   LABELS "integration;visor")
set_target_properties(test_visor_upstream_visorhba PROPERTIES LINKER_LANGUAGE CXX)
chansim_check_test(NAME test_visor_upstream_visorhba_on_upstream_core
                   SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_visor_upstream_visorhba.c
                           $<TARGET_OBJECTS:kdrv_upstream_visorhba>
                   LIBS cs_visor_family cs_conformance cs_systemc kshim_test_sg_io
                   LABELS "integration;visor")
chansim_visor_upstream_core(test_visor_upstream_visorhba_on_upstream_core)
target_compile_definitions(test_visor_upstream_visorhba_on_upstream_core PRIVATE UPSTREAM_CORE=1)
set_target_properties(test_visor_upstream_visorhba_on_upstream_core PROPERTIES LINKER_LANGUAGE CXX)
