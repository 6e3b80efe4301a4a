/* Subchannel-status word (SCSW) in its command-mode, transport-mode and EADM forms, the values
 * of its control and status fields, and helpers that read it. */
#ifndef _ASM_S390_SCSW_H_
#define _ASM_S390_SCSW_H_

#include <asm/s390_types.h>

/* The kernel asks whether transport mode exists (FCX facility) before it trusts the X bit of
 * an SCSW. A shim that models the channel-subsystem characteristics defines this to its
 * answer; by default only command mode exists, which is all vfio-ccw accepts. */
#ifndef KSHIM_CSS_FCX
#define KSHIM_CSS_FCX 0
#endif

/* Command mode. Word 0: key, suspend control, ESW format, deferred cc, format, prefetch,
 * initial-status-interruption, address-limit checking, suppress-suspended interruption,
 * zero cc, extended control, path not operational, function/activity/status control. */
struct cmd_scsw {
    __u32 key : 4;
    __u32 sctl : 1;
    __u32 eswf : 1;
    __u32 cc : 2;
    __u32 fmt : 1;
    __u32 pfch : 1;
    __u32 isic : 1;
    __u32 alcc : 1;
    __u32 ssi : 1;
    __u32 zcc : 1;
    __u32 ectl : 1;
    __u32 pno : 1;
    __u32 res : 1;
    __u32 fctl : 3;
    __u32 actl : 7;
    __u32 stctl : 5;
    __u32 cpa; /* address of the CCW after the last one executed */
    __u32 dstat : 8;
    __u32 cstat : 8;
    __u32 count : 16; /* residual byte count */
} __s390_be __packed;

/* Transport mode: word 1 holds a TCW address, word 2 ends in FCX and extended status. */
struct tm_scsw {
    u32 key : 4;
    u32 : 1;
    u32 eswf : 1;
    u32 cc : 2;
    u32 fmt : 3;
    u32 x : 1; /* IRB-format control */
    u32 q : 1; /* interrogate complete */
    u32 : 1;
    u32 ectl : 1;
    u32 pno : 1;
    u32 : 1;
    u32 fctl : 3;
    u32 actl : 7;
    u32 stctl : 5;
    u32 tcw;
    u32 dstat : 8;
    u32 cstat : 8;
    u32 fcxs : 8;
    u32 ifob : 1;
    u32 sesq : 7;
} __s390_be __packed;

/* EADM subchannels: word 1 holds an AOB address. */
struct eadm_scsw {
    u32 key : 4;
    u32 : 1;
    u32 eswf : 1;
    u32 cc : 2;
    u32 : 6;
    u32 ectl : 1;
    u32 : 2;
    u32 fctl : 3;
    u32 actl : 7;
    u32 stctl : 5;
    u32 aob;
    u32 dstat : 8;
    u32 cstat : 8;
    u32 : 16;
} __s390_be __packed;

union scsw {
    struct cmd_scsw cmd;
    struct tm_scsw tm;
    struct eadm_scsw eadm;
} __s390_be __packed;

/* Function control (3 bits). */
#define SCSW_FCTL_CLEAR_FUNC 0x1
#define SCSW_FCTL_HALT_FUNC  0x2
#define SCSW_FCTL_START_FUNC 0x4

/* Activity control (7 bits). */
#define SCSW_ACTL_SUSPENDED   0x1
#define SCSW_ACTL_DEVACT      0x2
#define SCSW_ACTL_SCHACT      0x4
#define SCSW_ACTL_CLEAR_PEND  0x8
#define SCSW_ACTL_HALT_PEND   0x10
#define SCSW_ACTL_START_PEND  0x20
#define SCSW_ACTL_RESUME_PEND 0x40

/* Status control (5 bits). */
#define SCSW_STCTL_STATUS_PEND  0x1
#define SCSW_STCTL_SEC_STATUS   0x2
#define SCSW_STCTL_PRIM_STATUS  0x4
#define SCSW_STCTL_INTER_STATUS 0x8
#define SCSW_STCTL_ALERT_STATUS 0x10

/* Device status. */
#define DEV_STAT_ATTENTION  0x80
#define DEV_STAT_STAT_MOD   0x40
#define DEV_STAT_CU_END     0x20
#define DEV_STAT_BUSY       0x10
#define DEV_STAT_CHN_END    0x08
#define DEV_STAT_DEV_END    0x04
#define DEV_STAT_UNIT_CHECK 0x02
#define DEV_STAT_UNIT_EXCEP 0x01

/* Subchannel status. */
#define SCHN_STAT_PCI           0x80
#define SCHN_STAT_INCORR_LEN    0x40
#define SCHN_STAT_PROG_CHECK    0x20
#define SCHN_STAT_PROT_CHECK    0x10
#define SCHN_STAT_CHN_DATA_CHK  0x08
#define SCHN_STAT_CHN_CTRL_CHK  0x04
#define SCHN_STAT_INTF_CTRL_CHK 0x02
#define SCHN_STAT_CHAIN_CHECK   0x01

/* Transport-mode status-error sequence codes. */
#define SCSW_SESQ_DEV_NOFCX  3
#define SCSW_SESQ_PATH_NOFCX 4

