#ifndef _LINUX_CRASH_DUMP_H
#define _LINUX_CRASH_DUMP_H
/* A simulated guest never boots as a kdump capture kernel. */
#define is_kdump_kernel() 0
#endif
