import DreamEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files so that a reader (or a rerun after a crash) sees either the old file or the whole
/// new one, never a part: the bytes go to a temporary file in the same folder
/// (`.<name>.<pid>.dream-run.tmp`), are flushed to disk, and the temporary file is renamed over
/// the destination.
enum AtomicFile {
  /// The suffix of temporary files; leftovers of killed runs are removed by ``removeLeftovers(in:)``.
  static let temporarySuffix = ".dream-run.tmp"

  /// Writes `bytes` to `path` atomically. Throws a one-line ``RunError/runtime(_:)`` naming the
  /// file and the reason (missing folder, permission, disk full).
  static func write(_ bytes: [UInt8], to path: String) throws(RunError) {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary = folder + "/." + url.lastPathComponent + ".\(getpid())" + temporarySuffix
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw failure(path, errno) }
    var written = 0
    let writeError: Int32? = bytes.withUnsafeBytes { raw -> Int32? in
      while written < raw.count, let base = raw.baseAddress {
        let result = Glibc_write(descriptor, base + written, raw.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          return errno
        }
        written += result
      }
      return fsync(descriptor) == 0 ? nil : errno
    }
    let closeFailed = close(descriptor) != 0
    if let writeError {
      unlink(temporary)
      throw failure(path, writeError)
    }
    if closeFailed {
      let code = errno
      unlink(temporary)
      throw failure(path, code)
    }
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw failure(path, code)
    }
  }

  /// Creates `folder` (and its parents) if needed and checks that files can be created in it.
  static func prepareFolder(_ folder: String, removingLeftovers: Bool = true) throws(RunError) {
    try checkFolder(folder)
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw RunError.runtime(
        "\(folder): cannot create the output folder: \(WriteFailure.reason(of: error)); check the path and its permissions"
      )
    }
    guard access(folder, W_OK | X_OK) == 0 else {
      throw RunError.runtime(
        "\(folder): the output folder is not writable (\(String(cString: strerror(errno)))); "
          + "fix its permissions or save somewhere else")
    }
    if removingLeftovers { removeLeftovers(in: folder) }
  }

  /// Whether `folder` can be created (or exists) and written, without creating anything: no part
  /// of its path is a file, and its deepest existing folder is writable. Throws the message
  /// `prepareFolder` would.
  static func checkFolder(_ folder: String) throws(RunError) {
    var prefix = folder.hasPrefix("/") ? "" : "."
    var deepest = prefix.isEmpty ? "/" : "."
    for component in folder.split(separator: "/") {
      prefix += "/" + component
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else { break }
      guard isDirectory.boolValue else {
        let shown = folder.hasPrefix("/") ? prefix : String(prefix.dropFirst(2))
        throw RunError.runtime(
          "\(folder): cannot create the output folder: '\(shown)' is a file, not a folder; "
            + "move it away or save somewhere else")
      }
      deepest = prefix
    }
    guard access(deepest, W_OK | X_OK) == 0 else {
      let shown = folder.hasPrefix("/") || deepest == "." ? deepest : String(deepest.dropFirst(2))
      throw RunError.runtime(
        "\(folder): the output folder is not writable ('\(shown)': \(String(cString: strerror(errno)))); "
          + "fix its permissions or save somewhere else")
    }
  }

  /// Removes temporary files left in `folder` by killed runs.
  static func removeLeftovers(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(".") && name.hasSuffix(temporarySuffix) {
      unlink(folder + "/" + name)
    }
  }

  private static func failure(_ path: String, _ code: Int32) -> RunError {
    .runtime(WriteFailure.message(path, code: code))
  }
}

/// `write(2)`, named so it does not clash with the module's own `write` functions.
@inline(__always)
private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
  #else
    return Darwin.write(fd, buffer, count)
  #endif
}
