/* The IO service partition (spec visor.md §4): a vhba serving SCSI commands from a disk image
 * and a vnic attached to a virtual switch, each behind one IO channel (queue 0 to the IO
 * partition, queue 1 from it, slots of struct uiscmdrsp). The partition is polled: each poll
 * takes what the guest queued, serves it and inserts the answers, never more answers than the
 * guest's queue has room for (the rest wait in order for the next poll, so none is lost). It can
 * be taken down (a crash: in-flight work is lost, nothing is served) and brought back. */
#ifndef VISOR_IO_H
#define VISOR_IO_H

#include <stdint.h>

#include "visor_channel.h"

/* Bytes of an IO channel with `slots` slots per queue (spec §4.1 server convention). */
uint64_t visor_io_channel_bytes(uint32_t slots);

/* ---- vhba ---- */
struct visor_vhba_config {
    const char *image;    /* disk image file, opened read-write */
    uint32_t slots;       /* per queue, [64, 4096] */
    uint32_t max_io_size; /* bytes per command (config_max.max_io_size) */
};

struct visor_vhba_stats {
    uint64_t commands, reads, writes, bytes_read, bytes_written, check_conditions, taskmgmt;
    uint64_t bad_requests;  /* malformed uiscmdrsp (data list outside memory, too long, ...) */
    uint64_t lost_in_crash; /* taken by the partition, unanswered when it went down */
    uint64_t discarded_at_recovery;
};

struct visor_vhba;
int visor_vhba_create(struct cs_gmem *mem, uint64_t gpa, const struct visor_vhba_config *cfg,
                      struct cs_tap *tap, uint16_t tap_ch, const char *name,
                      struct visor_vhba **out, cs_error *err);
void visor_vhba_free(struct visor_vhba *v);
struct visor_channel *visor_vhba_channel(struct visor_vhba *v);
uint64_t visor_vhba_blocks(const struct visor_vhba *v); /* 512-byte blocks of the image */
/* Serve up to `budget` commands; returns how many signals moved (>= 0), -1 on a header fault.
 * *busy_bytes receives the data bytes copied (for the copy-bandwidth cost). */
int visor_vhba_poll(struct visor_vhba *v, unsigned budget, uint64_t *busy_bytes, cs_error *err);
/* Down: stop serving, forget in-flight work. Up: discard commands the guest queued before the
 * pause (it failed them with DID_RESET when paused) and serve again. */
void visor_vhba_set_up(struct visor_vhba *v, int up);
void visor_vhba_stats(const struct visor_vhba *v, struct visor_vhba_stats *s);

/* Serve one uiscmdrsp (cmdtype 1 or 3) against the image, writing the answer into `rsp`
 * (VISOR_IO_CMDRSP_SIZE bytes): the SCSI target itself, without the channel. */
void visor_vhba_serve(struct visor_vhba *v, const uint8_t *req, uint8_t *rsp);

/* ---- virtual switch and vnic ---- */
struct visor_switch;
struct visor_switch_port;
typedef void (*visor_port_rx_fn)(void *ctx, const uint8_t *frame, uint32_t len);

struct visor_switch *visor_switch_new(void);
void visor_switch_free(struct visor_switch *sw);
struct visor_switch_port *visor_switch_attach(struct visor_switch *sw, visor_port_rx_fn rx,
                                              void *ctx);
/* The port stops receiving (its owner is going away); the switch frees it. */
void visor_switch_detach(struct visor_switch_port *port);
/* Forward a frame from `from` to every other port (each port filters by its own address). */
void visor_switch_send(struct visor_switch *sw, struct visor_switch_port *from,
                       const uint8_t *frame, uint32_t len);
uint64_t visor_switch_frames(const struct visor_switch *sw);

/* A classic pcap file as a switch port: frames arriving on the port are appended to `out`
 * (may be NULL); the frames of `in` (may be NULL) are sent into the switch by
 * visor_pcap_port_inject. */
struct visor_pcap_port;
int visor_pcap_port_open(struct visor_switch *sw, const char *in, const char *out,
                         struct visor_pcap_port **pp, cs_error *err);
/* Send the next `n` frames of the input file; returns frames sent, -1 on a malformed file. */
int visor_pcap_port_inject(struct visor_pcap_port *p, unsigned n, cs_error *err);
uint64_t visor_pcap_port_written(const struct visor_pcap_port *p);
void visor_pcap_port_close(struct visor_pcap_port *p);

struct visor_vnic_config {
    uint8_t mac[6];
    uint32_t slots;
    uint32_t num_rcv_bufs;
    uint32_t mtu;
    int link_up;
};

struct visor_vnic_stats {
    uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes, rx_dropped, rx_filtered;
    uint64_t posted, enable_acks, bad_requests, lost_in_crash;
};

struct visor_vnic;
int visor_vnic_create(struct cs_gmem *mem, uint64_t gpa, const struct visor_vnic_config *cfg,
                      struct visor_switch *sw, struct cs_tap *tap, uint16_t tap_ch,
                      const char *name, struct visor_vnic **out, cs_error *err);
void visor_vnic_free(struct visor_vnic *n);
struct visor_channel *visor_vnic_channel(struct visor_vnic *n);
int visor_vnic_poll(struct visor_vnic *n, unsigned budget, uint64_t *busy_bytes, cs_error *err);
void visor_vnic_set_link(struct visor_vnic *n, int up);
void visor_vnic_set_up(struct visor_vnic *n, int up);
int visor_vnic_enabled(const struct visor_vnic *n);
uint32_t visor_vnic_posted(const struct visor_vnic *n);
void visor_vnic_stats(const struct visor_vnic *n, struct visor_vnic_stats *s);
/* Frames the switch port holds while the guest has no receive buffer posted, 1..4096
 * (VISOR_VNIC_PORT_FRAMES, the default); beyond them frames are dropped and counted. */
#define VISOR_VNIC_PORT_FRAMES 4096
void visor_vnic_set_port_frames(struct visor_vnic *n, uint32_t frames);

#endif
