import Foundation

/// Orders frame files the way people number them: digit runs compare by numeric value, so
/// `frame999.jpg` comes before `frame1000.jpg` (plain string order puts 1000 first).
public enum FrameOrdering {
  /// True when `lhs` sorts before `rhs` in natural order. Names are split into digit and non-digit
  /// runs; digit runs compare by value (any length, leading zeros ignored), other runs by their
  /// Unicode scalars. Ties (e.g. `7` and `007`) fall back to plain string order, so the order is
  /// total and deterministic.
  public static func naturalOrder(_ lhs: String, _ rhs: String) -> Bool {
    let a = runs(lhs)
    let b = runs(rhs)
    for (x, y) in zip(a, b) where x != y {
      switch (x.isNumber, y.isNumber) {
      case (true, true):
        let order = compareNumbers(x.text, y.text)
        if order != 0 { return order < 0 }
      case (false, false), (true, false), (false, true):
        if x.text != y.text { return x.text.unicodeScalars.lexicographicallyPrecedes(y.text.unicodeScalars) }
      }
    }
    if a.count != b.count { return a.count < b.count }
    return lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars)
  }

  /// `urls` sorted by their file names in natural order (then by full path, for equal names).
  public static func sorted(_ urls: [URL]) -> [URL] {
    urls.sorted { first, second in
      let a = first.lastPathComponent
      let b = second.lastPathComponent
      if a == b { return naturalOrder(first.path, second.path) }
      return naturalOrder(a, b)
    }
  }

  /// The image files (`.png`, `.jpg`, `.jpeg`, any case) directly inside `folder`, in natural
  /// order. Hidden files (starting with ".") are skipped, as are partially written temporary files.
  public static func frames(in folder: URL) throws(VideoError) -> [URL] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    } catch {
      throw .badFrame(.unreadable(file: ImageCodec.displayName(of: folder), reason: "cannot list the folder"))
    }
    let images = names.filter { name in
      guard !name.hasPrefix(".") else { return false }
      let ext = (name as NSString).pathExtension.lowercased()
      return ext == "png" || ext == "jpg" || ext == "jpeg"
    }
    return sorted(images.map { folder.appendingPathComponent($0) })
  }

  private struct Run: Equatable {
    var text: Substring
    var isNumber: Bool
  }

  private static func runs(_ name: String) -> [Run] {
    var result: [Run] = []
    var start = name.startIndex
    while start < name.endIndex {
      let isNumber = name[start].isASCIIDigit
      var end = name.index(after: start)
      while end < name.endIndex && name[end].isASCIIDigit == isNumber { end = name.index(after: end) }
      result.append(Run(text: name[start..<end], isNumber: isNumber))
      start = end
    }
    return result
  }

  /// Compares two ASCII digit strings by value: -1, 0 or 1.
  private static func compareNumbers(_ a: Substring, _ b: Substring) -> Int {
    let x = a.drop { $0 == "0" }
    let y = b.drop { $0 == "0" }
    if x.count != y.count { return x.count < y.count ? -1 : 1 }
    for (p, q) in zip(x.utf8, y.utf8) where p != q { return p < q ? -1 : 1 }
    return 0
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
