/// How a recipe (or a caller of the engine) names a layer of the model: by graph node name or by
/// index into the model's dream-layer list. Which layers exist is known only once the model is
/// loaded.
public enum LayerReference: Sendable, Hashable, CustomStringConvertible {
  /// A layer (node) name such as `mixed4c`.
  case name(String)
  /// An index into the model's dream-layer list (`0` is the first).
  case index(Int)

  /// `mixed4c` or `#3`.
  public var description: String {
    switch self {
    case .name(let name): return name
    case .index(let index): return "#\(index)"
    }
  }
}
