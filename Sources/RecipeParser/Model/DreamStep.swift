/// `dream:` — gradient ascent on the image to excite one or more layers of the model.
public struct DreamStep: Sendable, Equatable {
  /// The objective's terms: one for `layer: x`, one per entry for a `layer:` list.
  public let terms: [LayerTerm]
  /// The per-layer loss (default `mean-square`, the seed's).
  public let objective: Located<DreamObjective>
  /// The algorithm and its settings.
  public let algorithm: AlgorithmSettings
  /// The preset the defaults came from, if any.
  public let preset: Located<DreamPreset>?
}

/// The loss computed from a layer's activations.
public enum DreamObjective: String, CaseIterable, Sendable {
  /// mean(activation²) — the seed's loss.
  case meanSquare = "mean-square"
  /// mean(activation).
  case mean
}

/// Named sets of defaults for `dream`.
public enum DreamPreset: String, CaseIterable, Sendable {
  /// The seed script's behaviour: classic algorithm, 3-D gradient blur, octaves quantised to
  /// 8 bits by truncation, and the seed's `recursive_optimize` defaults (10 iterations, step 3.0,
  /// rescale 0.7, 4 repeats, blend 0.2, tile 400).
  case seed
}

/// How the gradient is smoothed in the classic algorithm.
public enum BlurMode: String, CaseIterable, Sendable {
  /// Gaussian over height, width and the colour channels (the seed's; greys the gradient).
  case threeD = "3d"
  /// Gaussian over height and width only.
  case twoD = "2d"
}

/// The dream algorithm with its settings.
public enum AlgorithmSettings: Sendable, Equatable {
  /// The seed's recursive optimisation (downscale by `rescale`, `repeats` times; blend back).
  case classic(ClassicSettings)
  /// Octave pyramid with detail re-injection and random jitter (google/deepdream style).
  case octaves(OctaveSettings)

  /// `classic` or `octaves`.
  public var name: String {
    switch self {
    case .classic: return "classic"
    case .octaves: return "octaves"
    }
  }
}

/// Settings of the classic algorithm; every number may be keyframed.
public struct ClassicSettings: Sendable, Equatable {
  /// Gradient steps per scale (>= 0; default 10).
  public let iterations: Schedule<Int>
  /// Step size, in units of the gradient's standard deviation (>= 0; default 3.0).
  public let step: Schedule<Double>
  /// Downscale factor per repeat, strictly between 0 and 1 (default 0.7).
  public let rescale: Schedule<Double>
  /// Number of downscaled passes (>= 0; default 4).
  public let repeats: Schedule<Int>
  /// Weight of the original image when blending back an upscaled pass, 0...1 (default 0.2).
  public let blend: Schedule<Double>
  /// Tile side in pixels for the tiled gradient (>= 32; default 400).
  public let tile: Schedule<Int>
  /// Gradient smoothing (default `2d`; the seed preset uses `3d`).
  public let blur: Located<BlurMode>
  /// Whether every downscaled/upscaled octave goes through 8 bits by truncation (the seed's;
  /// default false).
  public let quantizeOctaves: Located<Bool>
}

/// Settings of the octave algorithm; every number may be keyframed.
public struct OctaveSettings: Sendable, Equatable {
  /// Number of octaves (>= 1; default 4).
  public let octaves: Schedule<Int>
  /// Scale between octaves (> 1; default 1.4).
  public let octaveScale: Schedule<Double>
  /// Gradient steps per octave (>= 0; default 10).
  public let iterations: Schedule<Int>
  /// Step size, normalised by the mean absolute gradient (>= 0; default 1.5).
  public let step: Schedule<Double>
  /// Maximum random shift in pixels per step (>= 0; default 32).
  public let jitter: Schedule<Int>
  /// Tile side in pixels for the tiled gradient (>= 32; default 400).
  public let tile: Schedule<Int>
}
