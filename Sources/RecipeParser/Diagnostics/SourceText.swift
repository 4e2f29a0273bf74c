/// The text of a recipe split into lines, so diagnostics can quote the line they point into.
public struct SourceText: Sendable {
  /// The recipe path as the caller gave it; it prefixes every diagnostic.
  public let file: String
  /// The lines without their terminators (`\n`, `\r\n` or `\r`).
  public let lines: [String]

  public init(file: String, text: String) {
    self.file = file
    var lines: [String] = []
    var current = ""
    var previousWasCR = false
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        if !previousWasCR { lines.append(current) }
        current = ""
        previousWasCR = false
      } else if scalar == "\r" {
        lines.append(current)
        current = ""
        previousWasCR = true
      } else {
        current.unicodeScalars.append(scalar)
        previousWasCR = false
      }
    }
    lines.append(current)
    self.lines = lines
  }

  /// The 1-based line `number`, or nil when out of range.
  public func line(_ number: Int) -> String? {
    number >= 1 && number <= lines.count ? lines[number - 1] : nil
  }

  /// A location in this file.
  public func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column)
  }

  /// A diagnostic at `location`, quoting its source line.
  public func diagnostic(_ stage: String, _ message: String, at location: SourceLocation) -> Diagnostic {
    Diagnostic(location: location, stage: stage, message: message, sourceLine: line(location.line))
  }
}
