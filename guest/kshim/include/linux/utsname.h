#ifndef _LINUX_UTSNAME_H
#define _LINUX_UTSNAME_H
/* The running kernel's identification, as uname(2) reports it. */
#define __NEW_UTS_LEN 64
struct new_utsname {
    char sysname[__NEW_UTS_LEN + 1];
    char nodename[__NEW_UTS_LEN + 1];
    char release[__NEW_UTS_LEN + 1];
    char version[__NEW_UTS_LEN + 1];
    char machine[__NEW_UTS_LEN + 1];
    char domainname[__NEW_UTS_LEN + 1];
};
struct new_utsname *ks_utsname(void);
#define utsname() ks_utsname()
#endif
