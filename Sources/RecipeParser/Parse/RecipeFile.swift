import DreamVocabulary
internal import Yams

/// Entry point: recipe file -> validated ``Recipe`` or every problem found.
///
/// Stages, each in its own file: bytes -> UTF-8 text (`RecipeFile`) -> YAML node tree with marks
/// (`Yams.compose`, syntax errors translated here) -> typed recipe with validation
/// (`RecipeReader` and the step readers). Layer names are checked later, once the model is known:
/// see ``validateLayers(_:layers:)``.
public enum RecipeFile {
  /// The largest recipe file read (recipes are a few kilobytes; this bounds `validate`).
  public static let maximumBytes = 1 << 20

  /// Reads and parses the recipe at `path` (for a sweep: its first variant). Relative paths inside
  /// the recipe are resolved against the directory of `path`, and input files are checked through
  /// `fileSystem` (the model file only when `modelFileRequired`: `--model` replaces it).
  public static func parse(
    path: String, fileSystem: any FileSystem = RealFileSystem(), modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi
  ) -> Result<Recipe, DiagnosticList> {
    parseVariants(
      path: path, fileSystem: fileSystem, modelFileRequired: modelFileRequired, videoProbe: videoProbe,
      defaultVideoContainer: defaultVideoContainer, manyVariantsAllowed: true
    ).map { $0[0] }
  }

  /// Reads and parses the recipe at `path`: the recipe, or each variant of its sweep (see
  /// ``parseVariants(text:file:fileSystem:modelFileRequired:videoProbe:defaultVideoContainer:manyVariantsAllowed:)``).
  public static func parseVariants(
    path: String, fileSystem: any FileSystem = RealFileSystem(), modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi,
    manyVariantsAllowed: Bool = false
  ) -> Result<[Recipe], DiagnosticList> {
    switch fileSystem.contents(ofFile: path, limit: maximumBytes) {
    case .failure(let reason):
      let diagnostic = Diagnostic(
        location: .wholeFile(path), stage: "recipe", message: "cannot read the recipe: \(reason)",
        sourceLine: nil)
      return .failure(DiagnosticList([diagnostic]))
    case .success(let bytes):
      switch decodeUTF8(bytes) {
      case .success(let text):
        return parseVariants(
          text: text, file: path, fileSystem: fileSystem, modelFileRequired: modelFileRequired,
          videoProbe: videoProbe, defaultVideoContainer: defaultVideoContainer,
          manyVariantsAllowed: manyVariantsAllowed)
      case .failure(let problem):
        return .failure(DiagnosticList([problem.diagnostic(file: path)]))
      }
    }
  }

  /// Parses recipe bytes that were read from `file` (used for messages and relative paths).
  public static func parse(
    bytes: [UInt8], file: String, fileSystem: any FileSystem = RealFileSystem(),
    modelFileRequired: Bool = true, videoProbe: (any VideoProbe)? = nil,
    defaultVideoContainer: VideoContainer = .avi
  ) -> Result<Recipe, DiagnosticList> {
    switch decodeUTF8(bytes) {
    case .success(let text):
      return parse(
        text: text, file: file, fileSystem: fileSystem, modelFileRequired: modelFileRequired,
        videoProbe: videoProbe, defaultVideoContainer: defaultVideoContainer)
    case .failure(let problem):
      return .failure(DiagnosticList([problem.diagnostic(file: file)]))
    }
  }

  /// Parses recipe text that was read from `file`: the recipe, or for a recipe with a `sweep:`
  /// each of its variants in the sweep's order (each checked like a recipe of its own, and no two
  /// writing the same file).
  ///
  /// - Parameter manyVariantsAllowed: `--yes`: a sweep of more than
  ///   ``SweepReader/confirmationThreshold`` variants needs no `max-variants:`.
  public static func parseVariants(
    text: String, file: String, fileSystem: any FileSystem = RealFileSystem(), modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi,
    manyVariantsAllowed: Bool = false
  ) -> Result<[Recipe], DiagnosticList> {
    let source = SourceText(file: file, text: text)
    let root: Node?
    switch compose(text, source) {
    case .success(let node): root = node
    case .failure(let list): return .failure(list)
    }
    let makeReader = {
      RecipeReader(
        source: source, fileSystem: fileSystem, modelFileRequired: modelFileRequired, videoProbe: videoProbe,
        defaultVideoContainer: defaultVideoContainer)
    }
    guard let root else {
      let diagnostic = Diagnostic(
        location: source.location(line: 1, column: 1), stage: "recipe",
        message: "the recipe is empty; write at least 'model:' and 'steps:'", sourceLine: nil)
      return .failure(DiagnosticList([diagnostic]))
    }
    let sweepReader = makeReader()
    let spec = SweepReader(reader: sweepReader).read(root, manyVariantsAllowed: manyVariantsAllowed)
    guard sweepReader.diagnostics.isEmpty else { return .failure(DiagnosticList(sweepReader.diagnostics)) }
    guard let spec else {
      let reader = makeReader()
      let recipe = TopLevelReader(reader: reader).read(root)
      if let recipe, reader.diagnostics.isEmpty { return .success([recipe]) }
      precondition(!reader.diagnostics.isEmpty, "a recipe failed to parse without a diagnostic")
      return .failure(DiagnosticList(reader.diagnostics))
    }
    // Each variant is read like a recipe of its own; a problem shared by several is reported once.
    var recipes: [Recipe] = []
    var diagnostics: [Diagnostic] = []
    var reported = Set<String>()
    let probe = videoProbe.map { CachingVideoProbe($0) }
    for index in 0..<spec.sweep.count {
      let reader = RecipeReader(
        source: source, fileSystem: fileSystem, modelFileRequired: modelFileRequired, videoProbe: probe,
        defaultVideoContainer: defaultVideoContainer)
      let recipe = TopLevelReader(reader: reader).read(SweepReader.tree(root, spec: spec, variant: index))
      for diagnostic in reader.diagnostics where reported.insert(diagnostic.description).inserted {
        diagnostics.append(diagnostic)
      }
      if var recipe, reader.diagnostics.isEmpty {
        recipe.sweep = spec.sweep
        recipe.variant = spec.sweep.variant(index)
        recipes.append(recipe)
      }
      if diagnostics.count >= DiagnosticList.maximumShown { break }
    }
    if diagnostics.isEmpty { diagnostics = collisions(recipes) }
    if diagnostics.isEmpty { return .success(recipes) }
    return .failure(DiagnosticList(diagnostics))
  }

