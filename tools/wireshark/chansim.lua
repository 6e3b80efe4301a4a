-- Wireshark dissector for chansim traces exported with `chansim convert TRACE --to pcapng`.
--
-- The export (docs/trace-format.md, "pcapng export") gives one interface per trace channel with
-- link type LINKTYPE_USER0 (DLT 147) and one packet per trace event: an 8-byte chansim
-- pseudo-header, then the message payload or the log text. This script decodes the
-- pseudo-header and the payloads of the channel families:
--   crq    every kind of models/crq/crq_wire.h: hcalls and their returns, queue elements
--          (INIT, transport events, VMC messages), interrupts, consumed slots, H_COPY_RDMA
--          records, failed hypervisor sends, queue states
--   css    ORB, CCW (format 1), SCSW and IRB decoded; the other css kinds (instructions,
--          data and IDAW records, the vfio-ccw boundary) named, their payload as bytes
--   visor  channel header, signal queue header and signal decoded; header faults, overflows
--          and partition events named
--
-- Use:  tshark -X lua_script:tools/wireshark/chansim.lua -r trace.pcapng -V
--       or copy the file into the personal Lua plugins folder (tshark -G folders).
-- Works with the tshark/Wireshark 4.0 of Debian 12 (Lua 5.2); no bit library is needed.

local chansim = Proto("chansim", "chansim channel event")

-- ---- helpers ----

-- Bits [shift, shift+width) of a non-negative integer, counting from the least significant.
local function bits(v, shift, width)
    return math.floor(v / 2 ^ shift) % 2 ^ width
end

local function hex(v, digits)
    return string.format("0x%0" .. (digits or 1) .. "x", v)
end

-- A UInt64 in hex without leading zeros.
local function hex64(u)
    local h = u:tohex():gsub("^0+", "")
    return "0x" .. (h == "" and "0" or h)
end

local function vs_name(vs, v, unknown)
    return vs[v] or (unknown or "unknown") .. " (" .. tostring(v) .. ")"
end

-- ---- value strings ----

local vs_family = { [0] = "other", [1] = "crq", [2] = "css", [3] = "visor" }
local vs_direction = { [0] = "to_firmware", [1] = "to_guest", [2] = "internal" }
local vs_record = { [0] = "message", [1] = "log" }

local vs_crq_kind = {
    [1] = "HCALL", [2] = "HCALL_RET", [3] = "ELEMENT", [4] = "IRQ", [5] = "CONSUMED",
    [6] = "RDMA", [7] = "HV_SEND_FAILED", [8] = "QUEUE_STATE",
}
-- Kinds named here without a decoder of their own show their payload as bytes
-- (docs/trace-format.md gives the layouts).
local vs_css_kind = {
    [1] = "ORB", [2] = "CCW", [3] = "SCSW", [4] = "IRB", [5] = "DATA", [6] = "IDAW",
    [0x101] = "SSCH", [0x102] = "CSCH", [0x103] = "HSCH", [0x104] = "XSCH", [0x105] = "RSCH",
    [0x106] = "STSCH", [0x107] = "MSCH", [0x108] = "TSCH", [0x109] = "TPI",
    [0x10A] = "INTERRUPT", [0x10B] = "ADAPTER_INTERRUPT", [0x10C] = "STCRW", [0x10D] = "CHSC",
    [0x10E] = "RCHP", [0x120] = "VFIO_CCW_CHP_EVENT", [0x121] = "VFIO_CCW_ASYNC_REQUEST",
    [0x122] = "VFIO_CCW_FSM_EVENT", [0x123] = "VFIO_CCW_IO_REQUEST", [0x124] = "VFIO_CCW_IO_FCTL",
    [0x130] = "IO_REGION_WRITE", [0x131] = "IO_REGION_RET", [0x132] = "IO_REGION_IRB",
    [0x133] = "ASYNC_CMD", [0x134] = "ASYNC_RET", [0x135] = "MDEV_EVENT",
    [0x136] = "ACCESS_DENIED",
}
local vs_visor_kind = {
    [1] = "CHANNEL_HEADER", [2] = "QUEUE_HEADER", [3] = "SIGNAL", [4] = "HEADER_FAULT",
    [5] = "OVERFLOW", [6] = "PARTITION",
}

local H_REG_CRQ, H_FREE_CRQ, H_VIO_SIGNAL, H_SEND_CRQ = 0xFC, 0x100, 0x104, 0x108
local H_COPY_RDMA, H_ENABLE_CRQ, H_REQUEST_VMC = 0x110, 0x2B0, 0x360
local vs_hcall = {
    [H_REG_CRQ] = "H_REG_CRQ", [H_FREE_CRQ] = "H_FREE_CRQ", [H_VIO_SIGNAL] = "H_VIO_SIGNAL",
    [H_SEND_CRQ] = "H_SEND_CRQ", [H_COPY_RDMA] = "H_COPY_RDMA", [0x2A8] = "H_VIOCTL",
    [H_ENABLE_CRQ] = "H_ENABLE_CRQ", [0x2DC] = "H_REG_SUB_CRQ", [0x2E0] = "H_FREE_SUB_CRQ",
    [0x2E4] = "H_SEND_SUB_CRQ", [0x2E8] = "H_SEND_SUB_CRQ_INDIRECT",
    [H_REQUEST_VMC] = "H_REQUEST_VMC",
}
local vs_hcall_rc = {
    [0] = "H_SUCCESS", [1] = "H_BUSY", [2] = "H_CLOSED", [3] = "H_NOT_AVAILABLE",
    [14] = "H_IN_PROGRESS", [9900] = "H_LONG_BUSY_ORDER_1_MSEC",
    [9901] = "H_LONG_BUSY_ORDER_10_MSEC", [9902] = "H_LONG_BUSY_ORDER_100_MSEC",
    [9903] = "H_LONG_BUSY_ORDER_1_SEC", [9904] = "H_LONG_BUSY_ORDER_10_SEC",
    [9905] = "H_LONG_BUSY_ORDER_100_SEC", [-1] = "H_HARDWARE", [-2] = "H_FUNCTION",
    [-3] = "H_PRIVILEGE", [-4] = "H_PARAMETER", [-7] = "H_NOT_FOUND", [-10] = "H_AUTHORITY",
    [-11] = "H_PERMISSION", [-12] = "H_DROPPED", [-13] = "H_SOURCE_PARM",
    [-14] = "H_DEST_PARM", [-15] = "H_REMOTE_PARM", [-16] = "H_RESOURCE",
}
local vs_signal_mode = { [0] = "disable interrupts", [1] = "enable interrupts" }
local vs_crq_header = {
    [0x00] = "free", [0x80] = "payload", [0xC0] = "initialization", [0xFF] = "transport event",
}
local vs_crq_init = { [0x01] = "INIT", [0x02] = "INIT COMPLETE" }
local vs_crq_event = {
    [0x01] = "partner failed", [0x02] = "partner deregistered", [0x06] = "migrated",
    [0x09] = "prepare for suspend", [0x0A] = "resume",
}
local vs_crq_event_status = { [0x00] = "none", [0x20] = "entry overwritten" }
local vs_queue_state = { [0] = "FREE", [1] = "REGISTERED", [2] = "DISABLED" }

local VMC_CAP, VMC_CAP_RESP, VMC_ADD_BUF, VMC_SIGNAL = 0x01, 0x81, 0x04, 0x06
local vs_vmc_type = {
    [0x01] = "CAP", [0x81] = "CAP_RESP", [0x02] = "OPEN", [0x82] = "OPEN_RESP",
    [0x03] = "CLOSE", [0x83] = "CLOSE_RESP", [0x04] = "ADD_BUF", [0x84] = "ADD_BUF_RESP",
    [0x05] = "REM_BUF", [0x85] = "REM_BUF_RESP", [0x06] = "SIGNAL",
}
local vs_vmc_status = {
    [0] = "SUCCESS", [1] = "INVALID_HMC_INDEX", [2] = "INVALID_BUFFER_ID", [3] = "CLOSED_HMC",
    [4] = "INTERFACE_FAILURE", [5] = "NO_BUFFER",
}
local vs_vmc_cap_status = { [0] = "success", [1] = "general failure", [2] = "invalid version" }
local vs_vmc_owner = { [0] = "partition", [1] = "hypervisor" }

-- Channel commands: the architected ones, then the 3390 ECKD set of models/dasd (docs/dasd.md).
local vs_ccw_cmd = {
    [0x03] = "NOP", [0x04] = "BASIC SENSE", [0x08] = "TIC", [0xE4] = "SENSE ID",
    [0x07] = "SEEK", [0x31] = "SEARCH ID EQUAL", [0x47] = "LOCATE RECORD",
    [0x4B] = "LOCATE RECORD EXTENDED", [0x63] = "DEFINE EXTENT",
    [0x64] = "READ DEVICE CHARACTERISTICS", [0x85] = "WRITE DATA", [0x86] = "READ DATA",
    [0x92] = "READ COUNT", [0x9D] = "WRITE CKD", [0x9E] = "READ COUNT KEY DATA",
    [0xDE] = "READ TRACK",
}
local vs_scsw_cc = { [0] = "0", [1] = "1", [2] = "2", [3] = "3 (not operational)" }

