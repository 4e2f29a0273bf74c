/// The kinds of image file dream-run reads and writes. A file's name chooses the kind of a file to
/// write (``forPath(_:)``); a file read is recognised by its first bytes (the codecs' job).
public enum ImageFileKind: String, CaseIterable, Sendable, Hashable {
  case png
  case jpeg

  /// The extensions (lower case) that name each kind.
  public var extensions: [String] {
    switch self {
    case .png: return ["png"]
    case .jpeg: return ["jpg", "jpeg"]
    }
  }

  /// `PNG`, `JPEG`: how messages name the kind.
  public var displayName: String { rawValue.uppercased() }

  /// The kind a path's extension names (case-insensitive), or nil.
  public static func forPath(_ path: String) -> ImageFileKind? {
    let ext = FileExtension.of(path)
    return allCases.first { $0.extensions.contains(ext) }
  }
}

/// Video containers, each with the codec it implies: `.avi` Motion JPEG, `.mp4` H.264, `.gif`
/// an animated GIF (256 colours, one palette for the whole clip).
public enum VideoContainer: String, CaseIterable, Sendable, Hashable {
  case avi
  case mp4
  case gif

  /// Whether writing it needs the `ffmpeg` executable (the .avi writer is dream-run's own).
  public var needsFFmpeg: Bool { self != .avi }

  /// The container a path's extension names (case-insensitive), or nil.
  public static func forPath(_ path: String) -> VideoContainer? {
    let ext = FileExtension.of(path)
    return allCases.first { $0.rawValue == ext }
  }
}

/// File-name extensions, the one place they are read.
public enum FileExtension {
  /// The lower-cased extension of the last path component, without the dot (`""` when none; a
  /// leading dot, as in `.hidden`, starts no extension).
  public static func of(_ path: String) -> String {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
    return String(name[name.index(after: dot)...]).lowercased()
  }
}
