import DreamVocabulary

/// A recipe's `check:` section: what `dream-run check` renders and compares with the recipe's
/// reference set, and how close a frame must be to pass.
///
/// ```yaml
/// check:
///   frames: 3            # frames 0, 1, 2 (or a list: [0, 10, 49])
///   size: [160, 90]      # render at this size instead of the recipe's size
///   tolerance: {max: 0, mean: 0}
/// ```
public struct CheckSettings: Sendable, Equatable {
  /// The frames compared, ascending and distinct; nil: every frame of the recipe.
  public let frames: [Int]?
  /// The size the check renders at; nil: the recipe's own size.
  public let size: ImageSize?
  public let tolerance: CheckTolerance

  public init(frames: [Int]? = nil, size: ImageSize? = nil, tolerance: CheckTolerance = .exact) {
    self.frames = frames
    self.size = size
    self.tolerance = tolerance
  }

  /// No `check:` section: every frame at the recipe's size, exact.
  public static let defaults = CheckSettings()
}

/// How far a rendered frame may be from its reference and still match. Differences are in 8-bit
/// levels per sample (R, G and B of each pixel).
public struct CheckTolerance: Sendable, Equatable, CustomStringConvertible {
  /// Largest allowed absolute difference of any sample (0...255).
  public let maximum: Int
  /// Largest allowed mean absolute difference over all samples.
  public let mean: Double
  /// Smallest allowed PSNR in dB; nil: not checked.
  public let minimumPSNR: Double?

  public init(maximum: Int, mean: Double, minimumPSNR: Double? = nil) {
    self.maximum = maximum
    self.mean = mean
    self.minimumPSNR = minimumPSNR
  }

  /// Byte-identical pixels.
  public static let exact = CheckTolerance(maximum: 0, mean: 0)

  public var isExact: Bool { maximum == 0 && mean == 0 && minimumPSNR == nil }

  /// `exact`, or `max 2, mean 0.5, psnr >= 40 dB`.
  public var description: String {
    if isExact { return "exact" }
    var parts = ["max \(maximum)", "mean \(CanonicalNumber.display(mean))"]
    if let minimumPSNR { parts.append("psnr >= \(CanonicalNumber.display(minimumPSNR)) dB") }
    return parts.joined(separator: ", ")
  }
}
