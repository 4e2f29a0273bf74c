#include "ckernels.h"

/* Built for AVX2 and for the baseline, chosen at load time: SwiftPM compiles for baseline
   x86-64 (SSE2), where the compiler judges these select loops not worth vectorising. */
#if defined(__x86_64__) && defined(__linux__)
#define DR_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define DR_MULTIVERSION
#endif

/* Eight and four floats, loaded and stored unaligned, and their lane masks. */
typedef float dr_f8 __attribute__((vector_size(32), aligned(4), may_alias));
typedef float dr_f4 __attribute__((vector_size(16), aligned(4), may_alias));
typedef int dr_i8 __attribute__((vector_size(32)));
typedef int dr_i4 __attribute__((vector_size(16)));

/* The Relu as Swift's max(v, 0): 0 >= v ? 0 : v. A NaN stays NaN, so a broken model ends in a
   NaN image (which stops the run with a message) rather than a quiet zero; -0 becomes 0. For
   one float, eight and four. */
#define DR_RELU1(v) (0.0f >= (v) ? 0.0f : (v))
#define DR_RELU8(v) ((dr_f8)(~(dr_i8)((dr_f8){0} >= (v)) & (dr_i8)(v)))
#define DR_RELU4(v) ((dr_f4)(~(dr_i4)((dr_f4){0} >= (v)) & (dr_i4)(v)))

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
        row[i] = DR_RELU1(v);
      }
    } else if (b) {
      for (long i = 0; i < c; i++) row[i] = row[i] + b[i];
    } else if (relu) {
      for (long i = 0; i < c; i++) row[i] = DR_RELU1(row[i]);
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

/* Interleaved double sums (ckernels.h): TERM(v) is what element v adds. */
#define DR_INTERLEAVED_SUM(TERM)                                 \
  double part[16] = {0};                                         \
  long i = 0;                                                    \
  for (; i + 16 <= n; i += 16)                                   \
    for (int k = 0; k < 16; k++) part[k] += TERM((double)p[i + k]); \
  for (int k = 0; i + k < n; k++) part[k] += TERM((double)p[i + k]); \
  for (int width = 8; width >= 1; width /= 2)                    \
    for (int k = 0; k < width; k++) part[k] = part[k] + part[k + width]; \
  return part[0]

#define DR_TERM_VALUE(v) (v)
#define DR_TERM_ABS(v) ((v) < 0 ? -(v) : (v))
#define DR_TERM_SQUARED_DEVIATION(v) (((v) - mean) * ((v) - mean))

DR_MULTIVERSION
double dr_sum(const float *p, long n) { DR_INTERLEAVED_SUM(DR_TERM_VALUE); }

DR_MULTIVERSION
double dr_sum_abs(const float *p, long n) { DR_INTERLEAVED_SUM(DR_TERM_ABS); }

DR_MULTIVERSION
double dr_sum_squared_deviation(const float *p, long n, double mean) {
  DR_INTERLEAVED_SUM(DR_TERM_SQUARED_DEVIATION);
}

/* Winograd transforms on 6x6 input tiles (DreamEngine/Kernels/Winograd.swift), points 0, 1, -1,
   2, -2 and infinity: every F(N x N, (7 - N) x (7 - N)) shares the input transform B^T d B. Written once
   for 8- and 4-channel vectors and the scalar tail, with the same operations in the same order
   and no fused multiply-adds (the pragma above), so every clone and every channel computes the
   same bits. Rows of B^T d for one column d0..d5 of a tile:
     t0 = 4 d0 - 5 d2 + d4                 t5 = 4 d1 - 5 d3 + d5
     t1 = (d4 - 4 d2) + (d3 - 4 d1)        t2 = (d4 - 4 d2) - (d3 - 4 d1)
     t3 = (d4 - d2) + 2 (d3 - d1)          t4 = (d4 - d2) - 2 (d3 - d1) */
#define DR_BT6(d0, d1, d2, d3, d4, d5, t0, t1, t2, t3, t4, t5)           \
  do {                                                                    \
    const __typeof__(d0) a_ = (d4) - 4.0f * (d2), b_ = (d3) - 4.0f * (d1); \
    const __typeof__(d0) c_ = (d4) - (d2), e_ = 2.0f * ((d3) - (d1));      \
    t0 = 4.0f * (d0) - 5.0f * (d2) + (d4);                                \
    t1 = a_ + b_;                                                         \
    t2 = a_ - b_;                                                         \
    t3 = c_ + e_;                                                         \
    t4 = c_ - e_;                                                         \
    t5 = 4.0f * (d1) - 5.0f * (d3) + (d5);                                \
  } while (0)

/* The output transform for one column m0..m5 to N outputs (F(N x N, (7 - N) x (7 - N))):
   o_i = sum over the finite points x of x^i m_x, plus m5 (the point at infinity) in the last
   output; for F(N x N, k x k) with k > 3 the 1/f scales of the points are folded into the
   transformed weights, so these coefficients are the whole transform. With p = m1 + m2,
   q = m1 - m2, r = m3 + m4, s = m3 - m4: o0 = m0 + p + r, odd i: q + 2^i s, even i > 0:
   p + 2^i r (then + m5 for the last). */
#define DR_OUT(N, m0, m1, m2, m3, m4, m5, o)                   \
  do {                                                         \
    const __typeof__(m0) p_ = (m1) + (m2), q_ = (m1) - (m2);   \
    const __typeof__(m0) r_ = (m3) + (m4), s_ = (m3) - (m4);   \
    (o)[0] = (m0) + p_ + r_;                                   \
    for (int i_ = 1; i_ < (N); i_++) {                         \
      if (i_ & 1)                                              \
        (o)[i_] = q_ + (float)(1 << i_) * s_;                  \
      else                                                     \
        (o)[i_] = p_ + (float)(1 << i_) * r_;                  \
    }                                                          \
    (o)[(N) - 1] = (o)[(N) - 1] + (m5);                        \
  } while (0)

/* Channels [i, i + lanes) of one tile's input transform, in the type T of that many floats. */
#define DR_WINOGRAD_INPUT_STEP(T)                                                                 \
  do {                                                                                            \
    T t[36];                                                                                      \
    for (int s = 0; s < 6; s++) {                                                                 \
      const float *col = x + s * c + i;                                                           \
      const T d0 = *(const T *)col, d1 = *(const T *)(col + rowStride);                           \
      const T d2 = *(const T *)(col + 2 * rowStride), d3 = *(const T *)(col + 3 * rowStride);     \
      const T d4 = *(const T *)(col + 4 * rowStride), d5 = *(const T *)(col + 5 * rowStride);     \
      DR_BT6(d0, d1, d2, d3, d4, d5, t[s], t[6 + s], t[12 + s], t[18 + s], t[24 + s], t[30 + s]); \
    }                                                                                             \
    for (int r = 0; r < 6; r++) {                                                                 \
      const T *row = t + r * 6;                                                                   \
      T o0, o1, o2, o3, o4, o5;                                                                   \
      DR_BT6(row[0], row[1], row[2], row[3], row[4], row[5], o0, o1, o2, o3, o4, o5);             \
      float *out = v + r * 6 * c + i;                                                             \
      *(T *)out = o0;                                                                             \
      *(T *)(out + c) = o1;                                                                       \
      *(T *)(out + 2 * c) = o2;                                                                   \
      *(T *)(out + 3 * c) = o3;                                                                   \
      *(T *)(out + 4 * c) = o4;                                                                   \
      *(T *)(out + 5 * c) = o5;                                                                   \
    }                                                                                             \
  } while (0)

DR_MULTIVERSION
void dr_winograd_input(const float *restrict x, long rowStride, float *restrict v, long c) {
  long i = 0;
  for (; i + 8 <= c; i += 8) DR_WINOGRAD_INPUT_STEP(dr_f8);
  for (; i + 4 <= c; i += 4) DR_WINOGRAD_INPUT_STEP(dr_f4);
  for (; i < c; i++) DR_WINOGRAD_INPUT_STEP(float);
}

/* Channels [i, i + lanes) of one tile's output transform to N x N outputs (plus bias and Relu),
   in type T. */
#define DR_WINOGRAD_OUTPUT_STEP(T, RELU, N)                                                   \
  do {                                                                                            \
    T s[6 * N];                                                                                   \
    for (int j = 0; j < 6; j++) {                                                                 \
      const float *col = m + j * c + i;                                                           \
      T o[N];                                                                                     \
      DR_OUT(N, *(const T *)col, *(const T *)(col + 6 * c), *(const T *)(col + 12 * c),          \
             *(const T *)(col + 18 * c), *(const T *)(col + 24 * c), *(const T *)(col + 30 * c), o); \
      for (int r = 0; r < N; r++) s[r * 6 + j] = o[r];                                            \
    }                                                                                             \
    T b = {0};                                                                                    \
    if (bias) b = *(const T *)(bias + i);                                                         \
    for (int r = 0; r < N; r++) {                                                                 \
      const T *row = s + r * 6;                                                                   \
      T o[N];                                                                                     \
      DR_OUT(N, row[0], row[1], row[2], row[3], row[4], row[5], o);                               \
      float *out = y + r * rowStride + i;                                                         \
      for (int k = 0; k < N; k++) {                                                               \
        T value = o[k];                                                                           \
        if (bias) value = value + b;                                                              \
        if (relu) value = RELU(value);                                                            \
        *(T *)(out + k * c) = value;                                                              \
      }                                                                                           \
    }                                                                                             \
  } while (0)

#define DR_DEFINE_WINOGRAD_OUTPUT(N)                                                              \
  DR_MULTIVERSION                                                                                 \
  void dr_winograd_output##N(const float *restrict m, float *restrict y, long rowStride, long c,  \
                             const float *restrict bias, int relu) {                              \
    long i = 0;                                                                                   \
    for (; i + 8 <= c; i += 8) DR_WINOGRAD_OUTPUT_STEP(dr_f8, DR_RELU8, N);                        \
    for (; i + 4 <= c; i += 4) DR_WINOGRAD_OUTPUT_STEP(dr_f4, DR_RELU4, N);                        \
    for (; i < c; i++) DR_WINOGRAD_OUTPUT_STEP(float, DR_RELU1, N);                                \
  }

DR_DEFINE_WINOGRAD_OUTPUT(2)
DR_DEFINE_WINOGRAD_OUTPUT(3)
DR_DEFINE_WINOGRAD_OUTPUT(4)
DR_DEFINE_WINOGRAD_OUTPUT(5)
