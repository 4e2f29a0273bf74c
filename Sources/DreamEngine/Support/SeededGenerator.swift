/// A deterministic pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same sequence on every platform and Swift version: every operation is
/// defined here on `UInt64` with wrapping arithmetic, and `uniformInt(in:)` uses its own unbiased
/// rejection rule instead of the standard library's (whose algorithm is not guaranteed stable).
/// All randomness of the dream algorithms (tile-grid offsets, jitter) comes from one of these.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Seeds the 256-bit state with four consecutive SplitMix64 outputs of `seed`
  /// (the seeding recommended by xoshiro's authors; it never yields the all-zero state).
  public init(seed: UInt64) {
    var sm = seed
    func splitMix() -> UInt64 {
      sm &+= 0x9E37_79B9_7F4A_7C15
      var z = sm
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  /// The next 64 random bits (xoshiro256**).
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, by: 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, by: 45)
    return result
  }

  /// A uniformly distributed integer in `range` (both ends included).
  ///
  /// Rule: with span = upper - lower + 1, draw 64-bit values and reject those at or above the
  /// largest multiple of span (so every residue is equally likely), then return lower + value % span.
  public mutating func uniformInt(in range: ClosedRange<Int>) -> Int {
    let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
    if span == 0 {  // the full 64-bit range
      return Int(truncatingIfNeeded: next())
    }
    let limit = UInt64.max - (UInt64.max % span + 1) % span
    var value = next()
    while value > limit {
      value = next()
    }
    return range.lowerBound &+ Int(truncatingIfNeeded: value % span)
  }

  private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}
