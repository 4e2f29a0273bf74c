import RecipeParser
import XCTest

/// The recipe path every in-memory test recipe is "read" from.
let testRecipePath = "recipes/test.yaml"

/// Files the test recipes refer to, stored where `recipes/test.yaml` resolves them.
let standardFiles: [String: String] = [
  "recipes/in.png": "png",
  "recipes/photo.jpg": "jpeg",
  "recipes/models/net.pb": "pb",
]

/// Parses `yaml` as `recipes/test.yaml` against an in-memory file system.
func parseRecipe(_ yaml: String, files: [String: String] = standardFiles) -> Result<Recipe, DiagnosticList> {
  var all = files
  all[testRecipePath] = yaml
  return RecipeFile.parse(path: testRecipePath, fileSystem: InMemoryFileSystem(textFiles: all))
}

/// The parsed recipe, failing the test with the diagnostics when it does not parse.
func recipe(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> Recipe {
  switch parseRecipe(yaml) {
  case .success(let recipe):
    return recipe
  case .failure(let list):
    XCTFail("unexpected diagnostics:\n\(list)", file: file, line: line)
    throw list
  }
}

/// Asserts that `yaml` fails with exactly `expected` (the full text of all diagnostics).
func assertDiagnostics(
  _ yaml: String, _ expected: String, files: [String: String] = standardFiles,
  file: StaticString = #filePath, line: UInt = #line
) {
  switch parseRecipe(yaml, files: files) {
  case .success:
    XCTFail("expected diagnostics, the recipe parsed", file: file, line: line)
  case .failure(let list):
    XCTAssertEqual(list.description, expected, file: file, line: line)
  }
}

/// A minimal valid recipe header followed by `steps`.
func withSteps(_ steps: String, header: String = "model: inception5h\n") -> String {
  header + "steps:\n  - load: in.png\n" + steps
}
