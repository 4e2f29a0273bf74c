internal import CKernels

/// Deterministic reductions over images (means and standard deviations used to normalise
/// gradients).
///
/// Each row is reduced in Double by one thread (in 16 interleaved partial sums, `dr_sum`), then
/// the per-row partial sums are added in row order on the calling thread: the result does not
/// depend on the thread count.
extension ImageOps {
  /// Population standard deviation of all values (numpy `np.std`, ddof 0), two-pass, in Double.
  public func standardDeviation(_ image: RGBImage) -> Double {
    let n = image.pixels.count
    guard n > 0 else { return 0 }
    let mean = sumRows(image) { p, count in dr_sum(p, count) } / Double(n)
    let squares = sumRows(image) { p, count in dr_sum_squared_deviation(p, count, mean) }
    return (squares / Double(n)).squareRoot()
  }

  /// Mean of the absolute values (the Caffe DeepDream step normaliser `np.abs(g).mean()`).
  public func meanAbsoluteValue(_ image: RGBImage) -> Double {
    let n = image.pixels.count
    guard n > 0 else { return 0 }
    return sumRows(image) { p, count in dr_sum_abs(p, count) } / Double(n)
  }

  /// Sum over rows of `rowSum(rowStart, rowLength)`, combined in row order.
  private func sumRows(
    _ image: RGBImage, _ rowSum: (UnsafePointer<Float>, Int) -> Double
  ) -> Double {
    let rowLength = image.width * 3
    var partial = [Double](repeating: 0, count: image.height)
    image.pixels.withUnsafeBufferPointer { src in
      partial.withUnsafeMutableBufferPointer { part in
        guard let base = src.baseAddress else { return }
        let s = UncheckedSendable((base, part))
        rows.forEachChunk(count: image.height) { range in
          let (base, part) = s.value
          for y in range { part[y] = rowSum(base + y * rowLength, rowLength) }
        }
      }
    }
    var total = 0.0
    for v in partial { total += v }
    return total
  }
}

/// How a frame looks in numbers, for spotting a zoom that burns out: measured on what a viewer
/// sees (every value clamped to 0...255).
public struct FrameStatistics: Sendable, Equatable, Codable {
  /// Mean of all channel values.
  public var brightness: Double
  /// Standard deviation of all channel values.
  public var contrast: Double
  /// Mean distance of (Cb, Cr) from neutral grey (BT.601 YCbCr): 0 for a grey image.
  public var chroma: Double
  /// Share of channel values within 5 of 0 or 255 (0...1).
  public var clipped: Double

  public init(brightness: Double, contrast: Double, chroma: Double, clipped: Double) {
    self.brightness = brightness
    self.contrast = contrast
    self.chroma = chroma
    self.clipped = clipped
  }
}

extension ImageOps {
  /// The ``FrameStatistics`` of `image`, summed in Double in pixel order (the same at every thread
  /// count).
  public func frameStatistics(_ image: RGBImage) -> FrameStatistics {
    let n = image.pixelCount
    guard n > 0 else { return FrameStatistics(brightness: 0, contrast: 0, chroma: 0, clipped: 0) }
    var sum = 0.0
    var squares = 0.0
    var chroma = 0.0
    var clipped = 0
    image.pixels.withUnsafeBufferPointer { p in
      for i in 0..<n {
        let r = Double(min(max(p[i * 3], 0), 255))
        let g = Double(min(max(p[i * 3 + 1], 0), 255))
        let b = Double(min(max(p[i * 3 + 2], 0), 255))
        func count(_ v: Double) {
          sum += v
          squares += v * v
          if v <= 5 || v >= 250 { clipped += 1 }
        }
        count(r)
        count(g)
        count(b)
        let cb = -0.168736 * r - 0.331264 * g + 0.5 * b
        let cr = 0.5 * r - 0.418688 * g - 0.081312 * b
        chroma += (cb * cb + cr * cr).squareRoot()
      }
    }
    let count = Double(n * 3)
    let mean = sum / count
    return FrameStatistics(
      brightness: mean, contrast: max(0, squares / count - mean * mean).squareRoot(),
      chroma: chroma / Double(n),
      clipped: Double(clipped) / count)
  }
}