local vs_visor_client_state = {
    [0] = "DETACHED", [1] = "DISABLED", [2] = "ATTACHING", [3] = "ATTACHED", [4] = "BUSY",
    [5] = "OWNED",
}
local vs_visor_srv_state = { [0] = "UNINITIALIZED", [1] = "READY" }
local vs_controlvm_id = {
    [0] = "INVALID", [0x101] = "BUS_CREATE", [0x102] = "BUS_DESTROY",
    [0x104] = "BUS_CONFIGURE", [0x105] = "BUS_CHANGESTATE", [0x106] = "BUS_CHANGESTATE_EVENT",
    [0x201] = "DEVICE_CREATE", [0x202] = "DEVICE_DESTROY", [0x203] = "DEVICE_CONFIGURE",
    [0x204] = "DEVICE_CHANGESTATE", [0x205] = "DEVICE_CHANGESTATE_EVENT",
    [0x206] = "DEVICE_RECONFIGURE", [0x301] = "CHIPSET_INIT", [0x302] = "CHIPSET_STOP",
    [0x304] = "CHIPSET_READY", [0x305] = "CHIPSET_SELFTEST",
}
local vs_cmdtype = {
    [1] = "CMD_SCSI_TYPE", [2] = "CMD_NET_TYPE", [3] = "CMD_SCSITASKMGMT_TYPE",
    [4] = "CMD_NOTIFYGUEST_TYPE", [5] = "CMD_VDISKMGMT_TYPE",
}

-- ---- fields ----

local F = {}
local function field(key, ctor, ...)
    F[key] = ctor(...)
    return F[key]
end

-- pseudo-header
field("magic", ProtoField.uint8, "chansim.magic", "Magic/version", base.HEX)
field("family", ProtoField.uint8, "chansim.family", "Family", base.DEC, vs_family)
field("direction", ProtoField.uint8, "chansim.direction", "Direction", base.DEC, vs_direction)
field("level", ProtoField.uint8, "chansim.log.level", "Log level", base.DEC)
field("record", ProtoField.uint8, "chansim.record", "Record", base.DEC, vs_record)
field("kind", ProtoField.uint16, "chansim.kind", "Kind", base.DEC)
field("reserved", ProtoField.uint16, "chansim.reserved", "Reserved", base.HEX)
field("channel", ProtoField.string, "chansim.channel", "Channel")
field("payload_len", ProtoField.uint32, "chansim.payload_len", "Payload length", base.DEC)
field("payload", ProtoField.bytes, "chansim.payload", "Payload")
field("log_text", ProtoField.string, "chansim.log.text", "Text")

-- crq
field("crq_kind", ProtoField.uint16, "chansim.crq.kind", "CRQ kind", base.DEC, vs_crq_kind)
field("hc_opcode", ProtoField.uint32, "chansim.crq.hcall.opcode", "Opcode", base.DEC, vs_hcall)
field("hc_arg", ProtoField.uint64, "chansim.crq.hcall.arg", "Argument", base.HEX)
field("hc_unit", ProtoField.uint64, "chansim.crq.hcall.unit_address", "Unit address", base.HEX)
field("hc_qioba", ProtoField.uint64, "chansim.crq.hcall.queue_ioba", "Queue IOBA", base.HEX)
field("hc_qlen", ProtoField.uint64, "chansim.crq.hcall.queue_len", "Queue length (bytes)",
    base.DEC)
field("hc_mode", ProtoField.uint32, "chansim.crq.hcall.mode", "Mode", base.DEC, vs_signal_mode)
field("hc_word1", ProtoField.uint64, "chansim.crq.hcall.word1", "Word 1", base.HEX)
field("hc_word2", ProtoField.uint64, "chansim.crq.hcall.word2", "Word 2", base.HEX)
field("hc_len", ProtoField.uint64, "chansim.crq.hcall.copy_len", "Copy length", base.DEC)
field("hc_sliobn", ProtoField.uint64, "chansim.crq.hcall.src_liobn", "Source LIOBN", base.HEX)
field("hc_sioba", ProtoField.uint64, "chansim.crq.hcall.src_ioba", "Source IOBA", base.HEX)
field("hc_dliobn", ProtoField.uint64, "chansim.crq.hcall.dst_liobn", "Destination LIOBN",
    base.HEX)
field("hc_dioba", ProtoField.uint64, "chansim.crq.hcall.dst_ioba", "Destination IOBA", base.HEX)
field("hc_rc", ProtoField.int32, "chansim.crq.hcall.rc", "Return code", base.DEC, vs_hcall_rc)
field("hc_ret", ProtoField.uint64, "chansim.crq.hcall.ret", "Return value", base.HEX)
field("hc_drc", ProtoField.uint64, "chansim.crq.hcall.drc_index", "DRC index", base.HEX)
field("slot", ProtoField.uint32, "chansim.crq.slot", "Slot", base.DEC)
field("entries", ProtoField.uint32, "chansim.crq.queue_entries", "Queue entries", base.DEC)
field("element", ProtoField.bytes, "chansim.crq.element", "CRQ element")
field("header", ProtoField.uint8, "chansim.crq.header", "Header", base.HEX, vs_crq_header)
field("init", ProtoField.uint8, "chansim.crq.init.format", "Format", base.HEX, vs_crq_init)
field("ev_reason", ProtoField.uint8, "chansim.crq.event.reason", "Reason", base.HEX,
    vs_crq_event)
field("ev_status", ProtoField.uint8, "chansim.crq.event.status", "Status", base.HEX,
    vs_crq_event_status)
field("el_data", ProtoField.bytes, "chansim.crq.element.data", "Data")
field("irq", ProtoField.uint32, "chansim.crq.irq", "Interrupt line", base.DEC)
field("sf_rc", ProtoField.int32, "chansim.crq.send_failed.rc", "Return code", base.DEC,
    vs_hcall_rc)
field("qstate", ProtoField.uint32, "chansim.crq.queue_state", "Queue state", base.DEC,
    vs_queue_state)
field("rd_sliobn", ProtoField.uint64, "chansim.crq.rdma.src_liobn", "Source LIOBN", base.HEX)
field("rd_sioba", ProtoField.uint64, "chansim.crq.rdma.src_ioba", "Source IOBA", base.HEX)
field("rd_dliobn", ProtoField.uint64, "chansim.crq.rdma.dst_liobn", "Destination LIOBN",
    base.HEX)
field("rd_dioba", ProtoField.uint64, "chansim.crq.rdma.dst_ioba", "Destination IOBA", base.HEX)
field("rd_len", ProtoField.uint32, "chansim.crq.rdma.data_len", "Data length", base.DEC)
field("rd_data", ProtoField.bytes, "chansim.crq.rdma.data", "Data")
-- VMC (crq-vmc.md §2.3)
field("vmc_type", ProtoField.uint8, "chansim.crq.vmc.type", "VMC type", base.HEX, vs_vmc_type)
field("vmc_status", ProtoField.uint8, "chansim.crq.vmc.status", "Status", base.DEC,
    vs_vmc_status)
field("vmc_var1", ProtoField.uint8, "chansim.crq.vmc.var1", "var1", base.HEX)
field("vmc_owner", ProtoField.uint8, "chansim.crq.vmc.buffer_owner", "Initial buffer owner",
    base.DEC, vs_vmc_owner)
field("vmc_session", ProtoField.uint8, "chansim.crq.vmc.session", "HMC session", base.DEC)
field("vmc_index", ProtoField.uint8, "chansim.crq.vmc.index", "HMC index", base.DEC)
field("vmc_buffer", ProtoField.uint16, "chansim.crq.vmc.buffer_id", "Buffer id", base.DEC)
field("vmc_rsvd", ProtoField.uint32, "chansim.crq.vmc.reserved", "Reserved", base.HEX)
field("vmc_var3", ProtoField.uint32, "chansim.crq.vmc.var3", "var3", base.HEX)
field("vmc_lioba", ProtoField.uint32, "chansim.crq.vmc.lioba", "LIOBA", base.HEX)
field("vmc_msg_len", ProtoField.uint32, "chansim.crq.vmc.msg_len", "Message length", base.DEC)
field("cap_status", ProtoField.uint8, "chansim.crq.vmc.cap.status", "Status", base.DEC,
    vs_vmc_cap_status)
