import Crypto
import Foundation
import ZIPFoundation

/// Downloads, verifies and installs catalog models into a `ModelCache`.
///
/// One fetch: take the model's lock; make a staging directory `tmp/<name>-<uuid>/`; download the
/// archive to `archive.zip` in it (sha256 computed while writing); check the archive's sha256; open it
/// with ZIPFoundation and extract only the catalog member into `model/<file>.pb` (sha256 computed
/// while extracting); check the .pb's sha256; write `model/manifest.json`; rename `model/` to
/// `models/<name>`; remove the staging directory. Any failure removes the staging directory and
/// throws `ModelFetchError`, so nothing is ever half-installed.
public struct ModelFetcher: Sendable {
  /// The cache models are installed into.
  public let cache: ModelCache
  /// Download settings.
  public var options: FetchOptions

  /// Creates a fetcher.
  public init(cache: ModelCache, options: FetchOptions = FetchOptions()) {
    self.cache = cache
    self.options = options
  }

  /// Makes `entry` available in the cache and returns it. Without `force`, an existing verified
  /// install (or a hand-placed .pb with the right sha256) is returned without any network access.
  /// With `force`, the model is downloaded again and replaces the installed one only on success.
  public func fetch(
    _ entry: CatalogEntry, force: Bool = false, progress: DownloadProgress? = nil
  ) throws -> InstalledModel {
    let url = entry.downloadURL(baseOverride: options.baseURLOverride)
    func failure(_ reason: FetchFailureReason) -> ModelFetchError {
      ModelFetchError(
        modelName: entry.name, url: url, reason: reason,
        manualSteps: ModelFetchError.manualSteps(
          for: entry, installDirectory: cache.installDirectory(for: entry)))
    }
    do {
      return try cache.withLock(forModel: entry.name) {
        if !force {
          if let installed = cache.installed(entry) { return installed }
          if let adopted = try cache.adoptManualInstall(entry) { return adopted }
        }
        cache.removeStaleStaging(forModel: entry.name)
        let staging = try cache.makeStagingDirectory(forModel: entry.name)
        defer { try? FileManager.default.removeItem(at: staging) }
        return try downloadAndInstall(entry, from: url, staging: staging, progress: progress)
      }
    } catch let reason as FetchFailureReason {
      throw failure(reason)
    } catch let error as CacheIOError {
      throw failure(.cacheWrite(path: error.path, detail: error.detail))
    } catch {
      throw failure(.cacheWrite(path: cache.root.path, detail: error.localizedDescription))
    }
  }

  /// The steps after the lock and staging directory exist; throws `FetchFailureReason`.
  private func downloadAndInstall(
    _ entry: CatalogEntry, from url: URL, staging: URL, progress: DownloadProgress?
  ) throws -> InstalledModel {
    let archiveFile = staging.appendingPathComponent("archive.zip")
    let downloader = HTTPDownloader(timeout: options.timeout)
    let download = try downloader.download(url, to: archiveFile, progress: progress)
    guard download.sha256 == entry.archiveSHA256 else {
      throw FetchFailureReason.archiveChecksumMismatch(expected: entry.archiveSHA256, actual: download.sha256)
    }

    let modelDirectory = staging.appendingPathComponent("model", isDirectory: true)
    try createDirectory(modelDirectory)
    let modelFile = modelDirectory.appendingPathComponent(entry.fileName)
    let extracted = try extractMember(entry.memberPath, from: archiveFile, to: modelFile)
    guard extracted.sha256 == entry.modelSHA256 else {
      throw FetchFailureReason.modelChecksumMismatch(
        file: entry.fileName, expected: entry.modelSHA256, actual: extracted.sha256)
    }

    let manifest = InstallManifest(
      name: entry.name, file: entry.fileName, sha256: extracted.sha256, bytes: extracted.bytes,
      source: url.absoluteString, archiveSHA256: download.sha256)
    do {
      try manifest.write(to: modelDirectory.appendingPathComponent(InstallManifest.fileName))
      try cache.install(staged: modelDirectory, for: entry)
    } catch {
      throw FetchFailureReason.cacheWrite(
        path: cache.installDirectory(for: entry).path, detail: error.localizedDescription)
    }
    return InstalledModel(
      name: entry.name, fileURL: cache.modelFile(for: entry), sha256: extracted.sha256,
      bytes: extracted.bytes, manifest: manifest)
  }

  /// Extracts the single member `memberPath` to `destination`, hashing it on the way; checks the
  /// zip's CRC32 too. Throws `invalidArchive` / `missingMember` / `cacheWrite` reasons.
  private func extractMember(_ memberPath: String, from archiveFile: URL, to destination: URL) throws
    -> DownloadResult
  {
    let archive: Archive
    do {
      archive = try Archive(url: archiveFile, accessMode: .read)
    } catch {
      throw FetchFailureReason.invalidArchive(detail: "\(error)")
    }
    guard let member = archive[memberPath], member.type == .file else {
      throw FetchFailureReason.missingMember(path: memberPath)
    }
    guard FileManager.default.createFile(atPath: destination.path, contents: nil),
      let output = try? FileHandle(forWritingTo: destination)
    else {
      throw FetchFailureReason.cacheWrite(path: destination.path, detail: "cannot create file")
    }
    defer { try? output.close() }
    var hasher = SHA256()
    var bytes: Int64 = 0
    var writeFailure: String?
    let crc: CRC32
    do {
      crc = try archive.extract(member) { chunk in
        do {
          try output.write(contentsOf: chunk)
        } catch {
          writeFailure = error.localizedDescription
          throw error
        }
        hasher.update(data: chunk)
        bytes += Int64(chunk.count)
      }
    } catch {
      if let writeFailure {
        throw FetchFailureReason.cacheWrite(path: destination.path, detail: writeFailure)
      }
      throw FetchFailureReason.invalidArchive(detail: "cannot extract \(memberPath): \(error)")
    }
    guard crc == member.checksum else {
      throw FetchFailureReason.invalidArchive(detail: "CRC32 mismatch in \(memberPath)")
    }
    return DownloadResult(sha256: FileHashing.hex(hasher.finalize()), bytes: bytes)
  }

  private func createDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw FetchFailureReason.cacheWrite(path: url.path, detail: error.localizedDescription)
    }
  }
}
