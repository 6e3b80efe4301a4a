// The raw SystemC cost the kernel shim is measured against: two SC_THREADs handing control to
// each other through sc_events, nothing else.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <chrono>
#include <systemc>

namespace
{
sc_core::sc_event *ping, *pong;
double ns_per_round_trip;
} // namespace

extern "C" void bench_sc_baseline_spawn(unsigned long rounds)
{
    ping = new sc_core::sc_event;
    pong = new sc_core::sc_event;
    sc_core::sc_spawn([rounds]() {
        for (unsigned long i = 0; i < rounds; i++) {
            sc_core::wait(*ping);
            pong->notify(sc_core::SC_ZERO_TIME);
        }
    });
    sc_core::sc_spawn([rounds]() {
        sc_core::wait(sc_core::SC_ZERO_TIME); // let the partner reach its first wait
        auto t0 = std::chrono::steady_clock::now();
        for (unsigned long i = 0; i < rounds; i++) {
            ping->notify(sc_core::SC_ZERO_TIME);
            sc_core::wait(*pong);
        }
        auto t1 = std::chrono::steady_clock::now();
        ns_per_round_trip = std::chrono::duration<double, std::nano>(t1 - t0).count() / rounds;
    });
}

extern "C" double bench_sc_baseline_result(void)
{
    return ns_per_round_trip;
}
