# Test registration helpers. Every test carries one of the labels unit, integration,
# conformance or bench; `ctest -L unit` runs a class, `ctest -LE bench` leaves the benchmarks out.
enable_testing()

# chansim_check_test(NAME name SOURCES a.c ... LIBS lib ... [LABELS l ...])
# Builds a Check test executable and registers it with ctest. Every test links
# cs_test_support (sim/util), the helpers cs_test.h declares.
function(chansim_check_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} cs_test_support PkgConfig::CHECK)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}"
                       ENVIRONMENT "CK_DEFAULT_TIMEOUT=120;CHANSIM_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp;LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/cmake/lsan.supp")
endfunction()
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/test-tmp)
