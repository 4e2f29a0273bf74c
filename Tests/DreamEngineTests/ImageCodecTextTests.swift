import DreamEngine
import XCTest

/// Provenance in files: PNG tEXt chunks and a JPEG comment, pixels unchanged.
final class ImageCodecTextTests: XCTestCase {
  private let image = RGBImage(width: 9, height: 7, pixels: (0..<189).map { Float(($0 * 37) % 256) })
  private let text: [(key: String, value: String)] = [
    ("Software", "dream-run test"), ("dream-run seed", "42\u{7}é"),
  ]

  private func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= bytes.count else { return false }
    return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
  }

  func testPNGTextChunks() throws {
    let plain = try ImageCodec.encode(image, as: .png)
    let tagged = try ImageCodec.encode(image, as: .png, text: text)
    XCTAssertTrue(contains(tagged, Array("tEXtSoftware\0dream-run test".utf8)))
    XCTAssertTrue(
      contains(tagged, Array("tEXtdream-run seed\u{0}42??".utf8)), "non-printable characters become ?")
    XCTAssertFalse(contains(plain, Array("tEXt".utf8)))
    XCTAssertEqual(try ImageCodec.decode(tagged, name: "t.png"), try ImageCodec.decode(plain, name: "p.png"))
    XCTAssertEqual(tagged, try ImageCodec.encode(image, as: .png, text: text), "deterministic")
  }

  func testJPEGComment() throws {
    let plain = try ImageCodec.encode(image, as: .jpeg(quality: 90))
    let tagged = try ImageCodec.encode(image, as: .jpeg(quality: 90), text: text)
    XCTAssertTrue(contains(tagged, [0xFF, 0xFE]), "a COM marker")
    XCTAssertTrue(contains(tagged, Array("Software: dream-run test\ndream-run seed: 42??".utf8)))
    XCTAssertEqual(try ImageCodec.decode(tagged, name: "t.jpg"), try ImageCodec.decode(plain, name: "p.jpg"))
  }
}
