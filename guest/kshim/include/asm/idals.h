/* Indirect data addressing: the block geometry of IDAWs and the arithmetic on it.
 *
 * An IDAL is a list of IDAWs, each naming one block of a data area; only the first may start
 * inside its block. Format-1 IDAWs are 4-byte 31-bit addresses with 2 KiB blocks; format-2
 * IDAWs are 8-byte 64-bit addresses with 2 KiB or 4 KiB blocks (ORB C64 and I2K). Linux builds
 * format-2 IDALs with 4 KiB blocks. */
#ifndef _S390_IDALS_H
#define _S390_IDALS_H

#include <linux/errno.h>
#include <linux/io.h>
#include <asm/s390_types.h>
#include <asm/cio.h>

#define IDA_SIZE_LOG   12 /* 4 KiB blocks */
#define IDA_BLOCK_SIZE (1L << IDA_SIZE_LOG)

/* Direct addressing in a format-1 CCW reaches only 31 bits; data ending above needs an IDAL. */
static inline int kshim_idal_is_needed_pa(unsigned long paddr, unsigned int length)
{
    return ((paddr + length - 1) >> 31) != 0;
}

/* A macro so that __pa is the one in effect where it is used. */
#define idal_is_needed(vaddr, length) kshim_idal_is_needed_pa(__pa(vaddr), (length))

/* Number of IDAWs for a data area: the blocks it touches. Only the offset inside a block
 * matters. s390 maps kernel memory one to one, and guest memory is block aligned on the host,
 * so the offset comes from the address itself; callers also pass IOVAs cast to pointers here,
 * which __pa could not translate. */
static inline unsigned int idal_nr_words(void *vaddr, unsigned int length)
{
    unsigned long offset = (unsigned long)vaddr & (IDA_BLOCK_SIZE - 1);

    return (offset + length + IDA_BLOCK_SIZE - 1) >> IDA_SIZE_LOG;
}

/* Data area split into IDA blocks, each data[i] one block. */
struct idal_buffer {
    size_t size;
    size_t page_order;
    void *data[];
};

#endif
