import DreamEngine
import Foundation
import XCTest

/// JPEG round trips within a tolerance, greyscale/CMYK inputs, and the rejection of truncated,
/// corrupt, empty and huge files (libjpeg's warnings must be errors, never grey fill).
final class ImageCodecJPEGTests: XCTestCase {
  func testRoundTripStaysWithinTolerance() throws {
    let image = CodecTestSupport.smoothImage(width: 96, height: 64)
    for (subsampling, meanLimit) in [(JPEGSubsampling.yuv444, Float(1.2)), (.yuv420, Float(1.5))] {
      let bytes = try ImageCodec.encode(image, as: .jpeg(quality: 95, subsampling: subsampling))
      let decoded = try ImageCodec.decode(bytes, name: "smooth.jpg")
      XCTAssertEqual(decoded.width, 96)
      XCTAssertEqual(decoded.height, 64)
      let mean = CodecTestSupport.meanDifference(decoded, image)
      XCTAssertLessThan(mean, meanLimit, "\(subsampling)")
      XCTAssertGreaterThan(mean, 0, "JPEG is lossy; an exact copy means nothing was encoded")
      XCTAssertLessThan(CodecTestSupport.maxDifference(decoded, image), 40, "\(subsampling)")
    }
  }

  func testQualityAndSubsamplingReachTheFile() throws {
    let image = CodecTestSupport.noiseImage(width: 32, height: 32)
    let low = try ImageCodec.encode(image, as: .jpeg(quality: 30))
    let high = try ImageCodec.encode(image, as: .jpeg(quality: 95))
    let full = try ImageCodec.encode(image, as: .jpeg(quality: 95, subsampling: .yuv444))
    XCTAssertLessThan(low.count, high.count)
    XCTAssertLessThan(high.count, full.count)
    XCTAssertEqual(try lumaSampling(high), 0x22, "4:2:0: luma sampled 2x2 relative to chroma")
    XCTAssertEqual(try lumaSampling(full), 0x11, "4:4:4: all components 1x1")
  }

  func testGreyscaleJPEGBecomesRGB() throws {
    let decoded = try ImageCodec.decode(JPEGFixtures.grey16x8, name: "grey.jpg")
    XCTAssertEqual(decoded.width, 16)
    XCTAssertEqual(decoded.height, 8)
    for y in 0..<8 {
      for x in 0..<16 {
        let expected: Float = x < 8 ? 40 : 200
        for c in 0..<3 { XCTAssertEqual(decoded[x, y, c], expected, accuracy: 2, "(\(x),\(y))") }
      }
    }
  }

  func testAdobeCMYKJPEGBecomesRGB() throws {
    let decoded = try ImageCodec.decode(JPEGFixtures.cmyk16x16, name: "cmyk.jpg")
    XCTAssertEqual(decoded.width, 16)
    XCTAssertEqual(decoded.height, 16)
    let quadrants: [(x: Int, y: Int, rgb: [Float])] = [
      (2, 2, [0, 255, 255]), (12, 3, [255, 0, 255]), (3, 12, [255, 255, 0]), (12, 12, [127, 127, 127]),
    ]
    for quadrant in quadrants {
      for c in 0..<3 {
        XCTAssertEqual(decoded[quadrant.x, quadrant.y, c], quadrant.rgb[c], accuracy: 3, "\(quadrant)")
      }
    }
  }

  func testTruncatedJPEGIsRejected() throws {
    let bytes = try ImageCodec.encode(
      CodecTestSupport.noiseImage(width: 64, height: 64), as: .jpeg(quality: 90))
    let expected = ImageCodecError.corrupt(
      file: "frame.jpg", kind: .jpeg, detail: "premature end of JPEG file")
    let message =
      "frame.jpg: corrupt JPEG data: premature end of JPEG file (the file is truncated or damaged; re-export it)"
    for cut in [bytes.count * 6 / 10, bytes.count - 2, 120, 4] {
      assertCodecError(expected, message: message) {
        _ = try ImageCodec.decode(Array(bytes.prefix(cut)), name: "frame.jpg")
      }
    }
  }

