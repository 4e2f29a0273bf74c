/// Which dream algorithm to run, with its parameters.
public enum DreamAlgorithm: Sendable, Equatable {
  /// The classic tiled-gradient algorithm of the seed script (Hvass-Labs tutorial #14).
  case classic(ClassicDreamParameters)
  /// The original Caffe DeepDream notebook's octave scheme with detail re-injection.
  case octave(OctaveDreamParameters)

  /// The nominal tile size of either algorithm.
  public var tileSize: Int {
    switch self {
    case .classic(let parameters): return parameters.tileSize
    case .octave(let parameters): return parameters.tileSize
    }
  }
}

/// How the classic algorithm smooths each iteration's gradient.
public enum GradientSmoothing: Sendable, Equatable {
  /// One scalar sigma over height, width and the 3 colour channels (scipy `gaussian_filter` on
  /// the HWC array, as the seed does). Mixing channels greys the gradient, so the input's colours
  /// mostly survive.
  case volumetric
  /// Height and width only; channels are smoothed independently (more colourful results).
  case spatial
  /// No smoothing: each iteration steps along the plain (tile-normalised) gradient.
  case none
}

/// Parameters of the classic algorithm (see docs/seed-algorithm.md).
///
/// Defaults are the seed's `recursive_optimize` defaults with the float octave path;
/// `seedCompatible` adds the seed's 8-bit quantisation around the octave resizes.
public struct ClassicDreamParameters: Sendable, Equatable {
  /// Gradient-ascent iterations at every octave (>= 0).
  public var iterations: Int
  /// Step size: each iteration moves the image by `stepSize` standard deviations of the smoothed
  /// gradient.
  public var stepSize: Float
  /// Nominal tile size in pixels (>= 1); per axis the image is cut into
  /// max(1, round(dim / tileSize)) tiles (see `TileGrid`).
  public var tileSize: Int
  /// Number of smaller octaves below the full size (>= 0; 0 = only the full size).
  public var repeats: Int
  /// Size factor from one octave to the next smaller one, 0 < factor < 1; sizes are
  /// int(width * factor) x int(height * factor) (truncated, as the seed).
  public var rescaleFactor: Double
  /// Weight of the octave's own image when blending with the upscaled smaller result, 0...1.
  public var blend: Float
  /// Gradient smoothing kind (3 summed Gaussian blurs of sigma, 2 sigma and sigma / 2).
  public var smoothing: GradientSmoothing
  /// Clip to 0...255 and truncate to 8 bits around both Lanczos resizes between octaves, and use
  /// PIL's 8-bit resampler (the seed's `resize_u8`). Off: float Lanczos, no clipping.
  public var quantizeOctaves: Bool
  /// How the smoothed gradient becomes the step (default: divided by its standard deviation).
  public var normalization: GradientNormalization
  /// Weight of the squared total-variation penalty, 0...0.25 (0: none); see
  /// `ImageOps.totalVariationGradient`.
  public var totalVariation: Float

  public init(
    iterations: Int = 10, stepSize: Float = 3.0, tileSize: Int = 400, repeats: Int = 4,
    rescaleFactor: Double = 0.7, blend: Float = 0.2, smoothing: GradientSmoothing = .volumetric,
    quantizeOctaves: Bool = false, normalization: GradientNormalization = .standardDeviation,
    totalVariation: Float = 0
  ) {
    self.iterations = iterations
    self.stepSize = stepSize
    self.tileSize = tileSize
    self.repeats = repeats
    self.rescaleFactor = rescaleFactor
    self.blend = blend
    self.smoothing = smoothing
    self.quantizeOctaves = quantizeOctaves
    self.normalization = normalization
    self.totalVariation = totalVariation
  }

  /// The seed's behaviour: its defaults, 3-D smoothing and 8-bit octave resizes.
  /// (The seed's bugs are not reproduced: the tile size is honoured and repeats = 0 works.)
  public static let seedCompatible = ClassicDreamParameters(
    smoothing: .volumetric, quantizeOctaves: true)

