/* SIMD_CLONES marks a hot loop function of the inference core to be built three times, for
 * AVX-512, AVX2 and the x86-64 baseline (GCC target_clones; the loader picks the one this CPU
 * runs), so the vectoriser can use the widest registers the machine has while the binary still
 * runs anywhere.  Elsewhere it expands to nothing. */
#ifndef SOLEMATE_SIMD_H
#define SOLEMATE_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__)
#define SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SIMD_CLONES
#endif

/* SIMD_INLINE marks a loop helper of a SIMD_CLONES function: always inlined, so that each clone
 * builds it with its own instruction set (a separate function would be built for the baseline). */
#define SIMD_INLINE static inline __attribute__((always_inline))

#endif
