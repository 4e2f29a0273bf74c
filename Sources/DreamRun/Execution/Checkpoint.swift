import DreamEngine
import Foundation

/// The float image a frame ended with, kept on disk so that a resumed run continues from exactly
/// the state an uninterrupted run would have had (the saved JPEG/PNG is 8-bit and must never be
/// used as the next frame's input).
///
/// File `<checkpoints folder>/<fingerprint>.f32`, where the fingerprint is that of the plan node
/// whose image it holds. Layout (little-endian): magic `DRCKPT01` (8 bytes), width and height
/// (UInt32 each), the pixels as Float32 bit patterns (HWC RGB, width * height * 3 values), then the
/// sha256 of everything before it (32 bytes). Written atomically; a file that does not match its
/// size or checksum is ignored.
enum Checkpoint {
  static let magic = Array("DRCKPT01".utf8)

  static func path(folder: String, fingerprint: String) -> String {
    folder + "/" + fingerprint + ".f32"
  }

  /// The fingerprints of the checkpoints present in `folder`.
  static func available(in folder: String) -> Set<String> {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
    return Set(names.filter { $0.hasSuffix(".f32") && !$0.hasPrefix(".") }.map { String($0.dropLast(4)) })
  }

  static func write(_ image: RGBImage, folder: String, fingerprint: String) throws(RunError) {
    var bytes = magic
    bytes.reserveCapacity(8 + 8 + image.pixels.count * 4 + 32)
    appendUInt32(UInt32(image.width), to: &bytes)
    appendUInt32(UInt32(image.height), to: &bytes)
    for value in image.pixels { appendUInt32(value.bitPattern, to: &bytes) }
    bytes += SHA256Bytes.digest(bytes)
    try AtomicFile.write(bytes, to: path(folder: folder, fingerprint: fingerprint))
  }

  /// The image stored for `fingerprint`, or nil when there is none or it is damaged.
  static func read(folder: String, fingerprint: String) -> RGBImage? {
    guard let data = FileManager.default.contents(atPath: path(folder: folder, fingerprint: fingerprint)),
      data.count >= 48
    else { return nil }
    let bytes = [UInt8](data)
    guard Array(bytes[0..<8]) == magic else { return nil }
    let width = Int(readUInt32(bytes, at: 8))
    let height = Int(readUInt32(bytes, at: 12))
    let count = width * height * 3
    guard width >= 1, height >= 1, bytes.count == 16 + count * 4 + 32 else { return nil }
    guard SHA256Bytes.digest(Array(bytes[0..<(16 + count * 4)])) == Array(bytes[(16 + count * 4)...]) else {
      return nil
    }
    var pixels = [Float](repeating: 0, count: count)
    for i in 0..<count { pixels[i] = Float(bitPattern: readUInt32(bytes, at: 16 + i * 4)) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// Removes every checkpoint in `folder` except `keep`.
  static func prune(folder: String, keep: Set<String>) {
    for fingerprint in available(in: folder) where !keep.contains(fingerprint) {
      try? FileManager.default.removeItem(atPath: path(folder: folder, fingerprint: fingerprint))
    }
  }

  private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes.append(UInt8(value & 0xff))
    bytes.append(UInt8((value >> 8) & 0xff))
    bytes.append(UInt8((value >> 16) & 0xff))
    bytes.append(UInt8(value >> 24))
  }

  private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
      | UInt32(bytes[offset + 3]) << 24
  }
}
