import DreamVocabulary

/// An output image format, chosen by the caller or from a file extension.
public enum ImageFormat: Equatable, Hashable, Sendable {
  /// 8-bit RGB PNG, lossless (non-interlaced, zlib level 6).
  case png
  /// Baseline JFIF JPEG, `quality` 1...100 (libjpeg's scale), accurate integer DCT, optimised
  /// Huffman tables. Chroma is subsampled 2x2 (4:2:0) unless `subsampling` is `.yuv444`.
  case jpeg(quality: Int, subsampling: JPEGSubsampling = .yuv420)

  /// The JPEG quality used when a caller does not give one.
  public static let defaultJPEGQuality = 95

  /// The format for a path's extension (case-insensitive): `.png`, or `.jpg`/`.jpeg` with
  /// `jpegQuality`. Any other extension is an `unknownExtension` error naming the path.
  public static func forPath(
    _ path: String, jpegQuality: Int = defaultJPEGQuality
  ) throws(ImageCodecError) -> ImageFormat {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: ".") else { throw .unknownExtension(file: path) }
    switch name[name.index(after: dot)...].lowercased() {
    case "png": return .png
    case "jpg", "jpeg": return .jpeg(quality: jpegQuality)
    default: throw .unknownExtension(file: path)
    }
  }

  /// The kind of file this format writes.
  public var kind: ImageFileKind {
    switch self {
    case .png: return .png
    case .jpeg: return .jpeg
    }
  }
}

/// How a JPEG encoder stores the two chroma channels.
public enum JPEGSubsampling: Equatable, Hashable, Sendable {
  /// Chroma at half resolution in both directions (libjpeg's default; smaller files).
  case yuv420
  /// Chroma at full resolution (sharper colour edges, larger files).
  case yuv444
}

/// How encoders turn float samples into 8-bit ones. Values are first clamped to 0...255 (NaN
/// becomes 0).
public enum PixelQuantization: Equatable, Hashable, Sendable {
  /// Round to the nearest integer (123.5 -> 124). The default: it halves the quantisation error.
  case round
  /// Drop the fraction (123.9 -> 123), as the classic script's `astype(uint8)` did.
  case truncate
}

/// The kind of an encoded image, recognised by its first bytes (never by its file name).
extension ImageFileKind {
  /// PNG files start with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A; JPEG files with the SOI
  /// marker FF D8 followed by another marker's FF. Anything else is `nil`.
  public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFileKind? {
    let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    if bytes.starts(with: pngSignature) { return .png }
    if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
    return nil
  }

  /// A short, printable description of a file's first bytes for error messages:
  /// `'GIF8'` when they are printable ASCII, otherwise hex (`bytes 00 01 02 03`).
  static func signature<Bytes: Collection<UInt8>>(of bytes: Bytes) -> String {
    let head = Array(bytes.prefix(4))
    if head.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
      return "'" + String(decoding: head, as: UTF8.self) + "'"
    }
    return "bytes "
      + head.map { byte in
        let hex = String(byte, radix: 16, uppercase: true)
        return hex.count == 1 ? "0" + hex : hex
      }.joined(separator: " ")
  }
}
