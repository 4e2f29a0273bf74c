import DreamVocabulary

/// A parsed and validated recipe. Every value keeps the location it was written at.
///
/// The frame loop: frame 0 starts from the loaded input (resized to ``size`` when given). Every
/// frame runs the ``pipeline`` in order on its starting image; frame i + 1 starts from frame i's
/// final image (or from the input again when ``feedback`` is false). With ``frame0`` = `input`,
/// frame 0 skips every step except `save`, so the input is written as-is. `video` steps run once,
/// after all frames.
public struct Recipe: Sendable {
  /// The recipe's text; `source.file` is the path as given to the parser.
  public let source: SourceText
  /// The directory the recipe's relative paths are resolved against.
  public let directory: String
  public let model: Located<ModelReference>
  /// Seed of every random choice (tile offsets, jitter); default 0.
  public let seed: Located<UInt64>
  /// Number of frames rendered, numbered 0...frames-1 (default 1).
  public let frames: Located<Int>
  /// What frame 0 is (default `render`).
  public let frame0: Located<FrameZero>
  /// Whether frame i + 1 starts from frame i's image (default true; false for a video input).
  public let feedback: Located<Bool>
  /// `feedback: {blend: w}` (video inputs): frame i + 1 starts from (1 - w) x its video frame +
  /// w x frame i's image. Nil otherwise.
  public let feedbackBlend: Schedule<Double>?
  /// Frame size; the input is resized to it. Nil: the input's own size.
  public let size: Located<ImageSize>?
  /// How the input is resized to `size` (default `cover`).
  public let fit: Located<FitMode>
  /// Worker threads for the engine; nil: the caller decides.
  public let threads: Located<Int>?
  /// The `check:` section (what `dream-run check` compares); nil: ``CheckSettings/defaults``.
  public let check: Located<CheckSettings>?
  /// The `load` step (always the first step).
  public let load: Located<LoadStep>
  /// The per-frame steps, in order.
  public let pipeline: [PipelineStep]
  /// The `video` steps (always after all per-frame steps).
  public let videos: [Located<VideoStep>]
  /// The recipe's `sweep:`, when it has one; this recipe is then its variant ``variant``.
  public var sweep: Sweep? = nil
  /// Which of the sweep's variants this is (its values are already in the steps).
  public var variant: SweepVariant? = nil

  /// The recipe path as given to the parser.
  public var file: String { source.file }

  /// `path` resolved against the recipe's directory.
  public func resolve(_ path: String) -> String {
    RecipePath.resolve(path, relativeTo: directory)
  }

  /// All dream steps with their pipeline positions.
  public var dreamSteps: [(step: PipelineStep, dream: DreamStep)] {
    pipeline.compactMap { step in
      switch step.operation {
      case .dream(let dream): return (step, dream)
      case .zoom, .transform, .matchColors, .tint, .clip, .quantize, .save: return nil
      }
    }
  }

  /// Every image file the steps read besides the input (guides, colour references), each once,
  /// in step order.
  public var referencedImages: [ReferencedImage] {
    var seen = Set<String>()
    var result: [ReferencedImage] = []
    for step in pipeline {
      let found: ReferencedImage?
      switch step.operation {
      case .dream(let dream):
        found = dream.guide.map { ReferencedImage(image: $0, stage: "dream", what: "guide image") }
      case .matchColors(let match):
        if case .image(let image) = match.reference.value {
          found = ReferencedImage(
            image: Located(image, at: match.reference.location), stage: "match-colors",
            what: "colour reference image")
        } else {
          found = nil
        }
      case .zoom, .transform, .tint, .clip, .quantize, .save: found = nil
      }
      if let found, seen.insert(found.image.value.resolvedPath).inserted { result.append(found) }
    }
    return result
  }
}

/// An image a step reads besides the input, with the step kind and what it is for messages.
public struct ReferencedImage: Sendable {
  public let image: Located<ImageReference>
  public let stage: String
  public let what: String
}

/// The network a recipe dreams with.
public enum ModelReference: Sendable, Equatable {
  /// A catalog name such as `inception5h`, resolved by the model store.
  case catalog(String)
  /// A frozen GraphDef file: the path as written and resolved against the recipe's directory.
  case file(path: String, resolvedPath: String)
}

/// How the input is resized to the recipe's `size` when the aspect ratios differ.
public enum FitMode: String, CaseIterable, Sendable {
  /// Scale to fill the frame, keeping the aspect ratio; the overhang is cropped (centred).
  case cover
  /// Scale to fit inside the frame, keeping the aspect ratio; the rest is black (centred).
  case contain
  /// Scale each axis on its own (distorts when the aspect ratios differ).
  case stretch
}

/// What frame 0 is.
public enum FrameZero: String, CaseIterable, Sendable {
  /// Frame 0 is the input as loaded: only `save` steps run on it (the seed's img_0).
  case input
  /// Frame 0 runs the whole pipeline like every other frame.
  case render
}
