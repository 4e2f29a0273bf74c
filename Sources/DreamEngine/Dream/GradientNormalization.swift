/// How a dream algorithm scales its (smoothed) gradient into the step it adds to the image.
public enum GradientNormalization: Sendable, Equatable {
  /// `g * step / (std(g) + 1e-8)`: the classic algorithm's rule.
  case standardDeviation
  /// `g * step / mean(|g|)` (an all-zero gradient gives no step): the Caffe notebook's rule.
  case meanAbsolute
  /// The TensorFlow DeepDream notebook's `lap_normalize`: the gradient is split into a Laplacian
  /// pyramid of `levels` levels (5x5 binomial kernel, stride 2, zero padding as TensorFlow's
  /// `SAME`), every level is divided by its root mean square (at least 1e-10), the pyramid is
  /// merged back and multiplied by `step`. Large smooth structures then get as much of the step as
  /// fine texture does.
  case laplacian(levels: Int)

  /// The largest pyramid a recipe may ask for (a 4096-pixel side halves to 1 pixel in 12 levels).
  public static let maximumLevels = 12
}

extension ImageOps {
  /// Laplacian-pyramid normalisation of `image` (see ``GradientNormalization/laplacian(levels:)``).
  /// Every channel is processed on its own, in a fixed order, so the result does not depend on the
  /// thread count.
  public func laplacianNormalized(_ image: RGBImage, levels: Int) -> RGBImage {
    precondition(levels >= 1, "laplacianNormalized: levels must be >= 1, got \(levels)")
    // Split: level k's low-pass is the binomial blur of the previous one, subsampled by 2; its
    // high-pass is what the low-pass, upsampled again, misses.
    var planes = LaplacianPlanes(image)
    var highs: [LaplacianPlanes] = []
    for _ in 1..<levels {
      guard planes.width > 1 || planes.height > 1 else { break }
      let low = planes.downsampled()
      let up = low.upsampled(toWidth: planes.width, height: planes.height)
      highs.append(planes.subtracting(up))
      planes = low
    }
    // Normalise every level, then merge from the smallest up.
    var merged = planes.dividedByRootMeanSquare()
    for high in highs.reversed() {
      merged = merged.upsampled(toWidth: high.width, height: high.height)
        .adding(high.dividedByRootMeanSquare())
    }
    return merged.image
  }
}

/// An image as three planes of one channel each, for the pyramid's separable filters.
struct LaplacianPlanes {
  let width: Int
  let height: Int
  /// 3 planes of height x width values.
  var values: [[Float]]

