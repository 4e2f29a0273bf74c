import DreamVocabulary
import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// A recipe ready to render: parsed, model resolved and loaded, layers and sizes checked, memory
/// estimated, input decoded, output folders created. Everything that can fail because of the
/// recipe, the model or the input fails here, before any frame is rendered.
public final class PreparedRun {
  /// What the preparation is for.
  public enum Purpose: Sendable {
    /// Rendering: the full plan, the memory check, the input decoded, output folders created.
    case run
    /// `dream-run validate` (and `plan`'s estimate): no plan node per frame, nothing written, the
    /// input decoded only when small (``validatePixelLimit``), else checked by its header.
    case validate
  }

  public private(set) var context: RecipeContext
  public let model: Model
  /// The model's dream-layer names (index = position).
  public let layerNames: [String]
  /// The input image's size as its header declares it.
  public let inputSize: ImageSize
  /// The frame size: the recipe's `size`, else the input's.
  public let frameSize: ImageSize
  /// Peak memory of the run, worked out by ``checkNodes()``.
  public private(set) var memory = MemoryEstimate()
  private var resizedInput: RGBImage?
  /// One network per distinct objective, built once and reused across frames.
  let networks: NetworkCache

  /// Inputs up to this many pixels are decoded by `validate` (3 bytes per pixel, dropped at once);
  /// larger ones are checked by their header, and decoded when a run needs them.
  public static let validatePixelLimit = 16 << 20

  /// Order of work: parse the recipe (all diagnostics), resolve the model (`--model` overrides the
  /// recipe), load it, check layers against its dream layers, read the input and its header, check
  /// every distinct zoom and dream against the frame size and the network's minimum input and
  /// estimate the memory; then for a run: refuse when the estimate exceeds the memory available,
  /// decode and resize the input, create the output folders.
  public static func prepare(
    _ options: RunOptions, store: ModelStore, purpose: Purpose = .run
  ) throws(RunError) -> PreparedRun {
    let recipe = try RecipeContext.parse(options)
    let reference = RecipeContext.modelReference(recipe: recipe, options: options)
    let resolved = try RecipeContext.resolve(reference, store: store)
    let model: Model
    do {
      model = try Model(contentsOf: resolved.fileURL, dreamLayers: resolved.entry?.dreamLayers)
    } catch {
      throw .runtime(error.description)
    }
    let layerNames = model.dreamLayers.map(\.name)
    let layerProblems = validateLayers(recipe, layers: layerNames)
    guard layerProblems.isEmpty else {
      // The model's fault rather than the recipe's: say what stops its layers.
      if let reason = model.noDreamLayersReason { throw .runtime(reason.description) }
      throw .recipe(DiagnosticList(layerProblems))
    }
    let context = try RecipeContext(
      recipe: recipe, options: options, resolvedModel: resolved, dreamLayers: layerNames,
      planFrames: false, store: store)
    let inputSize = try inspectInput(context, depth: .header)
    let run = PreparedRun(context: context, model: model, layerNames: layerNames, inputSize: inputSize)
    run.memory.modelBytes = resolved.fileURL.fileSize
    try run.checkNodes()
    let safety = try OutputSafety(context: context)
    switch purpose {
    case .validate:
      try safety.check(run.outputsAtEnds(), ownership: false)
      try decodeIfSmall(context, size: inputSize)
    case .run:
      try run.memory.check(limit: options.maxMemory, file: recipe.file)
      run.context.planFrames()
      try safety.check(run.plannedOutputs(), ownership: true)
      _ = try run.frameInput()
      try run.prepareOutputFolders()
    }
    return run
  }

  /// ``prepare(_:store:purpose:)`` with the model store configured from `environment`
  /// (`DREAM_RUN_CACHE`, `DREAM_RUN_MODEL_BASE_URL`; see docs/models.md).
  public static func prepare(
    _ options: RunOptions, environment: [String: String], purpose: Purpose = .run
  ) throws(RunError) -> PreparedRun {
    try prepare(options, store: ModelStore.fromEnvironment(environment), purpose: purpose)
  }

