import DreamEngine
import DreamRun
import Foundation
import XCTest

/// Golden renders go through the user's command: `dream-run check golden/` renders every recipe in
/// golden/ and compares it with golden/references/<recipe>/ exactly (the references record a pinned
/// OpenBLAS core, which check pins again, so they match on any AVX2 machine).
///
/// Re-record with `dream-run check --update golden/ --model ../shared/models/googlenet.pb`.
final class GoldenTests: XCTestCase {
  func testGoldenRecipesMatchTheirReferences() throws {
    let model = try TestSupport.googlenet()
    let report = try TestSupport.temporaryFolder("golden-report")
    defer { try? FileManager.default.removeItem(at: report) }
    let result = try TestSupport.run(
      ["check", "golden", "--model", model, "--report", report.path, "--quiet"], in: TestSupport.packageRoot)
    XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    XCTAssertTrue(result.stdout.contains("check: 3 recipes: 3 match"), result.stdout)
    XCTAssertTrue(FileManager.default.fileExists(atPath: report.appendingPathComponent("index.html").path))
  }

  /// Every example recipe has a reference set at its check size, and matches it.
  func testExampleRecipesMatchTheirReferences() throws {
    let model = try TestSupport.googlenet()
    let report = try TestSupport.temporaryFolder("recipes-report")
    defer { try? FileManager.default.removeItem(at: report) }
    let result = try TestSupport.run(
      ["check", "recipes", "--model", model, "--report", report.path, "--quiet"], in: TestSupport.packageRoot)
    XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    XCTAssertTrue(
      result.stdout.contains("check: 11 recipes (26 checks with sweep variants): 26 match"), result.stdout)
  }

  /// The same golden recipes at 1, 2 and 3 threads: exact checks pass at each count, and the files
  /// a run writes are byte-identical.
  func testRendersAreByteIdenticalAtOneTwoAndThreeThreads() throws {
    let model = try TestSupport.googlenet()
    let report = try TestSupport.temporaryFolder("threads-report")
    defer { try? FileManager.default.removeItem(at: report) }
    var renders: [[String: Data]] = []
    for threads in ["1", "2", "3"] {
      let result = try TestSupport.run(
        ["check", "golden", "--model", model, "--report", report.path, "--quiet", "--threads", threads],
        in: TestSupport.packageRoot)
      XCTAssertEqual(result.status, 0, "threads \(threads): " + result.stdout + result.stderr)
      renders.append(
        try TestSupport.files(in: report).filter { $0.key.contains("/new/") && $0.key.hasSuffix(".png") })
    }
    XCTAssertEqual(renders[0].count, 8)
    XCTAssertEqual(renders[0], renders[1], "1 vs 2 threads")
    XCTAssertEqual(renders[0], renders[2], "1 vs 3 threads")
  }
}
