/* The visor monitor on hand-built channel records: a conforming boot with IO, pause and resume,
 * and teardown gives no finding, and each sequence breaking one rule gives findings of that
 * rule only. Payloads are laid out per spec visor.md §2-§4 (visor_test_fx.c). */
#include <stdio.h>
#include <string.h>

#include "cs_test.h"
#include "visor/visor_monitor.h"
#include "visor_test_fx.h"

/* ---- the conforming run ---- */

START_TEST(conforming_run_breaks_no_rule)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    for (uint64_t h = 0; h < 200; h++) { /* more than a queue's worth: the rings wrap */
        vhba_cmd(&f, h % 128);
        vhba_done(&f, h % 128);
    }
    uint8_t tm[1216];
    fx_scsi(tm, 3, 7);
    fx_sig(&f, VHBA, 0, TO_FW, tm);
    fx_sig(&f, VHBA, 1, TO_G, tm);
    uint64_t rb[3] = {0xa000, 0xb000, 0xc000};
    for (int i = 0; i < 3; i++)
        vnic_sig(&f, 0, rb[i]);
    vnic_enbdis(&f, 1);
    vnic_sig(&f, 5, 0x5000);
    vnic_sig(&f, 7, 0);
    vnic_sig(&f, 2, 0x7000);
    vnic_sig(&f, 3, 0x7000);
    vnic_rcv(&f, 2, rb);
    vnic_sig(&f, 0, rb[0]); /* re-posted */
    fx_key(&f, 64, 0x1e);
    fx_key(&f, 65, 0x1e);
    /* the IO partition crashes with handle 9 unanswered; the guest fails it at the pause; the
     * recovering partition drains handles 9 and 10, which the guest inserted before it paused,
     * and discards them; after the resume the guest reuses both */
    vhba_cmd(&f, 9);
    partition(&f, VHBA, 0);
    uint8_t cs[128];
    changestate_cmd(cs, &f, 0, 0x0073);
    fx_exchange(&f, cs);
    vhba_cmd(&f, 9);
    vhba_cmd(&f, 10);
    partition(&f, VHBA, 1);
    changestate_cmd(cs, &f, 0, 0x00F7);
    fx_exchange(&f, cs);
    vhba_cmd(&f, 9);
    vhba_cmd(&f, 10);
    vhba_done(&f, 9);
    vhba_done(&f, 10);
    /* a command outstanding at the pause is failed by the guest, not answered later */
    vhba_cmd(&f, 3);
    pause_resume(&f, 0);
    vhba_cmd(&f, 3);
    vhba_done(&f, 3);
    /* parahotplug: a physical device's state change, for no device controlvm created, answered
     * when user space acts (here never: it is not held to the deadline) */
    uint8_t ph[128];
    changestate_cmd(ph, &f, 0x18, 0x0073);
    put32(ph + 48, 0);
    put32(ph + 48 + 10, 1); /* flags.phys_device */
    fx_command(&f, ph);
    fx_ack(&f, ph);
    changestate_cmd(ph, &f, 0x18, 0x00F7);
    put32(ph + 48, 0);
    put32(ph + 48 + 10, 1);
    fx_exchange(&f, ph);
    /* a test message is dropped by the guest: no ACK, no response */
    uint8_t m[128];
    msg_init(m, &f, 0x305, RESP_EXP | TEST_MSG);
    fx_command(&f, m);
    /* the firmware rewrites a queue header with its current values (at a pause, say) */
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 1);
    put32(r + 8 + 60, f.idx[VHBA][1]);
    put64(r + 8 + 32, f.sent[VHBA][1]);
    fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    vhba_cmd(&f, 4);
    vhba_done(&f, 4);
    /* teardown */
    vnic_enbdis(&f, 0);
    vnic_sig(&f, 5, 0x5000);
    for (uint32_t d = 0; d < 3; d++) {
        dev_msg(m, &f, 0x202, 1, d);
        fx_exchange(&f, m);
    }
    bus_msg(m, &f, 0x102, 1);
    fx_exchange(&f, m);
    /* the device comes back: a fresh channel starts its counters at zero again */
    bus_msg(m, &f, 0x101, 1);
    fx_exchange(&f, m);
    device_create(&f, VHBA, 0);
    vhba_cmd(&f, 0);
    vhba_done(&f, 0);
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES);
    expect_none();
}
END_TEST

/* ---- one rule broken at a time ---- */

