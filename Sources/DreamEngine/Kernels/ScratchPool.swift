import Dispatch

/// A few reusable scratch areas for the im2col patch matrices, so a pass does not map and
/// page-fault tens of megabytes per convolution. One area per concurrent pass (tiles may run
/// concurrently); a caller that finds all busy gets a private buffer. Results never depend on
/// which buffer is used.
enum ScratchPool {
  private final class Slots: @unchecked Sendable {
    var buffers: [FloatBuffer?] = Array(repeating: nil, count: 8)
    var busy = Array(repeating: false, count: 8)
  }

  private static let slots = Slots()
  private static let lock = QueueLock("dream-run.scratch")

  /// Runs `body` with at least `count` floats of scratch (contents undefined).
  static func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    let lease: (Int, FloatBuffer)? = lock.withLock {
      guard let i = slots.busy.firstIndex(of: false) else { return nil }
      slots.busy[i] = true
      if let b = slots.buffers[i], b.count >= count { return (i, b) }
      let fresh = FloatBuffer(uninitialized: count)
      slots.buffers[i] = fresh
      return (i, fresh)
    }
    guard let (index, buffer) = lease else {
      let own = FloatBuffer(uninitialized: count)
      return body(own.base)
    }
    defer { lock.withLock { slots.busy[index] = false } }
    return body(buffer.base)
  }
}
