import Foundation

/// A model reference (a recipe's `model:` or `--model`) that names neither a catalog model nor a
/// usable .pb file. Each description is one line saying what to do.
public enum ModelReferenceError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  /// The reference is empty or only whitespace.
  case emptyReference(catalogNames: [String])
  /// A bare name that is not in the catalog and not an existing file.
  case unknownModel(name: String, suggestions: [String], catalogNames: [String])
  /// A path-like reference whose file does not exist (`path` is the absolute path tried).
  case fileNotFound(reference: String, path: String, catalogNames: [String])
  /// The path exists but is not a regular file.
  case notARegularFile(path: String)
  /// The file exists but cannot be read.
  case unreadable(path: String, detail: String)

  public var description: String {
    switch self {
    case .emptyReference(let names):
      return "model: empty model reference; give a catalog name (\(Self.list(names))) or a path to a .pb file"
    case .unknownModel(let name, let suggestions, let names):
      let hint = suggestions.first.map { " (did you mean '\($0)'?)" } ?? ""
      return "model: unknown model '\(name)'\(hint); catalog models: \(Self.list(names)); "
        + "or give a path to a .pb file"
    case .fileNotFound(let reference, let path, let names):
      let tried = reference == path ? "" : " (looked for \(path))"
      return "model: file '\(reference)' not found\(tried); give an existing .pb path or a catalog name "
        + "(\(Self.list(names)))"
    case .notARegularFile(let path):
      return "model: '\(path)' is not a regular file; give the path of a .pb file"
    case .unreadable(let path, let detail):
      return "model: cannot read '\(path)': \(detail); check the file's permissions"
    }
  }

  public var errorDescription: String? { description }

  private static func list(_ names: [String]) -> String {
    names.isEmpty ? "none" : names.joined(separator: ", ")
  }
}
