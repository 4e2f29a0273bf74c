// Internal helpers shared by the PNG and JPEG halves of the shim (not part of the public header).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "codecs.h"

/// Copies `text` into `message` (capacity bytes, always NUL-terminated when capacity > 0).
void ic_set_message(char *message, size_t capacity, const char *text);

/// True when a header's dimensions exceed IC_MAX_SIDE per side or IC_MAX_PIXELS in all.
int ic_too_large(uint64_t width, uint64_t height);

/// Writes the standard "too large" message naming the limits.
void ic_set_too_large_message(char *message, size_t capacity, uint64_t width, uint64_t height);

/// A growable malloc'd byte buffer used by the encoders.
typedef struct {
  uint8_t *data;
  size_t size;
  size_t capacity;
} ic_buffer;

/// Makes room for `extra` more bytes after `size`; returns 0 when malloc fails (buffer unchanged).
int ic_buffer_reserve(ic_buffer *buffer, size_t extra);
