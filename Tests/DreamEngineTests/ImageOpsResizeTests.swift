import DreamEngine
import XCTest

/// Resampling against OpenCV (bilinear) and Pillow (Lanczos) fixture values.
/// Tolerances: float paths 2e-4 on 0...255 values (a few float32 ulps; measured <= 5e-5);
/// the 8-bit Lanczos path is exact (same fixed-point arithmetic as Pillow).
final class ImageOpsResizeTests: XCTestCase {
  let ops = ImageOps(threads: 2)

  func testBilinearUpscaleMatchesOpenCV() throws {
    let out = try ops.resizeBilinear(imagePattern(width: 7, height: 5), width: 11, height: 8)
    XCTAssertEqual(out.width, 11)
    XCTAssertEqual(out.height, 8)
    assertClose(out.pixels, ImageFixtures.bilinearUp, tolerance: 2e-4, "bilinear up")
  }

  func testBilinearDownscaleMatchesOpenCV() throws {
    let out = try ops.resizeBilinear(imagePattern(width: 13, height: 9), width: 6, height: 4)
    assertClose(out.pixels, ImageFixtures.bilinearDown, tolerance: 2e-4, "bilinear down")
  }

  func testSeedCropZoomMatchesCropThenOpenCVResize() throws {
    let out = try ops.zoom(imagePattern(width: 10, height: 8), trim: .seedCrop)
    XCTAssertEqual(out.width, 10)
    XCTAssertEqual(out.height, 8)
    assertClose(out.pixels, ImageFixtures.zoomSeedCrop, tolerance: 2e-4, "seed crop zoom")
    // The same as an explicit crop and resize.
    let explicit = try ops.resizeBilinear(
      ops.crop(imagePattern(width: 10, height: 8), x: 1, y: 2, width: 7, height: 5), width: 10, height: 8)
    XCTAssertEqual(out, explicit)
  }

  func testCentredZoomByFactor() throws {
    let out = try ops.zoom(imagePattern(width: 8, height: 6), factor: 1.25)
    assertClose(out.pixels, ImageFixtures.zoomFactor, tolerance: 2e-4, "zoom x1.25")
    let image = imagePattern(width: 8, height: 6)
    XCTAssertEqual(try ops.zoom(image, factor: 1), image)
  }

  func testLanczosFloatMatchesPillowModeF() throws {
    let down = try ops.resizeLanczos(imagePattern(width: 13, height: 11), width: 9, height: 7)
    assertClose(down.pixels, ImageFixtures.lanczosDown, tolerance: 2e-4, "lanczos down")
    let up = try ops.resizeLanczos(imagePattern(width: 6, height: 5), width: 11, height: 9)
    assertClose(up.pixels, ImageFixtures.lanczosUp, tolerance: 2e-4, "lanczos up")
    let mixed = try ops.resizeLanczos(imagePattern(width: 12, height: 10), width: 5, height: 13)
    assertClose(mixed.pixels, ImageFixtures.lanczosMixed, tolerance: 2e-4, "lanczos mixed")
  }

  func testLanczosEightBitMatchesPillowExactly() throws {
    func wide(_ w: Int, _ h: Int) -> RGBImage {
      RGBImage(width: w, height: h, pixels: ImageFixtures.wide(width: w, height: h))
    }
    let down = try ops.resizeLanczos(wide(13, 11), width: 9, height: 7, precision: .eightBit)
    XCTAssertEqual(down.pixels, ImageFixtures.lanczos8Down)
    let up = try ops.resizeLanczos(wide(6, 5), width: 11, height: 9, precision: .eightBit)
    XCTAssertEqual(up.pixels, ImageFixtures.lanczos8Up)
    let mixed = try ops.resizeLanczos(wide(12, 10), width: 5, height: 13, precision: .eightBit)
    XCTAssertEqual(mixed.pixels, ImageFixtures.lanczos8Mixed)
  }

  func testLanczosSameSizeIsIdentity() throws {
    let image = imagePattern(width: 9, height: 7)
    XCTAssertEqual(try ops.resizeLanczos(image, width: 9, height: 7), image)
  }

  func testResamplingIsIndependentOfThreadCount() throws {
    let image = imageNoise(width: 97, height: 83, seed: 3)
    let one = ImageOps(threads: 1)
    let many = ImageOps(threads: 5)
    XCTAssertEqual(
      try one.resizeBilinear(image, width: 131, height: 61),
      try many.resizeBilinear(image, width: 131, height: 61))
    XCTAssertEqual(
      try one.resizeLanczos(image, width: 67, height: 58),
      try many.resizeLanczos(image, width: 67, height: 58))
    XCTAssertEqual(
      try one.resizeLanczos(image, width: 150, height: 90, precision: .eightBit),
      try many.resizeLanczos(image, width: 150, height: 90, precision: .eightBit))
    XCTAssertEqual(try one.zoom(image, factor: 1.013), try many.zoom(image, factor: 1.013))
  }

  func testInvalidParametersThrowClearErrors() {
    let image = imagePattern(width: 10, height: 8)
    XCTAssertThrowsError(try ops.resizeBilinear(image, width: 0, height: 5)) { error in
      XCTAssertEqual(
        "\(error)", "resize: target size 0x5 is not positive; give a width and height of at least 1")
    }
    XCTAssertThrowsError(try ops.resizeLanczos(image, width: 4, height: -1))
    XCTAssertThrowsError(try ops.zoom(image, factor: 0)) { error in
      XCTAssertEqual(error as? ImageOpError, .invalidZoomFactor(0))
      XCTAssertEqual(
        "\(error)",
        "zoom: factor 0.0 is not supported; use a finite factor > 0 (1.01 zooms in by 1%, 0.99 zooms out by 1%)"
      )
    }
    XCTAssertThrowsError(try ops.zoom(image, factor: -0.5))
    XCTAssertThrowsError(try ops.zoom(image, factor: .nan))
    XCTAssertThrowsError(try ops.zoom(image, factor: .infinity))
    XCTAssertThrowsError(try ops.zoom(image, trim: EdgeTrim(top: 4, bottom: 4, left: 0, right: 0))) { error in
      XCTAssertEqual(
        "\(error)",
        "zoom-trim: trims top 4 bottom 4 left 0 right 0 leave no pixel of the 10x8 image; "
          + "use non-negative trims smaller than the image")
    }
    XCTAssertThrowsError(try ops.zoom(image, trim: EdgeTrim(top: -1, bottom: 0, left: 0, right: 0)))
  }
}
