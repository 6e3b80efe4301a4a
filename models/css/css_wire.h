/* What a css channel records in a trace (family "css", one channel per subchannel named
 * "css.<cssid>.<ssid>.<schno>" in hex, e.g. "css.0.0.0000", plus "css" for what addresses no
 * subchannel: TPI and STCRW). Payloads are big-endian, in the layouts docs/trace-format.md
 * gives. The instruction records reuse the kinds and payloads of the ftrace importer
 * (enum cs_css_ftrace_kind), so one monitor checks imported and live traces alike. */
#ifndef CSS_WIRE_H
#define CSS_WIRE_H

#include "cs_ftrace_import.h"

enum css_kind {
    CSS_K_ORB = 1,  /* to_firmware: the 12-byte command-mode ORB SSCH fetched */
    CSS_K_CCW = 2,  /* to_firmware: each CCW the channel fetched, as a format-1 CCW */
    CSS_K_SCSW = 3, /* to_guest: the 12-byte SCSW when status becomes pending */
    CSS_K_IRB = 4,  /* to_guest: the IRB TSCH stored (64 bytes) */
    /* to_guest (stored) or to_firmware (fetched): one piece of a data transfer: be64 address
     * of its lowest byte, be32 length, u8 CSS_DATA_* flags; the bytes are not recorded */
    CSS_K_DATA = 5,
    /* to_firmware: an IDAW the channel fetched: be64 its address, then the IDAW (4 bytes
     * format 1, 8 bytes format 2) */
    CSS_K_IDAW = 6,
    /* to_firmware: storage the access check refused (css_set_access_check): be64 address,
     * be32 length, u8 1 for a store, 0 for a fetch; the program ends in protection check */
    CSS_K_ACCESS_DENIED = 0x136,

    /* Instruction records (payloads of docs/trace-format.md, "css payloads"); cc is -5 when
     * the instruction took a program exception, as the kernel's tracepoints record it. */
    CSS_K_SSCH = CSS_FT_SSCH,
    CSS_K_CSCH = CSS_FT_CSCH,
    CSS_K_HSCH = CSS_FT_HSCH,
    CSS_K_XSCH = CSS_FT_XSCH,
    CSS_K_RSCH = CSS_FT_RSCH,
    CSS_K_STSCH = CSS_FT_STSCH,
    CSS_K_MSCH = CSS_FT_MSCH,
    CSS_K_TSCH = CSS_FT_TSCH,
    CSS_K_TPI = CSS_FT_TPI,
    CSS_K_INTERRUPT = CSS_FT_INTERRUPT,
    CSS_K_STCRW = CSS_FT_STCRW,
};

#define CSS_DATA_STORE        0x01 /* into storage (read, read backward, sense) */
#define CSS_DATA_SKIP         0x02 /* skip flag: count consumed, nothing stored */
#define CSS_DATA_BACKWARD     0x04 /* read backward: stored from the highest address down */
#define CSS_DATA_LEN          13
#define CSS_ACCESS_DENIED_LEN 13

#define CSS_ORB_LEN   12
#define CSS_CCW_LEN   8
#define CSS_SCSW_LEN  12
#define CSS_SCHIB_LEN 52
#define CSS_IRB_LEN   64

#endif
