import RecipeParser
import XCTest

/// `save` and `video` steps and path templates.
final class OutputStepTests: XCTestCase {
  func testSaveForms() throws {
    let parsed = try recipe(
      withSteps(
        "  - save: out/{frame:04}.jpg\n  - save:\n      path: out/{frame}.PNG\n  - save: {path: \"q/{frame}.jpeg\", quality: 80}\n",
        header: "model: inception5h\nframes: 3\n"))
    guard case .save(let jpeg) = parsed.pipeline[0].operation,
      case .save(let png) = parsed.pipeline[1].operation,
      case .save(let quality) = parsed.pipeline[2].operation
    else { return XCTFail("three saves expected") }
    XCTAssertEqual(jpeg.format, .jpeg)
    XCTAssertEqual(jpeg.quality?.value, 95)
    XCTAssertEqual(jpeg.path.value.path(forFrame: 7), "out/0007.jpg")
    XCTAssertEqual(jpeg.resolvedPath.path(forFrame: 12345), "recipes/out/12345.jpg")
    XCTAssertEqual(png.format, .png)
    XCTAssertNil(png.quality)
    XCTAssertEqual(quality.quality?.value, 80)
    XCTAssertEqual(quality.path.value.text, "q/{frame}.jpeg")
  }

  /// `~` is not expanded anywhere (model, load, save and video alike): it is an error, not a folder named `~`.
  func testTildeIsAnErrorInEveryPath() {
    assertDiagnostics(
      "model: ~/m.pb\nframes: 2\nsteps:\n  - load: ~/in.png\n  - save: ~/out/{frame}.png\n"
        + "  - video: {path: ~/v.avi}\n",
      """
      recipes/test.yaml:1:8: error: recipe: '~' is not expanded in recipe paths; write the path relative to the recipe's folder, or in full
      model: ~/m.pb
             ^
      recipes/test.yaml:4:11: error: load: '~' is not expanded in recipe paths; write the path relative to the recipe's folder, or in full
        - load: ~/in.png
                ^
      recipes/test.yaml:5:11: error: save: '~' is not expanded in recipe paths; write the path relative to the recipe's folder, or in full
        - save: ~/out/{frame}.png
                ^
      recipes/test.yaml:6:19: error: video: '~' is not expanded in recipe paths; write the path relative to the recipe's folder, or in full
        - video: {path: ~/v.avi}
                        ^
      """)
  }

  func testSaveProblems() {
    assertDiagnostics(
      withSteps(
        "  - save: out/{fram}.png\n  - save: out/{frame:4}.png\n  - save: out/{frame}.bmp\n  - save: out.png\n"
          + "  - save: {path: \"a/{frame}.png\", quality: 50}\n",
        header: "model: inception5h\nframes: 5\n"),
      """
      recipes/test.yaml:5:15: error: save: unknown placeholder '{fram}' in path 'out/{fram}.png' (only '{frame}' and '{frame:0N}' are allowed, and the keys of a 'sweep:')
        - save: out/{fram}.png
                    ^
      recipes/test.yaml:6:15: error: save: bad placeholder '{frame:4}' in path 'out/{frame:4}.png' (write '{frame}' or '{frame:0N}' with N from 1 to 9, e.g. '{frame:04}')
        - save: out/{frame:4}.png
                    ^
      recipes/test.yaml:7:11: error: save: unknown output format ('.bmp') for 'out/{frame}.bmp'; use .png, .jpg or .jpeg
        - save: out/{frame}.bmp
                ^
      recipes/test.yaml:8:11: error: save: path 'out.png' has no '{frame}' placeholder but the recipe renders 5 frames; each would overwrite the last (e.g. 'frames/{frame:04}.png')
        - save: out.png
                ^
      recipes/test.yaml:9:44: error: save: 'quality' applies to JPEG files only
        - save: {path: "a/{frame}.png", quality: 50}
                                                 ^
      """)
  }

