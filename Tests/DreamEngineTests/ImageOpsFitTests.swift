import DreamEngine
import XCTest

/// Resizing to another aspect ratio: cover crops the centre, contain letterboxes, stretch distorts.
final class ImageOpsFitTests: XCTestCase {
  private let ops = ImageOps(threads: 2)

  /// A 6x2 image whose columns are 0, 10, ..., 50 (every channel and row).
  private var columns: RGBImage {
    var pixels = [Float](repeating: 0, count: 6 * 2 * 3)
    for y in 0..<2 { for x in 0..<6 { for c in 0..<3 { pixels[(y * 6 + x) * 3 + c] = Float(x * 10) } } }
    return RGBImage(width: 6, height: 2, pixels: pixels)
  }

  func testCoverCropsTheCentreAndKeepsTheAspect() throws {
    // 6x2 (3:1) into 2x2: the centred 2x2 crop is columns 2 and 3, no resampling.
    let covered = try ops.resized(columns, width: 2, height: 2, fit: .cover)
    XCTAssertEqual(
      covered.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element), [20, 30, 20, 30])
    // Same aspect: cover, contain and stretch agree.
    let same = try ops.resized(columns, width: 12, height: 4, fit: .cover)
    XCTAssertEqual(same, try ops.resized(columns, width: 12, height: 4, fit: .stretch))
    XCTAssertEqual(same, try ops.resized(columns, width: 12, height: 4, fit: .contain))
  }

  func testContainLetterboxesOnBlack() throws {
    // 6x2 into 6x6: the image keeps 6x2 in rows 2 and 3; rows 0, 1, 4, 5 are black.
    let contained = try ops.resized(columns, width: 6, height: 6, fit: .contain)
    for y in 0..<6 {
      let row = (0..<6).map { contained[$0, y, 1] }
      XCTAssertEqual(row, (2...3).contains(y) ? [0, 10, 20, 30, 40, 50] : [0, 0, 0, 0, 0, 0], "row \(y)")
    }
  }

  func testStretchScalesEachAxis() throws {
    let stretched = try ops.resized(columns, width: 6, height: 6, fit: .stretch)
    for y in 0..<6 {
      for x in 0..<6 { XCTAssertEqual(stretched[x, y, 0], Float(x * 10), accuracy: 1e-4) }
    }
    XCTAssertThrowsError(try ops.resized(columns, width: 0, height: 3, fit: .cover))
  }
}
