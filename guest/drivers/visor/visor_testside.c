// SPDX-License-Identifier: GPL-2.0+
/* Kernel-side half of the visor driver tests (see visor_testside.h). */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "visor_testside.h"
#include "visorbus_private.h"

#define F(s, f)                                                                                    \
    {                                                                                              \
#s "." #f, offsetof(struct s, f)                                                           \
    }
#define SZ(s)                                                                                      \
    {                                                                                              \
        "sizeof " #s, sizeof(struct s)                                                             \
    }
#define U(s, u, f)                                                                                 \
    {                                                                                              \
#s "." #u "." #f, offsetof(struct s, u.f)                                                  \
    }

static const struct {
    const char *name;
    size_t value;
} layout[] = {
    SZ(channel_header),
    F(channel_header, signature),
    F(channel_header, legacy_state),
    F(channel_header, header_size),
    F(channel_header, size),
    F(channel_header, features),
    F(channel_header, chtype),
    F(channel_header, partition_handle),
    F(channel_header, handle),
    F(channel_header, ch_space_offset),
    F(channel_header, version_id),
    F(channel_header, partition_index),
    F(channel_header, zone_guid),
    F(channel_header, cli_str_offset),
    F(channel_header, cli_state_boot),
    F(channel_header, cmd_state_cli),
    F(channel_header, cli_state_os),
    F(channel_header, ch_characteristic),
    F(channel_header, cmd_state_srv),
    F(channel_header, srv_state),
    F(channel_header, cli_error_boot),
    F(channel_header, cli_error_os),
    F(channel_header, filler),
    F(channel_header, recover_channel),
    SZ(signal_queue_header),
    F(signal_queue_header, version),
    F(signal_queue_header, chtype),
    F(signal_queue_header, size),
    F(signal_queue_header, sig_base_offset),
    F(signal_queue_header, features),
    F(signal_queue_header, num_sent),
    F(signal_queue_header, num_overflows),
    F(signal_queue_header, signal_size),
    F(signal_queue_header, max_slots),
    F(signal_queue_header, max_signals),
    F(signal_queue_header, head),
    F(signal_queue_header, num_received),
    F(signal_queue_header, tail),
    F(signal_queue_header, reserved1),
    F(signal_queue_header, reserved2),
    F(signal_queue_header, client_queue),
    F(signal_queue_header, num_irq_received),
    F(signal_queue_header, num_empty),
    F(signal_queue_header, errorflags),
    F(signal_queue_header, filler),
    SZ(controlvm_message_header),
    SZ(controlvm_message_packet),
    SZ(controlvm_message),
    F(controlvm_message_header, id),
    F(controlvm_message_header, message_size),
    F(controlvm_message_header, segment_index),
    F(controlvm_message_header, completion_status),
    F(controlvm_message_header, flags),
    F(controlvm_message_header, message_handle),
    F(controlvm_message_header, payload_vm_offset),
    F(controlvm_message_header, payload_max_bytes),
    F(controlvm_message_header, payload_bytes),
    U(controlvm_message_packet, create_bus, dev_count),
    U(controlvm_message_packet, create_bus, channel_addr),
    U(controlvm_message_packet, create_bus, channel_bytes),
    U(controlvm_message_packet, create_bus, bus_data_type_guid),
    U(controlvm_message_packet, create_bus, bus_inst_guid),
    U(controlvm_message_packet, configure_bus, guest_handle),
    U(controlvm_message_packet, configure_bus, recv_bus_irq_handle),
    U(controlvm_message_packet, create_device, dev_no),
    U(controlvm_message_packet, create_device, channel_addr),
    U(controlvm_message_packet, create_device, channel_bytes),
    U(controlvm_message_packet, create_device, data_type_guid),
    U(controlvm_message_packet, create_device, dev_inst_guid),
    U(controlvm_message_packet, create_device, intr),
    U(controlvm_message_packet, bus_change_state, state),
    U(controlvm_message_packet, device_change_state, state),
    U(controlvm_message_packet, device_change_state, flags),
    U(controlvm_message_packet, init_chipset, switch_count),
    U(controlvm_message_packet, init_chipset, features),
    U(controlvm_message_packet, init_chipset, platform_number),
    SZ(visor_controlvm_parameters_header),
    F(visor_controlvm_parameters_header, id),
    F(visor_controlvm_parameters_header, name_offset),
    F(visor_controlvm_parameters_header, revision),
    SZ(visor_controlvm_channel),
    F(visor_controlvm_channel, gp_controlvm),
    F(visor_controlvm_channel, request_payload_offset),
    F(visor_controlvm_channel, event_payload_offset),
    F(visor_controlvm_channel, message_bytes),
    F(visor_controlvm_channel, message_count),
    F(visor_controlvm_channel, gp_smbios_table),
    F(visor_controlvm_channel, gp_reserved),
    F(visor_controlvm_channel, virtual_guest_firmware_image_base),
    F(visor_controlvm_channel, restore_action),
    F(visor_controlvm_channel, saved_crash_message_count),
    F(visor_controlvm_channel, saved_crash_message_offset),
    F(visor_controlvm_channel, installation_error),
    F(visor_controlvm_channel, installation_remaining_steps),
    F(visor_controlvm_channel, tool_action),
    F(visor_controlvm_channel, efi_visor_ind),
    F(visor_controlvm_channel, sp_reserved),
    F(visor_controlvm_channel, request_queue),
    F(visor_controlvm_channel, response_queue),
    F(visor_controlvm_channel, event_queue),
    F(visor_controlvm_channel, event_ack_queue),
    F(visor_controlvm_channel, request_msg),
    F(visor_controlvm_channel, response_msg),
    F(visor_controlvm_channel, event_msg),
    F(visor_controlvm_channel, event_ack_msg),
    F(visor_controlvm_channel, saved_crash_msg),
    SZ(visor_vbus_headerinfo),
    SZ(visor_vbus_deviceinfo),
    F(visor_vbus_channel, hdr_info),
    F(visor_vbus_channel, chp_info),
    F(visor_vbus_channel, bus_info),
    F(visor_vbus_channel, dev_info),
    SZ(visor_io_channel),
    F(visor_io_channel, cmd_q),
    F(visor_io_channel, rsp_q),
    U(visor_io_channel, vhba, wwnn),
    U(visor_io_channel, vhba, max),
    U(visor_io_channel, vhba, max.max_id),
    U(visor_io_channel, vhba, max.max_lun),
    U(visor_io_channel, vhba, max.cmd_per_lun),
    U(visor_io_channel, vhba, max.max_io_size),
    U(visor_io_channel, vnic, macaddr),
    U(visor_io_channel, vnic, num_rcv_bufs),
    U(visor_io_channel, vnic, mtu),
    U(visor_io_channel, vnic, zone_guid),
    F(visor_io_channel, client_string),
    SZ(uiscmdrsp),
    F(uiscmdrsp, scsi),
    F(uiscmdrsp, private_data),
    F(uiscmdrsp, next),
    F(uiscmdrsp, activeQ_next),
    F(uiscmdrsp, activeQ_prev),
    SZ(uiscmdrsp_scsi),
    F(uiscmdrsp_scsi, cmnd),
    F(uiscmdrsp_scsi, bufflen),
    F(uiscmdrsp_scsi, guest_phys_entries),
    F(uiscmdrsp_scsi, gpi_list),
    F(uiscmdrsp_scsi, data_dir),
    F(uiscmdrsp_scsi, vdest),
    F(uiscmdrsp_scsi, linuxstat),
    F(uiscmdrsp_scsi, scsistat),
    F(uiscmdrsp_scsi, addlstat),
    F(uiscmdrsp_scsi, sensebuf),
    F(uiscmdrsp_scsi, vdisk),
    F(uiscmdrsp_scsi, no_disk_result),
    SZ(uiscmdrsp_net),
    F(uiscmdrsp_net, buf),
    F(uiscmdrsp_net, xmt),
    SZ(net_pkt_xmt),
    F(net_pkt_xmt, num_frags),
    F(net_pkt_xmt, frags),
    F(net_pkt_xmt, ethhdr),
    F(net_pkt_xmt, lincsum),
    F(net_pkt_xmt, lincsum.protocol),
    F(net_pkt_xmt, lincsum.csum),
    F(net_pkt_xmt, lincsum.nhrawoff),
    SZ(phys_info),
    U(uiscmdrsp_net, rcvpost, unique_num),
    U(uiscmdrsp_net, rcv, numrcvbufs),
    U(uiscmdrsp_net, rcv, rcvbuf),
    U(uiscmdrsp_net, rcv, unique_num),
    U(uiscmdrsp_net, rcv, rcvs_dropped_delta),
    U(uiscmdrsp_net, enbdis, enable),
    SZ(uiscmdrsp_scsitaskmgmt),
    F(uiscmdrsp_scsitaskmgmt, vdest),
    F(uiscmdrsp_scsitaskmgmt, handle),
    F(uiscmdrsp_scsitaskmgmt, notify_handle),
    F(uiscmdrsp_scsitaskmgmt, notifyresult_handle),
    F(uiscmdrsp_scsitaskmgmt, result),
    SZ(visor_inputreport),
    F(visor_inputreport, activity),
    SZ(visor_input_channel_data),
    SZ(vmcall_io_controlvm_addr_params),
};

