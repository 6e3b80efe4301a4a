/* The chansim command: one function per subcommand, each returning an exit status
 * (enum cs_exit). */
#ifndef CHANSIM_CLI_H
#define CHANSIM_CLI_H

#include <stdint.h>

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_suite(int argc, char **argv);

/* "chansim <sub>: <message>" on stderr; returns CS_EXIT_USAGE. */
int cli_fail(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
