import DreamEngine
import DreamTestSupport
import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif
import XCTest

/// Successful runs of the built binary: files, up-to-date skipping, incremental re-render, --force,
/// plan, layers, models.
final class CLIRunTests: XCTestCase {
  func testRunRerunChangeAndForce() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 4, step: "1.5"), in: folder)
    let out = folder.appendingPathComponent("out")

    // First run: every frame and the video.
    let first = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(first.status, 0, first.stderr)
    XCTAssertTrue(first.stdout.hasPrefix("rendered 4 frames (frames 0...3) in "), first.stdout)
    XCTAssertTrue(first.stdout.hasSuffix("; wrote out/clip.avi\n"), first.stdout)
    XCTAssertTrue(first.stderr.contains("frame 3/4: wrote out/03.png in "), first.stderr)
    let files = try TestSupport.files(in: out)
    XCTAssertEqual(files.keys.sorted(), ["00.png", "01.png", "02.png", "03.png", "clip.avi"])
    XCTAssertEqual(files["clip.avi"]?.prefix(4), Data("RIFF".utf8))
    XCTAssertEqual(
      try ImageCodec.decode(XCTUnwrap(files["00.png"]), name: "00.png"),
      try ImageCodec.read(contentsOf: TestSupport.tinyInput),
      "frame 0 is the input, saved as-is (same pixels)")
    // Every frame says what made it.
    let text = String(decoding: try XCTUnwrap(files["01.png"]), as: UTF8.self)
    for needle in ["tEXtSoftware\u{0}dream-run ", "tEXtdream-run seed\u{0}3", "tEXtdream-run frame\u{0}1"] {
      XCTAssertTrue(text.contains(needle), needle)
    }
    XCTAssertTrue(try TestSupport.files(in: folder).keys.allSatisfy { !$0.hasSuffix(".tmp") })

    // Rerun: nothing to do, nothing rewritten.
    let dates = try TestSupport.modificationDates(in: out)
    let second = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertEqual(second.stdout, "up to date: 4 frames, 1 video; nothing to do\n")
    XCTAssertEqual(try TestSupport.modificationDates(in: out), dates)

    // Change the step from frame 2 on: frames 2 and 3 and the video are redone, 0 and 1 kept.
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe(frames: 4, step: "{0: 1.5, 1: 1.5, 2: 2.5}"), in: folder)
    let plan = try TestSupport.run(["plan", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(plan.status, 0, plan.stderr)
    let statusLines = plan.stdout.split(separator: "\n").filter {
      $0.contains(" save ") || $0.contains(" video ")
    }
    XCTAssertEqual(
      statusLines.map { $0.split(separator: " ", omittingEmptySubsequences: true)[3] },
      [
        "up-to-date", "up-to-date", "stale", "stale", "stale",
      ])
    XCTAssertTrue(
      plan.stdout.contains("\n4 frames, 15 nodes; 2 of 5 files up to date; peak memory about "), plan.stdout)
    let third = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(third.status, 0, third.stderr)
    XCTAssertTrue(third.stdout.hasPrefix("rendered 2 frames (frames 2...3) in "), third.stdout)
    XCTAssertTrue(third.stdout.contains("; 2 up to date; wrote out/clip.avi"), third.stdout)
    let changed = try TestSupport.files(in: out)
    XCTAssertEqual(changed["00.png"], files["00.png"])
    XCTAssertEqual(changed["01.png"], files["01.png"])
    XCTAssertNotEqual(changed["02.png"], files["02.png"])
    XCTAssertNotEqual(changed["03.png"], files["03.png"])
    XCTAssertNotEqual(changed["clip.avi"], files["clip.avi"])

    // The resumed chain equals a fresh render of the changed recipe.
    let fresh = try TestSupport.temporaryFolder("fresh")
    defer { try? FileManager.default.removeItem(at: fresh) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe(frames: 4, step: "{0: 1.5, 1: 1.5, 2: 2.5}"), in: fresh)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: fresh).status, 0)
    XCTAssertEqual(try TestSupport.files(in: fresh.appendingPathComponent("out")), changed)

    // A deleted frame is rendered again (from the checkpoint), identical, nothing else rewritten.
    try FileManager.default.removeItem(at: out.appendingPathComponent("03.png"))
    let fourth = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(fourth.stdout.hasPrefix("rendered 1 frame (frame 3) in "), fourth.stdout)
    XCTAssertEqual(try TestSupport.files(in: out), changed)

    // --force renders everything again, byte-identical; --quiet prints nothing.
    let forced = try TestSupport.run(
      ["run", "recipe.yaml", "--model", model, "--force", "--quiet"], in: folder)
    XCTAssertEqual(forced.status, 0, forced.stderr)
    XCTAssertEqual(forced.stdout, "")
    XCTAssertEqual(forced.stderr, "")
    XCTAssertEqual(try TestSupport.files(in: out), changed)
    XCTAssertNotEqual(try TestSupport.modificationDates(in: out)["00.png"], dates["00.png"])
  }

  func testPlanDotAndValidateOK() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 2), in: folder)
    let validate = try TestSupport.run(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(validate.status, 0, validate.stderr)
    XCTAssertTrue(
      validate.stdout.hasPrefix("recipe.yaml: ok (2 frames, 7 nodes; peak memory about "), validate.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    let dot = try TestSupport.run(["plan", "recipe.yaml", "--model", model, "--dot"], in: folder)
    XCTAssertEqual(dot.status, 0, dot.stderr)
    XCTAssertTrue(dot.stdout.hasPrefix("digraph plan {\n"), dot.stdout)
    XCTAssertTrue(dot.stdout.contains("\"f1.s7\" -> \"video.s8\";"), dot.stdout)
    XCTAssertTrue(dot.stdout.contains("fillcolor=salmon"), dot.stdout)
    let plan = try TestSupport.run(["plan", "recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(plan.stdout.hasPrefix("NODE      KIND       FRAME  STATUS      DETAILS\n"), plan.stdout)
    XCTAssertTrue(plan.stdout.contains("f0.s7     save       0      missing     out/00.png\n"), plan.stdout)
  }

  /// Zooming out (factor < 1) validates and renders; the border is edge-extended by the engine.
  func testZoomOutRecipeValidatesAndRenders() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let recipe = TestSupport.tinyRecipe(frames: 2, iterations: 1)
      .replacingOccurrences(of: "{factor: 1.05}", with: "{factor: 0.9}")
    XCTAssertTrue(recipe.contains("{factor: 0.9}"))
    try TestSupport.writeRecipe(recipe, in: folder)
    let validate = try TestSupport.run(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(validate.status, 0, validate.stderr)
    XCTAssertTrue(
      validate.stdout.hasPrefix("recipe.yaml: ok (2 frames, 7 nodes; peak memory about "), validate.stdout)
    let run = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(run.status, 0, run.stderr)
    let files = try TestSupport.files(in: folder.appendingPathComponent("out"))
    XCTAssertEqual(files.keys.sorted(), ["00.png", "01.png", "clip.avi"])
  }

  /// A guide that is not an image stops the run before its first frame, naming the file; a good
  /// one renders, and changing its bytes re-renders the frames that dream with it.
  func testGuideImageIsCheckedBeforeTheFirstFrameAndFingerprinted() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe(frames: 2, iterations: 1, extra: ", guide: guide.png, colors: original"),
      in: folder)
    let guide = folder.appendingPathComponent("guide.png")
    try Data("not a png".utf8).write(to: guide)
    let broken = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(broken.status, 1, broken.stdout + broken.stderr)
    XCTAssertTrue(broken.stderr.contains("guide.png"), broken.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/00.png").path))
    try FileManager.default.removeItem(at: guide)
    try FileManager.default.copyItem(at: TestSupport.tinyInput, to: guide)
    let first = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(first.status, 0, first.stderr)
    let again = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(again.stdout.contains("up to date"), again.stdout)
    // Another guide: frame 0 (the input) stays, frame 1 (dreamed with it) is rendered again.
    try FileManager.default.removeItem(at: guide)
    let other = RGBImage(width: 40, height: 40, pixels: (0..<4800).map { Float(($0 * 7) % 256) })
    try Data(ImageCodec.encode(other, as: .png, name: guide.path)).write(to: guide)
    let changed = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(changed.status, 0, changed.stderr)
    XCTAssertTrue(changed.stdout.contains("rendered 1 frame (frame 1)"), changed.stdout)
  }

  /// A video input: frame i dreams video frame i, blended with the previous dreamed frame; the
  /// .mp4 keeps the input's 24 fps and its audio; the frames are identical at 1 and 2 threads; a
  /// missing frame is rendered again, and with independent frames only that frame.
  func testVideoInputRendersWithTheInputsRateAndAudio() throws {
    let model = try TestSupport.googlenet()
    guard VideoInput.locate("ffmpeg") != nil, VideoInput.locate("ffprobe") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); video inputs not tested")
    }
    let clip = TestPaths.shared.appendingPathComponent("videos/chelsea-pan.mp4")
    guard FileManager.default.fileExists(atPath: clip.path) else {
      throw XCTSkip("the shared clip is not beside the project (\(clip.path))")
    }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    func recipe(_ feedback: String, threads: Int) -> String {
      """
      model: inception5h
      seed: 4
      frames: 3
      size: [64, 36]
      feedback: \(feedback)
      threads: \(threads)
      steps:
        - load: \(clip.path)
        - dream: {layer: 3, algorithm: octaves, octaves: 2, iterations: 2}
        - clip
        - save: out/{frame}.png
        - video: out/clip.mp4

      """
    }
    var renders: [[String: Data]] = []
    for threads in [1, 2] {
      try? FileManager.default.removeItem(at: folder.appendingPathComponent("out"))
      try? FileManager.default.removeItem(at: folder.appendingPathComponent(".dream-run"))
      try TestSupport.writeRecipe(recipe("{blend: 0.5}", threads: threads), in: folder)
      let run = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
      XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
      renders.append(
        try TestSupport.files(in: folder.appendingPathComponent("out")).filter { $0.key.hasSuffix(".png") })
    }
    XCTAssertEqual(renders[0].count, 3)
    XCTAssertEqual(renders[0], renders[1], "1 vs 2 threads")
    let probe = try TestSupport.runShell(
      "ffprobe -v error -show_entries stream=codec_type,avg_frame_rate,nb_frames -of csv out/clip.mp4",
      in: folder)
    XCTAssertTrue(probe.stdout.contains("stream,video,24/1,3"), probe.stdout)
    XCTAssertTrue(probe.stdout.contains("stream,audio"), probe.stdout)
    // Frame 1 lost: with blend feedback it needs frame 0's image, so the chain is recomputed.
    try FileManager.default.removeItem(at: folder.appendingPathComponent("out/1.png"))
    let resumed = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(resumed.stdout.contains("rendered 1 frame (frame 1)"), resumed.stdout)
    XCTAssertEqual(
      try TestSupport.files(in: folder.appendingPathComponent("out")).filter { $0.key.hasSuffix(".png") },
      renders[1])
    // Independent frames: other bytes, and a lost frame is one frame of work.
    try TestSupport.writeRecipe(recipe("false", threads: 2), in: folder)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model], in: folder).status, 0)
    let independent = try TestSupport.files(in: folder.appendingPathComponent("out"))
    XCTAssertEqual(independent["0.png"], renders[1]["0.png"], "frame 0 has no previous frame either way")
    XCTAssertNotEqual(independent["2.png"], renders[1]["2.png"])
    try FileManager.default.removeItem(at: folder.appendingPathComponent("out/2.png"))
    let single = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(single.stdout.contains("rendered 1 frame (frame 2)"), single.stdout)
  }

  /// Every saved frame's statistics are recorded in the run state; `stats` prints them and writes
  /// an SVG chart (also written by every run that saved frames).
  func testStatsPrintsRecordedFrameStatisticsAndCharts() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: folder)
    let before = try TestSupport.run(["stats", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(before.status, 0, before.stderr)
    XCTAssertTrue(before.stdout.contains("no frame statistics recorded yet"), before.stdout)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model], in: folder).status, 0)
    let chart = folder.appendingPathComponent(".dream-run/recipe.yaml.stats.svg")
    XCTAssertTrue(FileManager.default.fileExists(atPath: chart.path), "the run charts its frames")
    let stats = try TestSupport.run(["stats", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(stats.status, 0, stats.stderr)
    let lines = stats.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "FRAME  BRIGHTNESS  CONTRAST  CHROMA  CLIPPED  SECONDS  FILE")
    XCTAssertEqual(lines.count, 5, stats.stdout)
    XCTAssertTrue(lines[1].hasPrefix("0  "), lines[1])
    let frame0 = lines[1].split(separator: " ").map(String.init)
    XCTAssertEqual(frame0.count, 7, lines[1])
    XCTAssertEqual(frame0.suffix(2), ["-", "out/00.png"], "frame 0 is the input: not rendered, no time")
    XCTAssertTrue(lines[3].hasSuffix("out/02.png"), lines[3])
    XCTAssertEqual(lines.last, "chart: .dream-run/recipe.yaml.stats.svg")
    // Frame 0 is the 64x48 input saved as-is: its brightness is the mean of its clamped values.
    let input = try ImageCodec.read(contentsOf: folder.appendingPathComponent("out/00.png"))
    let mean = input.pixels.reduce(0.0) { $0 + Double($1) } / Double(input.pixels.count)
    XCTAssertTrue(lines[1].contains(String(format: "%.1f", mean)), lines[1] + " vs \(mean)")
    // The chart is well-formed XML with one line per statistic.
    let svg = try String(contentsOf: chart, encoding: .utf8)
    XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "the chart parses as XML")
    XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 4)
    // A changed recipe marks the recorded frames stale.
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 2), in: folder)
    let stale = try TestSupport.run(["stats", "recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(stale.stdout.contains("out/02.png (stale)"), stale.stdout)
  }

  /// `plan --explain` says why each file must be rendered again.
  func testPlanExplainSaysWhatChanged() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 4, iterations: 1), in: folder)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder).status, 0)
    let clean = try TestSupport.run(["plan", "recipe.yaml", "--model", model, "--explain"], in: folder)
    XCTAssertTrue(clean.stdout.contains("\nevery file is up to date\n"), clean.stdout)
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe(frames: 4, iterations: 1, step: "{0: 1.5, 2: 1.5, 3: 2.5}"), in: folder)
    try Data("tampered".utf8).write(to: folder.appendingPathComponent("out/01.png"))
    let explained = try TestSupport.run(["plan", "recipe.yaml", "--model", model, "--explain"], in: folder)
    XCTAssertEqual(explained.status, 0, explained.stderr)
    let lines = explained.stdout.split(separator: "\n").map(String.init)
    XCTAssertTrue(
      lines.contains("f1.s7: the file was changed on disk since dream-run wrote it"), explained.stdout)
    XCTAssertTrue(lines.contains("f3.s7: step 5 (dream): step 1.5 -> 2.5"), explained.stdout)
    XCTAssertTrue(lines.contains("video.s8: its frames changed"), explained.stdout)
    XCTAssertFalse(lines.contains { $0.hasPrefix("f0.s7:") || $0.hasPrefix("f2.s7:") }, explained.stdout)
  }

  func testLayersAndModels() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let layers = try TestSupport.run(["layers", model, "--size", "800x450"], in: folder)
    XCTAssertEqual(layers.status, 0, layers.stderr)
    let lines = layers.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "model: \(model), 8 dream layers")
    XCTAssertEqual(lines[1], "INDEX  LAYER                CHANNELS  SIZE (800x450 input)  MIN INPUT")
    XCTAssertEqual(lines[2], "0      conv1/7x7_s2         64        400x225               1x1")
    XCTAssertEqual(lines[5], "3      inception_3a/output  256       100x57                1x1")
    XCTAssertEqual(lines[9], "7      inception_4c/output  512       50x29                 1x1")
    let models = try TestSupport.run(["models"], in: folder)
    XCTAssertEqual(models.status, 0, models.stderr)
    XCTAssertTrue(models.stdout.contains("\ninception5h  no "), models.stdout)
  }
}