START_TEST(u1_channel_header_fields)
{
    static const struct {
        unsigned off, width;
        uint64_t value;
    } lies[] = {{0, 8, 0x4C4E4346u}, {12, 4, 64},   {16, 8, 1024},
                {16, 8, 1ull << 30}, {32, 1, 0xee}, {72, 4, 3}};
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t h[128];
        ch_header(h, &layouts[VHBA]);
        for (unsigned b = 0; b < lies[i].width; b++)
            h[lies[i].off + b] = (uint8_t)(lies[i].value >> (8 * b));
        fx_send(&f, VHBA, INTERN, K_CH, h, sizeof(h));
        fx_end(&f, 0);
        expect_only("U1");
    }
}
END_TEST

START_TEST(u2_space_offset)
{
    static const uint64_t bad[] = {64, 256, 159744 - 128};
    for (size_t i = 0; i < 3; i++) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t h[128];
        ch_header(h, &layouts[VHBA]);
        put64(h + 64, bad[i]);
        fx_send(&f, VHBA, INTERN, K_CH, h, sizeof(h));
        fx_end(&f, 0);
        expect_only("U2");
    }
    /* an input channel's queue may start anywhere after its channel data, not inside it */
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t h[128];
    ch_header(h, &layouts[KBD]);
    put64(h + 64, 130);
    fx_send(&f, KBD, INTERN, K_CH, h, sizeof(h));
    fx_end(&f, 0);
    expect_only("U2");
}
END_TEST

START_TEST(u3_queue_geometry)
{
    static const struct {
        unsigned off, width;
        uint64_t value;
    } lies[] = {
        {52, 4, 0},          /* max_slots 0 */
        {52, 4, 1},          /* max_slots 1: no room besides the empty slot */
        {48, 4, 1185},       /* signal_size not the slot size */
        {16, 8, 1u << 20},   /* slots outside the channel */
        {16, 8, 0},          /* slots over the queue headers */
        {52, 4, 100000},     /* more slots than fit */
        {56, 4, 5},          /* max_signals not max_slots - 1 */
        {16, 8, 1472 - 256}, /* queue 1's slots over queue 0's */
    };
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t r[136];
        q_header(r, &layouts[VHBA], 1);
        for (unsigned b = 0; b < lies[i].width; b++)
            r[8 + lies[i].off + b] = (uint8_t)(lies[i].value >> (8 * b));
        if (lies[i].off == 52 && lies[i].value >= 2) /* keep size consistent: geometry alone */
            put64(r + 8 + 8, lies[i].value * 1216), put32(r + 8 + 56, (uint32_t)lies[i].value - 1);
        fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
        fx_end(&f, 0);
        expect_only("U3");
    }
}
END_TEST

START_TEST(u4_head_tail_in_range)
{
    for (unsigned field = 60; field <= 72; field += 12) {
        struct fx f;
        fx_start(&f);
        boot(&f);
        uint8_t r[136];
        q_header(r, &layouts[VHBA], 0);
        put32(r + 8 + field, 64);
        fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
        fx_end(&f, 0);
        expect_only("U4");
    }
}
END_TEST

START_TEST(u5_counters_monotone)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 1);
    put32(r + 8 + 60, 1);
    put64(r + 8 + 32, 1);
    put64(r + 8 + 40, 4);
    fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    expect_none();
    put64(r + 8 + 40, 2); /* num_overflows back */
    fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    fx_end(&f, 0);
    expect_only("U5");

    fx_start(&f);
    boot(&f);
    uint8_t o[12];
    put32(o, 1);
    put64(o + 4, 3);
    fx_send(&f, VHBA, INTERN, K_OVF, o, sizeof(o));
    expect_none();
    put64(o + 4, 3); /* an overflow that did not count */
    fx_send(&f, VHBA, INTERN, K_OVF, o, sizeof(o));
    fx_end(&f, 0);
    expect_only("U5");
}
END_TEST

START_TEST(u6_signal_slots)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    f.idx[VHBA][1]++; /* the firmware skips a slot */
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U6");

    fx_start(&f);
    boot(&f);
    uint8_t rec[8 + 128] = {0};
    put32(rec, 1);
    put32(rec + 4, 1);
    rec[8] = 1;
    fx_send(&f, VHBA, TO_G, K_SIG, rec, sizeof(rec)); /* 128 bytes on a 1216-byte queue */
    fx_end(&f, 0);
    expect_only("U6");

    fx_start(&f);
    boot(&f);
    put32(rec, 3); /* an IO channel has two queues */
    fx_send(&f, VHBA, TO_G, K_SIG, rec, sizeof(rec));
    fx_end(&f, 0);
    expect_only("U6");
}
END_TEST

