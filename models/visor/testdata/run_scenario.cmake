# One visor scenario: `chansim run PLATFORM --until UNTIL --trace DIR` (UNTIL idle: until the
# run goes idle), its report lines must
# match every regular expression of EXPECT (a ;-list), and `chansim check DIR` must break the
# same rules on the same channels, as many times, as the live monitors did (none with STRICT); FINDINGS=1
# requires at least one.
#   cmake -DCHANSIM=... -DPLATFORM=... -DUNTIL=... -DTRACE=... -DEXPECT=... [-DSTRICT=1] -P
file(REMOVE_RECURSE ${TRACE})
set(args run ${PLATFORM} --trace ${TRACE})
if(NOT UNTIL STREQUAL "idle")
  list(APPEND args --until ${UNTIL})
endif()
if(STRICT)
  list(APPEND args --strict)
endif()
execute_process(COMMAND ${CHANSIM} ${args} OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE rc)
message("${out}")
if(STRICT AND NOT rc EQUAL 0)
  message(FATAL_ERROR "chansim run failed (${rc}): ${err}")
endif()
if(NOT STRICT AND NOT (rc EQUAL 0 OR rc EQUAL 1))
  message(FATAL_ERROR "chansim run failed (${rc}): ${err}")
endif()
foreach(re IN LISTS EXPECT)
  if(NOT out MATCHES "${re}")
    message(FATAL_ERROR "the run's report does not match '${re}'")
  endif()
endforeach()
execute_process(COMMAND ${CHANSIM} check ${TRACE} OUTPUT_VARIABLE cout ERROR_VARIABLE cerr
                RESULT_VARIABLE crc)
message("${cout}")
if(NOT cout MATCHES "checked against [0-9]+ rules: [0-9]+ finding")
  message(FATAL_ERROR "chansim check: ${cerr}${cout}")
endif()
# the verdicts: which rule broke on which channel
function(verdicts text outvar)
  string(REGEX MATCHALL "rule [A-Z]+[0-9]+ broken on channel [A-Za-z0-9_.-]+" v "${text}")
  list(REMOVE_DUPLICATES v)
  list(SORT v)
  set(${outvar} "${v}" PARENT_SCOPE)
endfunction()
verdicts("${err}" live)
verdicts("${cout}" offline)
if(NOT live STREQUAL offline)
  message(FATAL_ERROR "live verdicts [${live}] differ from chansim check's [${offline}]")
endif()
# and how many: the live monitors see the records families make while they attach, as the
# trace holds them, so the counts agree too
string(REGEX MATCH "([0-9]+) protocol findings" m "${out}")
set(live_n ${CMAKE_MATCH_1})
string(REGEX MATCH "rules: ([0-9]+) finding" m "${cout}")
set(offline_n ${CMAKE_MATCH_1})
if(NOT live_n STREQUAL offline_n)
  message(FATAL_ERROR "live monitors found ${live_n}, chansim check ${offline_n}")
endif()
if(FINDINGS AND NOT live)
  message(FATAL_ERROR "the scenario should break rules and broke none")
endif()
file(REMOVE_RECURSE ${TRACE})
