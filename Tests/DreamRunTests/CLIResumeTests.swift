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

  func testResumeAfterKill9MatchesAnUninterruptedRun() throws {
    let model = try TestSupport.googlenet()
    let expected = try reference(model: model)
    let folder = try TestSupport.temporaryFolder()
    let logs = try TestSupport.temporaryFolder("logs")
    defer {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: logs)
    }
    try TestSupport.writeRecipe(recipe, in: folder)
    let out = folder.appendingPathComponent("out")
    let process = try TestSupport.start(["recipe.yaml", "--model", model], in: folder, outputs: logs)
    let appeared = TestSupport.wait(timeout: 60) {
      FileManager.default.fileExists(atPath: out.appendingPathComponent("02.png").path)
    }
    XCTAssertTrue(appeared, "frame 2 never appeared")
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
    let model = try TestSupport.googlenet()
    let expected = try reference(model: model)
    let folder = try TestSupport.temporaryFolder()
    let logs = try TestSupport.temporaryFolder("logs")
    defer {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: logs)
    }
    try TestSupport.writeRecipe(recipe, in: folder)
    let out = folder.appendingPathComponent("out")
    let process = try TestSupport.start(["recipe.yaml", "--model", model], in: folder, outputs: logs)
    XCTAssertTrue(
      TestSupport.wait(timeout: 60) {
        FileManager.default.fileExists(atPath: out.appendingPathComponent("01.png").path)
      })
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
