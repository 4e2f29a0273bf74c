import DreamVocabulary
import RecipeParser
import XCTest

/// The `check:` section and the check variant of a recipe.
final class CheckSectionTests: XCTestCase {
  private let header = "model: inception5h\nframes: 10\n"

  func testDefaultsWithoutACheckSection() throws {
    let parsed = try recipe(withSteps("", header: header))
    XCTAssertNil(parsed.check)
    XCTAssertEqual(parsed.checkFrames, Array(0..<10))
    XCTAssertEqual(parsed.checkSettings.tolerance, .exact)
  }

  func testCountListSizeAndTolerance() throws {
    var parsed = try recipe(withSteps("", header: header + "check: {frames: 3, size: [160, 90]}\n"))
    XCTAssertEqual(parsed.checkFrames, [0, 1, 2])
    XCTAssertEqual(parsed.checkSettings.size, ImageSize(width: 160, height: 90))
    parsed = try recipe(
      withSteps("", header: header + "check:\n  frames: [9, 2]\n  tolerance: {max: 2, mean: 0.5, psnr: 40}\n")
    )
    XCTAssertEqual(parsed.checkFrames, [2, 9])
    XCTAssertEqual(parsed.checkSettings.tolerance, CheckTolerance(maximum: 2, mean: 0.5, minimumPSNR: 40))
    XCTAssertEqual(parsed.checkSettings.tolerance.description, "max 2, mean 0.5, psnr >= 40 dB")
  }

  func testEveryProblemIsReportedWithItsLocation() {
    assertDiagnostics(
      withSteps(
        "",
        header: header + "check:\n  frames: [1, 10, 1]\n  size: [0, 90]\n  tolerance: {max: 300, maen: 1}\n"),
      """
      recipes/test.yaml:4:15: error: check: 'frames' must be frame numbers of the recipe, 0...9, got 10
        frames: [1, 10, 1]
                    ^
      recipes/test.yaml:4:19: error: check: frame 1 is listed twice in 'frames'
        frames: [1, 10, 1]
                        ^
      recipes/test.yaml:5:10: error: check: 'size' sides must be 1...32768, got 0
        size: [0, 90]
               ^
      recipes/test.yaml:6:20: error: check: 'max' must be 0...255 (8-bit levels), got 300
        tolerance: {max: 300, maen: 1}
                         ^
      recipes/test.yaml:6:25: error: check: unknown key 'maen'
        tolerance: {max: 300, maen: 1}
                              ^
      """)
    assertDiagnostics(
      withSteps("", header: header + "check: {frames: 11}\n"),
      """
      recipes/test.yaml:3:17: error: check: 'frames' must be a frame count 1...10 or a list of frame numbers, got 11
      check: {frames: 11}
                      ^
      """)
  }

  func testTheCheckVariantRedirectsSavesAndDropsVideos() throws {
    let parsed = try recipe(
      withSteps(
        "  - save: out/{frame:03}.jpg\n  - video: out/v.avi\n",
        header: header + "size: [800, 450]\ncheck: {frames: [1, 4], size: [80, 45]}\n"))
    let variant = parsed.forCheck(outputFolder: "/tmp/new")
    XCTAssertEqual(variant.frames.value, 5, "frames 0...4 are rendered to reach frame 4")
    XCTAssertEqual(variant.size?.value, ImageSize(width: 80, height: 45))
    XCTAssertTrue(variant.videos.isEmpty)
    guard case .save(let save) = variant.pipeline[0].operation else { return XCTFail("not a save") }
    XCTAssertEqual(save.format, .png)
    XCTAssertEqual(save.resolvedPath.path(forFrame: 4), "/tmp/new/0004.png")
    XCTAssertEqual(save.path.value.text, "{frame:04}.png", "fingerprints see a name, not the scratch folder")
    XCTAssertEqual(parsed.referenceName(frame: 12, step: 2), "0012.png")
  }
}
