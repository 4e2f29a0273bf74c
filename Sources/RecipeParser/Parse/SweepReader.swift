import DreamVocabulary
internal import Yams
import Suggestions

/// Reads `sweep:` and `max-variants:`, and writes each variant's recipe tree: the recipe's YAML with
/// the variant's values put in place, which the ordinary readers then check like any recipe (a bad
/// value is reported where the sweep writes it).
///
/// Where a value goes: `input` replaces the `load` step's file, `seed` the top-level seed, any
/// other key is set in every `dream` step (replacing what the step says). `{key}` in a save or
/// video path (and a video's `from`) becomes the variant's label for that key.
struct SweepReader {
  /// Keys a sweep may name besides the dream settings.
  static let recipeKeys = ["input", "seed"]
  /// A sweep making more variants than this needs `max-variants:` (or `--yes`): a typo such as a
  /// 50-value list crossed with three others should not start hours of work unasked.
  static let confirmationThreshold = 256
  /// No sweep makes more variants than this (every variant is parsed and planned before the first
  /// frame, so this bounds `validate`).
  static let maximumVariants = 10_000

  /// A sweep as read: its axes and the value nodes that go into the recipe.
  struct Spec {
    let sweep: Sweep
    /// Per axis, each value's node.
    let values: [[Node]]
    /// Per axis, the key's node (where an added dream key points).
    let keyNodes: [Node]
  }

  let reader: RecipeReader

  /// The sweep of `root`, nil without one or after reporting its problems.
  ///
  /// - Parameter manyVariantsAllowed: `--yes`: more than ``confirmationThreshold`` variants need no
  ///   `max-variants:`.
  func read(_ root: Node, manyVariantsAllowed: Bool) -> Spec? {
    guard case .mapping(let mapping) = root else { return nil }
    let sweepPair = mapping.first { $0.key.string == "sweep" }
    let limitPair = mapping.first { $0.key.string == "max-variants" }
    guard let sweepPair else {
      if let limitPair {
        reader.error(
          "sweep", "'max-variants' limits a 'sweep:'; the recipe has none (remove it)", at: limitPair.key)
      }
      return nil
    }
    let allowed = Self.recipeKeys + StepReader.dreamOtherKeys + DreamSchema.parameters.map(\.key)
    guard let fields = reader.fields(of: sweepPair.value, stage: "sweep", allowed: allowed) else {
      return nil
    }
    guard !fields.entries.isEmpty else {
      reader.error(
        "sweep", "'sweep' names no keys; write e.g. 'sweep: {layer: [mixed3a, mixed4c]}'", at: sweepPair.value
      )
      return nil
    }
    let dreamSteps = Self.stepItems(of: root).filter { Self.stepName($0) == "dream" }.count
    var axes: [Sweep.Axis] = []
    var values: [[Node]] = []
    var keyNodes: [Node] = []
    var failed = false
    for entry in fields.entries {
      guard case .sequence(let sequence) = entry.value, !sequence.isEmpty else {
        reader.error(
          "sweep",
          "'\(entry.name)' must list its values, e.g. '\(entry.name): [a, b]'; got \(reader.describe(entry.value))",
          at: entry.value)
        failed = true
        continue
      }
      guard sequence.count <= Self.maximumVariants else {
        reader.error(
          "sweep",
          "'\(entry.name)' lists \(sequence.count) values; a sweep makes at most \(Self.maximumVariants) "
            + "variants", at: entry.value)
        failed = true
        continue
      }
      if !Self.recipeKeys.contains(entry.name), dreamSteps == 0 {
        reader.error(
          "sweep", "'\(entry.name)' is a dream setting and the recipe has no dream step to set it in",
          at: entry.key)
        failed = true
        continue
      }
      let texts = sequence.map { Self.text(of: $0) }
      var seen: [String: Int] = [:]
      for (position, text) in texts.enumerated() {
        if let first = seen[text] {
          reader.error(
            "sweep", "'\(entry.name)' lists \(text) twice (values \(first + 1) and \(position + 1))",
            at: Array(sequence)[position])
          failed = true
        }
        seen[text] = seen[text] ?? position
      }
      axes.append(
        Sweep.Axis(
          key: entry.name, texts: texts,
          labels: Self.labels(Array(sequence), key: entry.name), location: reader.location(of: entry.key)))
      values.append(Array(sequence))
      keyNodes.append(entry.key)
    }
    guard !failed else { return nil }
    let sweep = Sweep(axes: axes, location: reader.location(of: sweepPair.key))
    // Multiply with a cap: forty 10-value axes must not overflow.
    var count = 1
    for axis in axes {
      count = count > Self.maximumVariants ? count : count * axis.texts.count
    }
    let shape = axes.map { "\($0.key) \($0.texts.count)" }.joined(separator: " x ")
    guard count <= Self.maximumVariants else {
      reader.error(
        "sweep",
        "the sweep makes more than \(Self.maximumVariants) variants (\(shape)); split it into "
          + "several recipes", at: sweepPair.key)
      return nil
    }
    if let limitPair {
      guard let limit = reader.int(limitPair.value, "sweep", "max-variants") else { return nil }
      guard limit.value >= 1, limit.value <= Self.maximumVariants else {
        reader.error("sweep", "'max-variants' must be 1...\(Self.maximumVariants)", at: limitPair.value)
        return nil
      }
      guard count <= limit.value else {
        reader.error(
          "sweep",
          "the sweep makes \(count) variants (\(shape)), more than 'max-variants: \(limit.value)'; "
            + "remove values or raise the limit", at: sweepPair.key)
        return nil
      }
    } else if count > Self.confirmationThreshold, !manyVariantsAllowed {
      reader.error(
        "sweep",
        "the sweep makes \(count) variants (\(shape)); more than \(Self.confirmationThreshold) need "
          + "'max-variants: \(count)' in the recipe, or --yes", at: sweepPair.key)
      return nil
    }
    return Spec(sweep: sweep, values: values, keyNodes: keyNodes)
  }

