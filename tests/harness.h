/* Minimal TAP test helpers for the C test programs: each test is a function run by RUN();
 * CHECK() records a failure with file:line and the expression; the program prints one
 * "ok N - name" / "not ok N - name" line per test and exits 1 if any failed.
 *
 * Usage: static void test_x(void) { CHECK(1 + 1 == 2); }
 *        int main(void) { RUN(test_x); return harness_done(); } */
#ifndef SOLEMATE_HARNESS_H
#define SOLEMATE_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_run_count, harness_fail_count, harness_current_failed;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);               \
            harness_current_failed = 1;                                                        \
        }                                                                                      \
    } while (0)

/* CHECK with a printf-style diagnostic. */
#define CHECKF(cond, ...)                                                                      \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("#   %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);               \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            harness_current_failed = 1;                                                        \
        }                                                                                      \
    } while (0)

#define RUN(fn)                                                                                \
    do {                                                                                       \
        harness_current_failed = 0;                                                            \
        fflush(stdout);                                                                        \
        fn();                                                                                  \
        harness_run_count++;                                                                   \
        if (harness_current_failed)                                                            \
            harness_fail_count++;                                                              \
        printf("%sok %d - %s\n", harness_current_failed ? "not " : "", harness_run_count, #fn); \
        fflush(stdout);                                                                        \
    } while (0)

static inline int harness_done(void)
{
    printf("1..%d\n", harness_run_count);
    return harness_fail_count ? 1 : 0;
}

#endif
