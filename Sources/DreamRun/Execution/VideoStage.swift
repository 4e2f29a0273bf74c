import DreamEngine
import Foundation
import RecipeParser

/// The run's last stage: each `video` node of the plan assembled from its frames' files (skipped
/// when up to date, or under `--frames`), written atomically by its encoder and then recorded in
/// the run state. A shard that shares the recipe's frames writes a video only once every frame is
/// recorded (by any shard), under the video's own lock; otherwise it says how many it waits for.
struct VideoStage {
  let context: RecipeContext
  let store: OutputStore
  let reporter: ProgressReporter
  let shouldStop: () -> Bool
  /// The shard, when this run shares the recipe's frames with other shards.
  let sharedShard: Shard?
  /// The error a stop request becomes (the video being written, if any).
  let interrupted: (String?) -> RunError

  private var plan: ExecutionPlan { context.plan }
  private var fingerprints: [String] { context.fingerprints }

  func write(limited: Bool, into summary: inout RunSummary) throws(RunError) {
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
        store.isUpToDate(nodeID: node.id, path: path, fingerprint: fingerprints[node.index])
      {
        summary.videosUpToDate += 1
        continue
      }
      var videoLock: RunLock?
      if sharedShard != nil {
        guard let lock = try claim(node, summary: &summary) else { continue }
        videoLock = lock
      }
      defer { withExtendedLifetime(videoLock) {} }
      if shouldStop() { throw interrupted(nil) }
      let videoSummary: VideoSummary
      do {
        videoSummary = try VideoAssembler.write(
          frames: frames.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: path),
          options: VideoOptions(fps: fps, audioSource: container == .mp4 ? audio : nil),
          shouldStop: shouldStop)
      } catch {
        if shouldStop() { throw interrupted(path) }
        throw .runtime(error.description)
      }
      try store.recordWritten(path, nodeID: node.id, fingerprint: fingerprints[node.index])
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
  private func claim(_ node: PlanNode, summary: inout RunSummary) throws(RunError) -> RunLock? {
    guard case .video(let path, _, _, _) = node.operation else { return nil }
    store.reload()
    let missing = node.inputs.filter { index in
      guard case .save(let frame, _, _) = plan.nodes[index].operation else { return false }
      return !store.isUpToDate(
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
    store.reload()
    guard !store.isUpToDate(nodeID: node.id, path: path, fingerprint: fingerprints[node.index]) else {
      summary.videosUpToDate += 1
      return nil
    }
    return lock
  }
}
