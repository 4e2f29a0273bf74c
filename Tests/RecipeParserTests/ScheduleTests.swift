import DreamVocabulary
import RecipeParser
import XCTest

/// Keyframe schedules: interpolation, holding, integer rounding, step-wise layers, and keyframe
/// errors.
final class ScheduleTests: XCTestCase {
  private let here = SourceLocation(file: "t.yaml", line: 1, column: 1)

  private func keyframes<Value>(_ pairs: [(Int, Value)]) -> Schedule<Value> {
    Schedule(keyframes: pairs.map { .init(frame: $0.0, value: $0.1, location: here) })
  }

  func testLinearInterpolationAndHolding() {
    let schedule = keyframes([(10, 1.0), (20, 2.0), (30, 0.0)])
    XCTAssertEqual(schedule.value(atFrame: 0), 1.0)
    XCTAssertEqual(schedule.value(atFrame: 10), 1.0)
    XCTAssertEqual(schedule.value(atFrame: 15), 1.5)
    XCTAssertEqual(schedule.value(atFrame: 20), 2.0)
    XCTAssertEqual(schedule.value(atFrame: 25), 1.0)
    XCTAssertEqual(schedule.value(atFrame: 30), 0.0)
    XCTAssertEqual(schedule.value(atFrame: 1000), 0.0)
    XCTAssertTrue(schedule.isKeyframed)
  }

  func testConstantSchedule() {
    let schedule = Schedule(constant: 0.7, at: here)
    XCTAssertEqual(schedule.value(atFrame: 0), 0.7)
    XCTAssertEqual(schedule.value(atFrame: 99), 0.7)
    XCTAssertFalse(schedule.isKeyframed)
  }

  func testIntegersRoundHalfAwayFromZero() {
    let schedule = keyframes([(0, 10), (4, 20)])
    XCTAssertEqual((0...4).map { schedule.value(atFrame: $0) }, [10, 13, 15, 18, 20])
    let negative = keyframes([(0, 0), (2, -3)])
    XCTAssertEqual(negative.value(atFrame: 1), -2)
  }

  func testLayersSwitchAtKeyframesWithoutBlending() {
    let schedule = keyframes([(0, LayerReference.name("mixed3a")), (30, .index(7))])
    XCTAssertEqual(schedule.value(atFrame: 0), .name("mixed3a"))
    XCTAssertEqual(schedule.value(atFrame: 29), .name("mixed3a"))
    XCTAssertEqual(schedule.value(atFrame: 30), .index(7))
    XCTAssertEqual(schedule.value(atFrame: 59), .index(7))
  }

  func testParsedScheduleKeepsLocations() throws {
    let parsed = try recipe(
      withSteps("  - zoom:\n      factor: {0: 1.0, 25: 2.0}\n", header: "model: inception5h\nframes: 50\n"))
    guard case .zoom(.factor(let factor)) = parsed.pipeline[0].operation else { return XCTFail("zoom") }
    XCTAssertEqual(factor.keyframes.map(\.frame), [0, 25])
    XCTAssertEqual(
      factor.keyframes[1].location, SourceLocation(file: "recipes/test.yaml", line: 6, column: 28))
    XCTAssertEqual(factor.value(atFrame: 5), 1.2, accuracy: 1e-12)
    XCTAssertEqual(factor.value(atFrame: 49), 2.0)
  }

  func testKeyframeProblems() {
    assertDiagnostics(
      withSteps(
        "  - tint: {0: 1, 60: 2}\n  - tint: {5: 1, 2: 2}\n  - tint: {x: 1}\n  - tint: {1.5: 1}\n  - tint: {}\n"
          + "  - tint: {0: a}\n",
        header: "model: inception5h\nframes: 50\n"),
      """
      recipes/test.yaml:5:18: error: tint: keyframe 60 of 'tint' is out of range (frames are 0...49)
        - tint: {0: 1, 60: 2}
                       ^
      recipes/test.yaml:6:18: error: tint: keyframe 2 of 'tint' comes after keyframe 5; write keyframes in increasing order
        - tint: {5: 1, 2: 2}
                       ^
      recipes/test.yaml:7:12: error: tint: keyframe 'x' of 'tint' must be a frame number
        - tint: {x: 1}
                 ^
      recipes/test.yaml:8:12: error: tint: keyframe '1.5' of 'tint' must be a frame number
        - tint: {1.5: 1}
                 ^
      recipes/test.yaml:9:11: error: tint: 'tint' has no keyframes; write a value or a map like {0: 1.0, 25: 2.0}
        - tint: {}
                ^
      recipes/test.yaml:10:15: error: tint: 'tint' must be a number, got 'a'
        - tint: {0: a}
                    ^
      """)
  }

  func testSingleFrameRangeMessage() {
    assertDiagnostics(
      withSteps("  - dream: {layer: {0: 3, 1: 4}}\n"),
      """
      recipes/test.yaml:4:27: error: dream: keyframe 1 of 'layer' is out of range (the only frame is 0)
        - dream: {layer: {0: 3, 1: 4}}
                                ^
      """)
  }

  func testKeyframedValuesAreRangeChecked() {
    assertDiagnostics(
      withSteps(
        "  - dream: {layer: 3, rescale: {0: 0.5, 9: 1.2}}\n", header: "model: inception5h\nframes: 10\n"),
      """
      recipes/test.yaml:5:44: error: dream: 'rescale' must be between 0 and 1 (both excluded), got 1.2
        - dream: {layer: 3, rescale: {0: 0.5, 9: 1.2}}
                                                 ^
      """)
  }
}
