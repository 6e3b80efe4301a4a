// C interface to the Verilated crq_engine (crq_engine_model.h). The only C++ of the RTL path:
// it owns the Verilator context and model and plays the memory side of the engine's port.
#include "crq_engine_model.h"

#include <memory>
#include <new>
#include <utility>
#include <vector>

#include <cstdio>

#include "Vcrq_engine.h"
#include "verilated.h"
#include "verilated_fst_c.h"

struct crq_rtl {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vcrq_engine> top;
    uint8_t *mem = nullptr;
    uint64_t size = 0;
    unsigned latency = 1;
    uint64_t cycle = 0;
    uint64_t edges = 0; // evaluated: cycle minus the gated ones (crq_rtl_skip)
    // the one outstanding memory response
    bool pend = false;
    unsigned pend_left = 0;
    bool pend_err = false;
    uint64_t pend_rdata = 0;
    crq_rtl_mem_fn mem_fn = nullptr;
    void *mem_ctx = nullptr;
    crq_rtl_consumed_fn cons_fn = nullptr;
    void *cons_ctx = nullptr;
    crq_rtl_irq_fn irq_fn = nullptr;
    void *irq_ctx = nullptr;
    // the command handshake: offered until an edge sees cmd_ready, then answered by a
    // rsp_valid pulse, which is latched here so that whoever clocks the engine cannot lose it
    bool offered = false;
    bool in_flight = false;
    uint64_t accepted = 0; // cycle before the accepting edge
    bool answered = false;
    unsigned rsp_status = 0;
    uint64_t rsp_cycle = 0;
    // writes held back from memory (crq_rtl_hold_writes), in order: address, word
    bool holding = false;
    std::vector<std::pair<uint64_t, uint64_t>> held;
    // the waveform, when one is open: time in ps of edge `cycle` is (cycle + wave_off) * period
    std::unique_ptr<VerilatedFstC> wave;
    int64_t wave_off = 0;
    uint64_t wave_period_ps = 1000;
};

namespace
{

uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = static_cast<uint8_t>(v);
}

// A request the engine put on its port at the last edge: done now, answered after the latency.
// Out-of-range or misaligned addresses get an error response rather than touching memory.
void serve(crq_rtl *e)
{
    Vcrq_engine *t = e->top.get();
    uint64_t addr = t->mem_req_addr;
    bool ok = (addr & 7) == 0 && e->size >= 8 && addr <= e->size - 8;
    uint64_t word = 0;
    if (ok && t->mem_req_we) {
        word = t->mem_req_wdata;
        if (e->holding)
            e->held.emplace_back(addr, word);
        else
            store_be64(e->mem + addr, word);
    } else if (ok) {
        word = load_be64(e->mem + addr);
        for (const auto &w : e->held) // the engine reads its own held writes
            if (w.first == addr)
                word = w.second;
    }
    if (ok && e->mem_fn)
        e->mem_fn(e->mem_ctx, t->mem_req_we ? 'w' : 'r', addr, word, e->cycle);
    e->pend = true;
    e->pend_left = e->latency;
    e->pend_err = !ok;
    e->pend_rdata = word;
}

void dump(crq_rtl *e, bool low_half)
{
    if (!e->wave)
        return;
    int64_t c = (int64_t)e->cycle + e->wave_off;
    uint64_t t = c > 0 ? (uint64_t)c * e->wave_period_ps : 0;
    e->wave->dump(t + (low_half ? e->wave_period_ps / 2 : 0));
}

void tick(crq_rtl *e)
{
    Vcrq_engine *t = e->top.get();
    bool accept = e->offered && t->cmd_valid && t->cmd_ready;
    if (accept) {
        e->accepted = e->cycle;
        e->in_flight = true;
    }
    bool rsp = e->pend && --e->pend_left == 0;
    t->mem_rsp_valid = rsp;
    t->mem_rsp_err = rsp && e->pend_err;
    t->mem_rsp_rdata = rsp ? e->pend_rdata : 0;
    t->clk = 1;
    t->eval();
    e->cycle++;
    e->edges++;
    e->ctx->timeInc(1);
    if (rsp)
        e->pend = false;
    if (accept) {
        e->offered = false;
        t->cmd_valid = 0;
    }
    if (t->rsp_valid && e->in_flight) {
        e->in_flight = false;
        e->answered = true;
        e->rsp_status = t->rsp_status;
        e->rsp_cycle = e->cycle;
    }
    // Registered outputs: each pulse is seen exactly once, right after its edge.
    if (t->mem_req_valid)
        serve(e);
    if (t->consumed_valid && e->cons_fn)
        e->cons_fn(e->cons_ctx, t->consumed_slot, e->cycle);
    if (t->irq && e->irq_fn)
        e->irq_fn(e->irq_ctx, e->cycle);
    dump(e, false);
    t->clk = 0;
    t->eval();
    e->ctx->timeInc(1);
    dump(e, true);
}

