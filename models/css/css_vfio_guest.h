/* The VM guest of a vfio-ccw DASD, as the user process that emulates it (QEMU's part): it
 * creates the mdev, opens it, maps the guest's memory for DMA, and runs ECKD channel programs
 * (guest/eckd) through the I/O region, waiting on the eventfd and checking every IRB. */
#ifndef CSS_VFIO_GUEST_H
#define CSS_VFIO_GUEST_H

#include <stdint.h>

struct ks_kernel;

/* What the guest runs. */
enum css_vfio_program {
    CSS_PROG_RW,       /* Sense ID, RDC, then `ios` random block writes, then their reads */
    CSS_PROG_IDENTIFY, /* Sense ID and RDC only */
    CSS_PROG_READ,     /* `ios` random block reads of a volume never written (zeros) */
    CSS_PROG_FLAGS,    /* every CCW flag and IDAW format the driver passes, on `ios` blocks */
    CSS_PROG_HALT,     /* HSCH through the async region while each read runs */
    CSS_PROG_CLEAR,    /* CSCH through the async region while each read runs */
    CSS_PROG_CHECKS,   /* malformed programs: program checks or the driver's refusal */
    /* `ios` block writes on a host that refuses the channel every fetch outside the kernel's
     * allocations (css family, program='denied'): each must end in a protection check */
    CSS_PROG_DENIED,
};

struct css_vfio_guest_config {
    struct ks_kernel *k;
    char parent[16]; /* "0.<ssid>.<schno>" of the host subchannel */
    char uuid[40];
    enum css_vfio_program program;
    uint32_t ios;
    uint64_t seed;
    uint32_t block_size; /* 4096 */
    int readonly;        /* writes are expected to end in file-protected unit checks */
    struct css_vfio_guest_result *result; /* set by css_vfio_guest_start */
};

struct css_vfio_guest_result {
    int done;             /* the process ran to the end */
    uint64_t programs;    /* channel programs started through the I/O region */
    uint64_t bytes;       /* data bytes moved and verified */
    uint64_t errors;      /* unexpected IRBs, ret codes or data */
    uint64_t sim_ns;      /* simulated time of the I/O phase */
    uint64_t io_programs; /* programs of the I/O phase */
    uint16_t cu_type, dev_type;
    char why[256]; /* the first error */
};

/* Spawn the VM guest as a user process of cfg->k. `cfg` and `r` must outlive the kernel: the
 * process reads them when it runs, which a run stopped early may never let it do. */
void css_vfio_guest_start(struct css_vfio_guest_config *cfg, struct css_vfio_guest_result *r);

#endif
