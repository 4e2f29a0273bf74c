/// A guide image's activations at one layer, for google/deepdream's guided objective: for every
/// position of the dreamed image's layer, the dot product of its feature vector x with the guide
/// feature y that matches it best (the largest x · y), averaged over positions. Its gradient moves
/// each position toward its best-matching guide feature (`y[:, argmax]` in the notebook).
public struct GuideFeatures: Sendable, Equatable {
  /// Identifies the guide, layer and channels (equality, and so the network cache, use it).
  public let id: String
  /// Number of guide positions (height x width of the guide's activations).
  public let count: Int
  /// Channels per feature (the selected channels, in order).
  public let channels: Int
  /// count x channels values, row-major.
  public let values: [Float]

  /// The features of `activations` (`h x w x c`), restricted to `channels` (nil: all).
  public init(id: String, activations: Tensor, channels selected: [Int]?) {
    let c = activations.shape.channels
    let picked = selected ?? Array(0..<c)
    let positions = activations.shape.height * activations.shape.width
    var values = [Float](repeating: 0, count: positions * picked.count)
    let x = activations.storage.base
    for p in 0..<positions {
      for (k, channel) in picked.enumerated() { values[p * picked.count + k] = x[p * c + channel] }
    }
    self.id = id
    self.count = positions
    self.channels = picked.count
    self.values = values
  }

  public static func == (lhs: GuideFeatures, rhs: GuideFeatures) -> Bool {
    lhs.id == rhs.id && lhs.count == rhs.count && lhs.channels == rhs.channels
  }
}

extension Objective.Term {
  /// Positions per GEMM block of the guided objective (bounds its dot-product matrix).
  static let guideBlock = 256

  /// The guided term's value for activation `a` and, added into `grad`, its gradient: per
  /// position, weight / positions times the best-matching guide feature (first on ties).
  func evaluateGuided(_ a: Tensor, guide: GuideFeatures, accumulatingInto grad: Tensor) -> Double {
    let c = a.shape.channels
    let selected = channels ?? Array(0..<c)
    precondition(
      selected.count == guide.channels,
      "guide features have \(guide.channels) channels, term \(selected.count)")
    let positions = a.shape.height * a.shape.width
    guard positions > 0, guide.count > 0 else { return 0 }
    let x = a.storage.base
    let g = grad.storage.base
    let k = selected.count
    let scale = weight / Float(positions)
    var total = 0.0
    var block = [Float](repeating: 0, count: Self.guideBlock * k)
    var dots = [Float](repeating: 0, count: Self.guideBlock * guide.count)
    var start = 0
    while start < positions {
      let rows = min(Self.guideBlock, positions - start)
      for r in 0..<rows {
        for (j, channel) in selected.enumerated() { block[r * k + j] = x[(start + r) * c + channel] }
      }
      block.withUnsafeBufferPointer { b in
        guide.values.withUnsafeBufferPointer { y in
          dots.withUnsafeMutableBufferPointer { d in
            guard let bp = b.baseAddress, let yp = y.baseAddress, let dp = d.baseAddress else { return }
            sgemm(
              transB: true, m: rows, n: guide.count, k: k, a: bp, lda: k, b: yp, ldb: k, beta: 0, c: dp,
              ldc: guide.count)
          }
        }
      }
      for r in 0..<rows {
        var best = 0
        var bestValue = dots[r * guide.count]
        for j in 1..<guide.count where dots[r * guide.count + j] > bestValue {
          best = j
          bestValue = dots[r * guide.count + j]
        }
        total += Double(bestValue)
        let p = start + r
        for (j, channel) in selected.enumerated() {
          g[p * c + channel] += scale * guide.values[best * k + j]
        }
      }
      start += rows
    }
    return Double(weight) * total / Double(positions)
  }
}
