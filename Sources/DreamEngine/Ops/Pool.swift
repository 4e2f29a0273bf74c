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

  /// dx from dy. `x` is the forward input and `y` the forward output (the window maxima for
  /// MaxPool; unused for AvgPool).
  public func backward(x: Tensor, y: Tensor, dy: Tensor) -> Tensor {
    let g = geometry(x.shape)
    let c = x.shape.channels
    let dx = FloatBuffer(zeros: x.shape.count)
    let src = x.storage.base
    let maxima = y.storage.base
    let dys = dy.storage.base
    let dst = dx.base
    let kind = kind
    // Windows overlap between output rows, so threads own channel slices instead; the inner
    // loops run over a contiguous channel range and vectorise.
    let slices = max(1, min(EngineThreads.count, c / 8))
    let per = (c + slices - 1) / slices
    parallelChunks(slices) { sliceRange in
      for s in sliceRange {
        let c0 = s * per
        let c1 = Swift.min(c, c0 + per)
        if c0 >= c1 { continue }
        let open = UnsafeMutablePointer<Float>.allocate(capacity: c)
        defer { open.deallocate() }
        for oy in 0..<g.outH {
          let rows = g.validKernelRows(oy)
          let iy0 = oy * g.strideH - g.padTop
          for ox in 0..<g.outW {
            let cols = g.validKernelCols(ox)
            let ix0 = ox * g.strideW - g.padLeft
            let o = (oy * g.outW + ox) * c
            let grad = dys + o
            switch kind {
            case .max:
              // The first cell (row-major) equal to the window's maximum takes the gradient.
              let best = maxima + o
              for ch in c0..<c1 { open[ch] = 1 }
              for ky in rows {
                for kx in cols {
                  let i = ((iy0 + ky) * g.input.width + ix0 + kx) * c
                  let xs = src + i
                  let d = dst + i
                  for ch in c0..<c1 {
                    let hit: Float = xs[ch] == best[ch] ? open[ch] : 0
                    d[ch] += hit * grad[ch]
                    open[ch] -= hit
                  }
                }
              }
            case .average:
              let inv = 1 / Float(rows.count * cols.count)
              for ky in rows {
                for kx in cols {
                  let d = dst + ((iy0 + ky) * g.input.width + ix0 + kx) * c
                  for ch in c0..<c1 { d[ch] += grad[ch] * inv }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: x.shape, storage: dx)
  }
}
