/* OpenBLAS kernel choice on CPUs that Debian's OpenBLAS does not recognise (see blas_kernel.h). */
#define _POSIX_C_SOURCE 200809L
#include "extractor/blas_kernel.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *openblas_get_corename(void); /* OpenBLAS's own, not declared in cblas.h */

const char *blas_kernel_name(void) { return openblas_get_corename(); }

static const char *better_kernel(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return "Haswell";
#endif
    return NULL;
}

void blas_kernel_ensure(char **argv)
{
    const char *kernel;
    if (getenv("OPENBLAS_CORETYPE") || strcmp(blas_kernel_name(), "Prescott") != 0 ||
        !(kernel = better_kernel()))
        return;
    if (setenv("OPENBLAS_CORETYPE", kernel, 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* exec failed: carry on as we are */
}
