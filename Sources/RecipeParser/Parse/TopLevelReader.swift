import DreamVocabulary
internal import Yams

/// Reads the top-level mapping and the `steps:` list, and checks the rules that span steps (load
/// first, video last, save paths unique).
struct TopLevelReader {
  static let keys = ["model", "seed", "frames", "frame0", "feedback", "size", "threads", "check", "steps"]
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

    let frames = reader.checked(
      fields["frames"].flatMap { reader.int($0, "recipe", "frames") }, "recipe", "frames",
      "must be 1...\(Self.maximumFrames)"
    ) { $0 >= 1 && $0 <= Self.maximumFrames }
    let frameCount = fields.has("frames") ? frames?.value : 1
    let model = reader.required("model", in: fields, stage: "recipe").flatMap(readModel)
    let seed = fields["seed"].flatMap(readSeed)
    let frame0 = fields["frame0"].flatMap { reader.choice($0, "recipe", "frame0", as: FrameZero.self) }
    let feedback = fields["feedback"].flatMap { reader.bool($0, "recipe", "feedback") }
    let size = fields["size"].flatMap { readSize($0, stage: "recipe") }
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

    let context = StepContext(frames: frameCount, size: size?.value, recipeDirectory: reader.directory)
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
      feedback: feedback ?? Located(true, at: defaultLocation),
      size: size, threads: threads, check: check, load: load, pipeline: steps.pipeline, videos: steps.videos)
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
