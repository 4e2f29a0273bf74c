// CImageCodecs: a small C shim over libpng and libjpeg(-turbo).
//
// Both libraries report errors by longjmp (libpng) or by calling an error handler that must not
// return (libjpeg). Swift cannot call setjmp, so every function here calls setjmp itself, in the
// same C function that drives the library, and turns a library error into a status code plus the
// library's message copied into a caller-provided buffer. Nothing here aborts or exits.
//
// Pixel layout everywhere: 8-bit RGB, row-major, interleaved (R, G, B, R, G, B, ...), rows packed
// with no padding (stride = width * 3).
//
// Memory: decoders and encoders return buffers allocated with malloc; the caller releases them
// with ic_free. On error no buffer is returned (the out pointer is set to NULL).
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes returned by every function below.
typedef enum {
  IC_OK = 0,
  /// The data is damaged or truncated (the message says what the library found).
  IC_ERR_CORRUPT = 1,
  /// The header declares a width or height of zero.
  IC_ERR_ZERO_SIZE = 2,
  /// The header declares more than IC_MAX_SIDE pixels on a side or IC_MAX_PIXELS in all.
  IC_ERR_TOO_LARGE = 3,
  /// A valid file of a kind this shim cannot convert to RGB (the message says which).
  IC_ERR_UNSUPPORTED = 4,
  /// malloc failed.
  IC_ERR_NO_MEMORY = 5,
  /// Invalid arguments to an encoder (zero size, quality out of 1...100).
  IC_ERR_ARGUMENT = 6,
} ic_status;

/// Largest accepted width or height, checked from the header before any pixel buffer exists.
#define IC_MAX_SIDE 16384
/// Largest accepted width * height (2^28 = 268,435,456 pixels).
#define IC_MAX_PIXELS 268435456ULL

/// Decodes a PNG held in memory into 8-bit RGB.
///
/// Conversions: palette -> RGB; greyscale (1/2/4/8/16-bit) -> grey replicated to R, G and B;
/// 16-bit samples -> 8-bit by rounding (v * 255 / 65535); interlaced images are deinterlaced.
/// Alpha (an alpha channel or a tRNS chunk) is composited over black: out = round(c * a / 255).
/// Gamma and colour-profile chunks are ignored (samples are taken as stored).
/// On success `*out_rgb` holds width * height * 3 bytes. With `out_rgb` NULL only the header is
/// read and checked (size, limits, pixel format): no pixel buffer is allocated.
int ic_png_decode(
    const uint8_t *data, size_t size, uint8_t **out_rgb, uint32_t *out_width,
    uint32_t *out_height, char *message, size_t message_capacity);

/// Decodes a baseline or progressive JPEG held in memory into 8-bit RGB.
///
/// Greyscale JPEGs are replicated to R, G and B; CMYK and YCCK (Adobe) JPEGs are converted with
/// the naive formula R = (255 - C) * (255 - K) / 255 (taking Adobe's inverted storage into
/// account). Every libjpeg warning (e.g. "Premature end of JPEG file", "Corrupt JPEG data: ...")
/// is an error: a truncated or damaged file is rejected, never returned with grey fill.
/// With `out_rgb` NULL only the header is read and checked, as for ic_png_decode.
int ic_jpeg_decode(
    const uint8_t *data, size_t size, uint8_t **out_rgb, uint32_t *out_width,
    uint32_t *out_height, char *message, size_t message_capacity);

/// Encodes 8-bit RGB as an 8-bit RGB PNG (non-interlaced, default zlib level), with one tEXt
/// chunk per `keys[i]`/`values[i]` (at most 8; keys 1...79 Latin-1 characters), before the pixels.
/// On success `*out_data` holds `*out_size` bytes.
int ic_png_encode(
    const uint8_t *rgb, uint32_t width, uint32_t height, const char *const *keys,
    const char *const *values, int text_count, uint8_t **out_data, size_t *out_size, char *message,
    size_t message_capacity);

/// Encodes 8-bit RGB as a baseline JFIF JPEG with quality 1...100.
/// `chroma_444` non-zero keeps full-resolution chroma (4:4:4); zero subsamples it 2x2 (4:2:0).
/// Uses libjpeg's accurate integer DCT and optimised Huffman tables. A non-empty `comment` (at most
/// 65533 bytes) is written as a COM marker.
int ic_jpeg_encode(
    const uint8_t *rgb, uint32_t width, uint32_t height, int quality, int chroma_444,
    const char *comment, uint8_t **out_data, size_t *out_size, char *message, size_t message_capacity);

/// The version of libpng this process runs with (e.g. "1.6.39"), from the library itself.
const char *ic_png_version(void);

/// The libjpeg(-turbo) version dream-run was built against (e.g. "libjpeg-turbo 2.1.5, API 62").
const char *ic_jpeg_version(void);

/// Releases a buffer returned by one of the functions above (NULL is fine).
void ic_free(void *buffer);

#ifdef __cplusplus
}
#endif
