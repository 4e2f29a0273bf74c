#include "ckernels.h"

/* Built for AVX2 and for the baseline, chosen at load time: SwiftPM compiles for baseline
   x86-64 (SSE2), where the compiler judges these select loops not worth vectorising. */
#if defined(__x86_64__) && defined(__linux__)
#define DR_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define DR_MULTIVERSION
#endif

DR_MULTIVERSION
void dr_maxpool_window(const float *restrict x, int width, int c, int y0, int y1, int x0, int x1,
                       float *restrict out, int32_t *restrict argmax) {
  const int32_t first = y0 * width + x0;
  const float *restrict s0 = x + (long)first * c;
  for (int ch = 0; ch < c; ch++) {
    out[ch] = s0[ch];
    argmax[ch] = first;
  }
  for (int y = y0; y < y1; y++) {
    for (int xx = (y == y0 ? x0 + 1 : x0); xx < x1; xx++) {
      const int32_t pixel = y * width + xx;
      const float *restrict s = x + (long)pixel * c;
      for (int ch = 0; ch < c; ch++) {
        const int better = s[ch] > out[ch];
        out[ch] = better ? s[ch] : out[ch];
        argmax[ch] = better ? pixel : argmax[ch];
      }
    }
  }
}

DR_MULTIVERSION
void dr_maxpool_route(float *restrict dx, const float *restrict grad, const int32_t *restrict argmax,
                      int32_t pixel, int c) {
  for (int ch = 0; ch < c; ch++) {
    dx[ch] += argmax[ch] == pixel ? grad[ch] : 0.0f;
  }
}
