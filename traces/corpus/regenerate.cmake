# Records a corpus trace anew and shows how it differs from the committed one (as JSON Lines),
# then replaces it. Run through `cmake --build build --target corpus-regenerate`.
set(new "${WORK}/${NAME}")
file(REMOVE_RECURSE "${new}")
execute_process(COMMAND ${CHANSIM} run ${PLATFORM} --trace ${new} RESULT_VARIABLE rc
                OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: chansim run failed (${rc})")
endif()
execute_process(COMMAND ${CHANSIM} convert ${new} --to jsonl -o ${WORK}/${NAME}.new.jsonl)
if(EXISTS "${CORPUS}/${NAME}")
  execute_process(COMMAND ${CHANSIM} convert ${CORPUS}/${NAME} --to jsonl -o ${WORK}/${NAME}.old.jsonl)
  execute_process(COMMAND diff -u ${WORK}/${NAME}.old.jsonl ${WORK}/${NAME}.new.jsonl
                  RESULT_VARIABLE same OUTPUT_VARIABLE diff)
  if(same EQUAL 0)
    message(STATUS "${NAME}: unchanged")
  else()
    message(STATUS "${NAME}: changed:\n${diff}")
  endif()
endif()
file(REMOVE_RECURSE "${CORPUS}/${NAME}")
file(COPY "${new}" DESTINATION "${CORPUS}")
message(STATUS "${NAME}: written to ${CORPUS}/${NAME}")
