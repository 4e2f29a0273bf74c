import Foundation

/// How a model expects its input image, beyond the common "float RGB, NHWC, batch 1" layout.
public enum InputPreprocessing: Sendable, Equatable {
  /// Feed RGB values in 0...255 exactly as they are (any preprocessing lives inside the graph,
  /// or, as for the classic inception5h script, there is none).
  case none
  /// Subtract one mean value per RGB channel before feeding (the value order is R, G, B).
  case subtractMean(red: Float, green: Float, blue: Float)
}

/// One downloadable model: where its archive lives, how to verify it and what it contains.
///
/// The archive is a zip file at `archiveURL` whose sha256 is `archiveSHA256`; the frozen
/// TensorFlow GraphDef inside it is the member `memberPath` whose sha256 is `modelSHA256`.
/// Both hashes are lowercase hex. Installed, the model is the single file
/// `<cache>/models/<name>/<last path component of memberPath>`.
public struct CatalogEntry: Sendable, Equatable {
  /// The name users write in a recipe's `model:` or after `--model` (lowercase, no slash).
  public var name: String
  /// Canonical download URL of the zip archive.
  public var archiveURL: URL
  /// sha256 of the whole archive, lowercase hex (64 characters).
  public var archiveSHA256: String
  /// Path of the .pb member inside the archive, e.g. `tensorflow_inception_graph.pb`.
  public var memberPath: String
  /// sha256 of the extracted .pb file, lowercase hex (64 characters).
  public var modelSHA256: String
  /// Name of the input Placeholder node (fed NHWC `[1, H, W, 3]`).
  public var inputNode: String
  /// The model's dream layers in topological order; `layer: 3` in a recipe means `dreamLayers[3]`.
  /// This list overrides the engine's automatic detection.
  public var dreamLayers: [String]
  /// What the input must look like before it is fed.
  public var preprocessing: InputPreprocessing
  /// Free-text notes about the input (range, channel order, known conventions).
  public var inputNotes: String
  /// One-line description shown by `dream-run models`.
  public var description: String
  /// Licence of the weights, as far as it is known.
  public var licence: String

  /// Creates an entry; hashes are lowercased.
  public init(
    name: String, archiveURL: URL, archiveSHA256: String, memberPath: String, modelSHA256: String,
    inputNode: String = "input", dreamLayers: [String], preprocessing: InputPreprocessing,
    inputNotes: String, description: String, licence: String
  ) {
    self.name = name
    self.archiveURL = archiveURL
    self.archiveSHA256 = archiveSHA256.lowercased()
    self.memberPath = memberPath
    self.modelSHA256 = modelSHA256.lowercased()
    self.inputNode = inputNode
    self.dreamLayers = dreamLayers
    self.preprocessing = preprocessing
    self.inputNotes = inputNotes
    self.description = description
    self.licence = licence
  }

  /// File name of the installed .pb (the last component of `memberPath`).
  public var fileName: String {
    memberPath.split(separator: "/").last.map(String.init) ?? memberPath
  }

  /// The URL to download from: `archiveURL`, or with a base-URL override, the override followed by
  /// the archive's file name (`http://127.0.0.1:8080/mirror/` + `inception5h.zip`). The override
  /// replaces the scheme, host and whole directory part of the canonical URL.
  public func downloadURL(baseOverride: URL?) -> URL {
    guard let base = baseOverride else { return archiveURL }
    return base.appendingPathComponent(archiveURL.lastPathComponent)
  }
}
