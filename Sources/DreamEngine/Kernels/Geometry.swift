/// The shape of a batch-1 NHWC tensor: height x width x channels.
public struct TensorShape: Equatable, Hashable, Sendable, CustomStringConvertible {
  public var height: Int
  public var width: Int
  public var channels: Int

  public init(height: Int, width: Int, channels: Int) {
    self.height = height
    self.width = width
    self.channels = channels
  }

  public var count: Int { height * width * channels }
  public var description: String { "\(height)x\(width)x\(channels)" }
}

/// TensorFlow's padding modes for convolutions and pools.
public enum Padding: String, Sendable {
  case same = "SAME"
  case valid = "VALID"
}

/// Where a sliding window (convolution or pool) reads its input: sizes, strides and the
/// TensorFlow padding split.
///
/// SAME: `out = ceil(n / s)`, `total = max((out - 1) * s + k - n, 0)`, `before = total / 2`
/// (floor), the extra pixel after. VALID: `out = floor((n - k) / s) + 1`, no padding.
struct WindowGeometry: Equatable, Sendable {
  let input: TensorShape
  let kernelH: Int, kernelW: Int
  let strideH: Int, strideW: Int
  let padTop: Int, padLeft: Int
  let outH: Int, outW: Int

  init(input: TensorShape, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, padding: Padding) {
    self.input = input
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.strideH = strideH
    self.strideW = strideW
    func axis(_ n: Int, _ k: Int, _ s: Int) -> (out: Int, before: Int) {
      switch padding {
      case .same:
        let out = (n + s - 1) / s
        let total = max((out - 1) * s + k - n, 0)
        return (out, total / 2)
      case .valid:
        return (n >= k ? (n - k) / s + 1 : 0, 0)
      }
    }
    (outH, padTop) = axis(input.height, kernelH, strideH)
    (outW, padLeft) = axis(input.width, kernelW, strideW)
  }

  /// True when the window reads the input exactly as a 1x1 stride-1 unpadded map (no im2col).
  var isPointwise: Bool {
    kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
  }

  /// The range of kernel rows `ky` that land inside the input for output row `oy`.
  @inline(__always) func validKernelRows(_ oy: Int) -> Range<Int> {
    let iy0 = oy * strideH - padTop
    return max(0, -iy0)..<min(kernelH, input.height - iy0)
  }

  @inline(__always) func validKernelCols(_ ox: Int) -> Range<Int> {
    let ix0 = ox * strideW - padLeft
    return max(0, -ix0)..<min(kernelW, input.width - ix0)
  }

  /// The output rows whose windows read input row `iy`.
  func windowsCovering(row iy: Int) -> Range<Int> {
    covering(iy + padTop, kernel: kernelH, stride: strideH, outputs: outH)
  }

  /// The output columns whose windows read input column `ix`.
  func windowsCovering(column ix: Int) -> Range<Int> {
    covering(ix + padLeft, kernel: kernelW, stride: strideW, outputs: outW)
  }

  /// Outputs o with o*s <= p <= o*s + k - 1, for p in padded coordinates.
  private func covering(_ p: Int, kernel k: Int, stride s: Int, outputs: Int) -> Range<Int> {
    let first = p - k + 1 <= 0 ? 0 : (p - k + 1 + s - 1) / s
    let last = min(outputs - 1, p / s)
    return first <= last ? first..<(last + 1) : 0..<0
  }
}
