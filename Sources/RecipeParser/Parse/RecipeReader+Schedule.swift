internal import Yams

extension RecipeReader {
  /// A value or a keyframe map `{frame: value, ...}` of values read by `element`.
  ///
  /// Keyframe keys must be integers in `0..<frames` (when the frame count is known) written in
  /// increasing order. Returns nil after reporting every problem.
  func schedule<Value: Schedulable>(
    _ node: Node, _ stage: String, _ key: String, frames: Int?,
    element: (Node) -> Located<Value>?
  ) -> Schedule<Value>? {
    guard case .mapping(let mapping) = node else {
      return element(node).map { Schedule(constant: $0.value, at: $0.location) }
    }
    var keyframes: [Schedule<Value>.Keyframe] = []
    var failed = false
    var previous: Int?
    for pair in mapping {
      guard case .scalar(let scalar) = pair.key, pair.key.tagName == .int, let frame = pair.key.int else {
        error(stage, "keyframe \(describe(pair.key)) of '\(key)' must be a frame number", at: pair.key)
        failed = true
        continue
      }
      if let frames, frame < 0 || frame >= frames {
        let range = frames == 1 ? "the only frame is 0" : "frames are 0...\(frames - 1)"
        error(stage, "keyframe \(scalar.string) of '\(key)' is out of range (\(range))", at: pair.key)
        failed = true
      } else if frame < 0 {
        error(
          stage, "keyframe \(scalar.string) of '\(key)' is out of range (frames start at 0)", at: pair.key)
        failed = true
      }
      if let previous, frame <= previous {
        error(
          stage,
          "keyframe \(frame) of '\(key)' comes after keyframe \(previous); "
            + "write keyframes in increasing order", at: pair.key)
        failed = true
      }
      previous = max(previous ?? frame, frame)
      guard let value = element(pair.value) else {
        failed = true
        continue
      }
      keyframes.append(.init(frame: frame, value: value.value, location: value.location))
    }
    if mapping.count == 0 {
      error(stage, "'\(key)' has no keyframes; write a value or a map like {0: 1.0, 25: 2.0}", at: node)
      return nil
    }
    return failed ? nil : Schedule(keyframes: keyframes)
  }

  /// A number or a keyframe map of numbers.
  func numberSchedule(_ node: Node, _ stage: String, _ key: String, frames: Int?) -> Schedule<Double>? {
    schedule(node, stage, key, frames: frames) { number($0, stage, key) }
  }

  /// An integer or a keyframe map of integers.
  func intSchedule(_ node: Node, _ stage: String, _ key: String, frames: Int?) -> Schedule<Int>? {
    schedule(node, stage, key, frames: frames) { int($0, stage, key) }
  }

  /// Reports every keyframe whose value fails `isValid` as "'key' <expectation>, got <value>".
  /// Returns the schedule when all values pass, nil otherwise. Intervals are convex, so checking the
  /// keyframes also covers every interpolated frame.
  func checked<Value: Schedulable & CustomStringConvertible>(
    _ schedule: Schedule<Value>?, _ stage: String, _ key: String, _ expectation: String,
    _ isValid: (Value) -> Bool
  ) -> Schedule<Value>? {
    guard let schedule else { return nil }
    var valid = true
    for keyframe in schedule.keyframes where !isValid(keyframe.value) {
      error(stage, "'\(key)' \(expectation), got \(formatted(keyframe.value))", at: keyframe.location)
      valid = false
    }
    return valid ? schedule : nil
  }

  /// Same check for a single value.
  func checked<Value: CustomStringConvertible>(
    _ value: Located<Value>?, _ stage: String, _ key: String, _ expectation: String,
    _ isValid: (Value) -> Bool
  ) -> Located<Value>? {
    guard let value else { return nil }
    if isValid(value.value) { return value }
    error(stage, "'\(key)' \(expectation), got \(formatted(value.value))", at: value.location)
    return nil
  }

  /// Numbers as a user would write them: `2` rather than `2.0`.
  func formatted<Value: CustomStringConvertible>(_ value: Value) -> String {
    if let double = value as? Double { return CanonicalNumber.display(double) }
    return value.description
  }
}