field("cap_rsvd", ProtoField.uint16, "chansim.crq.vmc.cap.reserved", "Reserved", base.HEX)
field("cap_max_hmc", ProtoField.uint8, "chansim.crq.vmc.cap.max_hmc", "Max HMC connections",
    base.DEC)
field("cap_pool", ProtoField.uint16, "chansim.crq.vmc.cap.pool_size", "Buffer pool size",
    base.DEC)
field("cap_mtu", ProtoField.uint32, "chansim.crq.vmc.cap.max_mtu", "Max MTU", base.DEC)
field("cap_crq", ProtoField.uint16, "chansim.crq.vmc.cap.crq_size", "CRQ size (entries)",
    base.DEC)
field("cap_version", ProtoField.uint16, "chansim.crq.vmc.cap.version", "Protocol version",
    base.HEX)

-- css (big-endian, s390 Principles of Operation layouts)
field("css_kind", ProtoField.uint16, "chansim.css.kind", "CSS kind", base.DEC, vs_css_kind)
field("orb_intparm", ProtoField.uint32, "chansim.css.orb.intparm", "Interruption parameter",
    base.HEX)
field("orb_word1", ProtoField.uint32, "chansim.css.orb.word1", "Word 1", base.HEX)
field("orb_key", ProtoField.uint32, "chansim.css.orb.key", "Key", base.DEC, nil, 0xF0000000)
field("orb_s", ProtoField.bool, "chansim.css.orb.suspend", "S: suspend control", 32, nil,
    0x08000000)
field("orb_c", ProtoField.bool, "chansim.css.orb.streaming", "C: streaming-mode control", 32,
    nil, 0x04000000)
field("orb_m", ProtoField.bool, "chansim.css.orb.modification", "M: modification control", 32,
    nil, 0x02000000)
field("orb_y", ProtoField.bool, "chansim.css.orb.sync", "Y: synchronization control", 32, nil,
    0x01000000)
field("orb_f", ProtoField.bool, "chansim.css.orb.format1", "F: format-1 CCWs", 32, nil,
    0x00800000)
field("orb_p", ProtoField.bool, "chansim.css.orb.prefetch", "P: prefetch control", 32, nil,
    0x00400000)
field("orb_i", ProtoField.bool, "chansim.css.orb.isic", "I: initial-status interruption", 32,
    nil, 0x00200000)
field("orb_a", ProtoField.bool, "chansim.css.orb.alcc", "A: address-limit checking", 32, nil,
    0x00100000)
field("orb_u", ProtoField.bool, "chansim.css.orb.ssic", "U: suppress-suspended interruption",
    32, nil, 0x00080000)
field("orb_b", ProtoField.bool, "chansim.css.orb.transport", "B: transport mode", 32, nil,
    0x00040000)
field("orb_h", ProtoField.bool, "chansim.css.orb.c64", "H: format-2 IDAWs", 32, nil,
    0x00020000)
field("orb_t", ProtoField.bool, "chansim.css.orb.i2k", "T: 2K-byte IDAW blocks", 32, nil,
    0x00010000)
field("orb_lpm", ProtoField.uint32, "chansim.css.orb.lpm", "Logical path mask", base.HEX, nil,
    0x0000FF00)
field("orb_l", ProtoField.bool, "chansim.css.orb.ils", "L: incorrect-length suppression", 32,
    nil, 0x00000080)
field("orb_d", ProtoField.bool, "chansim.css.orb.midaw", "D: MIDAW control", 32, nil,
    0x00000040)
field("orb_rsvd", ProtoField.uint32, "chansim.css.orb.reserved_bits", "Reserved bits",
    base.HEX, nil, 0x0000003E)
field("orb_x", ProtoField.bool, "chansim.css.orb.orbx", "X: ORB extension", 32, nil,
    0x00000001)
field("orb_cpa", ProtoField.uint32, "chansim.css.orb.cpa", "Channel-program address",
    base.HEX)
field("orb_css_prio", ProtoField.uint8, "chansim.css.orb.css_priority",
    "Channel-subsystem priority", base.DEC)
field("orb_cu_prio", ProtoField.uint8, "chansim.css.orb.cu_priority", "Control-unit priority",
    base.DEC)
field("orb_ext", ProtoField.bytes, "chansim.css.orb.reserved", "Reserved")
field("ccw", ProtoField.bytes, "chansim.css.ccw", "CCW")
field("ccw_cmd", ProtoField.uint8, "chansim.css.ccw.cmd", "Command code", base.HEX, vs_ccw_cmd)
field("ccw_flags", ProtoField.uint8, "chansim.css.ccw.flags", "Flags", base.HEX)
field("ccw_cd", ProtoField.bool, "chansim.css.ccw.cd", "CD: chain data", 8, nil, 0x80)
field("ccw_cc", ProtoField.bool, "chansim.css.ccw.cc", "CC: chain command", 8, nil, 0x40)
field("ccw_sli", ProtoField.bool, "chansim.css.ccw.sli", "SLI: suppress length indication", 8,
    nil, 0x20)
field("ccw_skip", ProtoField.bool, "chansim.css.ccw.skip", "SKP: skip", 8, nil, 0x10)
field("ccw_pci", ProtoField.bool, "chansim.css.ccw.pci", "PCI: program-controlled interruption",
    8, nil, 0x08)
field("ccw_ida", ProtoField.bool, "chansim.css.ccw.ida", "IDA: indirect data address", 8, nil,
    0x04)
field("ccw_s", ProtoField.bool, "chansim.css.ccw.suspend", "S: suspend", 8, nil, 0x02)
field("ccw_mida", ProtoField.bool, "chansim.css.ccw.mida", "MIDA: modified IDA", 8, nil, 0x01)
field("ccw_count", ProtoField.uint16, "chansim.css.ccw.count", "Count", base.DEC)
field("ccw_cda", ProtoField.uint32, "chansim.css.ccw.cda", "Data address", base.HEX)
field("scsw", ProtoField.bytes, "chansim.css.scsw", "SCSW")
field("scsw_word0", ProtoField.uint32, "chansim.css.scsw.word0", "Word 0", base.HEX)
field("scsw_key", ProtoField.uint32, "chansim.css.scsw.key", "Key", base.DEC, nil, 0xF0000000)
field("scsw_s", ProtoField.bool, "chansim.css.scsw.suspend", "S: suspend control", 32, nil,
    0x08000000)
field("scsw_l", ProtoField.bool, "chansim.css.scsw.eswf", "L: ESW format 0", 32, nil,
    0x04000000)
field("scsw_cc", ProtoField.uint32, "chansim.css.scsw.cc", "Deferred condition code", base.DEC,
    vs_scsw_cc, 0x03000000)
field("scsw_f", ProtoField.bool, "chansim.css.scsw.format1", "F: format-1 CCWs", 32, nil,
    0x00800000)
field("scsw_p", ProtoField.bool, "chansim.css.scsw.prefetch", "P: prefetch", 32, nil,
    0x00400000)
field("scsw_i", ProtoField.bool, "chansim.css.scsw.isic", "I: initial-status interruption", 32,
    nil, 0x00200000)
field("scsw_a", ProtoField.bool, "chansim.css.scsw.alcc", "A: address-limit checking", 32, nil,
    0x00100000)
field("scsw_u", ProtoField.bool, "chansim.css.scsw.ssi", "U: suppress-suspended interruption",
    32, nil, 0x00080000)
field("scsw_z", ProtoField.bool, "chansim.css.scsw.zcc", "Z: zero condition code", 32, nil,
    0x00040000)
field("scsw_e", ProtoField.bool, "chansim.css.scsw.ectl", "E: extended control", 32, nil,
    0x00020000)
field("scsw_n", ProtoField.bool, "chansim.css.scsw.pno", "N: path not operational", 32, nil,
    0x00010000)
field("scsw_fctl", ProtoField.uint32, "chansim.css.scsw.fctl", "Function control", base.HEX,
    nil, 0x00007000)
field("scsw_fc_start", ProtoField.bool, "chansim.css.scsw.fctl.start", "Start function", 32,
    nil, 0x00004000)
field("scsw_fc_halt", ProtoField.bool, "chansim.css.scsw.fctl.halt", "Halt function", 32, nil,
    0x00002000)
field("scsw_fc_clear", ProtoField.bool, "chansim.css.scsw.fctl.clear", "Clear function", 32,
    nil, 0x00001000)
field("scsw_actl", ProtoField.uint32, "chansim.css.scsw.actl", "Activity control", base.HEX,
    nil, 0x00000FE0)
field("scsw_ac_resume", ProtoField.bool, "chansim.css.scsw.actl.resume_pending",
    "Resume pending", 32, nil, 0x00000800)
field("scsw_ac_start", ProtoField.bool, "chansim.css.scsw.actl.start_pending",
    "Start pending", 32, nil, 0x00000400)
field("scsw_ac_halt", ProtoField.bool, "chansim.css.scsw.actl.halt_pending", "Halt pending", 32,
    nil, 0x00000200)
