// Guest-physical memory of one domain as a TLM-2.0 target: blocking transport, debug
// transport and DMI over the same bytes that C models reach through struct cs_gmem.
#ifndef CS_SC_MEMORY_H
#define CS_SC_MEMORY_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

extern "C" {
#include "cs_gmem.h"
}

class cs_sc_memory : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<cs_sc_memory> socket;

    cs_sc_memory(sc_core::sc_module_name name, struct cs_gmem *mem, sc_core::sc_time access);

    uint64_t transactions() const
    {
        return transactions_;
    }

  private:
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload &trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi);
    bool access(tlm::tlm_generic_payload &trans);

    struct cs_gmem *mem_;
    sc_core::sc_time access_;
    uint64_t transactions_ = 0;
};

#endif
