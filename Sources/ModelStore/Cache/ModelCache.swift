import Foundation

/// Where catalog models live on disk, and how they get there atomically.
///
/// Layout under the cache root:
/// - `models/<name>/<file>.pb` and `models/<name>/manifest.json`: an installed model;
/// - `models/.<name>.lock`: lock file held while a process fetches `<name>`;
/// - `tmp/<name>-<uuid>/`: a staging directory for one fetch (same file system as `models/`, so the
///   finished install directory is moved into place by a single rename).
public struct ModelCache: Sendable {
  /// The cache root (`$DREAM_RUN_CACHE`, `$XDG_CACHE_HOME/dream-run` or `~/.cache/dream-run`).
  public let root: URL

  /// Uses `root` as the cache root (created on first write).
  public init(root: URL) {
    self.root = root.standardizedFileURL
  }

  /// Environment variable naming the cache root directly.
  public static let cacheEnvironmentVariable = "DREAM_RUN_CACHE"

  /// The cache root for an environment: `DREAM_RUN_CACHE` if set and non-empty, else
  /// `$XDG_CACHE_HOME/dream-run` if `XDG_CACHE_HOME` is an absolute path, else
  /// `<home>/.cache/dream-run` with home from `HOME` or the user database.
  public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    if let explicit = environment[cacheEnvironmentVariable], !explicit.isEmpty {
      return URL(fileURLWithPath: (explicit as NSString).expandingTildeInPath, isDirectory: true)
    }
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent(
        "dream-run", isDirectory: true)
    }
    let home: URL
    if let value = environment["HOME"], !value.isEmpty {
      home = URL(fileURLWithPath: value, isDirectory: true)
    } else {
      home = FileManager.default.homeDirectoryForCurrentUser
    }
    return home.appendingPathComponent(".cache/dream-run", isDirectory: true)
  }

  /// The cache for the current process environment.
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> ModelCache {
    ModelCache(root: defaultRoot(environment: environment))
  }

  /// `<root>/models`.
  public var modelsDirectory: URL { root.appendingPathComponent("models", isDirectory: true) }

  /// `<root>/tmp`, parent of the staging directories.
  public var stagingRoot: URL { root.appendingPathComponent("tmp", isDirectory: true) }

  /// `<root>/models/<name>`.
  public func installDirectory(for entry: CatalogEntry) -> URL {
    modelsDirectory.appendingPathComponent(entry.name, isDirectory: true)
  }

  /// `<root>/models/<name>/<file>.pb`.
  public func modelFile(for entry: CatalogEntry) -> URL {
    installDirectory(for: entry).appendingPathComponent(entry.fileName, isDirectory: false)
  }

  /// `<root>/models/<name>/manifest.json`.
  public func manifestFile(for entry: CatalogEntry) -> URL {
    installDirectory(for: entry).appendingPathComponent(InstallManifest.fileName, isDirectory: false)
  }

  /// The installed model if its manifest matches the catalog entry (name, file and sha256) and the
  /// .pb exists with the recorded size. Cheap: nothing is hashed. Use `verify` to rehash.
  public func installed(_ entry: CatalogEntry) -> InstalledModel? {
    guard let manifest = InstallManifest.read(from: manifestFile(for: entry)),
      manifest.name == entry.name, manifest.file == entry.fileName, manifest.sha256 == entry.modelSHA256
    else { return nil }
    let file = modelFile(for: entry)
    guard let size = Self.regularFileSize(file), size == manifest.bytes else { return nil }
    return InstalledModel(
      name: entry.name, fileURL: file, sha256: manifest.sha256, bytes: size, manifest: manifest)
  }

  /// Rehashes the installed .pb; true when it is present and its sha256 matches the catalog entry.
  public func verify(_ entry: CatalogEntry) throws -> Bool {
    let file = modelFile(for: entry)
    guard Self.regularFileSize(file) != nil else { return false }
    return try FileHashing.sha256(of: file) == entry.modelSHA256
  }

  /// Adopts a .pb placed by hand into the install directory (the manual install steps): when the
  /// file exists without a valid manifest and its sha256 matches the entry, a manifest with source
  /// `manual` is written and the model is returned. Returns nil when there is no such file or its
  /// hash differs (the file is then left alone; a fetch replaces it).
  public func adoptManualInstall(_ entry: CatalogEntry) throws -> InstalledModel? {
    let file = modelFile(for: entry)
    guard let size = Self.regularFileSize(file) else { return nil }
    let hash = try FileHashing.sha256(of: file)
    guard hash == entry.modelSHA256 else { return nil }
    let manifest = InstallManifest(
      name: entry.name, file: entry.fileName, sha256: hash, bytes: size, source: "manual", archiveSHA256: nil)
    try manifest.write(to: manifestFile(for: entry))
    return InstalledModel(name: entry.name, fileURL: file, sha256: hash, bytes: size, manifest: manifest)
  }

  /// Removes the installed model directory, if any.
  public func remove(_ entry: CatalogEntry) throws {
    let directory = installDirectory(for: entry)
    if FileManager.default.fileExists(atPath: directory.path) {
      try FileManager.default.removeItem(at: directory)
    }
  }

  /// Size of a regular file (symlinks followed), or nil when it is missing or not a regular file.
  static func regularFileSize(_ url: URL) -> Int64? {
    guard
      let values = try? url.resolvingSymlinksInPath().resourceValues(forKeys: [
        .isRegularFileKey, .fileSizeKey,
      ]),
      values.isRegularFile == true, let size = values.fileSize
    else { return nil }
    return Int64(size)
  }
}
