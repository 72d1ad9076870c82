/* Makes OpenBLAS use the widest vector kernels this CPU has.  Debian 12's OpenBLAS 0.3.21 does
 * not know recent CPUs: on recent Xeons (e.g. model 207, Emerald Rapids) it falls back to its
 * SSE3 "Prescott" kernels, and on AMD Zen 4/5 (AVX-512) it runs its AVX2 "Haswell"/"Zen" kernels;
 * measured on a Zen 5 EPYC, 2 threads: sgemm 206 GFLOP/s with Haswell, 396 with SkylakeX.  The
 * kernel is chosen once, when the library loads, from $OPENBLAS_CORETYPE, so the only remedy from
 * inside a program is to set it and start again.
 *
 * blas_kernel_ensure(argv): when OpenBLAS chose kernels of a narrower class than the CPU has
 * (AVX-512 -> SkylakeX, AVX2+FMA -> Haswell) and OPENBLAS_CORETYPE is unset, sets it and
 * re-executes the program with the same arguments; returns only when nothing needs changing or
 * the re-exec failed (the program then goes on with the slower kernels).  An explicit
 * OPENBLAS_CORETYPE is always left alone, so the re-exec happens at most once. */
#ifndef SOLEMATE_BLAS_KERNEL_H
#define SOLEMATE_BLAS_KERNEL_H

void blas_kernel_ensure(char **argv);

/* the name of the kernel OpenBLAS runs, e.g. "SkylakeX" */
const char *blas_kernel_name(void);

#endif
