import Foundation

/// Reads and writes `RGBImage`s as PNG or JPEG files.
///
/// Decoding recognises the format by the file's first bytes (never by its extension) and always
/// yields 3-channel RGB with float values 0...255 (integers). Conversions on the way in:
/// - PNG: palette and greyscale become RGB; 16-bit samples are rounded to 8-bit; interlaced images
///   are supported; alpha (an alpha channel or tRNS transparency) is composited over black
///   (`c * alpha / 255`), so fully transparent pixels come out black whatever colour they store;
///   gamma and colour profiles are ignored.
/// - JPEG: greyscale becomes RGB; CMYK/YCCK is converted with the naive `(1 - C)(1 - K)` formula;
///   any decoder warning (truncated or corrupt data) is an error, never a grey-filled image.
/// Images over `maximumSide` pixels per side or `maximumPixels` in all are rejected from the header,
/// before memory is allocated.
///
/// Encoding clamps every sample to 0...255 (NaN -> 0) and quantises it to 8 bits by rounding
/// (or truncating, see `PixelQuantization`), then writes 8-bit RGB PNG or JFIF JPEG.
public enum ImageCodec {
  // MARK: Decoding

  /// Decodes PNG or JPEG `bytes`; `name` (usually the file's path) is used only in errors.
  public static func decode(_ bytes: [UInt8], name: String) throws(ImageCodecError) -> RGBImage {
    let result = bytes.withUnsafeBytes { raw in
      Result { () throws(ImageCodecError) in try decodeRGB8(raw, name: name) }
    }
    return makeImage(try result.get())
  }

  /// Decodes PNG or JPEG `data`; `name` (usually the file's path) is used only in errors.
  public static func decode(_ data: Data, name: String) throws(ImageCodecError) -> RGBImage {
    let result = data.withUnsafeBytes { raw in
      Result { () throws(ImageCodecError) in try decodeRGB8(raw, name: name) }
    }
    return makeImage(try result.get())
  }

  /// Checks PNG or JPEG `bytes` without making an image: `.header` reads only the header (size,
  /// limits, pixel format; no pixel memory), `.pixels` also decodes every pixel into a temporary
  /// 8-bit buffer (width x height x 3 bytes) and drops it. Returns the image's size.
  public static func inspect(_ bytes: [UInt8], name: String, depth: ImageCheckDepth) throws(ImageCodecError)
    -> (width: Int, height: Int)
  {
    let result = bytes.withUnsafeBytes { raw in
      Result { () throws(ImageCodecError) in try inspectNative(raw, name: name, depth: depth) }
    }
    return try result.get()
  }

  /// Reads and decodes the PNG or JPEG file at `url`. Errors name the file by `displayName(of:)`.
  public static func read(contentsOf url: URL) throws(ImageCodecError) -> RGBImage {
    try decode(readBytes(of: url), name: displayName(of: url))
  }

  // MARK: Encoding

  /// Encodes `image` as `format`. `name` (the destination, if any) is used only in errors.
  /// Samples are clamped to 0...255 and quantised by `quantization`. `text` (key, value) pairs are
  /// stored in the file: PNG tEXt chunks, or one JPEG comment of `key: value` lines (printable
  /// ASCII; other characters become `?`).
  public static func encode(
    _ image: RGBImage, as format: ImageFormat, quantization: PixelQuantization = .round,
    name: String = "image", text: [(key: String, value: String)] = []
  ) throws(ImageCodecError) -> [UInt8] {
    if case .jpeg(let quality, _) = format, !(1...100).contains(quality) {
      throw .invalidQuality(file: name, quality: quality)
    }
    let rgb = RGB8Image(
      width: image.width, height: image.height, bytes: quantize(image, quantization))
    return try encodeRGB8(rgb, as: format, name: name, text: text)
  }

  /// Encodes `image` and writes it to `url` atomically (a temporary file in the same folder is
  /// renamed over the destination, so a crash never leaves a half-written image at `url`).
  /// `format` defaults to the one named by the path's extension.
  public static func write(
    _ image: RGBImage, to url: URL, format: ImageFormat? = nil,
    quantization: PixelQuantization = .round
  ) throws(ImageCodecError) {
    let name = displayName(of: url)
    let chosen: ImageFormat
    if let format { chosen = format } else { chosen = try ImageFormat.forPath(name) }
    let bytes = try encode(image, as: chosen, quantization: quantization, name: name)
    try writeBytes(bytes, to: url)
  }

  /// The 8-bit samples of `image` (HWC, RGB interleaved), each clamped to 0...255 (NaN -> 0) and
  /// then rounded or truncated.
  public static func quantize(_ image: RGBImage, _ quantization: PixelQuantization) -> [UInt8] {
    let offset: Float
    switch quantization {
    case .round: offset = 0.5
    case .truncate: offset = 0
    }
    return [UInt8](unsafeUninitializedCapacity: image.pixels.count) { out, count in
      image.pixels.withUnsafeBufferPointer { src in
        for i in 0..<src.count {
          let v = src[i]
          // NaN fails both comparisons and ends up 0; the result lies in 0...255.5, so the
          // conversion cannot trap.
          let clamped = v > 0 ? (v < 255 ? v : 255) : 0
          out[i] = UInt8(clamped + offset > 255 ? 255 : clamped + offset)
        }
      }
      count = image.pixels.count
    }
  }

  // MARK: Files

  /// How errors name a file: its path as given (relative paths stay relative).
  public static func displayName(of url: URL) -> String {
    url.isFileURL ? url.relativePath : url.absoluteString
  }

  /// Reads a whole file, mapping failures to `unreadable` with a short reason.
  static func readBytes(of url: URL) throws(ImageCodecError) -> [UInt8] {
    let name = displayName(of: url)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw .unreadable(file: name, reason: "no such file")
    }
    guard !isDirectory.boolValue else { throw .unreadable(file: name, reason: "it is a folder") }
    do {
      return [UInt8](try Data(contentsOf: url))
    } catch {
      throw .unreadable(file: name, reason: error.localizedDescription)
    }
  }

  /// Writes `bytes` to `url` atomically (temporary file + rename).
  static func writeBytes(_ bytes: [UInt8], to url: URL) throws(ImageCodecError) {
    let name = displayName(of: url)
    let folder = url.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw .unwritable(file: name, reason: "folder \(displayName(of: folder)) does not exist") }
    do {
      try Data(bytes).write(to: url, options: .atomic)
    } catch {
      throw .unwritable(file: name, reason: error.localizedDescription)
    }
  }

  private static func makeImage(_ rgb: RGB8Image) -> RGBImage {
    let pixels = [Float](unsafeUninitializedCapacity: rgb.bytes.count) { out, count in
      rgb.bytes.withUnsafeBufferPointer { src in
        for i in 0..<src.count { out[i] = Float(src[i]) }
      }
      count = rgb.bytes.count
    }
    return RGBImage(width: rgb.width, height: rgb.height, pixels: pixels)
  }
}

/// How far ``ImageCodec/inspect(_:name:depth:)`` checks an image.
public enum ImageCheckDepth: Sendable {
  /// The header: signature, size, pixel limits, pixel format.
  case header
  /// Every pixel decoded (and dropped).
  case pixels
}
