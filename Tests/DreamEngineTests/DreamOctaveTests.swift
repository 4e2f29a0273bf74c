import DreamVocabulary
import DreamEngine
import XCTest

final class DreamOctaveTests: XCTestCase {
  private func octave(
    iterations: Int = 2, step: Float = 1.5, octaves: Int = 1, jitter: Int = 0, clip: Bool = false,
    tile: Int = 1000
  ) -> DreamAlgorithm {
    .octave(
      OctaveDreamParameters(
        iterations: iterations, stepSize: step, octaves: octaves, octaveScale: 1.4, jitter: jitter,
        clip: clip,
        tileSize: tile))
  }

  /// image + step / mean(|g|) * g for the gradient g of `image`.
  private func notebookStep(_ image: RGBImage, source: DreamLinearFilterSource, step: Float = 1.5) throws
    -> RGBImage
  {
    let (_, g) = try source.lossAndGradient(of: image)
    let meanAbs = g.pixels.reduce(0.0) { $0 + Double(abs($1)) } / Double(g.pixels.count)
    var out = image
    for i in out.pixels.indices { out.pixels[i] += Float(Double(step) / meanAbs) * g.pixels[i] }
    return out
  }

  func testDefaultsAreTheNotebooks() {
    let p = OctaveDreamParameters()
    XCTAssertEqual(p.iterations, 10)
    XCTAssertEqual(p.stepSize, 1.5)
    XCTAssertEqual(p.octaves, 4)
    XCTAssertEqual(p.octaveScale, 1.4)
    XCTAssertEqual(p.jitter, 32)
    XCTAssertTrue(p.clip)
  }

  func testOctaveSizesAndOrder() throws {
    let algorithm = octave(iterations: 1, octaves: 4)
    let expected = [(36, 29), (51, 41), (71, 57), (100, 80)].map { ImageSize(width: $0.0, height: $0.1) }
    XCTAssertEqual(Dreamer.octaveSizes(width: 100, height: 80, algorithm: algorithm), expected)
    var seen: [DreamProgress] = []
    _ = try Dreamer(source: DreamLinearFilterSource()).run(
      imageNoise(width: 100, height: 80, seed: 1), algorithm: algorithm, seed: 2,
      progress: { seen.append($0) })
    XCTAssertEqual(seen.map { $0.size }, expected)
    XCTAssertEqual(seen.map { $0.octave }, [1, 2, 3, 4])
  }

  func testOneStepIsTheNotebookStep() throws {
    let source = DreamLinearFilterSource()
    let image = imageNoise(width: 40, height: 30, seed: 3)
    let out = try Dreamer(source: source).run(image, algorithm: octave(iterations: 1), seed: 5)
    assertClose(out.pixels, try notebookStep(image, source: source).pixels, tolerance: 1e-3, "one step")
  }

  func testJitterRollsTheImageAndRollsBack() throws {
    let source = DreamLinearFilterSource()
    let image = imageNoise(width: 40, height: 30, seed: 3)
    let out = try Dreamer(source: source).run(image, algorithm: octave(iterations: 1, jitter: 7), seed: 5)
    // The shifts are the generator's first two draws in -7...7: x first, then y.
    var generator = SeededGenerator(seed: 5)
    let ox = generator.uniformInt(in: -7...7)
    let oy = generator.uniformInt(in: -7...7)
    XCTAssertTrue(ox != 0 || oy != 0, "pick a seed whose jitter is not zero")
    let ops = ImageOps()
    let expected = ops.rolled(
      try notebookStep(ops.rolled(image, dx: ox, dy: oy), source: source), dx: -ox, dy: -oy)
    assertClose(out.pixels, expected.pixels, tolerance: 1e-3, "jittered step")
  }

  func testDetailIsReinjectedIntoTheNextOctave() throws {
    let source = DreamLinearFilterSource()
    let image = imageNoise(width: 42, height: 35, seed: 4)
    let out = try Dreamer(source: source).run(image, algorithm: octave(iterations: 1, octaves: 2), seed: 5)
    let ops = ImageOps()
    let small = try ops.resizeBilinear(image, width: 30, height: 25)
    let dreamedSmall = try notebookStep(small, source: source)
    var detail = dreamedSmall
    for i in detail.pixels.indices { detail.pixels[i] -= small.pixels[i] }
    var start = try ops.resizeBilinear(detail, width: 42, height: 35)
    for i in start.pixels.indices { start.pixels[i] += image.pixels[i] }
    assertClose(out.pixels, try notebookStep(start, source: source).pixels, tolerance: 1e-3, "two octaves")
    // Without iterations nothing changes, octaves or not.
    XCTAssertEqual(
      try Dreamer(source: source).run(image, algorithm: octave(iterations: 0, octaves: 3), seed: 1), image)
  }

