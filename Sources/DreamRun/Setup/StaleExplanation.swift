import RecipeParser

/// Why a saved file is not up to date, in words (`dream-run plan --explain`), from what the run
/// state recorded about its making (``RunState/Output/madeFrom``) and what its fingerprint hashes
/// now.
enum StaleExplanation {
  /// One line, or nil when the node is up to date.
  static func explain(_ node: PlanNode, status: NodeStatus, record: RunState.Output?, context: RecipeContext)
    -> String?
  {
    switch status {
    case .upToDate, .inMemory: return nil
    case .missing: return "\(node.id): missing (never rendered, or deleted)"
    case .stale: break
    }
    guard let record else {
      return "\(node.id): the file exists but this recipe's run state has no record of it"
    }
    guard record.fingerprint != context.fingerprints[node.index] else {
      return "\(node.id): the file was changed on disk since dream-run wrote it"
    }
    if node.kind == .video { return "\(node.id): its frames changed" }
    guard let recorded = record.madeFrom else {
      return "\(node.id): made from other inputs (recorded by an older dream-run, which kept no details)"
    }
    let current = context.madeFrom(node)
    var reasons: [String] = []
    var earlierFrame = false
    for (id, fields) in current.sorted(by: { $0.key < $1.key }) {
      guard let old = recorded[id] else {
        reasons.append("\(id) is a new step")
        continue
      }
      guard old != fields, let changed = context.plan.node(id: id) else { continue }
      reasons += differences(old, fields, node: changed, earlierFrame: &earlierFrame)
    }
    if reasons.isEmpty, earlierFrame { reasons.append("an earlier frame (or the input) changed") }
    if reasons.isEmpty { reasons.append("the steps of the frame changed") }
    return "\(node.id): " + reasons.joined(separator: "; ")
  }

  /// The differences between two fingerprint line lists of `node`, in words.
  private static func differences(_ old: [String], _ new: [String], node: PlanNode, earlierFrame: inout Bool)
    -> [String]
  {
    let step = "step \(node.steps.map(String.init).joined(separator: ",")) (\(node.kind.rawValue))"
    var reasons: [String] = []
    if old.count > 1, new.count > 1, old[1] != new[1] {
      reasons.append("dream-run's engine changed (\(old[1]) -> \(new[1]))")
    }
    if old.count > 2, new.count > 2, old[2] != new[2] {
      let changes = parameterChanges(old[2], new[2])
      reasons.append(
        "\(step): " + (changes.isEmpty ? "its parameters changed" : changes.joined(separator: ", ")))
    }
    func line(_ prefix: String, _ lines: [String]) -> [String] { lines.filter { $0.hasPrefix(prefix) } }
    if line("input-sha256=", old) != line("input-sha256=", new) { reasons.append("the input file changed") }
    if line("model-sha256=", old) != line("model-sha256=", new) { reasons.append("the model changed") }
    if line("layers=", old) != line("layers=", new) {
      reasons.append("\(step): its layers resolve to other nodes of the model")
    }
    if line("image-sha256=", old) != line("image-sha256=", new) {
      reasons.append("\(step): a guide or colour-reference image changed")
    }
    if reasons.isEmpty, line("input=", old) != line("input=", new) { earlierFrame = true }
    return reasons
  }

  /// `iterations 10 -> 12` for each top-level key of two canonical parameter strings that differs.
  static func parameterChanges(_ old: String, _ new: String) -> [String] {
    let a = fields(old)
    let b = fields(new)
    return Set(a.keys).union(b.keys).sorted().compactMap { key in
      a[key] == b[key] ? nil : "\(key) \(a[key] ?? "unset") -> \(b[key] ?? "unset")"
    }
  }

  /// The top-level `key=value` pairs of `kind{a=1;b=[..];c="x"}`.
  static func fields(_ text: String) -> [String: String] {
    guard let open = text.firstIndex(of: "{"), text.hasSuffix("}") else { return [:] }
    let body = text[text.index(after: open)..<text.index(before: text.endIndex)]
    var result: [String: String] = [:]
    var depth = 0
    var quoted = false
    var escaped = false
    var current = ""
    func flush() {
      if let equals = current.firstIndex(of: "=") {
        result[String(current[..<equals])] = String(current[current.index(after: equals)...])
      }
      current = ""
    }
    for character in body {
      if escaped {
        escaped = false
      } else if quoted {
        if character == "\\" { escaped = true } else if character == "\"" { quoted = false }
      } else if character == "\"" {
        quoted = true
      } else if character == "[" || character == "{" {
        depth += 1
      } else if character == "]" || character == "}" {
        depth -= 1
      } else if character == ";", depth == 0 {
        flush()
        continue
      }
      current.append(character)
    }
    flush()
    return result
  }
}
