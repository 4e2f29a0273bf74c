import DreamVocabulary
internal import Yams
import Suggestions

/// The state of one parse: the source text, the file system, and the diagnostics found so far.
/// Every reading method reports what is wrong and returns nil, so parsing carries on and all problems
/// are reported at once. Used by one parse only, never shared.
final class RecipeReader {
  let source: SourceText
  let directory: String
  let fileSystem: any FileSystem
  /// False when `--model` replaces the recipe's `model:`, whose file then need not exist.
  let modelFileRequired: Bool
  private(set) var diagnostics: [Diagnostic] = []

  /// Reads video inputs' frame count, size and rate (nil: video inputs are refused).
  let videoProbe: (any VideoProbe)?
  /// The container of a `video` path written without an extension.
  let defaultVideoContainer: VideoContainer

  init(
    source: SourceText, fileSystem: any FileSystem, modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi
  ) {
    self.defaultVideoContainer = defaultVideoContainer
    self.source = source
    self.directory = RecipePath.directory(of: source.file)
    self.fileSystem = fileSystem
    self.modelFileRequired = modelFileRequired
    self.videoProbe = videoProbe
  }

  // MARK: Reporting

  func location(of node: Node) -> SourceLocation {
    guard let mark = node.mark else { return .wholeFile(source.file) }
    return source.location(line: mark.line, column: mark.column)
  }

  func error(_ stage: String, _ message: String, at location: SourceLocation) {
    diagnostics.append(source.diagnostic(stage, message, at: location))
  }

  func error(_ stage: String, _ message: String, at node: Node) {
    error(stage, message, at: location(of: node))
  }

  /// Reports a path that starts with `~` (recipe paths never expand it); true when it does.
  func rejectsTilde(_ path: String, _ stage: String, at location: SourceLocation) -> Bool {
    guard path == "~" || path.hasPrefix("~/") else { return false }
    error(
      stage,
      "'~' is not expanded in recipe paths; write the path relative to the recipe's folder, or in full",
      at: location)
    return true
  }

