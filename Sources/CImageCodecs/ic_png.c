// PNG decode/encode through libpng's classic API, with setjmp in the driving function.
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "ic_common.h"

// MARK: - Error and I/O callbacks

typedef struct {
  char *message;
  size_t capacity;
} png_error_sink;

static void on_png_error(png_structp png, png_const_charp text) {
  png_error_sink *sink = png_get_error_ptr(png);
  if (sink != NULL) ic_set_message(sink->message, sink->capacity, text);
  png_longjmp(png, 1);
}

// Warnings (bad sRGB profiles, benign CRC errors in ancillary chunks, ...) do not affect the
// pixels libpng returns, so they are ignored rather than printed to stderr.
static void on_png_warning(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

typedef struct {
  const uint8_t *data;
  size_t size;
  size_t position;
} png_memory_reader;

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
  png_memory_reader *reader = png_get_io_ptr(png);
  if (length > reader->size - reader->position) {
    png_error(png, "unexpected end of file");
  }
  memcpy(out, reader->data + reader->position, length);
  reader->position += length;
}

static void write_to_buffer(png_structp png, png_bytep bytes, size_t length) {
  ic_buffer *buffer = png_get_io_ptr(png);
  if (!ic_buffer_reserve(buffer, length)) png_error(png, "out of memory");
  memcpy(buffer->data + buffer->size, bytes, length);
  buffer->size += length;
}

static void flush_nothing(png_structp png) { (void)png; }

static uint32_t read_be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

// MARK: - Decode

// Composites RGBA over black in place, packing pixels to RGB (destination never overtakes source).
static void composite_over_black(uint8_t *pixels, size_t count) {
  for (size_t i = 0; i < count; i++) {
    const uint8_t *src = pixels + i * 4;
    uint8_t *dst = pixels + i * 3;
    unsigned alpha = src[3];
    uint8_t r = (uint8_t)((src[0] * alpha + 127) / 255);
    uint8_t g = (uint8_t)((src[1] * alpha + 127) / 255);
    uint8_t b = (uint8_t)((src[2] * alpha + 127) / 255);
    dst[0] = r;
    dst[1] = g;
    dst[2] = b;
  }
}

int ic_png_decode(
    const uint8_t *data, size_t size, uint8_t **out_rgb, uint32_t *out_width,
    uint32_t *out_height, char *message, size_t message_capacity) {
  if (out_rgb != NULL) *out_rgb = NULL;
  *out_width = 0;
  *out_height = 0;
  ic_set_message(message, message_capacity, "");
  if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
    ic_set_message(message, message_capacity, "missing PNG signature");
    return IC_ERR_CORRUPT;
  }
  // Check the declared size before libpng sees it: libpng rejects a zero width with a generic
  // IHDR error, and nothing may be allocated for a huge image.
  if (size >= 24 && memcmp(data + 12, "IHDR", 4) == 0) {
    uint32_t width = read_be32(data + 16), height = read_be32(data + 20);
    *out_width = width;
    *out_height = height;
    if (width == 0 || height == 0) {
      ic_set_message(message, message_capacity, "the header declares no pixels");
      return IC_ERR_ZERO_SIZE;
    }
    if (ic_too_large(width, height)) {
      ic_set_too_large_message(message, message_capacity, width, height);
      return IC_ERR_TOO_LARGE;
    }
  }

  png_error_sink sink = {message, message_capacity};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
  if (png == NULL) return IC_ERR_NO_MEMORY;
  png_infop info = png_create_info_struct(png);
  if (info == NULL) {
    png_destroy_read_struct(&png, NULL, NULL);
    return IC_ERR_NO_MEMORY;
  }
  png_memory_reader reader = {data, size, 0};
  uint8_t *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  volatile int status = IC_ERR_CORRUPT;
  if (setjmp(png_jmpbuf(png))) {
    free(pixels);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return status;
  }
  png_set_read_fn(png, &reader, read_from_memory);
  png_read_info(png, info);

  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
  png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
  *out_width = width;
  *out_height = height;
  if (ic_too_large(width, height)) {
    ic_set_too_large_message(message, message_capacity, width, height);
    png_destroy_read_struct(&png, &info, NULL);
    return IC_ERR_TOO_LARGE;
  }

  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (bit_depth == 16) png_set_scale_16(png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
    png_set_gray_to_rgb(png);
  }
  (void)png_set_interlace_handling(png);
  png_read_update_info(png, info);

  size_t channels = png_get_channels(png, info);
  size_t row_bytes = png_get_rowbytes(png, info);
  if ((channels != 3 && channels != 4) || row_bytes != (size_t)width * channels) {
    status = IC_ERR_UNSUPPORTED;
    png_error(png, "unexpected pixel layout after conversion to RGB");
  }
  if (out_rgb == NULL) {  // header only
    png_destroy_read_struct(&png, &info, NULL);
    return IC_OK;
  }
  status = IC_ERR_NO_MEMORY;
  pixels = malloc((size_t)height * row_bytes);
  rows = malloc((size_t)height * sizeof(png_bytep));
  if (pixels == NULL || rows == NULL) png_error(png, "out of memory");
  status = IC_ERR_CORRUPT;
  for (size_t y = 0; y < height; y++) rows[y] = pixels + y * row_bytes;
  png_read_image(png, rows);
  png_read_end(png, NULL);  // a file cut off after the pixels (no IEND) is still truncated

  if (channels == 4) composite_over_black(pixels, (size_t)width * height);
  free(rows);
  png_destroy_read_struct(&png, &info, NULL);
  *out_rgb = pixels;
  return IC_OK;
}

