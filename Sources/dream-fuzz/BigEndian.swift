/// Big-endian reads and writes on byte arrays, bounds-checked.
enum BigEndian {
  static func read32(_ bytes: [UInt8], at offset: Int) -> UInt32? {
    guard offset >= 0, offset + 4 <= bytes.count else { return nil }
    return bytes[offset..<offset + 4].reduce(0) { ($0 << 8) | UInt32($1) }
  }

  static func read16(_ bytes: [UInt8], at offset: Int) -> UInt16? {
    guard offset >= 0, offset + 2 <= bytes.count else { return nil }
    return (UInt16(bytes[offset]) << 8) | UInt16(bytes[offset + 1])
  }

  static func bytes32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
  }

  static func bytes16(_ value: UInt16) -> [UInt8] {
    [UInt8(value >> 8), UInt8(value & 0xFF)]
  }

  static func write32(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
    guard offset >= 0, offset + 4 <= bytes.count else { return }
    bytes.replaceSubrange(offset..<offset + 4, with: bytes32(value))
  }

  static func write16(_ value: UInt16, into bytes: inout [UInt8], at offset: Int) {
    guard offset >= 0, offset + 2 <= bytes.count else { return }
    bytes.replaceSubrange(offset..<offset + 2, with: bytes16(value))
  }
}
