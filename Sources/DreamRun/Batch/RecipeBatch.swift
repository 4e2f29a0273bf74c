import DreamVocabulary
import DreamEngine
import RecipeParser

/// A recipe file's variants (one for a recipe without `sweep:`) and their independent work units.
///
/// Units: a variant whose frames feed each other (`feedback`, the default for images) is one unit,
/// rendered in frame order; a variant with `feedback: false` has one unit per frame. Units are
/// numbered variant by variant, frame by frame; ``Shard`` deals them out by number. Video steps
/// are not units: they run once all their frames exist (see ``Executor``).
public struct RecipeBatch: Sendable {
  public let variants: [Recipe]

  /// One variant's units.
  public struct VariantUnits: Sendable, Equatable {
    /// The variant's first unit number.
    public let firstUnit: Int
    /// How many units it has: 1, or its frame count.
    public let count: Int
    /// Whether each frame is a unit of its own.
    public let perFrame: Bool
    /// Frames the run covers (all, or `--frames N`).
    public let frames: Int

    public init(firstUnit: Int, count: Int, perFrame: Bool, frames: Int) {
      self.firstUnit = firstUnit
      self.count = count
      self.perFrame = perFrame
      self.frames = frames
    }

    /// Whether `shard` has anything of this variant to render.
    public func touches(_ shard: Shard?) -> Bool { frameCount(for: shard) > 0 }

    /// Whether frame `frame` is `shard`'s to render.
    public func owns(frame: Int, shard: Shard?) -> Bool {
      guard let shard else { return true }
      return shard.owns(unit: perFrame ? firstUnit + frame : firstUnit)
    }

    /// How many of this variant's frames `shard` renders.
    public func frameCount(for shard: Shard?) -> Int {
      guard let shard else { return frames }
      guard perFrame else { return shard.owns(unit: firstUnit) ? frames : 0 }
      // Units firstUnit...firstUnit+count-1 whose number is number-1 modulo count.
      let target = shard.number - 1
      let first = (target - firstUnit % shard.count + shard.count) % shard.count
      return first < count ? (count - 1 - first) / shard.count + 1 : 0
    }
  }

  public init(variants: [Recipe]) {
    precondition(!variants.isEmpty, "a batch has at least one recipe")
    self.variants = variants
  }

  /// The sweep, when the recipe has one.
  public var sweep: Sweep? { variants[0].sweep }

  /// Parses the recipe file and every variant of its sweep, reporting every problem at once.
  public static func parse(_ options: RunOptions) throws(RunError) -> RecipeBatch {
    // A video path without an extension is an .mp4 where ffmpeg is installed, else an .avi.
    let container: VideoContainer = VideoInput.locate("ffmpeg") == nil ? .avi : .mp4
    switch RecipeFile.parseVariants(
      path: options.recipePath, modelFileRequired: options.model == nil, videoProbe: FFprobeVideoProbe(),
      defaultVideoContainer: container, manyVariantsAllowed: options.manyVariantsAllowed)
    {
    case .success(let recipes):
      // `dream-run check` renders one variant at a time, each into a report folder of its own.
      return RecipeBatch(
        variants: recipes.map { recipe in
          options.checkOutputFolder.map { recipe.forCheck(outputFolder: $0) } ?? recipe
        })
    case .failure(let list): throw .recipe(list)
    }
  }

  /// The variant `options.variant` names (the first when nil), with a usage error past the end.
  public func variant(_ index: Int?) throws(RunError) -> Recipe {
    let index = index ?? 0
    guard variants.indices.contains(index) else {
      throw .usage(
        "--variant \(index + 1): the recipe has \(variants.count) variant\(variants.count == 1 ? "" : "s")")
    }
    return variants[index]
  }

  /// Each variant's units, for a run covering frames 0...frameLimit-1 (nil: all).
  public func units(frameLimit: Int?) -> [VariantUnits] {
    var next = 0
    return variants.map { recipe in
      let frames = min(recipe.frames.value, frameLimit ?? recipe.frames.value)
      let perFrame = !recipe.feedback.value
      let units = VariantUnits(
        firstUnit: next, count: perFrame ? frames : 1, perFrame: perFrame, frames: frames)
      next += units.count
      return units
    }
  }

  /// `6 variants (layer 3 x step 2)`, or nil without a sweep.
  public var sweepSummary: String? {
    guard let sweep else { return nil }
    let shape = sweep.axes.map { "\($0.key) \($0.texts.count)" }.joined(separator: " x ")
    return "\(variants.count) variant\(variants.count == 1 ? "" : "s") (\(shape))"
  }

  /// `12 independent units (one per variant)` and the like, for `plan`, `status` and `run`.
  public func unitSummary(frameLimit: Int?) -> String {
    let units = units(frameLimit: frameLimit)
    let total = units.reduce(0) { $0 + $1.count }
    let perFrame = units.filter(\.perFrame).count
    let how: String
    if perFrame == 0 {
      how =
        variants.count == 1
        ? "each frame starts from the one before" : "one per variant: its frames are a chain"
    } else if perFrame == units.count {
      how = "one per frame: with feedback: false every frame starts from the input"
    } else {
      how = "a chain per variant with feedback, a unit per frame without"
    }
    return "\(total) independent unit\(total == 1 ? "" : "s") (\(how))"
  }
}
