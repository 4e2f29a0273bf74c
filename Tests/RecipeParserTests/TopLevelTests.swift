import DreamVocabulary
import RecipeParser
import XCTest

/// Top-level keys: values, defaults, types, unknown keys, and reporting many problems at once.
final class TopLevelTests: XCTestCase {
  func testMinimalRecipeGetsDefaults() throws {
    let parsed = try recipe("model: inception5h\nsteps:\n  - load: in.png\n")
    XCTAssertEqual(parsed.model.value, .catalog("inception5h"))
    XCTAssertEqual(parsed.model.location, SourceLocation(file: "recipes/test.yaml", line: 1, column: 8))
    XCTAssertEqual(parsed.seed.value, 0)
    XCTAssertEqual(parsed.frames.value, 1)
    XCTAssertEqual(parsed.frame0.value, .render)
    XCTAssertEqual(parsed.feedback.value, true)
    XCTAssertNil(parsed.size)
    XCTAssertNil(parsed.threads)
    XCTAssertEqual(parsed.load.value.path.value, "in.png")
    XCTAssertEqual(parsed.load.value.resolvedPath, "recipes/in.png")
    XCTAssertEqual(parsed.directory, "recipes")
    XCTAssertTrue(parsed.pipeline.isEmpty)
  }

  func testAllTopLevelKeys() throws {
    let parsed = try recipe(
      "model: models/net.pb\nseed: 12\nframes: 4\nframe0: input\nfeedback: false\nsize: [800, 450]\n"
        + "threads: 2\nsteps:\n  - load: photo.jpg\n")
    XCTAssertEqual(parsed.model.value, .file(path: "models/net.pb", resolvedPath: "recipes/models/net.pb"))
    XCTAssertEqual(parsed.seed.value, 12)
    XCTAssertEqual(parsed.frames.value, 4)
    XCTAssertEqual(parsed.frame0.value, .input)
    XCTAssertEqual(parsed.feedback.value, false)
    XCTAssertEqual(parsed.size?.value, ImageSize(width: 800, height: 450))
    XCTAssertEqual(parsed.threads?.value, 2)
    XCTAssertEqual(parsed.seed.location, SourceLocation(file: "recipes/test.yaml", line: 2, column: 7))
  }

