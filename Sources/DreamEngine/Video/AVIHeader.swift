/// The fixed-size head of a single-stream MJPEG AVI 1.0 file, laid out as
///
///     RIFF <size> 'AVI '
///       LIST <size> 'hdrl'
///         'avih' <56>  MainAVIHeader
///         LIST <size> 'strl'
///           'strh' <56>  AVIStreamHeader ('vids', 'MJPG')
///           'strf' <40>  BITMAPINFOHEADER (biCompression 'MJPG', 24 bits)
///       LIST <size> 'movi'          <- frames follow as '00dc' chunks
///
/// All integers little-endian. The writer emits it once with placeholder counts and rewrites it
/// when the video is finished.
struct AVIHeader {
  /// Bytes from the start of the file to the first frame chunk.
  static let byteCount = 224
  /// Offset of the 'movi' fourcc; idx1 chunk offsets are relative to it.
  static let moviFourCCOffset = 220

  var width: Int
  var height: Int
  var rate: UInt32
  var scale: UInt32
  var frameCount: Int
  /// The largest frame chunk's data size (the players' suggested read buffer).
  var largestFrame: Int
  /// Size field of the movi LIST: 4 ('movi') + all frame chunks with headers and padding.
  var moviListSize: Int
  /// Size field of the RIFF chunk: the file size minus 8.
  var riffSize: Int

  func bytes() -> [UInt8] {
    var out = LittleEndianBytes()
    let microsecondsPerFrame = UInt32(
      min(Double(UInt32.max), (1_000_000 * Double(scale) / Double(rate)).rounded()))
    let bytesPerSecond = UInt32(
      min(Double(UInt32.max), (Double(largestFrame) * Double(rate) / Double(scale)).rounded(.up)))
    let suggestedBuffer = UInt32(largestFrame + 8)

    out.fourCC("RIFF")
    out.u32(UInt32(riffSize))
    out.fourCC("AVI ")
    out.fourCC("LIST")
    out.u32(192)  // 'hdrl' + avih chunk (64) + strl list (124)
    out.fourCC("hdrl")

    out.fourCC("avih")
    out.u32(56)
    out.u32(microsecondsPerFrame)
    out.u32(bytesPerSecond)  // dwMaxBytesPerSec
    out.u32(0)  // dwPaddingGranularity
    out.u32(0x10 | 0x100)  // AVIF_HASINDEX | AVIF_ISINTERLEAVED
    out.u32(UInt32(frameCount))  // dwTotalFrames
    out.u32(0)  // dwInitialFrames
    out.u32(1)  // dwStreams
    out.u32(suggestedBuffer)
    out.u32(UInt32(width))
    out.u32(UInt32(height))
    for _ in 0..<4 { out.u32(0) }  // dwReserved

    out.fourCC("LIST")
    out.u32(116)  // 'strl' + strh chunk (64) + strf chunk (48)
    out.fourCC("strl")

    out.fourCC("strh")
    out.u32(56)
    out.fourCC("vids")
    out.fourCC("MJPG")
    out.u32(0)  // dwFlags
    out.u16(0)  // wPriority
    out.u16(0)  // wLanguage
    out.u32(0)  // dwInitialFrames
    out.u32(scale)
    out.u32(rate)
    out.u32(0)  // dwStart
    out.u32(UInt32(frameCount))  // dwLength, in frames
    out.u32(suggestedBuffer)
    out.u32(UInt32.max)  // dwQuality: -1 = default
    out.u32(0)  // dwSampleSize: 0 = frames vary in size
    out.u16(0)  // rcFrame.left
    out.u16(0)  // rcFrame.top
    out.u16(UInt16(width))  // rcFrame.right
    out.u16(UInt16(height))  // rcFrame.bottom

    out.fourCC("strf")
    out.u32(40)
    out.u32(40)  // biSize
    out.u32(UInt32(width))
    out.u32(UInt32(height))  // positive: bottom-up for raw DIBs; decoders ignore it for MJPEG
    out.u16(1)  // biPlanes
    out.u16(24)  // biBitCount
    out.fourCC("MJPG")  // biCompression
    out.u32(UInt32(width * height * 3))  // biSizeImage
    for _ in 0..<4 { out.u32(0) }  // pels per metre x/y, colours used/important

    out.fourCC("LIST")
    out.u32(UInt32(moviListSize))
    out.fourCC("movi")
    precondition(out.bytes.count == Self.byteCount, "AVIHeader: \(out.bytes.count) bytes")
    return out.bytes
  }

  /// Frame rate as the rational rate/scale AVI stores: whole rates exactly (30 -> 30/1), NTSC-style
  /// rates as n*1000/1001 (29.97 -> 30000/1001), anything else to a thousandth (12.5 -> 12500/1000).
  static func rational(fps: Double) -> (rate: UInt32, scale: UInt32) {
    precondition(fps.isFinite && fps > 0 && fps <= 1_000_000, "AVIHeader: fps \(fps)")
    if fps == fps.rounded() { return (UInt32(fps), 1) }
    let ntsc = (fps * 1001).rounded()
    if abs(fps * 1001 - ntsc) < 0.05, ntsc.truncatingRemainder(dividingBy: 1000) == 0 {
      return (UInt32(ntsc), 1001)
    }
    // Below 1 fps a thousandth is too coarse (0.0004 would round to a rate of 0): use millionths.
    if fps < 1 { return (UInt32(max(1, (fps * 1_000_000).rounded())), 1_000_000) }
    return (UInt32((fps * 1000).rounded()), 1000)
  }
}

/// Appends little-endian integers and four-character codes to a byte array.
struct LittleEndianBytes {
  var bytes: [UInt8] = []

  mutating func u32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
  }

  mutating func u16(_ value: UInt16) {
    bytes.append(UInt8(value & 0xFF))
    bytes.append(UInt8(value >> 8))
  }

  mutating func fourCC(_ code: StaticString) {
    precondition(code.utf8CodeUnitCount == 4, "fourCC: \(code)")
    code.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }
}
