/* OpenBLAS kernel choice on CPUs that Debian's OpenBLAS does not recognise (see blas_kernel.h). */
#define _POSIX_C_SOURCE 200809L
#include "extractor/blas_kernel.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

char *openblas_get_corename(void); /* OpenBLAS's own, not declared in cblas.h */

const char *blas_kernel_name(void) { return openblas_get_corename(); }

/* vector class of a kernel set or CPU: 0 SSE, 1 AVX2+FMA, 2 AVX-512 */
enum { CLASS_SSE, CLASS_AVX2, CLASS_AVX512 };

static int kernel_class(const char *name)
{
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static const char *const avx2[] = {"Haswell", "Zen"};
    for (size_t i = 0; i < sizeof avx512 / sizeof *avx512; i++)
        if (strcasecmp(name, avx512[i]) == 0)
            return CLASS_AVX512;
    for (size_t i = 0; i < sizeof avx2 / sizeof *avx2; i++)
        if (strcasecmp(name, avx2[i]) == 0)
            return CLASS_AVX2;
    return CLASS_SSE;
}

static int cpu_class(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return CLASS_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return CLASS_AVX2;
#endif
    return CLASS_SSE;
}

void blas_kernel_ensure(char **argv)
{
    static const char *const kernel_of_class[] = {NULL, "Haswell", "SkylakeX"};
    int cpu = cpu_class();
    if (getenv("OPENBLAS_CORETYPE") || kernel_class(blas_kernel_name()) >= cpu)
        return;
    if (setenv("OPENBLAS_CORETYPE", kernel_of_class[cpu], 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* exec failed: carry on as we are */
}
