import RecipeParser
import XCTest

/// The peers' features as recipe syntax: `transform`, `match-colors`, and the dream keys `colors`,
/// `guide`, `normalize`, `lap-levels`, `tv` and `blur: none`.
final class FeatureStepTests: XCTestCase {
  private var files: [String: String] {
    var files = standardFiles
    files["recipes/guide.jpg"] = "jpeg"
    files["recipes/palette.png"] = "png"
    return files
  }

  private func parsed(_ steps: String, header: String = "model: inception5h\nframes: 10\n") throws -> Recipe {
    switch parseRecipe(withSteps(steps, header: header) + "  - save: out/{frame:03}.png\n", files: files) {
    case .success(let recipe): return recipe
    case .failure(let list):
      XCTFail("unexpected diagnostics:\n\(list)")
      throw list
    }
  }

  private func diagnostics(
    _ steps: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    assertDiagnostics(
      withSteps(steps, header: "model: inception5h\nframes: 10\nsize: [100, 80]\n")
        + "  - save: out/{frame:03}.png\n",
      expected, files: files, file: file, line: line)
  }

  func testTransformSchedulesResolvePerFrame() throws {
    let recipe = try parsed(
      "  - transform: {zoom: 1.02, rotate: {0: 0, 9: 4.5}, translate: [2, {0: 0, 9: -9}]}\n")
    guard case .transform(let transform) = recipe.pipeline[0].operation else { return XCTFail("transform") }
    XCTAssertEqual(transform.edge.value, .reflect)
    let plan = ExecutionPlan(recipe: recipe)
    let frame2 = plan.nodes.first { $0.id == "f2.s2" }
    XCTAssertEqual(
      frame2?.operation, .transform([.affine(zoom: 1.02, rotate: 1, dx: 2, dy: -2, edge: .reflect)]))
    XCTAssertEqual(frame2?.summary, "transform x1.02 rotate +1° move +2,-2")
    XCTAssertEqual(
      frame2?.parameters,
      "transform{ops=[{dx=2.0;dy=-2.0;edge=\"reflect\";op=\"transform\";rotate=1.0;zoom=1.02}]}")
    let rotateOnly = try parsed("  - transform: {rotate: 90, edge: clamp}\n")
    guard case .transform(let turn) = rotateOnly.pipeline[0].operation else { return XCTFail("transform") }
    XCTAssertEqual(turn.zoom.firstValue, 1)
    XCTAssertEqual(turn.edge.value, .clamp)
  }

  func testTransformErrors() {
    diagnostics(
      "  - transform: {edge: reflect}\n",
      """
      recipes/test.yaml:6:16: error: transform: give at least one of 'zoom', 'rotate' (degrees) or 'translate' ([dx, dy] pixels)
        - transform: {edge: reflect}
                     ^
      """)
    diagnostics(
      "  - transform: {zoom: {0: 1, 5: 0}, translate: [1, 2], edge: mirror}\n",
      """
      recipes/test.yaml:6:33: error: transform: 'zoom' must be greater than 0, got 0
        - transform: {zoom: {0: 1, 5: 0}, translate: [1, 2], edge: mirror}
                                      ^
      recipes/test.yaml:6:62: error: transform: 'edge' must be 'reflect' or 'clamp', got 'mirror'
        - transform: {zoom: {0: 1, 5: 0}, translate: [1, 2], edge: mirror}
                                                                   ^
      """)
    diagnostics(
      "  - transform: {translate: 3, zom: 2}\n",
      """
      recipes/test.yaml:6:28: error: transform: 'translate' must be [dx, dy] in pixels, e.g. [2, 0], got '3'
        - transform: {translate: 3, zom: 2}
                                 ^
      recipes/test.yaml:6:31: error: transform: unknown key 'zom' (did you mean 'zoom'?)
        - transform: {translate: 3, zom: 2}
                                    ^
      """)
    diagnostics(
      "  - transform: {translate: 3}\n",
      """
      recipes/test.yaml:6:28: error: transform: 'translate' must be [dx, dy] in pixels, e.g. [2, 0], got '3'
        - transform: {translate: 3}
                                 ^
      """)
    diagnostics(
      "  - transform: {zoom: 200}\n",
      """
      recipes/test.yaml:6:23: error: transform: 'zoom' 200 shows less than one pixel of the 100x80 frame
        - transform: {zoom: 200}
                            ^
      """)
  }

