/// Short, printable renderings of bytes for mutation notes.
enum Note {
  /// `'text'`, escaped, cut to 80 characters.
  static func quote(_ bytes: [UInt8]) -> String {
    var out = ""
    for byte in bytes.prefix(80) {
      switch byte {
      case 0x20...0x7E where byte != UInt8(ascii: "'") && byte != UInt8(ascii: "\\"):
        out.append(Character(UnicodeScalar(byte)))
      default: out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
      }
    }
    return "'" + out + (bytes.count > 80 ? "'... (\(bytes.count) bytes)" : "'")
  }
}
