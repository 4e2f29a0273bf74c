/// A batch-1 NHWC float tensor: `shape` plus row-major storage (`h x w x c`, channels fastest).
public struct Tensor: Sendable {
  public let shape: TensorShape
  public let storage: FloatBuffer

  public init(shape: TensorShape, storage: FloatBuffer) {
    precondition(
      storage.count == shape.count, "Tensor: \(storage.count) values for shape \(shape)")
    self.shape = shape
    self.storage = storage
  }

  public init(shape: TensorShape, values: [Float]) {
    self.init(shape: shape, storage: FloatBuffer(values))
  }

  /// A zero tensor.
  public init(zeros shape: TensorShape) {
    self.init(shape: shape, storage: FloatBuffer(zeros: shape.count))
  }

  public var values: [Float] { storage.array }
}

extension Tensor {
  /// `self += other`, elementwise (same shape), in place on `self.storage`.
  func accumulate(_ other: Tensor) {
    precondition(shape == other.shape, "accumulate: \(shape) vs \(other.shape)")
    let n = shape.count
    let dst = storage.base
    let src = other.storage.base
    parallelChunks(n, minimumChunk: 1 << 16) { range in
      for i in range { dst[i] += src[i] }
    }
  }
}
