internal import CKernels

/// MaxPool and AvgPool (NHWC, TensorFlow SAME/VALID padding, per-channel windows).
///
/// Shapes: `x` is `h x w x c`; the output is `outH x outW x c` (`WindowGeometry`).
/// MaxPool: padding never wins (only in-bounds cells compete); the gradient goes to the first
/// maximum in row-major window order, as TensorFlow's CPU kernel does.
/// AvgPool: each output is the mean of its in-bounds cells only (TensorFlow's SAME rule, not
/// count-include-pad); the gradient is spread evenly over those cells.
public struct Pool: Sendable {
  public enum Kind: Sendable { case max, average }

  public let kind: Kind
  public let kernelH: Int, kernelW: Int, strideH: Int, strideW: Int
  public let padding: Padding

  public init(kind: Kind, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, padding: Padding) {
    self.kind = kind
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.strideH = strideH
    self.strideW = strideW
    self.padding = padding
  }

  func geometry(_ input: TensorShape) -> WindowGeometry {
    WindowGeometry(
      input: input, kernelH: kernelH, kernelW: kernelW, strideH: strideH, strideW: strideW,
      padding: padding)
  }

  public func outputShape(_ input: TensorShape) -> TensorShape {
    let g = geometry(input)
    return TensorShape(height: g.outH, width: g.outW, channels: input.channels)
  }

  public func forward(_ x: Tensor) -> Tensor {
    let g = geometry(x.shape)
    let c = x.shape.channels
    let out = TensorShape(height: g.outH, width: g.outW, channels: c)
    let y = FloatBuffer(uninitialized: out.count)
    let src = x.storage.base
    let dst = y.base
    let kind = kind
    parallelChunks(g.outH * g.outW, minimumChunk: 16) { range in
      for o in range {
        let oy = o / g.outW
        let ox = o % g.outW
        let iy0 = oy * g.strideH - g.padTop
        let ix0 = ox * g.strideW - g.padLeft
        let rows = g.validKernelRows(oy)
        let cols = g.validKernelCols(ox)
        let d = dst + o * c
        switch kind {
        case .max:
          d.update(repeating: -.infinity, count: c)
          for ky in rows {
            for kx in cols {
              let s = src + ((iy0 + ky) * g.input.width + ix0 + kx) * c
              for ch in 0..<c { d[ch] = Swift.max(d[ch], s[ch]) }
            }
          }
        case .average:
          d.update(repeating: 0, count: c)
          for ky in rows {
            for kx in cols {
              let s = src + ((iy0 + ky) * g.input.width + ix0 + kx) * c
              for ch in 0..<c { d[ch] += s[ch] }
            }
          }
          let inv = 1 / Float(rows.count * cols.count)
          for ch in 0..<c { d[ch] *= inv }
        }
      }
    }
    return Tensor(shape: out, storage: y)
  }

  /// MaxPool's forward pass that also records, per output element, the input pixel (row-major
  /// pixel index) holding the window's first maximum: the backward pass routes through it.
  public func forwardRecordingArgmax(_ x: Tensor) -> (Tensor, IndexBuffer) {
    precondition(kind == .max, "forwardRecordingArgmax: only MaxPool records an argmax")
    let g = geometry(x.shape)
    let c = x.shape.channels
    let out = TensorShape(height: g.outH, width: g.outW, channels: c)
    let y = FloatBuffer(uninitialized: out.count)
    let argmax = IndexBuffer(count: out.count)
    let src = x.storage.base
    let dst = y.base
    let idx = argmax.base
    parallelChunks(g.outH * g.outW, minimumChunk: 16) { range in
      for o in range {
        let oy = o / g.outW
        let ox = o % g.outW
        let iy0 = oy * g.strideH - g.padTop
        let ix0 = ox * g.strideW - g.padLeft
        let rows = g.validKernelRows(oy)
        let cols = g.validKernelCols(ox)
        dr_maxpool_window(
          src, Int32(g.input.width), Int32(c), Int32(iy0 + rows.lowerBound), Int32(iy0 + rows.upperBound),
          Int32(ix0 + cols.lowerBound), Int32(ix0 + cols.upperBound), dst + o * c, idx + o * c)
      }
    }
    return (Tensor(shape: out, storage: y), argmax)
  }

  /// dx from dy. MaxPool needs the `argmax` its forward pass recorded; AvgPool only the shape.
  public func backward(inputShape: TensorShape, argmax: IndexBuffer?, dy: Tensor) -> Tensor {
    let g = geometry(inputShape)
    let c = inputShape.channels
    let dx = FloatBuffer(zeros: inputShape.count)
    let dys = dy.storage.base
    let dst = dx.base
    let outCount = g.outH * g.outW
    let idx = argmax?.base
    switch kind {
    case .max:
      guard let argmax else { preconditionFailure("Pool.backward: MaxPool needs its argmax") }
      precondition(argmax.count == outCount * c, "Pool.backward: argmax size")
    case .average: break
    }
    // Gather: each input pixel sums, in window order, what the windows covering it pass back
    // (MaxPool: the gradient of windows whose recorded maximum it is; AvgPool: an even share).
    // Rows of dx are independent, so threads split rows.
    parallelChunks(inputShape.height, minimumChunk: 2) { rowRange in
      for iy in rowRange {
        let oyRange = g.windowsCovering(row: iy)
        for ix in 0..<inputShape.width {
          let pixel = Int32(iy * inputShape.width + ix)
          let oxRange = g.windowsCovering(column: ix)
          let d = dst + (iy * inputShape.width + ix) * c
          for oy in oyRange {
            for ox in oxRange {
              let o = (oy * g.outW + ox) * c
              if let idx {
                dr_maxpool_route(d, dys + o, idx + o, pixel, Int32(c))
              } else {
                let inv = 1 / Float(g.validKernelRows(oy).count * g.validKernelCols(ox).count)
                for ch in 0..<c { d[ch] += dys[o + ch] * inv }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: inputShape, storage: dx)
  }
}