field("scsw_ac_clear", ProtoField.bool, "chansim.css.scsw.actl.clear_pending",
    "Clear pending", 32, nil, 0x00000100)
field("scsw_ac_sch", ProtoField.bool, "chansim.css.scsw.actl.subchannel_active",
    "Subchannel active", 32, nil, 0x00000080)
field("scsw_ac_dev", ProtoField.bool, "chansim.css.scsw.actl.device_active", "Device active",
    32, nil, 0x00000040)
field("scsw_ac_susp", ProtoField.bool, "chansim.css.scsw.actl.suspended", "Suspended", 32, nil,
    0x00000020)
field("scsw_stctl", ProtoField.uint32, "chansim.css.scsw.stctl", "Status control", base.HEX,
    nil, 0x0000001F)
field("scsw_sc_alert", ProtoField.bool, "chansim.css.scsw.stctl.alert", "Alert status", 32, nil,
    0x00000010)
field("scsw_sc_inter", ProtoField.bool, "chansim.css.scsw.stctl.intermediate",
    "Intermediate status", 32, nil, 0x00000008)
field("scsw_sc_prim", ProtoField.bool, "chansim.css.scsw.stctl.primary", "Primary status", 32,
    nil, 0x00000004)
field("scsw_sc_sec", ProtoField.bool, "chansim.css.scsw.stctl.secondary", "Secondary status",
    32, nil, 0x00000002)
field("scsw_sc_pend", ProtoField.bool, "chansim.css.scsw.stctl.pending", "Status pending", 32,
    nil, 0x00000001)
field("scsw_cpa", ProtoField.uint32, "chansim.css.scsw.cpa", "CCW address", base.HEX)
field("scsw_dstat", ProtoField.uint8, "chansim.css.scsw.dstat", "Device status", base.HEX)
field("ds_attn", ProtoField.bool, "chansim.css.scsw.dstat.attention", "Attention", 8, nil, 0x80)
field("ds_sm", ProtoField.bool, "chansim.css.scsw.dstat.status_modifier", "Status modifier", 8,
    nil, 0x40)
field("ds_cue", ProtoField.bool, "chansim.css.scsw.dstat.cu_end", "Control-unit end", 8, nil,
    0x20)
field("ds_busy", ProtoField.bool, "chansim.css.scsw.dstat.busy", "Busy", 8, nil, 0x10)
field("ds_ce", ProtoField.bool, "chansim.css.scsw.dstat.channel_end", "Channel end", 8, nil,
    0x08)
field("ds_de", ProtoField.bool, "chansim.css.scsw.dstat.device_end", "Device end", 8, nil, 0x04)
field("ds_uc", ProtoField.bool, "chansim.css.scsw.dstat.unit_check", "Unit check", 8, nil, 0x02)
field("ds_ue", ProtoField.bool, "chansim.css.scsw.dstat.unit_exception", "Unit exception", 8,
    nil, 0x01)
field("scsw_cstat", ProtoField.uint8, "chansim.css.scsw.cstat", "Subchannel status", base.HEX)
field("cs_pci", ProtoField.bool, "chansim.css.scsw.cstat.pci",
    "Program-controlled interruption", 8, nil, 0x80)
field("cs_il", ProtoField.bool, "chansim.css.scsw.cstat.incorrect_length", "Incorrect length", 8,
    nil, 0x40)
field("cs_pgm", ProtoField.bool, "chansim.css.scsw.cstat.program_check", "Program check", 8, nil,
    0x20)
field("cs_prot", ProtoField.bool, "chansim.css.scsw.cstat.protection_check", "Protection check",
    8, nil, 0x10)
field("cs_cdc", ProtoField.bool, "chansim.css.scsw.cstat.channel_data_check",
    "Channel-data check", 8, nil, 0x08)
field("cs_ccc", ProtoField.bool, "chansim.css.scsw.cstat.channel_control_check",
    "Channel-control check", 8, nil, 0x04)
field("cs_icc", ProtoField.bool, "chansim.css.scsw.cstat.interface_control_check",
    "Interface-control check", 8, nil, 0x02)
field("cs_chc", ProtoField.bool, "chansim.css.scsw.cstat.chaining_check", "Chaining check", 8,
    nil, 0x01)
field("scsw_count", ProtoField.uint16, "chansim.css.scsw.count", "Residual count", base.DEC)
field("esw", ProtoField.bytes, "chansim.css.irb.esw", "ESW")
field("esw_sublog", ProtoField.uint32, "chansim.css.irb.esw.sublog", "Subchannel logout",
    base.HEX)
field("esw_esf", ProtoField.uint32, "chansim.css.irb.esw.esf", "Extended-status flags",
    base.HEX, nil, 0x7F000000)
field("esw_lpum", ProtoField.uint32, "chansim.css.irb.esw.lpum", "Last-path-used mask",
    base.HEX, nil, 0x00FF0000)
field("esw_arep", ProtoField.bool, "chansim.css.irb.esw.arep", "Ancillary report", 32, nil,
    0x00008000)
field("esw_fvf", ProtoField.uint32, "chansim.css.irb.esw.fvf", "Field-validity flags", base.HEX,
    nil, 0x00007C00)
field("esw_sacc", ProtoField.uint32, "chansim.css.irb.esw.sacc", "Storage access code",
    base.DEC, nil, 0x00000300)
field("esw_termc", ProtoField.uint32, "chansim.css.irb.esw.termc", "Termination code", base.DEC,
    nil, 0x000000C0)
field("esw_devsc", ProtoField.bool, "chansim.css.irb.esw.devsc", "Device-status check", 32, nil,
    0x00000020)
field("esw_serr", ProtoField.bool, "chansim.css.irb.esw.serr", "Secondary error", 32, nil,
    0x00000010)
field("esw_ioerr", ProtoField.bool, "chansim.css.irb.esw.ioerr", "I/O-error alert", 32, nil,
    0x00000008)
field("esw_seq", ProtoField.uint32, "chansim.css.irb.esw.seq", "Sequence code", base.DEC, nil,
    0x00000007)
field("esw_erw", ProtoField.uint32, "chansim.css.irb.esw.erw", "Extended-report word",
    base.HEX)
field("erw_pvrf", ProtoField.bool, "chansim.css.irb.esw.erw.pvrf", "Path verification required",
    32, nil, 0x08000000)
field("erw_cpt", ProtoField.bool, "chansim.css.irb.esw.erw.cpt", "Channel-path timeout", 32, nil,
    0x04000000)
field("erw_fsavf", ProtoField.bool, "chansim.css.irb.esw.erw.fsavf",
    "Failing-storage address valid", 32, nil, 0x02000000)
field("erw_cons", ProtoField.bool, "chansim.css.irb.esw.erw.cons", "Concurrent sense", 32, nil,
    0x01000000)
field("erw_scnt", ProtoField.uint32, "chansim.css.irb.esw.erw.scnt", "Sense count", base.DEC,
    nil, 0x003F0000)
field("esw_faddr", ProtoField.uint64, "chansim.css.irb.esw.faddr", "Failing-storage address",
    base.HEX)
field("esw_saddr", ProtoField.uint32, "chansim.css.irb.esw.saddr", "Secondary CCW address",
    base.HEX)
field("esw_words", ProtoField.bytes, "chansim.css.irb.esw.reserved", "Reserved")
field("ecw", ProtoField.bytes, "chansim.css.irb.ecw", "Extended-control word")
field("emw", ProtoField.bytes, "chansim.css.irb.emw", "Extended-measurement word")

-- visor (little-endian, x86 structures of include/linux/visorbus.h)
field("visor_kind", ProtoField.uint16, "chansim.visor.kind", "Visor kind", base.DEC,
    vs_visor_kind)
field("v_queue", ProtoField.uint32, "chansim.visor.queue", "Queue", base.DEC)
field("v_slot", ProtoField.uint32, "chansim.visor.slot", "Slot", base.DEC)
field("v_rsvd", ProtoField.uint32, "chansim.visor.reserved", "Reserved", base.HEX)
field("v_signal", ProtoField.bytes, "chansim.visor.signal", "Signal")
field("ch_sig", ProtoField.uint64, "chansim.visor.ch.signature", "Signature", base.HEX)
field("ch_legacy", ProtoField.uint32, "chansim.visor.ch.legacy_state", "Legacy state", base.DEC)
field("ch_hsize", ProtoField.uint32, "chansim.visor.ch.header_size", "Header size", base.DEC)
field("ch_size", ProtoField.uint64, "chansim.visor.ch.size", "Channel size", base.DEC)
field("ch_features", ProtoField.uint64, "chansim.visor.ch.features", "Features", base.HEX)
field("ch_type", ProtoField.guid, "chansim.visor.ch.chtype", "Channel type")
field("ch_part", ProtoField.uint64, "chansim.visor.ch.partition_handle", "Partition handle",
    base.HEX)
