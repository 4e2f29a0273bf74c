import DreamVocabulary
import DreamEngine
import XCTest

final class DreamClassicTests: XCTestCase {
  private func classic(
    iterations: Int = 3, step: Float = 1.5, tile: Int = 32, repeats: Int = 1,
    smoothing: GradientSmoothing = .volumetric,
    quantize: Bool = false, blend: Float = 0.2
  ) -> DreamAlgorithm {
    .classic(
      ClassicDreamParameters(
        iterations: iterations, stepSize: step, tileSize: tile, repeats: repeats, rescaleFactor: 0.7,
        blend: blend,
        smoothing: smoothing, quantizeOctaves: quantize))
  }

  func testAnalyticSourceGradientMatchesFiniteDifferences() throws {
    let source = DreamLinearFilterSource()
    let image = imageNoise(width: 5, height: 4, seed: 2)
    let (_, gradient) = try source.lossAndGradient(of: image)
    for index in [0, 7, 20, 31, 44, 59] {
      var plus = image
      var minus = image
      plus.pixels[index] += 0.5
      minus.pixels[index] -= 0.5
      let numeric = (Double(source.loss(of: plus)) - Double(source.loss(of: minus))) / 1.0
      XCTAssertEqual(Double(gradient.pixels[index]), numeric, accuracy: 1e-2 * max(1, abs(numeric)))
    }
  }

  func testEachTileGradientIsDividedByItsStandardDeviation() throws {
    let image = imageNoise(width: 70, height: 50, seed: 5)
    let dreamer = Dreamer(source: DreamPointwiseSource(), threads: 2)
    let (_, gradient, tiles) = try dreamer.classicTiledGradient(of: image, tileSize: 30, seed: 11)
    XCTAssertGreaterThan(tiles.count, 4)
    for tile in tiles {
      var own: [Float] = []
      var expected: [Float] = []
      for y in tile.rows {
        for x in tile.columns { for c in 0..<3 { own.append(gradient[x, y, c]) } }
      }
      // Pointwise source: the tile's gradient is image / n, so normalised it is image / std(image).
      for y in tile.rows {
        for x in tile.columns { for c in 0..<3 { expected.append(image[x, y, c]) } }
      }
      let std = imageStandardDeviation(expected)
      XCTAssertEqual(imageStandardDeviation(own), 1, accuracy: 1e-4)
      assertClose(own, expected.map { Float(Double($0) / std) }, tolerance: 1e-4, "tile \(tile)")
    }
  }

  func testMinimumInputSizeIsHonouredAndOnlyTheTilesOwnPartIsWritten() throws {
    let image = imageNoise(width: 100, height: 90, seed: 8)
    let small = DreamPointwiseSource(minimumInputSize: 43)
    let (_, grown, tiles) = try Dreamer(source: small, threads: 2).classicTiledGradient(
      of: image, tileSize: 20, seed: 3)
    XCTAssertTrue(tiles.contains { $0.rows.count < 43 || $0.columns.count < 43 })
    XCTAssertEqual(small.calls.count, tiles.count)
    XCTAssertTrue(small.calls.allSatisfy { $0.width >= 43 && $0.height >= 43 }, "\(small.calls)")
    // A pointwise gradient does not depend on the context: same result as a source without minimum.
    let (_, plain, _) = try Dreamer(source: DreamPointwiseSource(), threads: 2).classicTiledGradient(
      of: image, tileSize: 20, seed: 3)
    assertClose(grown.pixels, plain.pixels, tolerance: 1e-4, "grown tiles")
    // And whole dreams run with the minimum everywhere.
    let source = DreamLinearFilterSource(minimumInputSize: 43)
    _ = try Dreamer(source: source, threads: 2).run(image, algorithm: classic(tile: 20, repeats: 0), seed: 1)
    XCTAssertTrue(source.calls.allSatisfy { $0.width >= 43 && $0.height >= 43 })
  }

  func testTooSmallImagesAndOctavesAreRejectedBeforeAnyWork() {
    let source = DreamLinearFilterSource(minimumInputSize: 43)
    let dreamer = Dreamer(source: source)
    XCTAssertThrowsError(
      try dreamer.run(imageNoise(width: 40, height: 60, seed: 1), algorithm: classic(repeats: 0), seed: 1)
    ) {
      XCTAssertEqual(
        $0 as? DreamError,
        .imageTooSmall(level: .rescaled(0), size: ImageSize(width: 40, height: 60), minimum: 43))
    }
    XCTAssertThrowsError(
      try dreamer.run(imageNoise(width: 80, height: 60, seed: 1), algorithm: classic(repeats: 1), seed: 1)
    ) {
      XCTAssertEqual(
        "\($0)",
        "dream: repeat 1 (the image scaled by 'rescale' 1 time) would be 56x42 pixels, below the model's "
          + "minimum input of 43x43; use fewer repeats, a larger rescale factor or a larger image")
    }
    XCTAssertEqual(source.calls.count, 0)
  }

