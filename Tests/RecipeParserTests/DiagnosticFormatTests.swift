import RecipeParser
import XCTest

/// The diagnostic format itself and the file-level problems: syntax errors, empty files, files that
/// are not recipes.
final class DiagnosticFormatTests: XCTestCase {
  func testFormatHasHeadlineSourceLineAndCaret() {
    let diagnostic = Diagnostic(
      location: SourceLocation(file: "recipes/zoom50.yaml", line: 12, column: 12), stage: "dream",
      message: "unknown layer 'mixed4x' (did you mean 'mixed4c'?)", sourceLine: "    layer: mixed4x")
    XCTAssertEqual(
      diagnostic.description,
      """
      recipes/zoom50.yaml:12:12: error: dream: unknown layer 'mixed4x' (did you mean 'mixed4c'?)
          layer: mixed4x
                 ^
      """)
  }

  func testCaretKeepsTabsOfTheSourceLine() {
    let diagnostic = Diagnostic(
      location: SourceLocation(file: "r.yaml", line: 1, column: 4), stage: "yaml", message: "m",
      sourceLine: "\t\tx: y")
    XCTAssertEqual(diagnostic.description, "r.yaml:1:4: error: yaml: m\n\t\tx: y\n\t\t ^")
  }

  func testWholeFileLocationPrintsOnlyTheFile() {
    let diagnostic = Diagnostic(
      location: .wholeFile("r.yaml"), stage: "recipe", message: "cannot read the recipe: no such file",
      sourceLine: nil)
    XCTAssertEqual(diagnostic.description, "r.yaml: error: recipe: cannot read the recipe: no such file")
  }

  func testMissingRecipeFile() {
    let result = RecipeFile.parse(path: "recipes/none.yaml", fileSystem: InMemoryFileSystem())
    XCTAssertEqual(
      failureText(result), "recipes/none.yaml: error: recipe: cannot read the recipe: no such file")
  }

  func testRecipePathIsADirectory() {
    let fileSystem = InMemoryFileSystem(textFiles: ["recipes/a/b.yaml": "x"])
    XCTAssertEqual(
      failureText(RecipeFile.parse(path: "recipes/a", fileSystem: fileSystem)),
      "recipes/a: error: recipe: cannot read the recipe: it is a directory")
  }

  func testEmptyFile() {
    assertDiagnostics(
      "", "recipes/test.yaml:1:1: error: recipe: the recipe is empty; write at least 'model:' and 'steps:'")
  }

  func testCommentOnlyFileIsEmpty() {
    assertDiagnostics(
      "# nothing yet\n\n",
      "recipes/test.yaml:1:1: error: recipe: the recipe is empty; write at least 'model:' and 'steps:'")
  }

  func testTopLevelMustBeAMapping() {
    assertDiagnostics(
      "- load: in.png\n- save: out.png\n",
      """
      recipes/test.yaml:1:1: error: recipe: the top level must be a mapping with keys such as 'model:' and 'steps:', got a list
      - load: in.png
      ^
      """)
    assertDiagnostics(
      "just some words\n",
      """
      recipes/test.yaml:1:1: error: recipe: the top level must be a mapping with keys such as 'model:' and 'steps:', got 'just some words'
      just some words
      ^
      """)
  }

  func testBinaryFileIsNotARecipe() {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00]
    let result = RecipeFile.parse(bytes: png, file: "recipes/in.png", fileSystem: InMemoryFileSystem())
    XCTAssertEqual(
      failureText(result),
      "recipes/in.png:1:1: error: recipe: the file is not UTF-8 text (byte 0x89); a recipe is a YAML text file"
    )
  }

  func testInvalidUTF8ReportsItsLine() {
    let bytes = Array("model: inception5h\nseed: ".utf8) + [0xC3, 0x28]
    XCTAssertEqual(
      failureText(RecipeFile.parse(bytes: bytes, file: "r.yaml", fileSystem: InMemoryFileSystem())),
      "r.yaml:2:7: error: recipe: the file is not UTF-8 text (byte 0xC3); a recipe is a YAML text file")
  }

  func testTabIndentationIsAYAMLError() {
    assertDiagnostics(
      "model: inception5h\nsteps:\n\t- load: in.png\n",
      """
      recipes/test.yaml:3:1: error: yaml: found character that cannot start any token (while scanning for the next token at line 3, column 1); YAML does not allow tabs for indentation, use spaces
      \t- load: in.png
      ^
      """)
  }

  func testUnclosedFlowSequence() {
    assertDiagnostics(
      "model: inception5h\nsize: [800, 450\nsteps: []\n",
      """
      recipes/test.yaml:3:6: error: yaml: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 7)
      steps: []
           ^
      """)
  }

  func testBadIndentationIsAYAMLError() {
    assertDiagnostics(
      "model: inception5h\n  seed: 3\nsteps: []\n",
      """
      recipes/test.yaml:2:7: error: yaml: mapping values are not allowed in this context
        seed: 3
            ^
      """)
  }

  func testDuplicateKeyPointsAtTheSecondOne() {
    assertDiagnostics(
      "model: inception5h\nseed: 1\nframes: 2\nseed: 2\n",
      """
      recipes/test.yaml:4:1: error: yaml: duplicate key 'seed' (first written at line 2, column 1)
      seed: 2
      ^
      """)
  }

  func testDuplicateKeyframe() {
    assertDiagnostics(
      withSteps("  - tint: {0: 1, 0: 2}\n", header: "model: inception5h\nframes: 3\n"),
      """
      recipes/test.yaml:5:18: error: yaml: duplicate key '0' (first written at line 5, column 12)
        - tint: {0: 1, 0: 2}
                       ^
      """)
  }

  func testControlCharacterIsAReaderError() {
    assertDiagnostics(
      "model: \"x\u{1}\"\n",
      """
      recipes/test.yaml:1:10: error: yaml: control characters are not allowed (character U+1)
      model: "x\u{1}"
               ^
      """)
  }

  func testSecondDocumentIsRejected() {
    assertDiagnostics(
      withSteps("---\nmodel: other\n"),
      """
      recipes/test.yaml:4:1: error: yaml: but found another document (expected a single document in the stream at line 1, column 1)
      ---
      ^
      """)
  }

  func testDiagnosticListSummary() {
    guard case .failure(let list) = parseRecipe("frames: 0\n") else { return XCTFail("expected failure") }
    XCTAssertEqual(list.summary, "3 errors")
    XCTAssertEqual(
      list.diagnostics.map(\.headline),
      [
        "recipes/test.yaml:1:1: error: recipe: missing required key 'model'",
        "recipes/test.yaml:1:1: error: recipe: missing required key 'steps'",
        "recipes/test.yaml:1:9: error: recipe: 'frames' must be 1...1000000, got 0",
      ])
  }
}

/// The text of a failed parse, or a marker when it succeeded.
func failureText(_ result: Result<Recipe, DiagnosticList>) -> String {
  switch result {
  case .success: return "<parsed>"
  case .failure(let list): return list.description
  }
}