field("ch_handle", ProtoField.uint64, "chansim.visor.ch.handle", "Handle", base.HEX)
field("ch_space", ProtoField.uint64, "chansim.visor.ch.ch_space_offset", "Queue space offset",
    base.DEC)
field("ch_version", ProtoField.uint32, "chansim.visor.ch.version_id", "Version", base.DEC)
field("ch_pindex", ProtoField.uint32, "chansim.visor.ch.partition_index", "Partition index",
    base.DEC)
field("ch_zone", ProtoField.guid, "chansim.visor.ch.zone_guid", "Zone GUID")
field("ch_clistr", ProtoField.uint32, "chansim.visor.ch.cli_str_offset", "Client string offset",
    base.DEC)
field("ch_cli_boot", ProtoField.uint32, "chansim.visor.ch.cli_state_boot", "Boot client state",
    base.DEC, vs_visor_client_state)
field("ch_cmd_cli", ProtoField.uint32, "chansim.visor.ch.cmd_state_cli", "Client command state",
    base.DEC)
field("ch_cli_os", ProtoField.uint32, "chansim.visor.ch.cli_state_os", "OS client state",
    base.DEC, vs_visor_client_state)
field("ch_char", ProtoField.uint32, "chansim.visor.ch.ch_characteristic", "Characteristic",
    base.HEX)
field("ch_cmd_srv", ProtoField.uint32, "chansim.visor.ch.cmd_state_srv", "Server command state",
    base.DEC)
field("ch_srv", ProtoField.uint32, "chansim.visor.ch.srv_state", "Server state", base.DEC,
    vs_visor_srv_state)
field("ch_err_boot", ProtoField.uint8, "chansim.visor.ch.cli_error_boot", "Boot client errors",
    base.HEX)
field("ch_err_os", ProtoField.uint8, "chansim.visor.ch.cli_error_os", "OS client errors",
    base.HEX)
field("ch_filler", ProtoField.uint8, "chansim.visor.ch.filler", "Filler", base.HEX)
field("ch_recover", ProtoField.uint8, "chansim.visor.ch.recover_channel", "Recover channel",
    base.HEX)
field("sq_version", ProtoField.uint32, "chansim.visor.sq.version", "Version", base.DEC)
field("sq_type", ProtoField.uint32, "chansim.visor.sq.chtype", "Queue type", base.DEC)
field("sq_size", ProtoField.uint64, "chansim.visor.sq.size", "Slot area size", base.DEC)
field("sq_base", ProtoField.uint64, "chansim.visor.sq.sig_base_offset", "Slot 0 offset",
    base.DEC)
field("sq_features", ProtoField.uint64, "chansim.visor.sq.features", "Features", base.HEX)
field("sq_sent", ProtoField.uint64, "chansim.visor.sq.num_sent", "Signals sent", base.DEC)
field("sq_overflows", ProtoField.uint64, "chansim.visor.sq.num_overflows", "Overflows",
    base.DEC)
field("sq_sigsize", ProtoField.uint32, "chansim.visor.sq.signal_size", "Signal size", base.DEC)
field("sq_slots", ProtoField.uint32, "chansim.visor.sq.max_slots", "Slots", base.DEC)
field("sq_signals", ProtoField.uint32, "chansim.visor.sq.max_signals", "Max signals", base.DEC)
field("sq_head", ProtoField.uint32, "chansim.visor.sq.head", "Head", base.DEC)
field("sq_received", ProtoField.uint64, "chansim.visor.sq.num_received", "Signals received",
    base.DEC)
field("sq_tail", ProtoField.uint32, "chansim.visor.sq.tail", "Tail", base.DEC)
field("sq_rsvd1", ProtoField.uint32, "chansim.visor.sq.reserved1", "Reserved 1", base.HEX)
field("sq_rsvd2", ProtoField.uint64, "chansim.visor.sq.reserved2", "Reserved 2", base.HEX)
field("sq_client", ProtoField.uint64, "chansim.visor.sq.client_queue", "Client queue",
    base.HEX)
field("sq_irqs", ProtoField.uint64, "chansim.visor.sq.num_irq_received", "Interrupts received",
    base.DEC)
field("sq_empty", ProtoField.uint64, "chansim.visor.sq.num_empty", "Empty removes", base.DEC)
field("sq_errors", ProtoField.uint32, "chansim.visor.sq.errorflags", "Error flags", base.HEX)
field("sq_filler", ProtoField.bytes, "chansim.visor.sq.filler", "Filler")
field("cv_id", ProtoField.uint32, "chansim.visor.controlvm.id", "Message id", base.HEX,
    vs_controlvm_id)
field("cv_size", ProtoField.uint32, "chansim.visor.controlvm.message_size", "Message size",
    base.DEC)
field("cv_segment", ProtoField.uint32, "chansim.visor.controlvm.segment_index",
    "Segment index", base.DEC)
field("cv_status", ProtoField.int32, "chansim.visor.controlvm.completion_status",
    "Completion status", base.DEC)
field("cv_flags", ProtoField.uint32, "chansim.visor.controlvm.flags", "Flags", base.HEX)
field("cv_failed", ProtoField.bool, "chansim.visor.controlvm.flags.failed", "Failed", 32, nil,
    0x00000001)
field("cv_resp", ProtoField.bool, "chansim.visor.controlvm.flags.response_expected",
    "Response expected", 32, nil, 0x00000002)
field("cv_server", ProtoField.bool, "chansim.visor.controlvm.flags.server", "Server", 32, nil,
    0x00000004)
field("cv_test", ProtoField.bool, "chansim.visor.controlvm.flags.test_message", "Test message",
    32, nil, 0x00000008)
field("cv_partial", ProtoField.bool, "chansim.visor.controlvm.flags.partial_completion",
    "Partial completion", 32, nil, 0x00000010)
field("cv_preserve", ProtoField.bool, "chansim.visor.controlvm.flags.preserve", "Preserve", 32,
    nil, 0x00000020)
field("cv_diag", ProtoField.bool, "chansim.visor.controlvm.flags.writer_in_diag",
    "Writer in diagnostic mode", 32, nil, 0x00000040)
field("cv_rsvd", ProtoField.uint32, "chansim.visor.controlvm.reserved", "Reserved", base.HEX)
field("cv_handle", ProtoField.uint64, "chansim.visor.controlvm.message_handle",
    "Message handle", base.HEX)
field("cv_poff", ProtoField.uint64, "chansim.visor.controlvm.payload_vm_offset",
    "Payload offset", base.HEX)
field("cv_pmax", ProtoField.uint32, "chansim.visor.controlvm.payload_max_bytes",
    "Payload max bytes", base.DEC)
field("cv_pbytes", ProtoField.uint32, "chansim.visor.controlvm.payload_bytes", "Payload bytes",
    base.DEC)
field("cv_packet", ProtoField.bytes, "chansim.visor.controlvm.packet", "Packet")
field("cmdtype", ProtoField.uint8, "chansim.visor.cmdrsp.cmdtype", "Command type", base.DEC,
    vs_cmdtype)

