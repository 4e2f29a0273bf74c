/// Mutates recipe text: dangerous scalars, line surgery, indentation, truncation, byte flips,
/// inserted keys and steps, and splices of two recipes. Each operation leaves a one-line note
/// (saved with a failure, to help shrink it).
struct RecipeMutator {
  let values: DangerousValues
  /// Other seed recipes, for splicing.
  let donors: [[UInt8]]

  enum Operation: CaseIterable {
    case replaceScalar, replaceSetting, deleteLine, duplicateLine, swapLines, reindent, truncate, flipBytes
    case insertKey, insertStep, splice

    var weight: Int {
      switch self {
      case .replaceScalar: return 30
      case .replaceSetting: return 25
      case .insertKey, .insertStep: return 8
      case .deleteLine, .duplicateLine, .swapLines, .reindent, .flipBytes: return 6
      case .truncate, .splice: return 3
      }
    }
  }

  /// Bytes that matter to YAML, for byte flips and inserts.
  static let interestingBytes: [UInt8] =
    Array(":-{}[],\"'&*!|>%@`#? \t\r\n\\~.0".utf8) + [0x00, 0x1B, 0x7F, 0x80, 0xC3, 0xFF]

  func mutate(_ input: [UInt8], random: inout SplitMix64) -> (text: [UInt8], notes: [String]) {
    var text = RecipeText(input)
    var notes: [String] = []
    let count = random.pick([1, 1, 1, 2, 2, 3, 4])
    for _ in 0..<count {
      let operation = random.pick(Operation.allCases, weights: Operation.allCases.map(\.weight))
      if let note = apply(operation, to: &text, random: &random) { notes.append(note) }
    }
    return (text.bytes, notes)
  }

