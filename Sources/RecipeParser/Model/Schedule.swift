/// A value type that a ``Schedule`` can hold, with its rule for the frames between two keyframes.
public protocol Schedulable: Sendable, Equatable {
  /// The value `fraction` (strictly between 0 and 1) of the way from `start` to `end`.
  static func interpolate(from start: Self, to end: Self, fraction: Double) -> Self
}

extension Double: Schedulable {
  /// Linear interpolation.
  public static func interpolate(from start: Double, to end: Double, fraction: Double) -> Double {
    start + (end - start) * fraction
  }
}

extension Int: Schedulable {
  /// Linear interpolation rounded to the nearest integer (halves away from zero), never outside
  /// `start...end` (which also keeps values near `Int.max` from overflowing through `Double`).
  public static func interpolate(from start: Int, to end: Int, fraction: Double) -> Int {
    let low = Swift.min(start, end)
    let high = Swift.max(start, end)
    let exact = (Double(start) + (Double(end) - Double(start)) * fraction).rounded(.toNearestOrAwayFromZero)
    if exact >= Double(high) { return high }
    if exact <= Double(low) { return low }
    return Int(exact)
  }
}

/// A parameter that may change over the frames of a recipe.
///
/// Written either as a plain value (constant: one keyframe at frame 0) or as a keyframe map
/// `{0: 1.0, 25: 2.0}`: keys are frame numbers in increasing order, values are interpolated between
/// keyframes by the value type's rule (linear for numbers, step-wise for layers) and held constant
/// before the first and after the last keyframe.
public struct Schedule<Value: Schedulable>: Sendable, Equatable {
  /// One keyframe: the value written for a frame, and where it was written.
  public struct Keyframe: Sendable, Equatable {
    public let frame: Int
    public let value: Value
    public let location: SourceLocation

    public init(frame: Int, value: Value, location: SourceLocation) {
      self.frame = frame
      self.value = value
      self.location = location
    }
  }

  /// At least one keyframe, frames strictly increasing.
  public let keyframes: [Keyframe]
  /// True when the recipe wrote a keyframe map, false for a plain value.
  public let isKeyframed: Bool

  /// A constant schedule.
  public init(constant value: Value, at location: SourceLocation) {
    self.keyframes = [Keyframe(frame: 0, value: value, location: location)]
    self.isKeyframed = false
  }

  /// A keyframed schedule; `keyframes` must be non-empty with strictly increasing frames.
  public init(keyframes: [Keyframe]) {
    precondition(!keyframes.isEmpty, "a schedule needs at least one keyframe")
    for (earlier, later) in zip(keyframes, keyframes.dropFirst()) {
      precondition(earlier.frame < later.frame, "keyframes \(earlier.frame), \(later.frame) not increasing")
    }
    self.keyframes = keyframes
    self.isKeyframed = true
  }

  /// The value at `frame` (interpolated between keyframes, held outside them).
  public func value(atFrame frame: Int) -> Value {
    guard let first = keyframes.first, let last = keyframes.last else {
      preconditionFailure("a schedule has at least one keyframe")
    }
    if frame <= first.frame { return first.value }
    if frame >= last.frame { return last.value }
    // Binary search for the last keyframe at or before `frame`.
    var low = 0
    var high = keyframes.count - 1
    while high - low > 1 {
      let middle = (low + high) / 2
      if keyframes[middle].frame <= frame { low = middle } else { high = middle }
    }
    let before = keyframes[low]
    let after = keyframes[high]
    if frame == before.frame { return before.value }
    let fraction = Double(frame - before.frame) / Double(after.frame - before.frame)
    return Value.interpolate(from: before.value, to: after.value, fraction: fraction)
  }

  /// The value written first (the constant value of an unkeyframed schedule).
  public var firstValue: Value {
    guard let first = keyframes.first else { preconditionFailure("a schedule has at least one keyframe") }
    return first.value
  }

  /// Where the (first) value was written.
  public var location: SourceLocation {
    guard let first = keyframes.first else { preconditionFailure("a schedule has at least one keyframe") }
    return first.location
  }
}
