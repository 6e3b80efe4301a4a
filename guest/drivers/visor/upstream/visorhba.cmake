# Upstream visorhba function driver, module name "visorhba" as in the kernel's Makefile, on the
# shim's SCSI midlayer (guest/kshim/runtime/ks_scsi.c, /dev/sg<N>).
# upstream's Makefile adds -Idrivers/staging/unisys/include; iochannel.h includes
# <linux/skbuff.h> for ETH_HLEN, which guest/kshim/fallback gives until the shim has the
# network headers (searched after the shim's include/). As directory options while the driver
# is defined, so that the configure-time probe sees them too.
get_directory_property(_visorhba_saved_opts COMPILE_OPTIONS)
set_property(DIRECTORY APPEND PROPERTY COMPILE_OPTIONS
             -I${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include
             -I${CMAKE_SOURCE_DIR}/guest/kshim/fallback)
chansim_kernel_driver(NAME visorhba SOURCES ${CHANSIM_VISOR_UNISYS}/visorhba/visorhba_main.c
                      LOCAL_HEADERS ${CHANSIM_VISOR_UNISYS}/include/iochannel.h)
set_property(DIRECTORY PROPERTY COMPILE_OPTIONS "${_visorhba_saved_opts}")

# Runs it on chansim's visorbus core against the s-Par family's IO partition. The objects are
# linked as such: the configure-time symbol check counts the shim runtime only, and the
# visorbus_* / visorchannel_* calls are the visorbus module's.
chansim_check_test(NAME test_visor_upstream_visorhba
                   SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_visor_upstream_visorhba.c
                           $<TARGET_OBJECTS:gdrv_visorbus> $<TARGET_OBJECTS:kdrv_visorhba>
                   LIBS cs_visor_family cs_conformance cs_systemc
                   LABELS integration)
set_target_properties(test_visor_upstream_visorhba PROPERTIES LINKER_LANGUAGE CXX)
