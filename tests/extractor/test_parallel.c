/* The worker pool behind the inference core's loops: every index of parallel_for() runs exactly
 * once, parallel_shares() calls each slot once with shares that cover [0, n) once, and a job
 * published the moment the pool starts is not missed (that race once hung a test run: a worker
 * that had not yet read the job counter slept through the first job). */
#include "extractor/parallel.h"
#include "tests/harness.h"

#include <stdatomic.h>

#define N 1000

typedef struct {
    atomic_int hits[N];
} counts;

static void count_range(void *ctx, long begin, long end)
{
    counts *c = ctx;
    for (long i = begin; i < end; i++)
        atomic_fetch_add(&c->hits[i], 1);
}

static int each_once(const counts *c, long n)
{
    for (long i = 0; i < n; i++)
        if (atomic_load(&c->hits[i]) != 1)
            return 0;
    return 1;
}

static void test_every_index_once(void)
{
    static counts c;
    CHECK(parallel_acquire() == 0);
    for (long n = 1; n <= N; n += 37) {
        for (long i = 0; i < N; i++)
            atomic_store(&c.hits[i], 0);
        parallel_for(n, count_range, &c);
        CHECKF(each_once(&c, n), "n = %ld", n);
    }
    parallel_release();
}

typedef struct {
    counts index;
    atomic_int slot_calls[64];
} share_counts;

static void count_share(void *ctx, int slot, long begin, long end)
{
    share_counts *c = ctx;
    if (slot >= 0 && slot < 64)
        atomic_fetch_add(&c->slot_calls[slot], 1);
    count_range(&c->index, begin, end);
}

/* n below, equal to and above the thread count: each slot called once, each index once */
static void test_shares_slot_once(void)
{
    static share_counts c;
    CHECK(parallel_acquire() == 0);
    int threads = parallel_threads();
    CHECK(threads >= 1 && threads <= 64);
    for (long n = 0; n <= 9; n++) {
        for (long i = 0; i < N; i++)
            atomic_store(&c.index.hits[i], 0);
        for (int t = 0; t < 64; t++)
            atomic_store(&c.slot_calls[t], 0);
        parallel_shares(n, count_share, &c);
        int slots_ok = 1;
        for (int t = 0; t < 64; t++)
            slots_ok &= atomic_load(&c.slot_calls[t]) == (t < threads);
        CHECKF(slots_ok && each_once(&c.index, n), "n = %ld, %d threads", n, threads);
    }
    parallel_release();
}

/* start the pool and publish a job at once, many times over: a lost wake-up hangs here, and
 * tests/run.sh's time guard turns the hang into a failure */
static void test_job_right_after_start(void)
{
    static counts c;
    int bad = 0;
    for (int round = 0; round < 2000; round++) {
        for (long i = 0; i < 64; i++)
            atomic_store(&c.hits[i], 0);
        parallel_acquire();
        parallel_for(64, count_range, &c);
        parallel_release();
        bad += !each_once(&c, 64);
    }
    CHECKF(bad == 0, "%d of 2000 rounds ran an index other than once", bad);
}

int main(void)
{
    RUN(test_every_index_once);
    RUN(test_shares_slot_once);
    RUN(test_job_right_after_start);
    return harness_done();
}
