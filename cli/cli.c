/* Program name, log level and the one-line error/log printers behind cli.h. */
#include "cli/cli.h"

#include <string.h>

static const char *program = "solemate";
static cli_level level = CLI_NORMAL;

void cli_init(const char *program_name) { program = program_name; }
const char *cli_program(void) { return program; }
void cli_set_level(cli_level new_level) { level = new_level; }
cli_level cli_get_level(void) { return level; }

void cli_error(const char *what, const char *why_fmt, ...)
{
    char why[1024] = "";
    if (why_fmt) {
        va_list ap;
        va_start(ap, why_fmt);
        vsnprintf(why, sizeof why, why_fmt, ap);
        va_end(ap);
    }
    /* keep the message on one line whatever the underlying library said */
    for (char *p = why; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    if (why[0])
        fprintf(stderr, "%s: %s: %s\n", program, what, why);
    else
        fprintf(stderr, "%s: %s\n", program, what);
}

void cli_log(cli_level at, const char *fmt, ...)
{
    if (at > level)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", program, line);
}

void cli_print_version(void) { printf("%s %s\n", program, SOLEMATE_VERSION); }
