import DreamVocabulary
import Suggestions
/// Checks every layer a recipe names against the model's dream-layer list, once the model is known.
///
/// A name must be in `layers` (otherwise: `unknown layer 'mixed4x' (did you mean 'mixed4c'?)`); an
/// index must be within `0..<layers.count` (otherwise the message states the valid range). Every
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
    if layers.contains(name) { return nil }
    return "unknown layer '\(name)'\(Suggestion.hint(for: name, in: layers))"
  case .index(let index):
    if index < layers.count { return nil }
    switch layers.count {
    case 0: return "layer index \(index) is out of range: the model has no dream layers"
    case 1: return "layer index \(index) is out of range: the model has 1 dream layer (index 0)"
    default:
      return
        "layer index \(index) is out of range: the model has \(layers.count) dream layers (0...\(layers.count - 1))"
    }
  }
}

extension LayerReference {
  /// The layer's name in the model's dream-layer list, or nil when it is not there.
  public func resolved(in layers: [String]) -> String? {
    switch self {
    case .name(let name): return layers.contains(name) ? name : nil
    case .index(let index): return index >= 0 && index < layers.count ? layers[index] : nil
    }
  }
}
