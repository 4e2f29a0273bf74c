import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Interruptions: kill -9 at any moment and Ctrl-C leave no partial frame, and a rerun finishes
/// with frames byte-identical to an uninterrupted run.
final class CLIResumeTests: XCTestCase {
  /// Long enough per frame (a few tenths of a second) to be interrupted mid-run.
  private let recipe = TestSupport.tinyRecipe(frames: 9, iterations: 25, step: "1.2")

  private func reference(model: String) throws -> [String: Data] {
    let folder = try TestSupport.temporaryFolder("reference")
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(recipe, in: folder)
    let result = try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    return try TestSupport.files(in: folder.appendingPathComponent("out"))
  }

  /// A started run of `recipe` in a fresh folder (removed after the test), once `frame` exists,
  /// with the files an uninterrupted run writes.
  private struct StartedRun {
    let model: String
    let expected: [String: Data]
    let folder: URL
    let out: URL
    let logs: URL
    let process: Process
  }

  private func startRun(waitingFor frame: String) throws -> StartedRun {
    let model = try TestSupport.googlenet()
    let expected = try reference(model: model)
    let folder = try TestSupport.temporaryFolder()
    let logs = try TestSupport.temporaryFolder("logs")
    addTeardownBlock {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: logs)
    }
    try TestSupport.writeRecipe(recipe, in: folder)
    let out = folder.appendingPathComponent("out")
    let process = try TestSupport.start(["recipe.yaml", "--model", model], in: folder, outputs: logs)
    let appeared = TestSupport.wait(timeout: 60) {
      FileManager.default.fileExists(atPath: out.appendingPathComponent(frame).path)
    }
    XCTAssertTrue(appeared, "\(frame) never appeared")
    return StartedRun(
      model: model, expected: expected, folder: folder, out: out, logs: logs, process: process)
  }

  func testResumeAfterKill9MatchesAnUninterruptedRun() throws {
    let run = try startRun(waitingFor: "02.png")
    let (model, expected, folder, out, process) = (run.model, run.expected, run.folder, run.out, run.process)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .uncaughtSignal)
    let partial = try TestSupport.files(in: out)
    XCTAssertLessThan(
      partial.count, expected.count, "the run finished before it was killed; make frames slower")
    for (name, bytes) in partial where !name.hasPrefix(".") {
      XCTAssertEqual(bytes, expected[name], "\(name) written before the kill differs")
    }
    let rerun = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(rerun.status, 0, rerun.stderr)
    XCTAssertFalse(
      rerun.stdout.contains("(frames 0..."), "finished frames were rendered again: \(rerun.stdout)")
    XCTAssertEqual(try TestSupport.files(in: out), expected)
  }

  func testCtrlCStopsCleanlyWithExitCode130AndResumes() throws {
    let run = try startRun(waitingFor: "01.png")
    let (model, expected, folder, out, logs, process) = (
      run.model, run.expected, run.folder, run.out, run.logs, run.process
    )
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let result = TestSupport.collect(process, outputs: logs)
    XCTAssertEqual(result.status, 130, result.stderr)
    XCTAssertEqual(process.terminationReason, .exit)
    let last = try XCTUnwrap(result.stderr.split(separator: "\n").last)
    XCTAssertTrue(
      last.hasPrefix("interrupted after frame ") && last.hasSuffix("; rerun to continue"), result.stderr)
    let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
    XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    XCTAssertFalse(names.contains("clip.avi"))
    for name in names {
      XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(name)), expected[name], name)
    }
    let rerun = try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder)
    XCTAssertEqual(rerun.status, 0, rerun.stderr)
    XCTAssertEqual(try TestSupport.files(in: out), expected)
  }
}
