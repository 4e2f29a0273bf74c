import Foundation

/// How two 8-bit renders of the same frame differ: the numbers `dream-run check` reports per frame.
///
/// Both images hold 8-bit values (as decoded from PNG); differences are in levels per sample.
public struct ImageDifference: Sendable, Equatable {
  /// Largest absolute difference of any sample (R, G or B of a pixel), 0...255.
  public let maximum: Int
  /// Mean absolute difference over all samples.
  public let mean: Double
  /// Peak signal-to-noise ratio in dB (peak 255); infinity when the images are identical.
  public let psnr: Double
  /// Pixels where at least one channel differs.
  public let differingPixels: Int
  public let pixelCount: Int

  public var isIdentical: Bool { maximum == 0 }

  /// Compares `actual` with `reference` (same size; the caller checks sizes first).
  public init(reference: RGBImage, actual: RGBImage) {
    precondition(
      reference.width == actual.width && reference.height == actual.height,
      "ImageDifference: \(reference.width)x\(reference.height) vs \(actual.width)x\(actual.height)")
    var maximum: Float = 0
    var sum = 0.0
    var squares = 0.0
    var differing = 0
    reference.pixels.withUnsafeBufferPointer { a in
      actual.pixels.withUnsafeBufferPointer { b in
        for p in 0..<reference.pixelCount {
          var pixelDiffers = false
          for c in 0..<3 {
            let d = abs(a[p * 3 + c] - b[p * 3 + c])
            if d > 0 { pixelDiffers = true }
            maximum = max(maximum, d)
            sum += Double(d)
            squares += Double(d) * Double(d)
          }
          if pixelDiffers { differing += 1 }
        }
      }
    }
    let samples = Double(max(1, reference.pixels.count))
    self.maximum = Int(maximum.rounded())
    self.mean = sum / samples
    let mse = squares / samples
    self.psnr = mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    self.differingPixels = differing
    self.pixelCount = reference.pixelCount
  }

  /// `max 3, mean 0.012, psnr 61.2 dB, 14 px differ` (`identical` when nothing differs).
  public var summary: String {
    if isIdentical { return "identical" }
    return "max \(maximum), mean " + String(format: "%.4f", mean) + ", psnr " + String(format: "%.1f", psnr)
      + " dB, \(differingPixels) of \(pixelCount) px differ"
  }

  /// A picture of where the two images this difference measured differ: the reference in dim
  /// grey, with every differing pixel in red, brighter the larger its difference (amplified so
  /// that `maximum` is full red and any difference is at least clearly visible).
  public func image(reference: RGBImage, actual: RGBImage) -> RGBImage {
    precondition(
      reference.width == actual.width && reference.height == actual.height, "ImageDifference: sizes")
    let maximum = Float(self.maximum)
    var out = [Float](repeating: 0, count: reference.pixels.count)
    for p in 0..<reference.pixelCount {
      let r = reference.pixels[p * 3]
      let g = reference.pixels[p * 3 + 1]
      let b = reference.pixels[p * 3 + 2]
      let grey = (0.299 * r + 0.587 * g + 0.114 * b) * 0.3
      var d: Float = 0
      for c in 0..<3 { d = max(d, abs(reference.pixels[p * 3 + c] - actual.pixels[p * 3 + c])) }
      if d > 0 {
        let strength = min(1, 0.35 + 0.65 * d / max(maximum, 1))
        out[p * 3] = 255 * strength
        out[p * 3 + 1] = grey * (1 - strength)
        out[p * 3 + 2] = grey * (1 - strength)
      } else {
        out[p * 3] = grey
        out[p * 3 + 1] = grey
        out[p * 3 + 2] = grey
      }
    }
    return RGBImage(width: reference.width, height: reference.height, pixels: out)
  }
}
