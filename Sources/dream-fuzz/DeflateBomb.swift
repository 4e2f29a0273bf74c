/// A zlib stream of `count` zero bytes at the deflate format's best ratio (~1030:1), for PNG
/// "decompression bombs": a few hundred KB that inflate to hundreds of MB.
///
/// One dynamic-Huffman block whose literal/length code gives length 258 (symbol 285) one bit and
/// literal 0 and end-of-block two bits each, with a single one-bit distance code (distance 1).
/// So the stream is: literal 0, then (258, 1) copies of it, then literal zeros for the rest.
enum DeflateBomb {
  static func zlibZeros(count: Int) -> [UInt8] {
    precondition(count >= 1, "DeflateBomb: count \(count) must be at least 1")
    var writer = BitWriter()
    writer.bits(1, count: 1)  // BFINAL
    writer.bits(2, count: 2)  // BTYPE = dynamic
    writer.bits(286 - 257, count: 5)  // HLIT: 286 literal/length codes
    writer.bits(0, count: 5)  // HDIST: 1 distance code
    writer.bits(18 - 4, count: 4)  // HCLEN: 18 code-length code lengths
    // Code-length code lengths in the format's order 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4,
    // 12, 3, 13, 2, 14, 1: symbol 18 gets 1 bit (code 0), symbols 1 and 2 get 2 bits (10, 11).
    for length in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
      writer.bits(UInt64(length), count: 3)
    }
    // Literal/length lengths: [0] = 2, 1...255 = 0, [256] = 2, 257...284 = 0, [285] = 1;
    // then the distance length [0] = 1. Codes: '18' = 0, '1' = 10, '2' = 11.
    let saysTwo: UInt64 = 0b11
    let saysOne: UInt64 = 0b10
    let saysZeros: UInt64 = 0b0
    writer.huffman(saysTwo, length: 2)  // literal 0: 2 bits
    writer.huffman(saysZeros, length: 1)
    writer.bits(138 - 11, count: 7)  // 138 zeros (1...138)
    writer.huffman(saysZeros, length: 1)
    writer.bits(117 - 11, count: 7)  // 117 zeros (139...255)
    writer.huffman(saysTwo, length: 2)  // 256 (end of block): 2 bits
    writer.huffman(saysZeros, length: 1)
    writer.bits(28 - 11, count: 7)  // 28 zeros (257...284)
    writer.huffman(saysOne, length: 2)  // 285: 1 bit
    writer.huffman(saysOne, length: 2)  // distance 0: 1 bit
    // Data. Literal/length codes: 285 = 0, literal 0 = 10, end of block = 11; distance 0 = 0.
    writer.huffman(0b10, length: 2)
    var remaining = count - 1
    while remaining >= 258 {
      writer.huffman(0, length: 1)
      writer.huffman(0, length: 1)
      remaining -= 258
    }
    for _ in 0..<remaining { writer.huffman(0b10, length: 2) }
    writer.huffman(0b11, length: 2)
    let adler = UInt32(count % 65521) << 16 | 1
    return [0x78, 0x01] + writer.finish() + BigEndian.bytes32(adler)
  }

  /// Packs bits least-significant first, as deflate does.
  private struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var used = 0

    /// `count` bits of `value`, least significant first (headers and extra bits).
    mutating func bits(_ value: UInt64, count: Int) {
      buffer |= (value & ((1 << UInt64(count)) - 1)) << UInt64(used)
      used += count
      while used >= 8 {
        bytes.append(UInt8(buffer & 0xFF))
        buffer >>= 8
        used -= 8
      }
    }

    /// A Huffman code, most significant bit first.
    mutating func huffman(_ code: UInt64, length: Int) {
      var reversed: UInt64 = 0
      for bit in 0..<length { reversed |= ((code >> UInt64(bit)) & 1) << UInt64(length - 1 - bit) }
      bits(reversed, count: length)
    }

    mutating func finish() -> [UInt8] {
      if used > 0 { bytes.append(UInt8(buffer & 0xFF)) }
      buffer = 0
      used = 0
      return bytes
    }
  }
}
