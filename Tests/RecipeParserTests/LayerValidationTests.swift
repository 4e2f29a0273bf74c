import DreamVocabulary
import RecipeParser
import XCTest
import Suggestions

/// The layer pass run once the model's dream-layer list is known, and did-you-mean.
final class LayerValidationTests: XCTestCase {
  /// The seed's dream-layer list of inception5h.
  private let layers = [
    "conv2d0", "conv2d1", "conv2d2", "mixed3a", "mixed3b", "mixed4a", "mixed4b", "mixed4c", "mixed4d",
    "mixed4e",
    "mixed5a", "mixed5b",
  ]

  /// The inception5h and googlenet.pb names of a GoogLeNet layer are aliases: a recipe written for
  /// one model runs with the other, and resolves to the model's own node name.
  func testGoogLeNetNamesAreAliasesAcrossTheTwoExports() throws {
    let googlenet = [
      "conv1/7x7_s2", "conv2/3x3_reduce", "conv2/3x3", "inception_3a/output", "inception_3b/output",
      "inception_4a/output", "inception_4b/output", "inception_4c/output",
    ]
    XCTAssertEqual(LayerReference.name("mixed3a").resolved(in: googlenet), "inception_3a/output")
    XCTAssertEqual(LayerReference.name("conv2d0").resolved(in: googlenet), "conv1/7x7_s2")
    XCTAssertEqual(LayerReference.name("inception_4c/output").resolved(in: layers), "mixed4c")
    XCTAssertEqual(LayerReference.name("mixed3a").resolved(in: layers), "mixed3a")
    let parsed = try recipe(
      """
      model: inception5h
      steps:
        - load: in.png
        - dream: {layer: mixed4c}
        - dream: {layer: mixed5b}
        - save: f.png
      """)
    XCTAssertEqual(
      DiagnosticList(validateLayers(parsed, layers: googlenet)).description,
      """
      recipes/test.yaml:5:20: error: dream: this model has no layer 'mixed5b' (nor 'inception_5b/output', its name in the other GoogLeNet export); this model's dream layers are 0 conv1/7x7_s2, 1 conv2/3x3_reduce, 2 conv2/3x3, 3 inception_3a/output, 4 inception_3b/output, 5 inception_4a/output, 6 inception_4b/output, 7 inception_4c/output
        - dream: {layer: mixed5b}
                         ^
      """)
  }

  func testUnknownNameWithSuggestionAndIndexOutOfRange() throws {
    let parsed = try recipe(
      """
      model: inception5h
      frames: 40
      steps:
        - load: in.png
        - dream:
            layer: mixed4x
        - dream:
            layer: {0: 3, 20: 12, 30: mixed4c}
        - dream:
            layer:
              - {layer: mixed5b, weight: 1}
              - {layer: softmax2, weight: 0.5}
        - save: f/{frame}.png
      """)
    let diagnostics = validateLayers(parsed, layers: layers)
    XCTAssertEqual(
      DiagnosticList(diagnostics).description,
      """
      recipes/test.yaml:6:14: error: dream: unknown layer 'mixed4x' (did you mean 'mixed4c'?); this model's dream layers are 0 conv2d0, 1 conv2d1, 2 conv2d2, 3 mixed3a, 4 mixed3b, 5 mixed4a, 6 mixed4b, 7 mixed4c, 8 mixed4d, 9 mixed4e, 10 mixed5a, 11 mixed5b
            layer: mixed4x
                   ^
      recipes/test.yaml:8:25: error: dream: layer index 12 is out of range: the model's dream layers are 0 conv2d0, 1 conv2d1, 2 conv2d2, 3 mixed3a, 4 mixed3b, 5 mixed4a, 6 mixed4b, 7 mixed4c, 8 mixed4d, 9 mixed4e, 10 mixed5a, 11 mixed5b
            layer: {0: 3, 20: 12, 30: mixed4c}
                              ^
      recipes/test.yaml:12:19: error: dream: unknown layer 'softmax2'; this model's dream layers are 0 conv2d0, 1 conv2d1, 2 conv2d2, 3 mixed3a, 4 mixed3b, 5 mixed4a, 6 mixed4b, 7 mixed4c, 8 mixed4d, 9 mixed4e, 10 mixed5a, 11 mixed5b
              - {layer: softmax2, weight: 0.5}
                        ^
      """)
  }

  func testAllValid() throws {
    let parsed = try recipe(withSteps("  - dream: {layer: mixed3a}\n  - dream: {layer: 11}\n"))
    XCTAssertEqual(validateLayers(parsed, layers: layers), [])
    XCTAssertEqual(LayerReference.index(3).resolved(in: layers), "mixed3a")
    XCTAssertEqual(LayerReference.name("mixed5b").resolved(in: layers), "mixed5b")
    XCTAssertNil(LayerReference.index(12).resolved(in: layers))
    XCTAssertNil(LayerReference.name("mixed6").resolved(in: layers))
  }

  func testSmallModels() throws {
    let parsed = try recipe(withSteps("  - dream: {layer: 1}\n"))
    XCTAssertEqual(
      validateLayers(parsed, layers: ["only"]).map(\.message),
      ["layer index 1 is out of range: the model has 1 dream layer (index 0)"])
    XCTAssertEqual(
      validateLayers(parsed, layers: []).map(\.message),
      ["layer index 1 is out of range: the model has no dream layers"])
  }

  func testSuggestions() {
    XCTAssertEqual(Suggestion.closest(to: "mixed4x", in: layers), "mixed4c")
    XCTAssertEqual(Suggestion.closest(to: "MIXED3A", in: layers), "mixed3a")
    XCTAssertEqual(Suggestion.closest(to: "inception_3a/output", in: layers), nil)
    XCTAssertEqual(Suggestion.closest(to: "fram", in: ["frames", "frame0"]), nil)
    XCTAssertEqual(Suggestion.closest(to: "frmes", in: ["frames", "frame0"]), "frames")
    XCTAssertEqual(Suggestion.closest(to: "sed", in: ["seed", "size"]), "seed")
    XCTAssertEqual(Suggestion.editDistance("kitten", "sitting"), 3)
    XCTAssertEqual(Suggestion.editDistance("", "abc"), 3)
    XCTAssertEqual(Suggestion.editDistance("same", "same"), 0)
    // Ties are broken by keyboard distance: 'g' touches 'b' (not 'a'); 'x' touches 'c' and 'd'.
    XCTAssertEqual(Suggestion.closest(to: "mixed4g", in: layers), "mixed4b")
    XCTAssertEqual(Suggestion.closest(to: "mixed4s", in: layers), "mixed4a")
    XCTAssertEqual(Suggestion.closest(to: "mixed4r", in: layers), "mixed4d")
  }
}
