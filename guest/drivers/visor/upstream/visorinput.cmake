# Upstream visorinput function driver.
chansim_kernel_driver(NAME upstream_visorinput SOURCES ${CHANSIM_VISOR_UNISYS}/visorinput/visorinput.c)
# upstream's Makefile adds -Idrivers/staging/unisys/include
target_include_directories(kdrv_upstream_visorinput PRIVATE
                           ${CMAKE_BINARY_DIR}/kernel-src/${CHANSIM_VISOR_UNISYS}/include)
add_test(NAME test_visor_upstream_visorinput
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target kdrv_upstream_visorinput)
set_tests_properties(test_visor_upstream_visorinput PROPERTIES LABELS integration)
