import DreamEngine
import XCTest

/// Asserts `actual` and `expected` have the same count and differ by at most `tolerance`
/// everywhere; reports the largest difference and where it is.
func assertClose(
  _ actual: [Float], _ expected: [Float], tolerance: Float, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail("\(message): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    return
  }
  var worst: Float = 0
  var worstIndex = 0
  for i in actual.indices {
    let d = abs(actual[i] - expected[i])
    if !(d <= worst) {
      worst = d
      worstIndex = i
    }
  }
  if !(worst <= tolerance) {
    XCTFail(
      "\(message): max |difference| \(worst) > \(tolerance) at index \(worstIndex) "
        + "(actual \(actual[worstIndex]), expected \(expected[worstIndex]))", file: file, line: line)
  }
}

/// A reproducible pseudo-random image with values in 0..<255 (fractional).
func imageNoise(width: Int, height: Int, seed: UInt64) -> RGBImage {
  var generator = SeededGenerator(seed: seed)
  var pixels = [Float](repeating: 0, count: width * height * 3)
  for i in pixels.indices { pixels[i] = Float(generator.uniformInt(in: 0...25_500)) / 100 }
  return RGBImage(width: width, height: height, pixels: pixels)
}

func imagePattern(width: Int, height: Int) -> RGBImage {
  RGBImage(width: width, height: height, pixels: ImageFixtures.pattern(width: width, height: height))
}

/// Population standard deviation in Double (test-side reference).
func imageStandardDeviation(_ values: [Float]) -> Double {
  let n = Double(values.count)
  let mean = values.reduce(0.0) { $0 + Double($1) } / n
  return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
}
