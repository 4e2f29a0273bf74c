/// One problem found in a recipe, printed like a compiler error:
///
/// ```
/// recipes/zoom50.yaml:12:12: error: dream: unknown layer 'mixed4x' (did you mean 'mixed4c'?)
///     layer: mixed4x
///            ^
/// ```
///
/// The first line is `location: error: stage: message`; when the location has a line, the source
/// line follows, then a caret under the column (tabs in the source line are kept in the caret line
/// so the caret lines up in a terminal).
public struct Diagnostic: Error, CustomStringConvertible, Sendable, Equatable {
  /// Where the problem is.
  public let location: SourceLocation
  /// What was being read: `yaml` for syntax errors, `recipe` for top-level keys, or the step kind
  /// (`load`, `zoom`, `dream`, ...).
  public let stage: String
  /// The problem in one sentence, lower case, without a final period.
  public let message: String
  /// The text of the line `location` points into, without its line break; nil for whole-file
  /// problems or when the line is unavailable.
  public let sourceLine: String?

  public init(location: SourceLocation, stage: String, message: String, sourceLine: String?) {
    self.location = location
    self.stage = stage
    self.message = message
    self.sourceLine = sourceLine
  }

  /// The first line alone: `file:line:column: error: stage: message`.
  public var headline: String {
    "\(location): error: \(stage): \(message)"
  }

  /// The headline, then (when known) the source line and the caret line.
  public var description: String {
    guard let sourceLine, location.line > 0 else { return headline }
    return headline + "\n" + sourceLine + "\n" + Diagnostic.caretLine(under: location.column, in: sourceLine)
  }

  /// Spaces (tabs where the source has tabs) up to `column`, then `^`.
  static func caretLine(under column: Int, in line: String) -> String {
    var prefix = ""
    for scalar in line.unicodeScalars.prefix(max(0, column - 1)) {
      prefix.append(scalar == "\t" ? "\t" : " ")
    }
    let missing = max(0, column - 1) - prefix.unicodeScalars.count
    return prefix + String(repeating: " ", count: missing) + "^"
  }
}

/// All the problems found in one recipe, in source order.
public struct DiagnosticList: Error, CustomStringConvertible, Sendable, Equatable {
  public let diagnostics: [Diagnostic]

  /// Sorts by line then column; problems at the same place keep the order they were found in.
  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics.enumerated().sorted { lhs, rhs in
      let left = (lhs.element.location.line, lhs.element.location.column, lhs.offset)
      let right = (rhs.element.location.line, rhs.element.location.column, rhs.offset)
      return left < right
    }.map(\.element)
  }

  /// `1 error` or `N errors`, for a closing summary line.
  public var summary: String {
    diagnostics.count == 1 ? "1 error" : "\(diagnostics.count) errors"
  }

  /// Every diagnostic's full text, one after the other.
  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
