import DreamEngine
import DreamVocabulary
import Foundation
import RecipeParser

/// Translates resolved plan operations into engine calls.
enum EngineMapping {
  /// The engine objective of a dream node; layers are resolved in the model's dream-layer list.
  /// With a guide, `guide(image, layer, channels)` gives each term's guide features (nil: the
  /// objective without them, for checks that need only the network's shape).
  static func objective(
    for dream: ResolvedDream, layers: LayerBinding,
    guide: (ImageReference, String, [Int]?) throws -> GuideFeatures?
  ) throws -> Objective {
    let reduction: Objective.Reduction
    switch dream.objective {
    case .meanSquare: reduction = .meanSquare
    case .mean: reduction = .mean
    }
    var terms: [Objective.Term] = []
    for term in dream.terms {
      guard let name = layers.name(of: term.layer) else {
        // validateLayers ran before the plan was executed, so this is a bug.
        preconditionFailure("layer \(term.layer) was not validated against the model")
      }
      let features = try dream.guide.flatMap { try guide($0, name, term.channels) }
      terms.append(
        Objective.Term(
          layer: name, reduction: reduction, channels: term.channels, weight: Float(term.weight),
          guide: features))
    }
    return Objective(terms: terms)
  }

  /// The engine algorithm and parameters of a dream node (settings read by their schema keys).
  static func algorithm(for dream: ResolvedDream) -> DreamAlgorithm {
    let a = dream.algorithm
    let normalization: GradientNormalization
    switch a.normalize {
    case .std: normalization = .standardDeviation
    case .meanAbs: normalization = .meanAbsolute
    case .lapnorm: normalization = .laplacian(levels: a.integer("lap-levels"))
    }
    let totalVariation = Float(a.number("tv"))
    switch a.name {
    case .classic:
      let smoothing: GradientSmoothing
      switch a.blur ?? .twoD {
      case .twoD: smoothing = .spatial
      case .threeD: smoothing = .volumetric
      case .none: smoothing = .none
      }
      return .classic(
        ClassicDreamParameters(
          iterations: a.integer("iterations"), stepSize: Float(a.number("step")), tileSize: a.integer("tile"),
          repeats: a.integer("repeats"), rescaleFactor: a.number("rescale"), blend: Float(a.number("blend")),
          smoothing: smoothing, quantizeOctaves: a.quantizeOctaves ?? false, normalization: normalization,
          totalVariation: totalVariation))
    case .octaves:
      return .octave(
        OctaveDreamParameters(
          iterations: a.integer("iterations"), stepSize: Float(a.number("step")),
          octaves: a.integer("octaves"),
          octaveScale: a.number("octave-scale"), jitter: a.integer("jitter"), tileSize: a.integer("tile"),
          normalization: normalization, totalVariation: totalVariation))
    }
  }

  /// Why `transform` cannot run on a `width` x `height` frame, or nil.
  static func problem(with transform: ResolvedTransform, width: Int, height: Int) -> String? {
    switch transform {
    case .zoomFactor(let factor):
      // The parser already requires > 0; a schedule cannot leave that range. Kept as a guard so
      // a bad value is a diagnostic before rendering rather than an engine error mid-run.
      if !(factor.isFinite && factor > 0) {
        return "zoom factor \(CanonicalNumber.display(factor)) is not a finite number > 0; "
          + "use a factor > 0 (below 1 zooms out)"
      }
      return nil
    case .zoomTrim(let top, let bottom, let left, let right):
      if top + bottom >= height || left + right >= width {
        return "trims (top \(top), bottom \(bottom), left \(left), right \(right)) leave nothing of a "
          + "\(width)x\(height) frame; use smaller trims"
      }
      return nil
    case .affine(let zoom, let rotate, let dx, let dy, _):
      if !(zoom.isFinite && zoom > 0 && rotate.isFinite && dx.isFinite && dy.isFinite) {
        return "transform: zoom \(CanonicalNumber.display(zoom)), rotate \(CanonicalNumber.display(rotate)), "
          + "translate [\(CanonicalNumber.display(dx)), \(CanonicalNumber.display(dy))] must be finite with zoom > 0"
      }
      return nil
    case .matchColors, .tint, .clip, .quantize:
      return nil
    }
  }

  /// Applies `transforms` in order; `colors` gives the statistics of a `match-colors` reference.
  static func apply(
    _ transforms: [ResolvedTransform], to image: RGBImage, ops: ImageOps,
    colors: (ColorReference) throws -> ColorStatistics
  ) throws -> RGBImage {
    var current = image
    for transform in transforms {
      switch transform {
      case .affine(let zoom, let rotate, let dx, let dy, let edge):
        let resampleEdge: ResampleEdge
        switch edge {
        case .reflect: resampleEdge = .reflect
        case .clamp: resampleEdge = .clamp
        }
        current = try ops.affine(
          current, zoom: zoom, rotateDegrees: rotate, dx: dx, dy: dy, edge: resampleEdge)
      case .matchColors(let reference, let strength):
        current = try ops.matchColors(current, to: colors(reference), strength: strength)
      case .zoomFactor(let factor):
        current = try ops.zoom(current, factor: factor)
      case .zoomTrim(let top, let bottom, let left, let right):
        current = try ops.zoom(current, trim: EdgeTrim(top: top, bottom: bottom, left: left, right: right))
      case .tint(let red, let green, let blue):
        current = ops.tint(current, red: Float(red), green: Float(green), blue: Float(blue))
      case .clip(let low, let high):
        current = try ops.clip(current, lower: Float(low), upper: Float(high))
      case .quantize(let mode):
        switch mode {
        case .truncate: current = ops.quantized(current, rounding: .truncate)
        case .round: current = ops.quantized(current, rounding: .round)
        }
      }
    }
    return current
  }

  /// The engine format of a save node.
  static func imageFormat(_ format: ImageFileKind, quality: Int?) -> ImageFormat {
    switch format {
    case .png: return .png
    case .jpeg: return .jpeg(quality: quality ?? ImageFormat.defaultJPEGQuality)
    }
  }
}
