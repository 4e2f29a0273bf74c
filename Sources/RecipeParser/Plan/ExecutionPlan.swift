/// One step instance in an execution plan.
public struct PlanNode: Sendable, Equatable, Identifiable {
  /// Stable, readable id: `load`, `f07.s3` (frame 7, step 3 of the recipe; frame numbers padded to
  /// the width of the last frame), `video.s9`.
  public let id: String
  /// Position in ``ExecutionPlan/nodes`` (a topological order).
  public let index: Int
  public let operation: NodeOperation
  /// The frame this node belongs to; nil for video nodes.
  public let frame: Int?
  /// The 1-based recipe step numbers this node carries out (several for a transform chain).
  public let steps: [Int]
  /// Where the (first) step was written.
  public let location: SourceLocation
  /// Indices of the nodes whose images this node consumes, in order.
  public let inputs: [Int]
  /// ``NodeOperation/canonicalValue`` rendered: `kind` followed by the sorted parameters, with
  /// paths as written in the recipe (relative to it). Stable across runs, platforms and checkout
  /// locations; the run layer adds file hashes, model hash and engine version.
  public let parameters: String
  /// A short human summary of the key parameters (paths as written), for `dream-run plan`.
  public let summary: String

  public var kind: NodeKind { operation.kind }
}

/// An image dependency: the output of node `from` is an input of node `to`.
public struct PlanEdge: Sendable, Hashable {
  public let from: Int
  public let to: Int
}

/// The recipe compiled into a graph of step instances; built without touching any file or model.
///
/// Shape: one `load` node (frame 0's starting image). For each frame, the pipeline's steps become
/// nodes in order: consecutive zoom/tint/clip/quantize steps merge into one `transform` node, each
/// `dream` and `save` step is a node. Each image node consumes the previous image node of its
/// frame; the first consumes the previous frame's last image node (or `load` for frame 0 and, with
/// `feedback: false`, for every frame). A `save` node consumes the current image and passes nothing
/// on. With `frame0: input`, frame 0 has only its `save` nodes, fed by `load`. Each `video` node
/// consumes its save step's nodes, in frame order.
public struct ExecutionPlan: Sendable {
  /// Nodes in a topological order (every input comes before its consumer).
  public let nodes: [PlanNode]
  /// For each frame, the index of the node holding its final image (`load` when no step changed
  /// the image).
  public let frameOutputs: [Int]

  /// Every image dependency, ordered by consumer then input position.
  public var edges: [PlanEdge] {
    nodes.flatMap { node in node.inputs.map { PlanEdge(from: $0, to: node.index) } }
  }

  /// The nodes that consume node `index`.
  public func consumers(of index: Int) -> [Int] {
    nodes.filter { $0.inputs.contains(index) }.map(\.index)
  }

  /// How many frames and nodes the full plan of `recipe` has, without building it: every frame
  /// after frame 0 has the same nodes, so frames 0 and 1 tell the rest.
  public static func size(of recipe: Recipe) -> (frames: Int, nodes: Int) {
    let frames = recipe.frames.value
    guard frames > 2 else { return (frames, ExecutionPlan(recipe: recipe).nodes.count) }
    var firstTwo = PlanBuilder(recipe: recipe, frameLimit: 2, countOnly: true)
    firstTwo.build()
    let perFrame = firstTwo.nodesPerFrame[1] ?? 0
    return (frames, firstTwo.count + (frames - 2) * perFrame + recipe.videos.count)
  }

  /// The node with `id`, if any.
  public func node(id: String) -> PlanNode? {
    nodes.first { $0.id == id }
  }

  /// Compiles `recipe` (already validated) into a plan.
  ///
  /// - Parameter frameLimit: build only frames 0...frameLimit-1 (`--frames N`) and no videos; node
  ///   ids, parameters and fingerprints are those of the full plan's nodes, so a limited run and a
  ///   full one agree on what is up to date. Nil: every frame.
  public init(recipe: Recipe, frameLimit: Int? = nil) {
    var builder = PlanBuilder(recipe: recipe, frameLimit: frameLimit)
    builder.build()
    self.nodes = builder.nodes
    self.frameOutputs = builder.frameOutputs
  }
}

/// Builds the nodes of a plan; see ``ExecutionPlan`` for the shape.
struct PlanBuilder {
  let recipe: Recipe
  var nodes: [PlanNode] = []
  var frameOutputs: [Int] = []
  /// Each node's operation with paths as written (see `add`).
  private var written: [NodeOperation] = []
  /// Save node indices per pipeline position, in frame order.
  private var saveNodes: [Int: [Int]] = [:]
  private let frameWidth: Int
  private let framesBuilt: Int
  /// Only count nodes (``count``, ``nodesPerFrame``), making none: what ``ExecutionPlan/size(of:)``
  /// needs, without the parameter strings that dominate building a node.
  private let countOnly: Bool
  private(set) var count = 0
  private(set) var nodesPerFrame: [Int: Int] = [:]

  init(recipe: Recipe, frameLimit: Int? = nil, countOnly: Bool = false) {
    self.recipe = recipe
    self.countOnly = countOnly
    self.frameWidth = String(max(0, recipe.frames.value - 1)).count
    self.framesBuilt = max(0, min(recipe.frames.value, frameLimit ?? recipe.frames.value))
  }

  /// How the input is resized to `size` (nil without one).
  private var fit: FitMode? { recipe.size == nil ? nil : recipe.fit.value }

