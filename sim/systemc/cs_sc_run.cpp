// SystemC adapter: one module per machine holding a TLM memory target per domain and the
// dispatcher that runs the activation queue (cs_sched) at the right simulated time.
#include "cs_sc_run.h"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "cs_sc_memory.h"

extern "C" {
#include "cs_exec.h"
#include "cs_machine.h"
}

namespace
{

class cs_sc_top : public sc_core::sc_module
{
  public:
    SC_HAS_PROCESS(cs_sc_top);

    cs_sc_top(sc_core::sc_module_name name, struct cs_machine *m) : sc_module(name), m_(m)
    {
        const uint64_t hz = m->platform->clock_hz;
        for (size_t i = 0; i < m->ndomains; i++) {
            std::string n = "mem_" + std::to_string(i), p = "port_" + std::to_string(i);
            // Memory time is part of each modelled operation's calibrated cost, so the
            // target itself adds none.
            mems_.emplace_back(
                new cs_sc_memory(n.c_str(), &m->domains[i].mem, sc_core::SC_ZERO_TIME));
            ports_.emplace_back(new tlm_utils::simple_initiator_socket<cs_sc_top>(p.c_str()));
            ports_.back()->bind(mems_.back()->socket);
        }
        hz_ = hz;
        cs_exec_bind(m->sched, hz);
        SC_METHOD(dispatch);
        sensitive << wake_;
        cs_sched_set_wakeup(m->sched, &cs_sc_top::on_wake, this);
        cs_sched_set_clock(m->sched, &cs_sc_top::clock, this);
    }

    ~cs_sc_top() override
    {
        cs_sched_set_wakeup(m_->sched, nullptr, nullptr);
        cs_sched_set_clock(m_->sched, nullptr, nullptr);
    }

    uint64_t now_cycles() const
    {
        if (hz_ == 1000000000u) // the default clock: 1 cycle = 1000 ps
            return (uint64_t)(sc_core::sc_time_stamp().value() / 1000u);
        unsigned __int128 ps = sc_core::sc_time_stamp().value();
        return (uint64_t)(ps * hz_ / 1000000000000u);
    }

    // Rounded up, so that converting back gives the same cycle.
    sc_core::sc_time at_cycle(uint64_t cycle) const
    {
        unsigned __int128 ps = ((unsigned __int128)cycle * 1000000000000u + hz_ - 1) / hz_;
        return sc_core::sc_time::from_value((sc_dt::uint64)ps);
    }

    // The machine's own view of each domain's memory: SystemC-side components (kernel
    // threads, RTL memory ports) reach guest memory through it; DMI makes that a pointer.
    tlm_utils::simple_initiator_socket<cs_sc_top> &memory_port(size_t domain)
    {
        return *ports_.at(domain);
    }

  private:
    // DMI must hand out exactly the bytes the C models use, or the two views would diverge.
    void start_of_simulation() override
    {
        for (size_t i = 0; i < ports_.size(); i++) {
            tlm::tlm_generic_payload t;
            tlm::tlm_dmi dmi;
            t.set_address(0);
            t.set_command(tlm::TLM_READ_COMMAND);
            if (!(*ports_[i])->get_direct_mem_ptr(t, dmi) ||
                dmi.get_dmi_ptr() != m_->domains[i].mem.host)
                SC_REPORT_FATAL("chansim", "guest memory DMI does not map the domain's memory");
        }
    }

    void arm()
    {
        uint64_t next;
        if (!cs_sched_next(m_->sched, &next))
            return;
        cs_exec_activity();
        sc_core::sc_time t = at_cycle(next), now = sc_core::sc_time_stamp();
        wake_.notify(t > now ? t - now : sc_core::SC_ZERO_TIME);
    }

    void dispatch()
    {
        cs_sched_run_due(m_->sched, now_cycles());
        arm();
    }

    static uint64_t clock(void *ctx)
    {
        return static_cast<cs_sc_top *>(ctx)->now_cycles();
    }

    static void on_wake(void *ctx, uint64_t cycle)
    {
        (void)cycle;
        static_cast<cs_sc_top *>(ctx)->arm();
    }

    struct cs_machine *m_;
    uint64_t hz_ = 1;
    sc_core::sc_event wake_;
    std::vector<std::unique_ptr<cs_sc_memory>> mems_;
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<cs_sc_top>>> ports_;
};

} // namespace

extern "C" int cs_sc_run(struct cs_machine *m, const struct cs_run_opts *opts,
                         struct cs_run_summary *sum, cs_error *err)
{
    *sum = cs_run_summary{};
    // The banner would land in the middle of chansim's own output.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    auto wall0 = std::chrono::steady_clock::now();
    try {
        static bool used = false;
        if (used)
            return cs_error_set(err, "SystemC cannot run a second simulation in one process");
        used = true;
        std::unique_ptr<cs_sc_top> top(new cs_sc_top("chansim", m));
        cs_tap_log(&m->tap, m->sim_channel, 6, "run start");
        if (opts->until_ns) {
            const sc_core::sc_time limit((double)opts->until_ns, sc_core::SC_NS);
            sc_core::sc_start(limit, sc_core::SC_EXIT_ON_STARVATION);
            // Starvation stops at the last activation; with work still pending, the limit
            // is where the run ends.
            if (sc_core::sc_pending_activity() && sc_core::sc_time_stamp() < limit)
                sc_core::sc_start(limit - sc_core::sc_time_stamp());
        } else {
            sc_core::sc_start();
        }
        sum->idle = !sc_core::sc_pending_activity();
        // Time reached may lie after the last activation when a limit was given.
        cs_sched_run_due(m->sched, top->now_cycles());
        sum->sim_cycles = cs_sched_now(m->sched);
        sum->delta_cycles = sc_core::sc_delta_count();
        cs_tap_log(&m->tap, m->sim_channel, 6, "run end (%s)", sum->idle ? "idle" : "time limit");
    } catch (const sc_core::sc_report &r) {
        return cs_error_set(err, "SystemC: %s", r.what());
    } catch (const std::exception &e) {
        return cs_error_set(err, "simulation: %s", e.what());
    }
    auto wall1 = std::chrono::steady_clock::now();
    sum->wall_seconds = std::chrono::duration<double>(wall1 - wall0).count();
    sum->sim_ns = cs_machine_cycles_to_ns(m, sum->sim_cycles);
    sum->messages = m->tap.msgs;
    sum->logs = m->tap.logs;
    sum->activations = cs_sched_activations(m->sched);
    return 0;
}
