/// Mistakes in model files or in what a user asks of a model. Each description is one line that
/// names the file (and node) and says what to do.
public enum ModelError: Error, Equatable, CustomStringConvertible {
  case unreadable(file: String, reason: String)
  case notAGraphDef(file: String, reason: String)
  case emptyGraph(file: String)
  case duplicateNode(file: String, node: String)
  case danglingInput(file: String, node: String, input: String)
  case cycle(file: String, node: String)
  case noInputPlaceholder(file: String)
  case unsupportedOp(file: String, node: String, op: String)
  case badNode(file: String, node: String, op: String, problem: String)
  case unknownLayer(file: String, layer: String, suggestion: String?)
  case layerIndexOutOfRange(file: String, index: Int, count: Int)
  /// No Relu or Concat output the engine can run; `reason`: why the first candidate failed.
  indirect case noDreamLayers(file: String, reason: ModelError?)
  case badChannels(file: String, layer: String, channel: Int, count: Int)
  case inputTooSmall(file: String, width: Int, height: Int, layer: String, minimum: Int)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot read the model file: \(reason)"
    case .notAGraphDef(let file, let reason):
      return
        "\(file): not a TensorFlow GraphDef (.pb) file (\(reason)); "
        + "check the path, or re-download the model if the file is truncated"
    case .emptyGraph(let file):
      return "\(file): the GraphDef holds no nodes; it is not a usable frozen model"
    case .duplicateNode(let file, let node):
      return "\(file): two nodes are named '\(node)'; the GraphDef is corrupt"
    case .danglingInput(let file, let node, let input):
      return
        "\(file): node '\(node)' reads '\(input)', which is not in the graph; "
        + "the GraphDef is incomplete or corrupt"
    case .cycle(let file, let node):
      return "\(file): the graph has a cycle through node '\(node)'; only frozen feed-forward graphs work"
    case .noInputPlaceholder(let file):
      return "\(file): no Placeholder named 'input' (or single Placeholder) to feed the image into"
    case .unsupportedOp(let file, let node, let op):
      return
        "\(file): node '\(node)' uses op '\(op)', which dream-run does not support; "
        + "dream on a layer before it"
    case .badNode(let file, let node, let op, let problem):
      return "\(file): node '\(node)' (\(op)): \(problem)"
    case .unknownLayer(let file, let layer, let suggestion):
      let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
      return "\(file): no layer named '\(layer)'\(hint); `dream-run layers MODEL` lists the dream layers"
    case .noDreamLayers(let file, let reason):
      guard let reason else {
        return
          "\(file): the model has no dream layers (dream-run dreams on the outputs of Relu and Concat nodes "
          + "reachable from the input); is it an Inception/GoogLeNet image network?"
      }
      let detail: String
      if case .unsupportedOp(_, let node, let op) = reason {
        detail = "node '\(node)' uses op '\(op)', which dream-run does not support"
      } else {
        let text = reason.description
        detail = text.hasPrefix(file + ": ") ? String(text.dropFirst(file.count + 2)) : text
      }
      return "\(file): no layer of this model can be dreamed on: \(detail)"
    case .layerIndexOutOfRange(let file, let index, let count):
      return
        "\(file): layer index \(index) is out of range: the model has \(count) dream layers "
        + "(0...\(count - 1)); `dream-run layers MODEL` lists them"
    case .badChannels(let file, let layer, let channel, let count):
      return
        "\(file): layer '\(layer)' has \(count) channels (0...\(count - 1)); channel \(channel) does not exist"
    case .inputTooSmall(let file, let width, let height, let layer, let minimum):
      return
        "\(file): a \(width)x\(height) image is too small for layer '\(layer)': "
        + "it needs at least \(minimum)x\(minimum) pixels; use a larger image or a lower layer"
    }
  }
}
