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
