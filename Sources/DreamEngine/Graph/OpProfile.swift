import Dispatch

/// Seconds spent per op kind (summed over concurrent passes, so it can exceed wall time) and pass, for `dream-bench --profile`.
public final class OpProfile: @unchecked Sendable {
  public private(set) var seconds: [String: Double] = [:]
  public private(set) var flops: [String: Double] = [:]

  public init() {}

  private let lock = QueueLock("dream-run.profile")

  func add(_ key: String, _ s: Double, flops f: Double = 0) {
    lock.withLock {
      seconds[key, default: 0] += s
      flops[key, default: 0] += f
    }
  }

  /// One line per entry, largest first.
  public var report: String {
    let total = seconds.values.reduce(0, +)
    return seconds.sorted { $0.value > $1.value }.map {
      let f = flops[$0.key] ?? 0
      let rate = f > 0 ? ", \(Int((f / $0.value / 1e9).rounded())) GFLOPS" : ""
      return
        "  \($0.key): \(Int(($0.value * 1000).rounded())) ms (\(Int(($0.value / max(total, 1e-9) * 100).rounded()))%\(rate))"
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

extension NetworkPlan.Op {
  /// Multiply-add FLOPs of one pass of a convolution producing `output` (0 for other ops).
  func flops(output: TensorShape) -> Double {
    guard case .conv(let c) = self else { return 0 }
    return 2 * Double(output.count) * Double(c.kernelH * c.kernelW * c.inChannels)
  }
}