  func testOctaveSizesTruncateLikeTheSeed() throws {
    let algorithm = classic(iterations: 1, repeats: 3)
    let expected = [(34, 20), (49, 29), (70, 42), (100, 60)].map { ImageSize(width: $0.0, height: $0.1) }
    XCTAssertEqual(Dreamer.octaveSizes(width: 100, height: 60, algorithm: algorithm), expected)
    var seen: [DreamProgress] = []
    _ = try Dreamer(source: DreamLinearFilterSource()).run(
      imageNoise(width: 100, height: 60, seed: 1), algorithm: algorithm, seed: 4,
      progress: { seen.append($0) })
    XCTAssertEqual(seen.map { $0.size }, expected)
    XCTAssertEqual(seen.map { $0.octave }, [1, 2, 3, 4])
    XCTAssertTrue(seen.allSatisfy { $0.octaveCount == 4 && $0.iterationCount == 1 })
    XCTAssertEqual(
      Dreamer.octaveSizes(width: 800, height: 450, algorithm: .classic(.seedCompatible)).last,
      ImageSize(width: 800, height: 450))
    XCTAssertEqual(
      Dreamer.octaveSizes(width: 800, height: 450, algorithm: classic(repeats: 1)).first,
      ImageSize(width: 560, height: 315))
  }

  func testRepeatsZeroDreamsOnlyAtFullSize() throws {
    var seen: [DreamProgress] = []
    let image = imageNoise(width: 60, height: 40, seed: 3)
    let out = try Dreamer(source: DreamLinearFilterSource()).run(
      image, algorithm: classic(iterations: 4, repeats: 0), seed: 4, progress: { seen.append($0) })
    XCTAssertEqual(seen.map { $0.iteration }, [1, 2, 3, 4])
    XCTAssertTrue(
      seen.allSatisfy { $0.size == ImageSize(width: 60, height: 40) && $0.octave == 1 && $0.octaveCount == 1 }
    )
    XCTAssertNotEqual(out, image)
    // Zero iterations and zero repeats is the identity.
    XCTAssertEqual(
      try Dreamer(source: DreamLinearFilterSource()).run(
        image, algorithm: classic(iterations: 0, repeats: 0), seed: 4), image)
  }

  func testEachStepMovesTheImageByStepStandardDeviations() throws {
    let image = imageNoise(width: 64, height: 48, seed: 6)
    for smoothing in [GradientSmoothing.volumetric, .spatial] {
      let out = try Dreamer(source: DreamLinearFilterSource()).run(
        image, algorithm: classic(iterations: 1, step: 2.5, repeats: 0, smoothing: smoothing), seed: 9)
      let change = zip(out.pixels, image.pixels).map { $0 - $1 }
      XCTAssertEqual(imageStandardDeviation(change), 2.5, accuracy: 1e-3)
    }
  }

  func testVolumetricSmoothingGreysTheStep() throws {
    // The 3-D blur mixes the channels (sigma >= 2.5 from the second of 4 iterations on), so the
    // change is nearly the same in R, G and B; the spatial blur leaves the channels apart.
    let image = imageNoise(width: 64, height: 48, seed: 6)
    func relativeChannelSpread(_ smoothing: GradientSmoothing) throws -> Double {
      let out = try Dreamer(source: DreamLinearFilterSource()).run(
        image, algorithm: classic(iterations: 4, step: 1, repeats: 0, smoothing: smoothing), seed: 9)
      var spread = 0.0
      var total = 0.0
      for p in 0..<image.pixelCount {
        let d = (0..<3).map { Double(out.pixels[p * 3 + $0] - image.pixels[p * 3 + $0]) }
        spread += (d.max() ?? 0) - (d.min() ?? 0)
        total += d.reduce(0) { $0 + abs($1) }
      }
      return spread / total
    }
    XCTAssertLessThan(try relativeChannelSpread(.volumetric), 0.5 * (try relativeChannelSpread(.spatial)))
  }

  func testLossIncreases() throws {
    let source = DreamLinearFilterSource()
    let image = imageNoise(width: 80, height: 60, seed: 7)
    var losses: [Float] = []
    let out = try Dreamer(source: source).run(
      image, algorithm: classic(iterations: 6, step: 2, repeats: 0), seed: 1,
      progress: { losses.append($0.loss) })
    XCTAssertEqual(losses.count, 6)
    XCTAssertEqual(losses, losses.sorted(), "the loss must grow at every iteration: \(losses)")
    XCTAssertGreaterThan(source.loss(of: out), 1.5 * source.loss(of: image))
  }

