import DreamVocabulary
/// How a caller shows what it knows about a node's output (the run layer's up-to-date checks):
/// a word for the plan table and a fill colour for Graphviz.
public protocol PlanStatus {
  var label: String { get }
  var dotColour: String { get }
}

extension ExecutionPlan {
  /// A table with one line per node: id, kind, frame (`-` for videos), status, key parameters.
  /// Columns are padded to their widest entry; lines have no trailing spaces.
  public func render(status: (PlanNode) -> any PlanStatus) -> String {
    var rows = [["NODE", "KIND", "FRAME", "STATUS", "DETAILS"]]
    for node in nodes {
      rows.append([
        node.id, node.kind.rawValue, node.frame.map(String.init) ?? "-", status(node).label, node.summary,
      ])
    }
    var widths = [Int](repeating: 0, count: 5)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    let lines = rows.map { row -> String in
      var line = ""
      for (column, cell) in row.enumerated() {
        let isLast = column == row.count - 1
        line += isLast ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The plan as a Graphviz digraph (`dot -Tsvg`): one box per node labelled with its id, kind and
  /// summary; edges point from producer to consumer. With `status`, nodes are filled with its
  /// colour.
  public func dot(status: ((PlanNode) -> any PlanStatus)? = nil) -> String {
    var lines = [
      "digraph plan {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\", fontsize=10];",
    ]
    for node in nodes {
      let label = Self.dotEscape("\(node.id)\n\(node.kind.rawValue)\n\(node.summary)")
      var attributes = "label=\"\(label)\""
      if let status {
        attributes += ", style=filled, fillcolor=\(status(node).dotColour)"
      }
      lines.append("  \"\(Self.dotEscape(node.id))\" [\(attributes)];")
    }
    for edge in edges {
      lines.append(
        "  \"\(Self.dotEscape(nodes[edge.from].id))\" -> \"\(Self.dotEscape(nodes[edge.to].id))\";")
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Escapes `"` and `\` for a DOT string; newlines become `\n`.
  static func dotEscape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}

extension NodeOperation {
  /// A short human summary of the key parameters.
  public var summary: String {
    switch self {
    case .load(let path, let size, let fit):
      return path + Self.sizeSummary(size, fit: fit)
    case .videoFrame(let path, let size, let fit, let frame):
      return "\(path) frame \(frame)" + Self.sizeSummary(size, fit: fit)
    case .blend(let weight):
      return "blend \(CanonicalNumber.short(weight)) of the previous frame"
    case .transform(let transforms):
      return transforms.map(\.summary).joined(separator: ", ")
    case .dream(let dream):
      return dream.summary
    case .save(let path, _, let quality):
      return quality.map { "\(path) (quality \($0))" } ?? path
    case .video(let path, _, let fps, let frames):
      return "\(path) (\(frames.count) frames at \(CanonicalNumber.short(fps)) fps)"
    }
  }
}

extension NodeOperation {
  /// ` -> 800x450 (cover)`, or nothing without a size.
  static func sizeSummary(_ size: ImageSize?, fit: FitMode?) -> String {
    guard let size else { return "" }
    return " -> \(size)" + (fit.map { " (\($0.rawValue))" } ?? "")
  }
}

extension ResolvedTransform {
  /// `zoom x1.02`, `trim t2 b1 l1 r2`, `tint +2`, `tint +1/+2/-3`, `clip 0...255`, `quantize truncate`.
  public var summary: String {
    func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + CanonicalNumber.short(value) }
    switch self {
    case .zoomFactor(let factor):
      return "zoom x\(CanonicalNumber.short(factor))"
    case .zoomTrim(let top, let bottom, let left, let right):
      return "trim t\(top) b\(bottom) l\(left) r\(right)"
    case .tint(let red, let green, let blue):
      return red == green && green == blue
        ? "tint \(signed(red))" : "tint \(signed(red))/\(signed(green))/\(signed(blue))"
    case .clip(let low, let high):
      return "clip \(CanonicalNumber.short(low))...\(CanonicalNumber.short(high))"
    case .quantize(let mode):
      return "quantize \(mode.rawValue)"
    case .affine(let zoom, let rotate, let dx, let dy, _):
      var parts: [String] = []
      if zoom != 1 { parts.append("x\(CanonicalNumber.short(zoom))") }
      if rotate != 0 { parts.append("rotate \(signed(rotate))°") }
      if dx != 0 || dy != 0 { parts.append("move \(signed(dx)),\(signed(dy))") }
      return "transform " + (parts.isEmpty ? "identity" : parts.joined(separator: " "))
    case .matchColors(let reference, let strength):
      let name: String
      switch reference {
      case .input: name = "input"
      case .image(let image): name = image.path
      }
      return "match-colors \(name)" + (strength == 1 ? "" : " x\(CanonicalNumber.short(strength))")
    }
  }
}

extension ResolvedDream {
  /// `layer #3, classic 20 it, step 1, rescale 0.7 x1, blend 0.2`.
  public var summary: String {
    let layers = terms.map { term -> String in
      var text = term.layer.description
      if let channels = term.channels { text += "[" + channels.map(String.init).joined(separator: ",") + "]" }
      if terms.count > 1 || term.weight != 1 { text += "*" + CanonicalNumber.short(term.weight) }
      return text
    }
    let head = (terms.count == 1 ? "layer " : "layers ") + layers.joined(separator: "+")
    let a = algorithm
    var shaping = ""
    if colors == .original { shaping += ", original colors" }
    if let guide { shaping += ", guide \(guide.path)" }
    if a.normalize == .lapnorm { shaping += ", lapnorm \(a.integer("lap-levels"))" }
    if a.number("tv") > 0 { shaping += ", tv \(CanonicalNumber.short(a.number("tv")))" }
    switch a.name {
    case .classic:
      return
        "\(head), classic \(a.integer("iterations")) it, step \(CanonicalNumber.short(a.number("step"))), "
        + "rescale \(CanonicalNumber.short(a.number("rescale"))) x\(a.integer("repeats")), "
        + "blend \(CanonicalNumber.short(a.number("blend")))\(shaping)"
    case .octaves:
      return "\(head), octaves \(a.integer("octaves"))x\(CanonicalNumber.short(a.number("octave-scale"))), "
        + "\(a.integer("iterations")) it, step \(CanonicalNumber.short(a.number("step"))), jitter \(a.integer("jitter"))"
        + shaping
    }
  }
}
