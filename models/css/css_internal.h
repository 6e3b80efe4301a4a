/* State shared by the files of the channel-subsystem model; not for users of css.h. */
#ifndef CSS_INTERNAL_H
#define CSS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "css.h"
#include "css_timing.h"

struct cs_machine;
struct cs_gmem;

/* SCSW function control (word 0 bits 17-19). */
#define FC_START 0x4
#define FC_HALT  0x2
#define FC_CLEAR 0x1
/* activity control (bits 20-26) */
#define AC_RESUME_PEND 0x40
#define AC_START_PEND  0x20
#define AC_HALT_PEND   0x10
#define AC_CLEAR_PEND  0x08
#define AC_SCH_ACTIVE  0x04
#define AC_DEV_ACTIVE  0x02
#define AC_SUSPENDED   0x01
/* status control (bits 27-31) */
#define SC_ALERT   0x10
#define SC_INTER   0x08
#define SC_PRIMARY 0x04
#define SC_SECOND  0x02
#define SC_PENDING 0x01
/* subchannel status (byte 9) */
#define CST_PCI      0x80
#define CST_IL       0x40
#define CST_PROG     0x20
#define CST_PROT     0x10
#define CST_CDC      0x08
#define CST_CCC      0x04
#define CST_IFCC     0x02
#define CST_CHAINCHK 0x01
/* CCW flags */
#define CCW_CD   0x80
#define CCW_CC   0x40
#define CCW_SLI  0x20
#define CCW_SKIP 0x10
#define CCW_PCI  0x08
#define CCW_IDA  0x04
#define CCW_S    0x02
#define CCW_MIDA 0x01

/* The SCSW in parts; css_scsw_store() lays it out. */
struct css_scsw {
    uint8_t key, sctl, eswf, cc, fmt, pfch, isic, alcc, ssi, zcc, ectl, pno;
    uint8_t fctl, actl, stctl;
    uint32_t cpa;
    uint8_t dstat, cstat;
    uint16_t count;
};

struct css_orb {
    uint32_t intparm;
    uint8_t key, spnd, mod, sync, fmt, pfch, isic, alcc, ssic, c64, i2k, lpm, ils, midaw, orbx;
    uint32_t cpa;
};

/* A CCW in format-1 terms (format-0 ones are converted on fetch). */
struct css_ccw {
    uint8_t cmd, flags;
    uint16_t count;
    uint32_t cda;
};

/* An activation of the machine's queue that can be withdrawn (halt and clear withdraw a
 * running program's next step). */
struct css_ev {
    struct css_ev *prev, *next;
    struct css_subch *s;
    void (*fn)(struct css_subch *s);
    int dead;
};

/* The data stream of one command (css_device.h): the data-chained CCWs, their IDAWs, skip. */
struct css_dstream {
    struct css_subch *s;
    int write_to_storage; /* read, read backward or sense: skip applies */
    int backward;         /* read backward: storage filled from high to low addresses */
    /* the CCW currently supplying data */
    struct css_ccw ccw;
    uint64_t ccw_addr;
    uint32_t left; /* count left in ccw */
    /* direct address or the current IDAW's segment */
    uint64_t addr;
    uint64_t seg_left;  /* bytes before the next IDAW is needed (IDA) */
    uint64_t idaw_next; /* address of the next IDAW */
    uint8_t *local;     /* concurrent sense: the bytes go here, not to guest storage */
    size_t local_cap;
    int first_idaw;
    int error;       /* a program or protection check ended the transfer */
    int wanted_more; /* the device wanted more than the chain offered */
    size_t moved;
};

struct css_subch {
    struct css *c;
    uint8_t cssid, ssid;
    uint16_t schno;
    uint32_t sid;
    uint16_t chan; /* tap channel */
    int present;   /* a device is attached */
    const struct css_device_ops *ops;
    void *dev;

    /* PMCW */
    uint32_t intparm;
    uint8_t isc, ena, lm, mme, mp, tf, dnv;
    uint16_t devno;
    uint8_t lpm, pnom, lpum, pim, pom, pam;
    uint16_t mbi;
    uint8_t chpid[8];
    uint8_t st, mbfc, xmwme, csense;
    uint64_t mba;

    struct css_scsw scsw;
    struct css_orb orb;
    /* ESW/ECW of the pending status */
    uint8_t sense[32];
    uint8_t sense_len;

