# The s390 I/O structures of the shim (include/asm/{cio,scsw,schid,idals,crw,chpid}.h and the
# replaced drivers/s390/cio/{orb,cio}.h): architectural byte images and helpers. Header-only,
# so the test needs the include paths and cs_util for cs_test.h.
chansim_check_test(NAME test_s390_layout
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_s390_layout.c
  LIBS cs_util
  LABELS unit)
target_include_directories(test_s390_layout PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/include
  ${CMAKE_CURRENT_LIST_DIR}/replace/drivers/s390/cio)
