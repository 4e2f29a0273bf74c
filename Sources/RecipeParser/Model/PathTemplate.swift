/// An output path with frame-number placeholders: `frames/{frame:04}.jpg`.
///
/// Only two placeholders exist: `{frame}` (the frame number in decimal) and `{frame:0N}` (zero-padded
/// to at least N digits, N from 1 to 9). Any other use of `{` or `}` is an error; there is no escape.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
  /// A piece of a template.
  public enum Piece: Sendable, Hashable {
    case literal(String)
    /// The frame number, zero-padded to `width` digits (0: no padding).
    case frame(width: Int)
  }

  /// A template problem: a message and the Unicode-scalar offset in the text where it starts.
  public struct Problem: Error, Sendable, Equatable {
    public let offset: Int
    public let message: String
  }

  /// The template as written.
  public let text: String
  public let pieces: [Piece]

  /// Parses `text`, or explains the first problem.
  public static func parse(_ text: String) -> Result<PathTemplate, Problem> {
    var pieces: [Piece] = []
    var literal = ""
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar == "}" {
        return .failure(Problem(offset: index, message: "unmatched '}' in path '\(text)'"))
      }
      guard scalar == "{" else {
        literal.unicodeScalars.append(scalar)
        index += 1
        continue
      }
      guard let close = scalars[(index + 1)...].firstIndex(where: { $0 == "}" || $0 == "{" }),
        scalars[close] == "}"
      else {
        return .failure(Problem(offset: index, message: "unmatched '{' in path '\(text)'"))
      }
      var inside = ""
      inside.unicodeScalars.append(contentsOf: scalars[(index + 1)..<close])
      guard let width = frameWidth(inside) else {
        let message: String
        if inside.hasPrefix("frame:") {
          message =
            "bad placeholder '{\(inside)}' in path '\(text)' (write '{frame}' or '{frame:0N}' "
            + "with N from 1 to 9, e.g. '{frame:04}')"
        } else {
          message =
            "unknown placeholder '{\(inside)}' in path '\(text)' "
            + "(only '{frame}' and '{frame:0N}' are allowed, and the keys of a 'sweep:')"
        }
        return .failure(Problem(offset: index, message: message))
      }
      if !literal.isEmpty { pieces.append(.literal(literal)) }
      literal = ""
      pieces.append(.frame(width: width))
      index = close + 1
    }
    if !literal.isEmpty { pieces.append(.literal(literal)) }
    return .success(PathTemplate(text: text, pieces: pieces))
  }

  /// `frame` -> 0, `frame:0N` -> N, anything else -> nil.
  private static func frameWidth(_ inside: String) -> Int? {
    if inside == "frame" { return 0 }
    let format = inside.dropFirst("frame:".count)
    guard inside.hasPrefix("frame:"), format.count == 2, format.first == "0",
      let digit = format.last?.wholeNumberValue, digit >= 1
    else { return nil }
    return digit
  }

  /// True when the template contains a frame placeholder.
  public var hasFramePlaceholder: Bool {
    pieces.contains { piece in
      switch piece {
      case .frame: return true
      case .literal: return false
      }
    }
  }

  /// The path for frame `frame` (not negative).
  public func path(forFrame frame: Int) -> String {
    precondition(frame >= 0, "frame numbers are not negative, got \(frame)")
    var result = ""
    for piece in pieces {
      switch piece {
      case .literal(let text):
        result += text
      case .frame(let width):
        let digits = String(frame)
        result += String(repeating: "0", count: max(0, width - digits.count)) + digits
      }
    }
    return result
  }

  /// The smallest frame number below `limit` whose path is `path` (compared after removing `.`
  /// segments and doubled slashes), or nil. Matches the pieces directly, so it costs nothing
  /// however many frames there are.
  public func frame(matching path: String, below limit: Int) -> Int? {
    let target = Array(Self.normalized(path).unicodeScalars)
    var normalizedPieces = pieces
    if case .literal(let first)? = pieces.first { normalizedPieces[0] = .literal(Self.normalized(first)) }
    func match(_ index: Int, _ position: Int, _ found: Int?) -> Int? {
      guard index < normalizedPieces.count else { return position == target.count ? (found ?? 0) : nil }
      switch normalizedPieces[index] {
      case .literal(let text):
        let scalars = Array(text.unicodeScalars)
        guard position + scalars.count <= target.count,
          Array(target[position..<(position + scalars.count)]) == scalars
        else { return nil }
        return match(index + 1, position + scalars.count, found)
      case .frame(let width):
        var end = position
        while end < target.count, end - position < 18, ("0"..."9").contains(target[end]) { end += 1 }
        var length = end - position
        while length >= 1 {
          let digits = String(String.UnicodeScalarView(target[position..<(position + length)]))
          let padded = length == max(width, 1) || digits.first != "0"
          if padded, let frame = Int(digits), frame < limit, found == nil || found == frame,
            length >= width, let result = match(index + 1, position + length, frame)
          {
            return result
          }
          length -= 1
        }
        return nil
      }
    }
    return match(0, 0, nil).flatMap { $0 < limit ? $0 : nil }
  }

  /// `a/./b//c` -> `a/b/c`.
  private static func normalized(_ path: String) -> String {
    var text = path
    while text.contains("/./") { text = text.replacingOccurrences(of: "/./", with: "/") }
    while text.contains("//") { text = text.replacingOccurrences(of: "//", with: "/") }
    if text.hasPrefix("./") { text.removeFirst(2) }
    return text
  }

  /// The template with relative paths resolved against `directory` (see ``RecipePath/resolve(_:relativeTo:)``);
  /// the directory is taken literally, even if it contains braces.
  public func resolved(relativeTo directory: String) -> PathTemplate {
    let joined = RecipePath.resolve(text, relativeTo: directory)
    guard joined != text else { return self }
    let prefix = String(joined.dropLast(text.count))
    var newPieces = pieces
    if case .literal(let first)? = newPieces.first {
      newPieces[0] = .literal(prefix + first)
    } else {
      newPieces.insert(.literal(prefix), at: 0)
    }
    return PathTemplate(text: joined, pieces: newPieces)
  }

  public var description: String { text }
}
