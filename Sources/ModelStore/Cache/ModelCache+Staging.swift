import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Locking, staging directories and the atomic move into place.
extension ModelCache {
  /// Runs `body` while holding an exclusive `flock` on `models/.<name>.lock`, so two processes never
  /// fetch the same model at once (the second waits, then finds it installed).
  func withLock<T>(forModel name: String, _ body: () throws -> T) throws -> T {
    try FileManager.default.createDirectory(at: modelsDirectory, withIntermediateDirectories: true)
    let lockPath = modelsDirectory.appendingPathComponent(".\(name).lock").path
    let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o644)
    guard descriptor >= 0 else {
      throw CacheIOError(path: lockPath, detail: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw CacheIOError(path: lockPath, detail: "cannot lock: \(String(cString: strerror(errno)))")
      }
    }
    defer { _ = flock(descriptor, LOCK_UN) }
    return try body()
  }

  /// Creates a fresh, uniquely named staging directory `tmp/<name>-<uuid>/`.
  func makeStagingDirectory(forModel name: String) throws -> URL {
    let directory = stagingRoot.appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  /// Removes staging directories of `name` left by a process that died mid-fetch. Call only while
  /// holding the model's lock: any other `tmp/<name>-*` directory then has no live owner.
  func removeStaleStaging(forModel name: String) {
    let fileManager = FileManager.default
    guard let children = try? fileManager.contentsOfDirectory(atPath: stagingRoot.path) else { return }
    for child in children where child.hasPrefix("\(name)-") {
      try? fileManager.removeItem(at: stagingRoot.appendingPathComponent(child))
    }
  }

  /// Moves the complete directory `staged` (the .pb and its manifest) to `models/<name>` by rename.
  /// An existing install directory is first renamed aside and deleted after the swap (restored if
  /// the swap fails), so readers see either the old or the new complete directory.
  func install(staged: URL, for entry: CatalogEntry) throws {
    let fileManager = FileManager.default
    let target = installDirectory(for: entry)
    var aside: URL?
    if fileManager.fileExists(atPath: target.path) {
      let oldCopy = stagingRoot.appendingPathComponent("\(entry.name)-\(UUID().uuidString)-old")
      try fileManager.moveItem(at: target, to: oldCopy)
      aside = oldCopy
    }
    do {
      try fileManager.moveItem(at: staged, to: target)
    } catch {
      if let aside { try? fileManager.moveItem(at: aside, to: target) }
      throw error
    }
    if let aside { try? fileManager.removeItem(at: aside) }
  }
}

/// A file-system failure inside the cache (lock file, staging directory).
struct CacheIOError: Error, CustomStringConvertible {
  var path: String
  var detail: String
  var description: String { "\(path): \(detail)" }
}