  func validate() throws {
    guard iterations >= 0 else {
      throw DreamError.invalidParameter(
        name: "iterations", value: "\(iterations)", expected: "an integer >= 0")
    }
    guard stepSize.isFinite else {
      throw DreamError.invalidParameter(name: "step", value: "\(stepSize)", expected: "a finite number")
    }
    guard tileSize >= 1 else {
      throw DreamError.invalidParameter(name: "tile-size", value: "\(tileSize)", expected: "an integer >= 1")
    }
    guard repeats >= 0 else {
      throw DreamError.invalidParameter(name: "repeats", value: "\(repeats)", expected: "an integer >= 0")
    }
    guard rescaleFactor.isFinite, rescaleFactor > 0, rescaleFactor < 1 else {
      throw DreamError.invalidParameter(
        name: "rescale", value: "\(rescaleFactor)", expected: "a number between 0 and 1 (exclusive), e.g. 0.7"
      )
    }
    guard blend.isFinite, blend >= 0, blend <= 1 else {
      throw DreamError.invalidParameter(name: "blend", value: "\(blend)", expected: "a number in 0...1")
    }
    try validateShaping(normalization, totalVariation)
  }
}

/// Parameters of the Caffe DeepDream notebook's algorithm (google/deepdream `deepdream()` and
/// `make_step()`); the defaults are the notebook's.
public struct OctaveDreamParameters: Sendable, Equatable {
  /// Iterations per octave (>= 0).
  public var iterations: Int
  /// Step size: `image += stepSize / mean(|g|) * g`.
  public var stepSize: Float
  /// Number of octaves including the full size (>= 1).
  public var octaves: Int
  /// Size ratio between consecutive octaves (> 1); the next smaller size is
  /// round(size / octaveScale) per axis (ties to even), at least 1.
  public var octaveScale: Double
  /// Random roll of up to +-jitter pixels per axis before each step, rolled back after it (>= 0).
  public var jitter: Int
  /// Clamp the image to 0...255 after every step.
  public var clip: Bool
  /// Tile size for computing the gradient in pieces (>= 1); see `OctaveDream` for the rule.
  public var tileSize: Int
  /// How the gradient becomes the step (default: divided by its mean absolute value).
  public var normalization: GradientNormalization
  /// Weight of the squared total-variation penalty, 0...0.25 (0: none).
  public var totalVariation: Float

  public init(
    iterations: Int = 10, stepSize: Float = 1.5, octaves: Int = 4, octaveScale: Double = 1.4,
    jitter: Int = 32, clip: Bool = true, tileSize: Int = 400,
    normalization: GradientNormalization = .meanAbsolute, totalVariation: Float = 0
  ) {
    self.iterations = iterations
    self.stepSize = stepSize
    self.octaves = octaves
    self.octaveScale = octaveScale
    self.jitter = jitter
    self.clip = clip
    self.tileSize = tileSize
    self.normalization = normalization
    self.totalVariation = totalVariation
  }

  func validate() throws {
    guard iterations >= 0 else {
      throw DreamError.invalidParameter(
        name: "iterations", value: "\(iterations)", expected: "an integer >= 0")
    }
    guard stepSize.isFinite else {
      throw DreamError.invalidParameter(name: "step", value: "\(stepSize)", expected: "a finite number")
    }
    guard octaves >= 1 else {
      throw DreamError.invalidParameter(name: "octaves", value: "\(octaves)", expected: "an integer >= 1")
    }
    guard octaveScale.isFinite, octaveScale > 1 else {
      throw DreamError.invalidParameter(
        name: "octave-scale", value: "\(octaveScale)", expected: "a number > 1, e.g. 1.4")
    }
    guard jitter >= 0 else {
      throw DreamError.invalidParameter(name: "jitter", value: "\(jitter)", expected: "an integer >= 0")
    }
    guard tileSize >= 1 else {
      throw DreamError.invalidParameter(name: "tile-size", value: "\(tileSize)", expected: "an integer >= 1")
    }
    try validateShaping(normalization, totalVariation)
  }
}

/// Checks the normalisation and total-variation settings both algorithms share.
private func validateShaping(_ normalization: GradientNormalization, _ totalVariation: Float) throws {
  if case .laplacian(let levels) = normalization, !(1...GradientNormalization.maximumLevels).contains(levels)
  {
    throw DreamError.invalidParameter(
      name: "lap-levels", value: "\(levels)", expected: "1...\(GradientNormalization.maximumLevels)")
  }
  guard totalVariation.isFinite, totalVariation >= 0, totalVariation <= 0.25 else {
    throw DreamError.invalidParameter(
      name: "tv", value: "\(totalVariation)", expected: "a number in 0...0.25")
  }
}
