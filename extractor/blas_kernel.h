/* Makes OpenBLAS use the vector kernels this CPU has.  Debian 12's OpenBLAS 0.3.21 does not know
 * recent Xeons (e.g. model 207, Emerald Rapids) and falls back to its SSE3 "Prescott" kernels,
 * which run sgemm several times slower.  The kernel is chosen once, when the library loads, from
 * $OPENBLAS_CORETYPE, so the only remedy from inside a program is to set it and start again.
 *
 * blas_kernel_ensure(argv): when OpenBLAS chose Prescott, OPENBLAS_CORETYPE is unset and the CPU
 * has AVX-512 (SkylakeX kernels) or AVX2+FMA (Haswell kernels), sets OPENBLAS_CORETYPE and
 * re-executes the program with the same arguments; returns only when nothing needs changing or
 * the re-exec failed (the program then goes on with the slower kernels).  An explicit
 * OPENBLAS_CORETYPE is always left alone. */
#ifndef SOLEMATE_BLAS_KERNEL_H
#define SOLEMATE_BLAS_KERNEL_H

void blas_kernel_ensure(char **argv);

/* the name of the kernel OpenBLAS runs, e.g. "SkylakeX" */
const char *blas_kernel_name(void);

#endif
