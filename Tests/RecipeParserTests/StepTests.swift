import RecipeParser
import XCTest

/// The step list's structure and the load/zoom/tint/clip/quantize steps.
final class StepTests: XCTestCase {
  func testStepsInOrderWithNumbersAndLocations() throws {
    let parsed = try recipe(
      withSteps(
        "  - zoom: {factor: 1.02}\n  - tint: [1, 2, 3]\n  - clip\n  - quantize: round\n  - clip: [10, 200]\n")
    )
    XCTAssertEqual(parsed.pipeline.map(\.operation.kind), [.zoom, .tint, .clip, .quantize, .clip])
    XCTAssertEqual(parsed.pipeline.map(\.number), [2, 3, 4, 5, 6])
    XCTAssertEqual(parsed.pipeline[0].location, SourceLocation(file: "recipes/test.yaml", line: 4, column: 5))
    guard case .tint(let tint) = parsed.pipeline[1].operation else { return XCTFail("tint") }
    XCTAssertEqual([tint.red.firstValue, tint.green.firstValue, tint.blue.firstValue], [1, 2, 3])
    guard case .clip(let defaultClip) = parsed.pipeline[2].operation else { return XCTFail("clip") }
    XCTAssertEqual([defaultClip.low.firstValue, defaultClip.high.firstValue], [0, 255])
    guard case .quantize(let quantize) = parsed.pipeline[3].operation else { return XCTFail("quantize") }
    XCTAssertEqual(quantize.mode.value, .round)
    guard case .clip(let clip) = parsed.pipeline[4].operation else { return XCTFail("clip") }
    XCTAssertEqual([clip.low.firstValue, clip.high.firstValue], [10, 200])
  }

  func testStepsMustBeAList() {
    assertDiagnostics(
      "model: inception5h\nsteps: {load: in.png}\n",
      """
      recipes/test.yaml:2:8: error: recipe: 'steps' must be a list of steps, got a mapping
      steps: {load: in.png}
             ^
      """)
    assertDiagnostics(
      "model: inception5h\nsteps: []\n",
      """
      recipes/test.yaml:2:8: error: recipe: 'steps' is empty; start with 'load: <image>'
      steps: []
             ^
      """)
  }

  func testSettingsNotIndentedUnderTheStep() {
    assertDiagnostics(
      withSteps("  - dream:\n    layer: 3\n"),
      """
      recipes/test.yaml:5:5: error: dream: a step has a single key, its kind; found 'layer' beside 'dream' (indent the settings under 'dream:')
          layer: 3
          ^
      """)
  }

  func testStepShapes() {
    assertDiagnostics(
      withSteps("  - {}\n  - [zoom]\n  - zoomm: {factor: 1}\n  - blur\n"),
      """
      recipes/test.yaml:4:5: error: recipe: empty step; write a step such as 'zoom: {factor: 1.02}'
        - {}
          ^
      recipes/test.yaml:5:5: error: recipe: a step must be a mapping such as 'zoom: {factor: 1.02}', got a list
        - [zoom]
          ^
      recipes/test.yaml:6:5: error: recipe: unknown step 'zoomm' (did you mean 'zoom'?)
        - zoomm: {factor: 1}
          ^
      recipes/test.yaml:7:5: error: recipe: unknown step 'blur'
        - blur
          ^
      """)
  }

  func testLoadMustComeFirstAndOnce() {
    assertDiagnostics(
      "model: inception5h\nsteps:\n  - tint: 2\n  - load: in.png\n",
      """
      recipes/test.yaml:3:5: error: tint: the first step must be 'load: <image>', got 'tint'
        - tint: 2
          ^
      recipes/test.yaml:4:5: error: load: 'load' must be the first step (the input is read once, before the frames)
        - load: in.png
          ^
      """)
  }

  func testLoadProblems() {
    assertDiagnostics(
      "model: inception5h\nsteps:\n  - load: pictures\n",
      """
      recipes/test.yaml:3:11: error: load: unsupported input image 'pictures' (use a .png, .jpg or .jpeg file, or a video: .mp4, .mov, .m4v, .mkv, .webm, .avi)
        - load: pictures
                ^
      """)
    assertDiagnostics(
      "model: inception5h\nsteps:\n  - load: {path: in.png}\n",
      """
      recipes/test.yaml:3:11: error: load: 'load' must be a file path, e.g. 'load: photo.png', got a mapping
        - load: {path: in.png}
                ^
      """)
    assertDiagnostics(
      "model: inception5h\nsteps:\n  - load: dir.png\n",
      """
      recipes/test.yaml:3:11: error: load: input image 'dir.png' is a directory, not a file
        - load: dir.png
                ^
      """, files: ["recipes/dir.png/x": "x"])
  }

