import DreamEngine
import Foundation
import RecipeParser

/// Renders one frame: runs its plan nodes (video frame, blend, transforms, dreams) on the image
/// its first node reads, and writes its save nodes through the ``OutputStore`` (encoded with the
/// provenance text, written atomically, recorded with the frame's statistics). The ``Executor``
/// decides which frames to render and from what; this type knows nothing of the order.
final class FrameRenderer {
  /// What rendering a frame made.
  struct Frame {
    /// The frame's final image and the plan node that holds it.
    let image: (index: Int, image: RGBImage)
    /// The files written.
    let wrote: [String]
    /// Whether any node changed the image (a copy, such as `frame0: input`, renders nothing).
    let rendered: Bool
  }

  let run: PreparedRun
  let store: OutputStore
  let reporter: ProgressReporter
  let shouldStop: () -> Bool
  /// The error a stop request becomes (made by the executor, which knows the last finished frame).
  let interrupted: () -> RunError
  private let ops: ImageOps

  init(
    run: PreparedRun, store: OutputStore, reporter: ProgressReporter, shouldStop: @escaping () -> Bool,
    interrupted: @escaping () -> RunError
  ) {
    self.run = run
    self.store = store
    self.reporter = reporter
    self.shouldStop = shouldStop
    self.interrupted = interrupted
    self.ops = ImageOps(threads: run.context.threads)
  }

  private var context: RecipeContext { run.context }
  private var plan: ExecutionPlan { context.plan }
  private var fingerprints: [String] { context.fingerprints }

  /// Runs frame `frame`'s nodes from `start` (the image of the node its first node reads; nil when
  /// the frame starts at its own load node, a video input's frame). Save nodes write only when
  /// `write` (and their file is not up to date, or `--force`).
  func render(
    _ frame: Int, from start: (index: Int, image: RGBImage)?, nodes: [Int], write: Bool,
    upToDateSaves: Set<Int>
  ) throws(RunError) -> Frame {
    let started = MonotonicClock.now()
    var current = start ?? (-1, RGBImage(width: 0, height: 0))
    var wrote: [String] = []
    var rendered = false
    let dreamCount = nodes.filter { plan.nodes[$0].kind == .dream }.count
    var dreamIndex = 0
    for index in nodes {
      let node = plan.nodes[index]
      switch node.operation {
      case .load, .video:
        continue
      case .videoFrame(_, _, _, let videoFrame):
        current = (index, try run.videoFrame(videoFrame))
      case .blend(let weight):
        guard let previous = start, node.inputs == [current.index, previous.index] else {
          preconditionFailure("node \(node.id) does not read this frame's video frame and the previous image")
        }
        do {
          current = (index, try ops.blend(previous.image, current.image, alpha: Float(weight)))
        } catch {
          throw .runtimeAt(
            context.recipe.source.diagnostic("feedback", "\(node.id): \(error)", at: node.location))
        }
        rendered = true
      case .transform(let transforms):
        precondition(node.inputs == [current.index], "node \(node.id) does not read the current image")
        do {
          current = (
            index,
            try EngineMapping.apply(
              transforms, to: current.image, ops: ops, colors: run.colorStatistics(for:))
          )
        } catch let error as RunError {
          throw error
        } catch {
          throw .runtimeAt(
            context.recipe.source.diagnostic(node.kind.rawValue, "\(node.id): \(error)", at: node.location))
        }
        try requireFinite(current.image, node: node)
        rendered = true
      case .dream(let dream):
        precondition(node.inputs == [current.index], "node \(node.id) does not read the current image")
        dreamIndex += 1
        reporter.dreamStarted(index: dreamIndex, count: dreamCount)
        current = (index, try runDream(dream, node: node, image: current.image))
        try requireFinite(current.image, node: node)
        rendered = true
      case .save(let path, let format, let quality):
        guard write, !upToDateSaves.contains(index) else { continue }
        try save(
          current.image, node: node, path: path, format: EngineMapping.imageFormat(format, quality: quality),
          seconds: rendered ? MonotonicClock.now() - started : nil)
        wrote.append(path)
      }
    }
    return Frame(image: current, wrote: wrote, rendered: rendered)
  }

