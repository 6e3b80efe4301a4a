# Upstream visornic function driver.
chansim_kernel_driver(NAME upstream_visornic SOURCES ${CHANSIM_VISOR_UNISYS}/visornic/visornic_main.c
                      LOCAL_HEADERS ${CHANSIM_VISOR_UNISYS}/include/iochannel.h)
# upstream's Makefile adds -Idrivers/staging/unisys/include
target_include_directories(kdrv_upstream_visornic PRIVATE
                           ${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include)
add_test(NAME test_visor_upstream_visornic
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target kdrv_upstream_visornic)
set_tests_properties(test_visor_upstream_visornic PROPERTIES LABELS integration)