  func testVideoMustComeLast() {
    assertDiagnostics(
      withSteps(
        "  - save: a/{frame}.png\n  - video: a.mp4\n  - tint: 1\n", header: "model: inception5h\nframes: 2\n"),
      """
      recipes/test.yaml:7:5: error: tint: 'tint' comes after a 'video' step; put 'video' steps last (they run once, after all frames)
        - tint: 1
          ^
      """)
  }

  func testZoomFactorAndTrim() throws {
    let parsed = try recipe(
      withSteps("  - zoom:\n      trim: {top: 2, bottom: 1, left: 1, right: 2}\n  - zoom: {trim: {top: 3}}\n")
    )
    guard case .zoom(.trim(let trim)) = parsed.pipeline[0].operation else { return XCTFail("trim") }
    XCTAssertEqual(
      [trim.top.firstValue, trim.bottom.firstValue, trim.left.firstValue, trim.right.firstValue],
      [2, 1, 1, 2])
    guard case .zoom(.trim(let partial)) = parsed.pipeline[1].operation else { return XCTFail("trim") }
    XCTAssertEqual(
      [partial.top.firstValue, partial.bottom.firstValue, partial.left.firstValue, partial.right.firstValue],
      [3, 0, 0, 0])
  }

  func testZoomProblems() {
    assertDiagnostics(
      withSteps(
        "  - zoom: {}\n  - zoom: {factor: 1.1, trim: {top: 1}}\n  - zoom: {trim: {top: -1, middle: 2}}\n"
          + "  - zoom: 1.02\n"),
      """
      recipes/test.yaml:4:11: error: zoom: missing 'factor' (centred zoom) or 'trim' (pixels per edge)
        - zoom: {}
                ^
      recipes/test.yaml:5:25: error: zoom: use either 'factor' or 'trim', not both
        - zoom: {factor: 1.1, trim: {top: 1}}
                              ^
      recipes/test.yaml:6:24: error: zoom: 'top' must be 0...32768, got -1
        - zoom: {trim: {top: -1, middle: 2}}
                             ^
      recipes/test.yaml:6:28: error: zoom: unknown key 'middle'
        - zoom: {trim: {top: -1, middle: 2}}
                                 ^
      recipes/test.yaml:7:11: error: zoom: expected a mapping of settings, got '1.02'
        - zoom: 1.02
                ^
      """)
  }

  func testTrimsThatLeaveNoPixelsWhenTheSizeIsKnown() {
    assertDiagnostics(
      withSteps("  - zoom: {trim: {left: 5, right: 5}}\n", header: "model: inception5h\nsize: [10, 20]\n"),
      """
      recipes/test.yaml:5:18: error: zoom: the trims remove 10 of 10 columns of the 10x20 frame at frame 0; at least one must remain
        - zoom: {trim: {left: 5, right: 5}}
                       ^
      """)
    assertDiagnostics(
      withSteps(
        "  - zoom: {trim: {top: {0: 0, 4: 20}}}\n", header: "model: inception5h\nframes: 5\nsize: [10, 20]\n"),
      """
      recipes/test.yaml:6:18: error: zoom: the trims remove 20 of 20 rows of the 10x20 frame at frame 4; at least one must remain
        - zoom: {trim: {top: {0: 0, 4: 20}}}
                       ^
      """)
  }

  func testZoomFactorThatCropsBelowOnePixel() {
    assertDiagnostics(
      withSteps("  - zoom: {factor: 25}\n", header: "model: inception5h\nsize: [800, 20]\n"),
      """
      recipes/test.yaml:5:20: error: zoom: 'factor' 25 crops the 800x20 frame to less than one pixel
        - zoom: {factor: 25}
                         ^
      """)
  }

  func testTintAndClipProblems() {
    assertDiagnostics(
      withSteps("  - tint: [1, 2]\n  - tint: red\n  - clip: [200, 100]\n  - clip: 5\n  - quantize\n"),
      """
      recipes/test.yaml:4:11: error: tint: 'tint' must be one number or [r, g, b], got a list of 2
        - tint: [1, 2]
                ^
      recipes/test.yaml:5:11: error: tint: 'tint' must be a number, got 'red'
        - tint: red
                ^
      recipes/test.yaml:6:11: error: clip: low bound 200 must be below high bound 100
        - clip: [200, 100]
                ^
      recipes/test.yaml:7:11: error: clip: 'clip' must be [low, high] (or nothing for [0, 255]), got '5'
        - clip: 5
                ^
      recipes/test.yaml:8:5: error: quantize: 'quantize' must be 'truncate' or 'round', got nothing
        - quantize
          ^
      """)
  }

  func testKeyframedClipIsCheckedAtEveryKeyframe() {
    assertDiagnostics(
      withSteps("  - clip: [{0: 0, 8: 150}, {0: 255, 4: 100}]\n", header: "model: inception5h\nframes: 9\n"),
      """
      recipes/test.yaml:5:11: error: clip: low bound 150 must be below high bound 100 at frame 8
        - clip: [{0: 0, 8: 150}, {0: 255, 4: 100}]
                ^
      """)
  }
}