START_TEST(monitor_started_after_channel_creation)
{
    /* a live run's monitors start after the machine is built: a channel whose first record is a
     * signal is taken as it shows itself, and checked from its next header on */
    struct fx f;
    fx_start(&f);
    f.idx[VHBA][0] = f.idx[VHBA][1] = 40;
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    vhba_cmd(&f, 2);
    vhba_done(&f, 2);
    expect_none();
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 1);
    put32(r + 8 + 60, f.idx[VHBA][1]);
    put64(r + 8 + 32, f.sent[VHBA][1] + 40);
    fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    f.idx[VHBA][1] += 2; /* now the ring order is known: a skipped slot is found */
    vhba_cmd(&f, 3);
    vhba_done(&f, 3);
    fx_end(&f, 0);
    expect_only("U6");

    /* with the channel header known, a queue without its header is a finding */
    fx_start(&f);
    uint8_t h[128];
    ch_header(h, &layouts[VHBA]);
    fx_send(&f, VHBA, INTERN, K_CH, h, sizeof(h));
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U6");
}
END_TEST

START_TEST(u7_queue_roles)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t s[1216];
    fx_scsi(s, 1, 1);
    fx_sig(&f, VHBA, 0, TO_G, s); /* the firmware inserting into the guest's command queue */
    fx_end(&f, 0);
    expect_only("U7");

    fx_start(&f);
    chipset_init(&f);
    uint8_t m[128];
    msg_init(m, &f, 0x304, RESP_EXP);
    fx_sig(&f, CVM, 0, TO_G, m); /* a command into the guest's response queue */
    fx_end(&f, 0);
    expect_only("U7");
}
END_TEST

START_TEST(u8_guest_header_fault)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t rec[64] = {0};
    put32(rec, 0);
    put32(rec + 4, 60);
    snprintf((char *)rec + 8, 56, "head 99 not below max_slots 64");
    fx_send(&f, VHBA, INTERN, K_FLT, rec, 8 + 31);
    fx_end(&f, 0);
    expect_only("U8");

    /* a fault explained by the firmware's own broken header is U3 alone */
    fx_start(&f);
    boot(&f);
    uint8_t r[136];
    q_header(r, &layouts[VHBA], 0);
    put32(r + 8 + 48, 7);
    fx_send(&f, VHBA, INTERN, K_QH, r, sizeof(r));
    fx_send(&f, VHBA, INTERN, K_FLT, rec, 8 + 31);
    fx_end(&f, 0);
    expect_only("U3");
}
END_TEST

START_TEST(u9_command_form)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x999, RESP_EXP);
    fx_command(&f, m);
    fx_end(&f, 0);
    expect_only("U9");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    put32(m + 4, 64);
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U9");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    put32(m + 40, 16);
    put32(m + 44, 32);
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U9");
}
END_TEST

START_TEST(u10_ack_once)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    fx_command(&f, m);
    fx_ack(&f, m);
    fx_ack(&f, m);
    fx_respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U10");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    put32(m + 48, 9); /* a packet the ACK must not carry */
    fx_command(&f, m);
    uint8_t a[128];
    memcpy(a, m, 128);
    fx_sig(&f, CVM, 3, TO_FW, a);
    fx_respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U10");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, 0);
    fx_command(&f, m); /* never ACKed */
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES);
    expect_only("U10");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x305, RESP_EXP | TEST_MSG);
    fx_command(&f, m);
    fx_ack(&f, m); /* test messages are dropped, not ACKed */
    fx_end(&f, 0);
    expect_only("U10");
}
END_TEST

START_TEST(u11_response_once)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    fx_exchange(&f, m);
    fx_respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U11");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    fx_command(&f, m);
    fx_ack(&f, m);
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES); /* never answered */
    expect_only("U11");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    fx_command(&f, m);
    fx_respond(&f, m, 0, 0); /* before the ACK */
    fx_ack(&f, m);
    fx_end(&f, 0);
    expect_only("U11");

    fx_start(&f);
    chipset_init(&f);
    msg_init(m, &f, 0x304, RESP_EXP);
    fx_respond(&f, m, 0, 0); /* to nothing */
    fx_end(&f, 0);
    expect_only("U11");
}
END_TEST

