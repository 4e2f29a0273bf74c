import DreamVocabulary
import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// Models loaded in this process, by file: the variants of a sweep load theirs once.
public final class LoadedModels {
  private var loaded: [String: (ResolvedModel, Model)] = [:]

  public init() {}

  /// The model `reference` names, resolved through `store` (its file hashed) and loaded, once per
  /// reference.
  func load(_ reference: (text: String, location: SourceLocation?), store: ModelStore) throws(RunError) -> (
    ResolvedModel, Model
  ) {
    if let known = loaded[reference.text] { return known }
    let resolved = try RecipeContext.resolve(reference, store: store)
    do {
      let model = try Model(contentsOf: resolved.fileURL, dreamLayers: resolved.entry?.dreamLayers)
      loaded[reference.text] = (resolved, model)
      return (resolved, model)
    } catch {
      throw .runtime(error.description)
    }
  }
}

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
  /// The recipe's layers bound to the model's dream layers (validated).
  public let layers: LayerBinding
  /// The recipe's work units; with `--shard`, which frames this run renders.
  public let units: RecipeBatch.VariantUnits
  /// The input image's size as its header declares it.
  public let inputSize: ImageSize
  /// The frame size: the recipe's `size`, else the input's.
  public let frameSize: ImageSize
  /// Peak memory of the run, worked out by ``checkNodes()``.
  public private(set) var memory = MemoryEstimate()
  private var resizedInput: RGBImage?
  /// Decodes a video input's frames, made on first use.
  private var videoReader: VideoFrameReader?
  /// Header sizes of the guides and colour references, by resolved path.
  private(set) var referencedSizes: [String: ImageSize] = [:]
  /// Guide features by guide, layer and channels, computed on first use.
  private var guides: [String: GuideFeatures] = [:]
  /// Colour statistics of `match-colors` references, computed on first use.
  private var colorReferences: [ColorReference: ColorStatistics] = [:]
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
  ///
  /// - Parameter recipe: the recipe (a sweep's variant) when the caller parsed it; nil: parse
  ///   `options.recipePath`.
  /// - Parameter models: models loaded before, reused (the variants of a sweep share theirs).
  public static func prepare(
    _ options: RunOptions, store: ModelStore, purpose: Purpose = .run, recipe given: Recipe? = nil,
    models: LoadedModels = LoadedModels(), units: RecipeBatch.VariantUnits? = nil
  ) throws(RunError) -> PreparedRun {
    let recipe: Recipe
    if let given { recipe = given } else { recipe = try RecipeContext.parse(options) }
    let reference = RecipeContext.modelReference(recipe: recipe, options: options)
    let (resolved, model) = try models.load(reference, store: store)
    let layerNames = model.dreamLayers.map(\.name)
    if case .failure(let problems) = LayerBinding.bind(recipe, to: layerNames) {
      // The model's fault rather than the recipe's: say what stops its layers.
      if let reason = model.noDreamLayersReason { throw .runtime(reason.description) }
      throw .recipe(problems)
    }
    let context = try RecipeContext(
      recipe: recipe, options: options, resolvedModel: resolved, dreamLayers: layerNames,
      planFrames: false, store: store)
    try checkTools(recipe)
    let inputSize = try inspectInput(context, depth: .header)  // a video's from its probe
    let referencedSizes = try inspectReferencedImages(context, purpose: purpose)
    let run = PreparedRun(
      context: context, model: model, inputSize: inputSize,
      units: units ?? RecipeBatch(variants: [recipe]).units(frameLimit: options.frameLimit)[0])
    run.referencedSizes = referencedSizes
    run.memory.modelBytes = resolved.fileURL.fileSize
    try run.checkNodes()
    let safety = try OutputSafety(context: context)
    switch purpose {
    case .validate:
      let outputs = run.outputsAtEnds()
      try safety.check(outputs, ownership: false)
      try checkOutputFolders(outputs, recipe: recipe)
      try decodeIfSmall(context, size: inputSize)
    case .run:
      try run.memory.check(limit: options.maxMemory, file: recipe.file)
      run.context.planFrames()
      try safety.check(run.plannedOutputs(), ownership: true)
      if context.recipe.load.value.video == nil { _ = try run.frameInput() }
      try run.prepareReferencedImages()
      try run.prepareOutputFolders()
    }
    return run
  }

  /// ffmpeg is on PATH when a video input is decoded or an .mp4 is written (found before the first
  /// frame, not after the last).
  static func checkTools(_ recipe: Recipe) throws(RunError) {
    guard VideoInput.locate("ffmpeg") == nil else { return }
    if recipe.load.value.video != nil {
      throw .runtimeAt(
        recipe.source.diagnostic(
          "load",
          "decoding the video input needs ffmpeg, which is not on PATH; install ffmpeg "
            + "(e.g. apt-get install ffmpeg)", at: recipe.load.value.path.location))
    }
    for video in recipe.videos where video.value.container.needsFFmpeg {
      throw .runtimeAt(
        recipe.source.diagnostic(
          "video",
          "writing '\(video.value.path.value)' needs ffmpeg, which is not on PATH; install ffmpeg "
            + "(e.g. apt-get install ffmpeg) or write an .avi", at: video.value.path.location))
    }
  }

  /// Every output's folder can be made and written (`validate`; a run makes them).
  static func checkOutputFolders(_ outputs: [OutputSafety.Output], recipe: Recipe) throws(RunError) {
    var seen = Set<String>()
    for output in outputs {
      let folder = folder(of: output.path)
      guard seen.insert(folder).inserted else { continue }
      do {
        try AtomicFile.checkFolder(folder)
      } catch {
        throw .runtimeAt(recipe.source.diagnostic(output.stage, error.description, at: output.location))
      }
    }
  }

  /// ``prepare(_:store:purpose:)`` with the model store configured from `environment`
  /// (`DREAM_RUN_CACHE`, `DREAM_RUN_MODEL_BASE_URL`; see docs/models.md).
  public static func prepare(
    _ options: RunOptions, environment: [String: String], purpose: Purpose = .run
  ) throws(RunError) -> PreparedRun {
    try prepare(options, store: ModelStore.fromEnvironment(environment), purpose: purpose)
  }

  init(
    context: RecipeContext, model: Model, inputSize: ImageSize,
    units: RecipeBatch.VariantUnits
  ) {
    self.units = units
    self.context = context
    self.model = model
    guard let layers = context.layers else {
      preconditionFailure("a prepared run's context knows the model's layers")
    }
    self.layers = layers
    self.inputSize = inputSize
    self.frameSize = context.recipe.size?.value ?? inputSize
    self.networks = NetworkCache(model: model)
  }

  /// The input image checked as deep as `depth` (no float image is made); its size.
  static func inspectInput(_ context: RecipeContext, depth: ImageCheckDepth) throws(RunError) -> ImageSize {
    if let video = context.recipe.load.value.video {
      return ImageSize(width: video.width, height: video.height)
    }
    do {
      let size = try ImageCodec.inspect(
        context.inputBytes, name: context.recipe.load.value.resolvedPath, depth: depth)
      return ImageSize(width: size.width, height: size.height)
    } catch {
      throw .runtime(error.description)
    }
  }

  /// Guides and colour references checked by their headers and, for `validate` when small,
  /// decoded (and dropped). A run decodes the ones its frames use in `prepareReferencedImages`,
  /// before the first frame, so a broken one stops it there.
  static func inspectReferencedImages(_ context: RecipeContext, purpose: Purpose) throws(RunError)
    -> [String: ImageSize]
  {
    var sizes: [String: ImageSize] = [:]
    for (path, bytes) in context.referencedImageBytes.sorted(by: { $0.key < $1.key }) {
      do {
        let size = try ImageCodec.inspect(bytes, name: path, depth: .header)
        if purpose == .validate, size.width * size.height <= validatePixelLimit {
          _ = try ImageCodec.inspect(bytes, name: path, depth: .pixels)
        }
        sizes[path] = ImageSize(width: size.width, height: size.height)
      } catch {
        throw .runtime(error.description)
      }
    }
    return sizes
  }

  /// `validate`'s check of the pixels: the input (of `size`, from its header) decoded and dropped
  /// when it has at most ``validatePixelLimit`` pixels; a larger one is left to the run.
  static func decodeIfSmall(_ context: RecipeContext, size: ImageSize) throws(RunError) {
    guard size.width * size.height <= validatePixelLimit else { return }
    _ = try inspectInput(context, depth: .pixels)
  }

  /// Frame `index` of the video input, resized to the frame size (bilinear). Frames are decoded in
  /// order by one ffmpeg process; the run asks for them in order.
  func videoFrame(_ index: Int) throws(RunError) -> RGBImage {
    guard let video = context.recipe.load.value.video else {
      preconditionFailure("videoFrame: the recipe's input is an image")
    }
    do {
      if videoReader == nil {
        videoReader = try VideoFrameReader(path: context.recipe.load.value.resolvedPath, info: video)
      }
      guard let videoReader else { preconditionFailure("the reader was just made") }
      return try Self.resize(videoReader.frame(index), context: context)
    } catch let error as RunError {
      throw error
    } catch {
      throw .runtimeAt(context.recipe.source.diagnostic("load", "\(error)", at: context.recipe.load.location))
    }
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

  /// The colour statistics `match-colors` matches to: of the frame input, or of a reference image
  /// at its own size (decoded once; the pixels are dropped, the statistics kept).
  func colorStatistics(for reference: ColorReference) throws(RunError) -> ColorStatistics {
    if let known = colorReferences[reference] { return known }
    let statistics: ColorStatistics
    switch reference {
    case .input:
      let start = context.recipe.load.value.video == nil ? try frameInput() : try videoFrame(0)
      statistics = ColorStatistics(of: start)
    case .image(let image): statistics = ColorStatistics(of: try referencedImage(image.resolvedPath))
    }
    colorReferences[reference] = statistics
    return statistics
  }

  /// A guide is scaled down (bilinear, aspect kept) to fit this square before its features are
  /// taken: the size of the default tile, so guide and dream features have similar scales.
  public static let guideSide = 400

  /// The size a guide of `size` is used at: scaled down (aspect kept) to fit ``guideSide``.
  static func guideSize(_ size: ImageSize) -> ImageSize {
    let scale = min(1, Double(guideSide) / Double(max(size.width, size.height, 1)))
    guard scale < 1 else { return size }
    return ImageSize(
      width: max(1, Int((Double(size.width) * scale).rounded())),
      height: max(1, Int((Double(size.height) * scale).rounded())))
  }

  /// Why `image` cannot guide a dream on a network needing `minimum` pixels per side, or nil.
  func guideProblem(_ image: ImageReference, minimum: Int) -> String? {
    guard let size = referencedSizes[image.resolvedPath] else { return nil }
    let used = Self.guideSize(size)
    guard min(used.width, used.height) < minimum else { return nil }
    return "guide image '\(image.path)' is used at \(used.width)x\(used.height); the layer needs at least "
      + "\(minimum) pixels per side; use a larger guide image"
  }

  /// Computes every guide's features and colour reference's statistics before the first frame
  /// (while no frame is in memory; each image is decoded once and dropped).
  func prepareReferencedImages() throws(RunError) {
    for occurrence in context.recipe.distinctOperations(frameLimit: context.options.frameLimit) {
      if case .transform(let transforms) = occurrence.operation {
        for case .matchColors(let reference, _) in transforms { _ = try colorStatistics(for: reference) }
      }
      guard case .dream(let dream) = occurrence.operation, let guide = dream.guide else { continue }
      for term in dream.terms {
        guard let name = layers.name(of: term.layer) else { continue }
        do {
          _ = try guideFeatures(guide, layer: name, channels: term.channels)
        } catch let error as RunError {
          throw error
        } catch {
          throw .runtime("\(guide.resolvedPath): \(error)")
        }
      }
    }
  }

  /// The activations of `image` at `layer` (restricted to `channels`), computed once.
  func guideFeatures(_ image: ImageReference, layer: String, channels: [Int]?) throws -> GuideFeatures? {
    let id = "\(image.resolvedPath)|\(layer)|" + (channels?.map(String.init).joined(separator: ",") ?? "all")
    if let known = guides[id] { return known }
    var pixels = try referencedImage(image.resolvedPath)
    let size = Self.guideSize(ImageSize(width: pixels.width, height: pixels.height))
    if size.width != pixels.width || size.height != pixels.height {
      pixels = try ImageOps(threads: context.threads).resizeBilinear(
        pixels, width: size.width, height: size.height)
    }
    let network = try networks.network(for: .meanSquare(layer))
    if let problem = guideProblem(image, minimum: network.minimumInputSize) {
      throw RunError.runtime(problem)
    }
    let shape = TensorShape(height: pixels.height, width: pixels.width, channels: 3)
    guard let activations = try network.forward(Tensor(shape: shape, values: pixels.pixels))[layer] else {
      preconditionFailure("a network built for layer \(layer) returns its activations")
    }
    let features = GuideFeatures(id: id, activations: activations, channels: channels)
    guides[id] = features
    return features
  }

  /// A guide or colour-reference image decoded from the bytes the context read (and hashed).
  func referencedImage(_ resolvedPath: String) throws(RunError) -> RGBImage {
    guard let bytes = context.referencedImageBytes[resolvedPath] else {
      preconditionFailure("the recipe context reads every referenced image; \(resolvedPath) is missing")
    }
    do {
      return try ImageCodec.decode(bytes, name: resolvedPath)
    } catch {
      throw .runtime(error.description)
    }
  }

  static func resize(_ image: RGBImage, context: RecipeContext) throws(RunError) -> RGBImage {
    let recipe = context.recipe
    guard let size = recipe.size?.value, size.width != image.width || size.height != image.height else {
      return image
    }
    let fit: ResizeFit
    switch recipe.fit.value {
    case .cover: fit = .cover
    case .contain: fit = .contain
    case .stretch: fit = .stretch
    }
    do {
      return try ImageOps(threads: context.threads).resized(
        image, width: size.width, height: size.height, fit: fit)
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
    // The input and each guide or colour reference are decoded one at a time, before the frames.
    memory.inputPixels = ([inputSize] + referencedSizes.values).map { $0.width * $0.height }.max() ?? 0
    memory.passes = min(context.threads, EngineThreads.processorCount)
    memory.planNodes = context.plannedSize.nodes
    for occurrence in recipe.distinctOperations(frameLimit: context.options.frameLimit) {
      switch occurrence.operation {
      case .load, .videoFrame, .blend, .save, .video: continue
      case .transform(let transforms):
        for transform in transforms {
          if let problem = EngineMapping.problem(with: transform, width: width, height: height) {
            report(occurrence, "zoom", problem)
          }
        }
      case .dream(let dream):
        do {
          // The network's shape does not depend on the guide's features (computed before a run).
          let objective = try EngineMapping.objective(for: dream, layers: layers) { _, _, _ in nil }
          let network = try networks.network(for: objective)
          if let guide = dream.guide, let problem = guideProblem(guide, minimum: network.minimumInputSize) {
            report(occurrence, "dream", problem)
          }
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
  /// The files this run may write: every save and video, or for a shard that shares the recipe's
  /// frames with others only its frames' saves (the others' files appear while it runs; a video is
  /// written under its own lock once all its frames are recorded).
  func plannedOutputs() -> [OutputSafety.Output] {
    let shard = units.perFrame ? context.options.shard : nil
    return context.plan.nodes.compactMap { node in
      guard node.kind == .save || node.kind == .video, let path = node.operation.filePath else { return nil }
      if shard != nil {
        guard let frame = node.frame, units.owns(frame: frame, shard: shard) else { return nil }
      }
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
    // A shard's folders are shared with other shards writing there now: their temporary files are
    // not leftovers. A run without --shard (which excludes every shard) removes what killed ones left.
    for folder in folders where done.insert(folder).inserted {
      try AtomicFile.prepareFolder(folder, removingLeftovers: context.options.shard == nil)
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