  func testOctaveBlendPathsWithZeroIterations() throws {
    let image = imageNoise(width: 50, height: 40, seed: 12)
    let ops = ImageOps(threads: 1)
    let dreamer = Dreamer(source: DreamLinearFilterSource(), threads: 2)
    // Float path: blend * image + (1 - blend) * up(down(blur(image))).
    let float = try dreamer.run(image, algorithm: classic(iterations: 0, repeats: 1), seed: 1)
    let small = try ops.resizeLanczos(ops.gaussianBlur(image, sigma: 0.5), width: 35, height: 28)
    let expected = try ops.blend(image, ops.resizeLanczos(small, width: 50, height: 40), alpha: 0.2)
    XCTAssertEqual(float, expected)
    // Seed path: the same through 8-bit resizes; with blend 0 the result is whole 8-bit levels.
    let quantized = try dreamer.run(
      image, algorithm: classic(iterations: 0, repeats: 1, quantize: true, blend: 0), seed: 1)
    XCTAssertTrue(quantized.pixels.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 255 })
    let small8 = try ops.resizeLanczos(
      ops.gaussianBlur(image, sigma: 0.5), width: 35, height: 28, precision: .eightBit)
    XCTAssertEqual(
      quantized.pixels, try ops.resizeLanczos(small8, width: 50, height: 40, precision: .eightBit).pixels)
  }

  func testSameSeedIsBitIdenticalAndDifferentSeedsDiffer() throws {
    let image = imageNoise(width: 90, height: 70, seed: 13)
    let algorithm = classic(iterations: 3, tile: 30, repeats: 1)
    let a = try Dreamer(source: DreamLinearFilterSource(), threads: 2).run(
      image, algorithm: algorithm, seed: 42)
    let b = try Dreamer(source: DreamLinearFilterSource(), threads: 2).run(
      image, algorithm: algorithm, seed: 42)
    let c = try Dreamer(source: DreamLinearFilterSource(), threads: 2).run(
      image, algorithm: algorithm, seed: 43)
    let d = try Dreamer(source: DreamLinearFilterSource(), threads: 1).run(
      image, algorithm: algorithm, seed: 42)
    let e = try Dreamer(source: DreamLinearFilterSource(), threads: 4).run(
      image, algorithm: algorithm, seed: 42)
    XCTAssertEqual(a, b)
    XCTAssertNotEqual(a, c)
    XCTAssertEqual(a, d, "image ops must not depend on the thread count")
    XCTAssertEqual(a, e)
  }

  func testSeedCompatiblePreset() {
    let p = ClassicDreamParameters.seedCompatible
    XCTAssertEqual(p.iterations, 10)
    XCTAssertEqual(p.stepSize, 3)
    XCTAssertEqual(p.tileSize, 400)
    XCTAssertEqual(p.repeats, 4)
    XCTAssertEqual(p.rescaleFactor, 0.7)
    XCTAssertEqual(p.blend, 0.2)
    XCTAssertEqual(p.smoothing, .volumetric)
    XCTAssertTrue(p.quantizeOctaves)
    XCTAssertFalse(ClassicDreamParameters().quantizeOctaves)
  }

  func testInvalidParametersAreTypedErrors() {
    let dreamer = Dreamer(source: DreamLinearFilterSource())
    let image = imageNoise(width: 20, height: 20, seed: 1)
    XCTAssertThrowsError(try dreamer.run(image, algorithm: classic(iterations: -1), seed: 1)) {
      XCTAssertEqual("\($0)", "dream: iterations -1 is out of range; expected an integer >= 0")
    }
    XCTAssertThrowsError(try dreamer.run(image, algorithm: classic(tile: 0), seed: 1))
    XCTAssertThrowsError(try dreamer.run(image, algorithm: classic(blend: 1.5), seed: 1))
    var p = ClassicDreamParameters()
    p.rescaleFactor = 1.2
    XCTAssertThrowsError(try dreamer.run(image, algorithm: .classic(p), seed: 1)) {
      XCTAssertEqual(
        $0 as? DreamError,
        .invalidParameter(
          name: "rescale", value: "1.2", expected: "a number between 0 and 1 (exclusive), e.g. 0.7"))
    }
  }

  func testCancellationStopsBetweenIterations() throws {
    let source = DreamLinearFilterSource()
    var reports = 0
    XCTAssertThrowsError(
      try Dreamer(source: source).run(
        imageNoise(width: 40, height: 40, seed: 1), algorithm: classic(iterations: 10, repeats: 1), seed: 1,
        progress: { _ in reports += 1 }, shouldStop: { reports >= 3 })
    ) { XCTAssertEqual($0 as? DreamCancelled, DreamCancelled()) }
    XCTAssertEqual(reports, 3)
    let before = source.calls.count
    XCTAssertThrowsError(
      try Dreamer(source: source).run(
        imageNoise(width: 40, height: 40, seed: 1), algorithm: classic(), seed: 1, shouldStop: { true }))
    XCTAssertEqual(source.calls.count, before, "no gradient may be computed after a stop request")
  }
}
