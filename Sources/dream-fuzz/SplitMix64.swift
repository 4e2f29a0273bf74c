/// A small seeded pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014).
///
/// Every random choice of the fuzzer goes through this type and its own helpers (never the
/// standard library's `random(in:)`, whose algorithm may change between Swift releases), so a
/// seed names the same inputs on every machine and toolchain.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  /// A generator for one trial: mixes the run's seed with the trial number, so trial `n` gets
  /// the same inputs however many trials came before it or how long they took.
  init(seed: UInt64, stream: UInt64) {
    var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
    state = mixer.next()
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound` (`bound` > 0), by multiply-high (bias below 2^-32 for our bounds).
  mutating func below(_ bound: Int) -> Int {
    precondition(bound > 0, "SplitMix64.below: bound \(bound) must be positive")
    return Int(UInt64(bound).multipliedFullWidth(by: next()).high)
  }

  /// A number in `range`.
  mutating func inRange(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// True with probability `probability` (0...1).
  mutating func chance(_ probability: Double) -> Bool {
    Double(next() >> 11) / Double(1 << 53) < probability
  }

  /// One element of a non-empty array.
  mutating func pick<Element>(_ elements: [Element]) -> Element {
    precondition(!elements.isEmpty, "SplitMix64.pick: empty array")
    return elements[below(elements.count)]
  }

  /// One element, chosen with the given relative weights (same count, all >= 0, sum > 0).
  mutating func pick<Element>(_ elements: [Element], weights: [Int]) -> Element {
    precondition(elements.count == weights.count && !elements.isEmpty, "SplitMix64.pick: weights")
    var roll = below(weights.reduce(0, +))
    for (element, weight) in zip(elements, weights) {
      if roll < weight { return element }
      roll -= weight
    }
    return elements[elements.count - 1]
  }

  /// A random byte.
  mutating func byte() -> UInt8 {
    UInt8(truncatingIfNeeded: next())
  }
}
