import DreamEngine

/// A tiny deterministic generator for test data (SplitMix64).
struct TestRandom {
  private var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [lo, hi).
  mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
    lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
  }

  mutating func tensor(_ shape: TensorShape, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    var v = [Float](repeating: 0, count: shape.count)
    for i in 0..<v.count { v[i] = uniform(lo, hi) }
    return Tensor(shape: shape, values: v)
  }

  mutating func buffer(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> FloatBuffer {
    var v = [Float](repeating: 0, count: count)
    for i in 0..<v.count { v[i] = uniform(lo, hi) }
    return FloatBuffer(v)
  }
}
