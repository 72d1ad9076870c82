/* Conventions shared by the three Solemate programs: exit statuses, one-line errors and
 * leveled logging to stderr.
 *
 * Manual: call cli_init(argv0-like program name) once at start; cli_error() prints
 * "solemate-X: <what>: <why>" on one line; cli_log(level, ...) prints when level <= the level
 * set by -q/-v.  Not thread-safe for the level setter; the printers are safe to call from any
 * thread (one fprintf each).  Exit statuses are the <sysexits.h> ones, documented in --help. */
#ifndef SOLEMATE_CLI_H
#define SOLEMATE_CLI_H

#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>

/* Exit statuses every program documents in --help (values from <sysexits.h>). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = EX_USAGE,         /* 64 bad command line */
    CLI_EXIT_DATA = EX_DATAERR,        /* 65 bad input data */
    CLI_EXIT_NOINPUT = EX_NOINPUT,     /* 66 input file missing or unreadable */
    CLI_EXIT_UNAVAILABLE = EX_UNAVAILABLE, /* 69 a service or resource is unavailable */
    CLI_EXIT_SOFTWARE = EX_SOFTWARE,   /* 70 internal error */
    CLI_EXIT_CANTCREAT = EX_CANTCREAT, /* 73 cannot create an output file */
    CLI_EXIT_IOERR = EX_IOERR,         /* 74 catalog or file I/O error */
    CLI_EXIT_TEMPFAIL = EX_TEMPFAIL,   /* 75 temporary failure, e.g. another run holds the lock */
    CLI_EXIT_CONFIG = EX_CONFIG,       /* 78 configuration error */
};

/* The exit-status paragraph every --help prints. */
#define CLI_EXIT_HELP \
    "Exit status: 0 success, 64 usage error, 65 bad input data, 66 input missing,\n" \
    "  69 resource unavailable, 70 internal error, 73 cannot create output,\n" \
    "  74 catalog or I/O error, 75 temporary failure (locked), 78 configuration error.\n"

typedef enum { CLI_QUIET = 0, CLI_NORMAL = 1, CLI_VERBOSE = 2, CLI_DEBUG = 3 } cli_level;

void cli_init(const char *program_name);
const char *cli_program(void);
void cli_set_level(cli_level level);
cli_level cli_get_level(void);

/* "program: what: why" on stderr; why may be NULL. */
void cli_error(const char *what, const char *why_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Printed when level <= current level, prefixed by the program name. */
void cli_log(cli_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "program VERSION" (the --version output) to stdout. */
void cli_print_version(void);

#endif
