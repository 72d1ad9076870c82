/* A one-line progress bar on stderr that draws only when stderr is a terminal and the log
 * level is not quiet, so cron jobs and pipes stay clean.
 *
 * Manual: progress_begin(&p, "extract", total); progress_step(&p, n) as work completes (redraws
 * at most ~10 times a second); progress_end(&p) clears the line.  One bar per thread. */
#ifndef SOLEMATE_PROGRESS_H
#define SOLEMATE_PROGRESS_H

typedef struct {
    const char *label;
    long total;
    long done;
    int enabled;
    double started;
    double last_draw;
} progress;

void progress_begin(progress *p, const char *label, long total);
void progress_step(progress *p, long amount);
void progress_end(progress *p);

#endif
