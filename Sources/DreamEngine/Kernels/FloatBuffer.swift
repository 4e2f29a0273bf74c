/// A fixed-size, heap-allocated run of Float32 values: the storage of every tensor in the engine.
///
/// A class so that activations and gradients can be handed between ops without copies; the
/// memory is released when the last reference goes. Unsafe access stays inside `Kernels/`.
public final class FloatBuffer: @unchecked Sendable {
  public let count: Int
  let base: UnsafeMutablePointer<Float>

  /// A zero-filled buffer of `count` floats.
  public convenience init(zeros count: Int) {
    self.init(uninitialized: count)
    base.initialize(repeating: 0, count: count)
  }

  /// A buffer of `count` floats whose contents the caller overwrites before reading
  /// (Float is a trivial type: no initialisation pass is needed before the first write).
  init(uninitialized count: Int) {
    precondition(count >= 0, "FloatBuffer: negative count \(count)")
    HeapTuning.configureOnce()
    self.count = count
    base = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
  }

  public convenience init(_ values: [Float]) {
    self.init(uninitialized: values.count)
    values.withUnsafeBufferPointer { src in
      if let s = src.baseAddress { base.update(from: s, count: values.count) }
    }
  }

  deinit { base.deallocate() }

  public var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

  public subscript(i: Int) -> Float {
    get {
      precondition(i >= 0 && i < count, "FloatBuffer: index \(i) out of 0..<\(count)")
      return base[i]
    }
    set {
      precondition(i >= 0 && i < count, "FloatBuffer: index \(i) out of 0..<\(count)")
      base[i] = newValue
    }
  }

  func copy() -> FloatBuffer {
    let out = FloatBuffer(uninitialized: count)
    out.base.update(from: base, count: count)
    return out
  }
}

/// Int32 indices (e.g. MaxPool's argmax), heap-allocated like `FloatBuffer`.
public final class IndexBuffer: @unchecked Sendable {
  public let count: Int
  let base: UnsafeMutablePointer<Int32>

  init(count: Int) {
    precondition(count >= 0, "IndexBuffer: negative count \(count)")
    HeapTuning.configureOnce()
    self.count = count
    base = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
  }

  deinit { base.deallocate() }
}
