import Crypto
import Foundation
import ModelStore
import XCTest
import ZIPFoundation

/// Test payloads, archives and catalog entries, built in the tests (no files from the internet).
enum Fixtures {
  /// A fake .pb payload: `count` deterministic pseudo-random bytes (an LCG), incompressible enough
  /// that the archive spans many network chunks.
  static func payload(count: Int = 300_000, seed: UInt32 = 12345) -> Data {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
      state = state &* 1_664_525 &+ 1_013_904_223
      bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return Data(bytes)
  }

  /// A zip (deflate) holding `member` -> `payload` and a small README, built with ZIPFoundation.
  static func archive(member: String, payload: Data) throws -> Data {
    let archive = try Archive(accessMode: .create)
    try add(to: archive, path: "README.txt", data: Data("test archive\n".utf8))
    try add(to: archive, path: member, data: payload)
    guard let data = archive.data else { throw FixtureError.noArchiveData }
    return data
  }

  private static func add(to archive: Archive, path: String, data: Data) throws {
    try archive.addEntry(
      with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
    ) { position, size in
      data.subdata(in: Int(position)..<Int(position) + size)
    }
  }

  /// Lowercase hex sha256.
  static func sha256(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }

  /// A catalog entry `testnet` whose canonical URL is unreachable on purpose (`.invalid`), so only a
  /// base-URL override can serve it.
  static func entry(archive: Data, payload: Data, name: String = "testnet") -> CatalogEntry {
    CatalogEntry(
      name: name,
      archiveURL: URL(string: "https://models.invalid/some/dir/\(name).zip")!,
      archiveSHA256: sha256(archive), memberPath: "nets/\(name).pb", modelSHA256: sha256(payload),
      dreamLayers: ["conv1", "block1", "block2"], preprocessing: .none, inputNotes: "test payload",
      description: "test network", licence: "none")
  }

  enum FixtureError: Error {
    case noArchiveData
  }
}
