import DreamVocabulary
internal import Suggestions

/// A layer recipes can dream on by index.
public struct DreamLayer: Equatable, Sendable {
  public let index: Int
  public let name: String
  public let channels: Int
}

extension Model {
  /// The node name a reference means. Names may carry TensorFlow's `:0` suffix.
  public func resolve(_ layer: LayerReference) throws(ModelError) -> String {
    switch layer {
    case .index(let i):
      if let noDreamLayersReason { throw noDreamLayersReason }
      guard i >= 0, i < dreamLayers.count else {
        throw .layerIndexOutOfRange(file: file, index: i, count: dreamLayers.count)
      }
      return dreamLayers[i].name
    case .name(let raw):
      let name = raw.hasSuffix(":0") ? String(raw.dropLast(2)) : raw
      guard index[name] != nil else { throw unknownLayer(name) }
      return name
    }
  }

  /// The output shape of each of `layers` for a `width x height` RGB input (computes nothing).
  public func layerShapes(_ layers: [String], width: Int, height: Int) throws(ModelError) -> [TensorShape] {
    let plan = try NetworkPlan(model: self, targets: layers)
    let shapes = try plan.shapes(
      for: TensorShape(height: height, width: width, channels: 3),
      layerForErrors: layers.last ?? "")
    return layers.compactMap { plan.targetSlots[$0].map { shapes[$0] } }
  }

  /// The smallest width and height an input may have for `layers` (1 for all-SAME networks).
  public func minimumInputSize(for layers: [String]) throws(ModelError) -> Int {
    try NetworkPlan(model: self, targets: layers).minimumInputSize()
  }

  /// Stem conv outputs (Relu nodes every path from the input to the first block passes through)
  /// followed by block outputs (Concat/ConcatV2 nodes), in topological order; only layers whose
  /// subgraph the engine can run are listed. None at all sets ``noDreamLayersReason``.
  func detectDreamLayers(explicit: [String]?) throws(ModelError) -> [DreamLayer] {
    var names: [String]
    if let explicit {
      for n in explicit where index[n] == nil {
        throw .unknownLayer(
          file: file, layer: n, suggestion: Suggestion.closest(to: n, in: nodes.map(\.name)))
      }
      names = explicit
    } else {
      let concats = order.filter { ["Concat", "ConcatV2"].contains(nodes[$0].op) }
      var stem: [String] = []
      if let first = concats.first {
        let before = Set(order.prefix(while: { $0 != first }))
        for i in order where before.contains(i) && nodes[i].op == "Relu" {
          if dominates(i, first) { stem.append(nodes[i].name) }
        }
      } else {
        stem = order.filter { nodes[$0].op == "Relu" }.map { nodes[$0].name }
      }
      let candidates = stem + concats.map { nodes[$0].name }
      var firstProblem: ModelError?
      names = candidates.filter { name in
        do throws(ModelError) {
          _ = try NetworkPlan(model: self, targets: [name])
          return true
        } catch {
          firstProblem = firstProblem ?? error
          return false
        }
      }
      if names.isEmpty {
        noDreamLayersReason = .noDreamLayers(file: file, reason: firstProblem)
        return []
      }
    }
    let plan = try NetworkPlan(model: self, targets: names)
    let side = max(224, plan.minimumInputSize())
    let shapes = try plan.shapes(
      for: TensorShape(height: side, width: side, channels: 3), layerForErrors: names[0])
    return names.enumerated().map { i, name in
      DreamLayer(index: i, name: name, channels: plan.targetSlots[name].map { shapes[$0].channels } ?? 0)
    }
  }

  /// True when every path from the input to node `target` passes through node `via`.
  private func dominates(_ via: Int, _ target: Int) -> Bool {
    guard let start = index[inputName], start != via else { return false }
    var seen = Set([via])
    // Walk backwards from the target; reaching the input without crossing `via` disproves it.
    var stack = [target]
    while let i = stack.popLast() {
      if i == start { return false }
      guard seen.insert(i).inserted else { continue }
      for input in nodes[i].inputs { if let j = index[input] { stack.append(j) } }
    }
    return true
  }
}
