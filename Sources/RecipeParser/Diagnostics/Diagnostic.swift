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
    let (line, column) = Self.clipped(sourceLine, around: location.column)
    return headline + "\n" + line + "\n" + Diagnostic.caretLine(under: column, in: line)
  }

  /// Longest source line quoted whole; longer ones are quoted as a window around the column.
  static let maximumQuotedLine = 160

  /// `line` cut to at most `maximumQuotedLine` scalars around `column` (with `...` where cut),
  /// and the column within the cut line.
  static func clipped(_ line: String, around column: Int) -> (line: String, column: Int) {
    let scalars = Array(line.unicodeScalars)
    guard scalars.count > maximumQuotedLine else { return (line, column) }
    let half = maximumQuotedLine / 2
    let start = min(max(0, column - 1 - half), scalars.count - maximumQuotedLine)
    let end = start + maximumQuotedLine
    var out = start > 0 ? "..." : ""
    out.unicodeScalars.append(contentsOf: scalars[start..<end])
    if end < scalars.count { out += "..." }
    return (out, column - start + (start > 0 ? 3 : 0))
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

  /// At most this many diagnostics are printed in full (the summary still counts them all).
  public static let maximumShown = 100

  /// Every diagnostic's full text, one after the other (the first ``maximumShown``, then a count
  /// of the rest).
  public var description: String {
    var text = diagnostics.prefix(Self.maximumShown).map(\.description).joined(separator: "\n")
    if diagnostics.count > Self.maximumShown {
      text += "\n... and \(diagnostics.count - Self.maximumShown) more errors (fix these first)"
    }
    return text
  }
}
