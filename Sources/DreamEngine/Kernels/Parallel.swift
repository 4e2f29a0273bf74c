import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

internal import CBLAS

/// The engine's thread setting: the engine's own loops and its GEMMs (row blocks of C, each a
/// single-threaded OpenBLAS call) use the same count; OpenBLAS's own pool is kept at 1 thread.
///
/// Every parallel loop in the engine splits its work so that each output element is computed by
/// exactly one thread in an arithmetic order that does not depend on the thread count (GEMMs in
/// fixed row blocks, see `sgemm`). So results are bit-identical run to run and at every count.
public enum EngineThreads {
  /// Sets the thread count for OpenBLAS and the engine's loops (clamped to 1...256).
  public static func set(_ threads: Int) {
    let n = min(max(threads, 1), 256)
    storage.set(n)
  }

  /// The current thread count (defaults to the number of CPU cores).
  public static var count: Int { storage.get() }

  /// The thread count loops on the calling thread may use: 1 inside a pass that already runs
  /// concurrently with others (`runSerially`), else `count`.
  static var available: Int { SerialMarker.isSet ? 1 : count }

  /// Runs `body` with the engine's loops on this thread kept serial (for work that is itself
  /// one of several concurrent workers). Results do not depend on it.
  static func runSerially<T>(_ body: () throws -> T) rethrows -> T {
    let was = SerialMarker.isSet
    SerialMarker.isSet = true
    defer { SerialMarker.isSet = was }
    return try body()
  }

  /// The number of CPU cores OpenBLAS detected.
  public static var processorCount: Int { Int(openblas_get_num_procs()) }

  private static let storage = ThreadCountBox()
}

private final class ThreadCountBox: @unchecked Sendable {
  private var value: Int = 0
  private let lock = QueueLock("dream-run.threads")
  func get() -> Int {
    lock.withLock {
      if value == 0 {
        value = max(1, Int(openblas_get_num_procs()))
        openblas_set_num_threads(1)
      }
      return value
    }
  }
  func set(_ n: Int) {
    lock.withLock {
      value = n
      openblas_set_num_threads(1)
    }
  }
}

/// A small mutex on a serial dispatch queue, shared by the engine's few pieces of global state
/// (thread count, scratch buffers, concurrent results, profiles).
final class QueueLock: @unchecked Sendable {
  private let queue: DispatchQueue
  init(_ label: String) { queue = DispatchQueue(label: label) }
  func withLock<T>(_ body: () throws -> T) rethrows -> T { try queue.sync(execute: body) }
}

/// Runs `body` over `0..<count` split into at most `EngineThreads.count` contiguous chunks.
/// Each index is visited by exactly one chunk; chunks run concurrently.
/// `minimumChunk` avoids spawning threads for tiny loops.
func parallelChunks(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
  guard count > 0 else { return }
  let threads = min(EngineThreads.available, max(1, count / max(minimumChunk, 1)))
  if threads <= 1 {
    body(0..<count)
    return
  }
  let chunk = (count + threads - 1) / threads
  // The chunks touch disjoint outputs by construction; the box only tells the compiler so.
  withoutActuallyEscaping(body) { escapable in
    let box = UncheckedSendableBox(escapable)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      let start = t * chunk
      let end = min(count, start + chunk)
      if start < end { box.value(start..<end) }
    }
  }
}

/// Carries a value across a concurrency boundary the caller has proven safe.
struct UncheckedSendableBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// A per-thread flag (POSIX thread-specific data): set while the thread runs one of several
/// concurrent network passes.
private enum SerialMarker {
  private static let key: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k, nil)
    return k
  }()

  static var isSet: Bool {
    get { pthread_getspecific(key) != nil }
    set { pthread_setspecific(key, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
  }
}
