/* The four commands of solemate-recommender, called by main() after options and config.
 *
 * Manual: each returns the program's exit status and has printed its own one-line error when
 * that status is not 0.  argc/argv are the original command line (recorded in the runs table). */
#ifndef SOLEMATE_COMMANDS_H
#define SOLEMATE_COMMANDS_H

#include "cli/config.h"
#include "recommender/recommender_args.h"

int command_build(const recommender_args *args, const solemate_config *cfg, int argc, char **argv);
int command_similar(const recommender_args *args, const solemate_config *cfg);
int command_gallery(const recommender_args *args, const solemate_config *cfg);
int command_eval(const recommender_args *args, const solemate_config *cfg);

#endif
