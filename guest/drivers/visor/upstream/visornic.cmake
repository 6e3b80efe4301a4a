# Upstream visornic function driver, module name "visornic" as upstream's Makefile builds it,
# run against the s-Par family's IO partition: its net_devices through the shim's network core
# and /dev/net/<name>.
chansim_kernel_driver(NAME upstream_visornic MODULE visornic
                      SOURCES ${CHANSIM_VISOR_UNISYS}/visornic/visornic_main.c
                      LOCAL_HEADERS ${CHANSIM_VISOR_UNISYS}/include/iochannel.h)
# upstream's Makefile adds -Idrivers/staging/unisys/include
target_include_directories(kdrv_upstream_visornic PRIVATE
                           ${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include)
# The driver's objects directly: the build-time symbol check (kdrv_*_guard) counts only the shim
# runtime as a provider, while the visorbus_* calls of a function driver come from the visorbus
# module linked beside it (chansim's gdrv_visorbus here).
chansim_check_test(NAME test_visor_upstream_visornic
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_visor_upstream_visornic.c
                           $<TARGET_OBJECTS:kdrv_upstream_visornic> $<TARGET_OBJECTS:gdrv_visorbus>
                   LIBS cs_visor_family cs_conformance cs_kshim
                   LABELS integration)
set_target_properties(test_visor_upstream_visornic PROPERTIES LINKER_LANGUAGE CXX)
# All upstream: the same test with upstream's visorbus core (module "visorbus") in place of
# chansim's.
chansim_check_test(NAME test_visor_upstream_visornic_on_upstream_core
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_visor_upstream_visornic.c
                           $<TARGET_OBJECTS:kdrv_upstream_visornic>
                   LIBS cs_visor_family cs_conformance cs_kshim
                   LABELS integration)
chansim_visor_upstream_core(test_visor_upstream_visornic_on_upstream_core)
target_compile_definitions(test_visor_upstream_visornic_on_upstream_core PRIVATE UPSTREAM_CORE)
set_target_properties(test_visor_upstream_visornic_on_upstream_core PROPERTIES
                      LINKER_LANGUAGE CXX)