  /// How a value reads in captions: a scalar as written, a list as `[a, b]`, a mapping as `{...}`.
  static func text(of node: Node) -> String {
    switch node {
    case .scalar(let scalar): return scalar.string
    case .sequence(let sequence): return "[" + sequence.map { text(of: $0) }.joined(separator: ", ") + "]"
    case .mapping(let mapping):
      return "{" + mapping.map { text(of: $0.key) + ": " + text(of: $0.value) }.joined(separator: ", ") + "}"
    case .alias: return "*"
    }
  }

  /// Each value's label in paths: an input's file name without extension, a scalar as written, a
  /// list joined by `-`; characters other than letters, digits, `.`, `_`, `+` and `-` become `_`;
  /// a label equal to an earlier one gets `-N` (its position) appended.
  static func labels(_ values: [Node], key: String) -> [String] {
    var result: [String] = []
    for (position, value) in values.enumerated() {
      var text: String
      switch value {
      case .scalar(let scalar):
        text = scalar.string
        if key == "input" {
          let name = text.split(separator: "/").last.map(String.init) ?? text
          if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            text = String(name[..<dot])
          } else {
            text = name
          }
        }
      case .sequence(let sequence):
        text = sequence.map { Self.text(of: $0) }.joined(separator: "-")
      case .mapping, .alias:
        text = "\(key)\(position + 1)"
      }
      var label = String(
        String.UnicodeScalarView(
          text.unicodeScalars.prefix(64).map { scalar in
            scalar.isASCII
              && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || ".-_+".unicodeScalars.contains(scalar))
              ? scalar : "_"
          }))
      if label.isEmpty || label == "." || label == ".." { label = "\(key)\(position + 1)" }
      if result.contains(label) { label += "-\(position + 1)" }
      result.append(label)
    }
    return result
  }

  // MARK: Writing a variant's tree

  /// `root` with variant `index`'s values put in place.
  static func tree(_ root: Node, spec: Spec, variant index: Int) -> Node {
    guard case .mapping(var top) = root else { return root }
    let positions = spec.sweep.positions(ofVariant: index)
    var dreamSettings: [(key: Node, value: Node)] = []
    var replacements: [(String, String)] = []
    for (axis, position) in positions.enumerated() {
      let key = spec.sweep.axes[axis].key
      let value = spec.values[axis][position]
      replacements.append(("{\(key)}", spec.sweep.axes[axis].labels[position]))
      switch key {
      case "seed": top = setting(top, "seed", keyNode: spec.keyNodes[axis], to: value)
      case "input": continue
      default: dreamSettings.append((spec.keyNodes[axis], value))
      }
    }
    let input = spec.sweep.axes.indices.first { spec.sweep.axes[$0].key == "input" }.map {
      spec.values[$0][positions[$0]]
    }
    guard let stepsIndex = top.firstIndex(where: { $0.key.string == "steps" }),
      case .sequence(var steps) = top[stepsIndex].value
    else { return .mapping(top) }
    for position in steps.indices {
      steps[position] = rewriteStep(
        steps[position], input: input, dreamSettings: dreamSettings, replacements: replacements)
    }
    top = setting(top, "steps", keyNode: top[stepsIndex].key, to: .sequence(steps))
    return .mapping(top)
  }

  private static func rewriteStep(
    _ item: Node, input: Node?, dreamSettings: [(key: Node, value: Node)], replacements: [(String, String)]
  ) -> Node {
    if case .scalar(let scalar) = item, scalar.string == "dream", !dreamSettings.isEmpty {
      // A bare `- dream`: every setting at its default.
      let settings = Node.Mapping(dreamSettings.map { ($0.key, $0.value) }, .implicit, .any, scalar.mark)
      return .mapping(Node.Mapping([(item, .mapping(settings))], .implicit, .any, scalar.mark))
    }
    guard case .mapping(var mapping) = item, mapping.count == 1, let pair = mapping.first,
      let name = pair.key.string
    else { return item }
    var value = pair.value
    switch name {
    case "load":
      guard let input else { return item }
      value = input
    case "dream":
      guard !dreamSettings.isEmpty else { return item }
      var settings: Node.Mapping
      if case .mapping(let written) = value {
        settings = written
      } else if case .scalar(let scalar) = value, scalar.tag.rawValue == Tag.Name.null.rawValue {
        settings = Node.Mapping([], .implicit, .any, scalar.mark)
      } else {
        return item  // the dream reader reports it
      }
      for setting in dreamSettings {
        settings = Self.setting(settings, setting.key.string ?? "", keyNode: setting.key, to: setting.value)
      }
      value = .mapping(settings)
    case "save", "video":
      value = substituted(value, replacements, keys: ["path", "from"])
    default:
      return item
    }
    mapping = setting(mapping, name, keyNode: pair.key, to: value)
    return .mapping(mapping)
  }

  /// A path scalar (or a mapping's `keys` scalars) with each `{key}` replaced by its label.
  private static func substituted(_ node: Node, _ replacements: [(String, String)], keys: [String]) -> Node {
    switch node {
    case .scalar(var scalar):
      for (placeholder, label) in replacements {
        scalar.string = scalar.string.replacingOccurrences(of: placeholder, with: label)
      }
      return .scalar(scalar)
    case .mapping(var mapping):
      for key in keys {
        guard let found = mapping.first(where: { $0.key.string == key }) else { continue }
        if case .scalar = found.value {
          mapping = setting(
            mapping, key, keyNode: found.key, to: substituted(found.value, replacements, keys: []))
        }
      }
      return .mapping(mapping)
    case .sequence, .alias:
      return node
    }
  }

  /// `mapping` with `key`'s value replaced by `value` (every explicit pair of that name), or with
  /// the pair added at the end when the mapping has none.
  private static func setting(_ mapping: Node.Mapping, _ key: String, keyNode: Node, to value: Node)
    -> Node.Mapping
  {
    var pairs: [(Node, Node)] = []
    var found = false
    for pair in mapping {
      if pair.key.string == key, pair.key.tagName != .merge {
        pairs.append((pair.key, value))
        found = true
      } else {
        pairs.append((pair.key, pair.value))
      }
    }
    if !found { pairs.append((keyNode, value)) }
    return Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark)
  }

  /// The items of `steps:` (none when it is not a list).
  static func stepItems(of root: Node) -> [Node] {
    guard case .mapping(let mapping) = root, let steps = mapping.first(where: { $0.key.string == "steps" }),
      case .sequence(let sequence) = steps.value
    else { return [] }
    return Array(sequence)
  }

  /// A step item's name: the key of a one-key mapping, or a bare scalar.
  static func stepName(_ item: Node) -> String? {
    switch item {
    case .scalar(let scalar): return scalar.string
    case .mapping(let mapping): return mapping.count == 1 ? mapping.first?.key.string : nil
    case .sequence, .alias: return nil
    }
  }
}
