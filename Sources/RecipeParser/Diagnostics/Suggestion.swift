/// "Did you mean ...?" suggestions by edit distance, the way swift-argument-parser and compilers
/// offer them.
public enum Suggestion {
  /// The candidate closest to `word` by Levenshtein distance, if it is close enough to be a likely
  /// typo: at most 1 edit for words up to 4 characters, otherwise at most a third of the word's
  /// length (rounded up). Ties go to the earlier candidate. Comparison ignores case.
  public static func closest(to word: String, in candidates: [String]) -> String? {
    let limit = word.count <= 4 ? 1 : (word.count + 2) / 3
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(word.lowercased(), candidate.lowercased())
      guard distance <= limit else { continue }
      if best == nil || distance < (best?.distance ?? Int.max) {
        best = (candidate, distance)
      }
    }
    return best?.candidate
  }

  /// ` (did you mean 'x'?)` or the empty string; ready to append to a message.
  public static func hint(for word: String, in candidates: [String]) -> String {
    guard let match = closest(to: word, in: candidates) else { return "" }
    return " (did you mean '\(match)'?)"
  }

  /// Levenshtein distance over Unicode scalars (insertions, deletions, substitutions cost 1).
  public static func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs.unicodeScalars)
    let b = Array(rhs.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