  func testUnknownKeyWithSuggestion() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nthread: 4\n"),
      """
      recipes/test.yaml:2:1: error: recipe: unknown key 'thread' (did you mean 'threads'?)
      thread: 4
      ^
      """)
  }

  func testUnknownKeyWithoutSuggestion() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nresolution: 4\n"),
      """
      recipes/test.yaml:2:1: error: recipe: unknown key 'resolution'
      resolution: 4
      ^
      """)
  }

  func testMisspelledRequiredKeyIsNotAlsoReportedMissing() {
    assertDiagnostics(
      withSteps("", header: "modle: inception5h\n"),
      """
      recipes/test.yaml:1:1: error: recipe: unknown key 'modle' (did you mean 'model'?)
      modle: inception5h
      ^
      """)
  }

  func testWrongTypes() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nseed: 1.5\nframes: many\nfeedback: maybe\nthreads: [2]\n"),
      """
      recipes/test.yaml:2:7: error: recipe: 'seed' must be an integer, got '1.5'
      seed: 1.5
            ^
      recipes/test.yaml:3:9: error: recipe: 'frames' must be an integer, got 'many'
      frames: many
              ^
      recipes/test.yaml:4:11: error: recipe: 'feedback' must be true or false, got 'maybe'
      feedback: maybe
                ^
      recipes/test.yaml:5:10: error: recipe: 'threads' must be an integer, got a list
      threads: [2]
               ^
      """)
  }

  func testQuotedNumberIsAString() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nframes: \"3\"\n"),
      """
      recipes/test.yaml:2:9: error: recipe: 'frames' must be an integer, got the string '3'
      frames: "3"
              ^
      """)
  }

  func testEmptyValueSaysNothing() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nseed:\n"),
      """
      recipes/test.yaml:2:6: error: recipe: 'seed' must be an integer, got nothing
      seed:
           ^
      """)
  }

  func testFrame0Choice() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nframes: 3\nframe0: inptu\n"),
      """
      recipes/test.yaml:3:9: error: recipe: 'frame0' must be 'input' or 'render', got 'inptu' (did you mean 'input'?)
      frame0: inptu
              ^
      """)
  }

  func testFrame0InputWithOneFrameRendersNothing() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nframe0: input\n"),
      """
      recipes/test.yaml:2:9: error: recipe: 'frame0: input' with a single frame renders nothing; set 'frames' above 1 or use 'frame0: render'
      frame0: input
              ^
      """)
  }

  func testImpossibleSizes() {
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nsize: [0, 40000]\nthreads: 0\n"),
      """
      recipes/test.yaml:2:8: error: recipe: 'size' sides must be 1...32768, got 0
      size: [0, 40000]
             ^
      recipes/test.yaml:2:11: error: recipe: 'size' sides must be 1...32768, got 40000
      size: [0, 40000]
                ^
      recipes/test.yaml:3:10: error: recipe: 'threads' must be 1...1024, got 0
      threads: 0
               ^
      """)
    assertDiagnostics(
      withSteps("", header: "model: inception5h\nsize: 800x450\n"),
      """
      recipes/test.yaml:2:7: error: recipe: 'size' must be [width, height], got '800x450'
      size: 800x450
            ^
      """)
  }

  func testModelReferences() {
    assertDiagnostics(
      withSteps("", header: "model: models/missing.pb\n"),
      """
      recipes/test.yaml:1:8: error: recipe: model file 'models/missing.pb' not found (looked for 'recipes/models/missing.pb')
      model: models/missing.pb
             ^
      """)
    assertDiagnostics(
      withSteps("", header: "model: net.onnx\n"),
      """
      recipes/test.yaml:1:8: error: recipe: model file 'net.onnx' must be a frozen TensorFlow GraphDef (.pb)
      model: net.onnx
             ^
      """)
    assertDiagnostics(
      withSteps("", header: "model: inception 5h\n"),
      """
      recipes/test.yaml:1:8: error: recipe: 'model' must be a catalog name such as 'inception5h' or a path to a .pb file, got 'inception 5h'
      model: inception 5h
             ^
      """)
  }

  func testAbsoluteModelPathIsNotResolved() throws {
    var files = standardFiles
    files["/models/g.pb"] = "pb"
    files[testRecipePath] = "model: /models/g.pb\nsteps:\n  - load: in.png\n"
    let result = RecipeFile.parse(path: testRecipePath, fileSystem: InMemoryFileSystem(textFiles: files))
    guard case .success(let parsed) = result else { return XCTFail(failureText(result)) }
    XCTAssertEqual(parsed.model.value, .file(path: "/models/g.pb", resolvedPath: "/models/g.pb"))
  }

  func testManyProblemsAreReportedTogetherInSourceOrder() {
    assertDiagnostics(
      """
      modle: inception5h
      frames: 0
      seed: -1
      steps:
        - load: missing.png
        - zoom: {factor: 0}
        - dreem: {}
      """,
      """
      recipes/test.yaml:1:1: error: recipe: unknown key 'modle' (did you mean 'model'?)
      modle: inception5h
      ^
      recipes/test.yaml:2:9: error: recipe: 'frames' must be 1...1000000, got 0
      frames: 0
              ^
      recipes/test.yaml:3:7: error: recipe: 'seed' must not be negative, got -1
      seed: -1
            ^
      recipes/test.yaml:5:11: error: load: input image 'missing.png' not found (looked for 'recipes/missing.png')
        - load: missing.png
                ^
      recipes/test.yaml:6:20: error: zoom: 'factor' must be greater than 0, got 0
        - zoom: {factor: 0}
                         ^
      recipes/test.yaml:7:5: error: recipe: unknown step 'dreem' (did you mean 'dream'?)
        - dreem: {}
          ^
      """)
  }

  func testAnchorsAndAliasesAreResolved() throws {
    let parsed = try recipe(
      """
      model: inception5h
      frames: 2
      steps:
        - load: in.png
        - dream: &low {layer: 3, iterations: 5}
        - save: a/{frame}.png
        - dream: *low
      """)
    XCTAssertEqual(parsed.dreamSteps.count, 2)
    XCTAssertEqual(parsed.dreamSteps[1].dream.terms[0].layer.firstValue, .index(3))
    // An alias points at the anchored value: locations are those of the anchor.
    XCTAssertEqual(parsed.dreamSteps[1].dream.terms[0].layer.location.line, 5)
  }

  func testMergeKeysAreExpandedAndExplicitKeysWin() throws {
    let parsed = try recipe(
      """
      model: inception5h
      steps:
        - load: in.png
        - dream: &base {layer: 3, iterations: 5, step: 2.0}
        - dream:
            <<: *base
            iterations: 8
      """)
    let second = parsed.dreamSteps[1].dream
    XCTAssertEqual(second.algorithm.name, .classic)
    XCTAssertEqual(second.algorithm.numbers["iterations"]?.firstValue, 8)
    XCTAssertEqual(second.algorithm.numbers["step"]?.firstValue, 2.0)
    XCTAssertEqual(second.terms[0].layer.firstValue, .index(3))
  }

  func testMergeOfANonMappingIsAnError() {
    assertDiagnostics(
      withSteps("  - dream:\n      <<: 3\n      layer: 3\n"),
      """
      recipes/test.yaml:5:11: error: dream: '<<' merges mappings only, got '3'
            <<: 3
                ^
      """)
  }

  func testWindowsLineEndings() throws {
    let parsed = try recipe("model: inception5h\r\nseed: 5\r\nsteps:\r\n  - load: in.png\r\n")
    XCTAssertEqual(parsed.seed.value, 5)
    XCTAssertEqual(parsed.source.line(2), "seed: 5")
  }

  /// `fit` (default cover) enters the load node's parameters unless it is stretch, the only way
  /// frames were resized before it existed.
  func testFitDefaultsToCoverAndEntersTheLoadNode() throws {
    let cover = try recipe(withSteps("  - save: f.png\n", header: "model: inception5h\nsize: [80, 45]\n"))
    XCTAssertEqual(cover.fit.value, .cover)
    XCTAssertEqual(
      ExecutionPlan(recipe: cover).nodes[0].parameters, "load{fit=\"cover\";path=\"in.png\";size=[80,45]}")
    XCTAssertEqual(ExecutionPlan(recipe: cover).nodes[0].summary, "in.png -> 80x45 (cover)")
    let stretch = try recipe(
      withSteps("  - save: f.png\n", header: "model: inception5h\nsize: [80, 45]\nfit: stretch\n"))
    XCTAssertEqual(ExecutionPlan(recipe: stretch).nodes[0].parameters, "load{path=\"in.png\";size=[80,45]}")
    assertDiagnostics(
      withSteps("  - save: f.png\n", header: "model: inception5h\nfit: contain\n"),
      """
      recipes/test.yaml:2:1: error: recipe: 'fit' says how the input is resized to 'size'; give a 'size' too
      fit: contain
      ^
      """)
    assertDiagnostics(
      withSteps("  - save: f.png\n", header: "model: inception5h\nsize: [8, 8]\nfit: fill\n"),
      """
      recipes/test.yaml:3:6: error: recipe: 'fit' must be 'cover', 'contain' or 'stretch', got 'fill'
      fit: fill
           ^
      """)
  }
}