  /// The binomial kernel [1, 4, 6, 4, 1] / 16 (its outer product is the notebook's `k5x5`).
  static let kernel: [Float] = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16]

  init(width: Int, height: Int, values: [[Float]]) {
    self.width = width
    self.height = height
    self.values = values
  }

  init(_ image: RGBImage) {
    var planes = [[Float]](repeating: [Float](repeating: 0, count: image.pixelCount), count: 3)
    for i in 0..<image.pixelCount {
      for c in 0..<3 { planes[c][i] = image.pixels[i * 3 + c] }
    }
    self.init(width: image.width, height: image.height, values: planes)
  }

  var image: RGBImage {
    var pixels = [Float](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      for c in 0..<3 { pixels[i * 3 + c] = values[c][i] }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// TensorFlow's `SAME` padding before the first element for a stride-2, 5-tap filter over `n`.
  static func padBefore(_ n: Int) -> Int {
    let out = (n + 1) / 2
    return max((out - 1) * 2 + 5 - n, 0) / 2
  }

  /// Stride-2 binomial filter along one axis (zero padding): `count` values become
  /// (count + 1) / 2.
  static func down(_ input: [Float], count: Int) -> [Float] {
    let out = (count + 1) / 2
    let pad = padBefore(count)
    var result = [Float](repeating: 0, count: out)
    for i in 0..<out {
      var sum: Float = 0
      for a in 0..<5 {
        let j = 2 * i + a - pad
        if j >= 0 && j < count { sum += kernel[a] * input[j] }
      }
      result[i] = sum
    }
    return result
  }

  /// The transpose of ``down(_:count:)`` times 2 (per axis; 4 over both, as the notebook's
  /// `conv2d_transpose` with `k5x5 * 4`): `input` of (count + 1) / 2 values becomes `count`.
  static func up(_ input: [Float], count: Int) -> [Float] {
    let pad = padBefore(count)
    var result = [Float](repeating: 0, count: count)
    for (i, value) in input.enumerated() {
      for a in 0..<5 {
        let j = 2 * i + a - pad
        if j >= 0 && j < count { result[j] += 2 * kernel[a] * value }
      }
    }
    return result
  }

  /// Filters every row to `newWidth` values, then every column to `newHeight`, in each plane.
  /// `filter(input, outputCount)` is a 1-D filter.
  private func separable(
    width newWidth: Int, height newHeight: Int, _ filter: ([Float], Int) -> [Float]
  ) -> LaplacianPlanes {
    let planes = values.map { plane -> [Float] in
      var rows = [Float](repeating: 0, count: height * newWidth)
      for y in 0..<height {
        let filtered = filter(Array(plane[(y * width)..<((y + 1) * width)]), newWidth)
        for x in 0..<newWidth { rows[y * newWidth + x] = filtered[x] }
      }
      var out = [Float](repeating: 0, count: newHeight * newWidth)
      var column = [Float](repeating: 0, count: height)
      for x in 0..<newWidth {
        for y in 0..<height { column[y] = rows[y * newWidth + x] }
        let filtered = filter(column, newHeight)
        for y in 0..<newHeight { out[y * newWidth + x] = filtered[y] }
      }
      return out
    }
    return LaplacianPlanes(width: newWidth, height: newHeight, values: planes)
  }

  func downsampled() -> LaplacianPlanes {
    separable(width: (width + 1) / 2, height: (height + 1) / 2) { input, _ in
      Self.down(input, count: input.count)
    }
  }

  /// Upsamples a level whose next larger level is `largeWidth` x `largeHeight`.
  func upsampled(toWidth largeWidth: Int, height largeHeight: Int) -> LaplacianPlanes {
    precondition((largeWidth + 1) / 2 == width && (largeHeight + 1) / 2 == height, "pyramid sizes")
    return separable(width: largeWidth, height: largeHeight) { Self.up($0, count: $1) }
  }

  func subtracting(_ other: LaplacianPlanes) -> LaplacianPlanes {
    combined(other) { $0 - $1 }
  }

  func adding(_ other: LaplacianPlanes) -> LaplacianPlanes {
    combined(other) { $0 + $1 }
  }

  private func combined(_ other: LaplacianPlanes, _ f: (Float, Float) -> Float) -> LaplacianPlanes {
    precondition(width == other.width && height == other.height, "pyramid level sizes differ")
    let planes = (0..<3).map { c in zip(values[c], other.values[c]).map(f) }
    return LaplacianPlanes(width: width, height: height, values: planes)
  }

  /// Every value divided by the root mean square of all (the notebook's `normalize_std`).
  func dividedByRootMeanSquare() -> LaplacianPlanes {
    var sum = 0.0
    var count = 0
    for plane in values {
      for v in plane { sum += Double(v) * Double(v) }
      count += plane.count
    }
    let rms = max((sum / Double(max(count, 1))).squareRoot(), 1e-10)
    let scale = Float(1 / rms)
    return LaplacianPlanes(width: width, height: height, values: values.map { $0.map { $0 * scale } })
  }
}

extension ImageOps {
  /// The gradient of the squared total variation, 0.5 * the sum over horizontally and vertically
  /// adjacent pixel pairs of their squared difference, per channel: for each value, the sum over
  /// its (up to 4) neighbours of (value - neighbour). Subtracting `w` times it is one step of heat
  /// diffusion, stable for `w` <= 0.25.
  public func totalVariationGradient(_ image: RGBImage) -> RGBImage {
    let w = image.width
    let h = image.height
    let rowLength = w * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let input = UncheckedSendable(src)
      return rows.makeArray(rows: h, rowLength: rowLength) { range, out in
        for y in range {
          for x in 0..<w {
            let i = y * rowLength + x * 3
            for c in 0..<3 {
              let v = input.value[i + c]
              var g: Float = 0
              if x > 0 { g += v - input.value[i + c - 3] }
              if x < w - 1 { g += v - input.value[i + c + 3] }
              if y > 0 { g += v - input.value[i + c - rowLength] }
              if y < h - 1 { g += v - input.value[i + c + rowLength] }
              out[i + c] = g
            }
          }
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: pixels)
  }
}

extension DreamRunContext {
  /// One ascent step, in place: `image += factor * direction - totalVariation * tvGradient(image)`
  /// where `direction` and `factor` come from `gradient` by `normalization` and `step`; then,
  /// when `clip`, every value is clamped to 0...255.
  func ascend(
    _ image: inout RGBImage, gradient: RGBImage, step: Float, normalization: GradientNormalization,
    totalVariation: Float, clip: Bool
  ) {
    let direction: RGBImage
    let factor: Float
    switch normalization {
    case .standardDeviation:
      direction = gradient
      factor = Float(Double(step) / (ops.standardDeviation(gradient) + 1e-8))
    case .meanAbsolute:
      direction = gradient
      let meanAbs = ops.meanAbsoluteValue(gradient)
      // An all-zero gradient (e.g. a dead ReLU layer) gives no step instead of a NaN.
      factor = meanAbs > 0 ? Float(Double(step) / meanAbs) : 0
    case .laplacian(let levels):
      direction = ops.laplacianNormalized(gradient, levels: levels)
      factor = step
    }
    let tvGradient = totalVariation > 0 ? ops.totalVariationGradient(image).pixels : []
    let rowLength = image.width * 3
    direction.pixels.withUnsafeBufferPointer { d in
      tvGradient.withUnsafeBufferPointer { t in
        let ds = UncheckedSendable(d)
        let ts = UncheckedSendable(t)
        ops.rows.update(&image.pixels, rows: image.height) { range, out in
          for i in (range.lowerBound * rowLength)..<(range.upperBound * rowLength) {
            var v = out[i] + factor * ds.value[i]
            if totalVariation > 0 { v -= totalVariation * ts.value[i] }
            if clip {
              let a = v > 0 ? v : 0
              v = a < 255 ? a : 255
            }
            out[i] = v
          }
        }
      }
    }
  }
}
