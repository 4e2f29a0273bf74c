// JPEG decode/encode through libjpeg(-turbo), with setjmp in the driving function and a custom
// error manager: error_exit longjmps, and every warning is promoted to an error.
#include <setjmp.h>
#include <stdio.h>  // must precede jpeglib.h
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "ic_common.h"

// MARK: - Error manager

typedef struct {
  struct jpeg_error_mgr pub;  // must be first: libjpeg sees only this part
  jmp_buf jump;
  char *message;
  size_t capacity;
  int status;
} jpeg_error_sink;

static void on_jpeg_error(j_common_ptr cinfo) {
  jpeg_error_sink *sink = (jpeg_error_sink *)cinfo->err;
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  ic_set_message(sink->message, sink->capacity, text);
  switch (cinfo->err->msg_code) {
    case JERR_EMPTY_IMAGE: sink->status = IC_ERR_ZERO_SIZE; break;
    case JERR_OUT_OF_MEMORY: sink->status = IC_ERR_NO_MEMORY; break;
    default: sink->status = IC_ERR_CORRUPT; break;
  }
  longjmp(sink->jump, 1);
}

// libjpeg reports truncated or corrupt entropy-coded data only as warnings (msg_level -1) and then
// fills the rest of the image with grey. Such a frame must be rejected, so warnings become errors.
// Trace messages (msg_level >= 0) are ignored.
static void on_jpeg_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level < 0) on_jpeg_error(cinfo);
}

static void install_error_sink(jpeg_error_sink *sink, char *message, size_t capacity) {
  jpeg_std_error(&sink->pub);
  sink->pub.error_exit = on_jpeg_error;
  sink->pub.emit_message = on_jpeg_message;
  sink->message = message;
  sink->capacity = capacity;
  sink->status = IC_ERR_CORRUPT;
}

// MARK: - Memory destination (our own, so the buffer is ours to free on every path)

typedef struct {
  struct jpeg_destination_mgr pub;  // must be first
  ic_buffer buffer;
} memory_destination;

static void grow_destination(j_compress_ptr cinfo, size_t extra) {
  memory_destination *dest = (memory_destination *)cinfo->dest;
  if (!ic_buffer_reserve(&dest->buffer, extra)) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
  dest->pub.next_output_byte = dest->buffer.data + dest->buffer.size;
  dest->pub.free_in_buffer = dest->buffer.capacity - dest->buffer.size;
}

static void init_destination(j_compress_ptr cinfo) { grow_destination(cinfo, 65536); }

// Called when the buffer is full: everything in it counts as written.
static boolean empty_destination(j_compress_ptr cinfo) {
  memory_destination *dest = (memory_destination *)cinfo->dest;
  dest->buffer.size = dest->buffer.capacity;
  grow_destination(cinfo, dest->buffer.capacity);
  return TRUE;
}

static void term_destination(j_compress_ptr cinfo) {
  memory_destination *dest = (memory_destination *)cinfo->dest;
  dest->buffer.size = dest->buffer.capacity - dest->pub.free_in_buffer;
}

// MARK: - Decode

static uint8_t multiply_255(unsigned a, unsigned b) { return (uint8_t)((a * b + 127) / 255); }

// CMYK -> RGB, naive formula. Adobe writers store CMYK inverted (0 = full ink).
static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, size_t width, int inverted) {
  for (size_t x = 0; x < width; x++) {
    unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
    if (!inverted) {
      c = 255 - c;
      m = 255 - m;
      y = 255 - y;
      k = 255 - k;
    }
    rgb[3 * x] = multiply_255(c, k);
    rgb[3 * x + 1] = multiply_255(m, k);
    rgb[3 * x + 2] = multiply_255(y, k);
  }
}

