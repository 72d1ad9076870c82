/* Terminal progress bar behind progress.h: label, bar, count, rate and ETA, redrawn in place. */
#define _POSIX_C_SOURCE 200809L
#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void draw(progress *p)
{
    enum { WIDTH = 30 };
    double elapsed = now_seconds() - p->started;
    double rate = elapsed > 0 ? p->done / elapsed : 0;
    long filled = p->total > 0 ? p->done * WIDTH / p->total : 0;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    double eta = rate > 0 && p->total > p->done ? (p->total - p->done) / rate : 0;
    fprintf(stderr, "\r%s [%s] %ld/%ld %.1f/s eta %.0fs\033[K", p->label, bar, p->done,
            p->total, rate, eta);
    fflush(stderr);
}

void progress_begin(progress *p, const char *label, long total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->enabled = isatty(STDERR_FILENO) && cli_get_level() >= CLI_NORMAL && total > 0;
    p->started = now_seconds();
    p->last_draw = 0;
}

void progress_step(progress *p, long amount)
{
    p->done += amount;
    if (!p->enabled)
        return;
    double t = now_seconds();
    if (t - p->last_draw >= 0.1 || p->done >= p->total) {
        p->last_draw = t;
        draw(p);
    }
}

void progress_end(progress *p)
{
    if (p->enabled)
        fprintf(stderr, "\r\033[K");
    p->enabled = 0;
}
