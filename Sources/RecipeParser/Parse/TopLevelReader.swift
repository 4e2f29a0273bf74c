import DreamVocabulary
internal import Yams

/// Reads the top-level mapping and the `steps:` list, and checks the rules that span steps (load
/// first, video last, save paths unique).
struct TopLevelReader {
  static let keys = [
    "model", "seed", "frames", "frame0", "feedback", "size", "fit", "threads", "check", "steps", "sweep",
    "max-variants",
  ]
  /// Frame sides (and zoom trims) above this are refused before any work.
  static let maximumSide = 32768
  /// More frames than this are refused (the plan holds a few nodes per frame).
  static let maximumFrames = 1_000_000
  static let maximumThreads = 1024

  let reader: RecipeReader

  func read(_ root: Node) -> Recipe? {
    guard case .mapping = root else {
      reader.error(
        "recipe",
        "the top level must be a mapping with keys such as 'model:' and 'steps:', "
          + "got \(reader.describe(root))", at: root)
      return nil
    }
    guard let fields = reader.fields(of: root, stage: "recipe", allowed: Self.keys) else { return nil }

    // A video input decides the default frame count, so it is probed first.
    let video = fields["steps"].flatMap(probeVideoInput)
    var inputVideo: VideoInfo? = nil
    if case .success(let info) = video { inputVideo = info }
    let videoFailed = video.map { if case .failure = $0 { return true } else { return false } } ?? false
    if let inputVideo, inputVideo.frameCount > Self.maximumFrames,
      !fields.has("frames") || isAll(fields["frames"])
    {
      reader.error(
        "recipe",
        "the input video has \(inputVideo.frameCount) frames; dream-run renders at most \(Self.maximumFrames) "
          + "per recipe; set 'frames' to a number",
        at: fields.keyNode("frames").map { reader.location(of: $0) } ?? fields.location)
    }
    let frames = fields["frames"].flatMap { readFrames($0, video: inputVideo, videoFailed: videoFailed) }
    var frameCount = fields.has("frames") ? frames?.value : videoFailed ? nil : (inputVideo?.frameCount ?? 1)
    if let count = frameCount, count > Self.maximumFrames { frameCount = nil }
    let model = reader.required("model", in: fields, stage: "recipe").flatMap(readModel)
    let seed = fields["seed"].flatMap(readSeed)
    let frame0 = fields["frame0"].flatMap { reader.choice($0, "recipe", "frame0", as: FrameZero.self) }
    var feedback: Located<Bool>?
    var feedbackBlend: Schedule<Double>?
    if let node = fields["feedback"] {
      (feedback, feedbackBlend) = readFeedback(
        node, frames: frameCount, video: inputVideo != nil || videoFailed)
    }
    let size = fields["size"].flatMap { readSize($0, stage: "recipe") }
    let fit = fields["fit"].flatMap { reader.choice($0, "recipe", "fit", as: FitMode.self) }
    if let fitKey = fields.keyNode("fit"), !fields.has("size") {
      reader.error("recipe", "'fit' says how the input is resized to 'size'; give a 'size' too", at: fitKey)
    }
    let threads = reader.checked(
      fields["threads"].flatMap { reader.int($0, "recipe", "threads") }, "recipe", "threads",
      "must be 1...\(Self.maximumThreads)"
    ) { $0 >= 1 && $0 <= Self.maximumThreads }

    let check = fields["check"].flatMap { readCheck($0, frameCount: frameCount) }

    if let frame0, frame0.value == .input, frameCount == 1 {
      reader.error(
        "recipe",
        "'frame0: input' with a single frame renders nothing; "
          + "set 'frames' above 1 or use 'frame0: render'", at: frame0.location)
    }

    var context = StepContext(frames: frameCount, size: size?.value, recipeDirectory: reader.directory)
    context.inputVideo = inputVideo
    var steps: StepList?
    if let stepsNode = reader.required("steps", in: fields, stage: "recipe") {
      steps = StepListReader(reader: reader, context: context).read(stepsNode)
    }

    guard let model, let steps, let load = steps.load else { return nil }
    guard let frameCount else { return nil }
    let defaultLocation = fields.location
    return Recipe(
      source: reader.source, directory: reader.directory, model: model,
      seed: seed ?? Located(0, at: defaultLocation),
      frames: frames ?? Located(frameCount, at: defaultLocation),
      frame0: frame0 ?? Located(.render, at: defaultLocation),
      feedback: feedback ?? Located(inputVideo == nil, at: defaultLocation), feedbackBlend: feedbackBlend,
      size: size, fit: fit ?? Located(.cover, at: defaultLocation), threads: threads, check: check,
      load: load, pipeline: steps.pipeline, videos: steps.videos)
  }

  /// The first step's video, probed, when it is `load:` of a video file (see
  /// ``StepReader/probeVideoInput(_:)``); nil when the input is not a video.
  private func probeVideoInput(_ steps: Node) -> Result<VideoInfo, VideoProbeError>? {
    guard case .sequence(let sequence) = steps, let first = sequence.first,
      case .mapping(let mapping) = first,
      mapping.count == 1, let entry = mapping.first, entry.key.string == "load"
    else { return nil }
    let context = StepContext(frames: nil, size: nil, recipeDirectory: reader.directory)
    return StepReader(reader: reader, context: context).probeVideoInput(entry.value)
  }

