import DreamTestSupport
import Foundation
import XCTest

/// The command line a new user meets: version, help with examples, mistyped commands, bad
/// numbers, completions, the manual page, colour, JSON progress.
final class CLIPolishTests: XCTestCase {
  private var folder = URL(fileURLWithPath: "/")

  override func setUpWithError() throws {
    folder = try TestSupport.temporaryFolder("cli-polish")
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  func testVersionNamesTheEngineAndOpenBLAS() throws {
    let result = try TestSupport.run(["--version"], in: folder)
    XCTAssertEqual(result.status, 0)
    let lines = result.stdout.split(separator: "\n")
    XCTAssertTrue(lines.first?.hasPrefix("dream-run ") == true, result.stdout)
    XCTAssertTrue(lines.contains { $0.hasPrefix("OpenBLAS: ") && $0.contains("(core ") }, result.stdout)
  }

  func testEveryHelpHasExamples() throws {
    for command in [
      [], ["run"], ["check"], ["validate"], ["plan"], ["stats"], ["layers"], ["models"], ["fetch"],
      ["completions"], ["man"],
    ] {
      let result = try TestSupport.run(command + ["--help"], in: folder)
      XCTAssertEqual(result.status, 0, "\(command)")
      XCTAssertTrue(result.stdout.contains("Example"), "\(command) --help has no example:\n\(result.stdout)")
    }
  }

  func testMistypedCommandsAndBadNumbersAreClear() throws {
    let mistyped = try TestSupport.run(["valdate", "recipe.yaml"], in: folder)
    XCTAssertEqual(mistyped.status, 2)
    XCTAssertTrue(
      mistyped.stderr.hasPrefix("Error: unknown command 'valdate' (did you mean 'validate'?)"),
      mistyped.stderr)
    let negative = try TestSupport.run(["recipe.yaml", "--frames", "-1"], in: folder)
    XCTAssertEqual(negative.status, 2)
    XCTAssertTrue(negative.stderr.hasPrefix("Error: --frames -1 must be at least 1"), negative.stderr)
    let threads = try TestSupport.run(["plan", "recipe.yaml", "--threads", "-3"], in: folder)
    XCTAssertTrue(
      threads.stderr.hasPrefix("Error: --threads -3 is out of range; use 1...1024"), threads.stderr)
    let layers = try TestSupport.run(["layers", "nosuch.pb"], in: folder)
    XCTAssertEqual(layers.status, 2)
    XCTAssertTrue(layers.stderr.hasPrefix("layers: file 'nosuch.pb' not found"), layers.stderr)
  }

  func testCompletionScriptsAndManualPage() throws {
    let bash = try TestSupport.run(["completions", "bash"], in: folder)
    XCTAssertEqual(bash.status, 0)
    XCTAssertTrue(bash.stdout.hasPrefix("#!/bin/bash"), String(bash.stdout.prefix(100)))
    XCTAssertTrue(bash.stdout.contains("validate"))
    for shell in ["zsh", "fish"] {
      let script = try TestSupport.run(["completions", shell], in: folder)
      XCTAssertEqual(script.status, 0, shell)
      XCTAssertTrue(script.stdout.contains("dream-run"), shell)
    }
    XCTAssertEqual(try TestSupport.run(["completions", "tcsh"], in: folder).status, 2)
    let man = try TestSupport.run(["man"], in: folder)
    XCTAssertTrue(man.stdout.hasPrefix(".TH DREAM-RUN 1\n.SH NAME\n"), String(man.stdout.prefix(80)))
    for command in ["run", "check", "validate", "plan", "stats", "layers", "completions"] {
      XCTAssertTrue(man.stdout.contains("\n.SS \(command)\n"), command)
    }
    // man renders it without warnings, when man is installed.
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/man") {
      try man.stdout.write(
        to: folder.appendingPathComponent("dream-run.1"), atomically: true, encoding: .utf8)
      let rendered = try TestSupport.runShell("MANWIDTH=80 man -l dream-run.1 2>&1 | head -5", in: folder)
      XCTAssertTrue(rendered.stdout.contains("dream-run - Render DeepDream"), rendered.stdout)
    }
  }

  /// Errors are coloured on a terminal (`script` gives the command one), not with NO_COLOR, not in a
  /// pipe.
  func testErrorsAreColouredOnATerminalUnlessNoColor() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
      throw XCTSkip("util-linux 'script' is not installed")
    }
    let binary = try TestSupport.binary().path
    let coloured = try TestSupport.runShell(
      "TERM=xterm NO_COLOR= script -qc '\(binary) validate nosuch.yaml' /dev/null", in: folder)
    XCTAssertTrue(
      coloured.stdout.contains("\u{1B}[1;31merror:\u{1B}[0m recipe: cannot read"), coloured.stdout)
    let plain = try TestSupport.runShell(
      "TERM=xterm NO_COLOR=1 script -qc '\(binary) validate nosuch.yaml' /dev/null", in: folder)
    XCTAssertTrue(plain.stdout.contains("nosuch.yaml: error: recipe: cannot read"), plain.stdout)
    let piped = try TestSupport.run(["validate", "nosuch.yaml"], in: folder)
    XCTAssertFalse(piped.stderr.contains("\u{1B}"), piped.stderr)
  }

  /// `--json`: one object per line, every frame with its files; denominators follow `--frames`.
  func testJSONProgressAndFrameLimitedDenominators() throws {
    let model = try TestSupport.googlenet()
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 5, iterations: 1), in: folder)
    let result = try TestSupport.run(
      ["recipe.yaml", "--model", model, "--json", "--frames", "3"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    let events = try result.stdout.split(separator: "\n").map { line in
      try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
    }
    XCTAssertEqual(events.first?["event"] as? String, "begin")
    XCTAssertEqual(events.first?["frames"] as? Int, 3, "--frames 3: the run is about 3 frames")
    let frames = events.filter { $0["event"] as? String == "frame" }
    XCTAssertEqual(frames.map { $0["frame"] as? Int }, [0, 1, 2])
    XCTAssertEqual(frames.map { $0["files"] as? [String] }, [["out/00.png"], ["out/01.png"], ["out/02.png"]])
    XCTAssertEqual(frames.map { $0["rendered"] as? Bool }, [false, true, true], "frame 0 is the input")
    XCTAssertEqual(events.last?["event"] as? String, "done")
    XCTAssertEqual(events.last?["frames_written"] as? [Int], [0, 1, 2])
    // The plain summary divides by rendered frames only.
    let again = try TestSupport.run(["recipe.yaml", "--model", model, "--frames", "4"], in: folder)
    XCTAssertTrue(again.stdout.hasPrefix("rendered 1 frame (frame 3) in "), again.stdout)
    XCTAssertTrue(again.stderr.contains("3 of 4 frames up to date; rendering 1"), again.stderr)
  }
}
