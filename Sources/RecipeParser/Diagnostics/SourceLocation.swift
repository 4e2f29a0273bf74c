/// A position in a recipe file, as a compiler reports it.
///
/// `line` and `column` start at 1; a location with `line == 0` names only the file (used for problems
/// that concern the whole file, such as an unreadable recipe). Columns count Unicode scalars, as
/// libyaml does, so a tab counts as one column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// The recipe path exactly as the caller gave it (relative paths stay relative).
  public let file: String
  public let line: Int
  public let column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// A location naming only the file.
  public static func wholeFile(_ file: String) -> SourceLocation {
    SourceLocation(file: file, line: 0, column: 0)
  }

  /// `file:line:column`, or just `file` for a whole-file location.
  public var description: String {
    line > 0 ? "\(file):\(line):\(column)" : file
  }
}

/// A value read from a recipe together with where it was written.
///
/// Values that were not written (defaults) carry the location of the key or step that owns them, so
/// a later diagnostic about them still points somewhere sensible.
public struct Located<Value> {
  public let value: Value
  public let location: SourceLocation

  public init(_ value: Value, at location: SourceLocation) {
    self.value = value
    self.location = location
  }
}

extension Located: Sendable where Value: Sendable {}
extension Located: Equatable where Value: Equatable {}
