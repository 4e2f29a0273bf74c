/// One transform or dream that a recipe's frames carry out, at the first frame where it has these
/// parameters. What checks against the model and the frame size need, without a plan node per
/// frame.
public struct StepOccurrence: Sendable {
  /// The recipe step (its number and location name it in diagnostics).
  public let step: PipelineStep
  /// The first frame checked with these parameters.
  public let frame: Int
  /// `.transform([one transform])` or `.dream`.
  public let operation: NodeOperation
}

extension Recipe {
  /// Frames checked one by one, summed over the steps, below which ``distinctOperations(frameLimit:)``
  /// evaluates every frame; above it only the frames around keyframes.
  public static let exhaustiveCheckBudget = 200_000

  /// The distinct zoom/tint/clip/quantize and dream operations of frames 0..<frameLimit (all
  /// frames when nil), each step's in frame order, with the first frame each occurs at.
  ///
  /// Cost is bounded whatever `frames:` says: when the frames to look at (summed over the steps)
  /// stay within ``exhaustiveCheckBudget`` every frame is evaluated; otherwise each step is
  /// evaluated at its first and last frame and at every keyframe of its schedules and the frames
  /// on either side. Between keyframes every number moves monotonically (linear, or rounded
  /// linear) and layers hold, so a limit that depends on one parameter holds in between when it
  /// holds at both ends; a run still checks each frame's dream as it renders it.
  public func distinctOperations(frameLimit: Int? = nil) -> [StepOccurrence] {
    let frameCount = max(0, min(frames.value, frameLimit ?? frames.value))
    let total = pipeline.reduce(0) { $0 + activeSpan($1, frameCount: frameCount).count }
    let exhaustive = total <= Self.exhaustiveCheckBudget
    var occurrences: [StepOccurrence] = []
    for step in pipeline {
      let checked = framesToCheck(step, frameCount: frameCount, exhaustive: exhaustive)
      switch step.operation {
      case .zoom, .transform, .matchColors, .tint, .clip, .quantize:
        var seen = Set<ResolvedTransform>()
        for frame in checked {
          guard let transform = PlanBuilder.resolveTransform(step.operation, atFrame: frame),
            seen.insert(transform).inserted
          else { continue }
          occurrences.append(StepOccurrence(step: step, frame: frame, operation: .transform([transform])))
        }
      case .dream(let dream):
        var seen = Set<ResolvedDream>()
        for frame in checked {
          let resolved = PlanBuilder.resolveDream(dream, atFrame: frame, seed: seed.value)
          guard seen.insert(resolved.ignoringFrame).inserted else { continue }
          occurrences.append(StepOccurrence(step: step, frame: frame, operation: .dream(resolved)))
        }
      case .save:
        continue
      }
    }
    return occurrences
  }

  /// Where `step`'s parameters can change: `first`, the first frame it runs in, and the span of its
  /// keyframes within the frames run (nil when it runs in no frame); `count` frames in all.
  private func activeSpan(_ step: PipelineStep, frameCount: Int) -> (
    first: Int, span: ClosedRange<Int>?, keyframes: [Int], count: Int
  ) {
    let first = frame0.value == .input ? 1 : 0
    guard first < frameCount else { return (first, nil, [], 0) }
    let keyframes = step.operation.keyframeFrames
    // Outside its keyframes' span every schedule holds its end value.
    let start = max(first, keyframes.min() ?? first)
    let end = min(frameCount - 1, keyframes.max() ?? first)
    guard start <= end else { return (first, nil, keyframes, 1) }
    return (first, start...end, keyframes, end - start + 1 + (first < start ? 1 : 0))
  }

  /// The frames at which `step` is checked, in increasing order: every frame where its parameters
  /// can differ (`exhaustive`), or its first and last and those around its keyframes.
  private func framesToCheck(_ step: PipelineStep, frameCount: Int, exhaustive: Bool) -> [Int] {
    let active = activeSpan(step, frameCount: frameCount)
    guard active.count > 0 else { return [] }
    guard let span = active.span else { return [active.first] }
    if exhaustive { return (active.first < span.lowerBound ? [active.first] : []) + Array(span) }
    var frames: Set<Int> = [active.first, span.lowerBound, span.upperBound]
    for keyframe in active.keyframes {
      for frame in (keyframe - 1)...(keyframe + 1) where span.contains(frame) {
        frames.insert(frame)
      }
    }
    return frames.sorted()
  }
}

extension ResolvedDream {
  /// The same dream at frame 0: the parameters the engine's checks depend on.
  var ignoringFrame: ResolvedDream {
    ResolvedDream(
      terms: terms, objective: objective, algorithm: algorithm, seed: seed, frame: 0, colors: colors,
      guide: guide)
  }
}

extension PipelineOperation {
  /// Every keyframe frame of the step's schedules (frame 0 for constants).
  var keyframeFrames: [Int] {
    switch self {
    case .zoom(.factor(let factor)): return factor.keyframeFrames
    case .zoom(.trim(let trim)):
      return trim.top.keyframeFrames + trim.bottom.keyframeFrames + trim.left.keyframeFrames
        + trim.right.keyframeFrames
    case .transform(let transform):
      return transform.zoom.keyframeFrames + transform.rotate.keyframeFrames
        + transform.translateX.keyframeFrames + transform.translateY.keyframeFrames
    case .matchColors(let match): return match.strength.keyframeFrames
    case .tint(let tint):
      return tint.red.keyframeFrames + tint.green.keyframeFrames + tint.blue.keyframeFrames
    case .clip(let clip): return clip.low.keyframeFrames + clip.high.keyframeFrames
    case .quantize, .save: return [0]
    case .dream(let dream):
      return dream.terms.flatMap { $0.layer.keyframeFrames + $0.weight.keyframeFrames }
        + dream.algorithm.numbers.values.flatMap(\.keyframeFrames)
    }
  }
}

extension Schedule {
  /// The frames of the keyframes (`[0]` for a constant).
  var keyframeFrames: [Int] { keyframes.map(\.frame) }
}
