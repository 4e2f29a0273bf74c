/// Concatenation along the channel axis (TF `Concat` with axis input 0, `ConcatV2` with the axis
/// last; both must name axis 3 or -1 for the NHWC tensors here).
/// Shapes: inputs `h x w x c_k` with equal h, w; output `h x w x sum(c_k)`.
public struct Concat: Sendable {
  public init() {}

  public func outputShape(_ inputs: [TensorShape]) -> TensorShape? {
    guard let first = inputs.first else { return nil }
    for s in inputs where s.height != first.height || s.width != first.width { return nil }
    return TensorShape(
      height: first.height, width: first.width, channels: inputs.reduce(0) { $0 + $1.channels })
  }

  public func forward(_ xs: [Tensor]) -> Tensor {
    guard let out = outputShape(xs.map(\.shape)) else {
      preconditionFailure("Concat: mismatched inputs \(xs.map(\.shape))")
    }
    let y = FloatBuffer(uninitialized: out.count)
    let pixels = out.height * out.width
    let total = out.channels
    var offset = 0
    for x in xs {
      let c = x.shape.channels
      let src = x.storage.base
      let dst = y.base + offset
      parallelChunks(pixels, minimumChunk: 256) { range in
        for p in range { (dst + p * total).update(from: src + p * c, count: c) }
      }
      offset += c
    }
    return Tensor(shape: out, storage: y)
  }

  /// Splits dy back into one gradient per input (same shapes as `inputShapes`).
  public func backward(inputShapes: [TensorShape], dy: Tensor) -> [Tensor] {
    let pixels = dy.shape.height * dy.shape.width
    let total = dy.shape.channels
    var offset = 0
    var grads: [Tensor] = []
    for shape in inputShapes {
      let c = shape.channels
      let dx = FloatBuffer(uninitialized: shape.count)
      let src = dy.storage.base + offset
      let dst = dx.base
      parallelChunks(pixels, minimumChunk: 256) { range in
        for p in range { (dst + p * c).update(from: src + p * total, count: c) }
      }
      grads.append(Tensor(shape: shape, storage: dx))
      offset += c
    }
    return grads
  }
}
