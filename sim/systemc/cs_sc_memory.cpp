#include "cs_sc_memory.h"

#include <cstring>

cs_sc_memory::cs_sc_memory(sc_core::sc_module_name name, struct cs_gmem *mem,
                           sc_core::sc_time access)
    : sc_module(name), socket("socket"), mem_(mem), access_(access)
{
    socket.register_b_transport(this, &cs_sc_memory::b_transport);
    socket.register_transport_dbg(this, &cs_sc_memory::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &cs_sc_memory::get_direct_mem_ptr);
}

// Shared by timed and debug transport: bounds-checked copy, no byte enables (nothing in
// chansim issues partial-word writes through TLM; models use DMI or struct cs_gmem).
bool cs_sc_memory::access(tlm::tlm_generic_payload &trans)
{
    uint64_t addr = trans.get_address();
    unsigned int len = trans.get_data_length();
    if (trans.get_byte_enable_ptr()) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (trans.get_streaming_width() < len) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    uint8_t *p = cs_gmem_ptr(mem_, addr, len);
    if (!p) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (trans.is_read())
        std::memcpy(trans.get_data_ptr(), p, len);
    else if (trans.is_write())
        std::memcpy(p, trans.get_data_ptr(), len);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

void cs_sc_memory::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay)
{
    transactions_++;
    if (access(trans)) {
        delay += access_;
        trans.set_dmi_allowed(true);
    }
}

unsigned int cs_sc_memory::transport_dbg(tlm::tlm_generic_payload &trans)
{
    return access(trans) ? trans.get_data_length() : 0;
}

bool cs_sc_memory::get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi)
{
    (void)trans;
    // The whole guest memory is one host mapping, so one DMI region covers it.
    dmi.set_dmi_ptr(mem_->host);
    dmi.set_start_address(0);
    dmi.set_end_address(mem_->size - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(access_);
    dmi.set_write_latency(access_);
    return true;
}
