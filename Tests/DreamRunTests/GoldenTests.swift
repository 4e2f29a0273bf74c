import DreamEngine
import DreamRun
import Foundation
import XCTest

/// Golden renders: the recipes in golden/ rendered twice must give byte-identical files
/// (determinism), and their pixels must match the committed frames in golden/expected/<recipe>/
/// within a tolerance of at most 2 levels per sample and a mean absolute difference of at most
/// 0.5 (room for a different BLAS build; the same build gives exact equality).
///
/// Re-record with `DREAM_RECORD_GOLDEN=1 swift test -c release --filter GoldenTests`; a run that
/// records fails, so a recording is never mistaken for a pass.
final class GoldenTests: XCTestCase {
  static let maximumDifference: Float = 2
  static let maximumMeanDifference: Double = 0.5

  func testTinyZoom() throws {
    try checkGolden("tiny-zoom", frames: 3)
  }

  func testTinyOctaves() throws {
    try checkGolden("tiny-octaves", frames: 2)
  }

  private func checkGolden(_ name: String, frames: Int) throws {
    let model = try TestSupport.googlenet()
    let first = try render(name, model: model)
    let second = try render(name, model: model)
    XCTAssertEqual(first.keys.sorted(), (0..<frames).map { String(format: "%02d.png", $0) })
    for (file, bytes) in first {
      XCTAssertEqual(bytes, second[file], "\(name)/\(file): two renders differ (not deterministic)")
    }
    let expectedFolder = TestSupport.packageRoot.appendingPathComponent("golden/expected/\(name)")
    if ProcessInfo.processInfo.environment["DREAM_RECORD_GOLDEN"] == "1" {
      try? FileManager.default.removeItem(at: expectedFolder)
      try FileManager.default.createDirectory(at: expectedFolder, withIntermediateDirectories: true)
      for (file, bytes) in first { try bytes.write(to: expectedFolder.appendingPathComponent(file)) }
      XCTFail(
        "recorded \(first.count) golden frames in \(expectedFolder.path); rerun without DREAM_RECORD_GOLDEN")
      return
    }
    for file in first.keys.sorted() {
      let expectedURL = expectedFolder.appendingPathComponent(file)
      guard let expectedBytes = FileManager.default.contents(atPath: expectedURL.path) else {
        XCTFail("\(expectedURL.path) is missing; record goldens with DREAM_RECORD_GOLDEN=1")
        continue
      }
      let expected = try ImageCodec.decode([UInt8](expectedBytes), name: expectedURL.path)
      let actual = try ImageCodec.decode([UInt8](first[file] ?? Data()), name: file)
      XCTAssertEqual(actual.width, expected.width)
      XCTAssertEqual(actual.height, expected.height)
      guard actual.pixels.count == expected.pixels.count else { continue }
      var maximum: Float = 0
      var sum = 0.0
      for i in 0..<actual.pixels.count {
        let difference = abs(actual.pixels[i] - expected.pixels[i])
        maximum = max(maximum, difference)
        sum += Double(difference)
      }
      let mean = sum / Double(actual.pixels.count)
      XCTAssertLessThanOrEqual(maximum, Self.maximumDifference, "\(name)/\(file): max abs difference")
      XCTAssertLessThanOrEqual(mean, Self.maximumMeanDifference, "\(name)/\(file): mean abs difference")
    }
  }

  /// Copies the recipe and its input to a fresh folder, renders it in-process, returns the frames.
  private func render(_ name: String, model: String) throws -> [String: Data] {
    let folder = try TestSupport.temporaryFolder("golden-\(name)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let golden = TestSupport.packageRoot.appendingPathComponent("golden")
    try FileManager.default.copyItem(
      at: golden.appendingPathComponent("\(name).yaml"), to: folder.appendingPathComponent("\(name).yaml"))
    try FileManager.default.copyItem(
      at: golden.appendingPathComponent("inputs"), to: folder.appendingPathComponent("inputs"))
    let options = RunOptions(recipePath: folder.appendingPathComponent("\(name).yaml").path, model: model)
    let prepared = try PreparedRun.prepare(
      options, environment: ["DREAM_RUN_CACHE": folder.appendingPathComponent("cache").path])
    let summary = try Executor(prepared, reporter: ProgressReporter(mode: .quiet, write: { _ in })).execute()
    XCTAssertFalse(summary.framesWritten.isEmpty)
    return try TestSupport.files(in: folder.appendingPathComponent(name))
  }
}
