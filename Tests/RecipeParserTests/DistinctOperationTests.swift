import RecipeParser
import XCTest

/// The distinct operations that checks look at: every frame when that is cheap, frames around
/// keyframes otherwise, never a node per frame.
final class DistinctOperationTests: XCTestCase {
  /// Constant steps are checked once, at the first frame they run in; the plan size comes out
  /// without building the plan.
  func testConstantStepsAreCheckedOnce() throws {
    let parsed = try recipe(
      withSteps(
        "  - zoom: {factor: 1.05}\n  - tint: 2\n  - dream: {layer: 3}\n  - save: f/{frame}.png\n",
        header: "model: inception5h\nframes: 1000000\nframe0: input\n"))
    let occurrences = parsed.distinctOperations()
    XCTAssertEqual(occurrences.map(\.frame), [1, 1, 1])
    XCTAssertEqual(occurrences.map(\.step.number), [2, 3, 4])
    let size = ExecutionPlan.size(of: parsed)
    XCTAssertEqual(size.frames, 1_000_000)
    XCTAssertEqual(size.nodes, 1 + 1 + 999_999 * 3)
    XCTAssertEqual(
      ExecutionPlan.size(
        of: try recipe(
          withSteps("  - tint: 2\n  - save: a/{frame}.png\n", header: "model: inception5h\nframes: 3\n"))
      ).nodes,
      ExecutionPlan(
        recipe: try recipe(
          withSteps("  - tint: 2\n  - save: a/{frame}.png\n", header: "model: inception5h\nframes: 3\n"))
      ).nodes.count)
  }

  /// A short keyframed schedule is evaluated at every frame it spans: each distinct value once.
  func testAShortScheduleIsEvaluatedAtEveryFrame() throws {
    let parsed = try recipe(
      withSteps(
        "  - zoom: {trim: {top: {0: 0, 10: 10}}}\n  - save: f/{frame}.png\n",
        header: "model: inception5h\nframes: 50\n"))
    XCTAssertEqual(parsed.distinctOperations().map(\.frame), Array(0...10))
    XCTAssertEqual(parsed.distinctOperations(frameLimit: 4).map(\.frame), [0, 1, 2, 3])
  }

  /// Past the budget (two schedules spanning a million frames) each step is evaluated only at its
  /// ends and around its keyframes.
  func testLongSchedulesAreEvaluatedAroundTheirKeyframes() throws {
    let parsed = try recipe(
      withSteps(
        "  - zoom: {factor: {0: 1.0, 500000: 1.1, 999999: 1.0}}\n  - tint: {0: 0, 999999: 5}\n  - save: f/{frame}.png\n",
        header: "model: inception5h\nframes: 1000000\n"))
    let occurrences = parsed.distinctOperations()
    // Frame 999_999's factor 1.0 repeats frame 0's.
    XCTAssertEqual(
      occurrences.filter { $0.step.number == 2 }.map(\.frame), [0, 1, 499_999, 500_000, 500_001, 999_998])
    XCTAssertEqual(occurrences.filter { $0.step.number == 3 }.map(\.frame), [0, 1, 999_998, 999_999])
  }
}
