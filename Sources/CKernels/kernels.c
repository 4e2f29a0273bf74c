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

DR_MULTIVERSION
void dr_relu_mask(float *restrict g, const float *restrict y, long n) {
  for (long i = 0; i < n; i++) g[i] = y[i] > 0.0f ? g[i] : 0.0f;
}

DR_MULTIVERSION
void dr_bias_relu(float *restrict y, const float *restrict b, long rows, long c, int relu) {
  for (long r = 0; r < rows; r++) {
    float *restrict row = y + r * c;
    if (b && relu) {
      for (long i = 0; i < c; i++) {
        const float v = row[i] + b[i];
        row[i] = 0.0f >= v ? 0.0f : v;
      }
    } else if (b) {
      for (long i = 0; i < c; i++) row[i] = row[i] + b[i];
    } else if (relu) {
      for (long i = 0; i < c; i++) row[i] = 0.0f >= row[i] ? 0.0f : row[i];
    }
  }
}

/* No fused multiply-adds: the results must not depend on which clone runs. */
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF

DR_MULTIVERSION
void dr_blur_taps4(float *restrict d, const float *a0, const float *b0, const float *a1,
                   const float *b1, const float *a2, const float *b2, const float *a3,
                   const float *b3, float w0, float w1, float w2, float w3, long n) {
  for (long i = 0; i < n; i++) {
    d[i] = d[i] + w0 * (a0[i] + b0[i]) + w1 * (a1[i] + b1[i]) + w2 * (a2[i] + b2[i]) +
           w3 * (a3[i] + b3[i]);
  }
}

DR_MULTIVERSION
void dr_blur_tap1(float *restrict d, const float *a, const float *b, float w, long n) {
  for (long i = 0; i < n; i++) d[i] += w * (a[i] + b[i]);
}

DR_MULTIVERSION
void dr_blur_row_taps4(float *restrict d, const float *a, const float *b, float w0, float w1,
                       float w2, float w3, long n) {
  for (long i = 0; i < n; i++) {
    d[i] = d[i] + w0 * (a[i] + b[i]) + w1 * (a[i + 3] + b[i - 3]) + w2 * (a[i + 6] + b[i - 6]) +
           w3 * (a[i + 9] + b[i - 9]);
  }
}

/* Winograd F(2x2, 3x3) transforms (DreamEngine/Kernels/Winograd.swift); no fused multiply-adds
   (the pragma above), so every clone computes the same bits. */

DR_MULTIVERSION
void dr_winograd_input(const float *restrict p, float *restrict v, long vstride, long c) {
  for (long i = 0; i < c; i++) {
    float d[16];
    for (int k = 0; k < 16; k++) d[k] = p[k * c + i];
    float t[16];
    /* t = B^T d: rows. */
    for (int j = 0; j < 4; j++) {
      t[0 * 4 + j] = d[0 * 4 + j] - d[2 * 4 + j];
      t[1 * 4 + j] = d[1 * 4 + j] + d[2 * 4 + j];
      t[2 * 4 + j] = d[2 * 4 + j] - d[1 * 4 + j];
      t[3 * 4 + j] = d[1 * 4 + j] - d[3 * 4 + j];
    }
    /* v = t B: columns. */
    for (int r = 0; r < 4; r++) {
      v[(r * 4 + 0) * vstride + i] = t[r * 4 + 0] - t[r * 4 + 2];
      v[(r * 4 + 1) * vstride + i] = t[r * 4 + 1] + t[r * 4 + 2];
      v[(r * 4 + 2) * vstride + i] = t[r * 4 + 2] - t[r * 4 + 1];
      v[(r * 4 + 3) * vstride + i] = t[r * 4 + 1] - t[r * 4 + 3];
    }
  }
}

DR_MULTIVERSION
void dr_winograd_output(const float *restrict m, long mstride, float *restrict out, long c) {
  for (long i = 0; i < c; i++) {
    float s[8];
    for (int j = 0; j < 4; j++) {
      const float m0 = m[(0 * 4 + j) * mstride + i], m1 = m[(1 * 4 + j) * mstride + i];
      const float m2 = m[(2 * 4 + j) * mstride + i], m3 = m[(3 * 4 + j) * mstride + i];
      s[0 * 4 + j] = m0 + m1 + m2;
      s[1 * 4 + j] = m1 - m2 - m3;
    }
    for (int r = 0; r < 2; r++) {
      out[(r * 2 + 0) * c + i] = s[r * 4 + 0] + s[r * 4 + 1] + s[r * 4 + 2];
      out[(r * 2 + 1) * c + i] = s[r * 4 + 1] - s[r * 4 + 2] - s[r * 4 + 3];
    }
  }
}
