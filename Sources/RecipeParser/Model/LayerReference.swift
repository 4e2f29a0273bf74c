/// A layer of the model, named the way the recipe wrote it. Which layers exist is known only once
/// the model is loaded; see ``validateLayers(_:layers:)``.
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

extension LayerReference: Schedulable {
  /// Layers switch at keyframes: the earlier keyframe's layer is held until the next keyframe.
  public static func interpolate(
    from start: LayerReference, to end: LayerReference, fraction: Double
  ) -> LayerReference {
    start
  }
}

/// One term of a dream objective: a layer (possibly switching at keyframes), its weight, and an
/// optional channel subset (channel indices into the layer's output, in the order written).
public struct LayerTerm: Sendable, Equatable {
  public let layer: Schedule<LayerReference>
  public let weight: Schedule<Double>
  public let channels: Located<[Int]>?

  public init(layer: Schedule<LayerReference>, weight: Schedule<Double>, channels: Located<[Int]>?) {
    self.layer = layer
    self.weight = weight
    self.channels = channels
  }
}
