import DreamEngine
import XCTest

/// Gaussian blurs against scipy.ndimage.gaussian_filter fixture values (tolerance 2e-4, measured <= 6e-5, on
/// 0...255 values: float32 vs scipy's double line buffers) and against a naive reference.
final class ImageOpsBlurTests: XCTestCase {
  let ops = ImageOps(threads: 3)

  func testSpatialBlurMatchesScipy() throws {
    let out = try ops.gaussianBlur(imagePattern(width: 9, height: 8), sigmaY: 1.3, sigmaX: 0.7)
    assertClose(out.pixels, ImageFixtures.blur2D, tolerance: 2e-4, "sigma (1.3, 0.7, 0)")
  }

  func testSpatialBlurWiderThanImageReflectsPeriodically() throws {
    let out = try ops.gaussianBlur(imagePattern(width: 5, height: 4), sigma: 2.5)
    assertClose(out.pixels, ImageFixtures.blur2DWide, tolerance: 2e-4, "sigma 2.5 on 5x4")
  }

  func testVolumetricBlurMatchesScipy() throws {
    let out = try ops.gaussianBlur3D(imagePattern(width: 9, height: 8), sigma: 1.3)
    assertClose(out.pixels, ImageFixtures.blur3D, tolerance: 2e-4, "3-D sigma 1.3")
    let wide = try ops.gaussianBlur3D(imagePattern(width: 6, height: 5), sigma: 5)
    assertClose(wide.pixels, ImageFixtures.blur3DWide, tolerance: 2e-4, "3-D sigma 5")
  }

  func testBlurSumMatchesScipy() throws {
    let out = try ops.gaussianBlurSum(
      imagePattern(width: 9, height: 8), sigmas: [0.9, 1.8, 0.45], acrossChannels: true)
    assertClose(out.pixels, ImageFixtures.blur3DSum, tolerance: 2e-4, "sum of three 3-D blurs")
  }

  func testZeroSigmaIsIdentity() throws {
    let image = imageNoise(width: 11, height: 7, seed: 1)
    XCTAssertEqual(try ops.gaussianBlur(image, sigma: 0), image)
    XCTAssertEqual(try ops.gaussianBlur3D(image, sigma: 0), image)
  }

  func testMatchesNaiveReferenceAndIsIndependentOfThreadCount() throws {
    let image = imageNoise(width: 53, height: 41, seed: 9)
    for (sigma, volumetric) in [(3.1, false), (3.1, true), (0.25, true), (7.0, true)] {
      let one = ImageOps(threads: 1)
      let many = ImageOps(threads: 4)
      let a =
        volumetric ? try one.gaussianBlur3D(image, sigma: sigma) : try one.gaussianBlur(image, sigma: sigma)
      let b =
        volumetric ? try many.gaussianBlur3D(image, sigma: sigma) : try many.gaussianBlur(image, sigma: sigma)
      XCTAssertEqual(a, b, "threads changed the result (sigma \(sigma))")
      let reference = naiveBlur(image, sigmas: [sigma, sigma, volumetric ? sigma : 0])
      assertClose(a.pixels, reference, tolerance: 2e-4, "sigma \(sigma) volumetric \(volumetric)")
    }
  }

  func testNegativeSigmaThrows() {
    XCTAssertThrowsError(try ops.gaussianBlur(imagePattern(width: 3, height: 3), sigma: -1)) { error in
      XCTAssertEqual("\(error)", "blur: sigma -1.0 is not valid; use a finite sigma >= 0")
    }
  }

  /// scipy's algorithm written out directly: per axis (H, W, C), Double sums over the reflected
  /// line, result stored as Float.
  private func naiveBlur(_ image: RGBImage, sigmas: [Double]) -> [Float] {
    var values = image.pixels
    let dims = [image.height, image.width, 3]
    let strides = [image.width * 3, 3, 1]
    for axis in 0..<3 where sigmas[axis] > 0 {
      let sigma = sigmas[axis]
      let radius = Int(4 * sigma + 0.5)
      var w = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
      let total = w.reduce(0, +)
      w = w.map { $0 / total }
      let n = dims[axis]
      var out = values
      for index in values.indices {
        let position = (index / strides[axis]) % n
        let lineStart = index - position * strides[axis]
        var sum = 0.0
        for k in -radius...radius {
          var m = (position + k) % (2 * n)
          if m < 0 { m += 2 * n }
          if m >= n { m = 2 * n - 1 - m }
          sum += w[k + radius] * Double(values[lineStart + m * strides[axis]])
        }
        out[index] = Float(sum)
      }
      values = out
    }
    return values
  }
}
