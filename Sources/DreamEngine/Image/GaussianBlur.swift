internal import CKernels
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A 1-D Gaussian kernel with scipy.ndimage's rules: radius = int(truncate * sigma + 0.5) with
/// truncate 4, weights exp(-x^2 / (2 sigma^2)) for x in -radius...radius computed in Double and
/// normalised to sum 1, then stored as Float.
struct GaussianKernel {
  let radius: Int
  /// 2 * radius + 1 weights, symmetric.
  let weights: [Float]

  init(sigma: Double, truncate: Double = 4) {
    precondition(sigma > 0 && sigma.isFinite, "GaussianKernel: sigma \(sigma)")
    let radius = Int(truncate * sigma + 0.5)
    var w = [Double](repeating: 0, count: 2 * radius + 1)
    var total = 0.0
    for i in 0..<w.count {
      let x = Double(i - radius)
      w[i] = exp(-0.5 / (sigma * sigma) * x * x)
      total += w[i]
    }
    self.radius = radius
    self.weights = w.map { Float($0 / total) }
  }

  /// The same weights folded onto the 3 channels of a pixel with reflect borders:
  /// matrix[c * 3 + j] is the total weight output channel c gives input channel j.
  var channelMatrix: [Float] {
    var m = [Float](repeating: 0, count: 9)
    for c in 0..<3 {
      for k in -radius...radius {
        m[c * 3 + reflectIndex(c + k, count: 3)] += weights[k + radius]
      }
    }
    return m
  }
}

/// scipy.ndimage mode "reflect" (half-sample symmetric, `d c b a | a b c d | d c b a`), repeated
/// periodically (period 2 * count) for offsets longer than the line, as scipy extends lines.
@inline(__always)
func reflectIndex(_ i: Int, count n: Int) -> Int {
  let period = 2 * n
  var m = i % period
  if m < 0 { m += period }
  return m < n ? m : period - 1 - m
}

extension ImageOps {
  /// Spatial Gaussian blur: scipy `gaussian_filter(image, sigma=(sigmaY, sigmaX, 0))` on the HWC
  /// array (mode "reflect", truncate 4, float32 result of each 1-D pass). A sigma of 0 skips
  /// that axis, as in scipy.
  public func gaussianBlur(_ image: RGBImage, sigmaY: Double, sigmaX: Double) throws -> RGBImage {
    try checkSigma(sigmaY)
    try checkSigma(sigmaX)
    return blurSum(image, sigmas: [(sigmaY, sigmaX, 0)])
  }

  /// Spatial Gaussian blur with the same sigma on both axes (channels untouched).
  public func gaussianBlur(_ image: RGBImage, sigma: Double) throws -> RGBImage {
    try gaussianBlur(image, sigmaY: sigma, sigmaX: sigma)
  }

  /// The classic's 3-D blur: scipy `gaussian_filter(image, sigma=sigma)` on the HWC array, i.e. the
  /// same scalar sigma over height, width and the 3 channels (reflect borders on all three axes).
  public func gaussianBlur3D(_ image: RGBImage, sigma: Double) throws -> RGBImage {
    try checkSigma(sigma)
    return blurSum(image, sigmas: [(sigma, sigma, sigma)])
  }

  /// Sum of Gaussian blurs of `image` with `sigmas` (each spatial, or 3-D when `acrossChannels`),
  /// added in order in Float: the classic's gradient smoothing
  /// `gaussian_filter(g, s) + gaussian_filter(g, 2 s) + gaussian_filter(g, s / 2)`.
  public func gaussianBlurSum(_ image: RGBImage, sigmas: [Double], acrossChannels: Bool) throws -> RGBImage {
    for sigma in sigmas { try checkSigma(sigma) }
    return blurSum(image, sigmas: sigmas.map { ($0, $0, acrossChannels ? $0 : 0) })
  }

  private func checkSigma(_ sigma: Double) throws {
    guard sigma.isFinite, sigma >= 0 else { throw ImageOpError.invalidSigma(sigma) }
  }

