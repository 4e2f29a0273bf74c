internal import Yams

/// Refuses mapping keys that are lists or mappings before the recipe is composed for real.
///
/// Yams hashes every mapping key to find duplicates, and hashing a collection key expands its
/// aliases: a key built from nested aliases grows exponentially (a 338-byte recipe took 48 s per
/// extra level x9). Recipes only ever use plain names as keys, so such a key is an error anyway;
/// this check finds it on a copy of the text whose aliases are replaced by plain scalars of the
/// same length (nothing can expand, positions stay the same), composed in time linear in its size.
enum ComplexKeyCheck {
  /// The first mapping key that is not a scalar, as a diagnostic; nil when there is none (or the
  /// copy does not compose: the real compose then reports the syntax error).
  static func diagnostic(in text: String, source: SourceText) -> Diagnostic? {
    guard text.contains("*") else { return nil }  // without aliases nothing can expand
    guard let root = try? Yams.compose(yaml: withoutAliases(text)) else { return nil }
    var pending = [root]
    while let node = pending.popLast() {
      switch node {
      case .mapping(let mapping):
        for (key, value) in mapping {
          let location =
            key.mark.map { source.location(line: $0.line, column: $0.column) } ?? .wholeFile(source.file)
          let kind: String
          switch key {
          case .scalar:
            // A scalar here may stand for an alias in the real text (`*list: 1`).
            guard source.line(location.line)?.unicodeScalars.dropFirst(location.column - 1).first == "*"
            else {
              pending.append(value)
              continue
            }
            kind = "an alias"
          case .mapping: kind = "a mapping"
          case .sequence, .alias: kind = "a list"
          }
          return source.diagnostic("yaml", "keys must be plain names, got \(kind)", at: location)
        }
      case .sequence(let sequence):
        pending.append(contentsOf: sequence)
      case .scalar, .alias:
        break
      }
    }
    return nil
  }

  /// `text` with every alias (`*name` outside quotes and comments) turned into the plain scalar
  /// `_name`, same length.
  static func withoutAliases(_ text: String) -> String {
    var scalars = Array(text.unicodeScalars)
    var quote: Unicode.Scalar?
    var comment = false
    var previous: Unicode.Scalar = "\n"
    var index = 0
    while index < scalars.count {
      let c = scalars[index]
      var step = 1
      if comment {
        if c == "\n" { comment = false }
      } else if let open = quote {
        if open == "\"" && c == "\\" {
          step = 2  // an escaped character, whatever it is
        } else if c == open {
          if open == "'" && index + 1 < scalars.count && scalars[index + 1] == "'" {
            step = 2  // '' inside a single-quoted string
          } else {
            quote = nil
          }
        }
      } else {
        let atTokenStart =
          previous == " " || previous == "\t" || previous == "\n"
          || "[{,:-?".unicodeScalars.contains(previous)
        switch c {
        case "#" where previous == " " || previous == "\t" || previous == "\n": comment = true
        case "\"",
          "'" where atTokenStart:
          quote = c
        case "*" where atTokenStart: scalars[index] = "_"
        default: break
        }
      }
      index += step
      previous = scalars[min(index, scalars.count) - 1]
    }
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars)
    return String(result)
  }
}
