#pragma once
/* Heap settings for the engine's tensor buffers (see DreamEngine/Kernels/HeapTuning.swift). */

/* Raises glibc's mmap and trim thresholds so freed tensor memory is reused by later
   allocations instead of being unmapped and page-faulted in again. No-op elsewhere. */
void dream_heap_keep_freed_memory(void);
