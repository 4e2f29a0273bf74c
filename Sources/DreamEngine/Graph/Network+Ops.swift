/// The forward and backward dispatch over op kinds: one exhaustive switch each, so a new op does
/// not compile until both passes know it.
extension Network {
  /// The op's output; for MaxPool with `recordArgmax`, also the argmax its backward pass needs.
  static func forward(_ op: NetworkPlan.Op, _ inputs: [Tensor], recordArgmax: Bool) -> (Tensor, IndexBuffer?)
  {
    switch op {
    case .pool(let pool) where pool.kind == .max && recordArgmax:
      let (y, argmax) = pool.forwardRecordingArgmax(inputs[0])
      return (y, argmax)
    case .conv, .biasRelu, .pool, .lrn, .concat, .affine:
      return (forward(op, inputs), nil)
    }
  }

  static func forward(_ op: NetworkPlan.Op, _ inputs: [Tensor]) -> Tensor {
    switch op {
    case .conv(let conv): return conv.forward(inputs[0])
    case .biasRelu(let b): return b.forward(inputs[0])
    case .pool(let pool): return pool.forward(inputs[0])
    case .lrn(let lrn): return lrn.forward(inputs[0])
    case .concat(let concat): return concat.forward(inputs)
    case .affine(let affine): return affine.forward(inputs[0])
    }
  }

  /// Gradients for each input of the op. `inputs[i]` is nil where the forward value was released
  /// (the op does not need it); `output` likewise.
  static func backward(
    _ op: NetworkPlan.Op, inputs: [Tensor?], inputShapes: [TensorShape], output: Tensor?,
    argmax: IndexBuffer?, dy: Tensor
  ) -> [Tensor] {
    func need(_ t: Tensor?, _ what: String) -> Tensor {
      guard let t else { preconditionFailure("Network.backward: \(what) was released") }
      return t
    }
    switch op {
    case .conv(let conv):
      let y = conv.relu ? need(output, "conv output") : dy
      return [conv.backward(inputShape: inputShapes[0], y: y, dy: dy)]
    case .biasRelu(let b):
      let y = b.relu ? need(output, "relu output") : dy
      return [b.backward(y: y, dy: dy)]
    case .pool(let pool):
      return [pool.backward(inputShape: inputShapes[0], argmax: argmax, dy: dy)]
    case .lrn(let lrn):
      return [lrn.backward(x: need(inputs[0], "LRN input"), dy: dy)]
    case .concat(let concat):
      return concat.backward(inputShapes: inputShapes, dy: dy)
    case .affine(let affine):
      return [affine.backward(dy: dy)]
    }
  }
}
