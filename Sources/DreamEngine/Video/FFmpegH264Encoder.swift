import Foundation

/// Encodes an ordered list of same-size, same-format image files to an H.264 .mp4 by running the
/// `ffmpeg` executable (libx264, yuv420p, `+faststart`).
///
/// The frames are exposed to ffmpeg as numbered symbolic links in a temporary folder (so any frame
/// names and orders work, and a JPEG named `.png` is still read as JPEG). Odd widths or heights are
/// cropped by one pixel on the right/bottom, because yuv420p needs even dimensions. ffmpeg writes
/// `<name>.partial` beside the destination, which is renamed over it on success.
struct FFmpegH264Encoder {
  /// The ffmpeg executable to run.
  let executable: URL

  /// Finds `ffmpeg` in a PATH-style list of folders (`nil` means the process's `PATH`).
  static func locate(searchPath: String? = nil) -> URL? {
    let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":") where !folder.isEmpty {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("ffmpeg")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// Runs ffmpeg over `frames` (already validated: readable, all `kind`, all `width` x `height`).
  func encode(
    frames: [URL], kind: ImageFileKind, width: Int, height: Int, fps: Double, crf: Int, to output: URL
  ) throws(VideoError) {
    let name = ImageCodec.displayName(of: output)
    let links = FileManager.default.temporaryDirectory
      .appendingPathComponent("dream-run-ffmpeg-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: links) }
    let ext: String
    switch kind {
    case .png: ext = "png"
    case .jpeg: ext = "jpg"
    }
    do {
      try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
      for (i, frame) in frames.enumerated() {
        let link = links.appendingPathComponent(Self.linkName(i, ext: ext))
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: frame.absoluteURL)
      }
    } catch {
      throw .unwritable(file: ImageCodec.displayName(of: links), reason: error.localizedDescription)
    }

    let partial = output.deletingLastPathComponent().appendingPathComponent(
      output.lastPathComponent + ".partial")
    var arguments = [
      "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
      "-framerate", Self.rateArgument(fps), "-start_number", "0",
      "-i", links.appendingPathComponent("%08d.\(ext)").path,
    ]
    let evenWidth = width - width % 2
    let evenHeight = height - height % 2
    if evenWidth != width || evenHeight != height {
      arguments += ["-vf", "crop=\(evenWidth):\(evenHeight):0:0"]
    }
    arguments += [
      "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", String(crf), "-r", Self.rateArgument(fps),
      "-movflags", "+faststart", "-f", "mp4", partial.path,
    ]
    let (status, errorText) = try run(arguments, output: name)
    guard status == 0 else {
      try? FileManager.default.removeItem(at: partial)
      let lines = errorText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      let detail = lines.last { !$0.isEmpty } ?? "no message"
      throw .ffmpegFailed(output: name, status: status, detail: detail)
    }
    try VideoFiles.rename(partial, over: output)
  }

  /// Runs ffmpeg to completion, returning its exit status and what it printed on stderr.
  private func run(_ arguments: [String], output name: String) throws(VideoError) -> (Int32, String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let errors = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw .ffmpegFailed(
        output: name, status: -1, detail: "cannot start \(executable.path): \(error.localizedDescription)")
    }
    // Drain stderr before waiting, so a chatty ffmpeg cannot block on a full pipe.
    let text = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: text, as: UTF8.self))
  }

  static func linkName(_ index: Int, ext: String) -> String {
    let digits = String(index)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "." + ext
  }

  /// ffmpeg's rate syntax: whole rates as integers, NTSC-style ones as n/1001, others as decimals.
  static func rateArgument(_ fps: Double) -> String {
    let (rate, scale) = AVIHeader.rational(fps: fps)
    return scale == 1 ? String(rate) : "\(rate)/\(scale)"
  }
}
