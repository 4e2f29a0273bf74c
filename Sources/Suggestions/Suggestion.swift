/// "Did you mean ...?" suggestions by edit distance, the way swift-argument-parser and compilers
/// offer them.
public enum Suggestion {
  /// The candidate closest to `word` by Levenshtein distance, if it is close enough to be a likely
  /// typo: at most 1 edit for words up to 4 characters, otherwise at most a third of the word's
  /// length (rounded up). Among equally distant candidates, the one whose substitutions are between
  /// neighbouring keys of a QWERTY keyboard wins (`mixed4x` -> `mixed4c`), then the earlier one.
  /// Comparison ignores case.
  public static func closest(to word: String, in candidates: [String]) -> String? {
    let limit = word.count <= 4 ? 1 : (word.count + 2) / 3
    let typed = word.lowercased()
    var best: (candidate: String, distance: Int, typo: Double)?
    for candidate in candidates {
      let lowered = candidate.lowercased()
      let distance = editDistance(typed, lowered)
      guard distance <= limit else { continue }
      let typo = typoDistance(typed, lowered)
      if let current = best, (current.distance, current.typo) <= (distance, typo) { continue }
      best = (candidate, distance, typo)
    }
    return best?.candidate
  }

  /// Rows of a QWERTY keyboard, for the typo tie-break.
  private static let keyboardRows = ["1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"].map { Array($0) }

  /// True when two keys touch on a QWERTY keyboard (same row, next key; or the adjacent row, the
  /// key above/below or one to the side).
  static func areNeighbouringKeys(_ a: Character, _ b: Character) -> Bool {
    guard let rowA = keyboardRows.firstIndex(where: { $0.contains(a) }),
      let rowB = keyboardRows.firstIndex(where: { $0.contains(b) }),
      let columnA = keyboardRows[rowA].firstIndex(of: a), let columnB = keyboardRows[rowB].firstIndex(of: b)
    else { return false }
    if rowA == rowB { return abs(columnA - columnB) == 1 }
    guard abs(rowA - rowB) == 1 else { return false }
    // Each row is shifted about half a key to the right of the one above it.
    let lower = rowA > rowB ? columnA : columnB
    let upper = rowA > rowB ? columnB : columnA
    return upper == lower || upper == lower + 1
  }

  /// Edit distance where substituting a neighbouring key costs 0.5 instead of 1.
  static func typoDistance(_ lhs: String, _ rhs: String) -> Double {
    let a = Array(lhs)
    let b = Array(rhs)
    if a.isEmpty { return Double(b.count) }
    if b.isEmpty { return Double(a.count) }
    var previous = (0...b.count).map(Double.init)
    var current = [Double](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = Double(i)
      for j in 1...b.count {
        let cost: Double = a[i - 1] == b[j - 1] ? 0 : (areNeighbouringKeys(a[i - 1], b[j - 1]) ? 0.5 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
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
