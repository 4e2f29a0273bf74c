import Foundation
import DreamEngine
import ModelStore
import RecipeParser

/// What a run of a recipe file did: the summary of each variant it touched.
public struct BatchSummary: Sendable {
  /// Per variant this run (or shard) rendered or checked: its name (nil without a sweep) and summary.
  public var variants: [(name: String?, summary: RunSummary)] = []
  /// Variants left to other shards.
  public var variantsElsewhere = 0
  public var sweepVariants: Int?

  public init() {}

  /// Every variant's summary added up (frame numbers of a sweep's variants are not meaningful
  /// together, so `framesWritten` is only kept for a single recipe).
  public var total: RunSummary {
    guard variants.count != 1 || sweepVariants != nil else { return variants.first?.summary ?? RunSummary() }
    var total = RunSummary()
    for (_, summary) in variants {
      total.framesWritten += summary.framesWritten
      total.framesRendered += summary.framesRendered
      total.framesUpToDate += summary.framesUpToDate
      total.videosWritten += summary.videosWritten
      total.videosUpToDate += summary.videosUpToDate
      total.videosSkipped += summary.videosSkipped
      total.videosWaiting += summary.videosWaiting
      total.renderSeconds += summary.renderSeconds
    }
    return total
  }
}

/// Runs a recipe file: every variant of its sweep (one for a plain recipe) in order, or with
/// `--shard` only this shard's units; each variant prepared (model loaded once) and executed by an
/// ``Executor`` of its own, with its own run state and lock.
public enum BatchRun {
  public static func execute(
    _ options: RunOptions, store: ModelStore, reporter: ProgressReporter,
    shouldStop: @escaping () -> Bool = { false }, interruptSignal: @escaping () -> Int32 = { SIGINT },
    files: any OutputFiles = DiskOutputFiles(), prepared: () -> Void = {}
  ) throws(RunError) -> BatchSummary {
    let batch = try RecipeBatch.parse(options)
    let units = batch.units(frameLimit: options.frameLimit)
    let models = LoadedModels()
    var result = BatchSummary()
    result.sweepVariants = batch.sweep == nil ? nil : batch.variants.count
    if let sweep = batch.sweepSummary {
      reporter.note(
        "sweep: \(sweep), \(batch.unitSummary(frameLimit: options.frameLimit))"
          + (options.shard.map { "; shard \($0) renders its share" } ?? ""))
    }
    for (index, recipe) in batch.variants.enumerated() {
      let variantUnits = units[index]
      // A shard prepares a variant only when it renders some of its frames; with one unit per
      // frame it also visits variants with videos it may be the last to complete.
      guard variantUnits.touches(options.shard) else {
        result.variantsElsewhere += 1
        continue
      }
      var variantOptions = options
      variantOptions.variant = index
      if let variant = recipe.variant {
        reporter.note("variant \(index + 1)/\(batch.variants.count): \(variant.name)")
      }
      let run = try PreparedRun.prepare(
        variantOptions, store: store, recipe: recipe, models: models, units: variantUnits)
      prepared()
      let executor = Executor(
        run, reporter: reporter, shouldStop: shouldStop, interruptSignal: interruptSignal, files: files)
      result.variants.append((recipe.variant?.name, try executor.execute()))
    }
    return result
  }
}
