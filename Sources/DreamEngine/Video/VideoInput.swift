import DreamVocabulary
import Dispatch
import Foundation

/// Why a video input could not be read. One line each, naming the file and what to do.
public enum VideoInputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `ffprobe` or `ffmpeg` is not on the search path.
  case toolNotFound(tool: String, file: String)
  /// ffprobe found no video stream, or could not read the file as media at all.
  case notAVideo(file: String, detail: String)
  /// The decoder ended before frame `frame` (ffprobe counted `expected`).
  case endedEarly(file: String, frame: Int, expected: Int)
  /// ffmpeg failed while decoding.
  case decodeFailed(file: String, detail: String)

  public var description: String { "\(file): \(reason)" }

  /// The file the error is about.
  public var file: String {
    switch self {
    case .toolNotFound(_, let file), .notAVideo(let file, _), .endedEarly(let file, _, _),
      .decodeFailed(let file, _):
      return file
    }
  }

  /// What went wrong and what to do, without the file name.
  public var reason: String {
    switch self {
    case .toolNotFound(let tool, _):
      return "reading a video input needs \(tool) (part of ffmpeg); install ffmpeg "
        + "(e.g. apt-get install ffmpeg) or load an image"
    case .notAVideo(_, let detail):
      return "not a video ffmpeg can read (\(detail)); give an .mp4, .mov, .mkv, .webm or .avi file"
    case .endedEarly(_, let frame, let expected):
      return "the video ended at frame \(frame) although ffprobe counted \(expected) frames; "
        + "re-encode it (e.g. ffmpeg -i in.mp4 out.mp4) or use fewer frames"
    case .decodeFailed(_, let detail):
      return "ffmpeg could not decode the video (\(detail))"
    }
  }
}

/// Video files read through the `ffprobe` and `ffmpeg` executables.
public enum VideoInput {
  /// Finds an executable named `name` in a PATH-style folder list (nil: the process's `PATH`).
  public static func locate(_ name: String, searchPath: String? = nil) -> URL? {
    let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":") where !folder.isEmpty {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// The first video stream's size, frame count (packets counted, which reads the whole file)
  /// and average rate, and whether there is an audio stream.
  public static func probe(_ path: String, searchPath: String? = nil) throws(VideoInputError) -> VideoInfo {
    let name = ImageCodec.displayName(of: URL(fileURLWithPath: path))
    guard let ffprobe = locate("ffprobe", searchPath: searchPath) else {
      throw .toolNotFound(tool: "ffprobe", file: name)
    }
    let (status, output, errors) = run(
      ffprobe,
      [
        "-v", "error", "-count_packets", "-show_entries",
        "stream=codec_type,width,height,avg_frame_rate,nb_read_packets", "-of", "json",
        // Absolute, so that a name starting with '-' is never read as an option.
        URL(fileURLWithPath: path).path,
      ])
    guard status == 0 else {
      var detail = lastLine(errors) ?? "ffprobe failed"
      let absolute = URL(fileURLWithPath: path).path
      for prefix in [absolute + ": ", path + ": "] where detail.hasPrefix(prefix) {
        detail.removeFirst(prefix.count)
      }
      throw .notAVideo(file: name, detail: detail)
    }
    guard let json = try? JSONSerialization.jsonObject(with: output) as? [String: Any],
      let streams = json["streams"] as? [[String: Any]]
    else { throw .notAVideo(file: name, detail: "ffprobe printed no stream list") }
    guard let video = streams.first(where: { $0["codec_type"] as? String == "video" }) else {
      throw .notAVideo(file: name, detail: "no video stream")
    }
    let width = video["width"] as? Int ?? 0
    let height = video["height"] as? Int ?? 0
    let frames = Int(video["nb_read_packets"] as? String ?? "") ?? 0
    let fps = rate(video["avg_frame_rate"] as? String ?? "")
    guard width > 0, height > 0, frames > 0, let fps, fps > 0 else {
      throw .notAVideo(
        file: name,
        detail: "\(width)x\(height), \(frames) frames, rate \(video["avg_frame_rate"] ?? "unknown")")
    }
    let audio = streams.contains { $0["codec_type"] as? String == "audio" }
    return VideoInfo(width: width, height: height, frameCount: frames, fps: fps, hasAudio: audio)
  }

  /// `30000/1001` -> 29.97...; nil for `0/0` or garbage.
  static func rate(_ text: String) -> Double? {
    let parts = text.split(separator: "/").compactMap { Double($0) }
    guard parts.count == 2, parts[1] > 0, parts[0] > 0 else { return nil }
    return parts[0] / parts[1]
  }

  static func lastLine(_ data: Data) -> String? {
    String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
  }

  /// Starts `executable` with no input and piped stdout and stderr; nil and the reason when it
  /// cannot start.
  static func launch(_ executable: URL, _ arguments: [String]) -> Result<(Process, Pipe, Pipe), LaunchFailure>
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = errors
    do {
      try process.run()
    } catch {
      return .failure(LaunchFailure(reason: "cannot start \(executable.path): \(error.localizedDescription)"))
    }
    return .success((process, output, errors))
  }

