/// Conv2D (NHWC, HWIO weights, SAME/VALID, strides), optionally fused with its BiasAdd and Relu.
///
/// Shapes: `x` is `h x w x cin`; `weights` is `kh x kw x cin x cout`; `bias` is `[cout]`;
/// the output is `outH x outW x cout` with TensorFlow's padding rule (`WindowGeometry`).
/// The fast paths are Winograd on 6x6 tiles for square stride-1 kernels of 2 to 5 (F(4x4, 3x3),
/// F(2x2, 5x5), ...), space-to-depth and Winograd for square stride-2 kernels of 3 to 10 over at
/// most 16 channels (7x7: F(3x3, 4x4); 3x3: F(5x5, 2x2)), and im2col + sgemm for the rest;
/// `naiveForward` / `naiveBackward` are the plain-loop references.
public struct Conv2D: Sendable {
  public let kernelH: Int, kernelW: Int, inChannels: Int, outChannels: Int
  public let strideH: Int, strideW: Int
  public let padding: Padding
  public let weights: FloatBuffer
  public var bias: FloatBuffer?
  public var relu: Bool
  /// The weights transformed for Winograd, for square stride-1 kernels of 2 to 5 (computed once,
  /// when the op is made).
  let winograd: WinogradWeights?
  /// The square stride-2 path (space-to-depth and Winograd).
  let spaceToDepth: SpaceToDepthConv?

  public init(
    kernelH: Int, kernelW: Int, inChannels: Int, outChannels: Int, strideH: Int, strideW: Int,
    padding: Padding, weights: FloatBuffer, bias: FloatBuffer? = nil, relu: Bool = false
  ) {
    precondition(
      weights.count == kernelH * kernelW * inChannels * outChannels,
      "Conv2D: \(weights.count) weights for \(kernelH)x\(kernelW)x\(inChannels)x\(outChannels)")
    precondition(bias.map { $0.count == outChannels } ?? true, "Conv2D: bias size")
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.strideH = strideH
    self.strideW = strideW
    self.padding = padding
    self.weights = weights
    self.bias = bias
    self.relu = relu
    // Past `WinogradWeights.limit` the GEMM path runs instead (no real model comes near).
    self.winograd =
      kernelH == kernelW && strideH == 1 && strideW == 1 && WinogradTile.supports(kernel: kernelH)
        && WinogradWeights.fit(cin: inChannels, cout: outChannels)
      ? WinogradWeights(
        weights: weights.base, tile: WinogradTile(kernel: kernelH), cin: inChannels, cout: outChannels) : nil
    self.spaceToDepth =
      SpaceToDepthConv.applies(
        kernelH: kernelH, kernelW: kernelW, strideH: strideH, strideW: strideW, inChannels: inChannels,
        outChannels: outChannels)
      ? SpaceToDepthConv(weights: weights, kernel: kernelH, cin: inChannels, cout: outChannels) : nil
  }

  func geometry(_ input: TensorShape) -> WindowGeometry {
    precondition(input.channels == inChannels, "Conv2D: input \(input), expected \(inChannels) channels")
    return WindowGeometry(
      input: input, kernelH: kernelH, kernelW: kernelW, strideH: strideH, strideW: strideW,
      padding: padding)
  }

  public func outputShape(_ input: TensorShape) -> TensorShape {
    let g = geometry(input)
    return TensorShape(height: g.outH, width: g.outW, channels: outChannels)
  }

  /// y = relu?(conv(x, w) + b?)
  public func forward(_ x: Tensor) -> Tensor {
    let g = geometry(x.shape)
    let y = Tensor(
      shape: TensorShape(height: g.outH, width: g.outW, channels: outChannels),
      storage: FloatBuffer(uninitialized: g.outH * g.outW * outChannels))
    if let winograd {
      winogradConvolve(
        winograd.tile, x: x.storage.base, inH: x.shape.height, inW: x.shape.width, cin: inChannels,
        padTop: g.padTop, padLeft: g.padLeft, y: y.storage.base, outH: g.outH, outW: g.outW,
        cout: outChannels, u: winograd.forward.base, bias: bias?.base, relu: relu)
      return y
    }
    if let spaceToDepth {
      spaceToDepth.forward(x: x.storage.base, geometry: g, y: y.storage.base, bias: bias?.base, relu: relu)
      return y
    }
    convForwardGEMM(
      x: x.storage.base, geometry: g, weights: weights.base, cout: outChannels, y: y.storage.base)
    applyBiasRelu(y.storage, channels: outChannels, bias: bias, relu: relu)
    return y
  }

