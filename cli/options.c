/* The options all programs share and the config loading that applies them (see options.h). */
#include "cli/options.h"

#include <stdio.h>

#include "cli/cli.h"

int cli_common_option(cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_CONFIG:
        c->config_path = arg;
        return 1;
    case CLI_OPT_CATALOG:
        c->catalog_path = arg;
        return 1;
    case 'q':
        c->verbosity = -1;
        return 1;
    case 'v':
        c->verbosity = c->verbosity < 0 ? 1 : c->verbosity + 1;
        return 1;
    case 'h':
        c->help = 1;
        return 1;
    case CLI_OPT_VERSION:
        c->version = 1;
        return 1;
    default:
        return 0;
    }
}

int cli_load_config(solemate_config *cfg, const cli_common *c)
{
    int level = CLI_NORMAL + c->verbosity;
    cli_set_level(level < CLI_QUIET ? CLI_QUIET : level > CLI_DEBUG ? CLI_DEBUG : level);
    config_defaults(cfg);
    const char *path = c->config_path ? c->config_path : config_default_path();
    if (path) {
        char err[1024];
        if (config_load(cfg, path, err, sizeof err)) {
            cli_error("config", "%s", err);
            return CLI_EXIT_CONFIG;
        }
    }
    if (c->catalog_path)
        snprintf(cfg->catalog_path, sizeof cfg->catalog_path, "%s", c->catalog_path);
    return CLI_EXIT_OK;
}
