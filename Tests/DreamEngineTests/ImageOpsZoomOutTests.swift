import DreamEngine
import XCTest

/// `ImageOps.zoom(_:factor:)` below 1 (zoom out): per axis of `n` pixels, output pixel i samples
/// source coordinate `n / 2 + (i + 0.5 - n / 2) / factor - 0.5`, clamped to `0...n - 1`.
/// The chosen sizes and factors make every sample an exact dyadic value, so results are exact.
final class ImageOpsZoomOutTests: XCTestCase {
  let ops = ImageOps(threads: 2)

  /// R = 10x + 100y, G = x + 2y, B = 7: linear in x and y, so bilinear samples are exact.
  func gradient(width: Int, height: Int) -> RGBImage {
    var pixels: [Float] = []
    for y in 0..<height {
      for x in 0..<width { pixels += [Float(10 * x + 100 * y), Float(x + 2 * y), 7] }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  func testFactorOneIsIdentity() throws {
    let image = imageNoise(width: 13, height: 10, seed: 5)
    XCTAssertEqual(try ops.zoom(image, factor: 1), image)
  }

  func testConstantImageStaysConstant() throws {
    let image = RGBImage(width: 11, height: 8, fill: 91.5)
    XCTAssertEqual(try ops.zoom(image, factor: 0.5), image)
    XCTAssertEqual(try ops.zoom(image, factor: 0.37), image)
  }

  /// 4x4, factor 0.5: samples at -1.5, 0.5, 2.5, 4.5 per axis, i.e. pixel 0 (clamped), the mean of
  /// 0 and 1, the mean of 2 and 3, pixel 3 (clamped).
  func testFourByFourHalfMatchesHandComputedValues() throws {
    let out = try ops.zoom(gradient(width: 4, height: 4), factor: 0.5)
    let xs: [Float] = [0, 0.5, 2.5, 3]
    let ys: [Float] = [0, 0.5, 2.5, 3]
    var expected: [Float] = []
    for y in ys {
      for x in xs { expected += [10 * x + 100 * y, x + 2 * y, 7] }
    }
    XCTAssertEqual(out.pixels, expected)
    // Written out for the red channel: rows (0, 5, 25, 30) + 100 * (0, 0.5, 2.5, 3).
    XCTAssertEqual((0..<4).map { out[$0, 1, 0] }, [50, 55, 75, 80])
  }

  /// 9x7, factor 0.5: odd sizes sample whole pixels, x -> clamp(2x - 4), y -> clamp(2y - 3), so the
  /// centre pixel stays, the content shrinks around it and the border repeats the edges.
  func testGradientKeepsCentreAndClampsEdges() throws {
    let image = gradient(width: 9, height: 7)
    let out = try ops.zoom(image, factor: 0.5)
    for c in 0..<3 {
      XCTAssertEqual(out[4, 3, c], image[4, 3, c], "centre")
      XCTAssertEqual(out[0, 0, c], image[0, 0, c], "top-left corner")
      XCTAssertEqual(out[8, 6, c], image[8, 6, c], "bottom-right corner")
    }
    for y in 0..<7 {
      for x in 0..<9 {
        let sx = min(max(2 * x - 4, 0), 8)
        let sy = min(max(2 * y - 3, 0), 6)
        for c in 0..<3 {
          XCTAssertEqual(out[x, y, c], image[sx, sy, c], "(\(x), \(y)) channel \(c)")
        }
      }
    }
    // Edge extension: the three left columns and the two top rows are copies of the edge.
    for y in 0..<7 {
      XCTAssertEqual(out[0, y, 0], out[2, y, 0])
      XCTAssertEqual(out[0, y, 0], image[0, min(max(2 * y - 3, 0), 6), 0])
    }
    for x in 0..<9 { XCTAssertEqual(out[x, 0, 1], out[x, 1, 1]) }
  }

  /// The grids of f and 1/f are inverse maps: zooming a ramp out by 0.5 then in by 2 gives the ramp
  /// back wherever the zoom-out did not clamp (columns and rows 1...6 of 8).
  func testHalfThenDoubleRestoresTheUnclampedInterior() throws {
    let image = gradient(width: 8, height: 8)
    let back = try ops.zoom(ops.zoom(image, factor: 0.5), factor: 2)
    for y in 1...6 {
      for x in 1...6 {
        for c in 0..<3 {
          XCTAssertEqual(back[x, y, c], image[x, y, c], accuracy: 1e-4, "(\(x), \(y))")
        }
      }
    }
    XCTAssertNotEqual(back[0, 0, 0], image[0, 0, 0], "the clamped border is not restored")
  }

  /// Below 1 / (n - 1) every sample clamps: an even-sized image becomes its four corner colours in
  /// quadrants, for any tiny factor (no overflow, no NaN).
  func testTinyFactorsGiveTheCornerQuadrants() throws {
    let image = imageNoise(width: 8, height: 6, seed: 9)
    var expected: [Float] = []
    for y in 0..<6 {
      for x in 0..<8 {
        for c in 0..<3 { expected.append(image[x < 4 ? 0 : 7, y < 3 ? 0 : 5, c]) }
      }
    }
    for factor in [0.1, 0.01, 1e-300, Double.leastNonzeroMagnitude] {
      XCTAssertEqual(try ops.zoom(image, factor: factor).pixels, expected, "factor \(factor)")
    }
  }

  func testZoomOutIsIndependentOfThreadCount() throws {
    let image = imageNoise(width: 97, height: 83, seed: 4)
    XCTAssertEqual(
      try ImageOps(threads: 1).zoom(image, factor: 0.987), try ImageOps(threads: 5).zoom(image, factor: 0.987)
    )
  }
}
