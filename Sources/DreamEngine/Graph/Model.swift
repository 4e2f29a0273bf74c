import Foundation
internal import Suggestions

/// A frozen TensorFlow GraphDef network, loaded and checked, ready to compile subgraphs from.
///
/// Loading decodes every node and constant but builds nothing; `Network` compiles the subgraph
/// from the input to the layers an objective needs. Unsupported ops only matter when they lie on
/// that path (a classifier head with Softmax does not stop dreaming on earlier layers).
public final class Model: @unchecked Sendable {
  /// The path as given, used in every message about this model.
  public let file: String
  let nodes: [GraphNode]
  let index: [String: Int]
  let consts: [String: ConstTensor]
  /// Node indices in a topological order (ties broken by file order).
  let order: [Int]
  /// The Placeholder the image is fed into.
  public let inputName: String
  /// The layers recipes can name by index: stem conv outputs, then block outputs.
  public private(set) var dreamLayers: [DreamLayer] = []
  /// Why ``dreamLayers`` is empty, naming the first node and op (or attribute) that stopped the
  /// first candidate layer, or saying there was none; nil when there are dream layers. Layers can
  /// still be named by node name.
  public internal(set) var noDreamLayersReason: ModelError?

  /// Loads `url`. `dreamLayers`, when given (a catalog entry's list), replaces the automatic
  /// detection; every name in it must exist in the graph.
  public convenience init(contentsOf url: URL, dreamLayers names: [String]? = nil) throws(ModelError) {
    let (nodes, consts) = try GraphDefLoader.load(contentsOf: url)
    try self.init(file: url.path, nodes: nodes, consts: consts, dreamLayers: names)
  }

  /// Parses GraphDef bytes (`file` is only used in messages).
  public convenience init(data: Data, file: String, dreamLayers names: [String]? = nil) throws(ModelError) {
    let (nodes, consts) = try GraphDefLoader.parse(data, file: file)
    try self.init(file: file, nodes: nodes, consts: consts, dreamLayers: names)
  }

  init(file: String, nodes: [GraphNode], consts: [String: ConstTensor], dreamLayers names: [String]?)
    throws(ModelError)
  {
    self.file = file
    self.nodes = nodes
    self.consts = consts
    var index: [String: Int] = [:]
    for (i, n) in nodes.enumerated() { index[n.name] = i }
    self.index = index
    order = try Self.topologicalOrder(nodes, index: index, file: file)
    let placeholders = nodes.filter { $0.op == "Placeholder" }
    if let named = placeholders.first(where: { $0.name == "input" }) {
      inputName = named.name
    } else if placeholders.count == 1 {
      inputName = placeholders[0].name
    } else {
      throw .noInputPlaceholder(file: file)
    }
    dreamLayers = try detectDreamLayers(explicit: names)
  }

  private static func topologicalOrder(_ nodes: [GraphNode], index: [String: Int], file: String)
    throws(ModelError) -> [Int]
  {
    var indegree = [Int](repeating: 0, count: nodes.count)
    var consumers = [[Int]](repeating: [], count: nodes.count)
    for (i, n) in nodes.enumerated() {
      for input in n.inputs {
        guard let j = index[input] else { throw .danglingInput(file: file, node: n.name, input: input) }
        indegree[i] += 1
        consumers[j].append(i)
      }
    }
    // Kahn's algorithm; a min-heap on file position would be nicer, but GraphDefs are written
    // in topological order already, so a FIFO that starts in file order keeps it.
    var ready = (0..<nodes.count).filter { indegree[$0] == 0 }
    var order: [Int] = []
    order.reserveCapacity(nodes.count)
    var head = 0
    while head < ready.count {
      let i = ready[head]
      head += 1
      order.append(i)
      for c in consumers[i] {
        indegree[c] -= 1
        if indegree[c] == 0 { ready.append(c) }
      }
    }
    if order.count != nodes.count, let stuck = indegree.firstIndex(where: { $0 > 0 }) {
      throw .cycle(file: file, node: nodes[stuck].name)
    }
    return order
  }

  /// A Const node's value, following Identity nodes (`weights/read` in some frozen graphs).
  func constant(named name: String) -> ConstTensor? {
    var current = name
    for _ in 0..<16 {
      guard let i = index[current] else { return nil }
      let n = nodes[i]
      if n.op == "Const" { return consts[n.name] }
      guard n.op == "Identity", n.inputs.count == 1 else { return nil }
      current = n.inputs[0]
    }
    return nil
  }

  /// Names of `targets` and every node they depend on (data inputs only).
  func ancestors(of targets: [String]) throws(ModelError) -> Set<String> {
    var seen = Set<String>()
    var stack: [String] = []
    for t in targets {
      guard index[t] != nil else { throw unknownLayer(t) }
      stack.append(t)
    }
    while let name = stack.popLast() {
      guard seen.insert(name).inserted, let i = index[name] else { continue }
      stack.append(contentsOf: nodes[i].inputs)
    }
    return seen
  }

  func unknownLayer(_ name: String) -> ModelError {
    let candidates = dreamLayers.isEmpty ? nodes.map(\.name) : dreamLayers.map(\.name) + nodes.map(\.name)
    return .unknownLayer(file: file, layer: name, suggestion: Suggestion.closest(to: name, in: candidates))
  }

  /// Every node name in the graph (for listings and suggestions).
  public var nodeNames: [String] { nodes.map(\.name) }
}
