import RecipeParser
import XCTest

/// The `dream` step: layers, objectives, algorithms, presets, ranges.
final class DreamStepTests: XCTestCase {
  private func dream(_ settings: String, header: String = "model: inception5h\n") throws -> DreamStep {
    let parsed = try recipe(withSteps("  - dream:\n" + settings, header: header))
    guard let first = parsed.dreamSteps.first else { throw DiagnosticList([]) }
    return first.dream
  }

  func testClassicDefaults() throws {
    let step = try dream("      layer: mixed4c\n")
    XCTAssertEqual(step.terms.count, 1)
    XCTAssertEqual(step.terms[0].layer.firstValue, .name("mixed4c"))
    XCTAssertEqual(step.terms[0].weight.firstValue, 1)
    XCTAssertNil(step.terms[0].channels)
    XCTAssertEqual(step.objective.value, .meanSquare)
    XCTAssertNil(step.preset)
    XCTAssertEqual(step.algorithm.name, .classic)
    XCTAssertEqual(
      step.algorithm.numbers.mapValues(\.firstValue),
      [
        "iterations": 10, "step": 3.0, "rescale": 0.7, "repeats": 4, "blend": 0.2, "tile": 400,
        "lap-levels": 4,
        "tv": 0,
      ])
    XCTAssertEqual(step.algorithm.blur?.value, .twoD)
    XCTAssertEqual(step.algorithm.quantizeOctaves?.value, false)
  }

  func testSeedPresetChangesBlurAndQuantisationAndExplicitKeysWin() throws {
    let step = try dream("      preset: seed\n      layer: 3\n      iterations: 20\n      blur: 2d\n")
    XCTAssertEqual(step.preset?.value, .seed)
    XCTAssertEqual(step.algorithm.numbers["iterations"]?.firstValue, 20)
    XCTAssertEqual(step.algorithm.blur?.value, .twoD)
    XCTAssertEqual(step.algorithm.quantizeOctaves?.value, true)
    let preset = try dream("      {preset: seed, layer: 3}\n").algorithm
    let spelled = try dream(
      "      {layer: 3, blur: 3d, quantize-octaves: true, iterations: 10, step: 3, rescale: 0.7, repeats: 4, "
        + "blend: 0.2, tile: 400}\n"
    ).algorithm
    XCTAssertEqual(values(preset), values(spelled))
  }

  /// The settings' values without their locations.
  private func values(_ algorithm: AlgorithmSettings) -> String {
    let numbers = algorithm.numbers.mapValues(\.firstValue).sorted { $0.key < $1.key }
    return "\(algorithm.name) \(numbers) \(String(describing: algorithm.blur?.value)) "
      + String(describing: algorithm.quantizeOctaves?.value)
  }

  func testOctaveDefaults() throws {
    let step = try dream("      layer: 7\n      algorithm: octaves\n      objective: mean\n")
    XCTAssertEqual(step.objective.value, .mean)
    XCTAssertEqual(step.algorithm.name, .octaves)
    XCTAssertEqual(
      step.algorithm.numbers.mapValues(\.firstValue),
      [
        "octaves": 4, "octave-scale": 1.4, "iterations": 10, "step": 1.5, "jitter": 32, "tile": 400,
        "lap-levels": 4, "tv": 0,
      ])
    XCTAssertNil(step.algorithm.blur)
  }

  func testMultiLayerObjectiveAndChannels() throws {
    let step = try dream(
      "      layer:\n        - {layer: mixed3a, weight: 1.0, channels: [1, 5]}\n        - layer: 9\n          weight: -0.5\n"
    )
    XCTAssertEqual(step.terms.count, 2)
    XCTAssertEqual(step.terms[0].layer.firstValue, .name("mixed3a"))
    XCTAssertEqual(step.terms[0].channels?.value, [1, 5])
    XCTAssertEqual(step.terms[1].layer.firstValue, .index(9))
    XCTAssertEqual(step.terms[1].weight.firstValue, -0.5)
    let single = try dream("      layer: 3\n      channels: [0, 2, 4]\n")
    XCTAssertEqual(single.terms[0].channels?.value, [0, 2, 4])
  }

  func testRangeProblemsAllAtOnce() {
    assertDiagnostics(
      withSteps(
        "  - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}\n"),
      """
      recipes/test.yaml:4:35: error: dream: 'iterations' must not be negative, got -1
        - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}
                                        ^
      recipes/test.yaml:4:45: error: dream: 'step' must not be negative, got -2
        - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}
                                                  ^
      recipes/test.yaml:4:58: error: dream: 'rescale' must be between 0 and 1 (both excluded), got 1
        - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}
                                                               ^
      recipes/test.yaml:4:70: error: dream: 'repeats' must be 0...64, got -1
        - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}
                                                                           ^
      recipes/test.yaml:4:81: error: dream: 'blend' must be between 0 and 1, got 1.5
        - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}
                                                                                      ^
      recipes/test.yaml:4:92: error: dream: 'tile' must be at least 32 pixels, got 16
        - dream: {layer: 3, iterations: -1, step: -2, rescale: 1, repeats: -1, blend: 1.5, tile: 16}
                                                                                                 ^
      """)
  }

