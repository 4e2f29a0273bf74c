/// Output that breaks a documented promise without being a failure by the rules above:
/// raw control characters on standard output or error (docs/cli.md says messages escape them).
enum OutputCheck {
  static func rawControlCharacter(in bytes: [UInt8]) -> UInt8? {
    bytes.first { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F }
  }
}