  func testLossIncreasesAndClipKeepsTheRange() throws {
    let source = DreamLinearFilterSource()
    let image = imageNoise(width: 60, height: 50, seed: 6)
    var losses: [Float] = []
    let out = try Dreamer(source: source).run(
      image, algorithm: octave(iterations: 5, octaves: 2, jitter: 4), seed: 1,
      progress: { losses.append($0.loss) })
    XCTAssertEqual(losses.count, 10)
    XCTAssertGreaterThan(source.loss(of: out), 1.5 * source.loss(of: image))
    let clipped = try Dreamer(source: source).run(
      image, algorithm: octave(iterations: 5, step: 20, octaves: 2, jitter: 4, clip: true), seed: 1)
    XCTAssertTrue(clipped.pixels.allSatisfy { $0 >= 0 && $0 <= 255 })
    XCTAssertTrue(
      clipped.pixels.contains(255) || clipped.pixels.contains(0), "a step of 20 must hit the range")
  }

  func testTilesBoundTheInputAndKeepTheWholeImageGradient() throws {
    // Pointwise loss: the area-weighted tile gradients are exactly the whole image's gradient.
    let image = imageNoise(width: 90, height: 70, seed: 7)
    let tiledSource = DreamPointwiseSource(minimumInputSize: 20)
    let tiled = try Dreamer(source: tiledSource).run(
      image, algorithm: octave(iterations: 2, jitter: 5, tile: 25), seed: 3)
    XCTAssertTrue(
      tiledSource.calls.allSatisfy { $0.width <= 30 && $0.height <= 35 && $0.width >= 20 && $0.height >= 20 })
    let whole = try Dreamer(source: DreamPointwiseSource()).run(
      image, algorithm: octave(iterations: 2, jitter: 5, tile: 1000), seed: 3)
    assertClose(tiled.pixels, whole.pixels, tolerance: 1e-3, "tiled vs whole")
  }

  func testDeterminismAcrossRunsAndThreadCounts() throws {
    let image = imageNoise(width: 70, height: 60, seed: 8)
    let algorithm = octave(iterations: 2, octaves: 3, jitter: 8, clip: true, tile: 30)
    let a = try Dreamer(source: DreamLinearFilterSource(), threads: 1).run(
      image, algorithm: algorithm, seed: 10)
    let b = try Dreamer(source: DreamLinearFilterSource(), threads: 3).run(
      image, algorithm: algorithm, seed: 10)
    let c = try Dreamer(source: DreamLinearFilterSource(), threads: 3).run(
      image, algorithm: algorithm, seed: 11)
    XCTAssertEqual(a, b)
    XCTAssertNotEqual(a, c)
  }

  func testCancellationAndValidation() {
    var reports = 0
    let source = DreamLinearFilterSource()
    XCTAssertThrowsError(
      try Dreamer(source: source).run(
        imageNoise(width: 50, height: 40, seed: 1), algorithm: octave(iterations: 4, octaves: 2), seed: 1,
        progress: { _ in reports += 1 }, shouldStop: { reports == 5 })
    ) { XCTAssertTrue($0 is DreamCancelled) }
    XCTAssertEqual(reports, 5)
    var p = OctaveDreamParameters()
    p.octaveScale = 1
    XCTAssertThrowsError(
      try Dreamer(source: source).run(
        imageNoise(width: 50, height: 40, seed: 1), algorithm: .octave(p), seed: 1)
    ) {
      XCTAssertEqual("\($0)", "dream: octave-scale 1.0 is out of range; expected a number > 1, e.g. 1.4")
    }
    XCTAssertThrowsError(
      try Dreamer(source: DreamLinearFilterSource(minimumInputSize: 43)).run(
        imageNoise(width: 58, height: 58, seed: 1), algorithm: octave(octaves: 2), seed: 1)
    ) {
      XCTAssertEqual(
        $0 as? DreamError,
        .imageTooSmall(level: .octave(1), size: ImageSize(width: 41, height: 41), minimum: 43))
    }
  }
}