  func testOctaveRangeProblems() {
    assertDiagnostics(
      withSteps("  - dream: {layer: 3, algorithm: octaves, octaves: 0, octave-scale: 1, jitter: -4}\n"),
      """
      recipes/test.yaml:4:52: error: dream: 'octaves' must be 1...64, got 0
        - dream: {layer: 3, algorithm: octaves, octaves: 0, octave-scale: 1, jitter: -4}
                                                         ^
      recipes/test.yaml:4:69: error: dream: 'octave-scale' must be greater than 1, got 1
        - dream: {layer: 3, algorithm: octaves, octaves: 0, octave-scale: 1, jitter: -4}
                                                                          ^
      recipes/test.yaml:4:80: error: dream: 'jitter' must not be negative, got -4
        - dream: {layer: 3, algorithm: octaves, octaves: 0, octave-scale: 1, jitter: -4}
                                                                                     ^
      """)
  }

  func testKeysOfTheOtherAlgorithmAndUnknownKeys() {
    assertDiagnostics(
      withSteps(
        "  - dream:\n      layer: 3\n      algorithm: octaves\n      rescale: 0.5\n      iteration: 3\n"),
      """
      recipes/test.yaml:7:7: error: dream: 'rescale' belongs to the classic algorithm; this step uses 'octaves'
            rescale: 0.5
            ^
      recipes/test.yaml:8:7: error: dream: unknown key 'iteration' (did you mean 'iterations'?)
            iteration: 3
            ^
      """)
    assertDiagnostics(
      withSteps("  - dream: {layer: 3, jitter: 4}\n"),
      """
      recipes/test.yaml:4:23: error: dream: 'jitter' belongs to the octaves algorithm; this step uses 'classic'
        - dream: {layer: 3, jitter: 4}
                            ^
      """)
  }

  func testChoicesAndPresetConflicts() {
    assertDiagnostics(
      withSteps(
        "  - dream: {layer: 3, objective: mean-squared, blur: 3D}\n"
          + "  - dream: {layer: 3, preset: seed, algorithm: octaves}\n  - dream: {layer: 3, preset: google}\n"
      ),
      """
      recipes/test.yaml:4:34: error: dream: 'objective' must be 'mean-square' or 'mean', got 'mean-squared' (did you mean 'mean-square'?)
        - dream: {layer: 3, objective: mean-squared, blur: 3D}
                                       ^
      recipes/test.yaml:4:54: error: dream: 'blur' must be '3d', '2d' or 'none', got '3D' (did you mean '3d'?)
        - dream: {layer: 3, objective: mean-squared, blur: 3D}
                                                           ^
      recipes/test.yaml:5:48: error: dream: preset 'seed' uses the classic algorithm; remove the preset or 'algorithm: octaves'
        - dream: {layer: 3, preset: seed, algorithm: octaves}
                                                     ^
      recipes/test.yaml:6:31: error: dream: 'preset' must be 'seed', got 'google'
        - dream: {layer: 3, preset: google}
                                    ^
      """)
  }

  func testLayerProblems() {
    assertDiagnostics(
      withSteps(
        "  - dream: {iterations: 3}\n  - dream: {layer: -1}\n  - dream: {layer: 2.5}\n  - dream: {layer: [], step: 1}\n"
          + "  - dream: {layer: [{layer: 3}], channels: [1]}\n  - dream: {layer: 3, channels: [1, 1, -2, x]}\n"
          + "  - dream: {layer: [{weight: 2}, {layer: 1, wieght: 2}]}\n  - dream: {layer: 3, channels: []}\n"),
      """
      recipes/test.yaml:4:12: error: dream: missing required key 'layer'
        - dream: {iterations: 3}
                 ^
      recipes/test.yaml:5:20: error: dream: layer index must not be negative, got -1
        - dream: {layer: -1}
                         ^
      recipes/test.yaml:6:20: error: dream: 'layer' must be a layer name or index, got '2.5'
        - dream: {layer: 2.5}
                         ^
      recipes/test.yaml:7:20: error: dream: the 'layer' list is empty; give at least one {layer, weight} entry
        - dream: {layer: [], step: 1}
                         ^
      recipes/test.yaml:8:34: error: dream: with a 'layer' list, put 'channels' inside each entry
        - dream: {layer: [{layer: 3}], channels: [1]}
                                       ^
      recipes/test.yaml:9:37: error: dream: channel 1 is listed twice
        - dream: {layer: 3, channels: [1, 1, -2, x]}
                                          ^
      recipes/test.yaml:9:40: error: dream: channel indices must not be negative, got -2
        - dream: {layer: 3, channels: [1, 1, -2, x]}
                                             ^
      recipes/test.yaml:9:44: error: dream: 'channels' must be an integer, got 'x'
        - dream: {layer: 3, channels: [1, 1, -2, x]}
                                                 ^
      recipes/test.yaml:10:21: error: dream: missing required key 'layer'
        - dream: {layer: [{weight: 2}, {layer: 1, wieght: 2}]}
                          ^
      recipes/test.yaml:10:45: error: dream: unknown key 'wieght' (did you mean 'weight'?)
        - dream: {layer: [{weight: 2}, {layer: 1, wieght: 2}]}
                                                  ^
      recipes/test.yaml:11:33: error: dream: 'channels' must be a list of channel indices such as [0, 5], got an empty list
        - dream: {layer: 3, channels: []}
                                      ^
      """)
  }

  func testDreamWithoutSettings() {
    assertDiagnostics(
      withSteps("  - dream\n"),
      """
      recipes/test.yaml:4:5: error: dream: expected a mapping of settings, got nothing
        - dream
          ^
      """)
  }
}
