/* solemate-recommender: visually similar shoes from the catalog's feature vectors.  Parses the
 * command line, loads the config and runs one command (build, similar, gallery, eval). */
#include <stdio.h>

#include "cli/cli.h"
#include "extractor/blas_kernel.h"
#include "recommender/commands.h"

int main(int argc, char **argv)
{
    blas_kernel_ensure(argv);
    cli_init("solemate-recommender");
    recommender_args args;
    int rc = recommender_parse_args(argc, argv, &args);
    if (rc == 0 && args.common.help)
        fputs(recommender_usage, stdout);
    else if (rc == 0 && args.common.version)
        cli_print_version();
    else if (rc == 0) {
        solemate_config cfg;
        rc = cli_load_config(&cfg, &args.common);
        if (rc == 0 && args.command == CMD_NONE) {
            cli_error("usage", "no command given: build, similar, gallery or eval (see --help)");
            rc = CLI_EXIT_USAGE;
        } else if (rc == 0) {
            switch (args.command) {
            case CMD_BUILD: rc = command_build(&args, &cfg, argc, argv); break;
            case CMD_SIMILAR: rc = command_similar(&args, &cfg); break;
            case CMD_GALLERY: rc = command_gallery(&args, &cfg); break;
            default: rc = command_eval(&args, &cfg); break;
            }
        }
    }
    recommender_args_free(&args);
    return rc;
}
