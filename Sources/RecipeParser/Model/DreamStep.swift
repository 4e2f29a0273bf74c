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
  /// `colors: original` keeps the input's colours (default `dreamed`).
  public let colors: Located<DreamColors>
  /// `guide:` image whose features the dream moves toward, instead of the layer's own.
  public let guide: Located<ImageReference>?
}

/// Which colours a dream step's result keeps.
public enum DreamColors: String, CaseIterable, Sendable {
  /// The dream's own colours.
  case dreamed
  /// The luminance of the dream with the chroma (YCbCr Cb and Cr) of the step's input, as
  /// neural-dream's `-original_colors`.
  case original
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
  /// No smoothing: a plain gradient step.
  case none
}

/// How the dream step turns its gradient into a step (`normalize:`).
public enum NormalizeMode: String, CaseIterable, Sendable {
  /// Divide by the standard deviation (the classic algorithm's default).
  case std
  /// Divide by the mean absolute value (the octaves algorithm's default).
  case meanAbs = "mean-abs"
  /// Laplacian-pyramid normalisation (the TensorFlow notebook's `lapnorm`), `lap-levels` levels.
  case lapnorm
}

extension DreamAlgorithmName {
  /// The normalisation the algorithm uses unless `normalize:` says otherwise.
  public var defaultNormalize: NormalizeMode {
    switch self {
    case .classic: return .std
    case .octaves: return .meanAbs
    }
  }
}

/// The dream algorithm with its settings; every number may be keyframed.
public struct AlgorithmSettings: Sendable, Equatable {
  public let name: DreamAlgorithmName
  /// Every numeric setting the algorithm takes (``DreamSchema/parameters(for:)``), written or
  /// defaulted, by key.
  public let numbers: [String: ParameterSchedule]
  /// Classic only (nil for octaves): gradient smoothing (default `2d`; the seed preset uses `3d`).
  public let blur: Located<BlurMode>?
  /// Classic only: whether every downscaled/upscaled octave goes through 8 bits by truncation (the
  /// seed's; default false).
  public let quantizeOctaves: Located<Bool>?
  /// How the gradient becomes the step (the algorithm's ``DreamAlgorithmName/defaultNormalize``
  /// unless written).
  public let normalize: Located<NormalizeMode>

  public init(
    name: DreamAlgorithmName, numbers: [String: ParameterSchedule], normalize: Located<NormalizeMode>,
    blur: Located<BlurMode>? = nil, quantizeOctaves: Located<Bool>? = nil
  ) {
    self.name = name
    self.numbers = numbers
    self.normalize = normalize
    self.blur = blur
    self.quantizeOctaves = quantizeOctaves
  }
}
