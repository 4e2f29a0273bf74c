import DreamVocabulary
internal import Yams

/// The `check:` section (see ``CheckSettings``).
extension TopLevelReader {
  static let checkKeys = ["frames", "size", "tolerance"]
  static let toleranceKeys = ["max", "mean", "psnr"]
  /// A check compares at most this many frames (each is a reference image in git).
  static let maximumCheckFrames = 1000

  /// Reads `check:` for a recipe of `frameCount` frames (nil when `frames:` was invalid).
  func readCheck(_ node: Node, frameCount: Int?) -> Located<CheckSettings>? {
    let stage = "check"
    guard let fields = reader.fields(of: node, stage: stage, allowed: Self.checkKeys) else { return nil }
    var valid = true
    var frames: [Int]?
    if let framesNode = fields["frames"] {
      frames = readCheckFrames(framesNode, frameCount: frameCount)
      valid = valid && frames != nil
    }
    var size: ImageSize?
    if let sizeNode = fields["size"] {
      size = readSize(sizeNode, stage: stage)?.value
      valid = valid && size != nil
    }
    var tolerance = CheckTolerance.exact
    if let toleranceNode = fields["tolerance"] {
      if let read = readTolerance(toleranceNode) { tolerance = read } else { valid = false }
    }
    guard valid else { return nil }
    return Located(
      CheckSettings(frames: frames, size: size, tolerance: tolerance), at: reader.location(of: node))
  }

  /// `frames: N` (frames 0...N-1) or `frames: [a, b, ...]` (distinct, each a frame of the recipe).
  private func readCheckFrames(_ node: Node, frameCount: Int?) -> [Int]? {
    let stage = "check"
    let limit = min(frameCount ?? Self.maximumCheckFrames, Self.maximumCheckFrames)
    if case .sequence(let sequence) = node {
      guard !sequence.isEmpty, sequence.count <= Self.maximumCheckFrames else {
        reader.error(
          stage, "'frames' must list 1...\(Self.maximumCheckFrames) frame numbers, got \(sequence.count)",
          at: node)
        return nil
      }
      var result: [Int] = []
      var valid = true
      for item in sequence {
        guard
          let frame = reader.checked(
            reader.int(item, stage, "frames"), stage, "frames",
            "must be frame numbers of the recipe, 0...\(max(0, (frameCount ?? 1) - 1))",
            { $0 >= 0 && $0 < (frameCount ?? Int.max) })
        else {
          valid = false
          continue
        }
        if result.contains(frame.value) {
          reader.error(stage, "frame \(frame.value) is listed twice in 'frames'", at: frame.location)
          valid = false
        }
        result.append(frame.value)
      }
      return valid ? result.sorted() : nil
    }
    guard
      let count = reader.checked(
        reader.int(node, stage, "frames"), stage, "frames",
        "must be a frame count 1...\(limit) or a list of frame numbers", { $0 >= 1 && $0 <= limit })
    else { return nil }
    return Array(0..<count.value)
  }

  /// `tolerance: {max: levels, mean: levels, psnr: dB}`; unset keys are exact (psnr: unchecked).
  private func readTolerance(_ node: Node) -> CheckTolerance? {
    let stage = "check"
    guard let fields = reader.fields(of: node, stage: stage, allowed: Self.toleranceKeys) else { return nil }
    let maximum = fields["max"].map {
      reader.checked(reader.int($0, stage, "max"), stage, "max", "must be 0...255 (8-bit levels)") {
        (0...255).contains($0)
      }
    }
    let mean = fields["mean"].map {
      reader.checked(reader.number($0, stage, "mean"), stage, "mean", "must be 0...255 (8-bit levels)") {
        (0...255).contains($0)
      }
    }
    let psnr = fields["psnr"].map {
      reader.checked(reader.number($0, stage, "psnr"), stage, "psnr", "must be 1...200 (dB)") {
        (1...200).contains($0)
      }
    }
    if maximum == .some(nil) || mean == .some(nil) || psnr == .some(nil) { return nil }
    return CheckTolerance(
      maximum: maximum??.value ?? 0, mean: mean??.value ?? 0, minimumPSNR: psnr??.value)
  }
}