int ic_jpeg_decode(
    const uint8_t *data, size_t size, uint8_t **out_rgb, uint32_t *out_width,
    uint32_t *out_height, char *message, size_t message_capacity) {
  if (out_rgb != NULL) *out_rgb = NULL;
  *out_width = 0;
  *out_height = 0;
  ic_set_message(message, message_capacity, "");
  if (size == 0) {
    ic_set_message(message, message_capacity, "empty input");
    return IC_ERR_CORRUPT;
  }
  struct jpeg_decompress_struct cinfo;
  memset(&cinfo, 0, sizeof cinfo);
  jpeg_error_sink sink;
  install_error_sink(&sink, message, message_capacity);
  cinfo.err = &sink.pub;
  uint8_t *volatile pixels = NULL;
  uint8_t *volatile cmyk_row = NULL;
  if (setjmp(sink.jump)) {
    *out_width = cinfo.image_width;  // as far as the header was read (for "0xN pixels" errors)
    *out_height = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    free(cmyk_row);
    return sink.status;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  (void)jpeg_read_header(&cinfo, TRUE);
  uint32_t width = cinfo.image_width, height = cinfo.image_height;
  *out_width = width;
  *out_height = height;
  if (ic_too_large(width, height)) {
    ic_set_too_large_message(message, message_capacity, width, height);
    jpeg_destroy_decompress(&cinfo);
    return IC_ERR_TOO_LARGE;
  }
  int is_cmyk = 0;
  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB: cinfo.out_color_space = JCS_RGB; break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo.out_color_space = JCS_CMYK;
      is_cmyk = 1;
      break;
    default: {
      char text[160];
      snprintf(
          text, sizeof text, "unsupported JPEG colour space (%d components)",
          cinfo.num_components);
      ic_set_message(message, message_capacity, text);
      jpeg_destroy_decompress(&cinfo);
      return IC_ERR_UNSUPPORTED;
    }
  }
  if (out_rgb == NULL) {  // header only
    jpeg_destroy_decompress(&cinfo);
    return IC_OK;
  }
  (void)jpeg_start_decompress(&cinfo);
  if (cinfo.output_components != (is_cmyk ? 4 : 3)) {
    ic_set_message(message, message_capacity, "unexpected number of output components");
    jpeg_destroy_decompress(&cinfo);
    return IC_ERR_UNSUPPORTED;
  }
  size_t stride = (size_t)width * 3;
  sink.status = IC_ERR_NO_MEMORY;
  pixels = malloc(stride * height);
  if (pixels == NULL) ERREXIT1(&cinfo, JERR_OUT_OF_MEMORY, 1);
  if (is_cmyk) {
    cmyk_row = malloc((size_t)width * 4);
    if (cmyk_row == NULL) ERREXIT1(&cinfo, JERR_OUT_OF_MEMORY, 2);
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    size_t y = cinfo.output_scanline;
    JSAMPROW row = is_cmyk ? cmyk_row : pixels + y * stride;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
      ERREXIT(&cinfo, JERR_INPUT_EOF);  // suspension is impossible with a memory source
    }
    if (is_cmyk) cmyk_row_to_rgb(cmyk_row, pixels + y * stride, width, cinfo.saw_Adobe_marker);
  }
  (void)jpeg_finish_decompress(&cinfo);  // reads to EOI: trailing damage is reported here
  jpeg_destroy_decompress(&cinfo);
  free(cmyk_row);
  *out_rgb = pixels;
  return IC_OK;
}

// MARK: - Encode

int ic_jpeg_encode(
    const uint8_t *rgb, uint32_t width, uint32_t height, int quality, int chroma_444,
    const char *comment, uint8_t **out_data, size_t *out_size, char *message, size_t message_capacity) {
  *out_data = NULL;
  *out_size = 0;
  ic_set_message(message, message_capacity, "");
  if (width == 0 || height == 0) {
    ic_set_message(message, message_capacity, "cannot encode an image with no pixels");
    return IC_ERR_ARGUMENT;
  }
  if (quality < 1 || quality > 100) {
    ic_set_message(message, message_capacity, "JPEG quality must be 1...100");
    return IC_ERR_ARGUMENT;
  }
  if (ic_too_large(width, height)) {
    ic_set_too_large_message(message, message_capacity, width, height);
    return IC_ERR_TOO_LARGE;
  }
  struct jpeg_compress_struct cinfo;
  memset(&cinfo, 0, sizeof cinfo);
  jpeg_error_sink sink;
  install_error_sink(&sink, message, message_capacity);
  cinfo.err = &sink.pub;
  memory_destination dest;
  memset(&dest, 0, sizeof dest);
  if (setjmp(sink.jump)) {
    jpeg_destroy_compress(&cinfo);
    free(dest.buffer.data);
    return sink.status;
  }
  jpeg_create_compress(&cinfo);
  dest.pub.init_destination = init_destination;
  dest.pub.empty_output_buffer = empty_destination;
  dest.pub.term_destination = term_destination;
  cinfo.dest = &dest.pub;
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.optimize_coding = TRUE;
  cinfo.dct_method = JDCT_ISLOW;
  if (chroma_444) {
    cinfo.comp_info[0].h_samp_factor = 1;
    cinfo.comp_info[0].v_samp_factor = 1;
  }
  jpeg_start_compress(&cinfo, TRUE);
  if (comment != NULL && comment[0] != 0) {
    size_t length = strlen(comment);
    if (length > 65533) length = 65533;
    jpeg_write_marker(&cinfo, JPEG_COM, (const JOCTET *)comment, (unsigned int)length);
  }
  size_t stride = (size_t)width * 3;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * stride);
    (void)jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  *out_data = dest.buffer.data;
  *out_size = dest.buffer.size;
  return IC_OK;
}

#define IC_STRINGIFY2(x) #x
#define IC_STRINGIFY(x) IC_STRINGIFY2(x)

const char *ic_jpeg_version(void) {
#ifdef LIBJPEG_TURBO_VERSION
  return "libjpeg-turbo " IC_STRINGIFY(LIBJPEG_TURBO_VERSION) ", API " IC_STRINGIFY(JPEG_LIB_VERSION);
#else
  return "libjpeg API " IC_STRINGIFY(JPEG_LIB_VERSION);
#endif
}