  func testMatchColorsForms() throws {
    let recipe = try parsed(
      "  - match-colors\n  - match-colors: input\n  - match-colors: palette.png\n"
        + "  - match-colors: {reference: palette.png, strength: {0: 0, 9: 0.9}}\n")
    let steps = recipe.pipeline.compactMap { step -> MatchColorsStep? in
      if case .matchColors(let match) = step.operation { return match }
      return nil
    }
    XCTAssertEqual(steps.map(\.reference.value).prefix(2), [.input, .input])
    let palette = ImageReference(path: "palette.png", resolvedPath: "recipes/palette.png")
    XCTAssertEqual(steps[2].reference.value, .image(palette))
    XCTAssertEqual(steps[3].strength.value(atFrame: 5), 0.5)
    XCTAssertEqual(recipe.referencedImages.map(\.image.value), [palette])
    let node = ExecutionPlan(recipe: recipe).nodes.first { $0.id == "f5.s2" }
    XCTAssertEqual(node?.operation.referencedImages, [palette, palette])
    XCTAssertEqual(
      node?.summary,
      "match-colors input, match-colors input, match-colors palette.png, match-colors palette.png x0.5")
  }

  /// Found by dream-fuzz: a save path of 100,000 components made `validate` hang in the
  /// confinement check (a join per component); paths are now bounded by PATH_MAX when read.
  func testPathsLongerThanPathMaxAreRefused() {
    let long = String(repeating: "a/", count: 2100) + "{frame}.png"
    switch parseRecipe(withSteps("  - save: \(long)\n"), files: files) {
    case .success: XCTFail("a path of \(long.utf8.count) bytes was accepted")
    case .failure(let list):
      XCTAssertTrue(
        list.description.hasPrefix(
          "recipes/test.yaml:4:11: error: save: 'save' is a path of 4211 bytes; the system's limit is 4096 "
            + "(PATH_MAX); use a shorter path"), list.description)
    }
  }

  func testMatchColorsErrors() {
    diagnostics(
      "  - match-colors: {reference: nosuch.png, strength: 2}\n",
      """
      recipes/test.yaml:6:53: error: match-colors: 'strength' must be 0...1, got 2
        - match-colors: {reference: nosuch.png, strength: 2}
                                                          ^
      """)
    diagnostics(
      "  - match-colors: nosuch.png\n",
      """
      recipes/test.yaml:6:19: error: match-colors: colour reference image 'nosuch.png' not found (looked for 'recipes/nosuch.png')
        - match-colors: nosuch.png
                        ^
      """)
    diagnostics(
      "  - match-colors: palette.gif\n",
      """
      recipes/test.yaml:6:19: error: match-colors: unsupported colour reference image 'palette.gif' (use a .png, .jpg or .jpeg file)
        - match-colors: palette.gif
                        ^
      """)
  }

  func testDreamColorsGuideAndNormalisation() throws {
    let recipe = try parsed(
      "  - dream: {layer: 3, colors: original, guide: guide.jpg, normalize: lapnorm, lap-levels: 5, tv: 0.1, "
        + "blur: none}\n")
    guard let dream = recipe.dreamSteps.first?.dream else { return XCTFail("dream") }
    XCTAssertEqual(dream.colors.value, .original)
    XCTAssertEqual(dream.guide?.value, ImageReference(path: "guide.jpg", resolvedPath: "recipes/guide.jpg"))
    XCTAssertEqual(dream.algorithm.normalize.value, .lapnorm)
    XCTAssertEqual(dream.algorithm.blur?.value, BlurMode.none)
    XCTAssertEqual(dream.algorithm.numbers["lap-levels"]?.firstValue, 5)
    let node = ExecutionPlan(recipe: recipe).nodes.first { $0.kind == .dream }
    XCTAssertEqual(
      node?.summary,
      "layer #3, classic 10 it, step 3, rescale 0.7 x4, blend 0.2, original colors, guide guide.jpg, lapnorm 5, tv 0.1"
    )
    for key in [
      "colors=\"original\"", "guide=\"guide.jpg\"", "normalize=\"lapnorm\"", "lap-levels=5", "tv=0.1",
    ] {
      XCTAssertTrue(node?.parameters.contains(key) == true, "\(key) in \(node?.parameters ?? "")")
    }
    XCTAssertEqual(node?.operation.referencedImages.map(\.path), ["guide.jpg"])
    let octaves = try parsed("  - dream: {layer: 3, algorithm: octaves, normalize: std}\n")
    XCTAssertEqual(octaves.dreamSteps.first?.dream.algorithm.normalize.value, .std)
  }