START_TEST(u12_lifecycle_order)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    bus_msg(m, &f, 0x101, 1); /* before CHIPSET_INIT */
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    chipset_init(&f);
    chipset_init(&f);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    chipset_init(&f);
    dev_msg(m, &f, 0x201, 7, 0); /* no bus 7 */
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    boot(&f);
    bus_msg(m, &f, 0x102, 1); /* devices still on it */
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    boot(&f);
    dev_msg(m, &f, 0x202, 1, 5); /* no such device */
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    fx_start(&f);
    boot(&f);
    bus_msg(m, &f, 0x101, 1); /* exists */
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");

    /* a refused BUS_CREATE leaves no bus: a device on it is out of order */
    fx_start(&f);
    chipset_init(&f);
    bus_msg(m, &f, 0x101, 2);
    fx_command(&f, m);
    fx_ack(&f, m);
    fx_respond(&f, m, 1, 0);
    dev_msg(m, &f, 0x201, 2, 0);
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U12");
}
END_TEST

START_TEST(u13_one_command_at_a_time)
{
    struct fx f;
    uint8_t m1[128], m2[128];
    fx_start(&f);
    boot(&f);
    changestate_cmd(m1, &f, 0, 0x0073);
    fx_command(&f, m1);
    dev_msg(m2, &f, 0x203, 1, 0);
    fx_command(&f, m2);
    fx_ack(&f, m1);
    fx_ack(&f, m2);
    fx_respond(&f, m1, 0, 0);
    fx_respond(&f, m2, 0, 0);
    fx_end(&f, 0);
    expect_only("U13");
}
END_TEST

START_TEST(u14_changestate_states)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    boot(&f);
    changestate_cmd(m, &f, 2, 0x0077); /* "paused" is not a state the guest acts on */
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U14");

    fx_start(&f);
    boot(&f);
    changestate_cmd(m, &f, 2, 0x0073);
    fx_command(&f, m);
    fx_ack(&f, m);
    fx_respond(&f, m, 0, 0x00F7);
    changestate_cmd(m, &f, 2, 0x00F7);
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U14");
}
END_TEST

START_TEST(u15_no_signal_while_paused)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    changestate_cmd(m, &f, 0, 0x0073);
    fx_command(&f, m);
    vhba_done(&f, 1); /* the IO partition answers while it declared the device paused */
    fx_ack(&f, m);
    fx_respond(&f, m, 0, 0);
    fx_end(&f, 0);
    expect_only("U15");

    /* a partition that is down sends nothing */
    fx_start(&f);
    boot(&f);
    partition(&f, KBD, 0);
    fx_key(&f, 64, 0x1e);
    partition(&f, KBD, 1);
    fx_key(&f, 65, 0x1e);
    fx_end(&f, 0);
    expect_only("U15");
    ck_assert_uint_eq(nfound, 1);

    /* at the cycle of the pause command or of the resume command the signal is not in the
     * pause, whichever order same-cycle records of two channels arrive in */
    for (int order = 0; order < 2; order++) {
        fx_start(&f);
        boot(&f);
        changestate_cmd(m, &f, 0, 0x0073);
        fx_command(&f, m);
        fx_ack(&f, m);
        fx_respond(&f, m, 0, 0);
        uint8_t r[128];
        changestate_cmd(r, &f, 0, 0x00F7);
        f.cycle += 10;
        f.hold = 1;
        if (order) {
            fx_command(&f, r);
            vhba_cmd(&f, 1);
        } else {
            vhba_cmd(&f, 1);
            fx_command(&f, r);
        }
        f.hold = 0;
        fx_ack(&f, r);
        fx_respond(&f, r, 0, 0);
        vhba_done(&f, 1);
        fx_end(&f, 0);
        expect_none();
    }
}
END_TEST

START_TEST(u16_device_type_matches)
{
    struct fx f;
    uint8_t m[128];
    fx_start(&f);
    chipset_init(&f);
    bus_msg(m, &f, 0x101, 1);
    fx_exchange(&f, m);
    create_channel(&f, VHBA);
    dev_msg(m, &f, 0x201, 1, 0);
    memcpy(m + 48 + 24, guid_vnic, 16);
    fx_exchange(&f, m);
    fx_end(&f, 0);
    expect_only("U16");
}
END_TEST

START_TEST(u17_signal_contents)
{
    struct fx f;
    uint8_t s[1216];
    fx_start(&f);
    boot(&f);
    fx_scsi(s, 2, 1); /* a network command on a vhba channel */
    fx_sig(&f, VHBA, 0, TO_FW, s);
    fx_end(&f, 0);
    expect_only("U17");

    fx_start(&f);
    boot(&f);
    fx_net(s, 3, 0x1000); /* XMIT_DONE from the guest */
    fx_sig(&f, VNIC, 0, TO_FW, s);
    fx_end(&f, 0);
    expect_only("U17");

    fx_start(&f);
    boot(&f);
    fx_key(&f, 99, 1);
    fx_end(&f, 0);
    expect_only("U17");
}
END_TEST

