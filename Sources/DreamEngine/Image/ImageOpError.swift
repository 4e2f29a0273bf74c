/// A user mistake in the parameters of an image operation (a recipe step's values).
///
/// The engine does not know recipe files; the caller (the recipe executor) prefixes the message
/// with the step's `file:line:column`.
public enum ImageOpError: Error, Equatable, CustomStringConvertible {
  /// A target size that is zero or negative.
  case invalidSize(operation: String, width: Int, height: Int)
  /// A crop rectangle that does not lie inside the image.
  case cropOutOfBounds(x: Int, y: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int)
  /// A zoom factor that is not finite or not greater than 0.
  case invalidZoomFactor(Double)
  /// Edge trims that leave no pixel (or are negative).
  case invalidTrim(EdgeTrim, imageWidth: Int, imageHeight: Int)
  /// A negative or non-finite blur sigma.
  case invalidSigma(Double)
  /// Two images of different sizes given to an operation that needs equal sizes.
  case sizeMismatch(operation: String, firstWidth: Int, firstHeight: Int, secondWidth: Int, secondHeight: Int)
  /// A clip range whose lower bound is above its upper bound, or not finite.
  case invalidRange(lower: Float, upper: Float)
  /// A transform whose zoom is not > 0, or with a value that is not finite.
  case invalidTransform(zoom: Double, rotate: Double, dx: Double, dy: Double)
  /// A colour-match strength outside 0...1.
  case invalidStrength(Double)

  public var description: String {
    switch self {
    case .invalidSize(let operation, let width, let height):
      return
        "\(operation): target size \(width)x\(height) is not positive; give a width and height of at least 1"
    case .cropOutOfBounds(let x, let y, let width, let height, let imageWidth, let imageHeight):
      return
        "crop: rectangle x=\(x) y=\(y) \(width)x\(height) does not fit inside the \(imageWidth)x\(imageHeight) image; "
        + "choose a rectangle inside the image"
    case .invalidZoomFactor(let factor):
      return
        "zoom: factor \(factor) is not supported; use a finite factor > 0 (1.01 zooms in by 1%, 0.99 zooms out by 1%)"
    case .invalidTrim(let trim, let imageWidth, let imageHeight):
      return
        "zoom-trim: trims top \(trim.top) bottom \(trim.bottom) left \(trim.left) right \(trim.right) "
        + "leave no pixel of the \(imageWidth)x\(imageHeight) image; use non-negative trims smaller than the image"
    case .invalidSigma(let sigma):
      return "blur: sigma \(sigma) is not valid; use a finite sigma >= 0"
    case .sizeMismatch(let operation, let w1, let h1, let w2, let h2):
      return "\(operation): images differ in size (\(w1)x\(h1) vs \(w2)x\(h2)); resize one of them first"
    case .invalidRange(let lower, let upper):
      return "clip: range \(lower)...\(upper) is empty or not finite; give lower <= upper"
    case .invalidTransform(let zoom, let rotate, let dx, let dy):
      return "transform: zoom \(zoom), rotate \(rotate), translate [\(dx), \(dy)] cannot be applied; "
        + "use a finite zoom > 0 and finite angles and offsets"
    case .invalidStrength(let strength):
      return "match-colors: strength \(strength) is not in 0...1"
    }
  }
}
