/// Seconds spent per op kind and pass, for `dream-bench --profile`.
public final class OpProfile {
  public private(set) var seconds: [String: Double] = [:]

  public init() {}

  func add(_ key: String, _ s: Double) { seconds[key, default: 0] += s }

  /// One line per entry, largest first.
  public var report: String {
    let total = seconds.values.reduce(0, +)
    return seconds.sorted { $0.value > $1.value }.map {
      "  \($0.key): \(Int(($0.value * 1000).rounded())) ms (\(Int(($0.value / max(total, 1e-9) * 100).rounded()))%)"
    }.joined(separator: "\n")
  }
}

extension NetworkPlan.Op {
  var kindName: String {
    switch self {
    case .conv(let c): return "conv\(c.kernelH)x\(c.kernelW)" + (c.strideH > 1 ? "/s\(c.strideH)" : "")
    case .biasRelu: return "bias/relu"
    case .pool(let p):
      switch p.kind {
      case .max: return "maxpool"
      case .average: return "avgpool"
      }
    case .lrn: return "lrn"
    case .concat: return "concat"
    case .affine: return "affine"
    }
  }
}
