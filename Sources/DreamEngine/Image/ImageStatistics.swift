/// Deterministic reductions over images (means and standard deviations used to normalise
/// gradients).
///
/// Each row is reduced in Double by one thread, then the per-row partial sums are added in row
/// order on the calling thread: the result does not depend on the thread count.
extension ImageOps {
  /// Population standard deviation of all values (numpy `np.std`, ddof 0), two-pass, in Double.
  public func standardDeviation(_ image: RGBImage) -> Double {
    let n = image.pixels.count
    guard n > 0 else { return 0 }
    let mean =
      sumRows(image) { p, count in
        var s = 0.0
        for i in 0..<count { s += Double(p[i]) }
        return s
      } / Double(n)
    let squares = sumRows(image) { p, count in
      var s = 0.0
      for i in 0..<count {
        let d = Double(p[i]) - mean
        s += d * d
      }
      return s
    }
    return (squares / Double(n)).squareRoot()
  }

  /// Mean of the absolute values (the Caffe DeepDream step normaliser `np.abs(g).mean()`).
  public func meanAbsoluteValue(_ image: RGBImage) -> Double {
    let n = image.pixels.count
    guard n > 0 else { return 0 }
    return sumRows(image) { p, count in
      var s = 0.0
      for i in 0..<count { s += Double(abs(p[i])) }
      return s
    } / Double(n)
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
