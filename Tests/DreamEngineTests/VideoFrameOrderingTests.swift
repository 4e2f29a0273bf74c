import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

final class VideoFrameOrderingTests: XCTestCase {
  func testNumbersCompareByValue() {
    let names = ["frame1000.jpg", "frame999.jpg", "frame2.jpg", "frame10.jpg", "frame0001.jpg", "frame1.jpg"]
    let sorted = names.sorted(by: FrameOrdering.naturalOrder)
    XCTAssertEqual(
      sorted, ["frame0001.jpg", "frame1.jpg", "frame2.jpg", "frame10.jpg", "frame999.jpg", "frame1000.jpg"])
    XCTAssertNotEqual(names.sorted(), sorted, "plain string order puts frame1000 before frame2")
  }

  func testSeveralNumbersAndHugeNumbers() {
    let names = [
      "shot10_frame2.png", "shot2_frame10.png", "shot2_frame9.png", "f123456789012345678901234.png",
      "f99.png",
      "a.png", "frame.png",
    ]
    XCTAssertEqual(
      names.sorted(by: FrameOrdering.naturalOrder),
      [
        "a.png", "f99.png", "f123456789012345678901234.png", "frame.png", "shot2_frame9.png",
        "shot2_frame10.png", "shot10_frame2.png",
      ])
  }

  func testOrderIsStrictAndTotal() {
    XCTAssertFalse(FrameOrdering.naturalOrder("x7", "x7"))
    XCTAssertNotEqual(FrameOrdering.naturalOrder("x7", "x007"), FrameOrdering.naturalOrder("x007", "x7"))
  }

  func testSortedURLsAndFolderListing() throws {
    let folder = try makeTemporaryFolder("order")
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["1000.jpg", "999.jpg", "0.png", "10.JPEG", ".hidden.png", "notes.txt", "998.jpg.partial"] {
      try Data([1]).write(to: folder.appendingPathComponent(name))
    }
    let frames = try FrameOrdering.frames(in: folder)
    XCTAssertEqual(frames.map(\.lastPathComponent), ["0.png", "10.JPEG", "999.jpg", "1000.jpg"])
    let urls = ["b/12.png", "a/3.png", "c/100.png"].map { URL(fileURLWithPath: $0) }
    XCTAssertEqual(FrameOrdering.sorted(urls).map(\.lastPathComponent), ["3.png", "12.png", "100.png"])
  }
}
