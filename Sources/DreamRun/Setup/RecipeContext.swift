import DreamVocabulary
import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// A parsed recipe with its plan and everything fingerprints need, found without loading the
/// model or decoding the input: what `dream-run plan` needs, and the first half of a run.
public struct RecipeContext: Sendable {
  public let recipe: Recipe
  /// The plan: only its `load` node until ``planFrames()`` (a run plans every frame once it knows
  /// the plan fits in memory).
  public private(set) var plan: ExecutionPlan
  public let options: RunOptions
  public let threads: Int
  /// The model reference in effect (`--model` or the recipe's) and where it was written.
  public let modelReference: String
  public let modelLocation: SourceLocation?
  /// sha256 of the model's .pb file.
  public let modelSHA256: String
  /// The input image file's bytes and their sha256.
  public let inputBytes: [UInt8]
  public let inputSHA256: String
  /// The bytes of every other image the steps read (guides, colour references), by resolved path.
  public let referencedImageBytes: [String: [UInt8]]
  public let referencedImageSHA256: [String: String]
  /// The model's dream-layer names, when known (they resolve `layer: 3` in fingerprints).
  public let dreamLayers: [String]?
  /// The recipe's layer references bound to ``dreamLayers``, when known: the one place a
  /// reference becomes a node name (fingerprints, the engine mapping and guides read it).
  public let layers: LayerBinding?
  /// One fingerprint per plan node.
  public private(set) var fingerprints: [String]
  /// Where this recipe's run state lives.
  public let stateFile: String
  public let checkpointFolder: String

  /// Parses the recipe file, reporting every problem at once: the recipe, or the sweep variant
  /// `options.variant` (the first when nil).
  public static func parse(_ options: RunOptions) throws(RunError) -> Recipe {
    try RecipeBatch.parse(options).variant(options.variant)
  }

  /// Identifies model and input of a parsed recipe and fingerprints its plan.
  ///
  /// - Parameter resolvedModel: the model, when the caller already resolved it (a run does, so
  ///   that a catalog model is downloaded once); nil: a catalog name's hash comes from the catalog
  ///   (nothing is downloaded) and a path is hashed.
  /// - Parameter dreamLayers: the model's dream layers when the caller loaded it; nil: a catalog
  ///   entry's list, else the model file is loaded to list them.
  /// - Parameter sibling: a context of another variant of the same recipe file; when it names the
  ///   same model, its hash and layers are taken from it.
  /// - Parameter planFrames: false for `validate`, which needs no node per frame: the plan then
  ///   holds only the `load` node, whatever `frames:` says.
  public init(
    recipe: Recipe, options: RunOptions, resolvedModel: ResolvedModel?, dreamLayers: [String]? = nil,
    planFrames: Bool = true, store: ModelStore, sameModelAs sibling: RecipeContext? = nil
  ) throws(RunError) {
    self.recipe = recipe
    self.options = options
    self.threads = options.threadCount(for: recipe)
    let reference = Self.modelReference(recipe: recipe, options: options)
    self.modelReference = reference.text
    self.modelLocation = reference.location
    var layers = dreamLayers
    if let sibling, sibling.modelReference == reference.text {
      // Another variant of the same sweep named the same model: nothing to hash or load again.
      modelSHA256 = sibling.modelSHA256
      layers = layers ?? sibling.dreamLayers
    } else if let resolvedModel {
      modelSHA256 = resolvedModel.sha256
    } else if let entry = store.catalog.entry(named: reference.text) {
      modelSHA256 = entry.modelSHA256
      layers = layers ?? entry.dreamLayers
    } else {
      let resolved = try Self.resolve(reference, store: store)
      modelSHA256 = resolved.sha256
      if layers == nil {
        do {
          layers = try Model(contentsOf: resolved.fileURL, dreamLayers: resolved.entry?.dreamLayers)
            .dreamLayers.map(\.name)
        } catch {
          throw .runtime(error.description)
        }
      }
    }
    self.dreamLayers = layers
    self.layers = layers.map { LayerBinding(recipe, layers: $0) }
    let inputPath = recipe.load.value.resolvedPath
    if recipe.load.value.video != nil {
      // A video is decoded frame by frame by ffmpeg; only its hash is needed here.
      inputBytes = []
      inputSHA256 = try Self.hashVideo(inputPath, recipe: recipe)
    } else {
      let data = try Self.readImageFile(
        inputPath, what: "input image", stage: "load", at: recipe.load.location, recipe: recipe)
      inputBytes = [UInt8](data)
      inputSHA256 = Fingerprints.sha256Hex(data)
    }
    var bytes: [String: [UInt8]] = [:]
    var hashes: [String: String] = [:]
    for reference in recipe.referencedImages {
      let path = reference.image.value.resolvedPath
      let data = try Self.readImageFile(
        path, what: reference.what, stage: reference.stage, at: reference.image.location, recipe: recipe)
      bytes[path] = [UInt8](data)
      hashes[path] = Fingerprints.sha256Hex(data)
    }
    referencedImageBytes = bytes
    referencedImageSHA256 = hashes
    plan = ExecutionPlan(recipe: recipe, frameLimit: 0)
    fingerprints = []
    let locations = RunState.locations(
      recipeFile: recipe.file, directory: options.checkOutputFolder ?? recipe.directory,
      variant: recipe.variant)
    stateFile = locations.state
    checkpointFolder = locations.checkpoints
    if planFrames {
      self.planFrames()
    } else {
      fingerprints = Fingerprints.compute(plan, inputs: fingerprintInputs)
    }
  }

