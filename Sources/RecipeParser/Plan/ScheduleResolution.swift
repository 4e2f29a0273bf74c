extension PlanBuilder {
  /// A zoom/transform/match-colors/tint/clip/quantize step with its schedules evaluated at
  /// `frame`; nil for other steps.
  static func resolveTransform(_ operation: PipelineOperation, atFrame frame: Int) -> ResolvedTransform? {
    switch operation {
    case .zoom(.factor(let factor)):
      return .zoomFactor(factor.value(atFrame: frame))
    case .zoom(.trim(let trim)):
      return .zoomTrim(
        top: trim.top.value(atFrame: frame), bottom: trim.bottom.value(atFrame: frame),
        left: trim.left.value(atFrame: frame), right: trim.right.value(atFrame: frame))
    case .transform(let transform):
      return .affine(
        zoom: transform.zoom.value(atFrame: frame), rotate: transform.rotate.value(atFrame: frame),
        dx: transform.translateX.value(atFrame: frame), dy: transform.translateY.value(atFrame: frame),
        edge: transform.edge.value)
    case .matchColors(let match):
      return .matchColors(reference: match.reference.value, strength: match.strength.value(atFrame: frame))
    case .tint(let tint):
      return .tint(
        red: tint.red.value(atFrame: frame), green: tint.green.value(atFrame: frame),
        blue: tint.blue.value(atFrame: frame))
    case .clip(let clip):
      return .clip(low: clip.low.value(atFrame: frame), high: clip.high.value(atFrame: frame))
    case .quantize(let quantize):
      return .quantize(quantize.mode.value)
    case .dream, .save:
      return nil
    }
  }

  /// A dream step with its schedules evaluated at `frame`.
  static func resolveDream(_ dream: DreamStep, atFrame frame: Int, seed: UInt64) -> ResolvedDream {
    let terms = dream.terms.map { term in
      ResolvedLayerTerm(
        layer: term.layer.value(atFrame: frame), weight: term.weight.value(atFrame: frame),
        channels: term.channels?.value)
    }
    let settings = dream.algorithm
    let algorithm = ResolvedAlgorithm(
      name: settings.name, numbers: settings.numbers.mapValues { $0.value(atFrame: frame) },
      blur: settings.blur?.value, quantizeOctaves: settings.quantizeOctaves?.value,
      normalize: settings.normalize.value)
    return ResolvedDream(
      terms: terms, objective: dream.objective.value, algorithm: algorithm, seed: seed, frame: frame,
      colors: dream.colors.value, guide: dream.guide?.value)
  }
}
