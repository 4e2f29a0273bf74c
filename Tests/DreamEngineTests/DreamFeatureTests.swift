import DreamEngine
import DreamTestSupport
import DreamVocabulary
import XCTest

/// The peers' dreaming features in the engine: camera motion, original colours, colour matching,
/// gradient normalisation (lapnorm, none, total variation) and the guided objective.
final class DreamFeatureTests: XCTestCase {
  private let ops = ImageOps(threads: 2)

  // MARK: transform

  func testIdentityTransformReturnsTheImageBitForBit() throws {
    let image = imageNoise(width: 31, height: 17, seed: 1)
    for edge in [ResampleEdge.reflect, .clamp] {
      XCTAssertEqual(try ops.affine(image, zoom: 1, rotateDegrees: 0, dx: 0, dy: 0, edge: edge), image)
    }
  }

  func testFourQuarterTurnsGiveTheSquareImageBack() throws {
    let image = imageNoise(width: 24, height: 24, seed: 2)
    var turned = image
    for _ in 0..<4 {
      turned = try ops.affine(turned, zoom: 1, rotateDegrees: 90, dx: 0, dy: 0, edge: .reflect)
    }
    XCTAssertEqual(turned, image)
    // One quarter turn is counter-clockwise as seen: the top-right pixel goes to the top left.
    let once = try ops.affine(image, zoom: 1, rotateDegrees: 90, dx: 0, dy: 0, edge: .reflect)
    XCTAssertEqual(once[0, 0, 1], image[23, 0, 1])
    XCTAssertEqual(once[0, 23, 2], image[0, 0, 2])
    // Any angle, four times a quarter of it, in one go equals the whole turn within resampling blur.
    let whole = try ops.affine(image, zoom: 1, rotateDegrees: 360, dx: 0, dy: 0, edge: .clamp)
    XCTAssertEqual(whole, image)
  }

  func testTranslationMovesTheContentRightAndDown() throws {
    let image = imageNoise(width: 20, height: 12, seed: 3)
    let moved = try ops.affine(image, zoom: 1, rotateDegrees: 0, dx: 3, dy: 2, edge: .clamp)
    for y in 2..<12 {
      for x in 3..<20 { XCTAssertEqual(moved[x, y, 0], image[x - 3, y - 2, 0]) }
    }
    // Uncovered pixels repeat the edge (clamp) or mirror it (reflect).
    XCTAssertEqual(moved[0, 5, 1], image[0, 3, 1])
    let mirrored = try ops.affine(image, zoom: 1, rotateDegrees: 0, dx: 3, dy: 0, edge: .reflect)
    XCTAssertEqual(mirrored[0, 4, 2], image[2, 4, 2])
    XCTAssertEqual(mirrored[2, 4, 2], image[0, 4, 2])
  }

  func testZoomTwoEnlargesTheCentre() throws {
    // A horizontal ramp v = x: zooming by 2 about the centre halves the slope.
    var pixels = [Float](repeating: 0, count: 16 * 4 * 3)
    for y in 0..<4 {
      for x in 0..<16 { for c in 0..<3 { pixels[(y * 16 + x) * 3 + c] = Float(x) } }
    }
    let ramp = RGBImage(width: 16, height: 4, pixels: pixels)
    let zoomed = try ops.affine(ramp, zoom: 2, rotateDegrees: 0, dx: 0, dy: 0, edge: .clamp)
    for x in 1..<15 { XCTAssertEqual(zoomed[x, 1, 0], 3.75 + Float(x) * 0.5, accuracy: 1e-5) }
    XCTAssertThrowsError(try ops.affine(ramp, zoom: 0, rotateDegrees: 0, dx: 0, dy: 0, edge: .clamp))
    XCTAssertThrowsError(try ops.affine(ramp, zoom: 1, rotateDegrees: .nan, dx: 0, dy: 0, edge: .clamp))
  }

  // MARK: colours

