/// What a video file holds, as far as dream-run uses it (read by ffprobe).
public struct VideoInfo: Sendable, Equatable, Hashable {
  public let width: Int
  public let height: Int
  /// Frames of the first video stream.
  public let frameCount: Int
  /// Its average frame rate.
  public let fps: Double
  /// Whether the file has an audio stream.
  public let hasAudio: Bool

  public init(width: Int, height: Int, frameCount: Int, fps: Double, hasAudio: Bool) {
    self.width = width
    self.height = height
    self.frameCount = frameCount
    self.fps = fps
    self.hasAudio = hasAudio
  }

  /// Extensions (lower case) of the video files `load` accepts; ffmpeg decodes them.
  public static let inputExtensions = ["mp4", "mov", "m4v", "mkv", "webm", "avi"]

  /// Whether a path's extension names a video file `load` reads.
  public static func isVideoPath(_ path: String) -> Bool {
    inputExtensions.contains(FileExtension.of(path))
  }
}
