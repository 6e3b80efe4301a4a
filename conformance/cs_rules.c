#include "cs_rules.h"

#include <string.h>

/* Families append their rules here as they land. The kshim rules are the driver bugs the
 * kernel shim catches (guest/kshim, enum ks_finding, same order). */
static const struct cs_rule catalog[] = {
    {"K1", "kshim",
     "A driver does not sleep in atomic context: not in an interrupt handler, timer or "
     "tasklet, and not while holding a spinlock or with interrupts disabled.",
     "Linux might_sleep(); CONFIG_DEBUG_ATOMIC_SLEEP", CS_SEV_ERROR},
    {"K2", "kshim",
     "A lock is released by the context that took it, and no context ends (an "
     "activation returns, a task exits) holding a spinlock.",
     "lockdep: lock held when returning", CS_SEV_ERROR},
    {"K3", "kshim", "A lock that is not held is not unlocked.", "lockdep: bad unlock balance",
     CS_SEV_ERROR},
    {"K4", "kshim",
     "Interrupt state is restored only with the flags saved for it, no context ends "
     "with interrupts disabled, and enable_irq pairs with an earlier disable_irq.",
     "Linux kernel/irq/manage.c: Unbalanced enable for IRQ", CS_SEV_ERROR},
    {"K5", "kshim",
     "When a module unloads, it has freed every allocation and page and unmapped "
     "every DMA mapping it made.",
     "kmemleak; DMA API debugging (CONFIG_DMA_API_DEBUG)", CS_SEV_ERROR},
    {"K6", "kshim", "Freed memory is not written.", "SLUB poisoning (slub_debug=P); KASAN",
     CS_SEV_ERROR},
    {"K7", "kshim",
     "Only what was allocated is freed, once, with its allocation order; only "
     "mapped DMA addresses are unmapped.",
     "SLUB double-free check; CONFIG_DMA_API_DEBUG", CS_SEV_ERROR},
    {"K8", "kshim", "A context does not take a lock it already holds.",
     "lockdep: possible recursive locking", CS_SEV_ERROR},
    {"K9", "kshim", "A driver does not hit BUG() or BUG_ON().", "Linux BUG(): kernel oops",
     CS_SEV_ERROR},
    {"K10", "kshim", "A driver does not write past the end of an allocation.",
     "SLUB red zones (slub_debug=Z); KASAN", CS_SEV_ERROR},
    {"K11", "kshim",
     "Kernel code raises no CPU exception: no divide error, no access to an unmapped or "
     "protected address, no bus error, no invalid opcode.",
     "Linux arch/x86/kernel/traps.c, mm/fault.c: oops (die)", CS_SEV_ERROR},
    {"K12", "kshim",
     "Kernel code does not overwrite a stack canary: the stack protector panics the kernel.",
     "Linux kernel/panic.c __stack_chk_fail; CONFIG_STACKPROTECTOR_STRONG", CS_SEV_ERROR},
    /* CRQ facility and VMC protocol (conformance/crq, crq-vmc.md §2.7) */
    {"C1", "crq",
     "Every element written into a CRQ has header 0x80, 0xC0 or 0xFF, and the hypervisor never "
     "writes into a slot the partition has not consumed (a full queue gives H_DROPPED instead).",
     "crq-vmc.md §1.2, §2.7 C1; PAPR", CS_SEV_ERROR},
    {"C2", "crq",
     "The hypervisor writes the partition's queue only while one is registered, with its "
     "registered size, in strict ring order starting at slot 0 after each registration.",
     "crq-vmc.md §1.2, §2.7 C2; PAPR", CS_SEV_ERROR},
    {"C3", "crq", "The consumer clears only slots holding an element, oldest first in ring order.",
     "crq-vmc.md §1.2, §2.7 C3; PAPR", CS_SEV_ERROR},
    {"C4", "crq",
     "H_SEND_CRQ returns H_SUCCESS, H_CLOSED, H_DROPPED, H_PARAMETER or H_BUSY, with H_CLOSED "
     "while the partner is gone and H_PARAMETER for another unit; a hypervisor send into the "
     "partition's queue fails only with H_CLOSED when no enabled queue is registered or H_DROPPED "
     "when the next slot is still in use.",
     "crq-vmc.md §1.2, §1.3, §2.7 C4; PAPR", CS_SEV_ERROR},
    {"C5", "crq",
     "H_REG_CRQ returns H_PARAMETER for a queue not 4 KiB aligned or not 4 KiB to 256 MiB in 4 KiB "
     "steps, H_RESOURCE while a queue is registered, and otherwise H_SUCCESS, H_CLOSED "
     "(registered, partner absent) or H_PARAMETER (queue outside the DMA window).",
     "crq-vmc.md §1.3, §2.7 C5; PAPR; QEMU spapr_vio.c", CS_SEV_ERROR},
    {"C6", "crq",
     "After a side frees its queue nothing is written into it and that side sends no payload until "
     "it registers and initialises again, and its partner gets one partner-deregistered event "
     "(0xFF/0x02) for it.",
     "crq-vmc.md §1.3, §1.5, §2.7 C6; ibmvmc.rst", CS_SEV_ERROR},
    {"C7", "crq",
     "After each registration or transport event, payload (0x80) flows only once an INIT has been "
     "answered by INIT COMPLETE, and INIT COMPLETE is only sent in answer to an INIT from the "
     "other side.",
     "crq-vmc.md §1.4, §2.7 C7; Linux CRQ drivers", CS_SEV_ERROR},
    {"C8", "crq",
     "The adapter interrupt is raised only while enabled by H_VIO_SIGNAL(unit, 1), once for each "
     "element written while enabled.",
     "crq-vmc.md §1.3, §2.7 C8; PAPR", CS_SEV_ERROR},
    {"C9", "crq",
     "After a migration event (0xFF/0x06), no H_SEND_CRQ succeeds until H_ENABLE_CRQ has returned "
     "H_SUCCESS.",
     "crq-vmc.md §1.3, §1.5, §2.7 C9; PAPR", CS_SEV_ERROR},
    {"V1", "crq",
     "The hypervisor sends no HMC interface message (ADD_BUF, REM_BUF, OPEN_RESP, CLOSE_RESP, "
     "SIGNAL) before it has answered the partition's CAP with CAP_RESP.",
     "crq-vmc.md §2.4, §2.7 V1; ibmvmc.c ibmvmc_send_capabilities", CS_SEV_ERROR},
    {"V2", "crq",
     "Each CAP is answered by exactly one CAP_RESP, with version major 0x01 and max_hmc, pool_size "
     "and max_mtu of at least 1.",
     "crq-vmc.md §2.4, §2.6, §2.7 V2; ibmvmc.c", CS_SEV_ERROR},
    {"V3", "crq",
     "Every hypervisor HMC interface message has an index within the negotiated maximum, a "
     "buffer_id below the negotiated pool size, and a session that is 0 or the index's current "
     "session.",
     "crq-vmc.md §2.5, §2.7 V3; ibmvmc.c ibmvmc_validate_hmc_session", CS_SEV_ERROR},
    {"V4", "crq",
     "The hypervisor never adds a buffer_id that is still live, and each ADD_BUF gets exactly one "
     "ADD_BUF_RESP with its session, index and buffer_id.",
     "crq-vmc.md §2.5, §2.7 V4; ibmvmc.c ibmvmc_add_buffer", CS_SEV_ERROR},
    {"V5", "crq",
     "Every OPEN gets one OPEN_RESP with its session and buffer_id, and a successful one only "
     "after at least one ADD_BUF for that session.",
     "crq-vmc.md §2.4, §2.6, §2.7 V5; ibmvmc.rst", CS_SEV_ERROR},
    {"V6", "crq",
     "The hypervisor signals only buffers it owns, on an HMC index whose OPEN succeeded, with "
     "msg_len no larger than the negotiated MTU.",
     "crq-vmc.md §2.5, §2.6, §2.7 V6; ibmvmc.c ibmvmc_recv_msg", CS_SEV_ERROR},
    {"V7", "crq",
     "The partition signals a buffer only after a successful H_COPY_RDMA of exactly msg_len bytes "
     "to that buffer's LIOBA.",
     "crq-vmc.md §2.5, §2.7 V7; ibmvmc.c ibmvmc_send_msg", CS_SEV_ERROR},
    {"V8", "crq",
     "Every CLOSE gets one CLOSE_RESP and none comes without a CLOSE, and REM_BUF never takes the "
     "partition's last buffer of an HMC index.",
     "crq-vmc.md §2.6, §2.7 V8; ibmvmc.rst", CS_SEV_ERROR},
    {"V9", "crq",
     "The hypervisor keeps at most crq_size/2 unconsumed messages in the partition's queue, "
     "crq_size being the partition's CAP value.",
     "crq-vmc.md §2.3, §2.6, §2.7 V9; ibmvmc.rst", CS_SEV_ERROR},
    {"V10", "crq",
     "H_COPY_RDMA from the partition goes into a buffer the partition owns, and to the partition "
     "comes from within msg_len of a buffer the hypervisor has just signalled.",
     "crq-vmc.md §2.5, §2.7 V10; ibmvmc.c", CS_SEV_ERROR},
    /* s390 channel subsystem and vfio-ccw (conformance/css, css.md) */
    {"S1", "css",
     "SSCH sets cc 0 only when the subchannel has no function in progress and no status "
     "pending, and cc 2 (busy) only while a function is in progress.",
     "PoP ch. 14 Start Subchannel; css.md §1.2, §3.1", CS_SEV_ERROR},
    {"S2", "css",
     "A start function accepted with cc 0 presents primary status exactly once: no primary "
     "status comes for a subchannel with no function in progress, and an accepted start "
     "function that is not suspended and not ended by a deferred condition code does not go "
     "without it.",
     "PoP ch. 16 Status Control, Primary Status; css.md §1.3", CS_SEV_ERROR},
    {"S3", "css",
     "TSCH sets cc 1 only when no interruption is pending, and with cc 0 stores an SCSW "
     "with status pending.",
     "PoP ch. 14 Test Subchannel; css.md §1.2", CS_SEV_ERROR},
    {"S4", "css",
     "HSCH sets cc 0 only when no halt or clear function is in progress, and cc 2 only "
     "when one is.",
     "PoP ch. 14 Halt Subchannel; css.md §1.2, §3.1", CS_SEV_ERROR},
    {"S5", "css", "CSCH sets only cc 0 or cc 3.", "PoP ch. 14 Clear Subchannel; css.md §1.2",
     CS_SEV_ERROR},
    {"S6", "css",
     "XSCH sets cc 0 only for a start function alone with no status pending, and does not "
     "set cc 2 for a suspended start function without status pending.",
     "PoP ch. 14 Cancel Subchannel; css.md §1.2, §3.1", CS_SEV_ERROR},
    {"S7", "css", "RSCH sets cc 0 only for a start function alone with no status pending.",
     "PoP ch. 14 Resume Subchannel; css.md §1.2", CS_SEV_ERROR},
    {"S8", "css",
     "An SCSW's control fields agree: alert, intermediate, primary or secondary status "
     "only with status pending; intermediate or primary status only with a function; start "
     "pending, resume pending and suspended only with the start function, halt pending "
     "with halt, clear pending with clear, clear alone; no primary status while subchannel "
     "active, no secondary status while device active, no suspension while either is "
     "active.",
     "PoP ch. 16 Subchannel-Status Word; css.md §1.3, §1.5", CS_SEV_ERROR},
    {"S9", "css",
     "A pending SCSW with a program, protection, channel-data, channel-control, "
     "interface-control or chaining check, or with unit check, has alert status.",
     "PoP ch. 16 Status Control, Alert Status; css.md §1.3", CS_SEV_ERROR},
    {"S10", "css",
     "At primary status of a start function without program check or deferred cc, the "
     "SCSW's CCW address is doubleword aligned within the CCW format's address range and "
     "the residual count is no larger than the CCW counts of the program.",
     "PoP ch. 16 CCW-Address Field, Count Field; css.md §1.3", CS_SEV_ERROR},
    {"S11", "css",
     "A channel program with a malformed ORB address or CCW (TIC after TIC, TIC with "
     "flags, count or high nibble, TIC target not doubleword aligned, command code with "
     "low nibble 0, count 0 with or after chain data, suspend flag without ORB S or with "
     "chain data, MIDA without ORB D, data beyond 2 GiB in format 1) ends in "
     "channel-program check unless another condition ended it first.",
     "PoP ch. 15 Channel-Command Word, Transfer in Channel, Program Check; css.md §1.3, "
     "§3.1",
     CS_SEV_ERROR},
    {"S12", "css",
     "A CCW with the IDA flag whose IDAW list is not aligned to the IDAW size (4 bytes for "
     "format-1, 8 for format-2 IDAWs) ends the channel program in channel-program check.",
     "PoP ch. 15 Indirect Data Addressing; css.md §1.4, §3.1", CS_SEV_ERROR},
    {"S13", "css",
     "SSCH with an ORB that sets transport mode (word 1 bit 13), a reserved bit 26-30 or "
     "bit 0 of the channel-program address takes an operand exception and sets no "
     "condition code.",
     "PoP ch. 14 Start Subchannel, ORB; css.md §1.2 ioinst_orb_valid", CS_SEV_ERROR},
    {"S14", "css",
     "The vfio-ccw I/O region carries one request at a time: a write while an accepted "
     "request has no IRB yet is refused by the driver, and every accepted request gets its "
     "IRB.",
     "css.md §1.8; vfio-ccw.rst; vfio_ccw_fsm.c fsm_io_busy", CS_SEV_ERROR},
    {"S15", "css",
     "The I/O region's ret_code matches the SSCH the write caused (cc 0 gives 0, cc 1 or 2 "
     "-EBUSY, cc 3 -ENODEV or -EACCES, a program exception -EIO), is never 0 without an "
     "SSCH or for a transport-mode ORB or an SCSW without the start function, and the "
     "async region's ret_code matches its HSCH or CSCH (0, -EBUSY, -ENODEV) or is -EINVAL "
     "for another command.",
     "css.md §1.8; vfio_ccw_fsm.c fsm_io_helper, fsm_io_request, fsm_async_request", CS_SEV_ERROR},
    {"S16", "css",
     "A mediated device is opened only after create and while closed, closed only while "
     "open, removed only while created and closed, and region I/O happens only while one "
     "is open.",
     "vfio-mediated-device.rst; vfio-ccw.rst; vfio_ccw_ops.c", CS_SEV_ERROR},
    {"S17", "css",
     "MSCH sets cc 0 for a subchannel with a valid device number only with no function in "
     "progress and no status pending, and cc 2 only while a function is in progress; STSCH "
     "sets only cc 0 or cc 3.",
     "PoP ch. 14 Modify Subchannel, Store Subchannel; css.md §1.2", CS_SEV_ERROR},
    /* s-Par visor channels (conformance/visor, visor.md) */
    {"U1", "visor",
     "A channel header has signature 'ECNL', header_size 128, a known channel type GUID "
     "(controlvm, vbus, vhba, vnic, keyboard, mouse) that does not change, the version_id its "
     "type requires (controlvm and vbus 1, vhba and vnic 2) and a size, fixed when the channel "
     "is created, of at least its type's layout.",
     "visor.md §2.1, §2.4, §3.1, §3.5, §4.1, §4.6; visorchannel.c visor_check_channel",
     CS_SEV_ERROR},
    {"U2", "visor",
     "ch_space_offset puts the type's queue headers inside the channel after its fixed fields: "
     "at 3072 in controlvm, at 128 in IO channels, past the 8-byte input data in keyboard and "
     "mouse channels.",
     "visor.md §2.1, §3.2, §4.1, §4.5", CS_SEV_ERROR},
    {"U3", "visor",
     "Every signal queue header has max_slots of at least 2, the signal_size of its channel "
     "type (128 controlvm, 1216 IO, 16 input), size equal to max_slots times signal_size, "
     "max_signals equal to max_slots - 1, and its slots inside the channel after all queue "
     "headers.",
     "visor.md §2.2, §3.2, §4.1, §4.5; iochannel.h SignalQInit", CS_SEV_ERROR},
    {"U4", "visor", "A queue's head and tail are below its max_slots.", "visor.md §2.2, §2.3",
     CS_SEV_ERROR},
    {"U5", "visor",
     "A queue's num_sent, num_received and num_overflows never go back, and each overflow the "
     "firmware records counts one up.",
     "visor.md §2.2, §2.3", CS_SEV_ERROR},
    {"U6", "visor",
     "Each signal crosses an existing queue whose header is sound, carries exactly signal_size "
     "bytes and takes the next slot in ring order (pre-increment indices, one slot always "
     "empty).",
     "visor.md §2.3", CS_SEV_ERROR},
    {"U7", "visor",
     "Signals follow the queue roles: the guest fills controlvm queues 0 (responses) and 3 "
     "(ACKs) and IO queue 0; the firmware fills controlvm queues 1 and 2, IO queue 1 and the "
     "input queue.",
     "visor.md §3.4, §4.1, §4.5", CS_SEV_ERROR},
    {"U8", "visor",
     "The guest keeps every queue and channel header field the firmware checks within the "
     "channel's invariants, as the firmware finds them when it uses the queue.",
     "visor.md §2.2, §2.3; issue 6 (bad input)", CS_SEV_ERROR},
    {"U9", "visor",
     "A controlvm command has a known id, message_size 128, payload_bytes no larger than "
     "payload_max_bytes and the failed flag clear.",
     "visor.md §3.3", CS_SEV_ERROR},
    {"U10", "visor",
     "Every controlvm command but a test message is ACKed exactly once on queue 3 with the "
     "command's header, its payload fields and packet zeroed; a test message is not ACKed.",
     "visor.md §3.4; visorchipset.c handle_command", CS_SEV_ERROR},
    {"U11", "visor",
     "Every controlvm command is answered at most once on queue 0, after its ACK, with its id "
     "and handle, and exactly once when it expects a response; a test message is not answered.",
     "visor.md §3.4, §3.5; visorchipset.c controlvm_respond", CS_SEV_ERROR},
    {"U12", "visor",
     "Controlvm commands follow the lifecycle: CHIPSET_INIT first and once, BUS_CREATE for an "
     "absent bus, DEVICE_CREATE on an existing bus for an absent device, other device commands "
     "for existing devices, BUS_DESTROY for an existing bus after DEVICE_DESTROY of its "
     "devices.",
     "visor.md §3.5", CS_SEV_ERROR},
    {"U13", "visor",
     "No controlvm command addresses a bus or device while an earlier command for it still "
     "awaits its response.",
     "visor.md §3.5 (pending_msg_hdr)", CS_SEV_ERROR},
    {"U14", "visor",
     "DEVICE_CHANGESTATE of a virtual device asks for running (0x00F7) or standby (0x0073), "
     "and its successful response carries the state asked for.",
     "visor.md §3.3, §3.5", CS_SEV_ERROR},
    {"U15", "visor",
     "While a device is paused, from the DEVICE_CHANGESTATE to standby until the one to "
     "running, or its service partition is down, the firmware inserts no signal into its "
     "channel; what a recovering partition drains from the guest's queue is discarded, not "
     "answered.",
     "visor.md §3.5, §4.3, §4.4; visorbus pause/resume", CS_SEV_ERROR},
    {"U16", "visor",
     "A device channel's type GUID equals the data_type_guid of the DEVICE_CREATE that "
     "announced it.",
     "visor.md §2.4, §3.5", CS_SEV_ERROR},
    {"U17", "visor",
     "IO and input signals carry what their channel defines: vhba cmdtype 1 or 3 from the "
     "guest and 1, 3 or 4 to it, vnic cmdtype 2 with a net type of its direction, input "
     "reports with a known action.",
     "visor.md §4.2-§4.5", CS_SEV_ERROR},
    {"U18", "visor",
     "Each vhba handle is outstanding at most once and completed exactly once with its own "
     "cmdtype; a handle the guest failed at a pause or device removal is not completed after "
     "it.",
     "visor.md §4.3; visorhba_main.c", CS_SEV_ERROR},
    {"U19", "visor",
     "Each vnic transmit gets one NET_XMIT_DONE, a buffer is not posted twice, NET_RCV returns "
     "1 to 5 posted receive buffers, each once, with rcvbuf[0] equal to net.buf, and each "
     "NET_RCV_ENBDIS_ACK answers a NET_RCV_ENBDIS (a disable un-posts every receive buffer).",
     "visor.md §4.4; visornic_main.c", CS_SEV_ERROR},
    {"S18", "css",
     "An IDAW the channel used that holds a format-1 address with bit 0 set, or, after the "
     "first IDAW of a CCW, an address that does not start a block (end one, reading backward: "
     "2 KiB blocks for format-1 IDAWs and for format-2 IDAWs with ORB T, 4 KiB otherwise), "
     "ends the channel program in channel-program check unless another condition ended it "
     "first.",
     "PoP ch. 15 Indirect Data Addressing; css.md §1.4, §3.1", CS_SEV_ERROR},
    {"S19", "css",
     "The channel fetches a CCW's IDAWs only for a CCW with the IDA flag, in the ORB's IDAW "
     "format, in list order from the CCW's data address, each after the first only once the "
     "previous IDAW's block is used up and only while the count needs more data, so the IDAWs "
     "used match the count.",
     "PoP ch. 15 Indirect Data Addressing; css.md §1.4", CS_SEV_ERROR},
    {"S20", "css",
     "Every piece of storage a transfer uses lies inside the data area the program described "
     "(the CCW's data address and count, below the data address when reading backward, or the "
     "current IDAW's part of its block), within the CCW's count, in the direction of the "
     "command (stored by read, sense and read backward, fetched by write), and skipped only "
     "under the skip flag of a read, read backward or sense.",
     "PoP ch. 15 Channel-Command Word, Data Address, Count, Skip, Read Backward; css.md §1.3, "
     "§1.4",
     CS_SEV_ERROR},
    {"S21", "css",
     "TPI and STCRW set only cc 0 or cc 1, and STCRW with cc 1 (no CRW pending) stores a CRW "
     "of zeros.",
     "PoP ch. 14 Test Pending Interruption, Store Channel Report Word; css.md §1.2", CS_SEV_ERROR},
    {"S22", "css",
     "The channel subsystem touches only storage the host driver owns or pinned: every CCW, "
     "IDAW and data address of a program a driver started lies in the driver's allocations or "
     "in a page a VFIO device pinned; an access the host's check refuses ends the program in "
     "protection check and is a finding.",
     "DESIGN.md §3; vfio-ccw.rst (channel program translation, pinned pages)", CS_SEV_ERROR},
    {NULL, NULL, NULL, NULL, CS_SEV_ERROR},
};

const struct cs_rule *cs_rule_catalog(size_t *count)
{
    *count = sizeof(catalog) / sizeof(catalog[0]) - 1;
    return catalog;
}

const struct cs_rule *cs_rule_find(const char *id)
{
    size_t n;
    const struct cs_rule *r = cs_rule_catalog(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, id) == 0)
            return &r[i];
    return NULL;
}

const char *cs_severity_name(enum cs_severity s)
{
    return s == CS_SEV_ERROR ? "error" : "warning";
}
