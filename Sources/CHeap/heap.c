#include "heap.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void dream_heap_keep_freed_memory(void) {
#if defined(__GLIBC__)
  /* 32 MiB is the largest threshold glibc accepts on 64-bit systems; larger requests fail. */
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}