  func testCorruptScanDataIsRejected() throws {
    var bytes = try ImageCodec.encode(
      CodecTestSupport.noiseImage(width: 64, height: 64), as: .jpeg(quality: 90))
    let middle = bytes.count / 2
    bytes.replaceSubrange(middle..<(middle + 2), with: [0xFF, 0xD3])  // a stray RST marker in the scan
    assertCodecError(
      .corrupt(file: "frame.jpg", kind: .jpeg, detail: "premature end of data segment"),
      message: "frame.jpg: corrupt JPEG data: premature end of data segment "
        + "(the file is truncated or damaged; re-export it)"
    ) { _ = try ImageCodec.decode(bytes, name: "frame.jpg") }
  }

  func testDamagedHeaderIsRejected() throws {
    var bytes = try ImageCodec.encode(
      CodecTestSupport.noiseImage(width: 8, height: 8), as: .jpeg(quality: 90))
    let sof = try startOfFrame(bytes)
    bytes[sof + 9] = 7  // number of components: 7 does not fit the segment length
    do {
      _ = try ImageCodec.decode(bytes, name: "bad.jpg")
      XCTFail("a damaged SOF segment was accepted")
    } catch {
      guard case .corrupt(_, .jpeg, _) = error else { return XCTFail("unexpected error \(error)") }
    }
  }

  func testZeroHeightIsRejected() throws {
    var bytes = try ImageCodec.encode(
      CodecTestSupport.noiseImage(width: 24, height: 8), as: .jpeg(quality: 90))
    let sof = try startOfFrame(bytes)
    bytes.replaceSubrange((sof + 5)..<(sof + 7), with: [0, 0])  // height
    assertCodecError(
      .noPixels(file: "flat.jpg", width: 24, height: 0),
      message: "flat.jpg: the image is 24x0 pixels (no pixels); use an image of at least 1x1"
    ) { _ = try ImageCodec.decode(bytes, name: "flat.jpg") }
  }

  func testHugeDimensionsAreRejectedFromTheHeader() throws {
    var bytes = try ImageCodec.encode(
      CodecTestSupport.noiseImage(width: 24, height: 8), as: .jpeg(quality: 90))
    let sof = try startOfFrame(bytes)
    bytes.replaceSubrange((sof + 5)..<(sof + 9), with: [0x4E, 0x20, 0x00, 0x10])  // 16x20000
    assertCodecError(.tooLarge(file: "tall.jpg", width: 16, height: 20000)) {
      _ = try ImageCodec.decode(bytes, name: "tall.jpg")
    }
  }

  func testQualityOutsideOneToHundredIsRejected() {
    let image = CodecTestSupport.noiseImage(width: 4, height: 4)
    for quality in [0, 101, -5] {
      assertCodecError(
        .invalidQuality(file: "out.jpg", quality: quality),
        message: "out.jpg: JPEG quality \(quality) is out of range; use a quality from 1 to 100"
      ) { _ = try ImageCodec.encode(image, as: .jpeg(quality: quality), name: "out.jpg") }
    }
    XCTAssertNoThrow(try ImageCodec.encode(image, as: .jpeg(quality: 1)))
    XCTAssertNoThrow(try ImageCodec.encode(image, as: .jpeg(quality: 100)))
  }

  // MARK: Helpers

  /// The offset of the SOF0 marker (FF C0) in a baseline JPEG.
  private func startOfFrame(_ bytes: [UInt8]) throws -> Int {
    let index = (0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }
    return try XCTUnwrap(index, "no SOF0 marker")
  }

  /// The sampling-factor byte of the first (luma) component in the SOF0 segment.
  private func lumaSampling(_ bytes: [UInt8]) throws -> UInt8 {
    let sof = try startOfFrame(bytes)
    XCTAssertEqual(bytes[sof + 9], 3, "three components")
    return bytes[sof + 11]
  }
}