  /// dx from dy. `y` is this op's forward output (used for the fused Relu's mask).
  /// `dy` may be modified in place (the Relu mask is applied to it).
  public func backward(inputShape: TensorShape, y: Tensor, dy: Tensor) -> Tensor {
    let g = geometry(inputShape)
    if relu { maskByPositive(dy.storage, y.storage) }
    let dx = Tensor(shape: inputShape, storage: FloatBuffer(uninitialized: inputShape.count))
    if let winograd {
      // A correlation of dy with the flipped, transposed weights, padded by kernel - 1 - pad.
      winogradConvolve(
        winograd.tile, x: dy.storage.base, inH: g.outH, inW: g.outW, cin: outChannels,
        padTop: kernelH - 1 - g.padTop, padLeft: kernelW - 1 - g.padLeft, y: dx.storage.base,
        outH: inputShape.height, outW: inputShape.width, cout: inChannels, u: winograd.backward.base)
      return dx
    }
    if let spaceToDepth {
      spaceToDepth.backward(dy: dy.storage.base, geometry: g, dx: dx.storage.base)
      return dx
    }
    convBackwardInputGEMM(
      dy: dy.storage.base, geometry: g, weights: weights.base, cout: outChannels,
      dx: dx.storage.base)
    return dx
  }

  /// The plain-loop reference of `forward`.
  public func naiveForward(_ x: Tensor) -> Tensor {
    let g = geometry(x.shape)
    let out = TensorShape(height: g.outH, width: g.outW, channels: outChannels)
    var y = [Float](repeating: 0, count: out.count)
    let xs = x.values
    let ws = weights.array
    let bs = bias?.array
    for oy in 0..<g.outH {
      for ox in 0..<g.outW {
        for co in 0..<outChannels {
          var sum: Float = bs?[co] ?? 0
          for ky in 0..<kernelH {
            for kx in 0..<kernelW {
              let iy = oy * strideH - g.padTop + ky
              let ix = ox * strideW - g.padLeft + kx
              if iy < 0 || iy >= x.shape.height || ix < 0 || ix >= x.shape.width { continue }
              for ci in 0..<inChannels {
                sum +=
                  xs[(iy * x.shape.width + ix) * inChannels + ci]
                  * ws[((ky * kernelW + kx) * inChannels + ci) * outChannels + co]
              }
            }
          }
          y[(oy * g.outW + ox) * outChannels + co] = relu ? max(sum, 0) : sum
        }
      }
    }
    return Tensor(shape: out, values: y)
  }

  /// The plain-loop reference of `backward`.
  public func naiveBackward(inputShape: TensorShape, y: Tensor, dy: Tensor) -> Tensor {
    let g = geometry(inputShape)
    var dx = [Float](repeating: 0, count: inputShape.count)
    let ws = weights.array
    let ys = y.values
    let dys = dy.values
    for oy in 0..<g.outH {
      for ox in 0..<g.outW {
        for co in 0..<outChannels {
          let o = (oy * g.outW + ox) * outChannels + co
          let d = relu && ys[o] <= 0 ? 0 : dys[o]
          if d == 0 { continue }
          for ky in 0..<kernelH {
            for kx in 0..<kernelW {
              let iy = oy * strideH - g.padTop + ky
              let ix = ox * strideW - g.padLeft + kx
              if iy < 0 || iy >= inputShape.height || ix < 0 || ix >= inputShape.width { continue }
              for ci in 0..<inChannels {
                dx[(iy * inputShape.width + ix) * inChannels + ci] +=
                  d * ws[((ky * kernelW + kx) * inChannels + ci) * outChannels + co]
              }
            }
          }
        }
      }
    }
    return Tensor(shape: inputShape, values: dx)
  }
}
