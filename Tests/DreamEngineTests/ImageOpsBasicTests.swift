import DreamEngine
import XCTest

final class ImageOpsBasicTests: XCTestCase {
  let ops = ImageOps(threads: 2)

  func testTintAddsPerChannel() {
    let image = RGBImage(width: 2, height: 1, pixels: [0, 10, 20, 250, 254, 255])
    XCTAssertEqual(ops.tint(image, red: 2, green: -3, blue: 0.5).pixels, [2, 7, 20.5, 252, 251, 255.5])
  }

  func testClipClampsAndMapsNaNToLower() throws {
    let image = RGBImage(width: 2, height: 1, pixels: [-5, 0, 12.5, 255, 300, .nan])
    XCTAssertEqual(try ops.clip(image).pixels, [0, 0, 12.5, 255, 255, 0])
    XCTAssertEqual(try ops.clip(image, lower: 10, upper: 20).pixels, [10, 10, 12.5, 20, 20, 10])
    XCTAssertThrowsError(try ops.clip(image, lower: 5, upper: 1)) { error in
      XCTAssertEqual("\(error)", "clip: range 5.0...1.0 is empty or not finite; give lower <= upper")
    }
  }

  func testBlendWeightsFirstImageByAlpha() throws {
    let a = RGBImage(width: 1, height: 1, pixels: [100, 0, 50])
    let b = RGBImage(width: 1, height: 1, pixels: [0, 100, 50])
    XCTAssertEqual(try ops.blend(a, b, alpha: 0.25).pixels, [25, 75, 50])
    XCTAssertThrowsError(try ops.blend(a, RGBImage(width: 2, height: 1), alpha: 0.5))
  }

  func testQuantisationTruncatesLikeNumpyAndRoundsHalfToEven() {
    let image = RGBImage(width: 3, height: 1, pixels: [-3, 0.99, 1.5, 2.5, 254.7, 400, .nan, 7.49, 3.51])
    XCTAssertEqual(ops.quantized(image, rounding: .truncate).pixels, [0, 0, 1, 2, 254, 255, 0, 7, 3])
    XCTAssertEqual(ops.quantized(image, rounding: .round).pixels, [0, 1, 2, 2, 255, 255, 0, 7, 4])
  }

  func testCropCopiesTheRectangle() throws {
    let image = imagePattern(width: 5, height: 4)
    let crop = try ops.crop(image, x: 1, y: 2, width: 3, height: 2)
    for y in 0..<2 {
      for x in 0..<3 {
        for c in 0..<3 { XCTAssertEqual(crop[x, y, c], image[x + 1, y + 2, c]) }
      }
    }
    XCTAssertThrowsError(try ops.crop(image, x: 3, y: 0, width: 3, height: 1)) { error in
      XCTAssertEqual(
        "\(error)",
        "crop: rectangle x=3 y=0 3x1 does not fit inside the 5x4 image; choose a rectangle inside the image")
    }
  }

  func testRollShiftsCyclicallyLikeNumpy() {
    let image = imagePattern(width: 5, height: 4)
    let rolled = ops.rolled(image, dx: 2, dy: -1)
    for y in 0..<4 {
      for x in 0..<5 {
        for c in 0..<3 { XCTAssertEqual(rolled[x, y, c], image[(x - 2 + 5) % 5, (y + 1) % 4, c]) }
      }
    }
    XCTAssertEqual(ops.rolled(rolled, dx: -2, dy: 1), image)
  }

  func testStatisticsMatchNumpy() {
    // np.std(pattern(9, 8)) and np.abs(wide(9, 8)).mean(), in float64.
    XCTAssertEqual(ops.standardDeviation(imagePattern(width: 9, height: 8)), 73.2880909, accuracy: 1e-6)
    let wide = RGBImage(width: 9, height: 8, pixels: ImageFixtures.wide(width: 9, height: 8))
    XCTAssertEqual(ops.meanAbsoluteValue(wide), 141.448206, accuracy: 1e-5)
    let noise = imageNoise(width: 40, height: 33, seed: 4)
    XCTAssertEqual(
      ImageOps(threads: 1).standardDeviation(noise), ImageOps(threads: 7).standardDeviation(noise))
  }
}
