// The execution layer (cs_exec.h) on SystemC: threads are dynamically spawned SC_THREADs,
// events are sc_events, simulated time comes from the machine's cycle clock.
#include <algorithm>
#include <memory>
#include <string>

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

extern "C" {
#include "cs_exec.h"
#include "cs_sched.h"
}

struct cs_thread {
    std::string name;
    sc_core::sc_process_handle handle;
    void (*fn)(void *);
    void *arg;
    void *data = nullptr;
    bool ended = false;
    sc_core::sc_event done;
};

struct cs_event {
    sc_core::sc_event ev;
};

void *cs_exec_running_data = nullptr;

namespace
{

uint64_t clock_hz = 1000000000;
struct cs_sched *bound_sched = nullptr;
// Picoseconds per cycle when the clock divides 10^12 (1 GHz: 1000), else 0: cycles() then
// multiplies instead of dividing in 128 bits.
uint64_t ps_per_cycle = 1000;
struct timed_wait;
// The threads other than clocks in a timed wait (cs_thread_sleep, cs_thread_wait with a
// timeout), each with when it is due: SystemC cannot tell a clock's pending wake-up from anyone
// else's, so the others are kept here (see cs_thread_wait_clock). A list of the waits
// themselves, on their threads' stacks: a wait costs no allocation, and only a clock looks for
// the earliest.
timed_wait *deadlines = nullptr;
// Notified when new work appears for the clocks waiting for some (created on first use:
// an sc_event needs the simulation context).
sc_core::sc_event *activity = nullptr;
cs_thread *running = nullptr; // the thread whose code runs now

void set_running(cs_thread *t)
{
    running = t;
    cs_exec_running_data = t ? t->data : nullptr;
}

sc_core::sc_time cycles(uint64_t n)
{
    if (ps_per_cycle && n <= UINT64_MAX / ps_per_cycle)
        return sc_core::sc_time::from_value((sc_dt::uint64)(n * ps_per_cycle));
    unsigned __int128 ps = ((unsigned __int128)n * 1000000000000u + clock_hz - 1) / clock_hz;
    return sc_core::sc_time::from_value((sc_dt::uint64)ps);
}

// SystemC switches stacks when a thread waits; `running` is cleared for whatever runs
// meanwhile (another thread sets its own, activations run with none) and restored on resume.
struct resume_guard {
    cs_thread *self;
    explicit resume_guard(cs_thread *t) : self(t)
    {
        set_running(nullptr);
    }
    ~resume_guard()
    {
        set_running(self);
    }
};

struct timed_wait {
    sc_core::sc_time at;
    timed_wait *prev = nullptr, *next;
    explicit timed_wait(const sc_core::sc_time &d) : at(sc_core::sc_time_stamp() + d)
    {
        next = deadlines;
        if (next)
            next->prev = this;
        deadlines = this;
        if (activity)
            activity->notify(sc_core::SC_ZERO_TIME);
    }
    ~timed_wait()
    {
        // Left early (notified) or not, a deadline the clocks may have counted on is gone.
        (prev ? prev->next : deadlines) = next;
        if (next)
            next->prev = prev;
        if (activity)
            activity->notify(sc_core::SC_ZERO_TIME);
    }
};

void body(cs_thread *t)
{
    set_running(t);
    t->fn(t->arg);
    t->ended = true;
    set_running(nullptr);
    t->done.notify(sc_core::SC_ZERO_TIME);
}

} // namespace

extern "C" void cs_exec_bind(struct cs_sched *sched, uint64_t hz)
{
    bound_sched = sched;
    clock_hz = hz ? hz : 1;
    ps_per_cycle = 1000000000000u % clock_hz ? 0 : 1000000000000u / clock_hz;
}

extern "C" cs_thread *cs_thread_spawn(const char *name, void (*fn)(void *), void *arg)
{
    // Threads live as long as the process: SystemC keeps a handle to every spawned process.
    cs_thread *t = new cs_thread;
    t->name = name;
    t->fn = fn;
    t->arg = arg;
    sc_core::sc_spawn_options opts;
    opts.set_stack_size(256 * 1024); // driver code keeps large locals on the stack
    t->handle = sc_core::sc_spawn([t]() { body(t); }, sc_core::sc_gen_unique_name(name), &opts);
    return t;
}

