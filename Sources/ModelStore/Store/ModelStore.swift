import Foundation

/// A model ready for the engine: where the .pb is, what the catalog knows about it, and its hash.
public struct ResolvedModel: Sendable, Equatable {
  /// The frozen GraphDef file (absolute, standardized).
  public var fileURL: URL
  /// The catalog entry, when the reference was a catalog name or the file's sha256 matches an entry
  /// (its `dreamLayers` then override the engine's automatic detection).
  public var entry: CatalogEntry?
  /// sha256 of the .pb, lowercase hex: for fingerprints. Catalog models take it from the install
  /// manifest; other files are hashed (streaming) on every resolve.
  public var sha256: String
}

/// Turns model references into verified local files: catalog names (downloaded into the cache on
/// first use) or paths to .pb files.
public struct ModelStore: Sendable {
  /// The catalog of downloadable names.
  public let catalog: ModelCatalog
  /// The fetcher (and through it the cache) used for catalog names.
  public let fetcher: ModelFetcher
  /// Called while a catalog model downloads (bytes received, total); nil for silence.
  public var progress: DownloadProgress?

  /// The cache catalog models live in.
  public var cache: ModelCache { fetcher.cache }

  /// Creates a store.
  public init(
    catalog: ModelCatalog = .builtIn, cache: ModelCache, options: FetchOptions = FetchOptions(),
    progress: DownloadProgress? = nil
  ) {
    self.catalog = catalog
    self.fetcher = ModelFetcher(cache: cache, options: options)
    self.progress = progress
  }

  /// The store for this process: cache from `DREAM_RUN_CACHE` / `XDG_CACHE_HOME` / `~/.cache`,
  /// base-URL override from `DREAM_RUN_MODEL_BASE_URL`, built-in catalog.
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment,
    timeout: TimeInterval = FetchOptions.defaultTimeout, progress: DownloadProgress? = nil
  ) -> ModelStore {
    ModelStore(
      cache: .fromEnvironment(environment), options: .fromEnvironment(environment, timeout: timeout),
      progress: progress)
  }

  /// Resolves `reference`: an exact catalog name is fetched on first use (then served from the
  /// cache without network); anything else is a path to a .pb, relative to `baseDirectory` (the
  /// recipe's folder) or, when that is nil, to the current directory; `~` is expanded. Catalog
  /// names win over files of the same name (write `./name` for the file).
  ///
  /// Throws `ModelReferenceError` for a bad reference and `ModelFetchError` for a failed download.
  public func resolve(_ reference: String, relativeTo baseDirectory: URL?) throws -> ResolvedModel {
    let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw ModelReferenceError.emptyReference(catalogNames: catalog.names) }
    if let entry = catalog.entry(named: trimmed) {
      let installed = try fetcher.fetch(entry, progress: progress)
      return ResolvedModel(fileURL: installed.fileURL, entry: entry, sha256: installed.sha256)
    }
    let file = Self.absoluteURL(for: trimmed, relativeTo: baseDirectory)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) else {
      if Self.looksLikePath(trimmed) {
        throw ModelReferenceError.fileNotFound(
          reference: trimmed, path: file.path, catalogNames: catalog.names)
      }
      throw ModelReferenceError.unknownModel(
        name: trimmed, suggestions: catalog.suggestions(for: trimmed), catalogNames: catalog.names)
    }
    guard !isDirectory.boolValue, ModelCache.regularFileSize(file) != nil else {
      throw ModelReferenceError.notARegularFile(path: file.path)
    }
    let hash: String
    do {
      hash = try FileHashing.sha256(of: file)
    } catch {
      throw ModelReferenceError.unreadable(path: file.path, detail: error.localizedDescription)
    }
    let entry = catalog.entries.first { $0.modelSHA256 == hash }
    return ResolvedModel(fileURL: file, entry: entry, sha256: hash)
  }

  /// `dream-run fetch NAME`: downloads a catalog model (again, with `force`) and returns it.
  /// Throws `ModelReferenceError.unknownModel` for a name outside the catalog.
  public func fetch(_ name: String, force: Bool = false) throws -> ResolvedModel {
    guard let entry = catalog.entry(named: name) else {
      throw ModelReferenceError.unknownModel(
        name: name, suggestions: catalog.suggestions(for: name), catalogNames: catalog.names)
    }
    let installed = try fetcher.fetch(entry, force: force, progress: progress)
    return ResolvedModel(fileURL: installed.fileURL, entry: entry, sha256: installed.sha256)
  }

  /// The absolute file URL a path reference denotes.
  static func absoluteURL(for reference: String, relativeTo baseDirectory: URL?) -> URL {
    let expanded = (reference as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
    let base =
      baseDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    return base.appendingPathComponent(expanded).standardizedFileURL
  }

  /// True when the reference is written like a path (a slash, a leading `.` or `~`, or a file
  /// extension) rather than a bare model name.
  static func looksLikePath(_ reference: String) -> Bool {
    reference.contains("/") || reference.hasPrefix(".") || reference.hasPrefix("~")
      || !(reference as NSString).pathExtension.isEmpty
  }
}
