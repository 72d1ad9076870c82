/* Command-line options every program shares (--config, --catalog, -q, -v, --help, --version)
 * and the config loading that goes with them.
 *
 * Manual: put CLI_COMMON_OPTIONS in the getopt_long table and CLI_COMMON_SHORT in the short
 * string; pass each option to cli_common_option() first (returns 1 when it was a common one).
 * After parsing, cli_load_config() reads --config (or $SOLEMATE_CONFIG) over the defaults and
 * applies --catalog; it prints the one-line error itself and returns an exit status (0 = ok). */
#ifndef SOLEMATE_OPTIONS_H
#define SOLEMATE_OPTIONS_H

#include <getopt.h>

#include "cli/config.h"

enum { CLI_OPT_CONFIG = 1000, CLI_OPT_CATALOG, CLI_OPT_VERSION };

#define CLI_COMMON_OPTIONS                                                                     \
    {"config", required_argument, NULL, CLI_OPT_CONFIG},                                       \
        {"catalog", required_argument, NULL, CLI_OPT_CATALOG},                                 \
        {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},                \
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, CLI_OPT_VERSION}
#define CLI_COMMON_SHORT "qvh"

#define CLI_COMMON_HELP                                                                        \
    "Common options:\n"                                                                        \
    "  --config PATH    read settings from PATH (default: $SOLEMATE_CONFIG, else built-ins)\n"  \
    "  --catalog PATH   the SQLite catalog (default: [catalog] path, else catalog.db)\n"        \
    "  -q, --quiet      errors only;  -v, --verbose  more detail (twice: debug)\n"              \
    "  -h, --help       this help;    --version      print the version\n"

typedef struct {
    const char *config_path;
    const char *catalog_path;
    int verbosity; /* -1 quiet, 0 normal, 1.. verbose */
    int help;
    int version;
} cli_common;

int cli_common_option(cli_common *c, int opt, const char *arg);
int cli_load_config(solemate_config *cfg, const cli_common *c);

#endif
