# vmcall_launcher.sh on small sources: the exact inline-assembly VMCALL becomes a call of
# ks_vmcall_thunk and the object keeps no 0F 01 C1; a count other than expected, the mnemonic or
# another .byte spelling fail with a message that names the file.
# Run as: cmake -DLAUNCHER=<vmcall_launcher.sh> -DCC=<compiler> -DOBJDUMP=<objdump> -DWORK=<dir> -P
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/one.c" "
int one(unsigned long t, unsigned long p) {
    int r;
    __asm__ __volatile__(\".byte 0x00f, 0x001, 0x0c1\" : \"=a\"(r) : \"a\"(t), \"b\"(p), \"c\"(p >> 32));
    return r;
}
")
# one asm statement, inlined into two callers: with -g the copies count once
file(WRITE "${WORK}/inlined.c" "
static inline __attribute__((always_inline)) int vm(unsigned long t) {
    int r;
    __asm__ __volatile__(\".byte 0x00f, 0x001, 0x0c1\" : \"=a\"(r) : \"a\"(t));
    return r;
}
int first(void) { return vm(1); }
int second(void) { return vm(2) + 1; }
")
file(WRITE "${WORK}/mnemonic.c" "
int mnemonic(void) { int r; __asm__ __volatile__(\"vmcall\" : \"=a\"(r) : \"a\"(1)); return r; }
")
file(WRITE "${WORK}/spelling.c" "
int spelling(void) { int r; __asm__ __volatile__(\".byte 0x0f,0x01,0xc1\" : \"=a\"(r) : \"a\"(1)); return r; }
")

function(launch name expect_rc)
  cmake_parse_arguments(L "" "" "ARGS;EXPECT;FLAGS" ${ARGN})
  execute_process(COMMAND /bin/sh "${LAUNCHER}" ${L_ARGS} -- "${CC}" -O2 -mno-red-zone ${L_FLAGS}
                          -o "${WORK}/${name}.o" -c "${WORK}/${name}.c"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(expect_rc EQUAL 0 AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: the launcher failed (${rc}): ${err}")
  elseif(NOT expect_rc EQUAL 0 AND rc EQUAL 0)
    message(FATAL_ERROR "${name}: the launcher succeeded; expected it to fail")
  endif()
  string(REGEX REPLACE "[ \n]+" " " all "${err}")
  foreach(fragment IN LISTS L_EXPECT)
    string(FIND "${all}" "${fragment}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${name}: '${fragment}' missing from: ${err}")
    endif()
  endforeach()
endfunction()

launch(one 0 ARGS --expect one.c=1)
execute_process(COMMAND "${OBJDUMP}" -dr "${WORK}/one.o" OUTPUT_VARIABLE dis RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT dis MATCHES "ks_vmcall_thunk")
  message(FATAL_ERROR "one.o does not call ks_vmcall_thunk:\n${dis}")
endif()
if(dis MATCHES "0f 01 c1")
  message(FATAL_ERROR "one.o still holds the VMCALL bytes:\n${dis}")
endif()
file(GLOB left "${WORK}/*.s")
if(left)
  message(FATAL_ERROR "the launcher left its assembly behind: ${left}")
endif()

launch(one 1 EXPECT "one.c: expected 0 VMCALL inline-assembly statement(s)" "found 1")
launch(one 1 ARGS --expect one.c=2 EXPECT "one.c: expected 2 VMCALL" "found 1")
launch(inlined 0 ARGS --expect inlined.c=1 FLAGS -g)
launch(inlined 1 ARGS --expect inlined.c=1 EXPECT "inlined.c: expected 1" "found 2")
launch(mnemonic 1 EXPECT "mnemonic.c: 1 VMCALL instruction(s) in a form other than")
launch(spelling 1 ARGS --expect spelling.c=1 EXPECT "spelling.c: 1 VMCALL instruction(s) in a form other than")
message(STATUS "vmcall_launcher: rewrites the exact line, refuses every other case")
