internal import Yams

/// Turns Yams' `YamlError` (which carries a line and column) into a ``Diagnostic`` in the house
/// format, stage `yaml`.
enum YAMLErrorTranslation {
  static func diagnostic(for error: any Error, source: SourceText) -> Diagnostic {
    guard let yamlError = error as? YamlError else {
      return source.diagnostic("yaml", "\(error)", at: .wholeFile(source.file))
    }
    switch yamlError {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      // libyaml's own wording names its C API; say what it means for a recipe.
      if problem.hasPrefix("Maximum nesting level reached") {
        return source.diagnostic(
          "yaml",
          "lists and mappings are nested too deeply for the YAML reader; a recipe needs only a few levels",
          at: source.location(line: mark.line, column: mark.column))
      }
      var message = problem
      if let context {
        message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
      }
      if let line = source.line(mark.line), tabInIndentation(line, upTo: mark.column) {
        message += "; YAML does not allow tabs for indentation, use spaces"
      } else if context?.text.contains("flow") == true, source.line(mark.line)?.contains("{frame") == true {
        message += "; quote paths containing '{frame}' inside { } or [ ]"
      }
      return source.diagnostic("yaml", message, at: source.location(line: mark.line, column: mark.column))
    case .reader(let problem, let offset, let value, let yaml):
      let position = offset.map { lineAndColumn(ofCharacterOffset: $0, in: yaml) } ?? (line: 1, column: 1)
      var message = problem
      if value >= 0 { message += " (character U+\(String(value, radix: 16, uppercase: true)))" }
      return source.diagnostic(
        "yaml", message, at: source.location(line: position.line, column: position.column))
    case .duplicatedKeysInMapping(let duplicates, let context):
      let first = source.location(line: context.mark.line, column: context.mark.column)
      guard duplicates.count == 1, let key = duplicates.first,
        let second = nextOccurrence(of: key, after: first, in: source)
      else {
        let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
        return source.diagnostic("yaml", "duplicate keys \(keys) in the same mapping", at: first)
      }
      return source.diagnostic(
        "yaml", "duplicate key '\(key)' (first written at line \(first.line), column \(first.column))",
        at: second)
    case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
      return source.diagnostic("yaml", "\(yamlError)", at: .wholeFile(source.file))
    }
  }

  /// Yams reports a duplicated key at its first occurrence; the mistake is usually the later one.
  /// Finds the next `key:` written at a token boundary after `first`.
  private static func nextOccurrence(of key: String, after first: SourceLocation, in source: SourceText)
    -> SourceLocation?
  {
    let keyScalars = Array(key.unicodeScalars)
    guard !keyScalars.isEmpty else { return nil }
    for lineNumber in first.line...max(first.line, source.lines.count) {
      guard let line = source.line(lineNumber) else { continue }
      let scalars = Array(line.unicodeScalars)
      var start = lineNumber == first.line ? first.column - 1 + keyScalars.count : 0
      while start + keyScalars.count <= scalars.count {
        defer { start += 1 }
        guard Array(scalars[start..<(start + keyScalars.count)]) == keyScalars else { continue }
        let before = start == 0 ? " " : scalars[start - 1]
        guard [" ", "\t", "{", ",", "-"].contains(before) else { continue }
        var after = start + keyScalars.count
        while after < scalars.count, scalars[after] == " " { after += 1 }
        if after < scalars.count, scalars[after] == ":" {
          return source.location(line: lineNumber, column: start + 1)
        }
      }
    }
    return nil
  }

  /// True when the line has a tab among its leading whitespace at or before `column`.
  private static func tabInIndentation(_ line: String, upTo column: Int) -> Bool {
    for scalar in line.unicodeScalars.prefix(column) {
      if scalar == "\t" { return true }
      if scalar != " " && scalar != "-" { return false }
    }
    return false
  }

  /// Yams reports reader errors as an offset in Characters; find its 1-based line and column.
  private static func lineAndColumn(ofCharacterOffset offset: Int, in text: String) -> (
    line: Int, column: Int
  ) {
    var line = 1
    var column = 1
    for character in text.prefix(offset) {
      if character.isNewline {
        line += 1
        column = 1
      } else {
        column += character.unicodeScalars.count
      }
    }
    return (line, column)
  }
}
