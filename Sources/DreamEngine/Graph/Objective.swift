/// What a dream maximises: a weighted sum of per-layer reductions of activations.
///
/// The classic loss is one term `.meanSquare` over all channels. A channel subset slices the
/// layer before the reduction (the mean is over the selected elements only).
public struct Objective: Equatable, Sendable {
  public enum Reduction: String, Equatable, Sendable {
    /// mean(square(a)) — the classic DeepDream loss.
    case meanSquare = "mean-square"
    /// mean(a)
    case mean
  }

  public struct Term: Equatable, Sendable {
    /// The graph node name (resolve indices with `Model.resolve`).
    public var layer: String
    public var reduction: Reduction
    /// Selected channels, or nil for all.
    public var channels: [Int]?
    public var weight: Float
    /// When set, the term is google/deepdream's guided objective instead of `reduction`: see
    /// ``GuideFeatures``.
    public var guide: GuideFeatures?

    public init(
      layer: String, reduction: Reduction = .meanSquare, channels: [Int]? = nil, weight: Float = 1,
      guide: GuideFeatures? = nil
    ) {
      self.layer = layer
      self.reduction = reduction
      self.channels = channels
      self.weight = weight
      self.guide = guide
    }
  }

  public var terms: [Term]

  public init(terms: [Term]) {
    precondition(!terms.isEmpty, "Objective: no terms")
    self.terms = terms
  }

  /// The classic objective: mean of squared activations of one layer.
  public static func meanSquare(_ layer: String) -> Objective {
    Objective(terms: [Term(layer: layer)])
  }

  /// The layers the objective reads, without duplicates, in term order.
  public var layers: [String] {
    var seen = Set<String>()
    return terms.map(\.layer).filter { seen.insert($0).inserted }
  }
}

extension Objective.Term {
  /// The term's value for activation `a` and, added into `grad`, weight * d(value)/d(a).
  /// Sums in Double so the loss does not depend on the tile size's rounding.
  func evaluate(_ a: Tensor, accumulatingInto grad: Tensor) -> Double {
    if let guide { return evaluateGuided(a, guide: guide, accumulatingInto: grad) }
    let c = a.shape.channels
    let selected = channels ?? Array(0..<c)
    let count = a.shape.height * a.shape.width * selected.count
    guard count > 0 else { return 0 }
    let x = a.storage.base
    let g = grad.storage.base
    let n = Float(count)
    var total = 0.0
    for p in 0..<(a.shape.height * a.shape.width) {
      let base = p * c
      switch reduction {
      case .meanSquare:
        var s: Float = 0
        for ch in selected {
          let v = x[base + ch]
          s += v * v
          g[base + ch] += weight * 2 * v / n
        }
        total += Double(s)
      case .mean:
        var s: Float = 0
        for ch in selected {
          s += x[base + ch]
          g[base + ch] += weight / n
        }
        total += Double(s)
      }
    }
    return Double(weight) * total / Double(count)
  }
}