  private func runDream(_ dream: ResolvedDream, node: PlanNode, image: RGBImage) throws(RunError) -> RGBImage
  {
    do {
      let objective = try EngineMapping.objective(
        for: dream, layers: run.layers, guide: run.guideFeatures)
      let network = try run.networks.network(for: objective)
      let dreamer = Dreamer(source: network, threads: context.threads)
      let seed = DreamSeed.derive(seed: dream.seed, frame: dream.frame, step: node.steps.first ?? 0)
      let reporter = self.reporter
      let dreamed = try dreamer.run(
        image, algorithm: EngineMapping.algorithm(for: dream), seed: seed,
        progress: { reporter.dreamProgress($0) }, shouldStop: shouldStop)
      switch dream.colors {
      case .dreamed: return dreamed
      case .original: return try ops.keepingColors(of: image, luminanceOf: dreamed)
      }
    } catch is DreamCancelled {
      throw interrupted()
    } catch {
      throw .runtimeAt(
        context.recipe.source.diagnostic(
          "dream", "frame \(dream.frame): " + PreparedRun.strippingStage("\(error)"), at: node.location))
    }
  }

  /// Encodes, writes atomically, then records the file in the state (also atomically).
  private func save(_ image: RGBImage, node: PlanNode, path: String, format: ImageFormat, seconds: Double?)
    throws(RunError)
  {
    let bytes: [UInt8]
    do {
      bytes = try ImageCodec.encode(image, as: format, name: path, text: provenance(node))
    } catch {
      throw .runtime(error.description)
    }
    try store.write(
      bytes, to: path, nodeID: node.id, fingerprint: fingerprints[node.index],
      statistics: ops.frameStatistics(savedPixels(bytes, format: format, path: path) ?? image),
      seconds: seconds,
      madeFrom: context.madeFrom(node))
  }

  /// What a saved frame records about its making (PNG text chunks, a JPEG comment): dream-run's
  /// version, the recipe's file name, the model, the seed, the frame and the node's fingerprint
  /// (which names every input and parameter that made the file, see docs/cli.md). Nothing that
  /// depends on where, when or with how many threads it ran, nor on edits of the recipe that do not
  /// change this file: a file kept as up to date and one rendered afresh are the same bytes.
  private func provenance(_ node: PlanNode) -> [(key: String, value: String)] {
    [
      ("Software", EngineVersion.current),
      ("dream-run recipe", URL(fileURLWithPath: context.recipe.file).lastPathComponent),
      ("dream-run model", URL(fileURLWithPath: context.modelReference).lastPathComponent),
      ("dream-run seed", String(context.recipe.seed.value)),
      ("dream-run frame", String(node.frame ?? 0)),
      ("dream-run fingerprint", fingerprints[node.index]),
    ]
  }

  /// The pixels a viewer of the file sees (a JPEG's differ from the frame's), for its statistics.
  private func savedPixels(_ bytes: [UInt8], format: ImageFormat, path: String) -> RGBImage? {
    guard case .jpeg = format else { return nil }
    return try? ImageCodec.decode(bytes, name: path)
  }

  /// Stops with an error naming the step and frame when an image holds inf or NaN (which would
  /// otherwise be saved as a black frame with exit code 0).
  private func requireFinite(_ image: RGBImage, node: PlanNode) throws(RunError) {
    guard !image.isFinite else { return }
    let steps = node.steps.map(String.init).joined(separator: ", ")
    let frame = node.frame.map { " (frame \($0))" } ?? ""
    throw .runtimeAt(
      context.recipe.source.diagnostic(
        "step\(node.steps.count == 1 ? "" : "s") \(steps)\(frame)",
        "the image overflowed to infinity or NaN; use smaller values (e.g. tint, step, dream weights)",
        at: node.location))
  }
}