  mutating func build() {
    let load = recipe.load.value
    if load.video != nil {
      buildVideoFrames()
    } else {
      let loadIndex = add(
        id: "load", .load(path: load.resolvedPath, size: recipe.size?.value, fit: fit),
        written: .load(path: load.path.value, size: recipe.size?.value, fit: fit), frame: 0, steps: [1],
        location: recipe.load.location, inputs: [])
      var previous = loadIndex
      for frame in 0..<framesBuilt {
        let start = frame == 0 || !recipe.feedback.value ? loadIndex : previous
        previous = buildFrame(frame, from: start)
        frameOutputs.append(previous)
      }
    }
    // A limited plan has no videos: they need every frame.
    for video in recipe.videos where framesBuilt == recipe.frames.value {
      let saves = saveNodes[video.value.sourceStep] ?? []
      let frames = saves.compactMap { nodes[$0].operation.filePath }
      let writtenFrames = saves.compactMap { written[$0].filePath }
      let number = video.value.number
      let container = video.value.container
      let fps = video.value.fps.value
      add(
        id: "video.s\(number)",
        .video(path: video.value.resolvedPath, container: container, fps: fps, frames: frames),
        written: .video(path: video.value.path.value, container: container, fps: fps, frames: writtenFrames),
        frame: nil, steps: [number], location: video.location, inputs: saves)
    }
  }

  /// A video input: frame i starts from its own `load` node (video frame i); with
  /// `feedback: {blend: w}` a `blend` node mixes in frame i - 1's final image first.
  private mutating func buildVideoFrames() {
    let load = recipe.load.value
    var previous: Int?
    for frame in 0..<framesBuilt {
      var start = add(
        id: nodeID(frame, 1),
        .videoFrame(path: load.resolvedPath, size: recipe.size?.value, fit: fit, frame: frame),
        written: .videoFrame(path: load.path.value, size: recipe.size?.value, fit: fit, frame: frame),
        frame: frame,
        steps: [1], location: recipe.load.location, inputs: [])
      if let blend = recipe.feedbackBlend, let previous {
        let weight = blend.value(atFrame: frame)
        start = add(
          id: nodeID(frame, 1) + ".blend", .blend(weight: weight), written: .blend(weight: weight),
          frame: frame,
          steps: [1], location: recipe.feedback.location, inputs: [start, previous])
      }
      previous = buildFrame(frame, from: start)
      frameOutputs.append(previous ?? start)
    }
  }

  /// Adds frame `frame`'s nodes; returns the index of its final image node.
  private mutating func buildFrame(_ frame: Int, from start: Int) -> Int {
    let skipImageSteps = frame == 0 && recipe.frame0.value == .input
    var current = start
    var chain: [ResolvedTransform] = []
    var chainSteps: [PipelineStep] = []

    func flush(_ builder: inout PlanBuilder) {
      guard let first = chainSteps.first else { return }
      current = builder.add(
        id: builder.nodeID(frame, first.number), .transform(chain), written: .transform(chain), frame: frame,
        steps: chainSteps.map(\.number), location: first.location, inputs: [current])
      chain = []
      chainSteps = []
    }

    for (position, step) in recipe.pipeline.enumerated() {
      switch step.operation {
      case .zoom, .transform, .matchColors, .tint, .clip, .quantize:
        guard !skipImageSteps, let transform = Self.resolveTransform(step.operation, atFrame: frame) else {
          continue
        }
        chain.append(transform)
        chainSteps.append(step)
      case .dream(let dream):
        guard !skipImageSteps else { continue }
        flush(&self)
        let resolved = Self.resolveDream(dream, atFrame: frame, seed: recipe.seed.value)
        current = add(
          id: nodeID(frame, step.number), .dream(resolved), written: .dream(resolved), frame: frame,
          steps: [step.number],
          location: step.location, inputs: [current])
      case .save(let save):
        flush(&self)
        let quality = save.quality?.value
        let index = add(
          id: nodeID(frame, step.number),
          .save(path: save.resolvedPath.path(forFrame: frame), format: save.format, quality: quality),
          written: .save(path: save.path.value.path(forFrame: frame), format: save.format, quality: quality),
          frame: frame, steps: [step.number], location: step.location, inputs: [current])
        saveNodes[position, default: []].append(index)
      }
    }
    flush(&self)
    return current
  }

  private func nodeID(_ frame: Int, _ step: Int) -> String {
    let digits = String(frame)
    return "f" + String(repeating: "0", count: max(0, frameWidth - digits.count)) + digits + ".s\(step)"
  }

  /// Adds a node. `operation` has paths resolved for running; `written` is the same operation with
  /// paths as written in the recipe, which the parameter string and the summary use so that they do
  /// not depend on where the project is checked out or how the recipe path was spelled.
  @discardableResult
  private mutating func add(
    id: String, _ operation: NodeOperation, written: NodeOperation, frame: Int?, steps: [Int],
    location: SourceLocation, inputs: [Int]
  ) -> Int {
    precondition(operation.kind == written.kind, "written and resolved operations differ in kind")
    count += 1
    if let frame { nodesPerFrame[frame, default: 0] += 1 }
    if countOnly { return count - 1 }
    let index = nodes.count
    let parameters = operation.kind.rawValue + written.canonicalValue.rendered
    nodes.append(
      PlanNode(
        id: id, index: index, operation: operation, frame: frame, steps: steps, location: location,
        inputs: inputs, parameters: parameters, summary: written.summary))
    self.written.append(written)
    return index
  }
}
