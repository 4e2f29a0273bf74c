#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Arithmetic of `ImageOps.resizeLanczos`.
public enum LanczosPrecision: Sendable, Equatable {
  /// Float throughout (input values are used as they are, no clipping).
  case float
  /// The classic's `resize_u8`: clip to 0...255, truncate to 8 bits (numpy `astype(uint8)`), then
  /// PIL's 8-bit resampler (22-bit fixed-point weights, each pass rounded and clamped to 0...255).
  /// Output values are whole numbers 0...255.
  case eightBit
}

/// PIL's Lanczos-3 weights for one axis (`precompute_coeffs` in Pillow's Resample.c), in Double.
///
/// Output index i has centre c = (i + 0.5) * scale with scale = inSize / outSize; the filter is
/// stretched by max(scale, 1) (antialiasing when shrinking), so its support is 3 * max(scale, 1);
/// taps run from int(c - support + 0.5) (>= 0) to int(c + support + 0.5) (<= inSize), weight
/// lanczos((j - c + 0.5) / max(scale, 1)), normalised to sum 1.
struct LanczosAxis {
  let outSize: Int
  /// Taps per output index (the largest count; shorter rows are zero-padded).
  let kernelSize: Int
  /// First source index of each output index.
  let start: [Int]
  /// Number of taps of each output index.
  let count: [Int]
  /// outSize * kernelSize normalised weights.
  let weights: [Double]

  init(inSize: Int, outSize: Int) {
    precondition(inSize >= 1 && outSize >= 1, "LanczosAxis: sizes \(inSize) -> \(outSize)")
    let scale = Double(inSize) / Double(outSize)
    let filterScale = max(scale, 1)
    let support = 3 * filterScale
    let kernelSize = Int(support.rounded(.up)) * 2 + 1
    var start = [Int](repeating: 0, count: outSize)
    var count = [Int](repeating: 0, count: outSize)
    var weights = [Double](repeating: 0, count: outSize * kernelSize)
    for i in 0..<outSize {
      let centre = (Double(i) + 0.5) * scale
      let lo = max(0, Int(centre - support + 0.5))
      let hi = min(inSize, Int(centre + support + 0.5))
      var total = 0.0
      for j in 0..<(hi - lo) {
        let w = Self.lanczos3((Double(j + lo) - centre + 0.5) / filterScale)
        weights[i * kernelSize + j] = w
        total += w
      }
      if total != 0 {
        for j in 0..<(hi - lo) { weights[i * kernelSize + j] /= total }
      }
      start[i] = lo
      count[i] = hi - lo
    }
    self.outSize = outSize
    self.kernelSize = kernelSize
    self.start = start
    self.count = count
    self.weights = weights
  }

  /// sinc(x) * sinc(x / 3) on [-3, 3), 0 elsewhere (PIL's `lanczos_filter`).
  static func lanczos3(_ x: Double) -> Double {
    guard x >= -3, x < 3 else { return 0 }
    return sinc(x) * sinc(x / 3)
  }

  static func sinc(_ x: Double) -> Double {
    if x == 0 { return 1 }
    let px = x * Double.pi
    return sin(px) / px
  }

  /// Weights in PIL's 8-bit fixed point: round-half-away(w * 2^22) (`normalize_coeffs_8bpc`).
  var fixedPointWeights: [Int32] {
    weights.map { w in
      let scaled = w * Double(1 << LanczosAxis.precisionBits)
      return Int32(w < 0 ? scaled - 0.5 : scaled + 0.5)
    }
  }

  static let precisionBits = 22
}

extension ImageOps {
  /// Lanczos (a = 3) resize to `width` x `height`, matching PIL's `Image.resize(size, LANCZOS)`:
  /// the same weights (see `LanczosAxis`), horizontal pass first, then vertical; a pass is skipped
  /// when its size does not change (as PIL does; it would be the identity anyway).
  ///
  /// `.float` equals PIL on mode "F" images up to float rounding; `.eightBit` equals PIL on 8-bit
  /// RGB images exactly (the classic's resizes between octaves).
  public func resizeLanczos(
    _ image: RGBImage, width: Int, height: Int, precision: LanczosPrecision = .float
  ) throws -> RGBImage {
    guard width >= 1, height >= 1 else {
      throw ImageOpError.invalidSize(operation: "resize", width: width, height: height)
    }
    guard image.width >= 1, image.height >= 1 else {
      throw ImageOpError.invalidSize(
        operation: "resize (source image)", width: image.width, height: image.height)
    }
    switch precision {
    case .float:
      var current = image
      if width != image.width {
        current = lanczosHorizontalFloat(current, axis: LanczosAxis(inSize: image.width, outSize: width))
      }
      if height != image.height {
        current = lanczosVerticalFloat(current, axis: LanczosAxis(inSize: image.height, outSize: height))
      }
      return current
    case .eightBit:
      // Clip, then truncate (numpy astype(uint8)); NaN becomes 0.
      var bytes = [UInt8](repeating: 0, count: image.pixels.count)
      image.pixels.withUnsafeBufferPointer { src in
        bytes.withUnsafeMutableBufferPointer { dst in
          for i in src.indices {
            let a = src[i] > 0 ? src[i] : 0
            dst[i] = UInt8(a < 255 ? a : 255)
          }
        }
      }
      var w = image.width
      var h = image.height
      if width != w {
        bytes = lanczosPass8(
          bytes, lines: h, inSize: w, axis: LanczosAxis(inSize: w, outSize: width), horizontal: true)
        w = width
      }
      if height != h {
        bytes = lanczosPass8(
          bytes, lines: w, inSize: h, axis: LanczosAxis(inSize: h, outSize: height), horizontal: false)
        h = height
      }
      var pixels = [Float](repeating: 0, count: bytes.count)
      bytes.withUnsafeBufferPointer { src in
        pixels.withUnsafeMutableBufferPointer { dst in
          for i in src.indices { dst[i] = Float(src[i]) }
        }
      }
      return RGBImage(width: w, height: h, pixels: pixels)
    }
  }

