internal import Yams

/// Reads a reference manifest with the recipe reader's rules: every problem is a diagnostic with
/// `file:line:col`, wrong types and unknown keys included.
extension ReferenceManifest {
  static let keys = ["format", "recipe", "size", "recorded-with", "frames"]
  static let frameKeys = ["frame", "step", "file", "output", "recipe-fingerprint"]
  /// More entries than this is not a manifest dream-run wrote.
  static let maximumFrames = 100_000

  /// Parses manifest `text` read from `file`.
  public static func parse(text: String, file: String) -> Result<ReferenceManifest, DiagnosticList> {
    let source = SourceText(file: file, text: text)
    let root: Node?
    switch RecipeFile.compose(text, source) {
    case .success(let node): root = node
    case .failure(let list): return .failure(list)
    }
    let reader = RecipeReader(source: source, fileSystem: RealFileSystem())
    guard let root else {
      let empty = Diagnostic(
        location: source.location(line: 1, column: 1), stage: "manifest",
        message: "the manifest is empty; record the references again with 'dream-run check --update'",
        sourceLine: nil)
      return .failure(DiagnosticList([empty]))
    }
    let manifest = read(root, reader)
    if let manifest, reader.diagnostics.isEmpty { return .success(manifest) }
    precondition(!reader.diagnostics.isEmpty, "a manifest failed to parse without a diagnostic")
    return .failure(DiagnosticList(reader.diagnostics))
  }

  private static func read(_ root: Node, _ reader: RecipeReader) -> ReferenceManifest? {
    let stage = "manifest"
    guard let fields = reader.fields(of: root, stage: stage, allowed: keys) else { return nil }
    if let format = reader.required("format", in: fields, stage: stage).flatMap({
      reader.int($0, stage, "format")
    }),
      format.value != formatVersion
    {
      reader.error(
        stage,
        "format \(format.value) is not one this dream-run reads (\(formatVersion)); "
          + "record the references again with 'dream-run check --update'", at: format.location)
    }
    let recipe = reader.required("recipe", in: fields, stage: stage).flatMap {
      reader.text($0, stage, "recipe")
    }
    let size = reader.required("size", in: fields, stage: stage).flatMap {
      TopLevelReader(reader: reader).readSize($0, stage: stage)
    }
    var recorded: [(key: String, value: String)] = []
    if let node = reader.required("recorded-with", in: fields, stage: stage) {
      if case .mapping(let mapping) = node {
        for pair in mapping {
          guard let key = reader.text(pair.key, stage, "recorded-with"),
            let value = reader.text(pair.value, stage, key.value)
          else { continue }
          recorded.append((key.value, value.value))
        }
      } else {
        reader.error(stage, "'recorded-with' must be a mapping, got \(reader.describe(node))", at: node)
      }
    }
    var frames: [Frame] = []
    if let node = reader.required("frames", in: fields, stage: stage) {
      if case .sequence(let sequence) = node, sequence.count <= maximumFrames {
        frames = sequence.compactMap { readFrame($0, reader) }
      } else {
        reader.error(
          stage, "'frames' must be a list of reference images, got \(reader.describe(node))", at: node)
      }
    }
    guard let recipe, let size else { return nil }
    return ReferenceManifest(recipe: recipe.value, size: size.value, recordedWith: recorded, frames: frames)
  }

  private static func readFrame(_ node: Node, _ reader: RecipeReader) -> Frame? {
    let stage = "manifest"
    guard let fields = reader.fields(of: node, stage: stage, allowed: frameKeys) else { return nil }
    let frame = reader.required("frame", in: fields, stage: stage).flatMap {
      reader.checked(reader.int($0, stage, "frame"), stage, "frame", "must not be negative") { $0 >= 0 }
    }
    let step = reader.required("step", in: fields, stage: stage).flatMap {
      reader.checked(reader.int($0, stage, "step"), stage, "step", "must be at least 1") { $0 >= 1 }
    }
    let file = reader.required("file", in: fields, stage: stage).flatMap { reader.text($0, stage, "file") }
    if let file, !isPlainFileName(file.value) {
      reader.error(
        stage, "'file' must be a PNG file name inside the reference folder, got '\(file.value)'",
        at: file.location)
      return nil
    }
    let output = reader.required("output", in: fields, stage: stage).flatMap {
      reader.text($0, stage, "output")
    }
    let fingerprint = reader.required("recipe-fingerprint", in: fields, stage: stage).flatMap {
      reader.text($0, stage, "recipe-fingerprint")
    }
    guard let frame, let step, let file, let output, let fingerprint else { return nil }
    return Frame(
      frame: frame.value, step: step.value, file: file.value, output: output.value,
      recipeFingerprint: fingerprint.value)
  }

  /// `0007.png`: no folder, no leading dot, ends in .png.
  static func isPlainFileName(_ name: String) -> Bool {
    !name.contains("/") && !name.contains("\\") && !name.hasPrefix(".") && name.hasSuffix(".png")
      && name.count <= 255
  }
}
