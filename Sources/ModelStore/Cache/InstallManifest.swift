import Foundation

/// The small JSON file written next to an installed model, so that "is it installed?" is answered
/// without hashing the .pb, and so the .pb's sha256 is known for fingerprints.
///
/// Stored as `<cache>/models/<name>/manifest.json`; it is written into the staging directory before
/// the directory is renamed into place, so a manifest always describes a complete file.
public struct InstallManifest: Codable, Sendable, Equatable {
  /// Version of this file's layout.
  public var formatVersion: Int
  /// Catalog name.
  public var name: String
  /// File name of the .pb inside the install directory.
  public var file: String
  /// sha256 of the .pb, lowercase hex.
  public var sha256: String
  /// Size of the .pb in bytes.
  public var bytes: Int64
  /// Where it came from (a URL, or `manual` for a file placed by hand and adopted after hashing).
  public var source: String
  /// sha256 of the downloaded archive, when there was one.
  public var archiveSHA256: String?
  /// Installation time, ISO 8601.
  public var installedAt: String

  /// The current `formatVersion`.
  public static let currentFormatVersion = 1

  /// The manifest's file name inside an install directory.
  public static let fileName = "manifest.json"

  /// Creates a manifest stamped with the current time.
  public init(
    name: String, file: String, sha256: String, bytes: Int64, source: String, archiveSHA256: String?
  ) {
    self.formatVersion = Self.currentFormatVersion
    self.name = name
    self.file = file
    self.sha256 = sha256
    self.bytes = bytes
    self.source = source
    self.archiveSHA256 = archiveSHA256
    self.installedAt = ISO8601DateFormatter().string(from: Date())
  }

  /// Reads a manifest; nil when the file is missing or not a manifest of this format.
  static func read(from url: URL) -> InstallManifest? {
    guard let data = try? Data(contentsOf: url),
      let manifest = try? JSONDecoder().decode(InstallManifest.self, from: data),
      manifest.formatVersion == currentFormatVersion
    else { return nil }
    return manifest
  }

  /// Writes the manifest (pretty-printed, sorted keys).
  func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: url, options: .atomic)
  }
}

/// A catalog model present in the cache, as described by its manifest.
public struct InstalledModel: Sendable, Equatable {
  /// Catalog name.
  public var name: String
  /// The .pb file.
  public var fileURL: URL
  /// sha256 of the .pb (from the manifest, or just computed), lowercase hex.
  public var sha256: String
  /// Size of the .pb in bytes.
  public var bytes: Int64
  /// The manifest it was read from.
  public var manifest: InstallManifest
}
