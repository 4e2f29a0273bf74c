import RecipeParser
import XCTest

/// `sweep:`: a matrix of values expanded into independent variants, each checked like a recipe.
final class SweepTests: XCTestCase {
  private func variants(_ yaml: String, manyAllowed: Bool = false) -> Result<[Recipe], DiagnosticList> {
    var files = standardFiles
    files[testRecipePath] = yaml
    files["recipes/a/cat.png"] = "png"
    files["recipes/b/cat.png"] = "png"
    return RecipeFile.parseVariants(
      path: testRecipePath, fileSystem: InMemoryFileSystem(textFiles: files), manyVariantsAllowed: manyAllowed
    )
  }

  private func assertVariantDiagnostics(
    _ yaml: String, _ expected: String, manyAllowed: Bool = false, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    switch variants(yaml, manyAllowed: manyAllowed) {
    case .success: XCTFail("expected diagnostics, the sweep parsed", file: file, line: line)
    case .failure(let list): XCTAssertEqual(list.description, expected, file: file, line: line)
    }
  }

  private let twoByThree = """
    model: inception5h
    sweep:
      layer: [mixed3a, mixed4c]
      step: [1, 1.5, 2]
    steps:
      - load: in.png
      - dream: {layer: mixed5b, iterations: 2}
      - save: out/{layer}/s{step}.png

    """