    /* the running channel program */
    uint64_t ccw_addr;  /* address of the current CCW */
    struct css_ccw ccw; /* the current command's first CCW */
    struct css_dstream ds;
    int dev_started;   /* program_start was called, program_end not yet */
    int resume_ok;     /* suspension may be used (ORB S) */
    int isic_due;      /* ORB I: initial-status interruption at the first command */
    struct css_ccw pf; /* the prefetched next CCW (ORB P) */
    uint64_t pf_addr;
    int pf_valid;
    uint8_t last_dstat; /* what the device answered for the current command */
    int ending;         /* the current command ends the program */
    int il;             /* the current command ends with incorrect length */
    /* the first program or protection check the program met */
    uint8_t err_cstat;
    uint32_t err_cpa;
    uint16_t err_count;
    uint64_t err_faddr; /* failing-storage address of a channel-data check */
    int err_faddr_valid;
    struct css_ev *step; /* the program's next activation, or NULL */

    int int_pending; /* I/O interruption pending (not yet taken by the CPU or TPI) */
    uint64_t int_seq;
    int int_scheduled;
};

struct css_set {
    uint8_t cssid, ssid;
    struct css_subch **sch;
    size_t n;
};

#define CSS_CRW_QUEUE 16

struct css {
    struct cs_domain *dom;
    struct cs_machine *m;
    struct cs_gmem *mem;
    struct css_costs costs;
    struct css_set *sets;
    size_t nsets;
    uint16_t chan;     /* tap channel for TPI and STCRW */
    struct css_ev evs; /* list head of queued activations */
    css_io_handler_fn io_fn;
    void *io_ctx;
    uint8_t isc_mask;
    uint64_t int_seq;
    void (*crw_fn)(void *ctx);
    void *crw_ctx;
    uint32_t crw[CSS_CRW_QUEUE];
    unsigned ncrw;
    int crw_overflow;
    css_access_fn access_fn;
    void *access_ctx;
};

/* css.c */
struct css_subch *css_lookup(struct css *c, uint32_t sid, int *bad_sid);
struct css_ev *css_after(struct css_subch *s, uint64_t delay, void (*fn)(struct css_subch *));
void css_cancel(struct css_ev **ev);
void css_tap(struct css_subch *s, int dir, uint16_t kind, const void *p, uint32_t len);
void css_tap_instr(struct css *c, struct css_subch *s, uint32_t sid, uint16_t kind, int cc);
int css_access(struct css *c, uint64_t gpa, uint64_t len, int write);
uint64_t css_ns(struct css *c, uint64_t ns);
void css_end_device(struct css_subch *s);

/* css_status.c */
void css_scsw_store(const struct css_scsw *w, uint8_t out[12]);
void css_pmcw_store(const struct css_subch *s, uint8_t out[28]);
void css_schib_store(const struct css_subch *s, uint8_t out[52]);
void css_irb_build(const struct css_subch *s, uint8_t out[64]);
void css_tsch_clear(struct css_subch *s);
/* Status became pending (or more status accumulated): trace the SCSW and raise the
 * interruption. */
void css_status_pending(struct css_subch *s);
void css_deliver(struct css *c);

/* css_program.c */
void css_start_function(struct css_subch *s);
void css_resume_function(struct css_subch *s);
void css_halt_function(struct css_subch *s);
void css_clear_function(struct css_subch *s);

/* Record the first program or protection check of the program: the SCSW will show cstat,
 * the CCW address cpa and the count. */
void css_program_check(struct css_subch *s, uint8_t cstat, uint64_t cpa, uint16_t count);
/* A CCW became current with the PCI flag: intermediate status. */
void css_pci(struct css_subch *s, uint64_t ccw_addr);

/* css_dstream.c */
/* The stream of the command whose first CCW is ccw at ccw_addr; 0, or -1 after
 * css_program_check (IDAL address not aligned). */
int css_dstream_begin(struct css_subch *s, struct css_dstream *ds, const struct css_ccw *ccw,
                      uint64_t ccw_addr);
/* The CCW at addr following at most one TIC, converted to format 1 and traced: *at is where
 * the command CCW came from. 0, or -1 after css_program_check (TIC rules, alignment,
 * address). */
int css_fetch_chained(struct css_subch *s, uint64_t addr, struct css_ccw *out, uint64_t *at);
/* Trace a CCW the channel fetched (kind CSS_K_CCW, format 1). */
void css_tap_ccw(struct css_subch *s, const struct css_ccw *ccw);
/* Read a CCW without side effects (prefetch, css_dstream_avail); -1 when not readable. */
int css_peek_ccw(struct css_subch *s, uint64_t addr, struct css_ccw *out);

/* css_crw.c */
void css_crw_queue_sch(struct css *c, const struct css_subch *s);

#endif