  /// Recipes written before these keys keep their parameter strings, so nothing rendered before
  /// is rendered again.
  func testDefaultsLeaveTheParameterStringAsBefore() throws {
    for (steps, expected) in [
      (
        "  - dream: {layer: 3}\n",
        "dream{algorithm=\"classic\";blend=0.2;blur=\"2d\";frame=0;iterations=10;objective=\"mean-square\";"
          + "quantize-octaves=false;repeats=4;rescale=0.7;seed=0;step=3.0;terms=[{layer=3;weight=1.0}];tile=400}"
      ),
      (
        "  - dream: {layer: 3, algorithm: octaves, normalize: mean-abs, tv: 0, lap-levels: 4, colors: dreamed}\n",
        "dream{algorithm=\"octaves\";frame=0;iterations=10;jitter=32;objective=\"mean-square\";octave-scale=1.4;"
          + "octaves=4;seed=0;step=1.5;terms=[{layer=3;weight=1.0}];tile=400}"
      ),
    ] {
      if steps.contains("lap-levels") {
        // lap-levels needs lapnorm; check the rest without it.
        let recipe = try parsed(steps.replacingOccurrences(of: ", lap-levels: 4", with: ""))
        XCTAssertEqual(ExecutionPlan(recipe: recipe).nodes.first { $0.kind == .dream }?.parameters, expected)
      } else {
        let recipe = try parsed(steps)
        XCTAssertEqual(ExecutionPlan(recipe: recipe).nodes.first { $0.kind == .dream }?.parameters, expected)
      }
    }
  }

  func testDreamFeatureErrors() {
    diagnostics(
      "  - dream: {layer: 3, tv: 0.5, colors: gray, normalize: lap}\n",
      """
      recipes/test.yaml:6:27: error: dream: 'tv' must be 0...0.25, got 0.5
        - dream: {layer: 3, tv: 0.5, colors: gray, normalize: lap}
                                ^
      recipes/test.yaml:6:40: error: dream: 'colors' must be 'dreamed' or 'original', got 'gray'
        - dream: {layer: 3, tv: 0.5, colors: gray, normalize: lap}
                                             ^
      recipes/test.yaml:6:57: error: dream: 'normalize' must be 'std', 'mean-abs' or 'lapnorm', got 'lap'
        - dream: {layer: 3, tv: 0.5, colors: gray, normalize: lap}
                                                              ^
      """)
    diagnostics(
      "  - dream: {layer: 3, lap-levels: 3, guide: guide.jpg, objective: mean}\n",
      """
      recipes/test.yaml:6:23: error: dream: 'lap-levels' applies to 'normalize: lapnorm' only
        - dream: {layer: 3, lap-levels: 3, guide: guide.jpg, objective: mean}
                            ^
      recipes/test.yaml:6:38: error: dream: 'guide' replaces the objective; remove 'objective'
        - dream: {layer: 3, lap-levels: 3, guide: guide.jpg, objective: mean}
                                           ^
      """)
    diagnostics(
      "  - dream: {layer: 3, guide: cat.png, lap-levels: 13, normalize: lapnorm}\n",
      """
      recipes/test.yaml:6:30: error: dream: guide image 'cat.png' not found (looked for 'recipes/cat.png')
        - dream: {layer: 3, guide: cat.png, lap-levels: 13, normalize: lapnorm}
                                   ^
      recipes/test.yaml:6:51: error: dream: 'lap-levels' must be 1...12, got 13
        - dream: {layer: 3, guide: cat.png, lap-levels: 13, normalize: lapnorm}
                                                        ^
      """)
  }
}
