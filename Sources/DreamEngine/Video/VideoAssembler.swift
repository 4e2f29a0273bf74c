import DreamVocabulary
import Foundation

/// How frames become a video.
public struct VideoOptions: Equatable, Sendable {
  /// The highest accepted frame rate.
  public static let maximumFPS: Double = 1000

  /// Frames per second, above 0 and at most `maximumFPS` (fractional rates such as 29.97 are fine).
  public var fps: Double
  /// AVI only: quality 1...100 for re-encoding PNG frames as JPEG (JPEG frames are copied as-is).
  public var jpegQuality: Int
  /// MP4 only: x264 constant rate factor 0...51 (lower is better; 18 is visually near-lossless).
  public var crf: Int
  /// MP4 only: the PATH-style folder list searched for `ffmpeg`; `nil` means the process's `PATH`.
  public var ffmpegSearchPath: String?
  /// MP4 only: a media file whose first audio stream is copied in (re-encoded as AAC, cut to the
  /// video's length); the MJPEG .avi writer carries no audio.
  public var audioSource: URL?

  public init(
    fps: Double, jpegQuality: Int = ImageFormat.defaultJPEGQuality, crf: Int = 18,
    ffmpegSearchPath: String? = nil, audioSource: URL? = nil
  ) {
    self.fps = fps
    self.jpegQuality = jpegQuality
    self.crf = crf
    self.ffmpegSearchPath = ffmpegSearchPath
    self.audioSource = audioSource
  }
}

/// What `VideoAssembler.write` produced.
public struct VideoSummary: Equatable, Sendable {
  public var container: VideoContainer
  public var frameCount: Int
  /// The frames' size (an .mp4 of odd-sized frames is one pixel narrower/shorter, see
  /// `VideoAssembler`).
  public var width: Int
  public var height: Int
  /// Whether an audio track was written.
  public var hasAudio: Bool

  public init(container: VideoContainer, frameCount: Int, width: Int, height: Int, hasAudio: Bool = false) {
    self.container = container
    self.frameCount = frameCount
    self.width = width
    self.height = height
    self.hasAudio = hasAudio
  }
}

/// Assembles an ordered list of frame files (PNG or JPEG) into a video.
///
/// The caller decides the order (see `FrameOrdering` for numeric file-name order). Every frame is
/// read and fully decoded first, so a missing, truncated or corrupt frame, or one of a different
/// size, is reported by name instead of producing a damaged video. Frames are processed one at a
/// time, so memory does not grow with the number of frames.
/// - `.avi`: MJPEG; JPEG frames are stored byte-for-byte, PNG frames are encoded as JPEG with
///   `options.jpegQuality`.
/// - `.mp4`: H.264 via `ffmpeg` (found on `options.ffmpegSearchPath`); all frames must share one
///   format; odd dimensions are cropped to even ones (yuv420p).
/// The video appears at `output` only when complete (temporary file + rename).
public enum VideoAssembler {
  @discardableResult
  ///
  /// - Parameter shouldStop: polled between frames; when it turns true the video is abandoned
  ///   (ffmpeg is stopped, the temporary file removed) and ``VideoError/cancelled(output:)`` thrown.
  public static func write(
    frames: [URL], to output: URL, options: VideoOptions, shouldStop: () -> Bool = { false }
  ) throws(VideoError) -> VideoSummary {
    let name = ImageCodec.displayName(of: output)
    guard let container = VideoContainer.forPath(name) else { throw .unknownContainer(output: name) }
    guard options.fps.isFinite, options.fps > 0, options.fps <= VideoOptions.maximumFPS else {
      throw .invalidFPS(output: name, fps: options.fps)
    }
    guard !frames.isEmpty else { throw .noFrames(output: name) }
    try VideoFiles.checkFolder(of: output)
    switch container {
    case .avi:
      guard (1...100).contains(options.jpegQuality) else {
        throw .invalidJPEGQuality(output: name, quality: options.jpegQuality)
      }
      return try writeAVI(frames: frames, to: output, options: options, shouldStop: shouldStop)
    case .mp4, .gif:
      guard (0...51).contains(options.crf) else { throw .invalidCRF(output: name, crf: options.crf) }
      guard let ffmpeg = FFmpegH264Encoder.locate(searchPath: options.ffmpegSearchPath) else {
        throw .ffmpegNotFound(output: name)
      }
      return try writeWithFFmpeg(
        container: container,
        frames: frames, to: output, options: options, ffmpeg: ffmpeg, shouldStop: shouldStop)
    }
  }