  /// How a node reads in a message: `'text'`, `the string '3'`, `nothing`, `a list`, `a mapping`.
  func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar):
      if isNull(node) { return "nothing" }
      switch scalar.style {
      case .singleQuoted, .doubleQuoted: return "the string '\(scalar.string)'"
      case .any, .plain, .literal, .folded: return "'\(scalar.string)'"
      }
    case .sequence: return "a list"
    case .mapping: return "a mapping"
    case .alias: return "an alias"
    }
  }

  func isNull(_ node: Node) -> Bool {
    guard case .scalar = node else { return false }
    return node.tagName == .null
  }

  // MARK: Mappings

  /// The keys of a mapping in written order (merge keys `<<` expanded; explicit keys win over merged
  /// ones). Reports keys that are not plain strings and keys not in `allowed` (with a suggestion).
  func fields(of node: Node, stage: String, allowed: [String]) -> Fields? {
    guard case .mapping(let mapping) = node else {
      error(stage, "expected a mapping of settings, got \(describe(node))", at: node)
      return nil
    }
    var entries: [Fields.Entry] = []
    var misspelled: Set<String> = []
    for entry in expandMerges(mapping, stage: stage) {
      guard case .scalar(let scalar) = entry.key, !isNull(entry.key) else {
        error(stage, "keys must be plain names, got \(describe(entry.key))", at: entry.key)
        continue
      }
      let name = scalar.string
      guard allowed.contains(name) else {
        let suggestion = Suggestion.closest(to: name, in: allowed)
        if let suggestion { misspelled.insert(suggestion) }
        error(
          stage, "unknown key '\(name)'\(suggestion.map { " (did you mean '\($0)'?)" } ?? "")", at: entry.key)
        continue
      }
      if entries.contains(where: { $0.name == name }) { continue }  // a merged duplicate: explicit wins
      entries.append(Fields.Entry(name: name, key: entry.key, value: entry.value))
    }
    return Fields(node: node, location: location(of: node), entries: entries, misspelled: misspelled)
  }

  /// The value of a required key; reports it missing unless an unknown key was already reported as
  /// its likely misspelling.
  func required(_ key: String, in fields: Fields, stage: String) -> Node? {
    if let value = fields[key] { return value }
    if !fields.misspelled.contains(key) {
      error(stage, "missing required key '\(key)'", at: fields.location)
    }
    return nil
  }

  /// Merged pairs expanded over the whole parse; past this, merge keys are refused (a few hundred
  /// bytes of nested aliases can otherwise expand to billions of pairs).
  static let maximumMergedPairs = 10_000
  private var mergedPairs = 0
  private var reportedMergeLimit = false

  /// Explicit pairs first, then merged pairs (YAML merge keys: earlier merged mappings win).
  private func expandMerges(_ mapping: Node.Mapping, stage: String) -> [(key: Node, value: Node)] {
    var explicit: [(key: Node, value: Node)] = []
    var merged: [(key: Node, value: Node)] = []
    for pair in mapping {
      guard case .scalar = pair.key, pair.key.tagName == .merge else {
        explicit.append((pair.key, pair.value))
        continue
      }
      mergedPairs += pair.value.mergeSize
      guard mergedPairs <= Self.maximumMergedPairs else {
        if !reportedMergeLimit {
          reportedMergeLimit = true
          error(
            stage,
            "merge keys ('<<') expand to more than \(Self.maximumMergedPairs) settings; "
              + "write the settings out or merge less", at: pair.key)
        }
        continue
      }
      switch pair.value {
      case .mapping(let inner):
        merged.append(contentsOf: expandMerges(inner, stage: stage))
      case .sequence(let sequence):
        for item in sequence {
          guard case .mapping(let inner) = item else {
            error(stage, "'<<' merges mappings only, got \(describe(item))", at: item)
            continue
          }
          merged.append(contentsOf: expandMerges(inner, stage: stage))
        }
      case .scalar, .alias:
        error(stage, "'<<' merges mappings only, got \(describe(pair.value))", at: pair.value)
      }
    }
    return explicit + merged
  }

  // MARK: Scalars

  /// An integer (YAML int), or nil after reporting.
  func int(_ node: Node, _ stage: String, _ key: String) -> Located<Int>? {
    if case .scalar = node, node.tagName == .int, let value = node.int {
      return Located(value, at: location(of: node))
    }
    error(stage, "'\(key)' must be an integer, got \(describe(node))", at: node)
    return nil
  }

  /// A finite number (YAML int or float) that is also finite in Float32, as the engine computes
  /// (|x| <= 3.4e38), or nil after reporting.
  func number(_ node: Node, _ stage: String, _ key: String) -> Located<Double>? {
    if case .scalar = node, node.tagName == .int || node.tagName == .float {
      let value = node.tagName == .int ? node.int.map(Double.init) : node.float
      if let value, value.isFinite {
        guard Float(value).isFinite else {
          error(
            stage,
            "'\(key)' must be between -3.4e38 and 3.4e38 (the engine computes in 32-bit floats), "
              + "got \(describe(node))", at: node)
          return nil
        }
        return Located(value, at: location(of: node))
      }
    }
    error(stage, "'\(key)' must be a number, got \(describe(node))", at: node)
    return nil
  }

  /// `true` or `false`, or nil after reporting.
  func bool(_ node: Node, _ stage: String, _ key: String) -> Located<Bool>? {
    if case .scalar = node, node.tagName == .bool, let value = node.bool {
      return Located(value, at: location(of: node))
    }
    error(stage, "'\(key)' must be true or false, got \(describe(node))", at: node)
    return nil
  }

  /// A non-empty text scalar, or nil after reporting.
  func text(_ node: Node, _ stage: String, _ key: String) -> Located<String>? {
    if case .scalar(let scalar) = node, !isNull(node), !scalar.string.isEmpty {
      return Located(scalar.string, at: location(of: node))
    }
    error(stage, "'\(key)' must be text, got \(describe(node))", at: node)
    return nil
  }

  /// One of an enumeration's raw values, or nil after reporting (with a suggestion).
  func choice<Choice: RawRepresentable & CaseIterable>(
    _ node: Node, _ stage: String, _ key: String, as type: Choice.Type
  ) -> Located<Choice>? where Choice.RawValue == String {
    let names = Choice.allCases.map(\.rawValue)
    if case .scalar(let scalar) = node, let value = Choice(rawValue: scalar.string) {
      return Located(value, at: location(of: node))
    }
    let quoted = names.map { "'\($0)'" }
    let options =
      quoted.count <= 2
      ? quoted.joined(separator: " or ")
      : quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
    var message = "'\(key)' must be \(options), got \(describe(node))"
    if case .scalar(let scalar) = node { message += Suggestion.hint(for: scalar.string, in: names) }
    error(stage, message, at: node)
    return nil
  }

  /// The location of character `offset` (in Unicode scalars) inside a scalar's text, when the scalar
  /// is written on one line so the column can be computed; otherwise the scalar's own location.
  func location(ofOffset offset: Int, in node: Node) -> SourceLocation {
    let base = location(of: node)
    guard case .scalar(let scalar) = node, !scalar.string.contains("\n") else { return base }
    switch scalar.style {
    case .any, .plain:
      return source.location(line: base.line, column: base.column + offset)
    case .singleQuoted, .doubleQuoted:
      if scalar.string.contains("\\") || scalar.string.contains("'") { return base }
      return source.location(line: base.line, column: base.column + 1 + offset)
    case .literal, .folded:
      return base
    }
  }

  /// The resolved path exists as a regular file; otherwise reports and returns false.
  func requireFile(_ path: Located<String>, resolved: String, stage: String, what: String) -> Bool {
    switch fileSystem.kind(ofItem: resolved) {
    case .file:
      return true
    case .missing:
      error(stage, "\(what) '\(path.value)' not found (looked for '\(resolved)')", at: path.location)
    case .directory:
      error(stage, "\(what) '\(path.value)' is a directory, not a file", at: path.location)
    }
    return false
  }
}

/// A mapping's accepted entries, by key name.
struct Fields {
  struct Entry {
    let name: String
    let key: Node
    let value: Node
  }

  let node: Node
  let location: SourceLocation
  let entries: [Entry]
  /// Known keys that an unknown key was reported as a likely misspelling of.
  let misspelled: Set<String>

  subscript(name: String) -> Node? {
    entries.first { $0.name == name }?.value
  }

  func keyNode(_ name: String) -> Node? {
    entries.first { $0.name == name }?.key
  }

  func has(_ name: String) -> Bool {
    entries.contains { $0.name == name }
  }
}

extension Node {
  /// Pairs a merge of this node adds directly (its own pairs, or those of the mappings it lists).
  var mergeSize: Int {
    switch self {
    case .mapping(let mapping): return max(1, mapping.count)
    case .sequence(let sequence):
      return sequence.reduce(1) { total, item in
        if case .mapping(let inner) = item { return total + inner.count }
        return total + 1
      }
    case .scalar, .alias: return 1
    }
  }

  /// The resolved tag's name (Yams keeps `Tag.name` internal; its raw value is public).
  var tagName: Tag.Name {
    Tag.Name(rawValue: tag.rawValue)
  }
}
