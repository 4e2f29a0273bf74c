/// A minimal PNG writer for tests, independent of libpng: any colour type and bit depth, optional
/// PLTE/tRNS chunks, optional Adam7 interlacing. Pixel data is filtered with filter type 0 (None)
/// and stored in uncompressed ("stored") deflate blocks inside a zlib stream.
struct TinyPNG {
  enum ColorType: UInt8 {
    case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6

    var channels: Int {
      switch self {
      case .grey, .palette: return 1
      case .greyAlpha: return 2
      case .rgb: return 3
      case .rgba: return 4
      }
    }
  }

  var width: Int
  var height: Int
  var colorType: ColorType
  var bitDepth: Int
  /// One integer per channel per pixel, row-major; each below 2^bitDepth.
  var samples: [Int]
  var interlaced = false
  /// PLTE body: RGB triples.
  var palette: [UInt8]? = nil
  /// tRNS body, written as given.
  var transparency: [UInt8]? = nil

  func encoded() -> [UInt8] {
    precondition(samples.count == width * height * colorType.channels, "TinyPNG: sample count")
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header = Self.be32(width) + Self.be32(height)
    header += [UInt8(bitDepth), colorType.rawValue, 0, 0, interlaced ? 1 : 0]
    out += Self.chunk("IHDR", header)
    if let palette { out += Self.chunk("PLTE", palette) }
    if let transparency { out += Self.chunk("tRNS", transparency) }
    out += Self.chunk("IDAT", Self.zlibStored(scanlines()))
    out += Self.chunk("IEND", [])
    return out
  }

  /// The filtered scanlines of every pass (one pass when not interlaced).
  private func scanlines() -> [UInt8] {
    let passes: [(x0: Int, y0: Int, dx: Int, dy: Int)] =
      interlaced
      ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
      : [(0, 0, 1, 1)]
    var data: [UInt8] = []
    for pass in passes {
      let xs = Array(stride(from: pass.x0, to: width, by: pass.dx))
      let ys = Array(stride(from: pass.y0, to: height, by: pass.dy))
      if xs.isEmpty || ys.isEmpty { continue }
      for y in ys {
        data.append(0)  // filter type None
        var values: [Int] = []
        for x in xs {
          let base = (y * width + x) * colorType.channels
          values += samples[base..<(base + colorType.channels)]
        }
        data += pack(values)
      }
    }
    return data
  }

  private func pack(_ values: [Int]) -> [UInt8] {
    switch bitDepth {
    case 16: return values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    case 8: return values.map { UInt8($0) }
    default:
      var bytes: [UInt8] = []
      var current = 0
      var used = 0
      for value in values {
        current = (current << bitDepth) | value
        used += bitDepth
        if used == 8 {
          bytes.append(UInt8(current))
          current = 0
          used = 0
        }
      }
      if used > 0 { bytes.append(UInt8(current << (8 - used))) }
      return bytes
    }
  }

  static func be32(_ value: Int) -> [UInt8] {
    [
      UInt8((value >> 24) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return be32(body.count) + typeBytes + body + be32(Int(crc32(typeBytes + body)))
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
  }

  /// A zlib stream of stored (uncompressed) deflate blocks.
  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let end = min(start + 65535, data.count)
      let length = end - start
      out.append(end == data.count ? 1 : 0)
      out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
      out += data[start..<end]
      start = end
    } while start < data.count
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    return out + be32(Int((b << 16) | a))
  }
}
