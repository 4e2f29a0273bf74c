/// Ops that act on each element: BiasAdd, Relu, and affine ops with a broadcast constant
/// (Sub/Mul/Add/AddV2 where one operand is a Const: the in-graph preprocessing).
/// Shapes: input and output are both `h x w x c`.

/// BiasAdd optionally followed by Relu (when not fused into a convolution).
public struct BiasRelu: Sendable {
  public let bias: FloatBuffer?
  public let relu: Bool

  public init(bias: FloatBuffer?, relu: Bool) {
    self.bias = bias
    self.relu = relu
  }

  public func forward(_ x: Tensor) -> Tensor {
    precondition(bias.map { $0.count == x.shape.channels } ?? true, "BiasAdd: bias vs \(x.shape)")
    let y = x.storage.copy()
    applyBiasRelu(y, channels: x.shape.channels, bias: bias, relu: relu)
    return Tensor(shape: x.shape, storage: y)
  }

  /// dx = dy masked by y > 0 when Relu; the bias passes the gradient through unchanged.
  public func backward(y: Tensor, dy: Tensor) -> Tensor {
    if relu { maskByPositive(dy.storage, y.storage) }
    return dy
  }
}

/// `y = x * scale + shift` with per-channel (or scalar) constants:
/// `x - c` is (1, -c), `c - x` is (-1, c), `x * c` is (c, 0), `x + c` is (1, c).
public struct Affine: Sendable {
  public let scale: [Float]
  public let shift: [Float]

  public init(scale: [Float], shift: [Float]) {
    self.scale = scale
    self.shift = shift
  }

  func broadcastable(to channels: Int) -> Bool {
    (scale.count == 1 || scale.count == channels) && (shift.count == 1 || shift.count == channels)
  }

  public func forward(_ x: Tensor) -> Tensor {
    precondition(broadcastable(to: x.shape.channels), "Affine: constants vs \(x.shape)")
    let y = FloatBuffer(uninitialized: x.shape.count)
    affinePerChannel(x.storage, channels: x.shape.channels, scale: scale, shift: shift, into: y)
    return Tensor(shape: x.shape, storage: y)
  }

  public func backward(dy: Tensor) -> Tensor {
    let dx = FloatBuffer(uninitialized: dy.shape.count)
    affinePerChannel(dy.storage, channels: dy.shape.channels, scale: scale, shift: [0], into: dx)
    return Tensor(shape: dy.shape, storage: dx)
  }
}