  private static func writeAVI(
    frames: [URL], to output: URL, options: VideoOptions, shouldStop: () -> Bool
  ) throws(VideoError) -> VideoSummary {
    var writer: MJPEGAVIWriter? = nil
    var first = ""
    for frame in frames {
      if shouldStop() { throw .cancelled(output: ImageCodec.displayName(of: output)) }
      let (bytes, image, kind) = try load(frame)
      let frameName = ImageCodec.displayName(of: frame)
      let active: MJPEGAVIWriter
      if let writer {
        active = writer
        guard image.width == active.width, image.height == active.height else {
          throw .frameSizeMismatch(
            frame: frameName, width: image.width, height: image.height, firstFrame: first,
            firstWidth: active.width, firstHeight: active.height)
        }
      } else {
        active = try MJPEGAVIWriter(url: output, width: image.width, height: image.height, fps: options.fps)
        writer = active
        first = frameName
      }
      switch kind {
      case .jpeg:
        try active.append(jpeg: bytes, name: frameName)
      case .png:
        let jpeg: [UInt8]
        do {
          jpeg = try ImageCodec.encodeRGB8(image, as: .jpeg(quality: options.jpegQuality), name: frameName)
        } catch {
          throw .badFrame(error)
        }
        try active.append(jpeg: jpeg, name: frameName)
      }
    }
    guard let writer else { throw .noFrames(output: ImageCodec.displayName(of: output)) }
    try writer.finish()
    return VideoSummary(
      container: .avi, frameCount: writer.frameCount, width: writer.width, height: writer.height)
  }

  private static func writeWithFFmpeg(
    container: VideoContainer, frames: [URL], to output: URL, options: VideoOptions, ffmpeg: URL,
    shouldStop: () -> Bool
  ) throws(VideoError) -> VideoSummary {
    var firstName = ""
    var firstKind = ImageFileKind.png
    var width = 0
    var height = 0
    for (i, frame) in frames.enumerated() {
      if shouldStop() { throw .cancelled(output: ImageCodec.displayName(of: output)) }
      let (_, image, kind) = try load(frame)
      let frameName = ImageCodec.displayName(of: frame)
      if i == 0 {
        (firstName, firstKind, width, height) = (frameName, kind, image.width, image.height)
        continue
      }
      guard kind == firstKind else {
        throw .mixedFrameFormats(frame: frameName, kind: kind, firstFrame: firstName, firstKind: firstKind)
      }
      guard image.width == width, image.height == height else {
        throw .frameSizeMismatch(
          frame: frameName, width: image.width, height: image.height, firstFrame: firstName,
          firstWidth: width, firstHeight: height)
      }
    }
    if container == .gif {
      try FFmpegH264Encoder(executable: ffmpeg).encodeGIF(
        frames: frames, kind: firstKind, fps: options.fps, to: output, shouldStop: shouldStop)
      return VideoSummary(container: .gif, frameCount: frames.count, width: width, height: height)
    }
    guard width >= 2, height >= 2 else {
      throw .tooSmallForH264(output: ImageCodec.displayName(of: output), width: width, height: height)
    }
    try FFmpegH264Encoder(executable: ffmpeg).encode(
      frames: frames, kind: firstKind, width: width, height: height, fps: options.fps, crf: options.crf,
      audio: options.audioSource, to: output, shouldStop: shouldStop)
    return VideoSummary(
      container: .mp4, frameCount: frames.count, width: width - width % 2, height: height - height % 2,
      hasAudio: options.audioSource != nil)
  }

  /// Reads and fully decodes one frame (to validate it), returning its bytes, pixels and format.
  private static func load(_ frame: URL) throws(VideoError) -> ([UInt8], RGB8Image, ImageFileKind) {
    do {
      let bytes = try ImageCodec.readBytes(of: frame)
      let name = ImageCodec.displayName(of: frame)
      let result = bytes.withUnsafeBytes { raw in
        Result { () throws(ImageCodecError) in try ImageCodec.decodeRGB8(raw, name: name) }
      }
      let image = try result.get()
      guard let kind = ImageFileKind.detect(bytes) else {
        preconditionFailure("VideoAssembler: decoded bytes of unknown kind")
      }
      return (bytes, image, kind)
    } catch {
      throw .badFrame(error)
    }
  }
}
