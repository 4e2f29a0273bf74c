import DreamVocabulary
import Foundation
import Synchronization

/// What a path names on disk.
public enum FileKind: Sendable, Equatable {
  case missing
  case file
  case directory
}

/// Why a file could not be read.
public enum FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound
  case isDirectory
  case unreadable(String)
  /// Larger than the reader's limit (nothing was read).
  case tooLarge(bytes: Int, limit: Int)

  public var description: String {
    switch self {
    case .notFound: return "no such file"
    case .isDirectory: return "it is a directory"
    case .tooLarge(let bytes, let limit):
      return
        "it has \(bytes > limit + 1 ? "\(bytes)" : "more than \(limit)") bytes; a recipe is a YAML text file of "
        + "at most \(limit) bytes"
    case .unreadable(let reason): return reason
    }
  }
}

/// The parser's only access to the outside world: reading the recipe and checking that the files it
/// names exist. Tests use ``InMemoryFileSystem`` (as Ninja's tests use a virtual disk interface).
public protocol FileSystem: Sendable {
  /// The bytes of the file at `path`, refused unread when it has more than `limit` bytes.
  func contents(ofFile path: String, limit: Int) -> Result<[UInt8], FileReadError>
  /// Whether `path` names a file, a directory or nothing.
  func kind(ofItem path: String) -> FileKind
}

/// The real disk, through Foundation's `FileManager`.
public struct RealFileSystem: FileSystem {
  public init() {}

  public func contents(ofFile path: String, limit: Int) -> Result<[UInt8], FileReadError> {
    switch kind(ofItem: path) {
    case .missing: return .failure(.notFound)
    case .directory: return .failure(.isDirectory)
    case .file: break
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      return .failure(.unreadable("permission denied or unreadable"))
    }
    defer { try? handle.close() }
    // Read at most one byte past the limit: a huge (or endless, like /dev/zero) file costs nothing.
    guard let data = try? handle.read(upToCount: limit + 1) else {
      return .success([])
    }
    if data.count > limit {
      let size = (try? handle.seekToEnd()).map { Int($0) } ?? data.count
      return .failure(.tooLarge(bytes: max(size, data.count), limit: limit))
    }
    return .success([UInt8](data))
  }

  public func kind(ofItem path: String) -> FileKind {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
    return isDirectory.boolValue ? .directory : .file
  }
}

/// A file system held in memory: a dictionary from path to bytes. Directories exist implicitly as
/// the parents of stored files. Paths are compared as written (no normalisation), so tests should
/// store files under the exact paths the recipe resolves to.
public struct InMemoryFileSystem: FileSystem {
  public var files: [String: [UInt8]]

  public init(files: [String: [UInt8]] = [:]) {
    self.files = files
  }

  /// Convenience: files given as UTF-8 text.
  public init(textFiles: [String: String]) {
    self.files = textFiles.mapValues { Array($0.utf8) }
  }

  public func contents(ofFile path: String, limit: Int) -> Result<[UInt8], FileReadError> {
    if let bytes = files[path] {
      return bytes.count > limit ? .failure(.tooLarge(bytes: bytes.count, limit: limit)) : .success(bytes)
    }
    return kind(ofItem: path) == .directory ? .failure(.isDirectory) : .failure(.notFound)
  }

  public func kind(ofItem path: String) -> FileKind {
    if files[path] != nil { return .file }
    let prefix = path.hasSuffix("/") ? path : path + "/"
    return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : .missing
  }
}

/// Path helpers shared by the parser and the plan: recipe paths are relative to the recipe file.
public enum RecipePath {
  /// The directory part of `path` (`""` for a bare file name, `/` for a file in the root).
  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// `path` resolved against `directory`: absolute paths stay as they are; relative ones are joined
  /// without normalisation (so `recipes` + `../x.png` gives `recipes/../x.png`, which is correct
  /// even when `recipes` is a symbolic link).
  public static func resolve(_ path: String, relativeTo directory: String) -> String {
    if path.hasPrefix("/") || directory.isEmpty { return path }
    return directory.hasSuffix("/") ? directory + path : directory + "/" + path
  }
}

/// Reads what a video input holds (frame count, size, rate, audio), for `load: clip.mp4`: the
/// parser needs the frame count for `frames:` and keyframe checks. The run layer implements it
/// with ffprobe; tests use a fake.
public protocol VideoProbe: Sendable {
  /// The video at `path` (an existing file), or a one-line reason it cannot be read as one.
  func probe(_ path: String) -> Result<VideoInfo, VideoProbeError>
}

/// Why a file could not be read as a video: the message says what to do.
public struct VideoProbeError: Error, Sendable, Equatable {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }
}

/// A probe that asks `wrapped` once per path: the variants of a sweep share their input video.
final class CachingVideoProbe: VideoProbe {
  private let wrapped: any VideoProbe
  private let answers = Mutex<[String: Result<VideoInfo, VideoProbeError>]>([:])

  init(_ wrapped: any VideoProbe) {
    self.wrapped = wrapped
  }

  func probe(_ path: String) -> Result<VideoInfo, VideoProbeError> {
    if let known = answers.withLock({ $0[path] }) { return known }
    let answer = wrapped.probe(path)
    answers.withLock { $0[path] = answer }
    return answer
  }
}