size_t vt_layout(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(layout); i++)
        if (strcmp(layout[i].name, name) == 0)
            return layout[i].value;
    return (size_t)-1;
}

void *vt_channel_create(uint64_t pa, enum vt_channel_type type)
{
    static const guid_t guids[] = {
        VISOR_CONTROLVM_CHANNEL_GUID, VISOR_VHBA_CHANNEL_GUID,  VISOR_VNIC_CHANNEL_GUID,
        VISOR_KEYBOARD_CHANNEL_GUID,  VISOR_MOUSE_CHANNEL_GUID, VISOR_VBUS_CHANNEL_GUID,
    };

    return visorchannel_create(pa, GFP_KERNEL, &guids[type], true);
}

void vt_channel_destroy(void *ch)
{
    visorchannel_destroy(ch);
}

int vt_signal_insert(void *ch, uint32_t queue, void *msg)
{
    return visorchannel_signalinsert(ch, queue, msg);
}

int vt_signal_remove(void *ch, uint32_t queue, void *msg)
{
    return visorchannel_signalremove(ch, queue, msg);
}

int vt_signal_empty(void *ch, uint32_t queue)
{
    return visorchannel_signalempty(ch, queue);
}

uint64_t vt_channel_violations(void *ch)
{
    return visorchannel_violations(ch);
}

uint64_t vt_channel_refused(void *ch)
{
    return visorchannel_refused(ch);
}

uint64_t vt_all_violations(void)
{
    return visorbus_violation_count();
}
