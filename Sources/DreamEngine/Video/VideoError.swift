import DreamVocabulary
import Foundation

/// A problem assembling frames into a video. Each `description` is one line naming the file
/// (video or frame) and saying what to do.
public enum VideoError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// The frame list is empty.
  case noFrames(output: String)
  /// A frame rate that is not finite, not above 0 or above `VideoOptions.maximumFPS`.
  case invalidFPS(output: String, fps: Double)
  /// A JPEG quality (used to re-encode PNG frames for MJPEG) outside 1...100.
  case invalidJPEGQuality(output: String, quality: Int)
  /// An H.264 constant rate factor outside 0...51.
  case invalidCRF(output: String, crf: Int)
  /// An output path whose extension is neither .avi nor .mp4.
  case unknownContainer(output: String)
  /// A frame that could not be read or decoded (the codec error names the frame).
  case badFrame(ImageCodecError)
  /// Bytes given to the MJPEG writer that are not a JPEG image with a readable size.
  case notJPEG(frame: String)
  /// A frame whose size differs from the first frame's.
  case frameSizeMismatch(
    frame: String, width: Int, height: Int, firstFrame: String, firstWidth: Int, firstHeight: Int)
  /// An .mp4 frame list mixing PNG and JPEG files.
  case mixedFrameFormats(frame: String, kind: ImageFileKind, firstFrame: String, firstKind: ImageFileKind)
  /// Frames smaller than 2x2, which H.264 with 4:2:0 chroma cannot hold.
  case tooSmallForH264(output: String, width: Int, height: Int)
  /// No `ffmpeg` executable on the search path.
  case ffmpegNotFound(output: String)
  /// ffmpeg ran and exited with a non-zero status; `detail` is the last line it printed.
  case ffmpegFailed(output: String, status: Int32, detail: String)
  /// The AVI would exceed `MJPEGAVIWriter.maximumFileSize`.
  case tooLarge(output: String)
  /// The video (or a temporary file beside it) could not be written.
  case unwritable(file: String, reason: String)
  /// `shouldStop` turned true (Ctrl-C) while the video was being written; nothing was left behind.
  case cancelled(output: String)

  public var description: String {
    switch self {
    case .noFrames(let output):
      return "\(output): no frames to write; check the frame list (were the frames saved?)"
    case .invalidFPS(let output, let fps):
      let shown = fps.isFinite && fps == fps.rounded() && abs(fps) < 1e15 ? String(Int(fps)) : String(fps)
      return "\(output): fps \(shown) is invalid; use a frame rate above 0 and at most "
        + "\(Int(VideoOptions.maximumFPS))"
    case .invalidJPEGQuality(let output, let quality):
      return "\(output): JPEG quality \(quality) is out of range; use a quality from 1 to 100"
    case .invalidCRF(let output, let crf):
      return "\(output): H.264 CRF \(crf) is out of range; use 0 (lossless) to 51 (smallest)"
    case .unknownContainer(let output):
      return
        "\(output): unknown video extension; use .avi (MJPEG), .mp4 (H.264 via ffmpeg) or .gif (via ffmpeg)"
    case .badFrame(let error):
      return error.description
    case .notJPEG(let frame):
      return "\(frame): not a JPEG image with a readable size; MJPEG AVI frames must be JPEG data"
    case .frameSizeMismatch(let frame, let width, let height, let first, let firstWidth, let firstHeight):
      return "\(frame): frame is \(width)x\(height) but \(first) is \(firstWidth)x\(firstHeight); "
        + "every frame of a video must have the same size"
    case .mixedFrameFormats(let frame, let kind, let first, let firstKind):
      return "\(frame): frame is \(kind.displayName) but \(first) is \(firstKind.displayName); "
        + "save every frame of an .mp4 video in one format"
    case .tooSmallForH264(let output, let width, let height):
      return "\(output): \(width)x\(height) frames are too small for H.264 (at least 2x2); "
        + "use an .avi output or larger frames"
    case .ffmpegNotFound(let output):
      return "\(output): ffmpeg not found on PATH; install ffmpeg (apt-get install ffmpeg) "
        + "or use an .avi output"
    case .ffmpegFailed(let output, let status, let detail):
      return "\(output): ffmpeg failed (exit status \(status)): \(detail); check that ffmpeg has "
        + "libx264, or use an .avi output"
    case .tooLarge(let output):
      return "\(output): the video would exceed the \(MJPEGAVIWriter.maximumFileSize) byte limit of "
        + "AVI 1.0 files; use an .mp4 output, fewer frames or a lower JPEG quality"
    case .unwritable(let file, let reason):
      return WriteFailure.message(file, reason: reason)
    case .cancelled(let output):
      return "\(output): stopped before the video was finished (nothing was written); rerun to make it"
    }
  }

  public var errorDescription: String? { description }
}
