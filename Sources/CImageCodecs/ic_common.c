// Message, limit and buffer helpers shared by ic_png.c and ic_jpeg.c.
#include "ic_common.h"

#include <stdlib.h>
#include <string.h>

void ic_free(void *buffer) { free(buffer); }

void ic_set_message(char *message, size_t capacity, const char *text) {
  if (message == NULL || capacity == 0) return;
  snprintf(message, capacity, "%s", text != NULL ? text : "");
}

int ic_too_large(uint64_t width, uint64_t height) {
  return width > IC_MAX_SIDE || height > IC_MAX_SIDE || width * height > IC_MAX_PIXELS;
}

void ic_set_too_large_message(char *message, size_t capacity, uint64_t width, uint64_t height) {
  if (message == NULL || capacity == 0) return;
  snprintf(
      message, capacity, "%llux%llu pixels exceeds the limit of %d pixels per side and %llu pixels",
      (unsigned long long)width, (unsigned long long)height, IC_MAX_SIDE,
      (unsigned long long)IC_MAX_PIXELS);
}

int ic_buffer_reserve(ic_buffer *buffer, size_t extra) {
  if (extra <= buffer->capacity - buffer->size) return 1;
  size_t wanted = buffer->size + extra;
  if (wanted < buffer->size) return 0;  // overflow
  size_t capacity = buffer->capacity > 0 ? buffer->capacity : 65536;
  while (capacity < wanted) {
    if (capacity > SIZE_MAX / 2) return 0;
    capacity *= 2;
  }
  uint8_t *data = realloc(buffer->data, capacity);
  if (data == NULL) return 0;
  buffer->data = data;
  buffer->capacity = capacity;
  return 1;
}