  /// Cb and Cr (BT.601, full range) of a pixel.
  private func chroma(_ image: RGBImage, _ p: Int) -> (Double, Double) {
    let r = Double(image.pixels[p * 3])
    let g = Double(image.pixels[p * 3 + 1])
    let b = Double(image.pixels[p * 3 + 2])
    return (128 - 0.168736 * r - 0.331264 * g + 0.5 * b, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
  }

  private func luma(_ image: RGBImage, _ p: Int) -> Double {
    0.299 * Double(image.pixels[p * 3]) + 0.587 * Double(image.pixels[p * 3 + 1])
      + 0.114 * Double(image.pixels[p * 3 + 2])
  }

  func testOriginalColorsKeepTheInputsChromaAndTheDreamsLuminance() throws {
    let original = imageNoise(width: 40, height: 30, seed: 4)
    let dreamed = try ops.tint(
      Dreamer(source: DreamLinearFilterSource()).run(
        original,
        algorithm: .classic(ClassicDreamParameters(iterations: 3, stepSize: 8, tileSize: 40, repeats: 0)),
        seed: 1), red: 30, green: -20, blue: 5)
    let kept = try ops.keepingColors(of: original, luminanceOf: dreamed)
    let saved = ops.quantized(kept, rounding: .round)
    var changed = 0
    for p in 0..<original.pixelCount {
      let (cb, cr) = chroma(original, p)
      let (kb, kr) = chroma(kept, p)
      XCTAssertEqual(kb, cb, accuracy: 1e-3)
      XCTAssertEqual(kr, cr, accuracy: 1e-3)
      XCTAssertEqual(luma(kept, p), luma(dreamed, p), accuracy: 1e-3)
      // After rounding to 8 bits, within one level (where nothing clipped).
      if (0..<3).allSatisfy({ (1...254).contains(kept.pixels[p * 3 + $0]) }) {
        let (sb, sr) = chroma(saved, p)
        XCTAssertEqual(sb, cb, accuracy: 1)
        XCTAssertEqual(sr, cr, accuracy: 1)
      }
      if abs(chroma(dreamed, p).0 - cb) > 2 { changed += 1 }
    }
    XCTAssertGreaterThan(
      changed, original.pixelCount / 2, "the dream changed the colours; the step put them back")
  }

  func testMatchColorsGivesTheReferencesMeanAndCovariance() throws {
    var reference = imageNoise(width: 50, height: 40, seed: 5)
    // A warm, low-contrast reference with correlated channels.
    for p in 0..<reference.pixelCount {
      let v = reference.pixels[p * 3]
      reference.pixels[p * 3] = 150 + 0.3 * v
      reference.pixels[p * 3 + 1] = 90 + 0.2 * v + 0.1 * reference.pixels[p * 3 + 1]
      reference.pixels[p * 3 + 2] = 40 + 0.05 * reference.pixels[p * 3 + 2]
    }
    let target = ColorStatistics(of: reference)
    let image = imageNoise(width: 64, height: 48, seed: 6)
    let matched = ColorStatistics(of: try ops.matchColors(image, to: target, strength: 1))
    for c in 0..<3 { XCTAssertEqual(matched.mean[c], target.mean[c], accuracy: 0.01) }
    for i in 0..<9 {
      // The source covariance is regularised by 1 on its diagonal: within 1% of the noise's ~5400.
      XCTAssertEqual(matched.covariance[i], target.covariance[i], accuracy: 0.01 * 5400 * 0.01 + 0.05)
    }
    XCTAssertEqual(try ops.matchColors(image, to: target, strength: 0), image)
    let half = ColorStatistics(of: try ops.matchColors(image, to: target, strength: 0.5))
    let own = ColorStatistics(of: image)
    for c in 0..<3 { XCTAssertEqual(half.mean[c], (own.mean[c] + target.mean[c]) / 2, accuracy: 0.01) }
    XCTAssertThrowsError(try ops.matchColors(image, to: target, strength: 1.5))
    // A flat image is not blown up: it takes the reference mean.
    let flat = RGBImage(width: 8, height: 8, fill: 40)
    let flatMatched = ColorStatistics(of: try ops.matchColors(flat, to: target, strength: 1))
    for c in 0..<3 { XCTAssertEqual(flatMatched.mean[c], target.mean[c], accuracy: 0.01) }
  }

  // MARK: gradient normalisation

  func testLapnormOfAConstantGradientIsFlatInsideAndScaleFree() throws {
    let constant = RGBImage(width: 256, height: 192, fill: 3)
    let one = ops.laplacianNormalized(constant, levels: 1)
    XCTAssertTrue(one.pixels.allSatisfy { $0 == 1 }, "one level: divided by its root mean square")
    let four = ops.laplacianNormalized(constant, levels: 4)
    XCTAssertTrue(four.isFinite)
    // Away from the zero-padded borders (which reach further at every coarser level) the high-pass
    // levels are zero and the low-pass flat: the result is flat there.
    let inside = (72..<120).flatMap { y in (96..<160).map { x in four[x, y, 0] } }
    let first = inside[0]
    XCTAssertGreaterThan(first, 0)
    for v in inside { XCTAssertEqual(v, first, accuracy: 1e-4 * abs(first)) }
    // Scaling the gradient changes nothing; a noisy gradient comes out with every level at unit
    // RMS, so its own RMS is of order one.
    let noise = imageNoise(width: 64, height: 48, seed: 7)
    let scaled = RGBImage(width: 64, height: 48, pixels: noise.pixels.map { $0 * 1000 })
    assertClose(
      ops.laplacianNormalized(scaled, levels: 4).pixels, ops.laplacianNormalized(noise, levels: 4).pixels,
      tolerance: 1e-3, "scale")
    let rms =
      (ops.laplacianNormalized(noise, levels: 4).pixels.reduce(0.0) { $0 + Double($1 * $1) }
      / Double(noise.pixels.count)).squareRoot()
    XCTAssertGreaterThan(rms, 0.5)
    XCTAssertLessThan(rms, 4)
    // An all-zero gradient stays zero (no NaN).
    XCTAssertTrue(
      ops.laplacianNormalized(RGBImage(width: 9, height: 5), levels: 3).pixels.allSatisfy { $0 == 0 })
  }

  func testTotalVariationGradientMatchesFiniteDifferences() throws {
    let image = imageNoise(width: 7, height: 5, seed: 8)
    func energy(_ v: [Float]) -> Double {
      var e = 0.0
      for y in 0..<5 {
        for x in 0..<7 {
          for c in 0..<3 {
            let here = Double(v[(y * 7 + x) * 3 + c])
            if x < 6 { e += 0.5 * pow(here - Double(v[(y * 7 + x + 1) * 3 + c]), 2) }
            if y < 4 { e += 0.5 * pow(here - Double(v[((y + 1) * 7 + x) * 3 + c]), 2) }
          }
        }
      }
      return e
    }
    let analytic = ops.totalVariationGradient(image).pixels
    var numeric = [Float](repeating: 0, count: analytic.count)
    var v = image.pixels
    for i in v.indices {
      let keep = v[i]
      v[i] = keep + 0.5
      let plus = energy(v)
      v[i] = keep - 0.5
      let minus = energy(v)
      v[i] = keep
      numeric[i] = Float((plus - minus) / 1.0)
    }
    assertClose(analytic, numeric, tolerance: 1e-3, "tv gradient")
  }

  func testNormalizationsAndTotalVariationInTheDream() throws {
    let image = imageNoise(width: 64, height: 48, seed: 9)
    func run(_ smoothing: GradientSmoothing, _ normalization: GradientNormalization, tv: Float = 0) throws
      -> RGBImage
    {
      try Dreamer(source: DreamLinearFilterSource(), threads: 2).run(
        image,
        algorithm: .classic(
          ClassicDreamParameters(
            iterations: 1, stepSize: 2, tileSize: 64, repeats: 0, smoothing: smoothing,
            normalization: normalization, totalVariation: tv)), seed: 3)
    }
    // blur: none steps along the tile-normalised gradient itself.
    let (_, gradient, _) = try Dreamer(source: DreamLinearFilterSource()).classicTiledGradient(
      of: image, tileSize: 64, seed: 3)
    let plain = try run(.none, .standardDeviation)
    let scale = 2 / imageStandardDeviation(gradient.pixels)
    assertClose(
      plain.pixels, zip(image.pixels, gradient.pixels).map { $0 + Float(scale) * $1 }, tolerance: 1e-3,
      "blur none")
    // lapnorm: the step is step x the pyramid-normalised gradient.
    let lap = try run(.none, .laplacian(levels: 3))
    let expected = ops.laplacianNormalized(gradient, levels: 3)
    assertClose(
      lap.pixels, zip(image.pixels, expected.pixels).map { $0 + 2 * $1 }, tolerance: 1e-3, "lapnorm")
    // tv smooths: the same step with tv has less total variation.
    func variation(_ image: RGBImage) -> Double {
      ops.totalVariationGradient(image).pixels.reduce(0.0) { $0 + abs(Double($1)) }
    }
    XCTAssertLessThan(variation(try run(.none, .standardDeviation, tv: 0.2)), 0.9 * variation(plain))
    // Out-of-range settings are typed errors before any work.
    XCTAssertThrowsError(try run(.none, .laplacian(levels: 0)))
    XCTAssertThrowsError(try run(.none, .standardDeviation, tv: 0.3))
  }

  // MARK: guided objective

  /// input -> 3x3 conv (4 channels, bias, no ReLU: smooth everywhere).
  private func linearModel() throws -> Model {
    var b = GraphBuilder()
    b.node("input", "Placeholder")
    b.const("lin/weights", dims: [3, 3, 3, 4], (0..<108).map { Float(($0 * 37 + 3) % 17) / 17 - 0.45 })
    b.const("lin/biases", dims: [4], [0.1, -0.2, 0.05, 0])
    b.node(
      "lin/conv", "Conv2D", inputs: ["input", "lin/weights"],
      attrs: ["strides": .ints([1, 1, 1, 1]), "padding": .string("SAME"), "data_format": .string("NHWC")])
    b.node("lin", "BiasAdd", inputs: ["lin/conv", "lin/biases"])
    return try Model(data: b.data, file: "lin.pb")
  }

  func testGuidedObjectiveGradientMatchesFiniteDifferences() throws {
    let model = try linearModel()
    var rng = TestRandom(seed: 11)
    let guideImage = rng.tensor(TensorShape(height: 3, width: 3, channels: 3))
    let plain = try Network(model: model, objective: .meanSquare("lin"))
    guard let activations = try plain.forward(guideImage)["lin"] else { return XCTFail("no activations") }
    for channels in [nil, [0, 2] as [Int]?] {
      let guide = GuideFeatures(id: "guide", activations: activations, channels: channels)
      XCTAssertEqual(guide.count, 9)
      let network = try Network(
        model: model,
        objective: Objective(terms: [
          Objective.Term(layer: "lin", channels: channels, weight: 2, guide: guide)
        ]))
      let input = rng.tensor(TensorShape(height: 6, width: 5, channels: 3))
      let (loss, gradient) = try network.lossAndGradient(input)
      XCTAssertGreaterThan(loss, 0, "each position's best match has a positive dot product here")
      var numeric = [Float](repeating: 0, count: input.shape.count)
      var values = input.values
      let eps: Float = 1e-2
      for i in values.indices {
        let keep = values[i]
        values[i] = keep + eps
        let plus = try network.lossAndGradient(Tensor(shape: input.shape, values: values)).loss
        values[i] = keep - eps
        let minus = try network.lossAndGradient(Tensor(shape: input.shape, values: values)).loss
        values[i] = keep
        numeric[i] = (plus - minus) / (2 * eps)
      }
      let error = relativeL2(gradient.values, numeric)
      XCTAssertLessThan(error, 1e-2, "channels \(String(describing: channels)): relative L2 error \(error)")
    }
  }
}
