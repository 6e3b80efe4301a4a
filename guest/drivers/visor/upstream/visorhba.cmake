# Upstream visorhba function driver.
chansim_kernel_driver(NAME upstream_visorhba SOURCES ${CHANSIM_VISOR_UNISYS}/visorhba/visorhba_main.c
                      LOCAL_HEADERS ${CHANSIM_VISOR_UNISYS}/include/iochannel.h)
# upstream's Makefile adds -Idrivers/staging/unisys/include
target_include_directories(kdrv_upstream_visorhba PRIVATE
                           ${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include)
add_test(NAME test_visor_upstream_visorhba
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target kdrv_upstream_visorhba)
set_tests_properties(test_visor_upstream_visorhba PROPERTIES LABELS integration)
