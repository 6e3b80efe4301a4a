# Replays a corpus trace and checks the verdict: EXPECT 0 (reproduced) or 1 (diverged, and the
# divergence must be printed). Run as cmake -DCHANSIM=... -DTRACE=... -DPLATFORM=... -DMODE=...
# -DEXPECT=0|1 -P check_replay.cmake
execute_process(COMMAND ${CHANSIM} replay ${TRACE} ${PLATFORM} --mode ${MODE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL EXPECT)
  message(FATAL_ERROR "chansim replay exited ${rc}, expected ${EXPECT}\n${err}")
endif()
if(EXPECT EQUAL 1)
  foreach(fragment "first divergence" "recorded:" "replayed:" "what led there:")
    string(FIND "${out}" "${fragment}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the divergence report lacks '${fragment}'")
    endif()
  endforeach()
endif()