  func testUnquotedTemplateInsideBracesIsAYAMLErrorWithAHint() {
    assertDiagnostics(
      withSteps("  - save: {path: b/{frame}.jpg}\n", header: "model: inception5h\nframes: 5\n"),
      """
      recipes/test.yaml:5:20: error: yaml: did not find expected ',' or '}' (while parsing a flow mapping at line 5, column 11); quote paths containing '{frame}' inside { } or [ ]
        - save: {path: b/{frame}.jpg}
                         ^
      """)
  }

  func testSaveRangeAndBraceProblems() {
    assertDiagnostics(
      withSteps(
        "  - save: c/{frame}.jpg\n  - save: {path: \"d/{frame}.jpg\", quality: 0}\n  - save: out/frame}.png\n"
          + "  - save: \"x/{frame.png\"\n  - save: c/{frame}.jpg\n",
        header: "model: inception5h\nframes: 5\n"),
      """
      recipes/test.yaml:6:44: error: save: 'quality' must be 1...100, got 0
        - save: {path: "d/{frame}.jpg", quality: 0}
                                                 ^
      recipes/test.yaml:7:20: error: save: unmatched '}' in path 'out/frame}.png'
        - save: out/frame}.png
                         ^
      recipes/test.yaml:8:14: error: save: unmatched '{' in path 'x/{frame.png'
        - save: "x/{frame.png"
                   ^
      recipes/test.yaml:9:11: error: save: path 'c/{frame}.jpg' is already written by the save step at line 5
        - save: c/{frame}.jpg
                ^
      """)
  }

  func testSingleFrameSaveNeedsNoPlaceholder() throws {
    let parsed = try recipe(withSteps("  - save: out.png\n"))
    guard case .save(let save) = parsed.pipeline[0].operation else { return XCTFail("save") }
    XCTAssertFalse(save.path.value.hasFramePlaceholder)
  }

  func testVideoDefaultsToTheLastSave() throws {
    let parsed = try recipe(
      withSteps(
        "  - save: a/{frame}.png\n  - dream: {layer: 3}\n  - save: b/{frame:03}.jpg\n  - video: v.avi\n"
          + "  - video: {path: w.mp4, fps: 12.5, from: \"a/{frame}.png\"}\n",
        header: "model: inception5h\nframes: 2\n"))
    XCTAssertEqual(parsed.videos.count, 2)
    XCTAssertEqual(parsed.videos[0].value.sourceStep, 2)
    XCTAssertEqual(parsed.videos[0].value.container, .avi)
    XCTAssertEqual(parsed.videos[0].value.fps.value, 24)
    XCTAssertEqual(parsed.videos[0].value.number, 5)
    XCTAssertEqual(parsed.videos[1].value.sourceStep, 0)
    XCTAssertEqual(parsed.videos[1].value.container, .mp4)
    XCTAssertEqual(parsed.videos[1].value.fps.value, 12.5)
    XCTAssertEqual(parsed.videos[1].value.resolvedPath, "recipes/w.mp4")
  }

  func testVideoProblems() {
    assertDiagnostics(
      withSteps(
        "  - save: a/{frame}.png\n  - video: v.mov\n  - video: {path: w.mp4, fps: 0}\n"
          + "  - video: {path: x.mp4, from: \"a/{frame:02}.png\"}\n  - video: v{frame}.mp4\n  - video: {fps: 3}\n",
        header: "model: inception5h\nframes: 2\n"),
      """
      recipes/test.yaml:6:12: error: video: unknown video format ('.mov') for 'v.mov'; use .mp4, .avi or .gif, or no extension (.mp4 where ffmpeg is installed, else .avi)
        - video: v.mov
                 ^
      recipes/test.yaml:7:31: error: video: 'fps' must be 0.001...1000, got 0
        - video: {path: w.mp4, fps: 0}
                                    ^
      recipes/test.yaml:8:32: error: video: 'from' must be the path of a save step; none writes 'a/{frame:02}.png' (did you mean 'a/{frame}.png'?)
        - video: {path: x.mp4, from: "a/{frame:02}.png"}
                                     ^
      recipes/test.yaml:9:12: error: video: a video path has no placeholders; got 'v{frame}.mp4'
        - video: v{frame}.mp4
                 ^
      recipes/test.yaml:10:12: error: video: missing required key 'path'
        - video: {fps: 3}
                 ^
      """)
  }