  /// Output paths that two variants of a sweep share: each variant must write its own files.
  static func collisions(_ variants: [Recipe]) -> [Diagnostic] {
    var owner: [String: SweepVariant] = [:]
    var result: [Diagnostic] = []
    // One error per step: its first collision says what to do.
    var reported = Set<SourceLocation>()
    for recipe in variants {
      guard let variant = recipe.variant, let sweep = recipe.sweep else { continue }
      var outputs: [(path: String, written: String, stage: String, location: SourceLocation)] = []
      for step in recipe.pipeline {
        if case .save(let save) = step.operation {
          outputs.append((save.resolvedPath.text, save.path.value.text, "save", save.path.location))
        }
      }
      for video in recipe.videos {
        outputs.append((video.value.resolvedPath, video.value.path.value, "video", video.value.path.location))
      }
      for output in outputs {
        if let other = owner[output.path] {
          guard reported.insert(output.location).inserted else { continue }
          let differing = sweep.axes.indices.filter { other.values[$0].text != variant.values[$0].text }
          let keys = differing.map { "{\(sweep.axes[$0].key)}" }.joined(separator: " and ")
          result.append(
            recipe.source.diagnostic(
              output.stage,
              "'\(output.written)' is the same file for variants \(other.name) and \(variant.name); put \(keys) "
                + "in the path so that each variant writes its own files", at: output.location))
          if result.count >= 10 { return result }
        } else {
          owner[output.path] = variant
        }
      }
    }
    return result
  }

  /// The recipe (for a sweep: its first variant); see ``parseVariants(text:file:fileSystem:modelFileRequired:videoProbe:defaultVideoContainer:manyVariantsAllowed:)``.
  public static func parse(
    text: String, file: String, fileSystem: any FileSystem = RealFileSystem(), modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi
  ) -> Result<Recipe, DiagnosticList> {
    parseVariants(
      text: text, file: file, fileSystem: fileSystem, modelFileRequired: modelFileRequired,
      videoProbe: videoProbe, defaultVideoContainer: defaultVideoContainer, manyVariantsAllowed: true
    ).map { $0[0] }
  }

  /// The YAML node tree of `text` read from `source` (nil when empty), or its syntax error as a diagnostic.
  static func compose(_ text: String, _ source: SourceText) -> Result<Node?, DiagnosticList> {
    if let complexKey = ComplexKeyCheck.diagnostic(in: text, source: source) {
      return .failure(DiagnosticList([complexKey]))
    }
    do {
      return .success(try Yams.compose(yaml: text))
    } catch {
      return .failure(DiagnosticList([YAMLErrorTranslation.diagnostic(for: error, source: source)]))
    }
  }

  struct UTF8Problem: Error {
    let line: Int
    let column: Int
    let hexByte: String

    func diagnostic(file: String) -> Diagnostic {
      Diagnostic(
        location: SourceLocation(file: file, line: line, column: column), stage: "recipe",
        message: "the file is not UTF-8 text (byte 0x\(hexByte)); a recipe is a YAML text file",
        sourceLine: nil)
    }
  }

  /// Strict UTF-8 decoding that says where the first invalid byte is.
  static func decodeUTF8(_ bytes: [UInt8]) -> Result<String, UTF8Problem> {
    var decoder = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var scalars = String.UnicodeScalarView()
    var line = 1
    var column = 1
    var offset = 0
    while true {
      switch decoder.parseScalar(from: &iterator) {
      case .valid(let encoded):
        let scalar = Unicode.UTF8.decode(encoded)
        scalars.append(scalar)
        offset += encoded.count
        if scalar == "\n" {
          line += 1
          column = 1
        } else {
          column += 1
        }
      case .emptyInput:
        return .success(String(scalars))
      case .error(let length):
        let byte = offset < bytes.count ? bytes[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        _ = length
        return .failure(UTF8Problem(line: line, column: column, hexByte: hex.count == 1 ? "0" + hex : hex))
      }
    }
  }
}
