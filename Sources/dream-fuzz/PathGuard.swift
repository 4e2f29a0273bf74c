/// Keeps every path a mutated recipe could name inside the trial's folder.
///
/// `dream-run` writes wherever a recipe's `save`/`video` paths point, so the fuzzer must never
/// hand it a recipe that names a file outside its work folder. Recipes here are broken YAML as
/// often as not, so the guard works on the raw bytes, conservatively, instead of parsing:
///
/// 1. Escapes in double-quoted scalars that could produce `/`, `.`, `~` or `\` (`\/`, `\x2f`,
///    `\u002E`, `\U0000007e`, ...) are defused by replacing the backslash with `_`.
/// 2. At most `maximumParentSteps` occurrences of `..` in the whole text (overlapping; `...`
///    counts twice); later ones become `._`. The trial folder is deeper than that below the work
///    folder, so no relative path can climb out of it.
/// 3. A `/` may only follow a character that can sit inside a relative path's component
///    (`A-Z a-z 0-9 _ - . }`); any other `/` would be (or, after YAML line folding, could
///    become) the start of an absolute path and becomes `_`. The one exception is the trial
///    folder's own absolute path, which mutations insert on purpose.
///
/// A `~` at the start of a path only matters for model references (read, never written) and
/// can't be followed by `/` after rule 3.
struct PathGuard {
  /// The trial's case folder, absolute, ending in `/`: the only allowed absolute path prefix.
  let allowedAbsolutePrefix: [UInt8]
  let maximumParentSteps: Int

  init(caseDirectory: String, maximumParentSteps: Int) {
    let path = caseDirectory.hasSuffix("/") ? caseDirectory : caseDirectory + "/"
    allowedAbsolutePrefix = Array(path.utf8)
    self.maximumParentSteps = maximumParentSteps
  }

  private static let slash = UInt8(ascii: "/")
  private static let dot = UInt8(ascii: ".")
  private static let backslash = UInt8(ascii: "\\")
  private static let underscore = UInt8(ascii: "_")

  /// The text with every escape route closed, and whether anything had to change.
  func sanitize(_ text: [UInt8]) -> (text: [UInt8], changed: Bool) {
    var bytes = text
    var changed = defuseEscapes(&bytes)
    changed = limitParentSteps(&bytes) || changed
    changed = defuseAbsolutePaths(&bytes) || changed
    return (bytes, changed)
  }

  /// True when `text` passes all three rules unchanged.
  func isSafe(_ text: [UInt8]) -> Bool {
    !sanitize(text).changed
  }

  private func defuseEscapes(_ bytes: inout [UInt8]) -> Bool {
    var changed = false
    var index = 0
    while index + 1 < bytes.count {
      guard bytes[index] == Self.backslash else {
        index += 1
        continue
      }
      let kind = bytes[index + 1]
      let digits: Int
      switch kind {
      case UInt8(ascii: "x"): digits = 2
      case UInt8(ascii: "u"): digits = 4
      case UInt8(ascii: "U"): digits = 8
      case Self.slash, Self.backslash:
        if kind == Self.slash {
          bytes[index] = Self.underscore
          changed = true
        }
        index += 2
        continue
      default:
        index += 2
        continue
      }
      var value: UInt64 = 0
      var parsed = 0
      while parsed < digits, index + 2 + parsed < bytes.count,
        let digit = Self.hexValue(bytes[index + 2 + parsed])
      {
        value = value << 4 | UInt64(digit)
        parsed += 1
      }
      if [0x2E, 0x2F, 0x7E, 0x5C].contains(value) || parsed < digits {
        bytes[index] = Self.underscore
        changed = true
      }
      index += 2
    }
    return changed
  }

  private func limitParentSteps(_ bytes: inout [UInt8]) -> Bool {
    var seen = 0
    var changed = false
    var index = 0
    while index + 1 < bytes.count {
      if bytes[index] == Self.dot && bytes[index + 1] == Self.dot {
        seen += 1
        if seen > maximumParentSteps {
          bytes[index + 1] = Self.underscore
          changed = true
        }
      }
      index += 1
    }
    return changed
  }

  private func defuseAbsolutePaths(_ bytes: inout [UInt8]) -> Bool {
    var changed = false
    var index = 0
    while index < bytes.count {
      guard bytes[index] == Self.slash else {
        index += 1
        continue
      }
      if index > 0 && Self.mayPrecedeSlash(bytes[index - 1]) {
        index += 1
        continue
      }
      if bytes[index...].starts(with: allowedAbsolutePrefix) {
        index += allowedAbsolutePrefix.count
        continue
      }
      bytes[index] = Self.underscore
      changed = true
      index += 1
    }
    return changed
  }

  private static func mayPrecedeSlash(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "}"):
      return true
    default:
      return false
    }
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
