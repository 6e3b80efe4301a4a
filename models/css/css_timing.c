#include "css_timing.h"

#include "cs_machine.h"

/* Command-mode FICON: about 14,000 4 KiB I/Os per second per channel (z10 FICON Express4: zHPF
 * 31,000, "2.2x the FICON protocol"). A DASD read (Define Extent, Locate Record, Read) then
 * occupies the channel for about 70 us: start 10 + 3 x 15 per command + 5 transfer + 5 status
 * = 65 us, so the defaults land at about 15,000 I/Os per second (css.md §6). */
const struct cs_cost css_cost_table[CSS_COST_COUNT] = {
    {"css.start", 10000,
     "no separate published figure; SSCH to device selection (PEND) taken as 10 us so that a "
     "3-command 4 KiB read lands at the ~14k IO/s of command-mode FICON (z10 FICON Express4, "
     "IBM FICON performance page; css.md §6)"},
    {"css.ccw", 15000,
     "no separate published figure; one command exchange taken as 15 us: command-mode FICON "
     "moves a command, its data and its status as separate information units, zHPF "
     "(one exchange per program) does 2.2x the I/O rate (IBM FICON performance page; css.md §6)"},
    {"css.xfer_per_kib", 1280,
     "8 Gbit/s FICON Express8/8S link, 800 MB/s per direction after 8b/10b: 1.28 us per KiB "
     "(IBM Z Connectivity Handbook ch. 4; css.md §6)"},
    {"css.status", 5000,
     "no published figure; ending status and I/O-interruption presentation taken as one third "
     "of a command exchange (assumption within the 14k IO/s budget above)"},
    {"css.halt", 5000,
     "no published figure; halt signal to the control unit and its status, taken as css.status "
     "(assumption)"},
    {"css.clear", 5000,
     "no published figure; clear signal and selective reset, taken as css.status (assumption)"},
};

int css_costs_load(struct css_costs *c, const struct cs_domain *dom, cs_error *err)
{
    if (cs_domain_cost(dom, "css.start", &c->start, err) < 0 ||
        cs_domain_cost(dom, "css.ccw", &c->ccw, err) < 0 ||
        cs_domain_cost(dom, "css.xfer_per_kib", &c->xfer_per_kib, err) < 0 ||
        cs_domain_cost(dom, "css.status", &c->status, err) < 0 ||
        cs_domain_cost(dom, "css.halt", &c->halt, err) < 0 ||
        cs_domain_cost(dom, "css.clear", &c->clear, err) < 0)
        return -1;
    return 0;
}