local field_list = {}
for _, f in pairs(F) do
    field_list[#field_list + 1] = f
end
chansim.fields = field_list

local ef_short = ProtoExpert.new("chansim.short", "Payload shorter than its kind needs",
    expert.group.MALFORMED, expert.severity.ERROR)
local ef_truncated = ProtoExpert.new("chansim.truncated",
    "Packet cut at the capture's snap length", expert.group.SEQUENCE, expert.severity.NOTE)
local ef_unknown = ProtoExpert.new("chansim.unknown", "Unknown kind or magic",
    expert.group.UNDECODED, expert.severity.WARN)
chansim.experts = { ef_short, ef_truncated, ef_unknown }

chansim.prefs.crq_vmc = Pref.bool("Decode CRQ payload elements as VMC", true,
    "CRQ elements with header 0x80 carry the VMC protocol (ibmvmc); the only CRQ adapters " ..
    "chansim simulates are VMC adapters")
chansim.prefs.visor_controlvm = Pref.bool("Decode 128-byte visor signals as ControlVM", true,
    "Signals of 128 bytes are ControlVM messages (struct controlvm_message)")

local f_ifname = Field.new("frame.interface_name")

-- ---- crq ----

local function need(tvb, tree, len)
    if tvb:len() < len then
        tree:add_proto_expert_info(ef_short, string.format(
            "payload has %d bytes, at least %d needed", tvb:len(), len))
        return false
    end
    return true
end

-- VMC message in an 0x80 element (crq-vmc.md §2.3); returns a summary.
local function dissect_vmc(e, tree)
    local t = e(1, 1):uint()
    local name = vs_name(vs_vmc_type, t)
    local vt = tree:add(F.vmc_type, e(1, 1))
    if t == VMC_CAP or t == VMC_CAP_RESP then
        tree:add(F.cap_status, e(2, 1))
        tree:add(F.cap_rsvd, e(3, 2))
        tree:add(F.cap_max_hmc, e(5, 1))
        tree:add(F.cap_pool, e(6, 2))
        tree:add(F.cap_mtu, e(8, 4))
        tree:add(F.cap_crq, e(12, 2))
        local ver = e(14, 2):uint()
        tree:add(F.cap_version, e(14, 2)):append_text(string.format(" (%d.%d)",
            bits(ver, 8, 8), bits(ver, 0, 8)))
        return string.format("%s status %d max_hmc %d pool %d mtu %d crq %d version %s", name,
            e(2, 1):uint(), e(5, 1):uint(), e(6, 2):uint(), e(8, 4):uint(), e(12, 2):uint(),
            hex(ver, 4))
    end
    tree:add(F.vmc_status, e(2, 1))
    if t == VMC_ADD_BUF then
        tree:add(F.vmc_owner, e(3, 1))
    else
        tree:add(F.vmc_var1, e(3, 1))
    end
    tree:add(F.vmc_session, e(4, 1))
    tree:add(F.vmc_index, e(5, 1))
    local bi = tree:add(F.vmc_buffer, e(6, 2))
    if e(6, 2):uint() == 0xFFFF then
        bi:append_text(" (invalid)")
    end
    tree:add(F.vmc_rsvd, e(8, 4))
    local s = string.format("%s session %d index %d buffer %d", name, e(4, 1):uint(),
        e(5, 1):uint(), e(6, 2):uint())
    if t == VMC_ADD_BUF then
        tree:add(F.vmc_lioba, e(12, 4))
        s = s .. " lioba " .. hex(e(12, 4):uint())
    elseif t == VMC_SIGNAL then
        tree:add(F.vmc_msg_len, e(12, 4))
        s = s .. " msg_len " .. e(12, 4):uint()
    else
        tree:add(F.vmc_var3, e(12, 4))
    end
    if bits(t, 7, 1) == 1 then
        s = s .. " status " .. vs_name(vs_vmc_status, e(2, 1):uint())
    end
    return s
end

-- A 16-byte CRQ element; returns a summary.
local function dissect_element(e, tree)
    local et = tree:add(F.element, e())
    local h = e(0, 1):uint()
    et:add(F.header, e(0, 1))
    local s
    if h == 0xC0 then
        et:add(F.init, e(1, 1))
        et:add(F.el_data, e(2, 14))
        s = vs_name(vs_crq_init, e(1, 1):uint(), "init format")
    elseif h == 0xFF then
        et:add(F.ev_reason, e(1, 1))
        et:add(F.ev_status, e(2, 1))
        et:add(F.el_data, e(3, 13))
        s = "transport event: " .. vs_name(vs_crq_event, e(1, 1):uint(), "reason")
    elseif h == 0x80 and chansim.prefs.crq_vmc then
        s = "VMC " .. dissect_vmc(e, et)
    elseif h == 0 then
        et:add(F.el_data, e(1, 15))
        s = "free"
    else
        et:add(F.el_data, e(1, 15))
        s = "header " .. hex(h, 2)
    end
    et:append_text(": " .. s)
    return s
end

local function u64(r)
    return r:uint64()
end

-- A be64 PAPR return code; every defined code fits the int32 field.
local function add_rc(tree, f, r)
    local rc = r:int64():tonumber()
    if rc >= -2147483648 and rc <= 2147483647 then
        tree:add(f, r, rc)
    else
        tree:add(F.hc_ret, r)
    end
    return rc
end

local function dissect_hcall(tvb, tree)
    if not need(tvb, tree, 8) then
        return "HCALL"
    end
    local op = u64(tvb(0, 8))
    local opn = op:lower()
    tree:add(F.hc_opcode, tvb(0, 8), opn)
    local name = vs_name(vs_hcall, opn, "hcall")
    local nargs = math.floor((tvb:len() - 8) / 8)
    local function arg(i) return tvb(8 + 8 * i, 8) end
    local used = 0
    local s = name
    if opn == H_REG_CRQ and nargs >= 3 then
        tree:add(F.hc_unit, arg(0))
        tree:add(F.hc_qioba, arg(1))
        tree:add(F.hc_qlen, arg(2))
        used = 3
        s = string.format("%s unit %s ioba %s len %s", name, hex64(u64(arg(0))),
            hex64(u64(arg(1))), tostring(u64(arg(2))))
    elseif (opn == H_FREE_CRQ or opn == H_ENABLE_CRQ) and nargs >= 1 then
        tree:add(F.hc_unit, arg(0))
        used = 1
    elseif opn == H_VIO_SIGNAL and nargs >= 2 then
        tree:add(F.hc_unit, arg(0))
        local mode = u64(arg(1))
        tree:add(F.hc_mode, arg(1), mode:lower())
        used = 2
        s = name .. " " .. vs_name(vs_signal_mode, mode:lower(), "mode")
    elseif opn == H_SEND_CRQ and nargs >= 3 then
        tree:add(F.hc_unit, arg(0))
        tree:add(F.hc_word1, arg(1))
        tree:add(F.hc_word2, arg(2))
        used = 3
        -- the hypervisor stores word1, word2 big-endian: the element is their 16 bytes
        s = name .. ": " .. dissect_element(tvb(16, 16):tvb(), tree)
    elseif opn == H_COPY_RDMA and nargs >= 5 then
        tree:add(F.hc_len, arg(0))
        tree:add(F.hc_sliobn, arg(1))
        tree:add(F.hc_sioba, arg(2))
        tree:add(F.hc_dliobn, arg(3))
        tree:add(F.hc_dioba, arg(4))
        used = 5
        s = string.format("%s %s bytes %s:%s -> %s:%s", name, tostring(u64(arg(0))),
            hex64(u64(arg(1))), hex64(u64(arg(2))), hex64(u64(arg(3))), hex64(u64(arg(4))))
    end
    for i = used, nargs - 1 do
        tree:add(F.hc_arg, arg(i))
    end
    return s
end

local function dissect_hcall_ret(tvb, tree)
    if not need(tvb, tree, 16) then
        return "HCALL_RET"
    end
    local opn = u64(tvb(0, 8)):lower()
    tree:add(F.hc_opcode, tvb(0, 8), opn)
    local rc = add_rc(tree, F.hc_rc, tvb(8, 8))
    local nrets = math.floor((tvb:len() - 16) / 8)
    for i = 0, nrets - 1 do
        if opn == H_REQUEST_VMC and i == 0 then
            tree:add(F.hc_drc, tvb(16, 8))
        else
            tree:add(F.hc_ret, tvb(16 + 8 * i, 8))
        end
    end
    return string.format("%s returns %s", vs_name(vs_hcall, opn, "hcall"),
        vs_name(vs_hcall_rc, rc, "rc"))
end

-- Each family dissector gets the payload (as captured), its tree, the kind and the payload's
-- full length (more than tvb:len() when the export cut the packet at the snap length).
local function dissect_crq(tvb, tree, kind, reported)
    if kind == 1 then
        return dissect_hcall(tvb, tree)
    elseif kind == 2 then
        return dissect_hcall_ret(tvb, tree)
    elseif kind == 3 then
        if not need(tvb, tree, 24) then
            return "ELEMENT"
        end
        tree:add(F.slot, tvb(0, 4))
        tree:add(F.entries, tvb(4, 4))
        return string.format("slot %d: %s", tvb(0, 4):uint(),
            dissect_element(tvb(8, 16):tvb(), tree))
    elseif kind == 4 then
        if not need(tvb, tree, 4) then
            return "IRQ"
        end
        tree:add(F.irq, tvb(0, 4))
        return "interrupt " .. tvb(0, 4):uint()
    elseif kind == 5 then
        if not need(tvb, tree, 4) then
            return "CONSUMED"
        end
        tree:add(F.slot, tvb(0, 4))
        return "consumed slot " .. tvb(0, 4):uint()
    elseif kind == 6 then
        if not need(tvb, tree, 32) then
            return "RDMA"
        end
        tree:add(F.rd_sliobn, tvb(0, 8))
        tree:add(F.rd_sioba, tvb(8, 8))
        tree:add(F.rd_dliobn, tvb(16, 8))
        tree:add(F.rd_dioba, tvb(24, 8))
        -- the length copied, also when the capture holds less of it
        local n = reported - 32
        tree:add(F.rd_len, n):set_generated()
        if tvb:len() > 32 then
            tree:add(F.rd_data, tvb(32))
        end
        return string.format("RDMA %d bytes %s:%s -> %s:%s", n, hex64(u64(tvb(0, 8))),
            hex64(u64(tvb(8, 8))), hex64(u64(tvb(16, 8))), hex64(u64(tvb(24, 8))))
    elseif kind == 7 then
        if not need(tvb, tree, 24) then
            return "HV_SEND_FAILED"
        end
        local rc = add_rc(tree, F.sf_rc, tvb(0, 8))
        return string.format("hypervisor send failed (%s): %s", vs_name(vs_hcall_rc, rc, "rc"),
            dissect_element(tvb(8, 16):tvb(), tree))
    elseif kind == 8 then
        if not need(tvb, tree, 4) then
            return "QUEUE_STATE"
        end
        tree:add(F.qstate, tvb(0, 4))
        return "queue state " .. vs_name(vs_queue_state, tvb(0, 4):uint(), "state")
    end
    return nil
end

-- ---- css ----

local function ccw_operation(cmd)
    local lo = cmd % 16
    if lo == 0 then
        return "invalid"
    elseif lo == 4 then
        return "sense"
    elseif lo == 8 then
        return "transfer in channel"
    elseif lo == 12 then
        return "read backward"
    end
    return ({ [1] = "write", [2] = "read", [3] = "control" })[cmd % 4]
end

local function dissect_scsw(r, tree)
    local st = tree:add(F.scsw, r)
    local w0 = st:add(F.scsw_word0, r(0, 4))
    for _, k in ipairs({ "scsw_key", "scsw_s", "scsw_l", "scsw_cc", "scsw_f", "scsw_p",
        "scsw_i", "scsw_a", "scsw_u", "scsw_z", "scsw_e", "scsw_n" }) do
        w0:add(F[k], r(0, 4))
    end
    local fc = w0:add(F.scsw_fctl, r(0, 4))
    for _, k in ipairs({ "scsw_fc_start", "scsw_fc_halt", "scsw_fc_clear" }) do
        fc:add(F[k], r(0, 4))
    end
    local ac = w0:add(F.scsw_actl, r(0, 4))
    for _, k in ipairs({ "scsw_ac_resume", "scsw_ac_start", "scsw_ac_halt", "scsw_ac_clear",
        "scsw_ac_sch", "scsw_ac_dev", "scsw_ac_susp" }) do
        ac:add(F[k], r(0, 4))
    end
    local sc = w0:add(F.scsw_stctl, r(0, 4))
    for _, k in ipairs({ "scsw_sc_alert", "scsw_sc_inter", "scsw_sc_prim", "scsw_sc_sec",
        "scsw_sc_pend" }) do
        sc:add(F[k], r(0, 4))
    end
    st:add(F.scsw_cpa, r(4, 4))
    local ds = st:add(F.scsw_dstat, r(8, 1))
    for _, k in ipairs({ "ds_attn", "ds_sm", "ds_cue", "ds_busy", "ds_ce", "ds_de", "ds_uc",
        "ds_ue" }) do
        ds:add(F[k], r(8, 1))
    end
    local cs = st:add(F.scsw_cstat, r(9, 1))
    for _, k in ipairs({ "cs_pci", "cs_il", "cs_pgm", "cs_prot", "cs_cdc", "cs_ccc", "cs_icc",
        "cs_chc" }) do
        cs:add(F[k], r(9, 1))
    end
    st:add(F.scsw_count, r(10, 2))
    local s = string.format("cpa %s dstat %s cstat %s count %d", hex(r(4, 4):uint(), 8),
        hex(r(8, 1):uint(), 2), hex(r(9, 1):uint(), 2), r(10, 2):uint())
    st:append_text(": " .. s)
    return s
end

local function dissect_css(tvb, tree, kind, reported)
    if kind == 1 then
        if not need(tvb, tree, 12) then
            return "ORB"
        end
        tree:add(F.orb_intparm, tvb(0, 4))
        local w1 = tree:add(F.orb_word1, tvb(4, 4))
        for _, k in ipairs({ "orb_key", "orb_s", "orb_c", "orb_m", "orb_y", "orb_f", "orb_p",
            "orb_i", "orb_a", "orb_u", "orb_b", "orb_h", "orb_t", "orb_lpm", "orb_l", "orb_d",
            "orb_rsvd", "orb_x" }) do
            w1:add(F[k], tvb(4, 4))
        end
        tree:add(F.orb_cpa, tvb(8, 4))
        if tvb:len() >= 16 then
            tree:add(F.orb_css_prio, tvb(12, 1))
            tree:add(F.orb_cu_prio, tvb(14, 1))
        end
        if tvb:len() > 16 then
            tree:add(F.orb_ext, tvb(16))
        end
        return string.format("ORB intparm %s cpa %s lpm %s", hex(tvb(0, 4):uint(), 8),
            hex(tvb(8, 4):uint(), 8), hex(tvb(6, 1):uint(), 2))
    elseif kind == 2 then
        if not need(tvb, tree, 8) then
            return "CCW"
        end
        local n = math.floor(tvb:len() / 8)
        local first
        for i = 0, n - 1 do
            local r = tvb(8 * i, 8)
            local cmd = r(0, 1):uint()
            local ct = tree:add(F.ccw, r)
            ct:add(F.ccw_cmd, r(0, 1)):append_text(" [" .. ccw_operation(cmd) .. "]")
            local fl = ct:add(F.ccw_flags, r(1, 1))
            for _, k in ipairs({ "ccw_cd", "ccw_cc", "ccw_sli", "ccw_skip", "ccw_pci",
                "ccw_ida", "ccw_s", "ccw_mida" }) do
                fl:add(F[k], r(1, 1))
            end
            ct:add(F.ccw_count, r(2, 2))
            ct:add(F.ccw_cda, r(4, 4))
            local s = string.format("cmd %s flags %s count %d cda %s", hex(cmd, 2),
                hex(r(1, 1):uint(), 2), r(2, 2):uint(), hex(r(4, 4):uint(), 8))
            ct:append_text(" " .. i .. ": " .. s)
            first = first or s
        end
        if n > 1 then
            return string.format("%d CCWs, first %s", n, first)
        end
        return "CCW " .. first
    elseif kind == 3 then
        if not need(tvb, tree, 12) then
            return "SCSW"
        end
        return "SCSW " .. dissect_scsw(tvb(0, 12), tree)
    elseif kind == 4 then
        if not need(tvb, tree, 32) then
            return "IRB"
        end
        local s = dissect_scsw(tvb(0, 12), tree)
        local et = tree:add(F.esw, tvb(12, 20))
        -- SCSW L (word 0 bit 5) selects the format-0 ESW with a full subchannel logout
        local fmt0 = bits(tvb(0, 1):uint(), 2, 1) == 1
        if fmt0 then
            local sl = et:add(F.esw_sublog, tvb(12, 4))
            for _, k in ipairs({ "esw_esf", "esw_lpum", "esw_arep", "esw_fvf", "esw_sacc",
                "esw_termc", "esw_devsc", "esw_serr", "esw_ioerr", "esw_seq" }) do
                sl:add(F[k], tvb(12, 4))
            end
        else
            et:add(F.esw_lpum, tvb(12, 4))
        end
        local erw = et:add(F.esw_erw, tvb(16, 4))
        for _, k in ipairs({ "erw_pvrf", "erw_cpt", "erw_fsavf", "erw_cons", "erw_scnt" }) do
            erw:add(F[k], tvb(16, 4))
        end
        if fmt0 then
            et:add(F.esw_faddr, tvb(20, 8))
            et:add(F.esw_saddr, tvb(28, 4))
        else
            et:add(F.esw_words, tvb(20, 12))
        end
        if tvb:len() >= 64 then
            tree:add(F.ecw, tvb(32, 32))
        end
        if tvb:len() >= 96 then
            tree:add(F.emw, tvb(64, 32))
        end
        return "IRB " .. s
    end
    return nil
end

-- ---- visor ----

local function dissect_channel_header(r, tree)
    tree:add_le(F.ch_sig, r(0, 8))
    tree:add_le(F.ch_legacy, r(8, 4))
    tree:add_le(F.ch_hsize, r(12, 4))
    tree:add_le(F.ch_size, r(16, 8))
    tree:add_le(F.ch_features, r(24, 8))
    tree:add_le(F.ch_type, r(32, 16))
    tree:add_le(F.ch_part, r(48, 8))
    tree:add_le(F.ch_handle, r(56, 8))
    tree:add_le(F.ch_space, r(64, 8))
    tree:add_le(F.ch_version, r(72, 4))
    tree:add_le(F.ch_pindex, r(76, 4))
    tree:add_le(F.ch_zone, r(80, 16))
    tree:add_le(F.ch_clistr, r(96, 4))
    tree:add_le(F.ch_cli_boot, r(100, 4))
    tree:add_le(F.ch_cmd_cli, r(104, 4))
    tree:add_le(F.ch_cli_os, r(108, 4))
    tree:add_le(F.ch_char, r(112, 4))
    tree:add_le(F.ch_cmd_srv, r(116, 4))
    tree:add_le(F.ch_srv, r(120, 4))
    tree:add(F.ch_err_boot, r(124, 1))
    tree:add(F.ch_err_os, r(125, 1))
    tree:add(F.ch_filler, r(126, 1))
    tree:add(F.ch_recover, r(127, 1))
end

local function dissect_queue_header(r, tree)
    tree:add_le(F.sq_version, r(0, 4))
    tree:add_le(F.sq_type, r(4, 4))
    tree:add_le(F.sq_size, r(8, 8))
    tree:add_le(F.sq_base, r(16, 8))
    tree:add_le(F.sq_features, r(24, 8))
    tree:add_le(F.sq_sent, r(32, 8))
    tree:add_le(F.sq_overflows, r(40, 8))
    tree:add_le(F.sq_sigsize, r(48, 4))
    tree:add_le(F.sq_slots, r(52, 4))
    tree:add_le(F.sq_signals, r(56, 4))
    tree:add_le(F.sq_head, r(60, 4))
    tree:add_le(F.sq_received, r(64, 8))
    tree:add_le(F.sq_tail, r(72, 4))
    tree:add_le(F.sq_rsvd1, r(76, 4))
    tree:add_le(F.sq_rsvd2, r(80, 8))
    tree:add_le(F.sq_client, r(88, 8))
    tree:add_le(F.sq_irqs, r(96, 8))
    tree:add_le(F.sq_empty, r(104, 8))
    tree:add_le(F.sq_errors, r(112, 4))
    tree:add(F.sq_filler, r(116, 12))
    return string.format("head %d tail %d slots %d signal_size %d", r(60, 4):le_uint(),
        r(72, 4):le_uint(), r(52, 4):le_uint(), r(48, 4):le_uint())
end

local function dissect_controlvm(r, tree)
    local id = r(0, 4):le_uint()
    tree:add_le(F.cv_id, r(0, 4))
    tree:add_le(F.cv_size, r(4, 4))
    tree:add_le(F.cv_segment, r(8, 4))
    tree:add_le(F.cv_status, r(12, 4))
    local fl = tree:add_le(F.cv_flags, r(16, 4))
    for _, k in ipairs({ "cv_failed", "cv_resp", "cv_server", "cv_test", "cv_partial",
        "cv_preserve", "cv_diag" }) do
        fl:add_le(F[k], r(16, 4))
    end
    tree:add_le(F.cv_rsvd, r(20, 4))
    tree:add_le(F.cv_handle, r(24, 8))
    tree:add_le(F.cv_poff, r(32, 8))
    tree:add_le(F.cv_pmax, r(40, 4))
    tree:add_le(F.cv_pbytes, r(44, 4))
    tree:add(F.cv_packet, r(48, 80))
    return "ControlVM " .. vs_name(vs_controlvm_id, id, "id")
end

local function dissect_visor(tvb, tree, kind, reported)
    if kind == 1 then
        if not need(tvb, tree, 128) then
            return "CHANNEL_HEADER"
        end
        dissect_channel_header(tvb(0, 128), tree)
        return string.format("channel header size %s version %d", tostring(tvb(16, 8):le_uint64()),
            tvb(72, 4):le_uint())
    elseif kind == 2 then
        if not need(tvb, tree, 136) then
            return "QUEUE_HEADER"
        end
        tree:add_le(F.v_queue, tvb(0, 4))
        tree:add_le(F.v_rsvd, tvb(4, 4))
        return string.format("queue %d header: %s", tvb(0, 4):le_uint(),
            dissect_queue_header(tvb(8, 128), tree))
    elseif kind == 3 then
        if not need(tvb, tree, 8) then
            return "SIGNAL"
        end
        tree:add_le(F.v_queue, tvb(0, 4))
        tree:add_le(F.v_slot, tvb(4, 4))
        local s = string.format("queue %d slot %d signal", tvb(0, 4):le_uint(),
            tvb(4, 4):le_uint())
        local n = reported - 8
        if n > 0 and tvb:len() > 8 then
            local st = tree:add(F.v_signal, tvb(8))
            if n == 128 and tvb:len() >= 136 and chansim.prefs.visor_controlvm then
                s = s .. ": " .. dissect_controlvm(tvb(8, 128), st)
            elseif n >= 1185 then -- struct uiscmdrsp of an IO channel
                st:add(F.cmdtype, tvb(8, 1))
                s = s .. ": " .. vs_name(vs_cmdtype, tvb(8, 1):uint(), "cmdtype")
            end
        end
        return s
    end
    return nil
end

-- ---- main ----

local family_dissectors = {
    [1] = { dissect_crq, "crq_kind", vs_crq_kind, "CRQ" },
    [2] = { dissect_css, "css_kind", vs_css_kind, "CSS" },
    [3] = { dissect_visor, "visor_kind", vs_visor_kind, "visor" },
}

function chansim.dissector(tvb, pinfo, root)
    pinfo.cols.protocol:set("chansim")
    local tree = root:add(chansim, tvb())
    if tvb:len() < 8 then
        tree:add_proto_expert_info(ef_short, "shorter than the 8-byte pseudo-header")
        return
    end
    local magic = tvb(0, 1):uint()
    tree:add(F.magic, tvb(0, 1))
    if magic ~= 0xC1 then
        tree:add_proto_expert_info(ef_unknown, "unknown pseudo-header magic/version " ..
            hex(magic, 2))
        tree:add(F.payload, tvb(1))
        return
    end
    local family = tvb(1, 1):uint()
    local record = tvb(3, 1):uint()
    local kind = tvb(4, 2):uint()
    tree:add(F.family, tvb(1, 1))
    local ifname = f_ifname()
    local channel = ifname and tostring(ifname.value) or nil
    if channel then
        tree:add(F.channel, channel):set_generated()
    end
    local prefix = channel and ("[" .. channel .. "] ") or ""
    if tvb:len() < tvb:reported_length_remaining(0) then
        tree:add_proto_expert_info(ef_truncated, string.format(
            "%d of %d bytes captured", tvb:len(), tvb:reported_length_remaining(0)))
    end

    if record == 1 then
        tree:add(F.level, tvb(2, 1))
        tree:add(F.record, tvb(3, 1))
        tree:add(F.kind, tvb(4, 2))
        tree:add(F.reserved, tvb(6, 2))
        local text = ""
        if tvb:len() > 8 then
            text = tvb(8):string()
            tree:add(F.log_text, tvb(8))
        end
        pinfo.cols.info:set(prefix .. "log " .. tvb(2, 1):uint() .. ": " .. text)
        tree:append_text(", log: " .. text)
        return
    end

    local dir = tvb(2, 1):uint()
    tree:add(F.direction, tvb(2, 1))
    tree:add(F.record, tvb(3, 1))
    tree:add(F.kind, tvb(4, 2))
    tree:add(F.reserved, tvb(6, 2))
    tree:add(F.payload_len, tvb:reported_length_remaining(8)):set_generated()
    if dir == 0 then
        pinfo.cols.src:set("guest")
        pinfo.cols.dst:set("firmware")
    elseif dir == 1 then
        pinfo.cols.src:set("firmware")
        pinfo.cols.dst:set("guest")
    else
        pinfo.cols.src:set("device")
        pinfo.cols.dst:set("device")
    end

    local summary
    local fd = family_dissectors[family]
    if record == 0 and fd then
        local ft = tree:add(chansim, tvb(8), fd[4] .. " " .. vs_name(fd[3], kind, "kind"))
        ft:add(F[fd[2]], tvb(4, 2)):set_generated()
        local payload = tvb:len() > 8 and tvb(8):tvb() or ByteArray.new():tvb("empty")
        summary = fd[1](payload, ft, kind, tvb:reported_length_remaining(8))
        if not summary then
            if fd[3][kind] then -- a known kind without a decoder: its name and its bytes
                summary = string.format("%s, %d bytes", fd[3][kind],
                    tvb:reported_length_remaining(8))
            else
                ft:add_proto_expert_info(ef_unknown, "unknown " .. fd[4] .. " kind " .. kind)
            end
            if tvb:len() > 8 then
                ft:add(F.payload, tvb(8))
            end
        end
    elseif tvb:len() > 8 then
        tree:add(F.payload, tvb(8))
    end
    summary = summary or string.format("kind %d, %d bytes", kind,
        tvb:reported_length_remaining(8))
    pinfo.cols.info:set(prefix .. summary)
    tree:append_text(", " .. vs_name(vs_direction, dir, "direction") .. ": " .. summary)
end

-- LINKTYPE_USER0 (DLT 147) is wiretap encapsulation USER0.
local user0 = (wtap_encaps and wtap_encaps.USER0) or wtap.USER0
DissectorTable.get("wtap_encap"):add(user0, chansim)
