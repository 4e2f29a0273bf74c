/// A width and height in pixels: a frame, an input image, one octave of a dream.
public struct ImageSize: Sendable, Hashable, CustomStringConvertible {
  public var width: Int
  public var height: Int

  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// `800x450`.
  public var description: String { "\(width)x\(height)" }
}
