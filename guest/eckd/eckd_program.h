/* ECKD channel programs a guest driver builds for a 3390: block reads and writes through
 * Define Extent + Locate Record domains (multi-track, IDAL where a block crosses a page), a
 * classic Seek / Search ID Equal / TIC loop, programs that suspend, and the identification
 * commands. Everything goes to guest memory through struct eckd_mem; the ORB stays in host
 * memory for the caller to place or hand over. Layouts: docs/dasd.md (Guest programs). */
#ifndef ECKD_PROGRAM_H
#define ECKD_PROGRAM_H

#include <stdint.h>

#include "eckd_ccw.h"

/* A formatted volume: fixed-size blocks, blocks_per_track records (R1..) on each track. */
struct eckd_geom {
    uint32_t cylinders, heads;
    uint32_t blocks_per_track;
    uint32_t block_size;
};

enum eckd_dir { ECKD_READ, ECKD_WRITE };

/* Builder flags. */
#define ECKD_FORCE_IDAL  0x1u /* IDAWs for every data CCW, not only where a block crosses a page */
#define ECKD_NO_PREFETCH 0x2u /* ORB P = 0 */
#define ECKD_SUSPEND     0x4u /* S flag on the first data CCW (ORB S = 1): see eckd_resume_prepare */
#define ECKD_PCI_LAST    0x8u /* PCI on the last data CCW */

/* Locate Record domains hold at most 255 records; longer transfers get several. */
#define ECKD_LR_MAX 255u

struct eckd_program {
    struct eckd_orb orb;
    uint8_t orb_bytes[ECKD_ORB_LEN];
    uint64_t cpa;
    unsigned nccw;
    unsigned idaws;       /* IDAWs built */
    uint64_t suspend_ccw; /* guest address of the CCW carrying S, or 0 */
};

/* Read or write nblocks blocks from block `first` (block b is record b % bpt + 1 of track
 * b / bpt) to or from guest memory [data, data + nblocks * block_size). */
int eckd_build_rw(const struct eckd_mem *m, const struct eckd_geom *g, enum eckd_dir dir,
                  uint64_t first, unsigned nblocks, uint64_t data, unsigned flags, uint32_t intparm,
                  struct eckd_program *p, cs_error *err);

/* Seek; Search ID Equal (record of block b); TIC back to the search; Read or Write Data.
 * The search repeats until the device answers status modifier on the record. */
int eckd_build_search_loop(const struct eckd_mem *m, const struct eckd_geom *g, enum eckd_dir dir,
                           uint64_t block, uint64_t data, unsigned flags, uint32_t intparm,
                           struct eckd_program *p, cs_error *err);

/* One command: Sense ID (0xE4, count 256, SLI), Read Device Characteristics (0x64, 64),
 * Sense (0x04, 32), or any other with its count and flags. */
int eckd_build_command(const struct eckd_mem *m, uint8_t cmd, uint8_t flags, uint16_t count,
                       uint64_t data, uint32_t intparm, struct eckd_program *p, cs_error *err);
int eckd_build_sense_id(const struct eckd_mem *m, uint64_t buf, uint32_t intparm,
                        struct eckd_program *p, cs_error *err);
int eckd_build_rdc(const struct eckd_mem *m, uint64_t buf, uint32_t intparm, struct eckd_program *p,
                   cs_error *err);
int eckd_build_sense(const struct eckd_mem *m, uint64_t buf, uint32_t intparm,
                     struct eckd_program *p, cs_error *err);

/* Clear the S flag of a suspended program's CCW, before RSCH resumes it. */
int eckd_resume_prepare(const struct eckd_mem *m, const struct eckd_program *p, cs_error *err);

/* What Sense ID and Read Device Characteristics say. */
struct eckd_devinfo {
    uint16_t cu_type, dev_type;
    uint8_t cu_model, dev_model;
    uint32_t cylinders, heads; /* from RDC */
};
int eckd_parse_sense_id(const uint8_t *b, size_t n, struct eckd_devinfo *di, cs_error *err);
int eckd_parse_rdc(const uint8_t *b, size_t n, struct eckd_devinfo *di, cs_error *err);
/* The geometry of a 3390 formatted with block_size blocks (3390 track-capacity formula). */
int eckd_geom_3390(const struct eckd_devinfo *di, uint32_t block_size, struct eckd_geom *g,
                   cs_error *err);

#endif
