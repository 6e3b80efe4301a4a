# The origin rule of cmake/ChansimKernelSource.cmake: files requested for a range of kernel
# versions (LINUX <min> <max>, default the shim's 6.1) come from CHANSIM_KERNEL_SRC when that
# tree's version is in the range, else from the tarball when its version is, else from nowhere
# (chansim_kernel_origin says why; a direct request fails). Scratch projects against a small
# tarball and trees made here, so that every file's content tells where it came from.
# Run as: cmake -DSOURCE=<chansim> -DWORK=<scratch dir> -P test_kernel_sources_range.cmake
file(REMOVE_RECURSE "${WORK}")

function(write_tree dir version patchlevel)
  file(WRITE "${dir}/Makefile" "VERSION = ${version}\nPATCHLEVEL = ${patchlevel}\nSUBLEVEL = 9\n")
  foreach(f drivers/old/a.c drivers/new/b.c)
    file(WRITE "${dir}/${f}" "/* ${f} of ${dir} */\n")
  endforeach()
endfunction()
write_tree("${WORK}/tarball/linux-source-6.1" 6 1)
write_tree("${WORK}/tree-4.19" 4 19)
write_tree("${WORK}/tree-6.1" 6 1)
set(tb "${WORK}/linux-source-6.1.tar.xz")
execute_process(COMMAND ${CMAKE_COMMAND} -E tar cJf "${tb}" linux-source-6.1
                WORKING_DIRECTORY "${WORK}/tarball" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot make the test tarball ${tb}")
endif()

# The project: asks where 4.16-5.18 and the default range come from, then requests a.c for
# 4.16-5.18 (only when there is a source, unless FORCE_OLD) and b.c for the default range.
file(WRITE "${WORK}/project/CMakeLists.txt" "
cmake_minimum_required(VERSION 3.20)
project(range_rule NONE)
include(\"${SOURCE}/cmake/ChansimKernelSource.cmake\")
chansim_kernel_origin(o_old LINUX 4.16 5.18 REASON why_old)
chansim_kernel_origin(o_def REASON why_def)
message(STATUS \"origin old=[\${o_old}] \${why_old}\")
message(STATUS \"origin default=[\${o_def}] \${why_def}\")
if(o_old OR FORCE_OLD)
  chansim_kernel_sources(k FILES drivers/old/a.c LINUX 4.16 5.18)
endif()
if(NEW_RANGE)
  chansim_kernel_sources(k FILES drivers/new/b.c LINUX \${NEW_RANGE})
else()
  chansim_kernel_sources(k FILES drivers/new/b.c)
endif()
")

# configure(<name> [FAIL] ARGS ... EXPECT fragments... ): one configure of the project in
# WORK/build-<name>; the output must hold every fragment.
function(configure name)
  cmake_parse_arguments(C "FAIL" "" "ARGS;EXPECT" ${ARGN})
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${WORK}/project" -B "${WORK}/build-${name}"
                          "-DCHANSIM_KERNEL_TARBALL=${tb}" ${C_ARGS}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX REPLACE "[ \n]+" " " all "${out} ${err}")
  if(C_FAIL AND rc EQUAL 0)
    message(FATAL_ERROR "${name}: configuration succeeded; expected it to fail:\n${out}")
  elseif(NOT C_FAIL AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: configuration failed:\n${out}\n${err}")
  endif()
  foreach(fragment IN LISTS C_EXPECT)
    string(FIND "${all}" "${fragment}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${name}: '${fragment}' missing from the configure output:\n${out}\n${err}")
    endif()
  endforeach()
  message(STATUS "${name}: as expected")
endfunction()

# expect_file(<name> <kernel path> <origin dir or "">): the copy in kernel-src is that origin's
# file ("": there is none).
function(expect_file name path origin)
  set(copy "${WORK}/build-${name}/kernel-src/${path}")
  if(origin STREQUAL "")
    if(EXISTS "${copy}")
      message(FATAL_ERROR "${name}: ${path} should not be in kernel-src")
    endif()
    return()
  endif()
  if(NOT EXISTS "${copy}")
    message(FATAL_ERROR "${name}: ${path} is missing from kernel-src")
  endif()
  file(READ "${copy}" got)
  if(NOT got STREQUAL "/* ${path} of ${origin} */\n")
    message(FATAL_ERROR "${name}: ${path} should come from ${origin}, holds: ${got}")
  endif()
endfunction()

# A 4.19 tree: the 4.16-5.18 file from it, the default-range file from the tarball.
configure(tree-4.19 ARGS -DCHANSIM_KERNEL_SRC=${WORK}/tree-4.19
  EXPECT "origin old=[tree] Linux 4.16-5.18 wanted: from CHANSIM_KERNEL_SRC=${WORK}/tree-4.19 (Linux 4.19.9)"
         "origin default=[tarball] Linux 6.1 wanted: from ${tb} (Linux 6.1), as CHANSIM_KERNEL_SRC=${WORK}/tree-4.19 is Linux 4.19.9"
         "chansim: Linux 4.19.9 from ${WORK}/tree-4.19: 1 file(s) (copied)"
         "chansim: Linux 6.1.9 from ${tb}: 1 file(s) (2 extracted")
expect_file(tree-4.19 drivers/old/a.c "${WORK}/tree-4.19")
expect_file(tree-4.19 drivers/new/b.c "${WORK}/tarball/linux-source-6.1")

# No tree: nothing for 4.16-5.18, and why; the tarball for the default range.
configure(no-tree
  EXPECT "origin old=[] Linux 4.16-5.18 wanted: no source (CHANSIM_KERNEL_SRC is not set, and ${tb} is Linux 6.1); give a Linux 4.16-5.18 tree as -DCHANSIM_KERNEL_SRC=<dir>"
         "origin default=[tarball]")
expect_file(no-tree drivers/old/a.c "")
expect_file(no-tree drivers/new/b.c "${WORK}/tarball/linux-source-6.1")
# ... and again: the extraction cache answers, the tarball is not read.
configure(no-tree EXPECT "chansim: Linux 6.1.9 from ${tb}: 1 file(s) (from the extraction cache)")

# A 6.1 tree serves the default range; nothing is taken from the tarball.
configure(tree-6.1 ARGS -DCHANSIM_KERNEL_SRC=${WORK}/tree-6.1
  EXPECT "origin old=[] Linux 4.16-5.18 wanted: no source (CHANSIM_KERNEL_SRC=${WORK}/tree-6.1 is Linux 6.1.9"
         "origin default=[tree]")
expect_file(tree-6.1 drivers/new/b.c "${WORK}/tree-6.1")

# Asking for files that no source in range has fails, saying why.
configure(forced FAIL ARGS -DFORCE_OLD=ON
  EXPECT "chansim_kernel_sources (CMakeLists.txt): Linux 4.16-5.18 wanted: no source")
# A tarball whose Makefile contradicts CHANSIM_KERNEL_TARBALL_VERSION stops the configure.
configure(wrong-version FAIL ARGS -DCHANSIM_KERNEL_TARBALL_VERSION=5.10 -DNEW_RANGE=5.10\;5.10
  EXPECT "holds Linux 6.1.9, but CHANSIM_KERNEL_TARBALL_VERSION says 5.10")
# A malformed range is refused.
configure(bad-range FAIL ARGS -DNEW_RANGE=6
  EXPECT "LINUX versions are <version>.<patchlevel> (e.g. 4.16), not '6'")
