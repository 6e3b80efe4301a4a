# Configuring chansim against bad kernel sources fails with what is wrong and what to do:
# a CHANSIM_KERNEL_SRC that does not exist, a tree missing the driver files, and (with the
# upstream drivers required) a driver needing kernel symbols the shim lacks.
# Run as: cmake -DSOURCE=<chansim> -DWORK=<scratch dir> -P test_kernel_sources.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/fake-tree")
file(WRITE "${WORK}/fake-tree/Makefile" "VERSION = 6\nPATCHLEVEL = 1\n")

function(expect_configure_failure name)
  cmake_parse_arguments(E "" "" "ARGS;EXPECT" ${ARGN})
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE}" -B "${WORK}/${name}" ${E_ARGS}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REPLACE "\n" " " all "${out} ${err}")
  string(REGEX REPLACE " +" " " all "${all}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "${name}: configuration succeeded; expected it to fail")
  endif()
  foreach(fragment IN LISTS E_EXPECT)
    string(FIND "${all}" "${fragment}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${name}: '${fragment}' missing from the configure output:\n${out}\n${err}")
    endif()
  endforeach()
  message(STATUS "${name}: failed as expected")
endfunction()

expect_configure_failure(missing-tree
  ARGS -DCHANSIM_KERNEL_SRC=${WORK}/no-such-tree
  EXPECT "CHANSIM_KERNEL_SRC" "no-such-tree")

expect_configure_failure(incomplete-tree
  ARGS -DCHANSIM_KERNEL_SRC=${WORK}/fake-tree
  EXPECT "drivers/misc/ibmvmc.c" "drivers/s390/cio/vfio_ccw_cp.c")

# A tree whose vfio_ccw_cp.c calls a kernel function the shim does not have: the required
# driver stops the configure and names it. The tree is this build's extracted files.
file(COPY "${KSRC}/" DESTINATION "${WORK}/lacking-tree")
file(WRITE "${WORK}/lacking-tree/Makefile" "VERSION = 6\nPATCHLEVEL = 1\n")
file(APPEND "${WORK}/lacking-tree/drivers/s390/cio/vfio_ccw_cp.c"
     "\nvoid chansim_probe_caller(void) { kshim_lacks_this_function(); }\n")
expect_configure_failure(unshimmed-symbols
  ARGS -DCHANSIM_KERNEL_SRC=${WORK}/lacking-tree
  EXPECT "drivers/s390/cio/vfio_ccw_cp.c" "kernel symbol" "kshim_lacks_this_function")
