/// Image operations on `RGBImage` (float RGB, row-major HWC), parallel over rows.
///
/// Every operation is deterministic: each output value is computed by exactly one thread with the
/// same arithmetic whatever `threads` is, so results are bit-identical for every thread count.
/// Operations whose parameters come from recipes throw `ImageOpError`; size mismatches between
/// internal buffers are engine bugs and trap.
///
/// The resampling, blur and statistics families live in `ImageOps+*.swift`-style files next to
/// this one (`ResizeBilinear.swift`, `ResizeLanczos.swift`, `GaussianBlur.swift`,
/// `ImageStatistics.swift`).
public struct ImageOps: Sendable {
  /// Worker threads used for row-parallel loops (>= 1).
  public let threads: Int

  public init(threads: Int = 1) {
    precondition(threads >= 1, "ImageOps: threads must be >= 1, got \(threads)")
    self.threads = threads
  }

  var rows: ParallelRows { ParallelRows(threads: threads) }

  /// Adds `red`, `green`, `blue` to the three channels of every pixel (no clipping).
  public func tint(_ image: RGBImage, red: Float, green: Float, blue: Float) -> RGBImage {
    let rowLength = image.width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let input = UncheckedSendable(src)
      return rows.makeArray(rows: image.height, rowLength: rowLength) { range, out in
        for y in range {
          let base = y * rowLength
          var i = base
          while i < base + rowLength {
            out[i] = input.value[i] + red
            out[i + 1] = input.value[i + 1] + green
            out[i + 2] = input.value[i + 2] + blue
            i += 3
          }
        }
      }
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }

  /// Clamps every value into `lower...upper`; NaN becomes `lower`.
  public func clip(_ image: RGBImage, lower: Float = 0, upper: Float = 255) throws -> RGBImage {
    guard lower.isFinite, upper.isFinite, lower <= upper else {
      throw ImageOpError.invalidRange(lower: lower, upper: upper)
    }
    return map(image) { v in
      let a = v > lower ? v : lower
      return a < upper ? a : upper
    }
  }

  /// `alpha * first + (1 - alpha) * second`, per value (the classic's octave blend).
  public func blend(_ first: RGBImage, _ second: RGBImage, alpha: Float) throws -> RGBImage {
    guard first.width == second.width, first.height == second.height else {
      throw ImageOpError.sizeMismatch(
        operation: "blend", firstWidth: first.width, firstHeight: first.height,
        secondWidth: second.width, secondHeight: second.height)
    }
    let a = alpha
    let b = Float(1 - Double(alpha))
    let rowLength = first.width * 3
    let pixels = first.pixels.withUnsafeBufferPointer { p in
      second.pixels.withUnsafeBufferPointer { q in
        let x = UncheckedSendable(p)
        let y = UncheckedSendable(q)
        return rows.makeArray(rows: first.height, rowLength: rowLength) { range, out in
          for i in (range.lowerBound * rowLength)..<(range.upperBound * rowLength) {
            out[i] = a * x.value[i] + b * y.value[i]
          }
        }
      }
    }
    return RGBImage(width: first.width, height: first.height, pixels: pixels)
  }

  /// Quantises to 8-bit levels, keeping the float type: clip to 0...255, then
  /// `.truncate` (numpy `astype(uint8)` after a clip: the seed's conversion) or
  /// `.round` (to nearest, ties to even, like `np.rint`). NaN becomes 0.
  public func quantized(_ image: RGBImage, rounding: QuantizationRounding) -> RGBImage {
    switch rounding {
    case .truncate:
      return map(image) { v in
        let a = v > 0 ? v : 0
        return Float(Int32(a < 255 ? a : 255))
      }
    case .round:
      return map(image) { v in
        let a = v > 0 ? v : 0
        let c = a < 255 ? a : 255
        // Adding and removing 1.5 * 2^23 rounds to the nearest integer, ties to even.
        return (c + 12_582_912) - 12_582_912
      }
    }
  }

  /// The `width` x `height` rectangle whose top-left pixel is (`x`, `y`).
  public func crop(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
    guard width >= 1, height >= 1 else {
      throw ImageOpError.invalidSize(operation: "crop", width: width, height: height)
    }
    guard x >= 0, y >= 0, x + width <= image.width, y + height <= image.height else {
      throw ImageOpError.cropOutOfBounds(
        x: x, y: y, width: width, height: height, imageWidth: image.width, imageHeight: image.height)
    }
    return cropUnchecked(image, x: x, y: y, width: width, height: height)
  }

  /// Crop whose rectangle the caller has already checked.
  func cropUnchecked(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> RGBImage {
    precondition(
      x >= 0 && y >= 0 && width >= 0 && height >= 0 && x + width <= image.width && y + height <= image.height,
      "crop: \(width)x\(height) at (\(x), \(y)) outside \(image.width)x\(image.height)")
    let srcStride = image.width * 3
    let rowLength = width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let input = UncheckedSendable(src)
      return rows.makeArray(rows: height, rowLength: rowLength, minimumRowsPerChunk: 64) { range, out in
        for r in range {
          let s = (y + r) * srcStride + x * 3
          let d = r * rowLength
          for i in 0..<rowLength { out[d + i] = input.value[s + i] }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// The image shifted cyclically by `dx` columns right and `dy` rows down (numpy `roll`):
  /// output(x, y) = input((x - dx) mod width, (y - dy) mod height).
  public func rolled(_ image: RGBImage, dx: Int, dy: Int) -> RGBImage {
    let w = image.width
    let h = image.height
    if w == 0 || h == 0 { return image }
    let sx = ((dx % w) + w) % w
    let sy = ((dy % h) + h) % h
    let rowLength = w * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let input = UncheckedSendable(src)
      return rows.makeArray(rows: h, rowLength: rowLength, minimumRowsPerChunk: 64) { range, out in
        for y in range {
          let s = ((y - sy + h) % h) * rowLength
          let d = y * rowLength
          // Output columns sx..<w come from input columns 0..<(w - sx), and 0..<sx from (w - sx)..<w.
          let split = (w - sx) * 3
          for i in 0..<split { out[d + sx * 3 + i] = input.value[s + i] }
          for i in 0..<(sx * 3) { out[d + i] = input.value[s + split + i] }
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: pixels)
  }

  /// Applies `f` to every value (row-parallel).
  func map(_ image: RGBImage, _ f: (Float) -> Float) -> RGBImage {
    let rowLength = image.width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let input = UncheckedSendable(src)
      return rows.makeArray(rows: image.height, rowLength: rowLength) { range, out in
        for i in (range.lowerBound * rowLength)..<(range.upperBound * rowLength) {
          out[i] = f(input.value[i])
        }
      }
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }
}

/// How `ImageOps.quantized` maps a float to an 8-bit level after clipping to 0...255.
public enum QuantizationRounding: Sendable, Equatable {
  /// Toward zero, like numpy `astype(uint8)` (what the classic script does).
  case truncate
  /// To nearest, ties to even (like `np.rint`).
  case round
}
