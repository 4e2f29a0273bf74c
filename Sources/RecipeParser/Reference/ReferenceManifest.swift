import DreamVocabulary

/// The manifest of a recipe's reference set (`references/<recipe>/manifest.yaml`): what was
/// recorded, with what, and one entry per reference image. Written only by
/// `dream-run check --update`; a small, diffable YAML file meant to be committed with the PNGs.
///
/// ```yaml
/// format: 1
/// recipe: tiny-zoom.yaml
/// size: [64, 48]
/// recorded-with:
///   dream-run: dream-run 0.3.0 engine 4
///   model-sha256: 0c7b...
///   blas-core: Haswell
/// frames:
///   - {frame: 1, step: 9, file: 0001.png, output: tiny-zoom/01.png, recipe-fingerprint: 5d1e...}
/// ```
public struct ReferenceManifest: Sendable, Equatable {
  /// One reference image.
  public struct Frame: Sendable, Equatable {
    public let frame: Int
    /// The recipe's 1-based step number of the `save` step that writes this image.
    public let step: Int
    /// The PNG's name inside the reference folder.
    public let file: String
    /// The file a normal run writes for this frame (as written in the recipe), for people.
    public let output: String
    /// The save node's fingerprint without dream-run's version and the model's hash: it changes
    /// exactly when the recipe's steps, seed, size or input image change.
    public let recipeFingerprint: String

    public init(frame: Int, step: Int, file: String, output: String, recipeFingerprint: String) {
      self.frame = frame
      self.step = step
      self.file = file
      self.output = output
      self.recipeFingerprint = recipeFingerprint
    }
  }

  public static let formatVersion = 1

  /// The recipe's file name.
  public let recipe: String
  public let size: ImageSize
  /// What the references were recorded with, in written order (`dream-run`, `model`,
  /// `model-sha256`, `openblas`, `blas-core`, `blas-core-pin`, `cpu-features`, ...).
  public let recordedWith: [(key: String, value: String)]
  public let frames: [Frame]

  public init(recipe: String, size: ImageSize, recordedWith: [(key: String, value: String)], frames: [Frame])
  {
    self.recipe = recipe
    self.size = size
    self.recordedWith = recordedWith
    self.frames = frames
  }

  /// The `recorded-with` value for `key`.
  public func recorded(_ key: String) -> String? {
    recordedWith.first { $0.key == key }?.value
  }

  public static func == (a: ReferenceManifest, b: ReferenceManifest) -> Bool {
    a.recipe == b.recipe && a.size == b.size && a.frames == b.frames
      && a.recordedWith.map(\.key) == b.recordedWith.map(\.key)
      && a.recordedWith.map(\.value) == b.recordedWith.map(\.value)
  }

  /// The manifest as YAML text (stable order, one frame per line).
  public var yaml: String {
    var lines = [
      "# dream-run reference set of \(recipe): written by `dream-run check --update`; do not edit.",
      "format: \(Self.formatVersion)",
      "recipe: \(Self.quoted(recipe))",
      "size: [\(size.width), \(size.height)]",
      "recorded-with:",
    ]
    for (key, value) in recordedWith { lines.append("  \(key): \(Self.quoted(value))") }
    lines.append("frames:")
    for frame in frames {
      lines.append(
        "  - {frame: \(frame.frame), step: \(frame.step), file: \(Self.quoted(frame.file)), "
          + "output: \(Self.quoted(frame.output)), recipe-fingerprint: \(frame.recipeFingerprint)}")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A YAML double-quoted scalar (always quoted, so no value is ever read back as another type).
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
