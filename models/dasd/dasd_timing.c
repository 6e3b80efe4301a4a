#include "dasd_timing.h"

#include "cs_machine.h"

const struct cs_cost dasd_cost_table[DASD_COST_COUNT] = {
    {"dasd.command", 2000,
     "no published figure; control-unit processing of one CCW, small beside the service time "
     "(assumption)"},
    {"dasd.cache_hit", 200000,
     "4 KB cache hit: SSCH to interrupt typically < 1 ms (Fujitsu BS2000 Performance Handbook); "
     "zHPF hits inferred at 100-200 us from zHyperLink's 20 us and its 10x (css.md §6); "
     "command mode takes the top of that range"},
    {"dasd.cache_miss", 8000000,
     "4 KB cache miss: up to 10 ms (Fujitsu BS2000 Performance Handbook, css.md §6); 8 ms, "
     "seek and rotation of the back-end disk within that bound (assumption)"},
    {"dasd.per_kib", 2500,
     "a 4 Gbit/s FICON link (FICON Express4/8 link rates, css.md §6) moves about 400 MB/s: "
     "2.5 us per KiB"},
};

void dasd_costs_default(struct dasd_costs *c)
{
    c->command = dasd_cost_table[0].cycles;
    c->cache_hit = dasd_cost_table[1].cycles;
    c->cache_miss = dasd_cost_table[2].cycles;
    c->per_kib = dasd_cost_table[3].cycles;
}

static int get(const struct cs_domain *dom, const char *op, uint64_t *out, cs_error *err)
{
    uint64_t cycles;
    if (cs_domain_cost(dom, op, &cycles, err) < 0)
        return -1;
    /* the table is in platform cycles; a device reports nanoseconds */
    *out = dom->machine ? cs_machine_cycles_to_ns(dom->machine, cycles) : cycles;
    return 0;
}

int dasd_costs_load(struct dasd_costs *c, const struct cs_domain *dom, cs_error *err)
{
    if (get(dom, "dasd.command", &c->command, err) < 0 ||
        get(dom, "dasd.cache_hit", &c->cache_hit, err) < 0 ||
        get(dom, "dasd.cache_miss", &c->cache_miss, err) < 0 ||
        get(dom, "dasd.per_kib", &c->per_kib, err) < 0)
        return -1;
    return 0;
}
