/// A float RGB image, the unit every image operation and dream algorithm works on.
///
/// Layout: `pixels` is row-major HWC (height x width x 3, RGB interleaved), values nominally
/// 0...255 (the networks' input range); operations may leave values outside that range until a
/// `clip` step or an encoder clamps them.
public struct RGBImage: Equatable, Sendable {
  public let width: Int
  public let height: Int
  /// height * width * 3 floats, row-major, RGB interleaved.
  public var pixels: [Float]

  public init(width: Int, height: Int, pixels: [Float]) {
    precondition(width >= 0 && height >= 0, "RGBImage: negative size \(width)x\(height)")
    precondition(
      pixels.count == width * height * 3,
      "RGBImage: \(pixels.count) values for \(width)x\(height)x3")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// An image filled with one value in every channel.
  public init(width: Int, height: Int, fill: Float = 0) {
    self.init(width: width, height: height, pixels: [Float](repeating: fill, count: width * height * 3))
  }

  public var pixelCount: Int { width * height }

  /// True when no value is infinite or NaN (a huge tint or step can overflow Float32).
  public var isFinite: Bool {
    pixels.withUnsafeBufferPointer { values in
      var finite = true
      for value in values where !value.isFinite {
        finite = false
        break
      }
      return finite
    }
  }

  /// The value of channel `c` at column `x`, row `y`.
  @inlinable public subscript(x: Int, y: Int, c: Int) -> Float {
    get { pixels[(y * width + x) * 3 + c] }
    set { pixels[(y * width + x) * 3 + c] = newValue }
  }
}
