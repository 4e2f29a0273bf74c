/// Mutates PNG and JPEG files: generic byte damage plus format-aware edits (PNG chunks and the
/// IHDR fields with an optionally repaired CRC; JPEG segments and the SOF dimensions), and
/// synthesises valid PNGs with extreme shapes.
struct ImageMutator {
  enum Format: String {
    case png, jpeg

    /// Sniffs the format from the magic bytes.
    init?(bytes: [UInt8]) {
      if bytes.starts(with: PNGFile.signature) {
        self = .png
      } else if bytes.starts(with: [0xFF, 0xD8]) {
        self = .jpeg
      } else {
        return nil
      }
    }
  }

  /// Dimension values for header edits (32-bit for PNG; JPEG keeps the low 16 bits).
  static let dimensions: [UInt32] = [
    0, 1, 2, 3, 31, 32, 33, 255, 256, 4096, 16383, 16384, 32767, 32768, 32769, 65500, 65535, 65536,
    100_000, 1_000_000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
  ]

  func mutate(_ input: [UInt8], random: inout SplitMix64) -> (bytes: [UInt8], notes: [String]) {
    var bytes = input
    var notes: [String] = []
    let format = Format(bytes: input)
    for _ in 0..<random.pick([1, 1, 1, 2, 3]) {
      let structured = random.chance(0.6)
      let note: String?
      switch (structured, format) {
      case (true, .png?): note = PNGFile.mutate(&bytes, random: &random)
      case (true, .jpeg?): note = JPEGFile.mutate(&bytes, random: &random)
      default: note = Self.damage(&bytes, random: &random)
      }
      if let note { notes.append(note) }
    }
    return (bytes, notes)
  }

  /// Format-blind damage: bit flips, byte inserts and deletes, truncation, appended junk,
  /// overwrites with boundary bytes.
  static func damage(_ bytes: inout [UInt8], random: inout SplitMix64) -> String? {
    guard !bytes.isEmpty else {
      bytes = [0xFF]
      return "empty file: wrote one byte"
    }
    // Headers matter most: half the edits land in the first 64 bytes.
    let offset = random.chance(0.5) ? random.below(min(64, bytes.count)) : random.below(bytes.count)
    switch random.below(7) {
    case 0:
      let bit = random.below(8)
      bytes[offset] ^= UInt8(1) << UInt8(bit)
      return "flipped bit \(bit) of byte \(offset)"
    case 1:
      let value = random.pick([0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF] as [UInt8])
      bytes[offset] = value
      return "set byte \(offset) to 0x\(String(value, radix: 16))"
    case 2:
      let count = random.pick([1, 2, 4, 16, 1000])
      bytes.insert(contentsOf: (0..<count).map { _ in random.byte() }, at: offset)
      return "inserted \(count) random bytes at \(offset)"
    case 3:
      let count = min(random.pick([1, 2, 4, 16, 256]), bytes.count - offset)
      bytes.removeSubrange(offset..<offset + count)
      return "deleted \(count) bytes at \(offset)"
    case 4:
      let length = random.below(bytes.count)
      bytes.removeSubrange(length...)
      return "truncated to \(length) bytes"
    case 5:
      let count = random.pick([1, 12, 100, 10_000])
      bytes += (0..<count).map { _ in random.byte() }
      return "appended \(count) random bytes"
    default:
      let count = min(random.inRange(4...8), bytes.count - offset)
      for index in offset..<offset + count { bytes[index] = random.byte() }
      return "overwrote \(count) bytes at \(offset)"
    }
  }
}
