import DreamVocabulary
internal import Yams
import Suggestions

extension StepReader {
  static let videoKeys = ["path", "fps", "from"]
  static let defaultFPS = 24.0

  /// `video: path` or `video: {path, fps, from}`; `from` names the save step (by its path as
  /// written) whose frames make the video, by default the last save step.
  func video(_ node: Node, at location: SourceLocation, number: Int, saves pipeline: [PipelineStep])
    -> Located<VideoStep>?
  {
    var pathNode = node
    var fpsNode: Node?
    var fromNode: Node?
    if case .mapping = node {
      guard let fields = reader.fields(of: node, stage: "video", allowed: Self.videoKeys) else { return nil }
      guard let value = reader.required("path", in: fields, stage: "video") else { return nil }
      pathNode = value
      fpsNode = fields["fps"]
      fromNode = fields["from"]
    }
    guard var path = path(pathNode, "video", "video", example: "video: zoom.mp4") else { return nil }
    // No extension: the caller's choice (.mp4 where ffmpeg is installed, else .avi).
    let automatic = FileExtension.of(path.value).isEmpty
    if automatic {
      path = Located(path.value + "." + reader.defaultVideoContainer.rawValue, at: path.location)
    }
    guard let container = VideoContainer.forPath(path.value) else {
      let other = FileExtension.of(path.value)
      reader.error(
        "video",
        "unknown video format ('.\(other)') for '\(path.value)'; use .mp4, .avi or .gif, or no extension "
          + "(.mp4 where ffmpeg is installed, else .avi)", at: path.location)
      return nil
    }
    if path.value.contains("{") || path.value.contains("}") {
      reader.error("video", "a video path has no placeholders; got '\(path.value)'", at: path.location)
      return nil
    }
    // A video input's own rate by default, so the output plays at the input's speed.
    var fps = Located(context.inputVideo?.fps ?? Self.defaultFPS, at: path.location)
    if let fpsNode {
      guard
        let value = reader.checked(
          reader.number(fpsNode, "video", "fps"), "video", "fps", "must be 0.001...1000",
          { $0 >= 0.001 && $0 <= 1000 })
      else { return nil }
      fps = value
    }
    let saves = pipeline.filter { step in
      switch step.operation {
      case .save: return true
      case .zoom, .transform, .matchColors, .tint, .clip, .quantize, .dream: return false
      }
    }
    let sourceStep: PipelineStep?
    if let fromNode {
      guard let from = self.path(fromNode, "video", "from", example: "from: frames/{frame:04}.jpg") else {
        return nil
      }
      sourceStep = saves.first { step in
        if case .save(let save) = step.operation { return save.path.value.text == from.value }
        return false
      }
      if sourceStep == nil {
        let written = saves.compactMap { step -> String? in
          if case .save(let save) = step.operation { return save.path.value.text }
          return nil
        }
        let hint = Suggestion.hint(for: from.value, in: written)
        reader.error(
          "video", "'from' must be the path of a save step; none writes '\(from.value)'\(hint)", at: fromNode)
        return nil
      }
    } else {
      sourceStep = saves.last
      if sourceStep == nil {
        reader.error("video", "no 'save' step writes frames for this video; add one before it", at: location)
        return nil
      }
    }
    guard let sourceStep, let index = pipeline.firstIndex(of: sourceStep) else { return nil }
    let video = VideoStep(
      path: path, resolvedPath: RecipePath.resolve(path.value, relativeTo: context.recipeDirectory),
      container: container, fps: fps, sourceStep: index, number: number, automaticContainer: automatic)
    return Located(video, at: location)
  }
}
