internal import CHeap

/// Keeps freed tensor memory in the process heap instead of returning it to the kernel.
///
/// A forward+backward pass allocates and frees the same few dozen buffer sizes over and over.
/// glibc serves blocks above its mmap threshold with fresh mmaps and unmaps them on free, so
/// every pass paid a page fault per 4 KB of every activation (measured: a third of the time of a
/// 3x3 convolution at 800x450). Raising the mmap and trim thresholds lets the heap reuse them.
/// Peak memory is unchanged (the same buffers are live at the peak); freed memory is simply kept.
enum HeapTuning {
  private static let configured: Bool = {
    dream_heap_keep_freed_memory()
    return true
  }()

  static func configureOnce() { _ = configured }
}
