import DreamVocabulary
internal import Yams
import Suggestions

/// What the step readers need to know about the whole recipe.
struct StepContext {
  /// The frame count, nil when `frames:` itself was invalid (range checks are then skipped).
  let frames: Int?
  /// The frame size when the recipe states it (`size:`), for checks of zoom crops.
  let size: ImageSize?
  let recipeDirectory: String
  /// The video input's probe, when `load` names a video that could be read.
  var inputVideo: VideoInfo? = nil
}

/// The steps of a recipe, split by role.
struct StepList {
  var load: Located<LoadStep>?
  var pipeline: [PipelineStep] = []
  var videos: [Located<VideoStep>] = []
}

/// Reads `steps:`: one single-key mapping per step (or a bare step name for steps whose settings
/// all have defaults), and enforces the order rules: `load` first and once, `video` last.
struct StepListReader {
  let reader: RecipeReader
  let context: StepContext

  func read(_ node: Node) -> StepList? {
    guard case .sequence(let sequence) = node else {
      reader.error("recipe", "'steps' must be a list of steps, got \(reader.describe(node))", at: node)
      return nil
    }
    guard sequence.count > 0 else {
      reader.error("recipe", "'steps' is empty; start with 'load: <image>'", at: node)
      return nil
    }
    var list = StepList()
    let steps = StepReader(reader: reader, context: context)
    var failed = false
    var sawVideo = false
    for (index, item) in sequence.enumerated() {
      let number = index + 1
      guard let header = header(of: item) else {
        failed = true
        continue
      }
      let stage = header.kind.rawValue
      let location = reader.location(of: header.key)
      if header.kind == .load, index != 0 {
        reader.error(
          stage, "'load' must be the first step (the input is read once, before the frames)", at: location)
        failed = true
      } else if header.kind != .load, index == 0 {
        reader.error(stage, "the first step must be 'load: <image>', got '\(stage)'", at: location)
        failed = true
      }
      if header.kind == .video {
        sawVideo = true
      } else if sawVideo {
        reader.error(
          stage,
          "'\(stage)' comes after a 'video' step; put 'video' steps last "
            + "(they run once, after all frames)", at: location)
        failed = true
      }
      switch header.kind {
      case .load:
        if index == 0 { list.load = steps.load(header.value, at: location) }
      case .video:
        if let video = steps.video(header.value, at: location, number: number, saves: list.pipeline) {
          list.videos.append(video)
        } else {
          failed = true
        }
      case .zoom, .transform, .matchColors, .tint, .clip, .quantize, .dream, .save:
        if let operation = steps.operation(header.kind, header.value, at: location, saves: list.pipeline) {
          if case .save(let save) = operation, let load = list.load,
            let frame = save.resolvedPath.frame(matching: load.value.resolvedPath, below: context.frames ?? 1)
          {
            reader.error(
              "save",
              "path '\(save.path.value)' would overwrite the input image '\(load.value.path.value)' "
                + "(at frame \(frame)); save somewhere else", at: save.path.location)
            failed = true
            continue
          }
          list.pipeline.append(PipelineStep(operation: operation, location: location, number: number))
        } else {
          failed = true
        }
      }
    }
    return failed ? nil : list
  }

  struct Header {
    let kind: StepKind
    /// The node naming the step (the key, or the bare name).
    let key: Node
    /// The step's settings; a null scalar for a bare step name.
    let value: Node
  }

  /// The step kind and its settings, or nil after reporting.
  private func header(of item: Node) -> Header? {
    let kinds = StepKind.allCases.map(\.rawValue)
    switch item {
    case .scalar(let scalar) where !reader.isNull(item):
      guard let kind = StepKind(rawValue: scalar.string) else {
        reader.error(
          "recipe", "unknown step '\(scalar.string)'\(Suggestion.hint(for: scalar.string, in: kinds))",
          at: item)
        return nil
      }
      // A bare step name stands for `name:` with no settings, located at the name.
      let nothing = Node.scalar(Node.Scalar("", Tag(.null), .plain, item.mark))
      return Header(kind: kind, key: item, value: nothing)
    case .mapping(let mapping):
      let pairs = Array(mapping)
      guard let first = pairs.first else {
        reader.error("recipe", "empty step; write a step such as 'zoom: {factor: 1.02}'", at: item)
        return nil
      }
      guard case .scalar(let scalar) = first.key, let kind = StepKind(rawValue: scalar.string) else {
        let name = first.key.string ?? ""
        reader.error(
          "recipe", "unknown step '\(name)'\(Suggestion.hint(for: name, in: kinds))", at: first.key)
        return nil
      }
      if pairs.count > 1 {
        let second = pairs[1].key
        let secondName = second.string ?? ""
        reader.error(
          kind.rawValue,
          "a step has a single key, its kind; found '\(secondName)' beside '\(scalar.string)' "
            + "(indent the settings under '\(scalar.string):')", at: second)
        return nil
      }
      return Header(kind: kind, key: first.key, value: first.value)
    case .scalar, .sequence, .alias:
      reader.error(
        "recipe", "a step must be a mapping such as 'zoom: {factor: 1.02}', got \(reader.describe(item))",
        at: item)
      return nil
    }
  }
}
