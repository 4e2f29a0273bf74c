import Foundation
import ModelStore
import RecipeParser

extension Commands {
  /// `dream-run status RECIPE`: what is done, running and missing, variant by variant, across all
  /// shards (from the files, the run states merged with the shards' states, and the locks that
  /// running processes hold).
  public static func status(_ options: RunOptions, store: ModelStore) throws(RunError) -> String {
    let batch = try RecipeBatch.parse(options)
    let units = batch.units(frameLimit: options.frameLimit)
    var rows = [[batch.sweep == nil ? "RECIPE" : "VARIANT", "FRAMES", "VIDEOS", "STATE"]]
    var unitsDone = 0
    var unitsTotal = 0
    var framesDone = 0
    var framesTotal = 0
    var videosDone = 0
    var videosTotal = 0
    var running: [String] = []
    var sibling: RecipeContext?
    for (index, recipe) in batch.variants.enumerated() {
      var context = try RecipeContext(
        recipe: recipe, options: options, resolvedModel: nil, planFrames: false, store: store,
        sameModelAs: sibling)
      sibling = context
      let name = recipe.variant?.name ?? URL(fileURLWithPath: recipe.file).lastPathComponent
      guard context.plannedSize.nodes <= maximumListedNodes else {
        rows.append([name, "?", "?", "too many frames to check; add --frames N"])
        continue
      }
      context.planFrames()
      let statuses = context.statuses()
      let frames = units[index].frames
      var done = [Bool](repeating: true, count: frames)
      var stale = 0
      var videos = (done: 0, total: 0)
      for node in context.plan.nodes {
        switch node.kind {
        case .save:
          guard let frame = node.frame, frame < frames, statuses[node.index] != .upToDate else { continue }
          if done[frame], statuses[node.index] == .stale { stale += 1 }
          done[frame] = false
        case .video:
          videos.total += 1
          if statuses[node.index] == .upToDate { videos.done += 1 }
        case .load, .transform, .dream, .blend:
          continue
        }
      }
      let doneFrames = done.filter { $0 }.count
      framesDone += doneFrames
      framesTotal += frames
      videosDone += videos.done
      videosTotal += videos.total
      unitsTotal += units[index].count
      unitsDone += units[index].perFrame ? doneFrames : (doneFrames == frames ? 1 : 0)
      let shards = RunState.shardFiles(of: context.stateFile).filter { RunLock.isHeld($0.path + ".lock") }
        .map(\.shard.description)
      let busy = RunLock.isHeld(context.stateFile + ".lock")
      var state: String
      if doneFrames == frames, videos.done == videos.total {
        state = "done"
      } else if busy {
        state =
          shards.isEmpty
          ? "running" : "running (shard\(shards.count == 1 ? "" : "s") \(shards.joined(separator: ", ")))"
        running.append(name)
      } else if doneFrames == frames {
        state = "frames done, video missing (run without --shard)"
      } else if doneFrames > 0 || stale > 0 {
        state = "partly done"
      } else {
        state = "missing"
      }
      if stale > 0, state != "done" { state += "; \(stale) frame\(stale == 1 ? "" : "s") stale" }
      rows.append([
        name, "\(doneFrames)/\(frames)", videos.total == 0 ? "-" : "\(videos.done)/\(videos.total)", state,
      ])
    }
    var text = "\(options.recipePath): "
    text += batch.sweepSummary.map { "sweep of \($0); " } ?? ""
    text += batch.unitSummary(frameLimit: options.frameLimit) + "\n"
    text += table(rows)
    text += "units: \(unitsDone) of \(unitsTotal) done; frames: \(framesDone) of \(framesTotal); "
    text += "videos: \(videosDone) of \(videosTotal)"
    if !running.isEmpty { text += "; being rendered now: \(running.count)" }
    return text + "\n"
  }
}
