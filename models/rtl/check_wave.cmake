# `chansim run --wave`: on a platform with an RTL engine the file is an FST waveform (fstapi's
# header block: type 0, length 329; at least the TOP and crq_engine scopes); on one without,
# a clear error and no run.
#   cmake -DCHANSIM=... -DRTL_PLATFORM=... -DC_PLATFORM=... -DOUT=... -P check_wave.cmake
file(REMOVE ${OUT})
execute_process(COMMAND ${CHANSIM} run ${RTL_PLATFORM} --wave ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "chansim run --wave exited ${rc}: ${err}")
endif()
if(NOT EXISTS ${OUT})
  message(FATAL_ERROR "--wave wrote no ${OUT}")
endif()
file(SIZE ${OUT} size)
if(size LESS 330)
  message(FATAL_ERROR "${OUT}: ${size} bytes, shorter than an FST header")
endif()
file(READ ${OUT} head LIMIT 9 HEX)
if(NOT head STREQUAL "000000000000000149")
  message(FATAL_ERROR "${OUT}: not an FST header block (starts ${head})")
endif()
file(READ ${OUT} scopes OFFSET 41 LIMIT 8 HEX)
if(scopes STRLESS "0000000000000002")
  message(FATAL_ERROR "${OUT}: ${scopes} scopes, expected TOP and crq_engine")
endif()

execute_process(COMMAND ${CHANSIM} run ${C_PLATFORM} --wave ${OUT}.c
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "no RTL engine")
  message(FATAL_ERROR "--wave without an RTL engine: exit ${rc}, '${err}'")
endif()
if(EXISTS ${OUT}.c)
  message(FATAL_ERROR "--wave without an RTL engine wrote ${OUT}.c")
endif()
message(STATUS "${OUT}: FST, ${size} bytes")
