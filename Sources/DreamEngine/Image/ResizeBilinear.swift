/// Pixel trims for `ImageOps.zoom(_:trim:)`: how many rows/columns each edge loses before the
/// remaining rectangle is resized back to the full size.
public struct EdgeTrim: Sendable, Equatable {
  public var top: Int
  public var bottom: Int
  public var left: Int
  public var right: Int

  public init(top: Int, bottom: Int, left: Int, right: Int) {
    self.top = top
    self.bottom = bottom
    self.left = left
    self.right = right
  }

  /// The classic zoom video's crop, axis swap included: rows lose 2 at the top and 1 at the
  /// bottom, columns lose 1 at the left and 2 at the right (x1.0067 vertically, x1.0038
  /// horizontally on 800x450, off-centre).
  public static let seedCrop = EdgeTrim(top: 2, bottom: 1, left: 1, right: 2)
}

/// One axis of a bilinear resampling: output index i reads source coordinate
/// `(i + 0.5) * scale + origin - 0.5`, clamped into `low...high` (source indices).
struct BilinearAxis {
  var scale: Double
  var origin: Double
  var low: Int
  var high: Int

  /// For each output index: the two source indices and the weight of the second.
  func taps(count: Int) -> (first: [Int], second: [Int], weight: [Float]) {
    var first = [Int](repeating: 0, count: count)
    var second = [Int](repeating: 0, count: count)
    var weight = [Float](repeating: 0, count: count)
    for i in 0..<count {
      var s = (Double(i) + 0.5) * scale + origin - 0.5
      s = min(max(s, Double(low)), Double(high))
      let i0 = Int(s.rounded(.down))
      first[i] = i0
      second[i] = min(i0 + 1, high)
      weight[i] = Float(s - Double(i0))
    }
    return (first, second, weight)
  }
}

extension ImageOps {
  /// Bilinear resize to `width` x `height`.
  ///
  /// Convention: half-pixel centres, as OpenCV `INTER_LINEAR` and PIL without antialiasing:
  /// output pixel i samples source coordinate `(i + 0.5) * (inSize / outSize) - 0.5`, clamped to
  /// the first/last pixel (edge replication). No antialiasing filter when shrinking (use
  /// `resizeLanczos` for that). Horizontal interpolation first, then vertical, in Float.
  public func resizeBilinear(_ image: RGBImage, width: Int, height: Int) throws -> RGBImage {
    guard width >= 1, height >= 1 else {
      throw ImageOpError.invalidSize(operation: "resize", width: width, height: height)
    }
    guard image.width >= 1, image.height >= 1 else {
      throw ImageOpError.invalidSize(
        operation: "resize (source image)", width: image.width, height: image.height)
    }
    let x = BilinearAxis(
      scale: Double(image.width) / Double(width), origin: 0, low: 0, high: image.width - 1)
    let y = BilinearAxis(
      scale: Double(image.height) / Double(height), origin: 0, low: 0, high: image.height - 1)
    return resampleBilinear(image, width: width, height: height, x: x, y: y)
  }

  /// Centred zoom by `factor` (> 0), keeping the size. Above 1 the centred region of
  /// (width / factor) x (height / factor) pixels is resized back to width x height (zoom in);
  /// below 1 the whole image is shrunk by `factor` around the centre and the border around it is
  /// filled by edge extension (every sample clamps to the first/last row and column: zoom out).
  ///
  /// The region is not rounded to whole pixels: each output pixel i (per axis, `size` pixels)
  /// samples source coordinate `size / 2 + (i + 0.5 - size / 2) / factor - 0.5` bilinearly,
  /// clamped to `0...size - 1`, so repeated small zooms stay exactly centred and isotropic, and the
  /// sampling grids of `factor` and `1 / factor` are inverse maps of each other. Factors below
  /// `1 / (2 * max(width, height))` shrink the image below one pixel; every sample but the centre
  /// already clamps there, so such factors give that factor's frame (which keeps the arithmetic
  /// finite). For integer crops (the seed's) use `zoom(_:trim:)`.
  ///
  /// - Throws: `ImageOpError.invalidZoomFactor` for a factor that is not finite or not > 0.
  public func zoom(_ image: RGBImage, factor: Double) throws -> RGBImage {
    guard factor.isFinite, factor > 0 else { throw ImageOpError.invalidZoomFactor(factor) }
    guard image.width >= 1, image.height >= 1 else {
      throw ImageOpError.invalidSize(
        operation: "zoom (source image)", width: image.width, height: image.height)
    }
    let effective = max(factor, 1 / Double(2 * max(image.width, image.height)))
    func axis(_ size: Int) -> BilinearAxis {
      let n = Double(size)
      return BilinearAxis(
        scale: 1 / effective, origin: (n - n / effective) / 2, low: 0, high: size - 1)
    }
    return resampleBilinear(
      image, width: image.width, height: image.height, x: axis(image.width), y: axis(image.height))
  }

