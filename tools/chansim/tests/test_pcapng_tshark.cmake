# A recorded default run, exported with `chansim convert --to pcapng`, decodes in tshark with
# tools/wireshark/chansim.lua: every event is a packet, and the VMC session shows up field by
# field (CAP/CAP_RESP, OPEN, SIGNALs of 1 KiB both ways, hcall names and return codes); the
# DASD's channel programs and the s-Par channels by kind and command name.
# Run as: cmake -DCHANSIM=<chansim> -DTSHARK=<tshark> -DDISSECTOR=<chansim.lua> -DWORK=<dir>
#         -P test_pcapng_tshark.cmake
# tshark runs with HOME and XDG_CONFIG_HOME inside WORK, so no personal preference or plugin
# (say an installed copy of chansim.lua, which would register the protocol twice) changes the
# result, and without DISPLAY. Reading a file needs no capture privileges; as root, Debian's
# tshark still runs -X lua_script because its init.lua sets run_user_scripts_when_superuser.
foreach(v CHANSIM TSHARK DISSECTOR WORK)
  if(NOT ${v})
    message(FATAL_ERROR "test_pcapng_tshark: -D${v}=... missing")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/home")
set(trace "${WORK}/trace")
set(pcap "${WORK}/trace.pcapng")

function(run what)
  cmake_parse_arguments(R "QUIET" "OUT" "COMMAND" ${ARGN})
  execute_process(COMMAND ${R_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${err}")
  endif()
  # tshark's "Running as user root" note is expected; a Lua error or warning is not
  string(REGEX REPLACE "Running as user \"root\"[^\n]*\n?" "" err "${err}")
  if(R_QUIET AND NOT err STREQUAL "")
    message(FATAL_ERROR "${what} reported:\n${err}")
  endif()
  if(R_OUT)
    set(${R_OUT} "${out}" PARENT_SCOPE)
  endif()
endfunction()

set(tshark_env ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
    HOME=${WORK}/home XDG_CONFIG_HOME=${WORK}/home/.config)
set(tshark ${tshark_env} ${TSHARK} -n -r ${pcap} -X lua_script:${DISSECTOR})

run("chansim run" COMMAND ${CHANSIM} run --trace ${trace})
run("chansim convert --to pcapng" QUIET COMMAND ${CHANSIM} convert ${trace} --to pcapng -o ${pcap})
if(NOT EXISTS "${pcap}")
  message(FATAL_ERROR "${pcap} missing after convert")
endif()
file(GLOB partial "${pcap}.partial-*")
if(partial)
  message(FATAL_ERROR "convert left ${partial}")
endif()
run("chansim convert --to jsonl" COMMAND ${CHANSIM} convert ${trace} --to jsonl OUT jsonl)
string(REGEX MATCHALL "\n" lines "${jsonl}")
list(LENGTH lines events)

# One packet per event, in the reader's order, with the family and record type.
run("tshark -T fields" QUIET OUT fields COMMAND ${tshark} -T fields -E separator=, -E occurrence=f
    -e chansim.magic -e chansim.family -e chansim.record -e chansim.direction
    -e chansim.kind -e chansim.crq.hcall.opcode -e chansim.crq.hcall.rc
    -e chansim.crq.vmc.type -e chansim.crq.vmc.msg_len -e chansim.channel)
string(REGEX MATCHALL "[^\n]+" rows "${fields}")
list(LENGTH rows packets)
if(NOT packets EQUAL events)
  message(FATAL_ERROR "${packets} packets decoded, the trace has ${events} events")
endif()

function(expect_rows pattern min what)
  set(n 0)
  foreach(row IN LISTS rows)
    if(row MATCHES "${pattern}")
      math(EXPR n "${n} + 1")
    endif()
  endforeach()
  if(n LESS min)
    message(FATAL_ERROR "${what}: ${n} packets match '${pattern}', expected at least ${min}\n"
                        "${fields}")
  endif()
  message(STATUS "${what}: ${n} packets")
endfunction()

# magic,family,record,direction,kind,opcode,rc,vmc.type,msg_len,channel
expect_rows("^0xc1," ${events} "pseudo-header magic")
expect_rows("^0xc1,0,1,,0,,,,,(sim|power-mgmt\\.kernel)$" 5 "log lines of non-channel families")
expect_rows("^0xc1,1,0,0,1,252,,,,power-mgmt\\.vmc-" 1 "H_REG_CRQ hcall")
expect_rows("^0xc1,1,0,1,2,252,0,,,power-mgmt\\.vmc-" 1 "H_REG_CRQ returning H_SUCCESS")
expect_rows("^0xc1,1,0,0,1,264,,0x01,," 1 "VMC CAP sent with H_SEND_CRQ")
expect_rows("^0xc1,1,0,1,3,,,0x81,," 1 "VMC CAP_RESP element")
expect_rows("^0xc1,1,0,0,1,264,,0x02,," 1 "VMC OPEN")
expect_rows("^0xc1,1,0,1,3,,,0x82,," 1 "VMC OPEN_RESP")
expect_rows("^0xc1,1,0,0,1,264,,0x06,1024," 16 "VMC SIGNAL of 1024 bytes to the hypervisor")
expect_rows("^0xc1,1,0,1,3,,,0x06,1024," 16 "VMC SIGNAL of 1024 bytes to the partition")
expect_rows("^0xc1,1,0,0,1,272,,,,power-mgmt\\.vmc-" 16 "H_COPY_RDMA hcall")

# The detailed view: names of hcalls, return codes, element headers and every VMC field.
run("tshark -V" QUIET OUT verbose COMMAND ${tshark} -V -O chansim)
foreach(text
    "Opcode: H_REG_CRQ (252)" "Opcode: H_SEND_CRQ (264)" "Opcode: H_VIO_SIGNAL (260)"
    "Opcode: H_COPY_RDMA (272)" "Return code: H_SUCCESS (0)"
    "Queue IOBA: 0x" "Queue length (bytes): 4096" "Mode: enable interrupts (1)"
    "Header: initialization (0xc0)" "Format: INIT (0x01)" "Format: INIT COMPLETE (0x02)"
    "Header: payload (0x80)" "VMC type: CAP (0x01)" "VMC type: CAP_RESP (0x81)"
    "Protocol version: 0x0101 (1.1)" "Max MTU: 4096" "CRQ size (entries): 256"
    "VMC type: OPEN (0x02)" "VMC type: ADD_BUF (0x04)" "Initial buffer owner: partition (0)"
    "LIOBA: 0x" "VMC type: SIGNAL (0x06)" "Message length: 1024" "HMC session: 1"
    "VMC type: CLOSE (0x03)" "Status: SUCCESS (0)"
    "[CRQ kind: RDMA (6)]" "Source LIOBN: 0x" "Destination IOBA: 0x" "[Data length: 1024]"
    "Queue state: REGISTERED (1)" "Interrupt line: 0" "[CRQ kind: CONSUMED (5)]"
    "Direction: to_firmware (0)" "Direction: to_guest (1)" "Record: log (1)"
    # the vfio-ccw DASD and the s-Par guest of the default platform
    "[CSS kind: ORB (1)]" "[CSS kind: SSCH (257)]" "[CSS kind: TSCH (264)]"
    "[CSS kind: IO_REGION_WRITE (304)]" "[CSS kind: IO_REGION_IRB (306)]"
    "Command code: DEFINE EXTENT (0x63)" "Command code: LOCATE RECORD (0x47)"
    "Command code: READ DATA (0x86)" "Command code: WRITE DATA (0x85)"
    "[Visor kind: CHANNEL_HEADER (1)]" "[Visor kind: SIGNAL (3)]")
  string(FIND "${verbose}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "tshark -V shows no '${text}'")
  endif()
endforeach()
foreach(bad "Lua Error" "Malformed" "Expert Info (Error" "Unknown kind")
  string(FIND "${verbose}" "${bad}" at)
  if(NOT at EQUAL -1)
    string(SUBSTRING "${verbose}" ${at} 400 context)
    message(FATAL_ERROR "tshark -V shows '${bad}':\n${context}")
  endif()
endforeach()

# Timestamps: nanoseconds, equal to the cycle count at the default 1 GHz clock. The CAP_RESP
# element (kind 3: be32 slot, be32 entries, then 0x80 0x81) gives a time to compare.
string(REPEAT "[0-9a-f]" 16 slot_and_entries)
if(NOT jsonl MATCHES
   "\"t\":([0-9]+),[^\n]*\"kind\":3,\"len\":24,\"payload\":\"${slot_and_entries}8081")
  message(FATAL_ERROR "no CAP_RESP element in the trace")
endif()
set(cap_resp_cycle ${CMAKE_MATCH_1})
set(cycles "000000000${cap_resp_cycle}")
string(LENGTH "${cycles}" n)
math(EXPR secs_len "${n} - 9")
string(SUBSTRING "${cycles}" 0 ${secs_len} secs)
string(SUBSTRING "${cycles}" ${secs_len} 9 frac)
math(EXPR secs "${secs}")
run("tshark timestamps" QUIET OUT times COMMAND ${tshark} -T fields -e frame.time_epoch
    -Y "chansim.crq.vmc.type == 0x81")
if(NOT times STREQUAL "${secs}.${frac}\n")
  message(FATAL_ERROR "CAP_RESP at cycle ${cap_resp_cycle} has timestamp '${times}', "
                      "expected ${secs}.${frac}")
endif()
message(STATUS "pcapng export of ${events} events decoded by tshark")
