import Foundation

/// Local response normalisation across channels, TensorFlow's formula:
/// `sqr_sum[c] = sum_{c' in [c-r, c+r] ∩ [0, C)} x[c']^2`, `n[c] = bias + alpha * sqr_sum[c]`,
/// `y[c] = x[c] * n[c]^-beta` (alpha is NOT divided by the window size, unlike Caffe).
/// Backward: `dx[j] = dy[j] n[j]^-beta - 2 alpha beta x[j] sum_{i: |i-j|<=r} dy[i] x[i] n[i]^(-beta-1)`.
/// Shapes: `x` and `y` are `h x w x c`.
public struct LRN: Sendable {
  public let depthRadius: Int
  public let bias: Float, alpha: Float, beta: Float

  public init(depthRadius: Int, bias: Float, alpha: Float, beta: Float) {
    self.depthRadius = depthRadius
    self.bias = bias
    self.alpha = alpha
    self.beta = beta
  }

  /// n[c] for one pixel's channel vector.
  private func norms(_ x: UnsafePointer<Float>, _ c: Int, _ n: UnsafeMutablePointer<Float>) {
    for ch in 0..<c {
      var sum: Float = 0
      for k in max(0, ch - depthRadius)...min(c - 1, ch + depthRadius) { sum += x[k] * x[k] }
      n[ch] = bias + alpha * sum
    }
  }

  public func forward(_ x: Tensor) -> Tensor {
    let c = x.shape.channels
    let y = FloatBuffer(uninitialized: x.shape.count)
    let src = x.storage.base
    let dst = y.base
    parallelChunks(x.shape.height * x.shape.width, minimumChunk: 64) { range in
      let n = UnsafeMutablePointer<Float>.allocate(capacity: c)
      defer { n.deallocate() }
      for p in range {
        let xp = src + p * c
        norms(xp, c, n)
        for ch in 0..<c { dst[p * c + ch] = xp[ch] * powf(n[ch], -beta) }
      }
    }
    return Tensor(shape: x.shape, storage: y)
  }

  public func backward(x: Tensor, dy: Tensor) -> Tensor {
    let c = x.shape.channels
    let dx = FloatBuffer(uninitialized: x.shape.count)
    let src = x.storage.base
    let g = dy.storage.base
    let dst = dx.base
    parallelChunks(x.shape.height * x.shape.width, minimumChunk: 64) { range in
      let n = UnsafeMutablePointer<Float>.allocate(capacity: c)
      let t = UnsafeMutablePointer<Float>.allocate(capacity: c)
      defer {
        n.deallocate()
        t.deallocate()
      }
      for p in range {
        let xp = src + p * c
        let gp = g + p * c
        norms(xp, c, n)
        // t[i] = dy[i] * x[i] * n[i]^(-beta-1)
        for i in 0..<c { t[i] = gp[i] * xp[i] * powf(n[i], -beta - 1) }
        for j in 0..<c {
          var sum: Float = 0
          for i in max(0, j - depthRadius)...min(c - 1, j + depthRadius) { sum += t[i] }
          dst[p * c + j] = gp[j] * powf(n[j], -beta) - 2 * alpha * beta * xp[j] * sum
        }
      }
    }
    return Tensor(shape: x.shape, storage: dx)
  }
}