  struct LaunchFailure: Error {
    let reason: String
  }

  /// Runs a short-lived tool to completion; its status, stdout and stderr.
  private static func run(_ executable: URL, _ arguments: [String]) -> (Int32, Data, Data) {
    let process: Process
    let output: Pipe
    let errors: Pipe
    switch launch(executable, arguments) {
    case .success(let launched): (process, output, errors) = launched
    case .failure(let failure): return (-1, Data(), Data(failure.reason.utf8))
    }
    let collected = DataBox()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      collected.set(errors.fileHandleForReading.readDataToEndOfFile())
    }
    let stdout = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    group.wait()
    return (process.terminationStatus, stdout, collected.data)
  }
}

/// Reads the frames of a video in order, decoded by one `ffmpeg` process to raw RGB (`rgb24`,
/// every frame passed through as decoded: no frame dropped or repeated for timing). Asking for an
/// earlier frame than the last starts the decoder again. H.264 and the other codecs ffmpeg
/// decodes are bit-exact by their standards, so a frame's pixels are the same on every run.
public final class VideoFrameReader {
  public let path: String
  public let info: VideoInfo
  private let ffmpeg: URL
  private var process: Process?
  private var output: FileHandle?
  private var errors: Pipe?
  /// The index of the next frame the running decoder yields.
  private var next = 0
  private var last: (index: Int, image: RGBImage)?

  public init(path: String, info: VideoInfo, searchPath: String? = nil) throws(VideoInputError) {
    guard let ffmpeg = VideoInput.locate("ffmpeg", searchPath: searchPath) else {
      throw .toolNotFound(tool: "ffmpeg", file: ImageCodec.displayName(of: URL(fileURLWithPath: path)))
    }
    self.path = path
    self.info = info
    self.ffmpeg = ffmpeg
  }

  deinit { stop() }

  private var name: String { ImageCodec.displayName(of: URL(fileURLWithPath: path)) }

  /// Frame `index` (0-based) as a float RGB image at the video's own size.
  public func frame(_ index: Int) throws(VideoInputError) -> RGBImage {
    precondition(index >= 0, "VideoFrameReader: negative frame \(index)")
    if let last, last.index == index { return last.image }
    if process == nil || index < next { try start() }
    let size = info.width * info.height * 3
    while true {
      guard let output, let data = try? output.read(upToCount: size), data.count == size else {
        let detail = errors.flatMap { VideoInput.lastLine($0.fileHandleForReading.availableData) }
        stop()
        if let detail { throw .decodeFailed(file: name, detail: detail) }
        throw .endedEarly(file: name, frame: next, expected: info.frameCount)
      }
      defer { next += 1 }
      guard next == index else { continue }
      let pixels = data.withUnsafeBytes { raw in raw.bindMemory(to: UInt8.self).map(Float.init) }
      let image = RGBImage(width: info.width, height: info.height, pixels: pixels)
      last = (index, image)
      return image
    }
  }

  private func start() throws(VideoInputError) {
    stop()
    let launched = VideoInput.launch(
      ffmpeg,
      [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-i", URL(fileURLWithPath: path).path, "-map",
        "0:v:0",
        "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
      ])
    let (process, output, errors): (Process, Pipe, Pipe)
    switch launched {
    case .success(let started): (process, output, errors) = started
    case .failure(let failure): throw .decodeFailed(file: name, detail: failure.reason)
    }
    self.process = process
    self.output = output.fileHandleForReading
    self.errors = errors
    next = 0
  }

  /// Ends the decoder (it may still be writing frames nobody reads).
  public func stop() {
    guard let process else { return }
    if process.isRunning { process.terminate() }
    try? output?.close()
    process.waitUntilExit()
    self.process = nil
    output = nil
    errors = nil
  }
}

/// Bytes filled by a draining thread.
private final class DataBox: @unchecked Sendable {
  private let lock = NSLock()
  private var stored = Data()

  func set(_ data: Data) {
    lock.lock()
    stored = data
    lock.unlock()
  }

  var data: Data {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }
}
