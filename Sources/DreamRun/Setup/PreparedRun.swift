import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// A recipe ready to render: parsed, model resolved and loaded, layers and sizes checked, input
/// decoded, output folders created. Everything that can fail because of the recipe, the model or
/// the input fails here, before any frame is rendered.
public final class PreparedRun {
  public let context: RecipeContext
  public let model: Model
  /// The model's dream-layer names (index = position).
  public let layerNames: [String]
  /// The input image as decoded (not yet resized to `size:`).
  let decodedInput: RGBImage
  /// The frame size: the recipe's `size`, else the input's.
  public let frameSize: ImageSize
  private var resizedInput: RGBImage?
  /// One network per distinct objective, built once and reused across frames.
  let networks: NetworkCache

  /// Order of work: parse the recipe (all diagnostics), resolve the model (`--model` overrides the
  /// recipe), load it, check layers against its dream layers, read the input, check every node's
  /// sizes and parameters against the engine, create output folders.
  ///
  /// - Parameter createOutputFolders: false for `dream-run validate`, which changes nothing.
  public static func prepare(
    _ options: RunOptions, store: ModelStore, createOutputFolders: Bool = true
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
    guard layerProblems.isEmpty else { throw .recipe(DiagnosticList(layerProblems)) }
    let context = try RecipeContext(
      recipe: recipe, options: options, resolvedModel: resolved, dreamLayers: layerNames, store: store)
    let input = try decodeInput(context)
    let run = PreparedRun(context: context, model: model, layerNames: layerNames, decodedInput: input)
    try run.checkNodes()
    if createOutputFolders { try run.prepareOutputFolders() }
    return run
  }

  /// ``prepare(_:store:createOutputFolders:)`` with the model store configured from `environment`
  /// (`DREAM_RUN_CACHE`, `DREAM_RUN_MODEL_BASE_URL`; see docs/models.md).
  public static func prepare(
    _ options: RunOptions, environment: [String: String], createOutputFolders: Bool = true
  ) throws(RunError) -> PreparedRun {
    try prepare(
      options, store: ModelStore.fromEnvironment(environment), createOutputFolders: createOutputFolders)
  }

  init(context: RecipeContext, model: Model, layerNames: [String], decodedInput: RGBImage) {
    self.context = context
    self.model = model
    self.layerNames = layerNames
    self.decodedInput = decodedInput
    self.frameSize =
      context.recipe.size?.value ?? ImageSize(width: decodedInput.width, height: decodedInput.height)
    self.networks = NetworkCache(model: model)
  }

  /// The input image decoded.
  static func decodeInput(_ context: RecipeContext) throws(RunError) -> RGBImage {
    do {
      return try ImageCodec.decode(context.inputBytes, name: context.recipe.load.value.resolvedPath)
    } catch {
      throw .runtime(error.description)
    }
  }

  /// The input resized to the frame size (bilinear), made on first use and kept: `validate`
  /// never makes it, so checking a recipe with a huge `size:` costs no frame-sized memory.
  func frameInput() throws(RunError) -> RGBImage {
    if let resizedInput { return resizedInput }
    let resized = try Self.resize(decodedInput, context: context)
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
      throw .runtime("\(recipe.size?.location ?? recipe.load.location): error: size: \(error)")
    }
  }

  /// Checks every transform and dream node against the frame size and the engine's limits, and
  /// builds every network (which checks channel indices). Problems are recipe diagnostics, one per
  /// step and problem (the first frame where it happens is named).
  func checkNodes() throws(RunError) {
    let recipe = context.recipe
    var diagnostics: [Diagnostic] = []
    var seen = Set<String>()
    func report(_ node: PlanNode, _ stage: String, _ message: String) {
      let key = "\(node.location)|\(message)"
      guard seen.insert(key).inserted else { return }
      let frame = node.frame.map { " (frame \($0))" } ?? ""
      diagnostics.append(recipe.source.diagnostic(stage, message + frame, at: node.location))
    }
    let width = frameSize.width
    let height = frameSize.height
    for node in context.plan.nodes {
      switch node.operation {
      case .load, .save, .video: continue
      case .transform(let transforms):
        for transform in transforms {
          if let problem = EngineMapping.problem(with: transform, width: width, height: height) {
            report(node, "zoom", problem)
          }
        }
      case .dream(let dream):
        do {
          let objective = try EngineMapping.objective(for: dream, layers: layerNames)
          let network = try networks.network(for: objective)
          try Dreamer.validate(
            width: width, height: height, algorithm: EngineMapping.algorithm(for: dream),
            minimumInputSize: network.minimumInputSize)
        } catch let error as DreamError {
          report(node, "dream", Self.strippingStage(error.description))
        } catch let error as ModelError {
          report(node, "dream", error.description)
        } catch {
          report(node, "dream", "\(error)")
        }
      }
    }
    guard diagnostics.isEmpty else { throw .recipe(DiagnosticList(diagnostics)) }
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