// MARK: - Encode

int ic_png_encode(
    const uint8_t *rgb, uint32_t width, uint32_t height, const char *const *keys,
    const char *const *values, int text_count, uint8_t **out_data, size_t *out_size, char *message,
    size_t message_capacity) {
  *out_data = NULL;
  *out_size = 0;
  ic_set_message(message, message_capacity, "");
  if (width == 0 || height == 0) {
    ic_set_message(message, message_capacity, "cannot encode an image with no pixels");
    return IC_ERR_ARGUMENT;
  }
  if (ic_too_large(width, height)) {
    ic_set_too_large_message(message, message_capacity, width, height);
    return IC_ERR_TOO_LARGE;
  }
  if (text_count < 0 || text_count > 8) {
    ic_set_message(message, message_capacity, "at most 8 text chunks");
    return IC_ERR_ARGUMENT;
  }
  png_error_sink sink = {message, message_capacity};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
  if (png == NULL) return IC_ERR_NO_MEMORY;
  png_infop info = png_create_info_struct(png);
  if (info == NULL) {
    png_destroy_write_struct(&png, NULL);
    return IC_ERR_NO_MEMORY;
  }
  ic_buffer buffer = {NULL, 0, 0};
  if (setjmp(png_jmpbuf(png))) {
    free(buffer.data);
    png_destroy_write_struct(&png, &info);
    return IC_ERR_NO_MEMORY;  // the only failure a write into memory can have
  }
  png_set_write_fn(png, &buffer, write_to_buffer, flush_nothing);
  png_set_IHDR(
      png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_text text[8];
  memset(text, 0, sizeof text);
  for (int i = 0; i < text_count; i++) {
    text[i].compression = PNG_TEXT_COMPRESSION_NONE;
    text[i].key = (png_charp)keys[i];
    text[i].text = (png_charp)values[i];
    text[i].text_length = strlen(values[i]);
  }
  if (text_count > 0) png_set_text(png, info, text, text_count);
  png_write_info(png, info);
  for (size_t y = 0; y < height; y++) {
    png_write_row(png, (png_const_bytep)(rgb + y * (size_t)width * 3));
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  *out_data = buffer.data;
  *out_size = buffer.size;
  return IC_OK;
}

const char *ic_png_version(void) { return png_get_libpng_ver(NULL); }