extern "C" cs_thread *cs_thread_self(void)
{
    return running;
}

extern "C" const char *cs_thread_name(const cs_thread *t)
{
    return t->name.c_str();
}

extern "C" void *cs_thread_data(const cs_thread *t)
{
    return t->data;
}

extern "C" void cs_thread_set_data(cs_thread *t, void *data)
{
    t->data = data;
    if (t == running)
        cs_exec_running_data = data;
}

namespace
{

// A timed wait that ends by notification leaves its timeout in SystemC's queue of timed
// events, cancelled but only dropped when its time comes: the guest's 30 s command timeouts,
// one per command, made that queue tens of thousands deep and every timed notification pay for
// it. A long timeout is therefore waited in legs of at most this much; one ending early leaves
// a single short-lived entry. The legs wake the thread in between, with no other effect.
int wait_for(cs_event *e, uint64_t timeout)
{
    // 1 ms, in picoseconds like cycles(): SystemC's default resolution, which chansim keeps.
    static const sc_core::sc_time timeout_leg = sc_core::sc_time::from_value(1000000000u);
    const sc_core::sc_time end = sc_core::sc_time_stamp() + cycles(timeout);
    for (;;) {
        const sc_core::sc_time start = sc_core::sc_time_stamp(), left = end - start;
        const bool last = left <= timeout_leg;
        const sc_core::sc_time leg = last ? left : timeout_leg;
        sc_core::wait(leg, e->ev);
        // Both at once counts as notified: the waker's work is visible.
        if (sc_core::sc_time_stamp() - start < leg || e->ev.triggered())
            return 1;
        if (last)
            return 0;
    }
}

} // namespace

extern "C" int cs_thread_wait(cs_event *e, uint64_t timeout)
{
    resume_guard g(running);
    if (!timeout) {
        sc_core::wait(e->ev);
        return 1;
    }
    timed_wait tw(cycles(timeout));
    return wait_for(e, timeout);
}

extern "C" int cs_thread_wait_clock(cs_event *e, uint64_t timeout)
{
    if (!timeout)
        return cs_thread_wait(e, 0);
    resume_guard g(running);
    if (!activity)
        activity = new sc_core::sc_event;
    const sc_core::sc_time end = sc_core::sc_time_stamp() + cycles(timeout);
    for (;;) {
        sc_core::sc_time now = sc_core::sc_time_stamp(), due = end;
        if (now >= end)
            return 0;
        bool work = false;
        for (const timed_wait *w = deadlines; w; w = w->next) {
            work = true;
            due = std::min(due, w->at);
        }
        uint64_t next;
        if (bound_sched && cs_sched_next(bound_sched, &next)) {
            work = true;
            due = std::min(due, cycles(next));
        }
        if (work && due > now) {
            // New work in the meantime may come earlier than `due`: it wakes the clock too,
            // and the wait is measured again.
            sc_core::wait(due - now, e->ev | *activity);
            if (e->ev.triggered())
                return 1;
            if (sc_core::sc_time_stamp() >= due)
                return 0;
            continue;
        }
        // Nothing due later: whatever runs in this cycle either makes more work (and wakes
        // the clock through `activity`) or lets the run end here.
        sc_core::wait(e->ev | *activity);
        if (e->ev.triggered())
            return 1;
    }
}

extern "C" void cs_exec_activity(void)
{
    if (activity)
        activity->notify(sc_core::SC_ZERO_TIME);
}

extern "C" void cs_thread_sleep(uint64_t n)
{
    resume_guard g(running);
    timed_wait tw(cycles(n));
    sc_core::wait(cycles(n));
}

extern "C" void cs_thread_join(cs_thread *t)
{
    resume_guard g(running);
    while (!t->ended)
        sc_core::wait(t->done);
}

extern "C" int cs_thread_ended(const cs_thread *t)
{
    return t->ended;
}

extern "C" cs_event *cs_event_new(void)
{
    return new cs_event;
}

extern "C" void cs_event_free(cs_event *e)
{
    delete e;
}

extern "C" void cs_event_notify(cs_event *e)
{
    // A delta notification: waiters run after the notifier yields, in the same cycle, and
    // a notification made outside the simulation (elaboration) is still legal.
    e->ev.notify(sc_core::SC_ZERO_TIME);
}
