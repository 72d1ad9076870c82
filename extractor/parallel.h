/* A small process-wide worker pool for the inference core's own loops (im2col, depthwise,
 * Winograd transforms, epilogues, pooling), sized like OpenBLAS's thread count.  Its workers
 * spin only briefly and then sleep, so they leave the cores to OpenBLAS's threads during GEMMs
 * (OpenMP's default spinning fights them and halves throughput on 2 cores).
 *
 * Manual: parallel_acquire() starts the pool on first use (returns 0, or -1 if no thread could
 * be started: the loops then run on the caller's thread); every acquire is matched by
 * parallel_release(), the last one joins the workers.  parallel_for() splits [0, n) into one
 * contiguous range per thread and returns when all are done; calls from several threads are
 * serialised; fn must not call parallel_for() itself. */
#ifndef SOLEMATE_PARALLEL_H
#define SOLEMATE_PARALLEL_H

typedef void (*parallel_fn)(void *ctx, long begin, long end);

int parallel_acquire(void);
void parallel_release(void);
void parallel_for(long n, parallel_fn fn, void *ctx);

#endif
