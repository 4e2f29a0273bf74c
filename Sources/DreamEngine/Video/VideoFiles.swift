import Foundation

/// Small file-system helpers for the video writers.
enum VideoFiles {
  /// Atomically renames `source` to `destination`, replacing any file there (POSIX rename(2);
  /// both must be on the same file system, which a sibling temporary file always is).
  static func rename(_ source: URL, over destination: URL) throws(VideoError) {
    guard Foundation.rename(source.path, destination.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: source)
      throw .unwritable(file: ImageCodec.displayName(of: destination), reason: reason)
    }
  }

  /// The hidden temporary file a writer builds `output` in: `.<name>.<pid>.dream-run.tmp` in the
  /// same folder (so the final rename is atomic, and a killed run's leftover is removed by the next
  /// run's clean-up of `*.dream-run.tmp` files).
  static func temporary(for output: URL) -> URL {
    output.deletingLastPathComponent().appendingPathComponent(
      "." + output.lastPathComponent + ".\(getpid()).dream-run.tmp")
  }

  /// The folder that must exist for `output` to be written, checked up front so a long frame loop
  /// does not fail at the end.
  static func checkFolder(of output: URL) throws(VideoError) {
    let folder = output.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw .unwritable(
        file: ImageCodec.displayName(of: output),
        reason: "folder \(ImageCodec.displayName(of: folder)) does not exist")
    }
  }
}