/* Sense byte 0. */
#define SNS0_CMD_REJECT       0x80
#define SNS_CMD_REJECT        SNS0_CMD_REJECT
#define SNS0_INTERVENTION_REQ 0x40
#define SNS0_BUS_OUT_CHECK    0x20
#define SNS0_EQUIPMENT_CHECK  0x10
#define SNS0_DATA_CHECK       0x08
#define SNS0_OVERRUN          0x04
#define SNS0_INCOMPL_DOMAIN   0x01

/* Sense byte 1. */
#define SNS1_PERM_ERR         0x80
#define SNS1_INV_TRACK_FORMAT 0x40
#define SNS1_EOC              0x20
#define SNS1_MESSAGE_TO_OPER  0x10
#define SNS1_NO_REC_FOUND     0x08
#define SNS1_FILE_PROTECTED   0x04
#define SNS1_WRITE_INHIBITED  0x02
#define SNS1_INPRECISE_END    0x01

/* Sense byte 2. */
#define SNS2_REQ_INH_WRITE    0x80
#define SNS2_CORRECTABLE      0x40
#define SNS2_FIRST_LOG_ERR    0x20
#define SNS2_ENV_DATA_PRESENT 0x10
#define SNS2_INPRECISE_END    0x04

/* Sense byte 7: peer-to-peer remote copy. */
#define SNS7_INVALID_ON_SEC 0x0e

/* The X bit tells the formats apart only where transport mode is installed; elsewhere that bit
 * position means something else in command mode. */
static inline int scsw_is_tm(union scsw *scsw)
{
    return KSHIM_CSS_FCX && scsw->tm.x == 1;
}

/* Fields at the same place in both modes, read through the mode the SCSW is in. */
static inline u32 scsw_key(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.key : scsw->cmd.key;
}

static inline u32 scsw_eswf(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.eswf : scsw->cmd.eswf;
}

static inline u32 scsw_cc(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.cc : scsw->cmd.cc;
}

static inline u32 scsw_ectl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.ectl : scsw->cmd.ectl;
}

static inline u32 scsw_pno(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.pno : scsw->cmd.pno;
}

static inline u32 scsw_fctl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.fctl : scsw->cmd.fctl;
}

static inline u32 scsw_actl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.actl : scsw->cmd.actl;
}

static inline u32 scsw_stctl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.stctl : scsw->cmd.stctl;
}

static inline u32 scsw_dstat(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.dstat : scsw->cmd.dstat;
}

static inline u32 scsw_cstat(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw->tm.cstat : scsw->cmd.cstat;
}

/* Field validity, from the SCSW field descriptions of the Principles of Operation. The rules
 * depend only on the function, activity and status controls and the deferred cc, which sit at
 * the same place in both modes, so one set of rules serves both. */

/* Fields describing the start function: meaningful only while it is indicated. */
static inline int kshim_scsw_start_func(u32 fctl)
{
    return (fctl & SCSW_FCTL_START_FUNC) != 0;
}

static inline int kshim_scsw_status_pending(u32 stctl)
{
    return (stctl & SCSW_STCTL_STATUS_PEND) != 0;
}

/* Extended control is stored with alert status, alone or with primary/secondary status, but
 * never with intermediate status. */
static inline int kshim_scsw_ectl_valid(u32 stctl)
{
    const u32 need = SCSW_STCTL_STATUS_PEND | SCSW_STCTL_ALERT_STATUS;

    return (stctl & need) == need && !(stctl & SCSW_STCTL_INTER_STATUS);
}

/* Path-not-operational is meaningful for a status-pending function, except with intermediate
 * status, unless the subchannel is suspended. */
static inline int kshim_scsw_pno_valid(u32 fctl, u32 actl, u32 stctl)
{
    if (fctl == 0 || !kshim_scsw_status_pending(stctl))
        return 0;
    return !(stctl & SCSW_STCTL_INTER_STATUS) || (actl & SCSW_ACTL_SUSPENDED);
}

/* Device and subchannel status are not stored when the deferred cc is 3. */
static inline int kshim_scsw_status_valid(u32 stctl, u32 cc)
{
    return kshim_scsw_status_pending(stctl) && cc != 3;
}

static inline int kshim_scsw_solicited(u32 cc, u32 stctl)
{
    /* Unsolicited status is alert status alone with cc 0. */
    return cc != 0 || stctl != (SCSW_STCTL_STATUS_PEND | SCSW_STCTL_ALERT_STATUS);
}

