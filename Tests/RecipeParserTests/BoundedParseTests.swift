import RecipeParser
import XCTest

/// Untrusted recipes cannot make parsing or its messages blow up.
final class BoundedParseTests: XCTestCase {
  private func diagnostics(_ yaml: String) -> DiagnosticList? {
    guard case .failure(let list) = parseRecipe(yaml) else { return nil }
    return list
  }

  /// Ten levels of nine-fold merges would expand to 9^10 pairs; the parse stops at the cap.
  func testAMergeKeyBombIsRefused() throws {
    var yaml = "model: inception5h\nx:\n  a0: &a0 {iterations: 1, step: 2}\n"
    for level in 1...10 {
      let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
      yaml += "  a\(level): &a\(level) {<<: [\(refs)]}\n"
    }
    yaml += "steps:\n  - load: in.png\n  - dream: {<<: *a10, layer: 3}\n"
    let list = try XCTUnwrap(diagnostics(yaml))
    XCTAssertTrue(
      list.description.contains("error: dream: merge keys ('<<') expand to more than 10000 settings"),
      list.description)
  }

  /// A mapping key built from nested aliases (nine levels of nine: 9^9 nodes when hashed) is
  /// refused before Yams composes the recipe; it took 48 s. Keys that are aliases, or lists
  /// inside flow mappings, are refused the same way; comments and quoted '*' are left alone.
  func testCollectionAndAliasKeysAreRefusedBeforeTheyExpand() throws {
    var levels = ["&a [1,1,1,1,1,1,1,1,1]"]
    for (index, name) in "bcdefghi".enumerated() {
      let previous = Array("abcdefghi")[index]
      levels.append("&\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
    }
    let bomb = "[" + levels.joined(separator: ", ") + "]"
    let cases = [
      ("model: inception5h\nsteps:\n  - load: in.png\n\(bomb): 1\n", "4:1", "a list"),
      ("model: inception5h\nx: \(bomb)\n*i : 1\nsteps:\n  - load: in.png\n", "3:1", "an alias"),
      (
        "model: inception5h\nx: &a [1]\nsteps:\n  - load: in.png\n  - dream: {layer: 3, {k: *a}: 1}\n",
        "5:23", "a mapping"
      ),
    ]
    for (yaml, position, kind) in cases {
      let list = try XCTUnwrap(diagnostics(yaml))
      XCTAssertTrue(
        list.description.hasPrefix(
          "recipes/test.yaml:\(position): error: yaml: keys must be plain names, got \(kind)\n"),
        list.description)
    }
    let fine =
      "model: inception5h\nbase: &b {iterations: 2}  # a *comment\nsteps:\n  - load: in.png\n"
      + "  - dream: {<<: *b, layer: 3}\n  - save: \"o/*x{frame}.png\"\n"
    let list = try XCTUnwrap(diagnostics(fine))
    XCTAssertEqual(list.description.components(separatedBy: ": error: ").count - 1, 1, list.description)
    XCTAssertTrue(list.description.contains("unknown key 'base'"), list.description)
  }

  /// The alias scan survives text that ends inside a quoted escape (found by dream-fuzz: a
  /// recipe cut after a backslash in a double-quoted string, with an alias before it, trapped).
  func testTheAliasScanHandlesTruncatedQuotes() throws {
    for tail in [#""\"#, #""abc\"#, "'it''", "'", #"""#, "# *c", "*"] {
      let yaml = "model: inception5h\nx: &a [1]\ny: [*a, " + tail
      XCTAssertNotNil(diagnostics(yaml), tail)
    }
  }

  /// A recipe file over 1 MB is refused before it is read (or parsed).
  func testARecipeOverOneMegabyteIsRefusedUnread() throws {
    let big = "# " + String(repeating: "x", count: RecipeFile.maximumBytes) + "\n"
    let fileSystem = InMemoryFileSystem(textFiles: ["big.yaml": big])
    guard case .failure(let list) = RecipeFile.parse(path: "big.yaml", fileSystem: fileSystem) else {
      return XCTFail("a 1 MB recipe parsed")
    }
    XCTAssertEqual(
      list.description,
      "big.yaml: error: recipe: cannot read the recipe: it has 1048579 bytes; a recipe is a YAML text file of at "
        + "most 1048576 bytes")
  }

  /// libyaml's nesting limit is reported in the recipe's terms, not its C API's.
  func testDeepNestingIsAPlainYAMLError() throws {
    let yaml =
      "model: inception5h\nsteps:\n  - load: in.png\n  - dream: " + String(repeating: "[", count: 2000)
      + String(repeating: "]", count: 2000) + "\n"
    let list = try XCTUnwrap(diagnostics(yaml))
    XCTAssertTrue(
      list.description.hasPrefix(
        "recipes/test.yaml:4:13: error: yaml: lists and mappings are nested too deeply for the YAML reader; "
          + "a recipe needs only a few levels\n"), list.description)
    XCTAssertFalse(list.description.contains("yaml_set_max_nest_level"))
  }

  func testAtMostAHundredDiagnosticsArePrinted() throws {
    let keys = (0..<150).map { "k\($0): 1\n" }.joined()
    let list = try XCTUnwrap(diagnostics("model: inception5h\n" + keys + "steps:\n  - load: in.png\n"))
    XCTAssertEqual(list.summary, "150 errors")
    XCTAssertEqual(list.description.components(separatedBy: ": error: ").count - 1, 100)
    XCTAssertTrue(list.description.hasSuffix("\n... and 50 more errors (fix these first)"))
  }

  func testLongSourceLinesAreQuotedAroundTheColumn() throws {
    let padding = String(repeating: "x", count: 30_000)
    let list = try XCTUnwrap(
      diagnostics("model: inception5h\nsteps: [{load: in.png}, {save: \"\(padding).png\"}, {bogus: 1}]\n"))
    let text = list.description
    XCTAssertLessThan(text.utf8.count, 2_000, "no 30 KB quotes")
    XCTAssertTrue(text.contains("\n...xxx") && text.contains(".png\"}, {bogus: 1}]\n"), text)
    let lines = text.components(separatedBy: "\n")
    let quote = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("{bogus: 1}]") })
    let column = lines[quote + 1].count - 1
    let quoted = Array(lines[quote])
    XCTAssertEqual(String(quoted[column..<(column + 5)]), "bogus", "the caret points at the unknown step")
  }

  /// Numbers are checked as the engine will compute them, in Float32.
  func testNumbersBeyondFloat32AreRefused() {
    assertDiagnostics(
      withSteps("  - tint: 1e308\n"),
      """
      recipes/test.yaml:4:11: error: tint: 'tint' must be between -3.4e38 and 3.4e38 (the engine computes in 32-bit floats), got '1e308'
        - tint: 1e308
                ^
      """)
  }
}
