/// Rewrites seed recipes so a trial reads only its own files, and makes a recipe cheap enough
/// to render for real.
enum RecipeShaping {
  /// Points every `load:` at `imageName` (block `- load: x` and flow `{load: x}` forms).
  static func rewriteLoads(_ bytes: [UInt8], imageName: String) -> [UInt8] {
    var text = RecipeText(bytes)
    for index in text.lines.indices {
      text.lines[index] = replaceValue(ofKey: "load", in: text.lines[index], with: Array(imageName.utf8))
    }
    return text.bytes
  }

  /// The recipe with a small frame size and few iterations, for `dream-run RECIPE --frames 2`;
  /// `nil` when that can't be done by simple line edits (then the trial renders nothing).
  ///
  /// - The one top-level `size:` becomes `size: [width, height]` (inserted when missing; more
  ///   than one, or a block-style value, gives `nil`).
  /// - Every `iterations:`, `repeats:` and `octaves:` value written on its key's line (a number
  ///   or a flow collection such as a keyframe map) becomes a small number; one whose value
  ///   continues on the next lines gives `nil`.
  static func forcedSmall(_ bytes: [UInt8], width: Int, height: Int, iterations: Int) -> [UInt8]? {
    var text = RecipeText(bytes)
    let sizeLines = text.lines.indices.filter { text.lines[$0].starts(with: Array("size:".utf8)) }
    let sizeLine = Array("size: [\(width), \(height)]".utf8)
    switch sizeLines.count {
    case 0:
      let stepsLine = text.lines.firstIndex { $0.starts(with: Array("steps:".utf8)) } ?? 0
      text.lines.insert(sizeLine, at: stepsLine)
    case 1:
      let index = sizeLines[0]
      guard !valueIsOnNextLines(text.lines[index], key: "size") else { return nil }
      text.lines[index] = sizeLine
    default:
      return nil
    }
    let small: [String: Int] = ["iterations": iterations, "repeats": 1, "octaves": 2]
    for index in text.lines.indices {
      for (key, value) in small.sorted(by: { $0.key < $1.key }) {
        var searchFrom = 0
        while let found = keyRange(of: key, in: text.lines[index], from: searchFrom) {
          let line = text.lines[index]
          if valueIsOnNextLines(Array(line[found.lowerBound...]), key: key) { return nil }
          text.lines[index] = replaceValue(
            ofKey: key, in: line, from: found.lowerBound, with: Array(String(value).utf8))
          searchFrom = found.upperBound
        }
      }
    }
    return text.bytes
  }

  /// Where `key:` (followed by a space or the line's end) starts as a whole word in `line`.
  private static func keyRange(of key: String, in line: [UInt8], from: Int = 0) -> Range<Int>? {
    let needle = Array((key + ":").utf8)
    var start = from
    while start + needle.count <= line.count {
      if line[start..<start + needle.count].elementsEqual(needle) {
        let before = start == 0 ? UInt8(ascii: " ") : line[start - 1]
        let afterIndex = start + needle.count
        let after = afterIndex < line.count ? line[afterIndex] : UInt8(ascii: " ")
        if [UInt8(ascii: " "), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: "\t")].contains(before)
          && after == UInt8(ascii: " ")
        {
          return start..<afterIndex
        }
      }
      start += 1
    }
    return nil
  }

  /// True when `key:` ends its line (apart from a comment): the value is a block below.
  private static func valueIsOnNextLines(_ line: [UInt8], key: String) -> Bool {
    guard let range = keyRange(of: key, in: line) else { return false }
    let rest = line[range.upperBound...].drop { $0 == UInt8(ascii: " ") }
    return rest.isEmpty || rest.first == UInt8(ascii: "#") || rest.first == UInt8(ascii: "|")
      || rest.first == UInt8(ascii: ">") || rest.first == UInt8(ascii: "&") || rest.first == UInt8(ascii: "!")
  }

  /// Replaces the value after `key:` on one line: a plain scalar up to `,` `}` `]` or a
  /// comment, or a whole flow collection (brackets matched, quotes skipped).
  static func replaceValue(ofKey key: String, in line: [UInt8], from: Int = 0, with value: [UInt8]) -> [UInt8]
  {
    guard let range = keyRange(of: key, in: line, from: from) else { return line }
    var start = range.upperBound
    while start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
    guard start < line.count else { return line }
    let end = valueEnd(in: line, from: start)
    var result = line
    result.replaceSubrange(start..<end, with: value)
    return result
  }

  private static func valueEnd(in line: [UInt8], from start: Int) -> Int {
    var depth = 0
    var position = start
    var quote: UInt8?
    while position < line.count {
      let byte = line[position]
      if let open = quote {
        if open == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
          position += 2
          continue
        }
        if byte == open { quote = nil }
        position += 1
        continue
      }
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
      case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
      case UInt8(ascii: "]"), UInt8(ascii: "}"):
        if depth == 0 { return position }
        depth -= 1
        if depth == 0 { return position + 1 }
      case UInt8(ascii: ","):
        if depth == 0 { return position }
      case UInt8(ascii: "#"):
        if depth == 0 && position > start && line[position - 1] == UInt8(ascii: " ") {
          var end = position
          while end > start, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
          return end
        }
      default: break
      }
      position += 1
    }
    return min(position, line.count)
  }
}