  init(context: RecipeContext, model: Model, layerNames: [String], inputSize: ImageSize) {
    self.context = context
    self.model = model
    self.layerNames = layerNames
    self.inputSize = inputSize
    self.frameSize = context.recipe.size?.value ?? inputSize
    self.networks = NetworkCache(model: model)
  }

  /// The input image checked as deep as `depth` (no float image is made); its size.
  static func inspectInput(_ context: RecipeContext, depth: ImageCheckDepth) throws(RunError) -> ImageSize {
    do {
      let size = try ImageCodec.inspect(
        context.inputBytes, name: context.recipe.load.value.resolvedPath, depth: depth)
      return ImageSize(width: size.width, height: size.height)
    } catch {
      throw .runtime(error.description)
    }
  }

  /// `validate`'s check of the pixels: the input (of `size`, from its header) decoded and dropped
  /// when it has at most ``validatePixelLimit`` pixels; a larger one is left to the run.
  static func decodeIfSmall(_ context: RecipeContext, size: ImageSize) throws(RunError) {
    guard size.width * size.height <= validatePixelLimit else { return }
    _ = try inspectInput(context, depth: .pixels)
  }

  /// The input decoded and resized to the frame size (bilinear), made on first use and kept (the
  /// decoded original is dropped once resized).
  func frameInput() throws(RunError) -> RGBImage {
    if let resizedInput { return resizedInput }
    let decoded: RGBImage
    do {
      decoded = try ImageCodec.decode(context.inputBytes, name: context.recipe.load.value.resolvedPath)
    } catch {
      throw .runtime(error.description)
    }
    let resized = try Self.resize(decoded, context: context)
    resizedInput = resized
    return resized
  }

  static func resize(_ image: RGBImage, context: RecipeContext) throws(RunError) -> RGBImage {
    let recipe = context.recipe
    guard let size = recipe.size?.value, size.width != image.width || size.height != image.height else {
      return image
    }
    do {
      return try ImageOps(threads: context.threads).resizeBilinear(
        image, width: size.width, height: size.height)
    } catch {
      throw .runtimeAt(
        recipe.source.diagnostic("size", "\(error)", at: recipe.size?.location ?? recipe.load.location))
    }
  }

  /// Checks every distinct transform and dream of the frames to render
  /// (``Recipe/distinctOperations(frameLimit:)``) against the frame size and the engine's limits,
  /// builds every network (which checks channel indices) and works out ``memory``. Problems are
  /// recipe diagnostics, one per step and problem (the first frame where it happens is named).
  func checkNodes() throws(RunError) {
    let recipe = context.recipe
    var diagnostics: [Diagnostic] = []
    var seen = Set<String>()
    func report(_ occurrence: StepOccurrence, _ stage: String, _ message: String) {
      let location = occurrence.step.location
      guard seen.insert("\(location)|\(message)").inserted else { return }
      diagnostics.append(
        recipe.source.diagnostic(stage, message + " (frame \(occurrence.frame))", at: location))
    }
    let width = frameSize.width
    let height = frameSize.height
    memory.frame = "\(width)x\(height)"
    memory.framePixels = width * height
    memory.inputPixels = inputSize.width * inputSize.height
    memory.passes = min(context.threads, EngineThreads.processorCount)
    memory.planNodes = context.plannedSize.nodes
    for occurrence in recipe.distinctOperations(frameLimit: context.options.frameLimit) {
      switch occurrence.operation {
      case .load, .save, .video: continue
      case .transform(let transforms):
        for transform in transforms {
          if let problem = EngineMapping.problem(with: transform, width: width, height: height) {
            report(occurrence, "zoom", problem)
          }
        }
      case .dream(let dream):
        do {
          let objective = try EngineMapping.objective(for: dream, layers: layerNames)
          let network = try networks.network(for: objective)
          let algorithm = EngineMapping.algorithm(for: dream)
          try Dreamer.validate(
            width: width, height: height, algorithm: algorithm, minimumInputSize: network.minimumInputSize)
          let tile = MemoryEstimate.largestTile(
            width: width, height: height, tileSize: algorithm.tileSize, minimum: network.minimumInputSize)
          memory.passBytes = max(
            memory.passBytes, try network.passBytes(width: tile.width, height: tile.height))
        } catch let error as DreamError {
          report(occurrence, "dream", Self.strippingStage(error.description))
        } catch let error as ModelError {
          report(occurrence, "dream", error.description)
        } catch {
          report(occurrence, "dream", "\(error)")
        }
      }
    }
    guard diagnostics.isEmpty else { throw .recipe(DiagnosticList(diagnostics)) }
  }

