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
      var message = problem
      if let context {
        message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
      }
      if let line = source.line(mark.line), tabInIndentation(line, upTo: mark.column) {
        message += "; YAML does not allow tabs for indentation, use spaces"
      }
      return source.diagnostic("yaml", message, at: source.location(line: mark.line, column: mark.column))
    case .reader(let problem, let offset, let value, let yaml):
      let position = offset.map { lineAndColumn(ofCharacterOffset: $0, in: yaml) } ?? (line: 1, column: 1)
      var message = problem
      if value >= 0 { message += " (character U+\(String(value, radix: 16, uppercase: true)))" }
      return source.diagnostic(
        "yaml", message, at: source.location(line: position.line, column: position.column))
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      let noun = duplicates.count == 1 ? "key" : "keys"
      return source.diagnostic(
        "yaml", "duplicate \(noun) \(keys) in the same mapping",
        at: source.location(line: context.mark.line, column: context.mark.column))
    case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
      return source.diagnostic("yaml", "\(yamlError)", at: .wholeFile(source.file))
    }
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
  private static func lineAndColumn(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
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
