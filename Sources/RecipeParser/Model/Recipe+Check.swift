/// The recipe as `dream-run check` renders it.
extension Recipe {
  /// The `check:` settings in effect.
  public var checkSettings: CheckSettings { check?.value ?? .defaults }

  /// The frames a check compares, ascending.
  public var checkFrames: [Int] { checkSettings.frames ?? Array(0..<frames.value) }

  /// The reference image name of `frame` for save step `step` (1-based recipe step number):
  /// `0007.png`, or `0007-step9.png` when the recipe has several save steps.
  public func referenceName(frame: Int, step: Int) -> String {
    let digits = String(frame)
    let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    return saveStepCount > 1 ? "\(padded)-step\(step).png" : "\(padded).png"
  }

  private var saveStepCount: Int {
    pipeline.filter { $0.operation.kind == .save }.count
  }

  /// The same recipe reduced to what a check renders: frames 0 up to the last checked frame, at
  /// the check size, every `save` step writing a lossless PNG named by ``referenceName(frame:step:)``
  /// into `outputFolder`, no videos. Everything else (steps, schedules, seeds) is unchanged, so a
  /// checked frame is the frame a run renders at that size, as its 8-bit pixels before encoding.
  public func forCheck(outputFolder: String) -> Recipe {
    let settings = checkSettings
    let last = checkFrames.last ?? 0
    let pipeline = self.pipeline.map { step -> PipelineStep in
      guard case .save(let save) = step.operation else { return step }
      let name = referenceName(frame: 0, step: step.number).dropFirst(4)  // ".png" or "-stepN.png"
      let text = "{frame:04}" + name
      guard case .success(let template) = PathTemplate.parse(text) else {
        preconditionFailure("forCheck: bad template \(text)")
      }
      let redirected = SaveStep(
        path: Located(template, at: save.path.location),
        resolvedPath: template.resolved(relativeTo: outputFolder), format: .png, quality: nil)
      return PipelineStep(operation: .save(redirected), location: step.location, number: step.number)
    }
    var recipe = Recipe(
      source: source, directory: directory, model: model, seed: seed,
      frames: Located(last + 1, at: frames.location), frame0: frame0, feedback: feedback,
      feedbackBlend: feedbackBlend,
      size: settings.size.map { Located($0, at: check?.location ?? frames.location) } ?? size,
      fit: fit,
      threads: threads, check: check, load: load, pipeline: pipeline, videos: [])
    recipe.sweep = sweep
    recipe.variant = variant
    return recipe
  }
}
