import DreamEngine
import Foundation
import RecipeParser

/// What a run did.
public struct RunSummary: Sendable, Equatable {
  /// Frames whose files were written.
  public var framesWritten: [Int] = []
  /// Frames written that took rendering (not a copy of the input, as `frame0: input` is).
  public var framesRendered = 0
  /// Frames recomputed in memory only (to reach a later frame) or skipped as up to date.
  public var framesUpToDate = 0
  /// Videos written and skipped.
  public var videosWritten: [String] = []
  public var videosUpToDate = 0
  /// Videos not assembled because `--frames` limited the run.
  public var videosSkipped = 0
  /// Videos left for later: frames other shards render are missing, or another shard is writing it.
  public var videosWaiting = 0
  /// Seconds spent rendering frames.
  public var renderSeconds = 0.0

  public init() {}
}

/// Runs a prepared recipe: frame by frame in plan order, skipping frames whose files are up to
/// date, writing every file atomically and recording it in the run state right after.
///
/// Resume: frame i + 1 starts from frame i's float image. When the first frame to render is k,
/// the executor looks for the checkpoint of the latest frame j < k (by its fingerprint); without
/// one it recomputes from frame 0 (without rewriting up-to-date files). A JPEG is never used as
/// state. With `feedback: false` every frame starts from the input and needs no checkpoint.
public final class Executor {
  let run: PreparedRun
  let reporter: ProgressReporter
  let shouldStop: () -> Bool
  let interruptSignal: () -> Int32
  private let files: any OutputFiles
  /// Made in execute(), under the run lock.
  private var renderer: FrameRenderer?
  private var summary = RunSummary()
  private var lastFinishedFrame: Int?
  /// Save nodes whose files were up to date when the run started.
  private var upToDateSaves = Set<Int>()
  /// The recipe's work units; with `--shard`, the frames this run renders.
  private var units: RecipeBatch.VariantUnits { run.units }

  public init(
    _ run: PreparedRun, reporter: ProgressReporter, shouldStop: @escaping () -> Bool = { false },
    interruptSignal: @escaping () -> Int32 = { SIGINT }, files: any OutputFiles = DiskOutputFiles()
  ) {
    self.run = run
    self.reporter = reporter
    self.shouldStop = shouldStop
    self.interruptSignal = interruptSignal
    self.files = files
  }

  private var context: RecipeContext { run.context }
  private var isVideo: Bool { context.recipe.load.value.video != nil }
  private var plan: ExecutionPlan { context.plan }
  private var fingerprints: [String] { context.fingerprints }
  /// The shard, when this run shares the recipe's frames with other shards.
  private var sharedShard: Shard? { units.perFrame ? context.options.shard : nil }

  /// Renders what is not up to date. Throws ``RunError/interrupted(lastFrame:signal:)`` when
  /// `shouldStop` turns true (after the current file, never in the middle of one).
  public func execute() throws(RunError) -> RunSummary {
    let recipeFile = context.recipe.source.file
    // Shards that split this recipe's frames hold its lock together, each its own shard's alone.
    let lock = try RunLock(stateFile: context.stateFile, recipe: recipeFile, shared: sharedShard != nil)
    let shardFile = sharedShard.map { RunState.shardFile(context.stateFile, shard: $0) }
    let shardLock = try shardFile.map { file throws(RunError) -> RunLock in
      guard let taken = try RunLock.take(file + ".lock", recipe: recipeFile) else {
        throw .runtime(
          "\(recipeFile): another dream-run is rendering shard \(sharedShard?.description ?? "") of this "
            + "recipe (lock \(file).lock); give each worker its own shard")
      }
      return taken
    }
    defer { withExtendedLifetime((lock, shardLock)) {} }
    let store = OutputStore(
      stateFile: context.stateFile, directory: context.recipe.directory, files: files,
      recordedWith: Dictionary(
        RenderEnvironment.current(for: context).fields.map { ($0.key, $0.value) },
        uniquingKeysWith: { a, _ in a }), shardFile: shardFile)
    renderer = FrameRenderer(
      run: run, store: store, reporter: reporter, shouldStop: shouldStop,
      interrupted: { [unowned self] in self.interrupted() })
    EngineThreads.set(context.threads)
    let recipe = context.recipe
    let frameCount = recipe.frames.value
    let limit = min(frameCount, context.options.frameLimit ?? frameCount)
    let nodesByFrame = Self.nodesByFrame(plan, frames: limit)
    // Each save file is read and hashed once per run, here.
    let force = context.options.force
    var needsWork = [Bool](repeating: false, count: limit)
    let shard = context.options.shard
    for frame in 0..<limit where units.owns(frame: frame, shard: shard) {
      for index in nodesByFrame[frame] {
        guard case .save(let path, _, _) = plan.nodes[index].operation else { continue }
        if !force,
          store.isUpToDate(nodeID: plan.nodes[index].id, path: path, fingerprint: fingerprints[index])
        {
          upToDateSaves.insert(index)
        } else {
          needsWork[frame] = true
        }
      }
    }
    let toRender = needsWork.filter { $0 }.count
    // Under --frames N the run is about frames 0...N-1, under --shard about the shard's: progress
    // counts those.
    let covered = units.frameCount(for: shard)
    summary.framesUpToDate = covered - toRender
    reporter.begin(frames: limit, toRender: toRender, upToDate: covered - toRender)
    if let first = needsWork.firstIndex(of: true), let last = needsWork.lastIndex(of: true) {
      if recipe.feedback.value {
        try renderChain(first: first, last: last, needsWork: needsWork, nodesByFrame: nodesByFrame)
      } else {
        for frame in first...last where needsWork[frame] {
          // A video input's frame starts at its own load node.
          try renderFrame(frame, from: isVideo ? nil : (0, try run.frameInput()), nodes: nodesByFrame[frame])
        }
      }
    }
    try VideoStage(
      context: context, store: store, reporter: reporter, shouldStop: shouldStop, sharedShard: sharedShard,
      interrupted: { [unowned self] in self.interrupted(video: $0) }
    ).write(limited: limit < frameCount, into: &summary)
    if sharedShard == nil { try store.foldShards() }
    if !summary.framesWritten.isEmpty {
      // The statistics chart, for looking before watching; a chart that cannot be written costs
      // nothing rendered.
      do {
        try FrameStatsReport(context: context).writeChart(stateFile: context.stateFile)
      } catch {
        reporter.note("statistics chart not written: \(error.description)")
      }
    }
    reporter.finish()
    return summary
  }

