import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

/// Helpers shared by the image codec and video tests.
enum CodecTestSupport {
  /// A deterministic pseudo-random image with integer samples 0...255 (xorshift, fixed seed).
  static func noiseImage(width: Int, height: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> RGBImage {
    var state = seed
    var pixels = [Float](repeating: 0, count: width * height * 3)
    for i in pixels.indices {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      pixels[i] = Float(state % 256)
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// A smooth image (gradients plus a soft circle), which JPEG compresses well.
  static func smoothImage(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        let fx = Float(x) / Float(max(width - 1, 1))
        let fy = Float(y) / Float(max(height - 1, 1))
        let dx = fx - 0.5
        let dy = fy - 0.5
        let circle: Float = (dx * dx + dy * dy) < 0.06 ? 60 : 0
        image[x, y, 0] = (40 + 180 * fx + circle).rounded()
        image[x, y, 1] = (30 + 200 * fy).rounded()
        image[x, y, 2] = (220 - 150 * fx * fy + circle / 2).rounded()
      }
    }
    return image
  }

  /// The largest absolute difference between two images' samples.
  static func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Float {
    precondition(a.width == b.width && a.height == b.height, "maxDifference: sizes differ")
    return zip(a.pixels, b.pixels).reduce(0) { max($0, abs($1.0 - $1.1)) }
  }

  /// The mean absolute difference between two images' samples.
  static func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Float {
    precondition(a.width == b.width && a.height == b.height, "meanDifference: sizes differ")
    let total = zip(a.pixels, b.pixels).reduce(Float(0)) { $0 + abs($1.0 - $1.1) }
    return total / Float(max(a.pixels.count, 1))
  }
}

/// Asserts that `body` throws exactly `expected` and that its message is `message` (when given).
func assertCodecError(
  _ expected: ImageCodecError, message: String? = nil, file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Void
) {
  assertThrows(expected, message: message, file: file, line: line, body)
}
