import DreamVocabulary
import Foundation

/// A problem reading, decoding, encoding or writing an image file. Each case names the file
/// (`file` is the path or name the caller gave) and its `description` is one line that says what is
/// wrong and what to do, e.g.
/// `frame.jpg: corrupt JPEG data: premature end of JPEG file (the file is truncated or damaged; re-export it)`.
public enum ImageCodecError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// The file has no bytes at all.
  case emptyFile(file: String)
  /// The first bytes are neither a PNG signature nor a JPEG SOI marker; `signature` describes them.
  case notAnImage(file: String, signature: String)
  /// The header declares a width or height of zero (decoding), or the image to encode has none.
  case noPixels(file: String, width: Int, height: Int)
  /// The header declares more than `ImageCodec.maximumSide` pixels per side or
  /// `ImageCodec.maximumPixels` in all; rejected before any pixel memory is allocated.
  case tooLarge(file: String, width: Int, height: Int)
  /// The data is truncated or damaged; `detail` is the decoder's finding.
  case corrupt(file: String, kind: ImageFileKind, detail: String)
  /// A valid file of a variant the codecs cannot convert to RGB.
  case unsupported(file: String, kind: ImageFileKind, detail: String)
  /// Memory for the pixels could not be allocated.
  case outOfMemory(file: String, width: Int, height: Int)
  /// The file could not be read (missing, a directory, no permission, ...).
  case unreadable(file: String, reason: String)
  /// The file could not be written (missing folder, no permission, disk full, ...).
  case unwritable(file: String, reason: String)
  /// An output path whose extension names no known image format.
  case unknownExtension(file: String)
  /// A JPEG quality outside 1...100.
  case invalidQuality(file: String, quality: Int)

  public var description: String {
    switch self {
    case .emptyFile(let file):
      return "\(file): the file is empty (0 bytes); re-export it or use another image"
    case .notAnImage(let file, let signature):
      return "\(file): not a PNG or JPEG image (starts with \(signature)); convert it to PNG or JPEG"
    case .noPixels(let file, let width, let height):
      return "\(file): the image is \(width)x\(height) pixels (no pixels); use an image of at least 1x1"
    case .tooLarge(let file, let width, let height):
      return "\(file): the image is \(width)x\(height) pixels, over the limit of "
        + "\(ImageCodec.maximumSide) pixels per side and \(ImageCodec.maximumPixels) pixels; "
        + "scale it down first"
    case .corrupt(let file, let kind, let detail):
      return "\(file): corrupt \(kind.displayName) data: \(detail) "
        + "(the file is truncated or damaged; re-export it)"
    case .unsupported(let file, let kind, let detail):
      return "\(file): unsupported \(kind.displayName) image: \(detail); convert it to an RGB PNG or JPEG"
    case .outOfMemory(let file, let width, let height):
      return "\(file): out of memory for a \(width)x\(height) image; free memory or use a smaller image"
    case .unreadable(let file, let reason):
      return "\(file): cannot read the file: \(reason); check the path and its permissions"
    case .unwritable(let file, let reason):
      return "\(file): cannot write the file: \(reason); check that its folder exists and is writable"
    case .unknownExtension(let file):
      return "\(file): unknown image extension; use .png, .jpg or .jpeg"
    case .invalidQuality(let file, let quality):
      return "\(file): JPEG quality \(quality) is out of range; use a quality from 1 to 100"
    }
  }

  public var errorDescription: String? { description }
}

extension ImageCodecError {
  /// Normalises a libpng/libjpeg message for embedding after "corrupt X data: ": drops libjpeg's
  /// own "Corrupt JPEG data: " prefix and lower-cases a leading capital that starts an ordinary
  /// word (acronyms such as "IDAT" stay as they are).
  static func decoderDetail(_ message: String) -> String {
    var text = Substring(message.trimmingCharacters(in: .whitespacesAndNewlines))
    let libjpegPrefix = "Corrupt JPEG data: "
    if text.hasPrefix(libjpegPrefix) { text = text.dropFirst(libjpegPrefix.count) }
    guard let first = text.first, first.isUppercase else {
      return text.isEmpty ? "unknown decoder error" : String(text)
    }
    let second = text.dropFirst().first
    if let second, second.isUppercase || second.isNumber { return String(text) }
    return first.lowercased() + text.dropFirst()
  }
}
