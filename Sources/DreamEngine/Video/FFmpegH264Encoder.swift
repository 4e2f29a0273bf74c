import DreamVocabulary
import Dispatch
import Foundation

/// Encodes an ordered list of same-size, same-format image files to an H.264 .mp4 by running the
/// `ffmpeg` executable (libx264, yuv420p, `+faststart`).
///
/// The frames' bytes are piped to ffmpeg's standard input (`png_pipe` / `jpeg_pipe`), one after
/// the other, so any frame names and orders work and nothing is left in a temporary folder. If
/// dream-run dies (even by `kill -9`) ffmpeg sees the end of its input and exits; `shouldStop`
/// (Ctrl-C) stops ffmpeg between two frames. Odd widths or heights are cropped by one pixel on the
/// right/bottom, because yuv420p needs even dimensions. ffmpeg writes a hidden temporary file
/// beside the destination (``VideoFiles/temporary(for:)``), renamed over it on success.
struct FFmpegH264Encoder {
  /// The ffmpeg executable to run.
  let executable: URL

  /// Finds `ffmpeg` in a PATH-style list of folders (`nil` means the process's `PATH`).
  static func locate(searchPath: String? = nil) -> URL? {
    VideoInput.locate("ffmpeg", searchPath: searchPath)
  }

  /// Runs ffmpeg over `frames` (already validated: readable, all `kind`, all `width` x `height`).
  func encode(
    frames: [URL], kind: ImageFileKind, width: Int, height: Int, fps: Double, crf: Int, audio: URL? = nil,
    to output: URL, shouldStop: () -> Bool = { false }
  ) throws(VideoError) {
    let name = ImageCodec.displayName(of: output)
    let partial = VideoFiles.temporary(for: output)
    var arguments = [
      "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
      "-f", kind == .png ? "png_pipe" : "jpeg_pipe", "-framerate", Self.rateArgument(fps), "-i", "pipe:0",
    ]
    if let audio {
      // The frames' timeline decides the length: the audio is padded with silence, then cut where
      // the frames end.
      arguments += [
        "-i", audio.path, "-map", "0:v:0", "-map", "1:a:0", "-af", "apad", "-c:a", "aac", "-b:a", "128k",
        "-shortest",
      ]
    }
    let evenWidth = width - width % 2
    let evenHeight = height - height % 2
    if evenWidth != width || evenHeight != height {
      arguments += ["-vf", "crop=\(evenWidth):\(evenHeight):0:0"]
    }
    arguments += [
      "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", String(crf), "-r", Self.rateArgument(fps),
      "-movflags", "+faststart", "-f", "mp4", partial.path,
    ]
    try finish(arguments, frames: frames, partial: partial, output: output, shouldStop: shouldStop)
  }

  /// An animated GIF of `frames`: one palette made from all frames (`palettegen`), applied with
  /// error diffusion (`paletteuse`), looping forever.
  func encodeGIF(
    frames: [URL], kind: ImageFileKind, fps: Double, to output: URL, shouldStop: () -> Bool = { false }
  ) throws(VideoError) {
    let partial = VideoFiles.temporary(for: output)
    let arguments = [
      "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
      "-f", kind == .png ? "png_pipe" : "jpeg_pipe", "-framerate", Self.rateArgument(fps), "-i", "pipe:0",
      "-vf", "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a",
      "-loop", "0", "-f", "gif", partial.path,
    ]
    try finish(arguments, frames: frames, partial: partial, output: output, shouldStop: shouldStop)
  }

  /// Runs ffmpeg, then renames its file over `output`, or removes it and says why.
  private func finish(
    _ arguments: [String], frames: [URL], partial: URL, output: URL, shouldStop: () -> Bool
  ) throws(VideoError) {
    let name = ImageCodec.displayName(of: output)
    let (status, errorText) = try run(arguments, frames: frames, output: name, shouldStop: shouldStop)
    guard let status else {
      try? FileManager.default.removeItem(at: partial)
      throw .cancelled(output: name)
    }
    guard status == 0 else {
      try? FileManager.default.removeItem(at: partial)
      let lines = errorText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      let detail = lines.last { !$0.isEmpty } ?? "no message"
      throw .ffmpegFailed(output: name, status: status, detail: detail)
    }
    try VideoFiles.rename(partial, over: output)
  }

  /// Runs ffmpeg, writing every frame's bytes to its standard input; returns its exit status (nil
  /// when `shouldStop` ended it) and what it printed on stderr.
  private func run(
    _ arguments: [String], frames: [URL], output name: String, shouldStop: () -> Bool
  ) throws(VideoError) -> (Int32?, String) {
    // A write to ffmpeg after it exited must fail with EPIPE (its status says why), not kill us.
    signal(SIGPIPE, SIG_IGN)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw .ffmpegFailed(
        output: name, status: -1, detail: "cannot start \(executable.path): \(error.localizedDescription)")
    }
    // Drain stderr meanwhile, so a chatty ffmpeg cannot block on a full pipe.
    let collected = ErrorText()
    let drained = DispatchGroup()
    DispatchQueue.global().async(group: drained) {
      collected.set(errors.fileHandleForReading.readDataToEndOfFile())
    }
    var stopped = false
    for frame in frames {
      if shouldStop() {
        stopped = true
        break
      }
      guard let bytes = try? Data(contentsOf: frame),
        (try? input.fileHandleForWriting.write(contentsOf: bytes)) != nil
      else { break }  // ffmpeg stopped reading (it failed) or the frame vanished: its status tells
    }
    try? input.fileHandleForWriting.close()
    // ffmpeg still encodes what it buffered: keep polling, so Ctrl-C is not held up by it.
    while process.isRunning {
      if !stopped, shouldStop() { stopped = true }
      if stopped { process.terminate() }
      usleep(20_000)
    }
    process.waitUntilExit()
    drained.wait()
    return (stopped ? nil : process.terminationStatus, collected.text)
  }

  /// ffmpeg's rate syntax: whole rates as integers, NTSC-style ones as n/1001, others as decimals.
  static func rateArgument(_ fps: Double) -> String {
    let (rate, scale) = AVIHeader.rational(fps: fps)
    return scale == 1 ? String(rate) : "\(rate)/\(scale)"
  }
}

/// ffmpeg's stderr, filled by the draining thread.
private final class ErrorText: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()

  func set(_ data: Data) {
    lock.lock()
    self.data = data
    lock.unlock()
  }

  var text: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: data, as: UTF8.self)
  }
}