  /// Feedback chain: find the latest usable checkpoint before `first`, then render on to `last`.
  private func renderChain(first: Int, last: Int, needsWork: [Bool], nodesByFrame: [[Int]]) throws(RunError) {
    let folder = context.checkpointFolder
    try Checkpoint.checkFolder(folder)
    var start = 0
    // The plan's node 0: the input image, or a video input's frame 0 (which frame 0 then reads
    // again through its own load node).
    let nodeZero = { () throws(RunError) -> (index: Int, image: RGBImage) in
      (0, self.isVideo ? try self.run.videoFrame(0) : try self.run.frameInput())
    }
    var current: (index: Int, image: RGBImage)? = isVideo ? nil : try nodeZero()
    if !context.options.force, first > 0 {
      let available = Checkpoint.available(in: folder, files: files)
      for frame in stride(from: first - 1, through: 0, by: -1) {
        let output = plan.frameOutputs[frame]
        if output == 0 {
          current = try nodeZero()
          start = frame + 1
          break
        }
        if available.contains(fingerprints[output]),
          let image = Checkpoint.read(folder: folder, fingerprint: fingerprints[output], files: files)
        {
          current = (output, image)
          start = frame + 1
          break
        }
      }
      if start < first {
        reporter.note(
          "no saved state for frame \(first - 1): recomputing frames \(start)...\(first - 1) first")
      }
    }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw .runtime("\(folder): cannot create the run-state folder: \(error.localizedDescription)")
    }
    var previousCheckpoint: String?
    for frame in start...last {
      let output = try renderFrame(frame, from: current, nodes: nodesByFrame[frame], write: needsWork[frame])
      current = output
      let fingerprint = fingerprints[output.index]
      if frame < context.recipe.frames.value - 1, output.index != 0 {
        try Checkpoint.write(output.image, folder: folder, fingerprint: fingerprint, files: files)
        Checkpoint.prune(
          folder: folder, keep: Set([fingerprint] + (previousCheckpoint.map { [$0] } ?? [])), files: files)
        previousCheckpoint = fingerprint
      }
    }
  }

  /// Frame `frame` by the renderer, with progress and the run's summary kept here.
  @discardableResult
  private func renderFrame(
    _ frame: Int, from start: (index: Int, image: RGBImage)?, nodes: [Int], write: Bool = true
  ) throws(RunError) -> (index: Int, image: RGBImage) {
    guard let renderer else { preconditionFailure("the renderer exists while execute() runs") }
    try checkStop()
    reporter.frameStarted(frame)
    let result = try renderer.render(
      frame, from: start, nodes: nodes, write: write, upToDateSaves: upToDateSaves)
    if !result.wrote.isEmpty {
      summary.framesWritten.append(frame)
      if result.rendered { summary.framesRendered += 1 }
      lastFinishedFrame = frame
    }
    reporter.frameFinished(frame, wrote: result.wrote, rendered: result.rendered)
    return result.image
  }

  private func checkStop() throws(RunError) {
    if shouldStop() { throw interrupted() }
  }

  private func interrupted(video: String? = nil) -> RunError {
    reporter.finish()
    return .interrupted(lastFrame: lastFinishedFrame, video: video, signal: interruptSignal())
  }

  /// For each frame, its node indices in plan order (the input image's load node and videos
  /// excluded; a video input's per-frame load nodes included).
  static func nodesByFrame(_ plan: ExecutionPlan, frames: Int) -> [[Int]] {
    var result = [[Int]](repeating: [], count: frames)
    for node in plan.nodes where node.kind != .video {
      if case .load = node.operation { continue }
      guard let frame = node.frame else { continue }
      result[frame].append(node.index)
    }
    return result
  }
}
