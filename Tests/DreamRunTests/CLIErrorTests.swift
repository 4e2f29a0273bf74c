import DreamEngine
import Foundation
import XCTest

/// Bad input gets one clear message naming the file, a non-zero exit code, and no crash.
final class CLIErrorTests: XCTestCase {
  func testValidateReportsEveryProblemWithExactTextAndExitCode2() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      """
      model: inception5h
      frames: "3"
      steps:
        - load: input.png
        - dream: {layer: 3, iterations: -1}
        - save: out/x.png

      """, named: "bad.yaml", in: folder)
    let result = try TestSupport.run(["validate", "bad.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(result.stdout, "")
    XCTAssertEqual(
      result.stderr,
      """
      bad.yaml:2:9: error: recipe: 'frames' must be an integer, got the string '3'
      frames: "3"
              ^
      bad.yaml:5:35: error: dream: 'iterations' must not be negative, got -1
        - dream: {layer: 3, iterations: -1}
                                        ^
      2 errors

      """)
  }

  func testUnknownLayerSaysDidYouMean() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(of: "inception_3a/output", with: "inception_3a/outptu"),
      in: folder)
    for command in [["validate"], ["run"], []] {
      let result = try TestSupport.run(command + ["recipe.yaml", "--model", model], in: folder)
      XCTAssertEqual(result.status, 2, "\(command)")
      XCTAssertTrue(
        result.stderr.hasPrefix(
          "recipe.yaml:11:20: error: dream: unknown layer 'inception_3a/outptu' (did you mean 'inception_3a/output'?); "
            + "this model's dream layers are 0 conv1/7x7_s2, 1 conv2/3x3_reduce, 2 conv2/3x3, 3 inception_3a/output, "
            + "4 inception_3b/output, 5 inception_4a/output, 6 inception_4b/output, 7 inception_4c/output\n"
        ), result.stderr)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
  }

  func testMissingInputFile() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(of: "load: input.png", with: "load: nothere.png"),
      in: folder)
    let result = try TestSupport.run(["recipe.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(
      result.stderr.hasPrefix(
        "recipe.yaml:7:11: error: load: input image 'nothere.png' not found (looked for 'nothere.png')\n"),
      result.stderr)
  }

  func testCorruptInputImage() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(), in: folder)
    let input = folder.appendingPathComponent("input.png")
    try Data(try Data(contentsOf: input).prefix(3000)).write(to: input)
    let result = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(
      result.stderr,
      "input.png: corrupt PNG data: unexpected end of file (the file is truncated or damaged; re-export it)\n"
    )
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
  }

  func testCorruptModelFile() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(), in: folder)
    try Data(try Data(contentsOf: URL(fileURLWithPath: model)).prefix(100_000))
      .write(to: folder.appendingPathComponent("cut.pb"))
    let result = try TestSupport.run(["recipe.yaml", "--model", "cut.pb"], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(
      result.stderr,
      "\(folder.standardizedFileURL.path)/cut.pb: not a TensorFlow GraphDef (.pb) file (protobuf decoding failed: "
        + "truncated); check the path, or re-download the model if the file is truncated\n")
    let missing = try TestSupport.run(["recipe.yaml", "--model", "none.pb"], in: folder)
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.hasPrefix("--model: file 'none.pb' not found"), missing.stderr)
  }

  func testUnwritableOutputFolder() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(), in: folder)
    // A file where the output folder should be (works even when the tests run as root).
    try Data("x".utf8).write(to: folder.appendingPathComponent("out"))
    let result = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(
      result.stderr,
      "out: cannot create the output folder: 'out' is a file, not a folder; move it away or save somewhere else\n"
    )
    // validate finds it too, at the save step, without creating anything.
    let validate = try TestSupport.run(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(validate.status, 1)
    XCTAssertTrue(
      validate.stderr.hasPrefix(
        "recipe.yaml:13:11: error: save: out: cannot create the output folder: 'out' is a file, not a folder"),
      validate.stderr)
  }

  /// A video path without an extension is an .mp4 where ffmpeg is installed, else an .avi with a
  /// note saying why.
  func testVideoWithoutExtensionFallsBackToAVIWithoutFFmpeg() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe(frames: 2, iterations: 1).replacingOccurrences(
        of: "out/clip.avi", with: "out/clip"),
      in: folder)
    let without = try TestSupport.run(
      ["recipe.yaml", "--model", model], in: folder, environment: ["PATH": "/nonexistent"])
    XCTAssertEqual(without.status, 0, without.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/clip.avi").path))
    XCTAssertTrue(
      without.stderr.contains("ffmpeg was not found, so it is a Motion-JPEG .avi"), without.stderr)
    guard VideoInput.locate("ffmpeg") != nil else { return }
    let with = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(with.status, 0, with.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/clip.mp4").path))
  }

  /// A missing ffmpeg is found before the first frame (and by validate), at the step that needs it.
  func testMissingFFmpegIsFoundBeforeTheFirstFrame() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(of: "out/clip.avi", with: "out/clip.mp4"), in: folder)
    for command in [["validate"], ["run"]] {
      let result = try TestSupport.run(
        command + ["recipe.yaml", "--model", model], in: folder, environment: ["PATH": "/nonexistent"])
      XCTAssertEqual(result.status, 1, "\(command): " + result.stderr)
      XCTAssertTrue(
        result.stderr.hasPrefix(
          "recipe.yaml:14:19: error: video: writing 'out/clip.mp4' needs ffmpeg, which is not on PATH; install "
            + "ffmpeg (e.g. apt-get install ffmpeg) or write an .avi\n"), result.stderr)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
  }

  func testFetchFromUnreachableServerFailsClearly() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run(
      ["fetch", "inception5h"], in: folder, environment: ["DREAM_RUN_MODEL_BASE_URL": "http://127.0.0.1:9/"])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(
      result.stderr.hasPrefix(
        "cannot download model 'inception5h' from http://127.0.0.1:9/inception5h.zip: the server cannot be reached"
      ),
      result.stderr)
    XCTAssertTrue(result.stderr.contains("Install it by hand: download https://"), result.stderr)
  }

  func testUsageErrorsExitWith2() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = try TestSupport.run(["run"], in: folder)
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.hasPrefix("Error: Missing expected argument '<recipe>'"), missing.stderr)
    let threads = try TestSupport.run(["x.yaml", "--threads", "0"], in: folder)
    XCTAssertEqual(threads.status, 2)
    XCTAssertTrue(
      threads.stderr.hasPrefix("Error: --threads 0 is out of range; use 1...1024"), threads.stderr)
    let size = try TestSupport.run(["layers", "x.pb", "--size", "800by450"], in: folder)
    XCTAssertEqual(size.status, 2)
    let help = try TestSupport.run(["--help"], in: folder)
    XCTAssertEqual(help.status, 0)
    XCTAssertTrue(help.stdout.contains("SUBCOMMANDS:"), help.stdout)
  }

  /// A run-state folder that is a symbolic link is refused: pruning checkpoints through it would
  /// delete files elsewhere.
  func testASymlinkedCheckpointFolderIsRefusedAndNothingIsDeleted() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    let victim = try TestSupport.temporaryFolder("victim")
    defer {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: victim)
    }
    let precious = String(repeating: "a", count: 64) + ".f32"
    for name in [precious, "notes.f32"] {
      try Data("keep me".utf8).write(to: victim.appendingPathComponent(name))
    }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3), in: folder)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent(".dream-run"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent(".dream-run/recipe.yaml.checkpoints"), withDestinationURL: victim)
    let result = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(
      result.stderr.hasSuffix(
        "recipe.yaml.checkpoints: the run-state folder is a symbolic link; dream-run keeps its state and "
          + "checkpoints in a real folder beside the recipe: remove the link and run again\n"), result.stderr)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: victim.path).sorted(), [precious, "notes.f32"])
  }

  /// A full disk on standard output or error loses the text, never the process.
  func testAFullDiskOnStandardStreamsDoesNotCrash() throws {
    guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full here") }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(), in: folder)
    try TestSupport.writeRecipe("model: [", named: "broken.yaml", in: folder)
    for (arguments, expected) in [
      (["validate", "recipe.yaml"], Int32(0)), (["validate", "broken.yaml"], 2),
    ] {
      let process = Process()
      process.executableURL = try TestSupport.binary()
      process.arguments = arguments
      process.currentDirectoryURL = folder
      process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
      process.standardError = FileHandle(forWritingAtPath: "/dev/full")
      try process.run()
      process.waitUntilExit()
      XCTAssertEqual(process.terminationReason, .exit, "\(arguments): ended by a signal")
      XCTAssertEqual(process.terminationStatus, expected, "\(arguments)")
    }
  }

  /// A model whose convolutions became Conv3D (same bytes otherwise): `layers`, `validate` and a
  /// run name the node and op (exit 1) instead of an empty table or "unknown layer".
  func testAnUnsupportedGraphNamesTheNodeAndOp() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
    let from = Array("Conv2D".utf8)
    var i = 0
    while i + from.count <= bytes.count {
      if Array(bytes[i..<(i + from.count)]) == from { bytes[i + 4] = UInt8(ascii: "3") }
      i += 1
    }
    let mutated = folder.appendingPathComponent("conv3d.pb")
    try Data(bytes).write(to: mutated)
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(), in: folder)
    let expected =
      "conv3d.pb: no layer of this model can be dreamed on: node 'conv1/7x7_s2/conv' uses op 'Conv3D', which "
      + "dream-run does not support\n"
    for command in [
      ["layers", "conv3d.pb"], ["validate", "recipe.yaml", "--model", "conv3d.pb"],
      ["recipe.yaml", "--model", "conv3d.pb"],
    ] {
      let result = try TestSupport.run(command, in: folder)
      XCTAssertEqual(result.status, 1, "\(command)")
      XCTAssertTrue(result.stderr.hasSuffix(expected), result.stderr)
    }
  }

  /// `--model` replaces the recipe's `model:` file, which then need not exist; without it, a
  /// missing model file is a recipe error.
  func testModelOptionReplacesAMissingRecipeModelFile() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(of: "model: inception5h", with: "model: nosuch.pb"),
      in: folder)
    let without = try TestSupport.run(["validate", "recipe.yaml"], in: folder)
    XCTAssertEqual(without.status, 2)
    XCTAssertTrue(
      without.stderr.hasPrefix("recipe.yaml:1:8: error: recipe: model file 'nosuch.pb' not found"),
      without.stderr)
    let with = try TestSupport.run(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(with.status, 0, with.stderr)
  }

  /// Control characters from a recipe (here an ANSI colour code in a file name) are shown escaped.
  func testControlCharactersInMessagesAreEscaped() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(of: "load: input.png", with: "load: \"\\e[31mred.png\""),
      in: folder)
    let result = try TestSupport.run(["validate", "recipe.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertFalse(result.stderr.contains("\u{1B}"), result.stderr)
    XCTAssertTrue(result.stderr.contains("\\u{1B}[31mred.png"), result.stderr)
  }

  /// `validate` checks a 32768x32768 recipe without making the 12 GB frame: it passes under a
  /// 1.5 GB address-space limit.
  func testValidatingTheLargestFrameSizeNeedsNoFrameSizedMemory() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      "model: \(model)\nsize: [32768, 32768]\nsteps:\n  - load: input.png\n  - dream: {layer: 3, iterations: 1}\n"
        + "  - save: out/x.png\n", in: folder)
    let result = try TestSupport.runLimited(["validate", "recipe.yaml"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(
      result.stdout.hasPrefix("recipe.yaml: ok (1 frame, 3 nodes; peak memory about "), result.stdout)
  }

  /// A value that overflows Float32 stops the run with the step and frame, instead of saving a
  /// black frame with exit code 0.
  func testAnOverflowingImageIsAnErrorNamingStepAndFrame() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(
        of: "  - tint: 2\n  - clip\n", with: "  - tint: 3e38\n  - tint: 3e38\n"),
      in: folder)
    let result = try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder)
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(
      result.stderr,
      "recipe.yaml:8:5: error: steps 2, 3, 4 (frame 1): the image overflowed to infinity or NaN; "
        + "use smaller values (e.g. tint, step, dream weights)\n  - zoom: {factor: 1.05}\n    ^\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/01.png").path))
  }

  /// `--frames 1` on a million-frame recipe builds one frame's plan, not a million's: it renders
  /// under a 1.5 GB address-space limit.
  func testTryingAMillionFrameRecipeBuildsOnlyTheFramesAskedFor() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe(frames: 1_000_000, iterations: 1), in: folder)
    let result = try TestSupport.runLimited(["recipe.yaml", "--model", model, "--frames", "2"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("rendered 2 frames (frames 0...1)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("1 video(s) skipped (--frames)"), result.stdout)
  }

  /// A 3 GB file named .png (sparse here) is refused by its size without being read; a text file
  /// named .png is refused by the decoder's signature check.
  func testAHugeOrFakeInputIsRefusedBeforeItIsRead() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let huge = folder.appendingPathComponent("huge.png")
    _ = FileManager.default.createFile(atPath: huge.path, contents: nil)
    let handle = try FileHandle(forWritingTo: huge)
    try handle.truncate(atOffset: 3 << 30)
    try handle.close()
    try Data("hello".utf8).write(to: folder.appendingPathComponent("fake.png"))
    for (name, expected) in [
      (
        "huge.png",
        "recipe.yaml:7:5: error: load: the input image 'huge.png' is 3072 MB; dream-run reads images up to "
          + "512 MB (a PNG or JPEG photo); resize it first\n  - load: huge.png\n    ^"
      ),
      ("fake.png", "fake.png: not a PNG or JPEG image (starts with 'hell'); convert it to PNG or JPEG"),
    ] {
      try TestSupport.writeRecipe(
        TestSupport.tinyRecipe().replacingOccurrences(of: "load: input.png", with: "load: \(name)"),
        in: folder)
      let result = try TestSupport.runLimited(["validate", "recipe.yaml"], in: folder)
      XCTAssertEqual(result.status, 1, name)
      XCTAssertEqual(result.stderr, expected + "\n", name)
    }
  }
}
