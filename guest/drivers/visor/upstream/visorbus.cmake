# Upstream visorbus core: visorchannel.c, visorchipset.c, visorbus_main.c.
chansim_kernel_driver(NAME upstream_visorbus
                      SOURCES drivers/visorbus/visorbus_main.c drivers/visorbus/visorchannel.c
                              drivers/visorbus/visorchipset.c
                      LOCAL_HEADERS drivers/visorbus/controlvmchannel.h
                                    drivers/visorbus/vbuschannel.h
                                    drivers/visorbus/visorbus_private.h)
add_test(NAME test_visor_upstream_visorbus
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target kdrv_upstream_visorbus)
set_tests_properties(test_visor_upstream_visorbus PROPERTIES LABELS integration)
