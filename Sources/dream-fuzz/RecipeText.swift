/// A recipe as editable lines of raw bytes (mutations may leave it invalid UTF-8 or invalid YAML).
struct RecipeText {
  var lines: [[UInt8]]

  init(_ bytes: [UInt8]) {
    lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
  }

  var bytes: [UInt8] {
    Array(lines.joined(separator: [UInt8(ascii: "\n")]))
  }

  /// A scalar (or key) inside one line: `line`, byte `range` within it.
  struct Span {
    let line: Int
    let range: Range<Int>
    /// Followed by `: ` (a mapping key) rather than a value.
    let isKey: Bool
  }

  /// Every scalar-looking token of every line, found by a forgiving scan: tokens end at flow
  /// punctuation (`[ ] { } ,`), at `: `, and at a ` #` comment; quoted tokens run to their quote.
  func spans() -> [Span] {
    lines.indices.flatMap { Self.spans(inLine: lines[$0], index: $0) }
  }

  static func spans(inLine line: [UInt8], index: Int) -> [Span] {
    var spans: [Span] = []
    var position = 0
    var tokenStart: Int?
    func close(at end: Int, isKey: Bool) {
      if let start = tokenStart {
        var lower = start
        var upper = end
        while lower < upper, line[lower] == UInt8(ascii: " ") { lower += 1 }
        while upper > lower, line[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
        if lower < upper { spans.append(Span(line: index, range: lower..<upper, isKey: isKey)) }
      }
      tokenStart = nil
    }
    while position < line.count {
      let byte = line[position]
      let atTokenStart = tokenStart.map { line[$0..<position].allSatisfy { $0 == UInt8(ascii: " ") } } ?? true
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "'"):
        if atTokenStart {
          if tokenStart == nil { tokenStart = position }
          position = closingQuote(in: line, from: position)
          continue
        }
      case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","):
        close(at: position, isKey: false)
        position += 1
        continue
      case UInt8(ascii: ":"):
        if position + 1 == line.count || line[position + 1] == UInt8(ascii: " ") {
          close(at: position, isKey: true)
          position += 1
          continue
        }
      case UInt8(ascii: "#"):
        if position == 0 || line[position - 1] == UInt8(ascii: " ") {
          close(at: position, isKey: false)
          return spans
        }
      case UInt8(ascii: "-"):
        if atTokenStart && (position + 1 == line.count || line[position + 1] == UInt8(ascii: " ")) {
          tokenStart = nil
          position += 1
          continue
        }
      default:
        break
      }
      if tokenStart == nil { tokenStart = position }
      position += 1
    }
    close(at: line.count, isKey: false)
    return spans
  }

  /// The index just past the quote that closes the one at `start` (or the line's end).
  private static func closingQuote(in line: [UInt8], from start: Int) -> Int {
    let quote = line[start]
    var position = start + 1
    while position < line.count {
      if quote == UInt8(ascii: "\"") && line[position] == UInt8(ascii: "\\") {
        position += 2
        continue
      }
      if line[position] == quote {
        if quote == UInt8(ascii: "'") && position + 1 < line.count && line[position + 1] == quote {
          position += 2
          continue
        }
        return position + 1
      }
      position += 1
    }
    return line.count
  }

  /// Leading spaces of a line.
  static func indentation(of line: [UInt8]) -> Int {
    line.prefix { $0 == UInt8(ascii: " ") }.count
  }

  /// True when the line, after its indentation, starts with `key:` (optionally after `- `).
  static func line(_ line: [UInt8], startsWithKey key: String) -> Bool {
    var rest = line.drop { $0 == UInt8(ascii: " ") }
    if rest.starts(with: Array("- ".utf8)) {
      rest = rest.dropFirst(2).drop { $0 == UInt8(ascii: " ") }
    }
    return rest.starts(with: Array((key + ":").utf8))
  }
}