  /// Zoom by per-edge trims: drops `trim` rows/columns at each edge, then resizes the rest back to
  /// the original size bilinearly (exactly "crop, then `resizeBilinear`", borders clamped to the
  /// cropped rectangle). `EdgeTrim.seedCrop` reproduces the classic video's crop.
  public func zoom(_ image: RGBImage, trim: EdgeTrim) throws -> RGBImage {
    let cw = image.width - trim.left - trim.right
    let ch = image.height - trim.top - trim.bottom
    guard trim.top >= 0, trim.bottom >= 0, trim.left >= 0, trim.right >= 0, cw >= 1, ch >= 1 else {
      throw ImageOpError.invalidTrim(trim, imageWidth: image.width, imageHeight: image.height)
    }
    let x = BilinearAxis(
      scale: Double(cw) / Double(image.width), origin: Double(trim.left), low: trim.left,
      high: trim.left + cw - 1)
    let y = BilinearAxis(
      scale: Double(ch) / Double(image.height), origin: Double(trim.top), low: trim.top,
      high: trim.top + ch - 1)
    return resampleBilinear(image, width: image.width, height: image.height, x: x, y: y)
  }

  /// Shared kernel: separable bilinear sampling, per output row two horizontally interpolated
  /// source rows blended vertically: out = (1 - wy) * h(y0) + wy * h(y1),
  /// h(r)[x] = (1 - wx) * src[r][x0] + wx * src[r][x1].
  func resampleBilinear(
    _ image: RGBImage, width: Int, height: Int, x: BilinearAxis, y: BilinearAxis
  ) -> RGBImage {
    let xt = x.taps(count: width)
    let yt = y.taps(count: height)
    let srcStride = image.width * 3
    let rowLength = width * 3
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      xt.first.withUnsafeBufferPointer { x0 in
        xt.second.withUnsafeBufferPointer { x1 in
          xt.weight.withUnsafeBufferPointer { wx in
            let s = UncheckedSendable((src, x0, x1, wx))
            return rows.makeArray(rows: height, rowLength: rowLength) { range, out in
              let (src, x0, x1, wx) = s.value
              var upper = [Float](repeating: 0, count: rowLength)
              var lower = [Float](repeating: 0, count: rowLength)
              func interpolateRow(_ r: Int, into row: inout [Float]) {
                let base = r * srcStride
                for i in 0..<width {
                  let a = base + x0[i] * 3
                  let b = base + x1[i] * 3
                  let w1 = wx[i]
                  let w0 = 1 - w1
                  row[i * 3] = w0 * src[a] + w1 * src[b]
                  row[i * 3 + 1] = w0 * src[a + 1] + w1 * src[b + 1]
                  row[i * 3 + 2] = w0 * src[a + 2] + w1 * src[b + 2]
                }
              }
              for r in range {
                interpolateRow(yt.first[r], into: &upper)
                interpolateRow(yt.second[r], into: &lower)
                let w1 = yt.weight[r]
                let w0 = 1 - w1
                let d = r * rowLength
                for i in 0..<rowLength { out[d + i] = w0 * upper[i] + w1 * lower[i] }
              }
            }
          }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}

/// How ``ImageOps/resized(_:width:height:fit:)`` treats a different aspect ratio.
public enum ResizeFit: Sendable, Equatable {
  /// Fill the target, keeping the aspect ratio: the centred crop of the target's aspect, resized.
  case cover
  /// Fit inside the target, keeping the aspect ratio: resized, centred on black.
  case contain
  /// Each axis scaled on its own.
  case stretch
}

extension ImageOps {
  /// `image` resized (bilinear) to `width` x `height` by `fit`. Crop and padding sizes are whole
  /// pixels, rounded to nearest, split evenly (the odd pixel goes to the bottom or right).
  public func resized(_ image: RGBImage, width: Int, height: Int, fit: ResizeFit) throws -> RGBImage {
    guard width >= 1, height >= 1 else {
      throw ImageOpError.invalidSize(operation: "resize", width: width, height: height)
    }
    guard image.width >= 1, image.height >= 1 else {
      throw ImageOpError.invalidSize(operation: "resize", width: image.width, height: image.height)
    }
    // Compare aspect ratios exactly in integers: image.width / image.height vs width / height.
    let wider = image.width * height > width * image.height
    switch fit {
    case .stretch:
      return try resizeBilinear(image, width: width, height: height)
    case .cover:
      let cropWidth =
        wider ? max(1, Int((Double(image.height) * Double(width) / Double(height)).rounded())) : image.width
      let cropHeight =
        wider ? image.height : max(1, Int((Double(image.width) * Double(height) / Double(width)).rounded()))
      let cropped = try crop(
        image, x: (image.width - cropWidth) / 2, y: (image.height - cropHeight) / 2, width: cropWidth,
        height: cropHeight)
      return try resizeBilinear(cropped, width: width, height: height)
    case .contain:
      let innerWidth =
        wider ? width : max(1, Int((Double(height) * Double(image.width) / Double(image.height)).rounded()))
      let innerHeight =
        wider ? max(1, Int((Double(width) * Double(image.height) / Double(image.width)).rounded())) : height
      let inner = try resizeBilinear(image, width: min(width, innerWidth), height: min(height, innerHeight))
      var out = RGBImage(width: width, height: height, fill: 0)
      let x0 = (width - inner.width) / 2
      let y0 = (height - inner.height) / 2
      for y in 0..<inner.height {
        let source = y * inner.width * 3
        let target = ((y0 + y) * width + x0) * 3
        for i in 0..<(inner.width * 3) { out.pixels[target + i] = inner.pixels[source + i] }
      }
      return out
    }
  }
}
