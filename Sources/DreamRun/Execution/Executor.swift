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
  private var store: OutputStore?
  private var summary = RunSummary()
  private var lastFinishedFrame: Int?
  /// Save nodes whose files were up to date when the run started.
  private var upToDateSaves = Set<Int>()
  private let ops: ImageOps
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
    self.ops = ImageOps(threads: run.context.threads)
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
    self.store = store
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
    try writeVideos(limited: limit < frameCount)
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
      let available = Checkpoint.available(in: folder)
      for frame in stride(from: first - 1, through: 0, by: -1) {
        let output = plan.frameOutputs[frame]
        if output == 0 {
          current = try nodeZero()
          start = frame + 1
          break
        }
        if available.contains(fingerprints[output]),
          let image = Checkpoint.read(folder: folder, fingerprint: fingerprints[output])
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
        try Checkpoint.write(output.image, folder: folder, fingerprint: fingerprint)
        Checkpoint.prune(folder: folder, keep: Set([fingerprint] + (previousCheckpoint.map { [$0] } ?? [])))
        previousCheckpoint = fingerprint
      }
    }
  }

  /// Runs frame `frame`'s nodes from `start` (the image of the node its first node reads; nil when
  /// the frame starts at its own load node, a video input's frame). Save nodes write only when
  /// `write` (and their file is not up to date, or `--force`).
  @discardableResult
  private func renderFrame(
    _ frame: Int, from start: (index: Int, image: RGBImage)?, nodes: [Int], write: Bool = true
  ) throws(RunError) -> (index: Int, image: RGBImage) {
    try checkStop()
    reporter.frameStarted(frame)
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
    if !wrote.isEmpty {
      summary.framesWritten.append(frame)
      if rendered { summary.framesRendered += 1 }
      lastFinishedFrame = frame
    }
    reporter.frameFinished(frame, wrote: wrote, rendered: rendered)
    return current
  }

  private func runDream(_ dream: ResolvedDream, node: PlanNode, image: RGBImage) throws(RunError) -> RGBImage
  {
    do {
      let objective = try EngineMapping.objective(
        for: dream, layers: run.layerNames, guide: run.guideFeatures)
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
    try outputStore.write(
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

  private var outputStore: OutputStore {
    guard let store else { preconditionFailure("the output store exists while execute() runs") }
    return store
  }

  private func writeVideos(limited: Bool) throws(RunError) {
    if limited {
      // A limited plan holds no video nodes; say which videos were left out.
      for video in context.recipe.videos {
        summary.videosSkipped += 1
        reporter.note("\(video.value.resolvedPath): skipped (--frames renders only part of the recipe)")
      }
      return
    }
    // A video input's audio goes into .mp4 outputs.
    let input = context.recipe.load.value
    let audio = input.video?.hasAudio == true ? URL(fileURLWithPath: input.resolvedPath) : nil
    for node in plan.nodes {
      guard case .video(let path, let container, let fps, let frames) = node.operation else { continue }
      if !context.options.force,
        outputStore.isUpToDate(nodeID: node.id, path: path, fingerprint: fingerprints[node.index])
      {
        summary.videosUpToDate += 1
        continue
      }
      var videoLock: RunLock?
      if sharedShard != nil {
        guard let lock = try claimVideo(node) else { continue }
        videoLock = lock
      }
      defer { withExtendedLifetime(videoLock) {} }
      try checkStop()
      let videoSummary: VideoSummary
      do {
        videoSummary = try VideoAssembler.write(
          frames: frames.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: path),
          options: VideoOptions(fps: fps, audioSource: container == .mp4 ? audio : nil),
          shouldStop: shouldStop)
      } catch {
        if shouldStop() { throw interrupted(video: path) }
        throw .runtime(error.description)
      }
      try outputStore.recordWritten(path, nodeID: node.id, fingerprint: fingerprints[node.index])
      summary.videosWritten.append(path)
      var note =
        "\(path): wrote \(videoSummary.frameCount) frames (\(videoSummary.width)x\(videoSummary.height))"
      if videoSummary.hasAudio {
        note += " with the input's audio"
      }
      if container == .avi,
        context.recipe.videos.contains(where: { $0.value.resolvedPath == path && $0.value.automaticContainer }
        )
      {
        note +=
          "; ffmpeg was not found, so it is a Motion-JPEG .avi (install ffmpeg for an .mp4 that plays in browsers)"
      } else if audio != nil, !videoSummary.hasAudio {
        note += "; the input's audio is copied into .mp4 videos only"
      }
      reporter.note(note)
    }
  }

  /// A shard's claim on a video: its lock, when every frame the video needs is up to date (other
  /// shards render some of them), no other shard is writing it and it is not up to date by now.
  /// Nil (with a note) otherwise; the last shard to finish its frames writes the video.
  private func claimVideo(_ node: PlanNode) throws(RunError) -> RunLock? {
    guard case .video(let path, _, _, _) = node.operation else { return nil }
    outputStore.reload()
    let missing = node.inputs.filter { index in
      guard case .save(let frame, _, _) = plan.nodes[index].operation else { return false }
      return !outputStore.isUpToDate(
        nodeID: plan.nodes[index].id, path: frame, fingerprint: fingerprints[index])
    }.count
    guard missing == 0 else {
      summary.videosWaiting += 1
      reporter.note(
        "\(path): waiting for \(missing) of \(node.inputs.count) frames that other shards render; the last "
          + "shard to finish writes it (or run without --shard once they are done)")
      return nil
    }
    guard let lock = try RunLock.take(context.stateFile + ".video.lock", recipe: context.recipe.source.file)
    else {
      summary.videosWaiting += 1
      reporter.note("\(path): another shard is writing it")
      return nil
    }
    outputStore.reload()
    guard !outputStore.isUpToDate(nodeID: node.id, path: path, fingerprint: fingerprints[node.index]) else {
      summary.videosUpToDate += 1
      return nil
    }
    return lock
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
