/// The mean and covariance of an image's RGB values, what ``ImageOps/matchColors(_:to:strength:)``
/// transfers.
public struct ColorStatistics: Sendable, Equatable {
  public let mean: [Double]
  /// Row-major 3x3, population covariance.
  public let covariance: [Double]

  /// Sums in Double, row by row in order, on the calling thread: the same bits at every thread
  /// count.
  public init(of image: RGBImage) {
    let n = Double(max(image.pixelCount, 1))
    var sum = [Double](repeating: 0, count: 3)
    var products = [Double](repeating: 0, count: 9)
    image.pixels.withUnsafeBufferPointer { p in
      for i in 0..<image.pixelCount {
        for a in 0..<3 {
          let va = Double(p[i * 3 + a])
          sum[a] += va
          for b in a..<3 { products[a * 3 + b] += va * Double(p[i * 3 + b]) }
        }
      }
    }
    let mean = sum.map { $0 / n }
    var covariance = [Double](repeating: 0, count: 9)
    for a in 0..<3 {
      for b in a..<3 {
        let value = products[a * 3 + b] / n - mean[a] * mean[b]
        covariance[a * 3 + b] = value
        covariance[b * 3 + a] = value
      }
    }
    self.mean = mean
    self.covariance = covariance
  }
}

extension ImageOps {
  /// BT.601 luma weights (as JPEG's YCbCr): Y = 0.299 R + 0.587 G + 0.114 B.
  static let lumaWeights: (Float, Float, Float) = (0.299, 0.587, 0.114)

  /// The luminance of `dreamed` with the colours of `original`: in YCbCr (BT.601, full range) Y
  /// comes from `dreamed` and Cb, Cr from `original`. The conversion is linear and a change of Y
  /// alone moves R, G and B equally, so this is `original + (Y(dreamed) - Y(original))` per channel.
  public func keepingColors(of original: RGBImage, luminanceOf dreamed: RGBImage) throws -> RGBImage {
    guard original.width == dreamed.width, original.height == dreamed.height else {
      throw ImageOpError.sizeMismatch(
        operation: "colors", firstWidth: original.width, firstHeight: original.height,
        secondWidth: dreamed.width, secondHeight: dreamed.height)
    }
    let (wr, wg, wb) = Self.lumaWeights
    let rowLength = original.width * 3
    let pixels = original.pixels.withUnsafeBufferPointer { o in
      dreamed.pixels.withUnsafeBufferPointer { d in
        let os = UncheckedSendable(o)
        let ds = UncheckedSendable(d)
        return rows.makeArray(rows: original.height, rowLength: rowLength) { range, out in
          var i = range.lowerBound * rowLength
          while i < range.upperBound * rowLength {
            let o = os.value
            let d = ds.value
            let change =
              (wr * d[i] + wg * d[i + 1] + wb * d[i + 2]) - (wr * o[i] + wg * o[i + 1] + wb * o[i + 2])
            out[i] = o[i] + change
            out[i + 1] = o[i + 1] + change
            out[i + 2] = o[i + 2] + change
            i += 3
          }
        }
      }
    }
    return RGBImage(width: original.width, height: original.height, pixels: pixels)
  }

  /// The image with the colour mean and covariance of `reference`, mixed with itself:
  /// `out = (1 - strength) x + strength (A (x - mean) + reference mean)` with
  /// A = C_ref^(1/2) C^(-1/2) (symmetric square roots; C gets 1 added to its diagonal so that a
  /// flat image is not blown up). Strength 0 returns the image unchanged.
  public func matchColors(_ image: RGBImage, to reference: ColorStatistics, strength: Double) throws
    -> RGBImage
  {
    guard strength.isFinite, strength >= 0, strength <= 1 else {
      throw ImageOpError.invalidStrength(strength)
    }
    if strength == 0 { return image }
    let source = ColorStatistics(of: image)
    var regularised = source.covariance
    for a in 0..<3 { regularised[a * 4] += 1 }
    let a = Matrix3.multiply(
      SymmetricRoots(reference.covariance).root, SymmetricRoots(regularised).inverseRoot)
    // out = M x + b with M = (1 - s) I + s A, b = s (mean_ref - A mean).
    var m = [Float](repeating: 0, count: 9)
    var b = [Float](repeating: 0, count: 3)
    for r in 0..<3 {
      var shifted = reference.mean[r]
      for c in 0..<3 {
        m[r * 3 + c] = Float(strength * a[r * 3 + c] + (r == c ? 1 - strength : 0))
        shifted -= a[r * 3 + c] * source.mean[c]
      }
      b[r] = Float(strength * shifted)
    }
    let rowLength = image.width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { p in
      let ps = UncheckedSendable(p)
      return rows.makeArray(rows: image.height, rowLength: rowLength) { range, out in
        var i = range.lowerBound * rowLength
        while i < range.upperBound * rowLength {
          let x = (ps.value[i], ps.value[i + 1], ps.value[i + 2])
          for r in 0..<3 {
            out[i + r] = m[r * 3] * x.0 + m[r * 3 + 1] * x.1 + m[r * 3 + 2] * x.2 + b[r]
          }
          i += 3
        }
      }
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }
}

/// 3x3 row-major matrix helpers.
enum Matrix3 {
  static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: 9)
    for r in 0..<3 {
      for c in 0..<3 {
        var s = 0.0
        for k in 0..<3 { s += a[r * 3 + k] * b[k * 3 + c] }
        out[r * 3 + c] = s
      }
    }
    return out
  }
}

/// The square root and inverse square root of a symmetric positive semi-definite 3x3 matrix, from
/// its eigen-decomposition by cyclic Jacobi rotations (a fixed sequence of operations, so the bits
/// never depend on anything but the input). Eigenvalues below 1e-12 count as 1e-12 for the
/// inverse and 0 for the root.
struct SymmetricRoots {
  let root: [Double]
  let inverseRoot: [Double]

  init(_ matrix: [Double]) {
    var a = matrix
    var v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
    for _ in 0..<50 {
      let off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
      if off < 1e-30 { break }
      for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p * 3 + q] != 0 {
        let theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * a[p * 3 + q])
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        // a = J^T a J, v = v J for the rotation J in the (p, q) plane.
        for k in 0..<3 {
          let akp = a[k * 3 + p]
          let akq = a[k * 3 + q]
          a[k * 3 + p] = c * akp - s * akq
          a[k * 3 + q] = s * akp + c * akq
        }
        for k in 0..<3 {
          let apk = a[p * 3 + k]
          let aqk = a[q * 3 + k]
          a[p * 3 + k] = c * apk - s * aqk
          a[q * 3 + k] = s * apk + c * aqk
        }
        for k in 0..<3 {
          let vkp = v[k * 3 + p]
          let vkq = v[k * 3 + q]
          v[k * 3 + p] = c * vkp - s * vkq
          v[k * 3 + q] = s * vkp + c * vkq
        }
      }
    }
    let values = [a[0], a[4], a[8]]
    func compose(_ f: (Double) -> Double) -> [Double] {
      var out = [Double](repeating: 0, count: 9)
      for r in 0..<3 {
        for c in 0..<3 {
          var s = 0.0
          for k in 0..<3 { s += v[r * 3 + k] * f(values[k]) * v[c * 3 + k] }
          out[r * 3 + c] = s
        }
      }
      return out
    }
    root = compose { max($0, 0).squareRoot() }
    inverseRoot = compose { 1 / max($0, 1e-12).squareRoot() }
  }
}
