/* A device behind an I/O subchannel, as the channel subsystem sees it.
 *
 * The channel subsystem (css.c) interprets the channel program: it fetches CCWs, resolves
 * command chaining, TIC, suspend, PCI and prefetch, and builds the data stream of one command
 * from its data-chained CCWs, IDAWs and the skip flag. The device sees one command at a time
 * and moves its bytes through that stream; it never sees a CCW or a guest address. Incorrect
 * length is the channel subsystem's call: it compares what the device moved (or asked to move)
 * with the count, so a device simply transfers what the command defines. */
#ifndef CSS_DEVICE_H
#define CSS_DEVICE_H

#include <stddef.h>
#include <stdint.h>

/* Device-status bits (SCSW byte 8, PoP "Device Status"). */
#define CSS_DEV_ATTENTION    0x80
#define CSS_DEV_STATUS_MOD   0x40 /* status modifier: skip the next CCW of the chain */
#define CSS_DEV_CU_END       0x20
#define CSS_DEV_BUSY         0x10
#define CSS_DEV_CHANNEL_END  0x08
#define CSS_DEV_DEVICE_END   0x04
#define CSS_DEV_UNIT_CHECK   0x02 /* sense data describes why; the program ends */
#define CSS_DEV_UNIT_EXCEPT  0x01

/* The data of one command: the channel subsystem's view of the data-chained CCWs. */
struct css_dstream;

/* Device → storage (read-type commands). Returns the bytes stored; fewer than n when the count
 * of the data chain is exhausted (the channel subsystem notes the device wanted more), -1 when
 * the transfer hit a program or storage error (the channel subsystem has set the subchannel
 * status; the device stops the command and returns its status). Skip-flagged CCWs consume
 * count without storing. */
long css_dstream_write(struct css_dstream *s, const void *buf, size_t n);
/* Storage → device (write-type and control commands with data). Same results as above. */
long css_dstream_read(struct css_dstream *s, void *buf, size_t n);
/* Bytes the data chain still offers (sum of the remaining counts). */
size_t css_dstream_avail(const struct css_dstream *s);

/* What a device answers for one command. */
struct css_dev_result {
    uint8_t dstat;    /* CSS_DEV_*: normally CHANNEL_END | DEVICE_END */
    uint64_t busy_ns; /* simulated time the device and control unit spent on the command */
};

struct css_device_ops {
    const char *name; /* "3390", ... for messages */
    /* A channel program starts on this device (the first command of an SSCH, or after RSCH
     * resumes at a new command chain is NOT a start). Devices reset per-program state here
     * (e.g. the extent a Define Extent set up). */
    void (*program_start)(void *dev);
    /* Execute one command. `cmd` is the CCW command code; data flows through `data`. All
     * commands go here, including Sense (0x04), Sense ID (0xE4) and No-op (0x03): the device
     * owns its sense bytes. An invalid command answers UNIT_CHECK with command-reject sense. */
    struct css_dev_result (*command)(void *dev, uint8_t cmd, struct css_dstream *data);
    /* The program ended (last command, unit check, halt or clear). */
    void (*program_end)(void *dev);
    /* Halt (clear == 0) or clear (clear == 1) function: the device abandons the operation and,
     * on clear, drops pending sense data. */
    void (*reset)(void *dev, int clear);
};

#endif
