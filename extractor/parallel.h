/* A small process-wide worker pool for all of the inference core's threads (GEMM blocks,
 * im2col, depthwise, Winograd transforms, epilogues, pooling), sized like OpenBLAS's thread
 * count, which it takes over: while the pool is up OpenBLAS runs single-threaded and the core
 * splits its GEMMs itself (gemm.h).  One set of threads on the cores: OpenBLAS's idle threads
 * poll with sched_yield, and beside a second pool they cost ResNet-18 20-27 % on 2 cores.
 * The workers spin only briefly and then sleep.
 *
 * Manual: parallel_acquire() starts the pool on first use and sets OpenBLAS to one thread
 * (returns 0, or -1 if no thread could be started: the loops then run on the caller's thread);
 * every acquire is matched by parallel_release(), the last one joins the workers and gives
 * OpenBLAS its thread count back.  parallel_for() splits [0, n) into one contiguous range per
 * thread and returns when all are done; calls from several threads are serialised; fn must not
 * call parallel_for() itself.  parallel_shares() is parallel_for() over one index per thread, for
 * loops that need a scratch slice of their own. */
#ifndef SOLEMATE_PARALLEL_H
#define SOLEMATE_PARALLEL_H

typedef void (*parallel_fn)(void *ctx, long begin, long end);

int parallel_acquire(void);
void parallel_release(void);
void parallel_for(long n, parallel_fn fn, void *ctx);
/* threads parallel_for() runs on (1 when the pool is not up): how many slots a scratch buffer
 * shared by parallel_shares() needs.  Not to be called from inside a parallel_for() function. */
int parallel_threads(void);

/* Each thread gets exactly one call: its slot (0 .. parallel_threads() - 1, its own slice of a
 * shared scratch buffer) and its contiguous share [begin, end) of [0, n), possibly empty. */
typedef void (*parallel_share_fn)(void *ctx, int slot, long begin, long end);
void parallel_shares(long n, parallel_share_fn fn, void *ctx);

#endif
