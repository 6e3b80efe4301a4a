# Upstream visorinput function driver, module name "visorinput" as upstream's Makefile builds
# it, so that the visor family boots it in place of chansim's own. Its visorbus_* calls are
# defined by a visorbus module (chansim's gdrv_visorbus here), not by the shim runtime, which is
# all the build-time symbol check counts: the test takes the driver's objects directly.
chansim_kernel_driver(NAME visorinput SOURCES ${CHANSIM_VISOR_UNISYS}/visorinput/visorinput.c)
# upstream's Makefile adds -Idrivers/staging/unisys/include
target_include_directories(kdrv_visorinput PRIVATE
                           ${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include)
chansim_check_test(NAME test_visor_upstream_visorinput
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_visor_upstream_visorinput.c
                           $<TARGET_OBJECTS:gdrv_visorbus> $<TARGET_OBJECTS:kdrv_visorinput>
                   LIBS cs_visor_family cs_conformance cs_systemc LABELS integration)
set_target_properties(test_visor_upstream_visorinput PROPERTIES LINKER_LANGUAGE CXX)

# The same checks with every s-Par driver upstream's: the upstream visorbus core in place of
# chansim's.
chansim_check_test(NAME test_visor_upstream_visorinput_on_upstream_core
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_visor_upstream_visorinput.c
                           $<TARGET_OBJECTS:kdrv_visorinput>
                   LIBS cs_visor_family cs_conformance cs_systemc LABELS integration)
chansim_visor_upstream_core(test_visor_upstream_visorinput_on_upstream_core)
target_compile_definitions(test_visor_upstream_visorinput_on_upstream_core PRIVATE
                           VISOR_UPSTREAM_CORE=1)
set_target_properties(test_visor_upstream_visorinput_on_upstream_core PROPERTIES
                      LINKER_LANGUAGE CXX)
