/// The format-aware PNG edits, with how often each is chosen (out of 40).
enum PNGEdit: CaseIterable {
  case dimension, headerField, duplicateChunk, removeChunk, lyingLength, damageImageData, extremeShape
  case decompressionBomb

  var weight: Int {
    switch self {
    case .dimension: return 12
    case .headerField: return 7
    case .duplicateChunk: return 6
    case .removeChunk: return 5
    case .lyingLength: return 4
    case .damageImageData: return 3
    case .extremeShape: return 2
    case .decompressionBomb: return 1
    }
  }
}

/// PNG structure: the signature, then chunks of length (4), type (4), data, CRC over type+data.
enum PNGFile {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  struct Chunk {
    let offset: Int
    let length: Int
    let type: String

    var dataOffset: Int { offset + 8 }
    var end: Int { offset + 12 + length }
  }

  /// The chunks that fit in the file (a lying length ends the walk).
  static func chunks(_ bytes: [UInt8]) -> [Chunk] {
    var chunks: [Chunk] = []
    var offset = signature.count
    while let length = BigEndian.read32(bytes, at: offset), offset + 12 + Int(length) <= bytes.count {
      let typeBytes = bytes[offset + 4..<offset + 8]
      let type = String(decoding: typeBytes, as: UTF8.self)
      let chunk = Chunk(offset: offset, length: Int(length), type: type)
      chunks.append(chunk)
      offset = chunk.end
    }
    return chunks
  }

  /// Recomputes one chunk's CRC.
  static func repairCRC(_ bytes: inout [UInt8], _ chunk: Chunk) {
    let crc = CRC32.checksum(bytes[chunk.offset + 4..<chunk.dataOffset + chunk.length])
    BigEndian.write32(crc, into: &bytes, at: chunk.dataOffset + chunk.length)
  }

  static func mutate(_ bytes: inout [UInt8], random: inout SplitMix64) -> String? {
    let chunks = chunks(bytes)
    guard let header = chunks.first(where: { $0.type == "IHDR" }), header.length >= 13 else {
      return ImageMutator.damage(&bytes, random: &random)
    }
    let fixCRC = random.chance(0.8)
    let crcNote = fixCRC ? " (CRC repaired)" : " (CRC left stale)"
    let edits = PNGEdit.allCases
    switch random.pick(edits, weights: edits.map(\.weight)) {
    case .decompressionBomb:
      let shapes: [(UInt32, UInt32)] = [
        (16384, 16384), (16384, 16383), (10000, 10000), (16385, 16384), (6000, 6000),
      ]
      let (width, height) = random.pick(shapes)
      bytes = zeroBomb(width: width, height: height)
      return
        "replaced by a valid all-black \(width)x\(height) RGB PNG of \(bytes.count) bytes (decompression bomb)"
    case .dimension:
      let field = random.below(2)
      let value = random.chance(0.8) ? random.pick(ImageMutator.dimensions) : UInt32(random.inRange(1...5000))
      BigEndian.write32(value, into: &bytes, at: header.dataOffset + 4 * field)
      if fixCRC { repairCRC(&bytes, header) }
      return "IHDR \(field == 0 ? "width" : "height") = \(value)" + crcNote
    case .headerField:
      // bit depth, colour type, compression, filter, interlace
      let field = random.below(5)
      let value = random.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 255] as [UInt8])
      bytes[header.dataOffset + 8 + field] = value
      if fixCRC { repairCRC(&bytes, header) }
      let names = ["bit depth", "colour type", "compression", "filter", "interlace"]
      return "IHDR \(names[field]) = \(value)" + crcNote
    case .duplicateChunk:
      let chunk = random.pick(chunks)
      let copies = random.pick([1, 1, 2, 50])
      let slice = Array(bytes[chunk.offset..<chunk.end])
      bytes.insert(contentsOf: Array(repeating: slice, count: copies).joined(), at: chunk.end)
      return "duplicated chunk \(chunk.type) x\(copies)"
    case .removeChunk:
      guard chunks.count > 1 else { return nil }
      let chunk = random.pick(chunks)
      bytes.removeSubrange(chunk.offset..<chunk.end)
      return "removed chunk \(chunk.type)"
    case .lyingLength:
      let chunk = random.pick(chunks)
      let value = random.pick([0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt32(chunk.length + 1)])
      BigEndian.write32(value, into: &bytes, at: chunk.offset)
      return "chunk \(chunk.type) length field = \(value)"
    case .damageImageData:
      guard let data = chunks.first(where: { $0.type == "IDAT" }) else { return nil }
      let offset = data.dataOffset + random.below(max(1, data.length))
      if offset < data.dataOffset + data.length { bytes[offset] ^= 1 << UInt8(random.below(8)) }
      if fixCRC { repairCRC(&bytes, data) }
      return "flipped a bit inside IDAT at \(offset)" + crcNote
    case .extremeShape:
      let shapes: [(UInt32, UInt32)] = [(1, 60_000), (60_000, 1), (1, 1), (256, 256), (3, 20_000)]
      let (width, height) = random.pick(shapes)
      bytes = synthesize(width: width, height: height, random: &random)
      return "replaced by a valid \(width)x\(height) RGB PNG"
    }
  }

  /// A valid 8-bit RGB PNG of the given size with random pixels, its zlib stream written with
  /// stored (uncompressed) deflate blocks so no compressor is needed.
  static func synthesize(width: UInt32, height: UInt32, random: inout SplitMix64) -> [UInt8] {
    let rowBytes = Int(width) * 3
    var raw: [UInt8] = []
    raw.reserveCapacity((rowBytes + 1) * Int(height))
    let pattern = (0..<997).map { _ in random.byte() }
    for row in 0..<Int(height) {
      raw.append(0)
      for column in 0..<rowBytes { raw.append(pattern[(row * 31 + column) % pattern.count]) }
    }
    var zlib: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let count = min(65535, raw.count - start)
      let isLast = start + count == raw.count
      zlib.append(isLast ? 1 : 0)
      zlib += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
      zlib += raw[start..<start + count]
      start += count
    } while start < raw.count
    zlib += BigEndian.bytes32(Adler32.checksum(raw))
    let header = BigEndian.bytes32(width) + BigEndian.bytes32(height) + [8, 2, 0, 0, 0]
    return signature + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
  }

  /// A valid 8-bit RGB PNG of the given size, all black, its IDAT a `DeflateBomb` (about a
  /// thousandth of the pixel data).
  static func zeroBomb(width: UInt32, height: UInt32) -> [UInt8] {
    let rawCount = Int(height) * (1 + 3 * Int(width))
    let header = BigEndian.bytes32(width) + BigEndian.bytes32(height) + [8, 2, 0, 0, 0]
    return signature + chunk("IHDR", header) + chunk("IDAT", DeflateBomb.zlibZeros(count: rawCount))
      + chunk("IEND", [])
  }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeAndData = Array(type.utf8) + data
    return BigEndian.bytes32(UInt32(data.count)) + typeAndData
      + BigEndian.bytes32(CRC32.checksum(typeAndData))
  }
}