  /// Every file the plan writes, for ``OutputSafety``.
  func plannedOutputs() -> [OutputSafety.Output] {
    context.plan.nodes.compactMap { node in
      guard node.kind == .save || node.kind == .video, let path = node.operation.filePath else { return nil }
      return OutputSafety.Output(
        path: path, nodeID: node.id, location: pathLocation(step: node.steps[0]) ?? node.location,
        stage: node.kind.rawValue)
    }
  }

  /// The files of the first and last frame rendered and the videos (`validate` builds no plan; a
  /// path template's folders differ by frame number only, which adds digits, never links).
  func outputsAtEnds() -> [OutputSafety.Output] {
    let recipe = context.recipe
    let last = max(0, min(recipe.frames.value, context.options.frameLimit ?? recipe.frames.value) - 1)
    var outputs: [OutputSafety.Output] = []
    for step in recipe.pipeline {
      guard case .save(let save) = step.operation else { continue }
      for frame in Set([0, last]).sorted() {
        outputs.append(
          OutputSafety.Output(
            path: save.resolvedPath.path(forFrame: frame), nodeID: nil, location: save.path.location,
            stage: "save"))
      }
    }
    for video in recipe.videos {
      outputs.append(
        OutputSafety.Output(
          path: video.value.resolvedPath, nodeID: nil, location: video.value.path.location, stage: "video"))
    }
    return outputs
  }

  /// Where step `number`'s output path was written.
  private func pathLocation(step number: Int) -> SourceLocation? {
    if let step = context.recipe.pipeline.first(where: { $0.number == number }),
      case .save(let save) = step.operation
    {
      return save.path.location
    }
    return context.recipe.videos.first { $0.value.number == number }?.value.path.location
  }

  /// Creates the folders of every output file and checks they are writable.
  func prepareOutputFolders() throws(RunError) {
    var folders: [String] = []
    for node in context.plan.nodes {
      guard case .save = node.operation, let path = node.operation.filePath else {
        if case .video(let path, _, _, _) = node.operation { folders.append(Self.folder(of: path)) }
        continue
      }
      folders.append(Self.folder(of: path))
    }
    var done = Set<String>()
    for folder in folders where done.insert(folder).inserted {
      try AtomicFile.prepareFolder(folder)
    }
  }

  static func folder(of path: String) -> String {
    let folder = (path as NSString).deletingLastPathComponent
    return folder.isEmpty ? "." : folder
  }

  /// `dream: octave 3 ...` -> `octave 3 ...` (the diagnostic adds the stage itself).
  static func strippingStage(_ text: String) -> String {
    text.hasPrefix("dream: ") ? String(text.dropFirst(7)) : text
  }
}

/// Networks built once per distinct objective (a keyframed layer switches between a few).
final class NetworkCache {
  let model: Model
  private var built: [(Objective, Network)] = []

  init(model: Model) {
    self.model = model
  }

  func network(for objective: Objective) throws(ModelError) -> Network {
    if let found = built.first(where: { $0.0 == objective }) { return found.1 }
    let network = try Network(model: model, objective: objective)
    built.append((objective, network))
    return network
  }
}
