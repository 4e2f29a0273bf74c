/// The dream algorithms a recipe can choose with `algorithm:`.
public enum DreamAlgorithmName: String, CaseIterable, Sendable, Hashable {
  /// The seed's recursive optimisation (downscale by `rescale`, `repeats` times; blend back).
  case classic
  /// The Caffe notebook's octaves with detail re-injection and random jitter.
  case octaves
}

/// One numeric dream setting, the whole truth about it in one row: its key (in recipes and in
/// canonical parameter strings alike), whether it is an integer, its default for each algorithm
/// that takes it, and its range. The reader, schedule resolution, canonical parameters, validation
/// and keyframe discovery all go through ``DreamSchema/parameters``; the engine mapping reads the
/// resolved values by key.
public struct DreamParameter: Sendable {
  public enum Kind: Sendable {
    /// Interpolated between keyframes and rounded (halves away from zero).
    case integer
    /// Interpolated linearly.
    case number
  }

  public let key: String
  public let kind: Kind
  /// The default for each algorithm that takes the setting; any other algorithm refuses the key.
  public let defaults: [DreamAlgorithmName: Double]
  /// What a bad value is told (`'repeats' must be 0...64, got 100`).
  public let expectation: String
  public let isValid: @Sendable (Double) -> Bool
  /// Left out of canonical parameter strings at its default: settings added after recipes were
  /// already rendered, so that adding them changes no existing fingerprint.
  public let omittedAtDefault: Bool

  init(
    _ key: String, _ kind: Kind, _ defaults: [DreamAlgorithmName: Double], _ expectation: String,
    omittedAtDefault: Bool = false, _ isValid: @escaping @Sendable (Double) -> Bool
  ) {
    self.key = key
    self.kind = kind
    self.defaults = defaults
    self.expectation = expectation
    self.omittedAtDefault = omittedAtDefault
    self.isValid = isValid
  }
}

/// The table of numeric dream settings (non-numeric ones, `layer`, `channels`, `objective`,
/// `preset`, `blur`, `normalize` and `quantize-octaves`, have readers of their own).
public enum DreamSchema {
  /// Smallest accepted tile side, in pixels.
  public static let minimumTile = 32

  public static let parameters: [DreamParameter] = [
    DreamParameter("iterations", .integer, [.classic: 10, .octaves: 10], "must not be negative") { $0 >= 0 },
    DreamParameter("step", .number, [.classic: 3.0, .octaves: 1.5], "must not be negative") { $0 >= 0 },
    DreamParameter(
      "tile", .integer, [.classic: 400, .octaves: 400], "must be at least \(minimumTile) pixels"
    ) {
      $0 >= Double(minimumTile)
    },
    DreamParameter("rescale", .number, [.classic: 0.7], "must be between 0 and 1 (both excluded)") {
      $0 > 0 && $0 < 1
    },
    // Each repeat or octave is a smaller copy of the frame; 64 is far past the point where one pixel is left.
    DreamParameter("repeats", .integer, [.classic: 4], "must be 0...64") { $0 >= 0 && $0 <= 64 },
    DreamParameter("blend", .number, [.classic: 0.2], "must be between 0 and 1") { $0 >= 0 && $0 <= 1 },
    DreamParameter("octaves", .integer, [.octaves: 4], "must be 1...64") { $0 >= 1 && $0 <= 64 },
    DreamParameter("octave-scale", .number, [.octaves: 1.4], "must be greater than 1") { $0 > 1 },
    DreamParameter("jitter", .integer, [.octaves: 32], "must not be negative") { $0 >= 0 },
    DreamParameter(
      "lap-levels", .integer, [.classic: 4, .octaves: 4], "must be 1...\(maximumLapLevels)",
      omittedAtDefault: true
    ) { $0 >= 1 && $0 <= Double(maximumLapLevels) },
    DreamParameter("tv", .number, [.classic: 0, .octaves: 0], "must be 0...0.25", omittedAtDefault: true) {
      $0 >= 0 && $0 <= 0.25
    },
  ]

  /// The deepest Laplacian pyramid `lap-levels` allows (a 4096-pixel side halves to 1 in 12).
  public static let maximumLapLevels = 12

  /// The row of `key`, if the table has one.
  public static func parameter(_ key: String) -> DreamParameter? {
    parameters.first { $0.key == key }
  }

  /// The settings `algorithm` takes, in table order.
  public static func parameters(for algorithm: DreamAlgorithmName) -> [DreamParameter] {
    parameters.filter { $0.defaults[algorithm] != nil }
  }
}

/// A numeric setting's schedule, of the kind its ``DreamParameter`` says.
public enum ParameterSchedule: Sendable, Equatable {
  case integer(Schedule<Int>)
  case number(Schedule<Double>)

  public func value(atFrame frame: Int) -> ParameterValue {
    switch self {
    case .integer(let schedule): return .integer(schedule.value(atFrame: frame))
    case .number(let schedule): return .number(schedule.value(atFrame: frame))
    }
  }

  /// The frames of its keyframes (`[0]` for a constant).
  public var keyframeFrames: [Int] {
    switch self {
    case .integer(let schedule): return schedule.keyframes.map(\.frame)
    case .number(let schedule): return schedule.keyframes.map(\.frame)
    }
  }

  /// The value at the first keyframe, as a Double.
  public var firstValue: Double {
    switch self {
    case .integer(let schedule): return Double(schedule.firstValue)
    case .number(let schedule): return schedule.firstValue
    }
  }
}

/// A numeric setting's value at one frame.
public enum ParameterValue: Sendable, Hashable {
  case integer(Int)
  case number(Double)

  public var canonicalValue: CanonicalValue {
    switch self {
    case .integer(let value): return .integer(value)
    case .number(let value): return .number(value)
    }
  }

  public var doubleValue: Double {
    switch self {
    case .integer(let value): return Double(value)
    case .number(let value): return value
    }
  }
}
