import Crypto
import Foundation

/// Streaming sha256 over files and chunks, lowercase hex output.
public enum FileHashing {
  /// Read size for hashing files: 1 MiB keeps memory flat for 50 MB models.
  static let chunkSize = 1 << 20

  /// sha256 of the file at `url`, read in 1 MiB chunks (never the whole file at once).
  public static func sha256(of url: URL) throws -> String {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
      hasher.update(data: chunk)
    }
    return hex(hasher.finalize())
  }

  /// Lowercase hex of a digest.
  public static func hex(_ digest: SHA256.Digest) -> String {
    let digits = Array("0123456789abcdef")
    var text = ""
    text.reserveCapacity(64)
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return text
  }
}
