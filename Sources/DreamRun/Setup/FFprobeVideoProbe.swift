import DreamEngine
import DreamVocabulary
import RecipeParser

/// The parser's view of video inputs, read by ffprobe (`VideoInput.probe`).
public struct FFprobeVideoProbe: VideoProbe {
  public init() {}

  public func probe(_ path: String) -> Result<VideoInfo, VideoProbeError> {
    do {
      return .success(try VideoInput.probe(path))
    } catch {
      // The parser names the file (with line and column) itself.
      return .failure(VideoProbeError(error.reason))
    }
  }
}
