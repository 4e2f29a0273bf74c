import DreamEngine
import Foundation
import RecipeParser

/// Command-line settings that change how a recipe is prepared and run.
public struct RunOptions: Sendable, Equatable {
  /// The recipe file.
  public var recipePath: String
  /// `--model`: a catalog name or a .pb path (relative to the current directory); overrides the
  /// recipe's `model:`.
  public var model: String?
  /// `--threads`: overrides the recipe's `threads:`; default: the number of CPU cores.
  public var threads: Int?
  /// `--force`: render every frame again even when it is up to date.
  public var force: Bool
  /// `--frames N`: render only frames 0...N-1 (videos are then skipped).
  public var frameLimit: Int?
  /// `dream-run check`: render the recipe's check variant (``Recipe/forCheck(outputFolder:)``)
  /// into this folder, with its run state there too; nil for a normal run.
  public var checkOutputFolder: String?
  /// `--max-memory`: refuse a run whose memory estimate exceeds this many bytes (instead of the
  /// memory available now).
  public var maxMemory: Int?
  /// `--allow-outside`: let the recipe's outputs resolve outside its folder tree.
  public var allowOutside: Bool
  /// `--shard i/n`: render only this worker's share of the independent units; nil: all of them.
  public var shard: Shard?
  /// `--yes`: a sweep may make more than ``SweepReader`` asks confirmation for.
  public var manyVariantsAllowed: Bool
  /// Which variant of a sweep the single-recipe commands act on (0-based); nil: the first.
  public var variant: Int?

  public init(
    recipePath: String, model: String? = nil, threads: Int? = nil, force: Bool = false,
    frameLimit: Int? = nil,
    checkOutputFolder: String? = nil, maxMemory: Int? = nil, allowOutside: Bool = false, shard: Shard? = nil,
    manyVariantsAllowed: Bool = false, variant: Int? = nil
  ) {
    self.shard = shard
    self.manyVariantsAllowed = manyVariantsAllowed
    self.variant = variant
    self.recipePath = recipePath
    self.model = model
    self.threads = threads
    self.force = force
    self.frameLimit = frameLimit
    self.checkOutputFolder = checkOutputFolder
    self.maxMemory = maxMemory
    self.allowOutside = allowOutside
  }

  /// The thread count for `recipe`: `--threads`, else the recipe's `threads:`, else the cores.
  public func threadCount(for recipe: Recipe) -> Int {
    max(1, min(threads ?? recipe.threads?.value ?? EngineThreads.processorCount, 256))
  }
}
