import DreamVocabulary
import RecipeParser
import XCTest

/// `load: clip.mp4`: the frame count comes from the video, frame i of the recipe is frame i of the
/// video, `feedback: {blend}` mixes in the previous dreamed frame, the output keeps the rate.
final class VideoInputTests: XCTestCase {
  /// A video probe that knows one file.
  struct FakeProbe: VideoProbe {
    var videos: [String: VideoInfo] = [
      "recipes/clip.mp4": VideoInfo(width: 320, height: 180, frameCount: 12, fps: 25, hasAudio: true)
    ]

    func probe(_ path: String) -> Result<VideoInfo, VideoProbeError> {
      videos[path].map { .success($0) }
        ?? .failure(VideoProbeError("not a video ffmpeg can read (Invalid data found when processing input)"))
    }
  }

  private var files: [String: String] {
    var files = standardFiles
    files["recipes/clip.mp4"] = "video"
    files["recipes/junk.mov"] = "junk"
    return files
  }

  private func parse(_ text: String, probe: (any VideoProbe)? = FakeProbe()) -> Result<Recipe, DiagnosticList>
  {
    var all = files
    all[testRecipePath] = text
    return RecipeFile.parse(
      path: testRecipePath, fileSystem: InMemoryFileSystem(textFiles: all), videoProbe: probe)
  }

  private func recipe(_ text: String) throws -> Recipe {
    switch parse(text) {
    case .success(let recipe): return recipe
    case .failure(let list):
      XCTFail("unexpected diagnostics:\n\(list)")
      throw list
    }
  }

  private func assertFails(
    _ text: String, _ expected: String, probe: (any VideoProbe)? = FakeProbe(),
    file: StaticString = #filePath,
    line: UInt = #line
  ) {
    switch parse(text, probe: probe) {
    case .success: XCTFail("expected diagnostics", file: file, line: line)
    case .failure(let list): XCTAssertEqual(list.description, expected, file: file, line: line)
    }
  }

  private let body = """
    steps:
      - load: clip.mp4
      - dream: {layer: 3, iterations: 1}
      - save: out/{frame:03}.png
      - video: out/clip.mp4

    """

  func testFramesDefaultToTheVideosAndEachFrameLoadsItsOwn() throws {
    let parsed = try recipe("model: inception5h\n" + body)
    XCTAssertEqual(parsed.frames.value, 12)
    XCTAssertEqual(parsed.load.value.video?.fps, 25)
    XCTAssertFalse(parsed.feedback.value, "a video input's frames are independent by default")
    XCTAssertEqual(parsed.videos.first?.value.fps.value, 25, "the output keeps the input's rate")
    let plan = ExecutionPlan(recipe: parsed)
    XCTAssertEqual(
      plan.node(id: "f05.s1")?.operation, .videoFrame(path: "recipes/clip.mp4", size: nil, fit: nil, frame: 5)
    )
    XCTAssertEqual(plan.node(id: "f05.s2")?.inputs, [plan.node(id: "f05.s1")?.index ?? -1])
    XCTAssertNil(plan.node(id: "load"))
    XCTAssertEqual(ExecutionPlan.size(of: parsed).nodes, plan.nodes.count)
    XCTAssertEqual(try recipe("model: inception5h\nframes: all\n" + body).frames.value, 12)
    XCTAssertEqual(try recipe("model: inception5h\nframes: 4\n" + body).frames.value, 4)
  }

  func testBlendFeedbackMixesThePreviousFrameIn() throws {
    let parsed = try recipe("model: inception5h\nframes: 3\nfeedback: {blend: {0: 0.2, 2: 0.6}}\n" + body)
    let plan = ExecutionPlan(recipe: parsed)
    XCTAssertNil(plan.node(id: "f0.s1.blend"), "frame 0 has no previous frame")
    let blend = try XCTUnwrap(plan.node(id: "f2.s1.blend"))
    XCTAssertEqual(blend.operation, .blend(weight: 0.6))
    XCTAssertEqual(
      blend.inputs, [plan.node(id: "f2.s1")?.index ?? -1, plan.frameOutputs[1]])
    XCTAssertEqual(plan.node(id: "f1.s1.blend")?.operation, .blend(weight: 0.4))
    XCTAssertEqual(plan.node(id: "f2.s2")?.inputs, [blend.index])
    XCTAssertEqual(ExecutionPlan.size(of: parsed).nodes, plan.nodes.count)
  }

  /// A video longer than a recipe may be needs an explicit frame count.
  func testVideosOverTheFrameLimitNeedAFrameCount() throws {
    var probe = FakeProbe()
    probe.videos["recipes/clip.mp4"] = VideoInfo(
      width: 8, height: 8, frameCount: 2_000_000, fps: 30, hasAudio: false)
    assertFails(
      "model: inception5h\n" + body,
      """
      recipes/test.yaml:1:1: error: recipe: the input video has 2000000 frames; dream-run renders at most 1000000 per recipe; set 'frames' to a number
      model: inception5h
      ^
      """, probe: probe)
    switch parse("model: inception5h\nframes: 10\n" + body, probe: probe) {
    case .success(let recipe): XCTAssertEqual(recipe.frames.value, 10)
    case .failure(let list): XCTFail("\(list)")
    }
  }

  func testVideoInputErrors() {
    assertFails(
      "model: inception5h\nframes: 13\n" + body,
      """
      recipes/test.yaml:2:9: error: recipe: 'frames' 13 is more than the input video's 12 frames (frame i of the recipe is frame i of the video); use at most 12 or 'all'
      frames: 13
              ^
      """)
    assertFails(
      "model: inception5h\nfeedback: true\n" + body,
      """
      recipes/test.yaml:2:11: error: recipe: with a video input every frame starts from its own video frame; use 'feedback: {blend: 0.3}' to mix in the previous dreamed frame, or 'feedback: false'
      feedback: true
                ^
      """)
    assertFails(
      "model: inception5h\nfeedback: {blend: 1.5}\n" + body,
      """
      recipes/test.yaml:2:19: error: recipe: 'blend' must be 0...1, got 1.5
      feedback: {blend: 1.5}
                        ^
      """)
    assertFails(
      "model: inception5h\n"
        + body.replacingOccurrences(of: "clip.mp4\n  - dream", with: "junk.mov\n  - dream"),
      """
      recipes/test.yaml:3:11: error: load: junk.mov: not a video ffmpeg can read (Invalid data found when processing input)
        - load: junk.mov
                ^
      """)
    assertFails(
      "model: inception5h\n"
        + body.replacingOccurrences(of: "clip.mp4\n  - dream", with: "gone.mp4\n  - dream"),
      """
      recipes/test.yaml:3:11: error: load: input video 'gone.mp4' not found (looked for 'recipes/gone.mp4')
        - load: gone.mp4
                ^
      """)
    assertFails(
      "model: inception5h\nframes: all\nfeedback: {blend: 0.5}\nsteps:\n  - load: in.png\n  - save: o/{frame}.png\n",
      """
      recipes/test.yaml:2:9: error: recipe: 'frames: all' counts a video input's frames; 'load' names an image
      frames: all
              ^
      recipes/test.yaml:3:11: error: recipe: 'feedback: {blend}' mixes each frame of a video input with the previous dreamed frame; 'load' names an image (use 'feedback: true' or 'false')
      feedback: {blend: 0.5}
                ^
      """)
    assertFails(
      "model: inception5h\n" + body,
      """
      recipes/test.yaml:3:11: error: load: clip.mp4: video inputs are read with ffmpeg, which this caller does not provide
        - load: clip.mp4
                ^
      """, probe: nil)
  }
}