START_TEST(u18_handles_once)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    vhba_done(&f, 1); /* returned twice */
    fx_end(&f, 0);
    expect_only("U18");

    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_cmd(&f, 1); /* reused while outstanding */
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U18");

    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    fx_end(&f, 10ull * VISOR_MON_OVERDUE_CYCLES); /* never returned */
    expect_only("U18");

    /* the guest failed handle 1 at the pause: answering it after the resume duplicates it */
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    pause_resume(&f, 0);
    vhba_done(&f, 1);
    fx_end(&f, 0);
    expect_only("U18");
}
END_TEST

START_TEST(u19_vnic_buffers_once)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 2, 0x7000);
    vnic_sig(&f, 3, 0x7000);
    vnic_sig(&f, 3, 0x7000);
    fx_end(&f, 0);
    expect_only("U19");

    uint64_t b[2] = {0xa000, 0xb000};
    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 0, b[0]);
    vnic_rcv(&f, 2, b); /* b[1] was never posted */
    fx_end(&f, 0);
    expect_only("U19");

    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 0, b[0]);
    vnic_enbdis(&f, 0);
    vnic_sig(&f, 5, 0x5000);
    vnic_rcv(&f, 1, b); /* un-posted by the disable */
    fx_end(&f, 0);
    expect_only("U19");

    fx_start(&f);
    boot(&f);
    vnic_sig(&f, 5, 0x5000); /* ACK of no ENBDIS */
    fx_end(&f, 0);
    expect_only("U19");
}
END_TEST

START_TEST(malformed_records_are_findings)
{
    /* truncated records of every kind: findings or ignored, never a crash */
    struct fx f;
    fx_start(&f);
    boot(&f);
    uint8_t junk[8] = {1, 0, 0, 0, 1, 0, 0, 0};
    for (uint16_t k = 1; k <= 6; k++)
        for (uint32_t len = 0; len <= 8; len += 4)
            for (uint8_t dir = 0; dir < 3; dir++)
                fx_send(&f, VHBA, dir, k, junk, len);
    fx_end(&f, 0);
    ck_assert_uint_gt(nfound, 0);
    for (size_t i = 0; i < nfound && i < 64; i++)
        ck_assert(found[i].rule[0] == 'U');
}
END_TEST

static void count_cb(void *ctx, const char *rule, uint64_t checks)
{
    (void)rule;
    *(uint64_t *)ctx += checks ? 1 : 0;
}

START_TEST(coverage_names_every_rule)
{
    struct fx f;
    fx_start(&f);
    boot(&f);
    vhba_cmd(&f, 1);
    vhba_done(&f, 1);
    uint64_t checked = 0;
    cs_monitor_hub_coverage(f.hub, count_cb, &checked);
    ck_assert_uint_ge(checked, 12);
    fx_end(&f, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("visor_monitor");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, conforming_run_breaks_no_rule);
    tcase_add_test(tc, u1_channel_header_fields);
    tcase_add_test(tc, u2_space_offset);
    tcase_add_test(tc, u3_queue_geometry);
    tcase_add_test(tc, u4_head_tail_in_range);
    tcase_add_test(tc, u5_counters_monotone);
    tcase_add_test(tc, u6_signal_slots);
    tcase_add_test(tc, monitor_started_after_channel_creation);
    tcase_add_test(tc, u7_queue_roles);
    tcase_add_test(tc, u8_guest_header_fault);
    tcase_add_test(tc, u9_command_form);
    tcase_add_test(tc, u10_ack_once);
    tcase_add_test(tc, u11_response_once);
    tcase_add_test(tc, u12_lifecycle_order);
    tcase_add_test(tc, u13_one_command_at_a_time);
    tcase_add_test(tc, u14_changestate_states);
    tcase_add_test(tc, u15_no_signal_while_paused);
    tcase_add_test(tc, u16_device_type_matches);
    tcase_add_test(tc, u17_signal_contents);
    tcase_add_test(tc, u18_handles_once);
    tcase_add_test(tc, u19_vnic_buffers_once);
    tcase_add_test(tc, malformed_records_are_findings);
    tcase_add_test(tc, coverage_names_every_rule);
    suite_add_tcase(s, tc);
    return s;
}

CS_TEST_MAIN(suite)