  func testVideoWithoutSave() {
    assertDiagnostics(
      withSteps("  - video: v.mp4\n"),
      """
      recipes/test.yaml:4:5: error: video: no 'save' step writes frames for this video; add one before it
        - video: v.mp4
          ^
      """)
  }

  func testPathTemplates() throws {
    let template = try PathTemplate.parse("a{frame}/b_{frame:03}.png").get()
    XCTAssertEqual(
      template.pieces, [.literal("a"), .frame(width: 0), .literal("/b_"), .frame(width: 3), .literal(".png")])
    XCTAssertEqual(template.path(forFrame: 7), "a7/b_007.png")
    XCTAssertEqual(template.path(forFrame: 1234), "a1234/b_1234.png")
    XCTAssertTrue(template.hasFramePlaceholder)
    XCTAssertFalse(try PathTemplate.parse("plain.png").get().hasFramePlaceholder)
    XCTAssertEqual(try PathTemplate.parse("{frame:09}").get().path(forFrame: 5), "000000005")
    let resolved = try PathTemplate.parse("{frame}.png").get().resolved(relativeTo: "odd{dir}")
    XCTAssertEqual(resolved.path(forFrame: 3), "odd{dir}/3.png")
    XCTAssertEqual(resolved.text, "odd{dir}/{frame}.png")
    XCTAssertEqual(
      try PathTemplate.parse("/abs/{frame}.png").get().resolved(relativeTo: "x").text, "/abs/{frame}.png")
  }

  func testPathTemplateProblems() {
    func problem(_ text: String) -> PathTemplate.Problem? {
      if case .failure(let problem) = PathTemplate.parse(text) { return problem }
      return nil
    }
    XCTAssertEqual(problem("a/{frame:00}.png")?.offset, 2)
    XCTAssertEqual(
      problem("a/{frame:010}.png")?.message,
      "bad placeholder '{frame:010}' in path 'a/{frame:010}.png' (write '{frame}' or '{frame:0N}' with N from 1 to 9, e.g. '{frame:04}')"
    )
    XCTAssertEqual(problem("{{frame}}")?.message, "unmatched '{' in path '{{frame}}'")
    XCTAssertEqual(
      problem("{}")?.message,
      "unknown placeholder '{}' in path '{}' (only '{frame}' and '{frame:0N}' are allowed, and the keys of a 'sweep:')"
    )
  }

  func testTemplatesFindTheFrameAPathBelongsTo() throws {
    let template = try PathTemplate.parse("out/f{frame:03}.png").get()
    XCTAssertEqual(template.frame(matching: "out/f007.png", below: 10), 7)
    XCTAssertEqual(template.frame(matching: "out/./f1234.png", below: 2000), 1234)
    XCTAssertNil(template.frame(matching: "out/f07.png", below: 10), "not padded to 3 digits")
    XCTAssertNil(template.frame(matching: "out/f0123.png", below: 1000), "over-padded")
    XCTAssertNil(template.frame(matching: "out/f012.png", below: 12), "past the last frame")
    let plain = try PathTemplate.parse("in.png").get()
    XCTAssertEqual(plain.frame(matching: "in.png", below: 1), 0)
  }

  func testASaveOverTheInputIsAnError() {
    assertDiagnostics(
      withSteps("  - save: ./in.png\n"),
      """
      recipes/test.yaml:4:11: error: save: path './in.png' would overwrite the input image 'in.png' (at frame 0); save somewhere else
        - save: ./in.png
                ^
      """)
  }
}
