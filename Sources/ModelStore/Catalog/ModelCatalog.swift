import Suggestions
import Foundation

/// The set of models `dream-run` can download by name.
///
/// The catalog holds only downloadable entries; local networks are referenced by path.
/// Names are unique and matched exactly (case-sensitive).
public struct ModelCatalog: Sendable {
  /// Entries in display order.
  public let entries: [CatalogEntry]

  /// Creates a catalog; entry names must be unique (a duplicate is a programming error).
  public init(entries: [CatalogEntry]) {
    let names = entries.map(\.name)
    precondition(Set(names).count == names.count, "ModelCatalog: duplicate entry names in \(names)")
    self.entries = entries
  }

  /// The catalog shipped with dream-run.
  public static let builtIn = ModelCatalog(entries: [.inception5h])

  /// All entry names in display order.
  public var names: [String] { entries.map(\.name) }

  /// The entry called `name`, or nil.
  public func entry(named name: String) -> CatalogEntry? {
    entries.first { $0.name == name }
  }

  /// Catalog names close to `name` (case-insensitive edit distance at most a third of the
  /// longer name, at least 1, or a prefix match), best first.
  public func suggestions(for name: String) -> [String] {
    let query = name.lowercased()
    let scored: [(String, Int)] = entries.compactMap { entry in
      let candidate = entry.name.lowercased()
      let distance = Suggestion.editDistance(query, candidate)
      let limit = max(1, max(query.count, candidate.count) / 3)
      let isPrefix = !query.isEmpty && (candidate.hasPrefix(query) || query.hasPrefix(candidate))
      guard distance <= limit || isPrefix else { return nil }
      return (entry.name, distance)
    }
    return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
  }
}

extension CatalogEntry {
  /// Google's Inception "5h" frozen GraphDef, the model of the classic DeepDream zoom script.
  ///
  /// `inception5h.zip` holds `tensorflow_inception_graph.pb`; input `input:0`, float RGB 0...255
  /// fed as-is, any image size. The twelve dream layers are the classic script's list.
  public static let inception5h = CatalogEntry(
    name: "inception5h",
    archiveURL: canonicalURL("https://storage.googleapis.com/download.tensorflow.org/models/inception5h.zip"),
    archiveSHA256: "d13569f6a98159de37e92e9c8ec4dae8f674fbf475f69fe6199b514f756d4364",
    memberPath: "tensorflow_inception_graph.pb",
    modelSHA256: "a39b08b826c9d5a5532ff424c03a3a11a202967544e389aca4b06c2bd8aef63f",
    inputNode: "input",
    dreamLayers: [
      "conv2d0", "conv2d1", "conv2d2", "mixed3a", "mixed3b", "mixed4a", "mixed4b", "mixed4c",
      "mixed4d", "mixed4e", "mixed5a", "mixed5b",
    ],
    preprocessing: .none,
    inputNotes:
      "float RGB 0...255 fed as-is, as in the classic script (Mordvintsev's notebook subtracts 117 first)",
    description: "Inception 5h (GoogLeNet), the classic DeepDream model",
    licence: "Apache-2.0 (Google, TensorFlow models)")

  /// Parses a URL literal of the built-in catalog; an invalid literal is a programming error.
  private static func canonicalURL(_ text: String) -> URL {
    guard let url = URL(string: text) else { preconditionFailure("ModelCatalog: bad URL literal \(text)") }
    return url
  }
}
