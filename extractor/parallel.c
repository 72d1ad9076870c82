/* Worker pool behind parallel_for(): a job is published by bumping a generation counter; workers
 * spin on it for a short while, then sleep on a condition variable; the caller runs the first
 * range itself and waits for the rest the same way.  While the pool is up, OpenBLAS runs
 * single-threaded (see parallel.h). */
#define _POSIX_C_SOURCE 200809L
#include "extractor/parallel.h"

#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64
#define SPIN_ROUNDS 2000 /* about 30 us of polling (PAUSE is ~60 cycles on Zen) before sleeping */

static struct {
    pthread_mutex_t mu, job_mu;
    pthread_cond_t work, done;
    int refs, nthreads, stop;
    int blas_threads; /* OpenBLAS's thread count before the pool took over, restored after */
    pthread_t tids[MAX_THREADS];
    atomic_uint gen;
    unsigned start_gen; /* gen when the workers were started: their first job is the next one */
    atomic_int remaining;
    parallel_fn fn;
    void *ctx;
    long n;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER,
        .job_mu = PTHREAD_MUTEX_INITIALIZER,
        .work = PTHREAD_COND_INITIALIZER,
        .done = PTHREAD_COND_INITIALIZER};

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_slice(int t)
{
    long begin = pool.n * t / pool.nthreads, end = pool.n * (t + 1) / pool.nthreads;
    if (begin < end)
        pool.fn(pool.ctx, begin, end);
}

static void *worker(void *arg)
{
    int t = (int)(long)arg;
    /* not atomic_load(&pool.gen): a job published before this thread got here would be missed */
    unsigned seen = pool.start_gen;
    for (;;) {
        for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&pool.gen, memory_order_acquire) == seen; i++)
            cpu_relax();
        pthread_mutex_lock(&pool.mu);
        while (atomic_load(&pool.gen) == seen && !pool.stop)
            pthread_cond_wait(&pool.work, &pool.mu);
        int stop = pool.stop;
        pthread_mutex_unlock(&pool.mu);
        if (stop)
            return NULL;
        seen = atomic_load(&pool.gen);
        run_slice(t);
        if (atomic_fetch_sub_explicit(&pool.remaining, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool.mu);
            pthread_cond_signal(&pool.done);
            pthread_mutex_unlock(&pool.mu);
        }
    }
}

int parallel_acquire(void)
{
    int rc = 0;
    pthread_mutex_lock(&pool.job_mu);
    pthread_mutex_lock(&pool.mu);
    if (pool.refs++ == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        int want = openblas_get_num_threads();
        pool.blas_threads = want;
        openblas_set_num_threads(1);
        if (cpus > 0 && want > cpus)
            want = (int)cpus;
        if (want > MAX_THREADS)
            want = MAX_THREADS;
        pool.stop = 0;
        pool.nthreads = 1;
        pool.start_gen = atomic_load(&pool.gen);
        for (int t = 1; t < want; t++) {
            if (pthread_create(&pool.tids[t], NULL, worker, (void *)(long)t) != 0) {
                rc = -1;
                break;
            }
            pool.nthreads++;
        }
        if (pool.nthreads == 1) /* no workers: better OpenBLAS's threads than none */
            openblas_set_num_threads(want);
    }
    pthread_mutex_unlock(&pool.mu);
    pthread_mutex_unlock(&pool.job_mu);
    return rc;
}

void parallel_release(void)
{
    pthread_mutex_lock(&pool.job_mu);
    pthread_mutex_lock(&pool.mu);
    int last = --pool.refs == 0;
    if (last) {
        pool.stop = 1;
        pthread_cond_broadcast(&pool.work);
    }
    pthread_mutex_unlock(&pool.mu);
    if (last) {
        for (int t = 1; t < pool.nthreads; t++)
            pthread_join(pool.tids[t], NULL);
        pool.nthreads = 1;
        openblas_set_num_threads(pool.blas_threads);
    }
    pthread_mutex_unlock(&pool.job_mu);
}

int parallel_threads(void)
{
    pthread_mutex_lock(&pool.job_mu);
    int t = pool.nthreads > 1 ? pool.nthreads : 1;
    pthread_mutex_unlock(&pool.job_mu);
    return t;
}

void parallel_for(long n, parallel_fn fn, void *ctx)
{
    if (n <= 0)
        return;
    pthread_mutex_lock(&pool.job_mu);
    if (pool.nthreads <= 1 || n == 1) {
        pthread_mutex_unlock(&pool.job_mu);
        fn(ctx, 0, n);
        return;
    }
    pthread_mutex_lock(&pool.mu);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    atomic_store(&pool.remaining, pool.nthreads - 1);
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
    pthread_cond_broadcast(&pool.work);
    pthread_mutex_unlock(&pool.mu);
    run_slice(0);
    for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&pool.remaining, memory_order_acquire) > 0; i++)
        cpu_relax();
    pthread_mutex_lock(&pool.mu);
    while (atomic_load(&pool.remaining) > 0)
        pthread_cond_wait(&pool.done, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
    pthread_mutex_unlock(&pool.job_mu);
}

typedef struct {
    parallel_share_fn fn;
    void *ctx;
    long n;
    int threads;
} share_job;

static void run_shares(void *ctx, long begin, long end)
{
    const share_job *s = ctx;
    for (long t = begin; t < end; t++)
        s->fn(s->ctx, (int)t, s->n * t / s->threads, s->n * (t + 1) / s->threads);
}

void parallel_shares(long n, parallel_share_fn fn, void *ctx)
{
    share_job s = {fn, ctx, n, parallel_threads()};
    parallel_for(s.threads, run_shares, &s);
}