static inline int scsw_cmd_is_valid_key(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

static inline int scsw_cmd_is_valid_sctl(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

static inline int scsw_cmd_is_valid_eswf(union scsw *scsw)
{
    return kshim_scsw_status_pending(scsw->cmd.stctl);
}

static inline int scsw_cmd_is_valid_cc(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl) && kshim_scsw_status_pending(scsw->cmd.stctl);
}

static inline int scsw_cmd_is_valid_fmt(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

static inline int scsw_cmd_is_valid_pfch(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

static inline int scsw_cmd_is_valid_isic(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

static inline int scsw_cmd_is_valid_alcc(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

static inline int scsw_cmd_is_valid_ssi(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl);
}

/* Zero cc is reported with intermediate status of a start function. */
static inline int scsw_cmd_is_valid_zcc(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->cmd.fctl) && (scsw->cmd.stctl & SCSW_STCTL_INTER_STATUS);
}

static inline int scsw_cmd_is_valid_ectl(union scsw *scsw)
{
    return kshim_scsw_ectl_valid(scsw->cmd.stctl);
}

static inline int scsw_cmd_is_valid_pno(union scsw *scsw)
{
    return kshim_scsw_pno_valid(scsw->cmd.fctl, scsw->cmd.actl, scsw->cmd.stctl);
}

/* The control fields are meaningful whenever the device number is valid, which the SCSW
 * itself cannot tell. */
static inline int scsw_cmd_is_valid_fctl(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_cmd_is_valid_actl(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_cmd_is_valid_stctl(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_cmd_is_valid_dstat(union scsw *scsw)
{
    return kshim_scsw_status_valid(scsw->cmd.stctl, scsw->cmd.cc);
}

static inline int scsw_cmd_is_valid_cstat(union scsw *scsw)
{
    return kshim_scsw_status_valid(scsw->cmd.stctl, scsw->cmd.cc);
}

static inline int scsw_tm_is_valid_key(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->tm.fctl);
}

static inline int scsw_tm_is_valid_eswf(union scsw *scsw)
{
    return kshim_scsw_status_pending(scsw->tm.stctl);
}

static inline int scsw_tm_is_valid_cc(union scsw *scsw)
{
    return kshim_scsw_start_func(scsw->tm.fctl) && kshim_scsw_status_pending(scsw->tm.stctl);
}

static inline int scsw_tm_is_valid_fmt(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_tm_is_valid_x(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_tm_is_valid_q(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_tm_is_valid_ectl(union scsw *scsw)
{
    return kshim_scsw_ectl_valid(scsw->tm.stctl);
}

static inline int scsw_tm_is_valid_pno(union scsw *scsw)
{
    return kshim_scsw_pno_valid(scsw->tm.fctl, scsw->tm.actl, scsw->tm.stctl);
}

static inline int scsw_tm_is_valid_fctl(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_tm_is_valid_actl(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_tm_is_valid_stctl(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

static inline int scsw_tm_is_valid_dstat(union scsw *scsw)
{
    return kshim_scsw_status_valid(scsw->tm.stctl, scsw->tm.cc);
}

static inline int scsw_tm_is_valid_cstat(union scsw *scsw)
{
    return kshim_scsw_status_valid(scsw->tm.stctl, scsw->tm.cc);
}

static inline int scsw_tm_is_valid_fcxs(union scsw *scsw)
{
    (void)scsw;
    return 1;
}

/* Subchannel-extended status accompanies the subchannel-status conditions that can carry
 * transport-mode detail. */
static inline int scsw_tm_is_valid_schxs(union scsw *scsw)
{
    return (scsw->tm.cstat & (SCHN_STAT_PROG_CHECK | SCHN_STAT_INTF_CTRL_CHK |
                              SCHN_STAT_PROT_CHECK | SCHN_STAT_CHN_DATA_CHK)) != 0;
}

static inline int scsw_is_valid_actl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_actl(scsw) : scsw_cmd_is_valid_actl(scsw);
}

static inline int scsw_is_valid_cc(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_cc(scsw) : scsw_cmd_is_valid_cc(scsw);
}

static inline int scsw_is_valid_cstat(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_cstat(scsw) : scsw_cmd_is_valid_cstat(scsw);
}

static inline int scsw_is_valid_dstat(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_dstat(scsw) : scsw_cmd_is_valid_dstat(scsw);
}

static inline int scsw_is_valid_ectl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_ectl(scsw) : scsw_cmd_is_valid_ectl(scsw);
}

static inline int scsw_is_valid_eswf(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_eswf(scsw) : scsw_cmd_is_valid_eswf(scsw);
}

static inline int scsw_is_valid_fctl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_fctl(scsw) : scsw_cmd_is_valid_fctl(scsw);
}

static inline int scsw_is_valid_key(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_key(scsw) : scsw_cmd_is_valid_key(scsw);
}

static inline int scsw_is_valid_pno(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_pno(scsw) : scsw_cmd_is_valid_pno(scsw);
}

static inline int scsw_is_valid_stctl(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_valid_stctl(scsw) : scsw_cmd_is_valid_stctl(scsw);
}

static inline int scsw_cmd_is_solicited(union scsw *scsw)
{
    return kshim_scsw_solicited(scsw->cmd.cc, scsw->cmd.stctl);
}

static inline int scsw_tm_is_solicited(union scsw *scsw)
{
    return kshim_scsw_solicited(scsw->tm.cc, scsw->tm.stctl);
}

static inline int scsw_is_solicited(union scsw *scsw)
{
    return scsw_is_tm(scsw) ? scsw_tm_is_solicited(scsw) : scsw_cmd_is_solicited(scsw);
}

#endif
