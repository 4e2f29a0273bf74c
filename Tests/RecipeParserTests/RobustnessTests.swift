import Foundation
import RecipeParser
import XCTest

/// No input crashes the parser: every prefix of a real recipe, byte flips, deep nesting, huge
/// numbers. Each must come back as a recipe or as diagnostics.
final class RobustnessTests: XCTestCase {
  private func parseBytes(_ bytes: [UInt8]) -> Result<Recipe, DiagnosticList> {
    let fileSystem = InMemoryFileSystem(files: ["recipes/in.png": Array("png".utf8)])
    return RecipeFile.parse(bytes: bytes, file: "recipes/x.yaml", fileSystem: fileSystem)
  }

  private let sample = Array(
    """
    model: inception5h
    seed: 3
    frames: 4
    frame0: input
    size: [64, 48]
    steps:
      - load: in.png
      - zoom: {factor: {0: 1.0, 3: 1.1}}
      - tint: [1, 2, 3]
      - clip
      - dream:
          layer: [{layer: mixed3a, weight: 1, channels: [1, 2]}, {layer: 4}]
          iterations: 3
      - save: "out/{frame:03}.jpg"
      - video: {path: out.mp4, fps: 10}

    """.utf8)

  func testEveryPrefixParsesOrFailsCleanly() {
    var parsed = 0
    for length in 0...sample.count {
      switch parseBytes(Array(sample.prefix(length))) {
      case .success: parsed += 1
      case .failure(let list): XCTAssertFalse(list.diagnostics.isEmpty)
      }
    }
    XCTAssertGreaterThan(parsed, 0)
  }

  func testByteFlipsParseOrFailCleanly() {
    let replacements: [UInt8] = [
      0x00, 0x09, 0x0A, 0x22, 0x27, 0x2D, 0x3A, 0x5B, 0x7B, 0x7D, 0x26, 0x2A, 0xFF,
    ]
    for position in stride(from: 0, to: sample.count, by: 3) {
      for byte in replacements {
        var bytes = sample
        bytes[position] = byte
        if case .failure(let list) = parseBytes(bytes) { XCTAssertFalse(list.diagnostics.isEmpty) }
      }
    }
  }

  func testDeepNestingIsRejectedWithoutCrashing() {
    let deep = "model: " + String(repeating: "[", count: 100_000) + "\n"
    guard case .failure(let list) = parseBytes(Array(deep.utf8)) else { return XCTFail("expected failure") }
    XCTAssertEqual(list.diagnostics.count, 1)
  }

  func testHugeNumbersDoNotOverflow() {
    let big = "9223372036854775807"
    let yaml =
      "model: inception5h\nframes: 3\nsize: [100, 100]\nsteps:\n  - load: in.png\n"
      + "  - zoom: {trim: {top: \(big), bottom: \(big)}}\n"
      + "  - dream: {layer: 3, iterations: {0: \(big), 2: 9223372036854775806}, tile: 99999999999999999999}\n"
    guard case .failure(let list) = parseBytes(Array(yaml.utf8)) else { return XCTFail("expected failure") }
    XCTAssertEqual(
      list.diagnostics.map(\.message),
      [
        "'top' must be 0...32768, got 9223372036854775807",
        "'bottom' must be 0...32768, got 9223372036854775807",
        "'tile' must be an integer, got '99999999999999999999'",
      ])
    let extreme = Schedule(keyframes: [
      .init(frame: 0, value: Int.max, location: .wholeFile("x")),
      .init(frame: 2, value: Int.max - 1, location: .wholeFile("x")),
    ])
    XCTAssertEqual(extreme.value(atFrame: 1), Int.max)
  }

  func testTooManyFramesIsAnError() {
    let yaml = "model: inception5h\nframes: 1000000000\nsteps:\n  - load: in.png\n"
    guard case .failure(let list) = parseBytes(Array(yaml.utf8)) else { return XCTFail("expected failure") }
    XCTAssertEqual(list.diagnostics.map(\.message), ["'frames' must be 1...1000000, got 1000000000"])
  }
}