  private func isAll(_ node: Node?) -> Bool {
    if case .scalar(let scalar) = node { return scalar.string == "all" }
    return false
  }

  /// `frames: N` (1...1000000, and at most a video input's frame count) or `frames: all` (a video
  /// input's frame count).
  private func readFrames(_ node: Node, video: VideoInfo?, videoFailed: Bool) -> Located<Int>? {
    if case .scalar(let scalar) = node, scalar.string == "all" {
      if let video { return Located(video.frameCount, at: reader.location(of: node)) }
      if !videoFailed {
        reader.error("recipe", "'frames: all' counts a video input's frames; 'load' names an image", at: node)
      }
      return nil
    }
    let frames = reader.checked(
      reader.int(node, "recipe", "frames"), "recipe", "frames", "must be 1...\(Self.maximumFrames)"
    ) { $0 >= 1 && $0 <= Self.maximumFrames }
    if let frames, let video, frames.value > video.frameCount {
      reader.error(
        "recipe",
        "'frames' \(frames.value) is more than the input video's \(video.frameCount) frames "
          + "(frame i of the recipe is frame i of the video); use at most \(video.frameCount) or 'all'",
        at: node)
      return nil
    }
    return frames
  }

  /// `feedback: true | false`, or `{blend: w}` (0...1, keyframeable) with a video input.
  private func readFeedback(_ node: Node, frames: Int?, video: Bool) -> (Located<Bool>?, Schedule<Double>?) {
    let location = reader.location(of: node)
    guard case .mapping = node else {
      let plain = reader.bool(node, "recipe", "feedback")
      if let plain, plain.value, video {
        reader.error(
          "recipe",
          "with a video input every frame starts from its own video frame; use 'feedback: {blend: 0.3}' to "
            + "mix in the previous dreamed frame, or 'feedback: false'", at: node)
        return (nil, nil)
      }
      return (plain, nil)
    }
    guard let fields = reader.fields(of: node, stage: "recipe", allowed: ["blend"]),
      let weightNode = reader.required("blend", in: fields, stage: "recipe")
    else { return (nil, nil) }
    guard video else {
      reader.error(
        "recipe",
        "'feedback: {blend}' mixes each frame of a video input with the previous dreamed frame; "
          + "'load' names an image (use 'feedback: true' or 'false')", at: node)
      return (nil, nil)
    }
    let weight = reader.checked(
      reader.numberSchedule(weightNode, "recipe", "blend", frames: frames), "recipe", "blend", "must be 0...1"
    ) { $0 >= 0 && $0 <= 1 }
    return (weight.map { _ in Located(true, at: location) }, weight)
  }

  /// A catalog name (letters, digits, `-`, `_`) or a path to a `.pb` file that must exist.
  private func readModel(_ node: Node) -> Located<ModelReference>? {
    guard let name = reader.text(node, "recipe", "model") else { return nil }
    let looksLikePath = name.value.contains("/") || name.value.contains(".")
    if !looksLikePath {
      let allowed = name.value.unicodeScalars.allSatisfy { scalar in
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
      }
      guard allowed else {
        reader.error(
          "recipe",
          "'model' must be a catalog name such as 'inception5h' or a path to a .pb file, "
            + "got '\(name.value)'", at: name.location)
        return nil
      }
      return Located(.catalog(name.value), at: name.location)
    }
    if reader.rejectsTilde(name.value, "recipe", at: name.location) { return nil }
    guard FileExtension.of(name.value) == "pb" else {
      reader.error(
        "recipe", "model file '\(name.value)' must be a frozen TensorFlow GraphDef (.pb)", at: name.location)
      return nil
    }
    let resolved = RecipePath.resolve(name.value, relativeTo: reader.directory)
    guard
      !reader.modelFileRequired
        || reader.requireFile(name, resolved: resolved, stage: "recipe", what: "model file")
    else {
      return nil
    }
    return Located(.file(path: name.value, resolvedPath: resolved), at: name.location)
  }

  private func readSeed(_ node: Node) -> Located<UInt64>? {
    guard let seed = reader.int(node, "recipe", "seed") else { return nil }
    guard seed.value >= 0 else {
      reader.error("recipe", "'seed' must not be negative, got \(seed.value)", at: seed.location)
      return nil
    }
    return Located(UInt64(seed.value), at: seed.location)
  }

  /// `[width, height]`, each 1...maximumSide.
  func readSize(_ node: Node, stage: String) -> Located<ImageSize>? {
    guard case .sequence(let sequence) = node, sequence.count == 2 else {
      reader.error(stage, "'size' must be [width, height], got \(reader.describe(node))", at: node)
      return nil
    }
    let sides = sequence.map { side in
      reader.checked(
        reader.int(side, stage, "size"), stage, "size", "sides must be 1...\(Self.maximumSide)"
      ) { $0 >= 1 && $0 <= Self.maximumSide }
    }
    guard let width = sides[0], let height = sides[1] else { return nil }
    return Located(ImageSize(width: width.value, height: height.value), at: reader.location(of: node))
  }
}