  private func apply(_ operation: Operation, to text: inout RecipeText, random: inout SplitMix64) -> String? {
    if text.lines.isEmpty { text.lines = [[]] }  // a splice can leave no line at all
    let lineCount = text.lines.count
    switch operation {
    case .replaceScalar:
      let spans = text.spans()
      guard !spans.isEmpty else { return nil }
      let valueSpans = spans.filter { !$0.isKey }
      let span = random.chance(0.85) && !valueSpans.isEmpty ? random.pick(valueSpans) : random.pick(spans)
      let old = Array(text.lines[span.line][span.range])
      let replacement =
        span.isKey && random.chance(0.5) ? Array(random.pick(DangerousValues.keys).utf8) : values.any(&random)
      text.lines[span.line].replaceSubrange(span.range, with: replacement)
      return
        "line \(span.line + 1): replaced \(span.isKey ? "key" : "value") \(Note.quote(old)) with \(Note.quote(replacement))"
    case .replaceSetting:
      // The whole value of a known key (a flow collection included), set to an edge of its range.
      let keys = text.spans().filter(\.isKey).compactMap { span -> (key: String, span: RecipeText.Span)? in
        let key = String(decoding: text.lines[span.line][span.range], as: UTF8.self)
        return DangerousValues.byKey[key] != nil || DangerousValues.pathKeys.contains(key) ? (key, span) : nil
      }
      guard !keys.isEmpty else { return nil }
      let (key, span) = random.pick(keys)
      guard let replacement = values.forKey(key, &random) else { return nil }
      let line = text.lines[span.line]
      var edited = RecipeShaping.replaceValue(
        ofKey: key, in: line, from: span.range.lowerBound, with: replacement)
      if edited == line { edited = Array(line[..<span.range.upperBound]) + Array(": ".utf8) + replacement }
      text.lines[span.line] = edited
      return "line \(span.line + 1): \(key): set to \(Note.quote(replacement))"
    case .deleteLine:
      guard lineCount > 1 else { return nil }
      let index = random.below(lineCount)
      let removed = text.lines.remove(at: index)
      return "deleted line \(index + 1) \(Note.quote(removed))"
    case .duplicateLine:
      let index = random.below(lineCount)
      let copies = random.pick([1, 1, 2, 100])
      text.lines.insert(contentsOf: Array(repeating: text.lines[index], count: copies), at: index)
      return "duplicated line \(index + 1) x\(copies)"
    case .swapLines:
      guard lineCount > 1 else { return nil }
      let first = random.below(lineCount)
      let second = random.chance(0.5) ? min(first + 1, lineCount - 1) : random.below(lineCount)
      text.lines.swapAt(first, second)
      return "swapped lines \(first + 1) and \(second + 1)"
    case .reindent:
      let index = random.below(lineCount)
      let line = text.lines[index]
      let indentation = RecipeText.indentation(of: line)
      let body = Array(line.dropFirst(indentation))
      let newIndentation: [UInt8]
      switch random.below(4) {
      case 0: newIndentation = Array(repeating: 32, count: indentation + random.inRange(1...4))
      case 1: newIndentation = Array(repeating: 32, count: max(0, indentation - random.inRange(1...4)))
      case 2: newIndentation = [UInt8(ascii: "\t")] + Array(repeating: 32, count: indentation)
      default: newIndentation = Array(repeating: 32, count: random.pick([0, 1, 3, 100, 10_000]))
      }
      text.lines[index] = newIndentation + body
      return "line \(index + 1): indentation \(indentation) -> \(Note.quote(newIndentation))"
    case .truncate:
      let bytes = text.bytes
      guard !bytes.isEmpty else { return nil }
      let length = random.below(bytes.count)
      text = RecipeText(Array(bytes.prefix(length)))
      return "truncated to \(length) of \(bytes.count) bytes"
    case .flipBytes:
      var bytes = text.bytes
      guard !bytes.isEmpty else { return nil }
      var changes: [String] = []
      for _ in 0..<random.inRange(1...4) {
        let offset = random.below(bytes.count)
        switch random.below(3) {
        case 0:
          bytes[offset] ^= UInt8(1) << UInt8(random.below(8))
          changes.append("xor at \(offset)")
        case 1:
          bytes[offset] = random.pick(Self.interestingBytes)
          changes.append("set \(offset) to 0x\(String(bytes[offset], radix: 16))")
        default:
          let inserted = random.pick(Self.interestingBytes)
          bytes.insert(inserted, at: offset)
          changes.append("inserted 0x\(String(inserted, radix: 16)) at \(offset)")
        }
      }
      text = RecipeText(bytes)
      return "bytes: " + changes.joined(separator: ", ")
    case .insertKey:
      let index = random.below(lineCount + 1)
      let neighbour = index < lineCount ? text.lines[index] : text.lines[max(0, index - 1)]
      let indentation =
        random.chance(0.7) ? RecipeText.indentation(of: neighbour) : random.pick([0, 1, 2, 4, 6, 8])
      let key = random.chance(0.8) ? random.pick(DangerousValues.keys) : "x\(random.below(100))"
      let line =
        Array(repeating: UInt8(32), count: indentation) + Array("\(key): ".utf8) + values.any(&random)
      text.lines.insert(line, at: index)
      return "inserted line \(index + 1) \(Note.quote(line))"
    case .insertStep:
      let stepLines = text.lines.indices.filter { text.lines[$0].starts(with: Array("  - ".utf8)) }
      let index = stepLines.isEmpty ? text.lines.count : random.pick(stepLines) + (random.chance(0.5) ? 1 : 0)
      let step = Array(random.pick(DangerousValues.steps).utf8)
      text.lines.insert(step, at: min(index, text.lines.count))
      return "inserted step at line \(index + 1) \(Note.quote(step))"
    case .splice:
      guard !donors.isEmpty else { return nil }
      let donor = RecipeText(random.pick(donors))
      let cut = random.below(lineCount + 1)
      let donorCut = random.below(donor.lines.count + 1)
      text.lines = Array(text.lines.prefix(cut)) + Array(donor.lines.dropFirst(donorCut))
      return "spliced lines 1...\(cut) with another seed's lines from \(donorCut + 1)"
    }
  }
}