  /// Plans frames 0...N-1 (`--frames N`, else all) and fingerprints every node.
  public mutating func planFrames() {
    plan = ExecutionPlan(recipe: recipe, frameLimit: options.frameLimit)
    fingerprints = Fingerprints.compute(plan, inputs: fingerprintInputs)
  }

  /// For `node` and each node of its frame that feeds it (its chain back to the frame's first
  /// node), the lines their fingerprints hash, by node id (recorded with a saved file).
  func madeFrom(_ node: PlanNode) -> [String: [String]] {
    var result: [String: [String]] = [:]
    var pending = [node.index]
    while let index = pending.popLast() {
      let current = plan.nodes[index]
      guard current.frame == node.frame, result[current.id] == nil else { continue }
      result[current.id] = Fingerprints.fields(
        of: current, inputs: fingerprintInputs, fingerprints: fingerprints)
      pending += current.inputs
    }
    return result
  }

  var fingerprintInputs: FingerprintInputs {
    FingerprintInputs(
      modelSHA256: modelSHA256, inputSHA256: inputSHA256, layers: layers,
      imageSHA256: referencedImageSHA256)
  }

  /// How many frames and plan nodes `planFrames()` makes, counted without making them.
  public var plannedSize: (frames: Int, nodes: Int) {
    let full = ExecutionPlan.size(of: recipe)
    let frames = min(full.frames, options.frameLimit ?? full.frames)
    guard frames < full.frames else { return full }
    // A limited plan has no videos; frames after the first have the same nodes.
    let perFrame = full.frames > 1 ? (full.nodes - 1 - recipe.videos.count) / full.frames : full.nodes
    return (frames, 1 + frames * perFrame)
  }

  /// Largest input image file read (far above any PNG or JPEG within the decoder's pixel limit
  /// that a photo produces).
  static let maximumInputBytes = 512 << 20

  /// An image file's bytes (the input, a guide, a colour reference), refusing one over
  /// ``maximumInputBytes`` before reading it (a multi-gigabyte file named .png costs nothing to
  /// reject). Whether the bytes are a PNG or JPEG is the decoder's check.
  static func readImageFile(
    _ path: String, what: String, stage: String, at location: SourceLocation, recipe: Recipe
  ) throws(RunError) -> Data {
    func failure(_ message: String) -> RunError {
      .runtimeAt(recipe.source.diagnostic(stage, message, at: location))
    }
    let unreadable = failure("cannot read the \(what) '\(path)'; check that it exists and is readable")
    guard let handle = FileHandle(forReadingAtPath: path) else { throw unreadable }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
    guard size <= maximumInputBytes else {
      throw failure(
        "the \(what) '\(path)' is \(size >> 20) MB; dream-run reads images up to "
          + "\(maximumInputBytes >> 20) MB (a PNG or JPEG photo); resize it first")
    }
    do {
      try handle.seek(toOffset: 0)
      return try handle.readToEnd() ?? Data()  // nil: an empty file, which the decoder reports
    } catch {
      throw unreadable
    }
  }

  /// The sha256 of a video input (read in pieces, never whole).
  static func hashVideo(_ path: String, recipe: Recipe) throws(RunError) -> String {
    do {
      return try FileHashing.sha256(of: URL(fileURLWithPath: path))
    } catch {
      throw .runtimeAt(
        recipe.source.diagnostic(
          "load", "cannot read the input video '\(path)'; check that it exists and is readable",
          at: recipe.load.location))
    }
  }

  /// The model reference in effect and where it came from (nil location: `--model`).
  static func modelReference(recipe: Recipe, options: RunOptions) -> (text: String, location: SourceLocation?)
  {
    if let model = options.model { return (model, nil) }
    switch recipe.model.value {
    case .catalog(let name): return (name, recipe.model.location)
    case .file(_, let resolvedPath): return (resolvedPath, recipe.model.location)
    }
  }

  /// Resolves a model reference through the store. A bad reference is a usage or recipe error
  /// (exit code 2, pointing at the recipe's `model:` when it came from there); a failed download is
  /// a runtime error.
  static func resolve(
    _ reference: (text: String, location: SourceLocation?), store: ModelStore, option: String = "--model"
  ) throws(RunError) -> ResolvedModel {
    do {
      return try store.resolve(reference.text, relativeTo: nil)
    } catch let error as ModelReferenceError {
      let text = error.description
      guard let location = reference.location else {
        throw .usage("\(option): " + (text.hasPrefix("model: ") ? String(text.dropFirst(7)) : text))
      }
      throw .usage("\(location): error: \(text)")
    } catch {
      throw RunError.wrap(error)
    }
  }

  /// The status of every plan node: save and video nodes from their files and the run state,
  /// the others `in-memory` (`load` is `up-to-date`: it only reads).
  public func statuses() -> [NodeStatus] {
    let checker = OutputChecker(state: RunState.load(from: stateFile))
    return plan.nodes.map { node in
      switch node.operation {
      case .load, .videoFrame: return .upToDate
      case .transform, .dream, .blend: return .inMemory
      case .save(let path, _, _), .video(let path, _, _, _):
        return checker.status(nodeID: node.id, path: path, fingerprint: fingerprints[node.index])
      }
    }
  }
}
