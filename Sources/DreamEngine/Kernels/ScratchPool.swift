import Dispatch

/// One reusable scratch area for the im2col patch matrices, so a pass does not map and
/// page-fault tens of megabytes per convolution. Callers that find it busy (another network
/// running concurrently) get a private buffer instead; results never depend on which.
enum ScratchPool {
  private final class Slot: @unchecked Sendable {
    var buffer: FloatBuffer?
    var busy = false
  }

  private static let slot = Slot()
  private static let lock = DispatchQueue(label: "dream-run.scratch")

  /// Runs `body` with at least `count` floats of scratch (contents undefined).
  static func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    let lease: FloatBuffer? = lock.sync {
      guard !slot.busy else { return nil }
      slot.busy = true
      if let b = slot.buffer, b.count >= count { return b }
      slot.buffer = FloatBuffer(uninitialized: count)
      return slot.buffer
    }
    guard let lease else {
      let own = FloatBuffer(uninitialized: count)
      return body(own.base)
    }
    defer { lock.sync { slot.busy = false } }
    return body(lease.base)
  }
}
