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
  /// Memory: the result plus one image-sized temporary (the height pass), whatever the count.
  func blurSum(_ image: RGBImage, sigmas: [(Double, Double, Double)]) -> RGBImage {
    let w = image.width
    let h = image.height
    let rowLength = w * 3
    var output = [Float](repeating: 0, count: h * rowLength)
    var temp = [Float]()
    for (index, (sy, sx, sc)) in sigmas.enumerated() {
      let ky = sy > 1e-15 ? GaussianKernel(sigma: sy) : nil
      let kx = sx > 1e-15 ? GaussianKernel(sigma: sx) : nil
      let mc = sc > 1e-15 ? GaussianKernel(sigma: sc).channelMatrix : nil
      if let ky {
        if temp.count != h * rowLength { temp = [Float](repeating: 0, count: h * rowLength) }
        image.pixels.withUnsafeBufferPointer { src in
          let s = UncheckedSendable(src)
          rows.update(&temp, rows: h) { range, out in
            verticalPass(s.value, out: out, rows: range, height: h, rowLength: rowLength, kernel: ky)
          }
        }
      }
      let source = ky == nil ? image.pixels : temp
      let accumulate = index > 0
      source.withUnsafeBufferPointer { src in
        let s = UncheckedSendable(src)
        rows.update(&output, rows: h) { range, out in
          rowPasses(
            s.value, out: out, rows: range, width: w, kernel: kx, channelMatrix: mc, accumulate: accumulate)
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: output)
  }
}

/// Height pass for rows `rows`: out[y] = w[r] * in[y] + sum_k w[k] * (in[y - r + k] + in[y + r - k]),
/// k = 0..<r, row indices reflected (scipy's symmetric-kernel summation order).
private func verticalPass(
  _ src: UnsafeBufferPointer<Float>, out: UnsafeMutablePointer<Float>, rows: Range<Int>, height: Int,
  rowLength: Int, kernel: GaussianKernel
) {
  let r = kernel.radius
  let centre = kernel.weights[r]
  for y in rows {
    let d = y * rowLength
    let c = y * rowLength
    for i in 0..<rowLength { out[d + i] = centre * src[c + i] }
    for k in 0..<r {
      let wk = kernel.weights[k]
      let a = reflectIndex(y - r + k, count: height) * rowLength
      let b = reflectIndex(y + r - k, count: height) * rowLength
      for i in 0..<rowLength { out[d + i] += wk * (src[a + i] + src[b + i]) }
    }
  }
}

/// Width pass (optional) then channel pass (optional) for rows `rows`, writing or adding into `out`.
private func rowPasses(
  _ src: UnsafeBufferPointer<Float>, out: UnsafeMutablePointer<Float>, rows: Range<Int>, width: Int,
  kernel: GaussianKernel?, channelMatrix: [Float]?, accumulate: Bool
) {
  let rowLength = width * 3
  let r = kernel?.radius ?? 0
  var padded = [Float](repeating: 0, count: (width + 2 * r) * 3)
  var line = [Float](repeating: 0, count: rowLength)
  var mixed = [Float](repeating: 0, count: rowLength)
  for y in rows {
    let base = y * rowLength
    if let kernel {
      // padded[(x + r) * 3 + c] = src[y][reflect(x)][c] for x in -r..<width + r.
      for x in -r..<(width + r) {
        let s = base + reflectIndex(x, count: width) * 3
        let p = (x + r) * 3
        padded[p] = src[s]
        padded[p + 1] = src[s + 1]
        padded[p + 2] = src[s + 2]
      }
      let centre = kernel.weights[r]
      for i in 0..<rowLength { line[i] = centre * padded[i + r * 3] }
      for k in 0..<r {
        let wk = kernel.weights[k]
        let a = k * 3
        let b = (2 * r - k) * 3
        for i in 0..<rowLength { line[i] += wk * (padded[i + a] + padded[i + b]) }
      }
    } else {
      for i in 0..<rowLength { line[i] = src[base + i] }
    }
    if let m = channelMatrix {
      var i = 0
      while i < rowLength {
        let v0 = line[i]
        let v1 = line[i + 1]
        let v2 = line[i + 2]
        mixed[i] = m[0] * v0 + m[1] * v1 + m[2] * v2
        mixed[i + 1] = m[3] * v0 + m[4] * v1 + m[5] * v2
        mixed[i + 2] = m[6] * v0 + m[7] * v1 + m[8] * v2
        i += 3
      }
      swap(&line, &mixed)
    }
    if accumulate {
      for i in 0..<rowLength { out[base + i] += line[i] }
    } else {
      for i in 0..<rowLength { out[base + i] = line[i] }
    }
  }
}
