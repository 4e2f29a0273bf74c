import DreamVocabulary
import Suggestions
/// Checks every layer a recipe names against the model's dream-layer list, once the model is known.
///
/// A name must be in `layers`, or be another GoogLeNet export's name of one of them
/// (``LayerAliases``); otherwise the message suggests the closest name and lists the model's dream
/// layers with their indices. An index must be within `0..<layers.count`. Every
/// keyframe of a keyframed layer and every entry of a layer list is checked; all problems are
/// returned, in source order, as diagnostics of stage `dream`.
public func validateLayers(_ recipe: Recipe, layers: [String]) -> [Diagnostic] {
  var diagnostics: [Diagnostic] = []
  for (_, dream) in recipe.dreamSteps {
    for term in dream.terms {
      for keyframe in term.layer.keyframes {
        guard let message = layerProblem(keyframe.value, layers: layers) else { continue }
        diagnostics.append(recipe.source.diagnostic("dream", message, at: keyframe.location))
      }
    }
  }
  return DiagnosticList(diagnostics).diagnostics
}

/// Why `reference` does not name one of `layers`, or nil when it does.
func layerProblem(_ reference: LayerReference, layers: [String]) -> String? {
  switch reference {
  case .name(let name):
    if reference.resolved(in: layers) != nil { return nil }
    let listing = "; this model's dream layers are " + describeLayers(layers)
    if let alias = LayerAliases.aliases(of: name).first {
      return "this model has no layer '\(name)' (nor '\(alias)', its name in the other GoogLeNet export)"
        + listing
    }
    // Suggest among the model's names and their aliases (a near miss of either naming).
    let candidates = layers + layers.flatMap(LayerAliases.aliases(of:))
    return "unknown layer '\(name)'\(Suggestion.hint(for: name, in: candidates))" + listing
  case .index(let index):
    if index < layers.count { return nil }
    switch layers.count {
    case 0: return "layer index \(index) is out of range: the model has no dream layers"
    case 1: return "layer index \(index) is out of range: the model has 1 dream layer (index 0)"
    case _ where layers.count <= 40:
      return "layer index \(index) is out of range: the model's dream layers are " + describeLayers(layers)
    default:
      return
        "layer index \(index) is out of range: the model has \(layers.count) dream layers (0...\(layers.count - 1))"
    }
  }
}

/// `0 conv1/7x7_s2, 1 conv2/3x3_reduce, ...` (at most 40 listed), or `none` for an empty list.
func describeLayers(_ layers: [String]) -> String {
  guard !layers.isEmpty else { return "none" }
  var text = layers.prefix(40).enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
  if layers.count > 40 { text += ", ... (\(layers.count) in all; see 'dream-run layers')" }
  return text
}

extension LayerReference {
  /// The layer's name in the model's dream-layer list, or nil when it is not there.
  public func resolved(in layers: [String]) -> String? {
    switch self {
    case .name(let name):
      if layers.contains(name) { return name }
      // Another GoogLeNet export's name for one of this model's layers.
      return LayerAliases.aliases(of: name).first { layers.contains($0) }
    case .index(let index): return index >= 0 && index < layers.count ? layers[index] : nil
    }
  }
}

/// The layers a recipe names, bound once to one model's dream layers: every reference (each
/// keyframe of a keyframed layer, each entry of a layer list) resolved to the node name it stands
/// for. Validation makes it, and fingerprints, the engine mapping and the guides all read it, so a
/// reference is resolved in one place.
public struct LayerBinding: Sendable, Equatable {
  /// The model's dream layers, in order (what `layer: 3` indexes).
  public let layers: [String]
  private let names: [LayerReference: String]

  /// Binds every reference of `recipe` that resolves in `layers` (see ``bind(_:to:)`` for one that
  /// must bind completely).
  public init(_ recipe: Recipe, layers: [String]) {
    self.layers = layers
    var names: [LayerReference: String] = [:]
    for (_, dream) in recipe.dreamSteps {
      for term in dream.terms {
        for keyframe in term.layer.keyframes where names[keyframe.value] == nil {
          names[keyframe.value] = keyframe.value.resolved(in: layers)
        }
      }
    }
    self.names = names
  }

  /// The binding, or every layer problem of `recipe` (as ``validateLayers(_:layers:)`` reports).
  public static func bind(_ recipe: Recipe, to layers: [String]) -> Result<LayerBinding, DiagnosticList> {
    let problems = validateLayers(recipe, layers: layers)
    guard problems.isEmpty else { return .failure(DiagnosticList(problems)) }
    return .success(LayerBinding(recipe, layers: layers))
  }

  /// The node name `reference` is bound to; nil when it does not resolve (or the recipe does not
  /// name it).
  public func name(of reference: LayerReference) -> String? { names[reference] }
}
