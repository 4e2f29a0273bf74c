#pragma once
/* Small C loops the Swift compiler does not vectorise well (mixed float/int selects).
   Called only from DreamEngine/Kernels and Ops through safe Swift wrappers.
   Layout: HWC, channels fastest. A "window" is given by its output position; the caller passes
   the valid input rows/columns [y0, y1) x [x0, x1) of the window. */
#include <stdint.h>

/* Max over the window for each of `c` channels; `argmax` gets the input pixel index (y * width + x)
   of the first maximum in row-major window order. */
void dr_maxpool_window(const float *restrict x, int width, int c, int y0, int y1, int x0, int x1,
                       float *restrict out, int32_t *restrict argmax);

/* dx[ch] += grad[ch] where argmax[ch] == pixel, for one (pixel, window) pair. */
void dr_maxpool_route(float *restrict dx, const float *restrict grad, const int32_t *restrict argmax,
                      int32_t pixel, int c);

/* Gaussian blur taps (DreamEngine/Image/GaussianBlur.swift), same arithmetic order as the Swift
   loops they replace: d[i] = d[i] + w0*(a0[i]+b0[i]) + ... + w3*(a3[i]+b3[i]). */
void dr_blur_taps4(float *restrict d, const float *a0, const float *b0, const float *a1,
                   const float *b1, const float *a2, const float *b2, const float *a3,
                   const float *b3, float w0, float w1, float w2, float w3, long n);

/* d[i] += w * (a[i] + b[i]) */
void dr_blur_tap1(float *restrict d, const float *a, const float *b, float w, long n);

/* Width pass on interleaved RGB: d[i] = d[i] + w0*(a[i]+b[i]) + w1*(a[i+3]+b[i-3])
   + w2*(a[i+6]+b[i-6]) + w3*(a[i+9]+b[i-9]). */
void dr_blur_row_taps4(float *restrict d, const float *a, const float *b, float w0, float w1,
                       float w2, float w3, long n);

/* Winograd input transform of one 6x6 tile, for each of `c` channels: `x` points at the tile's
   top-left input pixel (pixel (r, s) at x + r * rowStride + s * c); v[xi * c + ch] =
   (B^T d B)[xi] for xi = 0...35. Shared by every F(N x N, (7 - N) x (7 - N)). */
void dr_winograd_input(const float *restrict x, long rowStride, float *restrict v, long c);

/* The output transform of F(N x N, (7 - N) x (7 - N)), N = 2...5: from m[xi * c + ch]
   (xi = 0...35), the tile's N x N outputs y[r * rowStride + s * c + ch] = (A^T m A)[r][s], plus
   bias[ch] when `bias` is not NULL, then the Relu when `relu` (0 >= v ? 0 : v). */
void dr_winograd_output2(const float *restrict m, float *restrict y, long rowStride, long c,
                         const float *restrict bias, int relu);
void dr_winograd_output3(const float *restrict m, float *restrict y, long rowStride, long c,
                         const float *restrict bias, int relu);
void dr_winograd_output4(const float *restrict m, float *restrict y, long rowStride, long c,
                         const float *restrict bias, int relu);
void dr_winograd_output5(const float *restrict m, float *restrict y, long rowStride, long c,
                         const float *restrict bias, int relu);

/* The Relu's backward from its output: g[i] = y[i] > 0 ? g[i] : 0, for i < n. */
void dr_relu_mask(float *restrict g, const float *restrict y, long n);

/* Per row of `c` channels: y[c] = y[c] + b[c], then the Relu (0 >= v ? 0 : v, Swift's
   max(v, 0): a NaN stays NaN) when `relu`; b == NULL means no bias. */
void dr_bias_relu(float *restrict y, const float *restrict b, long rows, long c, int relu);

/* Sums in double of p[i] (dr_sum), |p[i]| (dr_sum_abs) and (p[i] - mean)^2 (dr_sum_squared_deviation),
   i < n, in 16 interleaved partial sums (element i goes to partial i % 16, so the loop
   vectorises) added pairwise at the end: a fixed order, the same in every clone. */
double dr_sum(const float *p, long n);
double dr_sum_abs(const float *p, long n);
double dr_sum_squared_deviation(const float *p, long n, double mean);
