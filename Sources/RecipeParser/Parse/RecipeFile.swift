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

  /// Reads and parses the recipe at `path`. Relative paths inside the recipe are resolved against
  /// the directory of `path`, and input files are checked through `fileSystem` (the model file
  /// only when `modelFileRequired`: `--model` replaces it).
  public static func parse(
    path: String, fileSystem: any FileSystem = RealFileSystem(), modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi
  ) -> Result<Recipe, DiagnosticList> {
    switch fileSystem.contents(ofFile: path, limit: maximumBytes) {
    case .failure(let reason):
      let diagnostic = Diagnostic(
        location: .wholeFile(path), stage: "recipe", message: "cannot read the recipe: \(reason)",
        sourceLine: nil)
      return .failure(DiagnosticList([diagnostic]))
    case .success(let bytes):
      return parse(
        bytes: bytes, file: path, fileSystem: fileSystem, modelFileRequired: modelFileRequired,
        videoProbe: videoProbe, defaultVideoContainer: defaultVideoContainer)
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
      let diagnostic = Diagnostic(
        location: SourceLocation(file: file, line: problem.line, column: problem.column), stage: "recipe",
        message: "the file is not UTF-8 text (byte 0x\(problem.hexByte)); a recipe is a YAML text file",
        sourceLine: nil)
      return .failure(DiagnosticList([diagnostic]))
    }
  }

  /// Parses recipe text that was read from `file`.
  public static func parse(
    text: String, file: String, fileSystem: any FileSystem = RealFileSystem(), modelFileRequired: Bool = true,
    videoProbe: (any VideoProbe)? = nil, defaultVideoContainer: VideoContainer = .avi
  ) -> Result<Recipe, DiagnosticList> {
    let source = SourceText(file: file, text: text)
    let root: Node?
    switch compose(text, source) {
    case .success(let node): root = node
    case .failure(let list): return .failure(list)
    }
    let reader = RecipeReader(
      source: source, fileSystem: fileSystem, modelFileRequired: modelFileRequired, videoProbe: videoProbe,
      defaultVideoContainer: defaultVideoContainer)
    guard let root else {
      let diagnostic = Diagnostic(
        location: source.location(line: 1, column: 1), stage: "recipe",
        message: "the recipe is empty; write at least 'model:' and 'steps:'", sourceLine: nil)
      return .failure(DiagnosticList([diagnostic]))
    }
    let recipe = TopLevelReader(reader: reader).read(root)
    if let recipe, reader.diagnostics.isEmpty { return .success(recipe) }
    precondition(!reader.diagnostics.isEmpty, "a recipe failed to parse without a diagnostic")
    return .failure(DiagnosticList(reader.diagnostics))
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
