// The TLM-2.0 guest memory target: timed and debug transport, DMI over the very bytes the C
// side sees, and error responses instead of crashes for bad requests.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "cs_sc_memory.h"

// After the C++ headers: check.h defines a macro called fail().
#include <check.h>

extern "C" {
#include "cs_gmem.h"
}

namespace
{

struct results {
    tlm::tlm_response_status write_status, read_status, oob_status, be_status;
    uint8_t read_back[8];
    bool dmi_ok;
    unsigned char *dmi_ptr;
    uint64_t dmi_end;
    unsigned dbg_len;
    sc_core::sc_time delay;
};

struct initiator : sc_core::sc_module {
    SC_HAS_PROCESS(initiator);
    tlm_utils::simple_initiator_socket<initiator> socket;
    results *r;
    initiator(sc_core::sc_module_name n, results *res) : sc_module(n), socket("socket"), r(res)
    {
        SC_THREAD(run);
    }

    tlm::tlm_response_status go(tlm::tlm_command cmd, uint64_t addr, uint8_t *data, unsigned len,
                                uint8_t *be = nullptr)
    {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(data);
        t.set_data_length(len);
        t.set_streaming_width(len);
        t.set_byte_enable_ptr(be);
        t.set_byte_enable_length(be ? len : 0);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(t, r->delay);
        return t.get_response_status();
    }

    void run()
    {
        uint8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        r->write_status = go(tlm::TLM_WRITE_COMMAND, 0x100, w, 8);
        r->read_status = go(tlm::TLM_READ_COMMAND, 0x100, r->read_back, 8);
        r->oob_status = go(tlm::TLM_READ_COMMAND, (1 << 16) - 4, w, 8);
        uint8_t be[8] = {0xff};
        r->be_status = go(tlm::TLM_WRITE_COMMAND, 0x100, w, 8, be);

        tlm::tlm_generic_payload t;
        t.set_address(0);
        tlm::tlm_dmi dmi;
        r->dmi_ok = socket->get_direct_mem_ptr(t, dmi);
        r->dmi_ptr = dmi.get_dmi_ptr();
        r->dmi_end = dmi.get_end_address();

        uint8_t d[4];
        tlm::tlm_generic_payload dbg;
        dbg.set_command(tlm::TLM_READ_COMMAND);
        dbg.set_address(0x102);
        dbg.set_data_ptr(d);
        dbg.set_data_length(4);
        dbg.set_streaming_width(4);
        r->dbg_len = socket->transport_dbg(dbg);
    }
};

} // namespace

START_TEST(tlm_target_transport_dmi_and_errors)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    struct cs_gmem g;
    cs_error err = {};
    ck_assert_int_eq(cs_gmem_init(&g, 1 << 16, "d0", &err), 0);
    results r = {};
    cs_sc_memory mem("mem", &g, sc_core::sc_time(10, sc_core::SC_NS));
    initiator ini("ini", &r);
    ini.socket.bind(mem.socket);
    sc_core::sc_start();

    ck_assert_int_eq(r.write_status, tlm::TLM_OK_RESPONSE);
    ck_assert_int_eq(r.read_status, tlm::TLM_OK_RESPONSE);
    ck_assert_int_eq(r.read_back[7], 8);
    ck_assert_int_eq(g.host[0x103], 4); // the C view sees the TLM write
    ck_assert_int_eq(r.oob_status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    ck_assert_int_eq(r.be_status, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    ck_assert(r.dmi_ok);
    ck_assert_ptr_eq(r.dmi_ptr, g.host);
    ck_assert_uint_eq(r.dmi_end, (1 << 16) - 1);
    ck_assert_uint_eq(r.dbg_len, 4);
    ck_assert(r.delay == sc_core::sc_time(20, sc_core::SC_NS)); // two successful timed accesses
    ck_assert_uint_eq(mem.transactions(), 4);
    cs_gmem_release(&g);
}
END_TEST

int main()
{
    Suite *s = suite_create("sc-memory");
    TCase *tc = tcase_create("tlm");
    tcase_add_test(tc, tlm_target_transport_dmi_and_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
