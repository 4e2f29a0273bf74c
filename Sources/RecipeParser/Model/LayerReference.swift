import DreamVocabulary

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