  func testAMatrixExpandsInNestedLoopOrderWithValuesInEveryDreamStepAndPath() throws {
    let recipes = try variants(twoByThree).get()
    XCTAssertEqual(recipes.count, 6)
    XCTAssertEqual(
      recipes.map { $0.variant?.name },
      [
        "layer=mixed3a step=1", "layer=mixed3a step=1.5", "layer=mixed3a step=2", "layer=mixed4c step=1",
        "layer=mixed4c step=1.5", "layer=mixed4c step=2",
      ])
    XCTAssertEqual(recipes.map { $0.variant?.index }, [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(recipes[4].variant?.fileName, "layer=mixed4c,step=1.5")
    let plan = ExecutionPlan(recipe: recipes[4])
    let dream = try XCTUnwrap(plan.nodes.first { $0.kind == .dream })
    XCTAssertTrue(dream.summary.hasPrefix("layer mixed4c, classic 2 it, step 1.5,"), dream.summary)
    XCTAssertEqual(plan.nodes.last?.operation.filePath, "recipes/out/mixed4c/s1.5.png")
    XCTAssertEqual(recipes[0].sweep?.axes.map(\.key), ["layer", "step"])
    XCTAssertEqual(recipes[0].sweep?.count, 6)
  }

  func testInputAndSeedSweepsReplaceTheLoadedFileAndTheSeed() throws {
    let recipes = try variants(
      """
      model: inception5h
      sweep:
        input: [a/cat.png, b/cat.png, photo.jpg]
        seed: [1, 2]
      steps:
        - load: in.png
        - dream: {layer: 3}
        - save: out/{input}-{seed}.png

      """
    ).get()
    XCTAssertEqual(recipes.count, 6)
    XCTAssertEqual(recipes.map(\.load.value.resolvedPath)[0], "recipes/a/cat.png")
    XCTAssertEqual(recipes.map(\.seed.value), [1, 2, 1, 2, 1, 2])
    // Two inputs named cat.png: the second's label gets its position.
    XCTAssertEqual(
      recipes.map { ExecutionPlan(recipe: $0).nodes.last?.operation.filePath },
      [
        "recipes/out/cat-1.png", "recipes/out/cat-2.png", "recipes/out/cat-2-1.png",
        "recipes/out/cat-2-2.png",
        "recipes/out/photo-1.png", "recipes/out/photo-2.png",
      ])
  }

  func testAPlainRecipeHasNoVariant() throws {
    let recipes = try variants(withSteps("  - dream: {layer: 3}\n  - save: out.png\n")).get()
    XCTAssertEqual(recipes.count, 1)
    XCTAssertNil(recipes[0].variant)
    XCTAssertNil(recipes[0].sweep)
  }

  /// A bad value is reported once, where the sweep writes it, although several variants hold it.
  func testABadValueIsReportedOnceAtTheSweep() {
    assertVariantDiagnostics(
      """
      model: inception5h
      sweep:
        step: [1, -2]
        iterations: [1, 2]
      steps:
        - load: in.png
        - dream: {layer: 3}
        - save: out/{step}-{iterations}.png

      """,
      """
      recipes/test.yaml:3:13: error: dream: 'step' must not be negative, got -2
        step: [1, -2]
                  ^
      """)
  }

  func testVariantsThatWriteTheSameFileAreAnError() {
    assertVariantDiagnostics(
      twoByThree.replacingOccurrences(of: "out/{layer}/s{step}.png", with: "out/{layer}.png"),
      """
      recipes/test.yaml:8:11: error: save: 'out/mixed3a.png' is the same file for variants layer=mixed3a step=1 and layer=mixed3a step=1.5; put {step} in the path so that each variant writes its own files
        - save: out/{layer}.png
                ^
      """)
  }

  func testSweepShapeProblems() {
    assertVariantDiagnostics(
      """
      model: inception5h
      sweep:
        stepp: [1, 2]
        layer: mixed3a
        iterations: []
        jitter: [1, 1]
      steps:
        - load: in.png
        - dream: {layer: 3}
        - save: out.png

      """,
      """
      recipes/test.yaml:3:3: error: sweep: unknown key 'stepp' (did you mean 'step'?)
        stepp: [1, 2]
        ^
      recipes/test.yaml:4:10: error: sweep: 'layer' must list its values, e.g. 'layer: [a, b]'; got 'mixed3a'
        layer: mixed3a
               ^
      recipes/test.yaml:5:15: error: sweep: 'iterations' must list its values, e.g. 'iterations: [a, b]'; got a list
        iterations: []
                    ^
      recipes/test.yaml:6:15: error: sweep: 'jitter' lists 1 twice (values 1 and 2)
        jitter: [1, 1]
                    ^
      """)
  }

  func testADreamKeyNeedsADreamStepAndMaxVariantsNeedsASweep() {
    assertVariantDiagnostics(
      "model: inception5h\nsweep: {step: [1, 2]}\nsteps:\n  - load: in.png\n  - save: out/{step}.png\n",
      """
      recipes/test.yaml:2:9: error: sweep: 'step' is a dream setting and the recipe has no dream step to set it in
      sweep: {step: [1, 2]}
              ^
      """)
    assertVariantDiagnostics(
      "model: inception5h\nmax-variants: 10\nsteps:\n  - load: in.png\n  - save: out.png\n",
      """
      recipes/test.yaml:2:1: error: sweep: 'max-variants' limits a 'sweep:'; the recipe has none (remove it)
      max-variants: 10
      ^
      """)
  }

  /// More than 256 variants need `max-variants:` or `--yes`; more than 10,000 are refused.
  func testLargeSweepsNeedConfirmation() throws {
    let values = "[" + (1...20).map(String.init).joined(separator: ", ") + "]"
    let large = """
      model: inception5h
      sweep:
        iterations: \(values)
        seed: \(values)
      steps:
        - load: in.png
        - dream: {layer: 3}
        - save: out/{iterations}-{seed}.png

      """
    assertVariantDiagnostics(
      large,
      """
      recipes/test.yaml:2:1: error: sweep: the sweep makes 400 variants (iterations 20 x seed 20); more than 256 need 'max-variants: 400' in the recipe, or --yes
      sweep:
      ^
      """)
    XCTAssertEqual(try variants(large, manyAllowed: true).get().count, 400)
    XCTAssertEqual(try variants("max-variants: 400\n" + large).get().count, 400)
    assertVariantDiagnostics(
      "max-variants: 300\n" + large,
      """
      recipes/test.yaml:3:1: error: sweep: the sweep makes 400 variants (iterations 20 x seed 20), more than 'max-variants: 300'; remove values or raise the limit
      sweep:
      ^
      """)
    let huge = large.replacingOccurrences(
      of: "  seed: \(values)\n",
      with: "  seed: \(values)\n  jitter: \(values)\n  step: \(values)\n"
    ).replacingOccurrences(
      of: "out/{iterations}-{seed}.png", with: "out/{iterations}-{seed}-{jitter}-{step}.png")
    assertVariantDiagnostics(
      huge,
      """
      recipes/test.yaml:2:1: error: sweep: the sweep makes more than 10000 variants (iterations 20 x seed 20 x jitter 20 x step 20); split it into several recipes
      sweep:
      ^
      """, manyAllowed: true)
  }

  func testSweepPlaceholdersWithoutASweepAreUnknown() {
    assertDiagnostics(
      withSteps("  - dream: {layer: 3}\n  - save: out/{layer}.png\n"),
      """
      recipes/test.yaml:5:15: error: save: unknown placeholder '{layer}' in path 'out/{layer}.png' (only '{frame}' and '{frame:0N}' are allowed, and the keys of a 'sweep:')
        - save: out/{layer}.png
                    ^
      """)
  }
}