// Enough for a reclaim pass over the whole ring plus one enqueue; beyond it the engine is stuck.
uint64_t cycle_limit(crq_rtl *e)
{
    uint64_t entries = crq_rtl_reg_read(e, CRQ_RTL_R_ENTRIES);
    return 16 + (uint64_t)(e->latency + 1) * (entries + 4);
}

} // namespace

extern "C" {

struct crq_rtl *crq_rtl_new(uint8_t *mem, uint64_t size, unsigned mem_latency)
{
    if (mem_latency == 0)
        return nullptr;
    crq_rtl *e = new (std::nothrow) crq_rtl;
    if (!e)
        return nullptr;
    try { // no exception may cross the C interface
        e->ctx = std::make_unique<VerilatedContext>();
        e->ctx->traceEverOn(true); // before the model: --wave may ask for its signals later
        e->top = std::make_unique<Vcrq_engine>(e->ctx.get(), "crq_engine");
    } catch (const std::bad_alloc &) {
        delete e;
        return nullptr;
    }
    e->mem = mem;
    e->size = mem ? size : 0;
    e->latency = mem_latency;
    Vcrq_engine *t = e->top.get();
    t->rst = 1;
    t->clk = 0;
    t->eval();
    tick(e);
    tick(e);
    t->rst = 0;
    t->eval();
    return e;
}

void crq_rtl_free(struct crq_rtl *e)
{
    if (!e)
        return;
    e->top->final();
    if (e->wave)
        e->wave->close();
    delete e;
}

void crq_rtl_step(struct crq_rtl *e, uint64_t cycles)
{
    while (cycles--)
        tick(e);
}

uint64_t crq_rtl_cycle(const struct crq_rtl *e)
{
    return e->cycle;
}

void crq_rtl_reg_write(struct crq_rtl *e, unsigned reg, uint64_t value)
{
    Vcrq_engine *t = e->top.get();
    t->reg_addr = reg & 0xF;
    t->reg_wdata = value;
    t->reg_we = 1;
    tick(e);
    t->reg_we = 0;
    t->eval();
}

uint64_t crq_rtl_reg_read(struct crq_rtl *e, unsigned reg)
{
    Vcrq_engine *t = e->top.get();
    t->reg_addr = reg & 0xF;
    t->eval();
    return t->reg_rdata;
}

unsigned crq_rtl_register(struct crq_rtl *e, uint64_t base, uint32_t entries)
{
    crq_rtl_reg_write(e, CRQ_RTL_R_BASE, base);
    crq_rtl_reg_write(e, CRQ_RTL_R_ENTRIES, entries);
    crq_rtl_reg_write(e, CRQ_RTL_R_QCTRL, 1);
    return CRQ_RTL_STATUS_STATE(crq_rtl_reg_read(e, CRQ_RTL_R_STATUS));
}

void crq_rtl_offer(struct crq_rtl *e, const uint8_t elem[16])
{
    Vcrq_engine *t = e->top.get();
    // cmd_data is a 128-bit port: 32-bit words, least significant first; byte 0 on 127:120.
    for (int w = 0; w < 4; w++) {
        const uint8_t *p = elem + 4 * (3 - w);
        t->cmd_data[w] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
    t->cmd_valid = 1;
    t->eval();
    e->offered = true;
    e->answered = false;
}

int crq_rtl_wave_open(struct crq_rtl *e, const char *path, uint64_t period_ps, int64_t cycle0)
{
    if (e->wave)
        return -1;
    // Verilator's FST writer does not report an unwritable file: find out first.
    FILE *f = std::fopen(path, "wb");
    if (!f)
        return -1;
    std::fclose(f);
    try {
        e->wave = std::make_unique<VerilatedFstC>();
        e->wave->set_time_resolution("1ps");
        e->top->trace(e->wave.get(), 99);
        e->wave->open(path);
    } catch (const std::bad_alloc &) {
        e->wave.reset();
        return -1;
    }
    e->wave_off = cycle0;
    e->wave_period_ps = period_ps ? period_ps : 1;
    dump(e, false);
    return 0;
}

void crq_rtl_hold_writes(struct crq_rtl *e, int on)
{
    e->holding = on != 0;
}

void crq_rtl_flush_writes(struct crq_rtl *e)
{
    for (const auto &w : e->held)
        store_be64(e->mem + w.first, w.second);
    e->held.clear();
}

void crq_rtl_discard_writes(struct crq_rtl *e)
{
    e->held.clear();
}

int crq_rtl_pending(const struct crq_rtl *e)
{
    return e->offered || e->in_flight;
}

uint64_t crq_rtl_run(struct crq_rtl *e, uint64_t max_cycles)
{
    uint64_t n = 0;
    while (n < max_cycles && !e->answered) {
        tick(e);
        n++;
    }
    return n;
}

int crq_rtl_take_response(struct crq_rtl *e, enum crq_rtl_status *status, uint64_t *cycles,
                          uint64_t *at)
{
    if (!e->answered)
        return 0;
    e->answered = false;
    *status = static_cast<crq_rtl_status>(e->rsp_status);
    if (cycles)
        *cycles = e->rsp_cycle - e->accepted;
    if (at)
        *at = e->rsp_cycle;
    return 1;
}

void crq_rtl_abandon(struct crq_rtl *e)
{
    Vcrq_engine *t = e->top.get();
    e->offered = e->in_flight = e->answered = false;
    t->cmd_valid = 0;
    t->eval();
}

int crq_rtl_idle(const struct crq_rtl *e)
{
    return !e->top->busy && !e->pend && !crq_rtl_pending(e) && !e->answered;
}

void crq_rtl_skip(struct crq_rtl *e, uint64_t cycles)
{
    // Nothing moves while idle, so the edges need not be evaluated; only time goes on (and the
    // waveform shows the gap).
    e->cycle += cycles;
    e->ctx->timeInc(2 * cycles);
}

uint64_t crq_rtl_edges(const struct crq_rtl *e)
{
    return e->edges;
}

uint64_t crq_rtl_cycle_limit(struct crq_rtl *e)
{
    return cycle_limit(e);
}

enum crq_rtl_status crq_rtl_enqueue(struct crq_rtl *e, const uint8_t elem[16], uint64_t *cycles)
{
    uint64_t limit = cycle_limit(e);
    crq_rtl_offer(e, elem);
    crq_rtl_run(e, limit);
    enum crq_rtl_status st = CRQ_RTL_TIMEOUT;
    if (!crq_rtl_take_response(e, &st, cycles, nullptr)) {
        crq_rtl_abandon(e);
        if (cycles)
            *cycles = limit;
    }
    return st;
}

uint32_t crq_rtl_reclaim(struct crq_rtl *e, uint64_t *cycles)
{
    uint64_t limit = cycle_limit(e), start = e->cycle;
    crq_rtl_reg_write(e, CRQ_RTL_R_RECLAIM, 1);
    while (e->top->busy && e->cycle - start < limit)
        tick(e);
    if (cycles)
        *cycles = e->cycle - start;
    return static_cast<uint32_t>(crq_rtl_reg_read(e, CRQ_RTL_R_OUTSTANDING));
}

void crq_rtl_counters(struct crq_rtl *e, struct crq_rtl_counters *c)
{
    c->enqueued = crq_rtl_reg_read(e, CRQ_RTL_R_ENQUEUED);
    c->dropped = crq_rtl_reg_read(e, CRQ_RTL_R_DROPPED);
    c->closed = crq_rtl_reg_read(e, CRQ_RTL_R_CLOSED);
    c->consumed = crq_rtl_reg_read(e, CRQ_RTL_R_CONSUMED);
    c->next = static_cast<uint32_t>(crq_rtl_reg_read(e, CRQ_RTL_R_NEXT));
    c->oldest = static_cast<uint32_t>(crq_rtl_reg_read(e, CRQ_RTL_R_OLDEST));
    c->outstanding = static_cast<uint32_t>(crq_rtl_reg_read(e, CRQ_RTL_R_OUTSTANDING));
}

void crq_rtl_on_mem(struct crq_rtl *e, crq_rtl_mem_fn fn, void *ctx)
{
    e->mem_fn = fn;
    e->mem_ctx = ctx;
}

void crq_rtl_on_consumed(struct crq_rtl *e, crq_rtl_consumed_fn fn, void *ctx)
{
    e->cons_fn = fn;
    e->cons_ctx = ctx;
}

void crq_rtl_on_irq(struct crq_rtl *e, crq_rtl_irq_fn fn, void *ctx)
{
    e->irq_fn = fn;
    e->irq_ctx = ctx;
}

} // extern "C"