  private func lanczosHorizontalFloat(_ image: RGBImage, axis: LanczosAxis) -> RGBImage {
    let k = axis.weights.map { Float($0) }
    let ks = axis.kernelSize
    let outWidth = axis.outSize
    let srcStride = image.width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      k.withUnsafeBufferPointer { kp in
        let s = UncheckedSendable((src, kp))
        return rows.makeArray(rows: image.height, rowLength: outWidth * 3) { range, out in
          let (src, kp) = s.value
          for y in range {
            let row = y * srcStride
            let d = y * outWidth * 3
            for x in 0..<outWidth {
              var r: Float = 0
              var g: Float = 0
              var b: Float = 0
              let p = row + axis.start[x] * 3
              let kb = x * ks
              for j in 0..<axis.count[x] {
                let w = kp[kb + j]
                r += w * src[p + j * 3]
                g += w * src[p + j * 3 + 1]
                b += w * src[p + j * 3 + 2]
              }
              out[d + x * 3] = r
              out[d + x * 3 + 1] = g
              out[d + x * 3 + 2] = b
            }
          }
        }
      }
    }
    return RGBImage(width: outWidth, height: image.height, pixels: pixels)
  }

  private func lanczosVerticalFloat(_ image: RGBImage, axis: LanczosAxis) -> RGBImage {
    let k = axis.weights.map { Float($0) }
    let ks = axis.kernelSize
    let rowLength = image.width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let s = UncheckedSendable(src)
      return rows.makeArray(rows: axis.outSize, rowLength: rowLength) { range, out in
        let src = s.value
        for y in range {
          let d = y * rowLength
          for i in 0..<rowLength { out[d + i] = 0 }
          for j in 0..<axis.count[y] {
            let w = k[y * ks + j]
            let p = (axis.start[y] + j) * rowLength
            for i in 0..<rowLength { out[d + i] += w * src[p + i] }
          }
        }
      }
    }
    return RGBImage(width: image.width, height: axis.outSize, pixels: pixels)
  }

  /// One PIL 8-bit pass over `lines` lines of `inSize` RGB pixels each. Horizontal: lines are rows
  /// (HWC, pixels adjacent). Vertical: lines are columns (stride = row length). Per value:
  /// clamp((2^21 + sum(w_fixed * v)) >> 22, 0, 255).
  private func lanczosPass8(
    _ input: [UInt8], lines: Int, inSize: Int, axis: LanczosAxis, horizontal: Bool
  ) -> [UInt8] {
    let k = axis.fixedPointWeights
    let ks = axis.kernelSize
    let outSize = axis.outSize
    let half = Int32(1 << (LanczosAxis.precisionBits - 1))
    let shift = Int32(LanczosAxis.precisionBits)
    // Output layout: horizontal -> lines x outSize x 3; vertical -> outSize x lines x 3.
    var output = [UInt8](repeating: 0, count: lines * outSize * 3)
    let outRows = horizontal ? lines : outSize
    let outRowLength = (horizontal ? outSize : lines) * 3
    input.withUnsafeBufferPointer { src in
      output.withUnsafeMutableBufferPointer { dst in
        let s = UncheckedSendable((src, dst))
        rows.forEachChunk(count: outRows) { range in
          let (src, dst) = s.value
          for r in range {
            for col in 0..<(outRowLength / 3) {
              // (line, output index along the axis) of this output pixel.
              let (line, o) = horizontal ? (r, col) : (col, r)
              var acc: (Int32, Int32, Int32) = (half, half, half)
              for j in 0..<axis.count[o] {
                let w = k[o * ks + j]
                let i = axis.start[o] + j
                let p = horizontal ? (line * inSize + i) * 3 : (i * lines + line) * 3
                acc.0 &+= Int32(src[p]) &* w
                acc.1 &+= Int32(src[p + 1]) &* w
                acc.2 &+= Int32(src[p + 2]) &* w
              }
              let d = r * outRowLength + col * 3
              dst[d] = Self.clip8(acc.0 >> shift)
              dst[d + 1] = Self.clip8(acc.1 >> shift)
              dst[d + 2] = Self.clip8(acc.2 >> shift)
            }
          }
        }
      }
    }
    return output
  }

  private static func clip8(_ v: Int32) -> UInt8 {
    UInt8(v < 0 ? 0 : (v > 255 ? 255 : v))
  }
}