  /// Sum of Gaussian blurs of `image`, one per (sigmaY, sigmaX, sigmaChannel) triple, added in
  /// order in Float (as numpy adds float32 arrays). Axes are filtered in scipy's order
  /// (height, width, channels); an axis whose sigma is <= 1e-15 is skipped, as scipy does.
  ///
  /// Memory: the result only. The height pass is done in bands of `bandRows` (32) rows per
  /// worker (a band buffer of that many rows), each band then goes through the width and channel
  /// passes; banding changes no arithmetic.
  func blurSum(_ image: RGBImage, sigmas: [(Double, Double, Double)]) -> RGBImage {
    let w = image.width
    let h = image.height
    let rowLength = w * 3
    let bandRows = 32
    var output = [Float](repeating: 0, count: h * rowLength)
    for (index, (sy, sx, sc)) in sigmas.enumerated() {
      let ky = sy > 1e-15 ? GaussianKernel(sigma: sy) : nil
      let kx = sx > 1e-15 ? GaussianKernel(sigma: sx) : nil
      let mc = sc > 1e-15 ? GaussianKernel(sigma: sc).channelMatrix : nil
      let accumulate = index > 0
      image.pixels.withUnsafeBufferPointer { src in
        guard let base = src.baseAddress else { return }
        let s = UncheckedSendable(base)
        rows.update(&output, rows: h) { range, out in
          guard let ky else {
            rowPasses(
              s.value, firstRow: 0, out: out, rows: range, width: w, kernel: kx, channelMatrix: mc,
              accumulate: accumulate)
            return
          }
          let band = UnsafeMutablePointer<Float>.allocate(capacity: bandRows * rowLength)
          defer { band.deallocate() }
          for b0 in stride(from: range.lowerBound, to: range.upperBound, by: bandRows) {
            let bandRange = b0..<min(b0 + bandRows, range.upperBound)
            verticalPass(s.value, into: band, rows: bandRange, height: h, rowLength: rowLength, kernel: ky)
            rowPasses(
              band, firstRow: b0, out: out, rows: bandRange, width: w, kernel: kx, channelMatrix: mc,
              accumulate: accumulate)
          }
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: output)
  }
}

/// Height pass for rows `rows`: out[y] = w[r] * in[y] + sum_k w[k] * (in[y - r + k] + in[y + r - k]),
/// k = 0..<r, row indices reflected (scipy's symmetric-kernel summation order).
///
/// Done in column strips of `verticalStrip` floats so the 2r + 1 source rows of a strip stay in
/// cache while the output row moves down; the strips change no arithmetic.
/// `into` receives rows.count rows (row y at `(y - rows.lowerBound) * rowLength`).
private func verticalPass(
  _ source: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Range<Int>, height: Int,
  rowLength: Int, kernel: GaussianKernel
) {
  let r = kernel.radius
  let centre = kernel.weights[r]
  let verticalStrip = 2048
  for s0 in stride(from: 0, to: rowLength, by: verticalStrip) {
    let length = min(verticalStrip, rowLength - s0)
    for y in rows {
      let d = out + (y - rows.lowerBound) * rowLength + s0
      let c = source + y * rowLength + s0
      for i in 0..<length { d[i] = centre * c[i] }
      var k = 0
      while k + 4 <= r {
        // Four taps per sweep; `d + t0 + t1 + t2 + t3` adds left to right, exactly as four sweeps would.
        let (w0, w1, w2, w3) = (
          kernel.weights[k], kernel.weights[k + 1], kernel.weights[k + 2], kernel.weights[k + 3]
        )
        let a0 = source + reflectIndex(y - r + k, count: height) * rowLength + s0
        let b0 = source + reflectIndex(y + r - k, count: height) * rowLength + s0
        let a1 = source + reflectIndex(y - r + k + 1, count: height) * rowLength + s0
        let b1 = source + reflectIndex(y + r - k - 1, count: height) * rowLength + s0
        let a2 = source + reflectIndex(y - r + k + 2, count: height) * rowLength + s0
        let b2 = source + reflectIndex(y + r - k - 2, count: height) * rowLength + s0
        let a3 = source + reflectIndex(y - r + k + 3, count: height) * rowLength + s0
        let b3 = source + reflectIndex(y + r - k - 3, count: height) * rowLength + s0
        dr_blur_taps4(d, a0, b0, a1, b1, a2, b2, a3, b3, w0, w1, w2, w3, length)
        k += 4
      }
      while k < r {
        let wk = kernel.weights[k]
        let a = source + reflectIndex(y - r + k, count: height) * rowLength + s0
        let b = source + reflectIndex(y + r - k, count: height) * rowLength + s0
        dr_blur_tap1(d, a, b, wk, length)
        k += 1
      }
    }
  }
}

/// Width pass (optional) then channel pass (optional) for rows `rows`, writing or adding into `out`
/// (full image, row y at y * rowLength). Source row y is at `source + (y - firstRow) * rowLength`.
private func rowPasses(
  _ source: UnsafePointer<Float>, firstRow: Int, out: UnsafeMutablePointer<Float>, rows: Range<Int>,
  width: Int, kernel: GaussianKernel?, channelMatrix: [Float]?, accumulate: Bool
) {
  let rowLength = width * 3
  let r = kernel?.radius ?? 0
  let padded = UnsafeMutablePointer<Float>.allocate(capacity: (width + 2 * r) * 3)
  let line = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
  defer {
    padded.deallocate()
    line.deallocate()
  }
  for y in rows {
    let row = source + (y - firstRow) * rowLength
    if let kernel {
      // padded[(x + r) * 3 + c] = row[reflect(x)][c] for x in -r..<width + r.
      (padded + r * 3).update(from: row, count: rowLength)
      for x in Array(-r..<0) + Array(width..<(width + r)) {
        let s = reflectIndex(x, count: width) * 3
        let p = (x + r) * 3
        padded[p] = row[s]
        padded[p + 1] = row[s + 1]
        padded[p + 2] = row[s + 2]
      }
      let centre = kernel.weights[r]
      let middle = padded + r * 3
      for i in 0..<rowLength { line[i] = centre * middle[i] }
      var k = 0
      while k + 4 <= r {
        let (w0, w1, w2, w3) = (
          kernel.weights[k], kernel.weights[k + 1], kernel.weights[k + 2], kernel.weights[k + 3]
        )
        let a = padded + k * 3
        let b = padded + (2 * r - k) * 3
        dr_blur_row_taps4(line, a, b, w0, w1, w2, w3, rowLength)
        k += 4
      }
      while k < r {
        let wk = kernel.weights[k]
        let a = padded + k * 3
        let b = padded + (2 * r - k) * 3
        dr_blur_tap1(line, a, b, wk, rowLength)
        k += 1
      }
    } else {
      line.update(from: row, count: rowLength)
    }
    if let m = channelMatrix {
      let (m0, m1, m2, m3, m4, m5, m6, m7, m8) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
      var i = 0
      while i < rowLength {
        let v0 = line[i]
        let v1 = line[i + 1]
        let v2 = line[i + 2]
        line[i] = m0 * v0 + m1 * v1 + m2 * v2
        line[i + 1] = m3 * v0 + m4 * v1 + m5 * v2
        line[i + 2] = m6 * v0 + m7 * v1 + m8 * v2
        i += 3
      }
    }
    let o = out + y * rowLength
    if accumulate {
      for i in 0..<rowLength { o[i] += line[i] }
    } else {
      o.update(from: line, count: rowLength)
    }
  }
}
