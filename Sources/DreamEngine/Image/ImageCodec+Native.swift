import DreamVocabulary
internal import CImageCodecs

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An 8-bit RGB image as the C codecs see it: row-major, RGB interleaved, stride width * 3.
struct RGB8Image: Sendable {
  let width: Int
  let height: Int
  let bytes: [UInt8]
}

/// The bridge to the CImageCodecs shim: the only file that calls C. Every C function reports
/// errors by status code plus message, so nothing here can abort the process.
extension ImageCodec {
  /// Largest accepted width or height (16384), checked from the header before decoding.
  public static let maximumSide = Int(IC_MAX_SIDE)
  /// Largest accepted width * height (268,435,456).
  public static let maximumPixels = Int(IC_MAX_PIXELS)

  private static let messageCapacity = 256

  /// Decodes PNG or JPEG bytes (recognised by their signature) to 8-bit RGB.
  static func decodeRGB8(_ bytes: UnsafeRawBufferPointer, name: String) throws(ImageCodecError)
    -> RGB8Image
  {
    var image: RGB8Image?
    try decodeNative(bytes, name: name, depth: .pixels) { width, height, rgb in
      image = RGB8Image(
        width: width, height: height, bytes: Array(UnsafeBufferPointer(start: rgb, count: width * height * 3))
      )
    }
    guard let image else { preconditionFailure("the decoder succeeded without pixels") }
    return image
  }

  /// Checks PNG or JPEG bytes as deep as `depth` and returns the image's size; decoded pixels are
  /// released without a Swift copy.
  static func inspectNative(_ bytes: UnsafeRawBufferPointer, name: String, depth: ImageCheckDepth)
    throws(ImageCodecError) -> (width: Int, height: Int)
  {
    try decodeNative(bytes, name: name, depth: depth) { _, _, _ in }
  }

  /// Runs the shim's decoder; `body` sees the pixels (nil for `.header`) before they are freed.
  @discardableResult
  private static func decodeNative(
    _ bytes: UnsafeRawBufferPointer, name: String, depth: ImageCheckDepth,
    _ body: (Int, Int, UnsafeMutablePointer<UInt8>?) -> Void
  ) throws(ImageCodecError) -> (width: Int, height: Int) {
    guard !bytes.isEmpty else { throw .emptyFile(file: name) }
    guard let kind = ImageFileKind.detect(bytes) else {
      throw .notAnImage(file: name, signature: ImageFileKind.signature(of: bytes))
    }
    var rgb: UnsafeMutablePointer<UInt8>? = nil
    var width: UInt32 = 0
    var height: UInt32 = 0
    var message = [CChar](repeating: 0, count: messageCapacity)
    let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
    let status: Int32 = withUnsafeMutablePointer(to: &rgb) { pointer in
      let out = depth == .header ? nil : pointer
      switch kind {
      case .png: return ic_png_decode(base, bytes.count, out, &width, &height, &message, messageCapacity)
      case .jpeg: return ic_jpeg_decode(base, bytes.count, out, &width, &height, &message, messageCapacity)
      }
    }
    defer { ic_free(rgb) }
    let w = Int(width)
    let h = Int(height)
    guard status == code(IC_OK), depth == .header || rgb != nil else {
      throw error(status, kind: kind, message: message, name: name, width: w, height: h)
    }
    body(w, h, rgb)
    return (w, h)
  }

  /// Encodes 8-bit RGB in `format`.
  static func encodeRGB8(
    _ image: RGB8Image, as format: ImageFormat, name: String, text: [(key: String, value: String)] = []
  ) throws(ImageCodecError) -> [UInt8] {
    guard image.width > 0, image.height > 0 else {
      throw .noPixels(file: name, width: image.width, height: image.height)
    }
    guard image.width <= maximumSide, image.height <= maximumSide,
      image.width * image.height <= maximumPixels
    else { throw .tooLarge(file: name, width: image.width, height: image.height) }
    precondition(
      image.bytes.count == image.width * image.height * 3,
      "RGB8Image: \(image.bytes.count) bytes for \(image.width)x\(image.height)x3")
    var output: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: messageCapacity)
    let width = UInt32(image.width)
    let height = UInt32(image.height)
    let pairs = text.prefix(8).map { (String(printable($0.key).prefix(79)), printable($0.value)) }
    let keys = pairs.map { strdup($0.0) }
    let values = pairs.map { strdup($0.1) }
    let comment = strdup(pairs.map { "\($0.0): \($0.1)" }.joined(separator: "\n"))
    defer {
      for pointer in keys + values + [comment] { free(pointer) }
    }
    let status: Int32 = image.bytes.withUnsafeBufferPointer { rgb in
      switch format {
      case .png:
        let keyPointers = keys.map { UnsafePointer($0) }
        let valuePointers = values.map { UnsafePointer($0) }
        return ic_png_encode(
          rgb.baseAddress, width, height, keyPointers, valuePointers, Int32(pairs.count), &output, &size,
          &message, messageCapacity)
      case .jpeg(let quality, let subsampling):
        let chroma444: Int32
        switch subsampling {
        case .yuv420: chroma444 = 0
        case .yuv444: chroma444 = 1
        }
        return ic_jpeg_encode(
          rgb.baseAddress, width, height, Int32(clamping: quality), chroma444, comment, &output, &size,
          &message, messageCapacity)
      }
    }
    defer { ic_free(output) }
    guard status == code(IC_OK), let output else {
      throw error(
        status, kind: format.kind, message: message, name: name, width: image.width,
        height: image.height)
    }
    return Array(UnsafeBufferPointer(start: output, count: size))
  }

  private static func code(_ status: ic_status) -> Int32 { Int32(status.rawValue) }

  /// Printable ASCII only (file metadata is read by many tools; PNG tEXt is Latin-1).
  private static func printable(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { (0x20...0x7E).contains($0.value) ? $0 : "?" }))
  }

  /// Maps a shim status and message to the typed error.
  private static func error(
    _ status: Int32, kind: ImageFileKind, message: [CChar], name: String, width: Int, height: Int
  ) -> ImageCodecError {
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    switch status {
    case code(IC_ERR_ZERO_SIZE): return .noPixels(file: name, width: width, height: height)
    case code(IC_ERR_TOO_LARGE): return .tooLarge(file: name, width: width, height: height)
    case code(IC_ERR_UNSUPPORTED):
      return .unsupported(file: name, kind: kind, detail: ImageCodecError.decoderDetail(text))
    case code(IC_ERR_NO_MEMORY): return .outOfMemory(file: name, width: width, height: height)
    case code(IC_ERR_ARGUMENT):
      preconditionFailure("CImageCodecs rejected arguments Swift validated: \(text)")
    default:
      return .corrupt(file: name, kind: kind, detail: ImageCodecError.decoderDetail(text))
    }
  }
}
