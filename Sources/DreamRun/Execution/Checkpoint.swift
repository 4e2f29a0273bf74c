import DreamEngine
import Foundation

/// The float image a frame ended with, kept on disk so that a resumed run continues from exactly
/// the state an uninterrupted run would have had (the saved JPEG/PNG is 8-bit and must never be
/// used as the next frame's input).
///
/// File `<checkpoints folder>/<fingerprint>.f32`, where the fingerprint is that of the plan node
/// whose image it holds. Layout (little-endian): magic `DRCKPT02` (8 bytes), the fingerprint (64
/// ASCII hex digits), width and height (UInt32 each), the pixels as Float32 bit patterns (HWC RGB,
/// width * height * 3 values), then the sha256 of everything before it (32 bytes). Written
/// atomically; a file that does not match its size, checksum or name's fingerprint (a renamed or
/// swapped checkpoint) is ignored.
///
/// Only files named `<64 hex digits>.f32` are ever listed or removed, and the folder must be a real
/// folder: ``checkFolder(_:)`` refuses a symbolic link (pruning through one would delete files
/// elsewhere).
enum Checkpoint {
  static let magic = Array("DRCKPT02".utf8)
  static let headerSize = 8 + 64 + 8

  static func path(folder: String, fingerprint: String) -> String {
    folder + "/" + fingerprint + ".f32"
  }

  /// The fingerprints of the checkpoints present in `folder`.
  static func available(in folder: String, files: any OutputFiles) -> Set<String> {
    Set(files.names(in: folder).filter(isCheckpointName).map { String($0.dropLast(4)) })
  }

  /// `<64 lowercase hex digits>.f32`.
  static func isCheckpointName(_ name: String) -> Bool {
    let utf8 = Array(name.utf8)
    guard utf8.count == 68, name.hasSuffix(".f32") else { return false }
    return utf8[0..<64].allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }

  /// Refuses a state or checkpoint folder that is a symbolic link (or not a folder).
  static func checkFolder(_ folder: String) throws(RunError) {
    for path in [(folder as NSString).deletingLastPathComponent, folder] {
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
      let type = attributes[.type] as? FileAttributeType
      if type == .typeSymbolicLink {
        throw .runtime(
          "\(path): the run-state folder is a symbolic link; dream-run keeps its state and checkpoints "
            + "in a real folder beside the recipe: remove the link and run again")
      }
      if type != .typeDirectory {
        throw .runtime("\(path): expected the run-state folder, found a file; remove it and run again")
      }
    }
  }

  static func write(_ image: RGBImage, folder: String, fingerprint: String, files: any OutputFiles)
    throws(RunError)
  {
    precondition(fingerprint.utf8.count == 64, "Checkpoint: fingerprint \(fingerprint)")
    var bytes = magic + Array(fingerprint.utf8)
    bytes.reserveCapacity(headerSize + image.pixels.count * 4 + 32)
    appendUInt32(UInt32(image.width), to: &bytes)
    appendUInt32(UInt32(image.height), to: &bytes)
    for value in image.pixels { appendUInt32(value.bitPattern, to: &bytes) }
    bytes += SHA256Bytes.digest(bytes)
    try files.writeAtomically(bytes, to: path(folder: folder, fingerprint: fingerprint))
  }

  /// The image stored for `fingerprint`, or nil when there is none or it is damaged.
  static func read(folder: String, fingerprint: String, files: any OutputFiles) -> RGBImage? {
    guard let data = files.contents(of: path(folder: folder, fingerprint: fingerprint)),
      data.count >= headerSize + 32
    else { return nil }
    let bytes = [UInt8](data)
    guard Array(bytes[0..<8]) == magic, Array(bytes[8..<72]) == Array(fingerprint.utf8) else { return nil }
    let width = Int(readUInt32(bytes, at: 72))
    let height = Int(readUInt32(bytes, at: 76))
    guard width >= 1, height >= 1, width <= 1 << 16, height <= 1 << 16 else { return nil }
    let count = width * height * 3
    let end = headerSize + count * 4
    guard bytes.count == end + 32 else { return nil }
    guard SHA256Bytes.digest(Array(bytes[0..<end])) == Array(bytes[end...]) else { return nil }
    var pixels = [Float](repeating: 0, count: count)
    for i in 0..<count { pixels[i] = Float(bitPattern: readUInt32(bytes, at: headerSize + i * 4)) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// Removes every checkpoint in `folder` except `keep`.
  static func prune(folder: String, keep: Set<String>, files: any OutputFiles) {
    for fingerprint in available(in: folder, files: files) where !keep.contains(fingerprint) {
      files.remove(path(folder: folder, fingerprint: fingerprint))
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
