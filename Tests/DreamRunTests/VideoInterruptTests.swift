import Foundation
import XCTest

/// Ctrl-C and `kill -9` while ffmpeg encodes an .mp4: nothing keeps running, nothing is leaked.
final class VideoInterruptTests: XCTestCase {
  /// A recipe whose frames are already rendered (but the last), so a run does little but the .mp4 (300 frames at
  /// 480x270: long enough to catch ffmpeg at work).
  private func videoOnlyRun() throws -> (folder: URL, logs: URL, process: Process, ffmpeg: Int32) {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); .mp4 interruption not tested")
    }
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    let logs = try TestSupport.temporaryFolder("logs")
    addTeardownBlock {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: logs)
    }
    try FileManager.default.copyItem(
      at: TestSupport.tinyInput, to: folder.appendingPathComponent("input.png"))
    try TestSupport.writeRecipe(
      """
      model: inception5h
      frames: 300
      size: [480, 270]
      steps:
        - load: input.png
        - tint: {0: 0, 299: 60}
        - save: f/{frame:03}.png
        - video: {path: clip.mp4, fps: 25}

      """, in: folder)
    let frames = try TestSupport.run(
      ["recipe.yaml", "--model", model, "--frames", "299", "--quiet"], in: folder)
    XCTAssertEqual(frames.status, 0, frames.stderr)
    let process = try TestSupport.start(["recipe.yaml", "--model", model], in: folder, outputs: logs)
    var ffmpeg: Int32?
    _ = TestSupport.wait(timeout: 60) {
      ffmpeg = Self.children(of: process.processIdentifier).first { Self.name(of: $0) == "ffmpeg" }
      return ffmpeg != nil || !process.isRunning
    }
    guard let ffmpeg else {
      process.waitUntilExit()
      throw XCTSkip("the video was finished before ffmpeg could be seen; nothing to interrupt")
    }
    return (folder, logs, process, ffmpeg)
  }

  func testCtrlCDuringTheVideoStopsFFmpegWithExitCode130() throws {
    let run = try videoOnlyRun()
    kill(run.process.processIdentifier, SIGINT)
    run.process.waitUntilExit()
    let result = TestSupport.collect(run.process, outputs: run.logs)
    XCTAssertEqual(result.status, 130, result.stderr)
    XCTAssertTrue(
      result.stderr.hasSuffix(
        "interrupted while writing clip.mp4 (every frame is done); rerun to make the video\n"),
      result.stderr)
    XCTAssertTrue(TestSupport.wait(timeout: 10) { kill(run.ffmpeg, 0) != 0 }, "ffmpeg still runs")
    XCTAssertEqual(try Self.videoFiles(in: run.folder), [])
  }

  func testKill9DuringTheVideoLeavesNoFFmpegAndNoLeftovers() throws {
    let run = try videoOnlyRun()
    kill(run.process.processIdentifier, SIGKILL)
    run.process.waitUntilExit()
    // ffmpeg reads the end of its input and exits on its own.
    XCTAssertTrue(
      TestSupport.wait(timeout: 30) { kill(run.ffmpeg, 0) != 0 || Self.name(of: run.ffmpeg) != "ffmpeg" })
    let model = try TestSupport.googlenet()
    let rerun = try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: run.folder)
    XCTAssertEqual(rerun.status, 0, rerun.stderr)
    XCTAssertEqual(
      try Self.videoFiles(in: run.folder), ["clip.mp4"], "the killed run's temporary file is gone")
  }

  /// Everything but the frames, the input and dream-run's own folder.
  private static func videoFiles(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
      !["f", "input.png", "recipe.yaml", ".dream-run"].contains($0)
    }.sorted()
  }

  /// Process ids whose parent is `pid` (from /proc).
  private static func children(of pid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { child in
      guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return false }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 1 && Int32(fields[1]) == pid
    }
  }

  private static func name(of pid: Int32) -> String? {
    (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(
      in: .whitespacesAndNewlines)
  }
}
