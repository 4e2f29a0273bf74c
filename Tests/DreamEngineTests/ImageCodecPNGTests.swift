import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

/// PNG decoding of every colour type, bit depth and interlacing, lossless round trips, and the
/// rejection of damaged files. Inputs are written by `TinyPNG` (independent of libpng).
final class ImageCodecPNGTests: XCTestCase {
  func testRoundTripIsExact() throws {
    let image = CodecTestSupport.noiseImage(width: 37, height: 23)
    let bytes = try ImageCodec.encode(image, as: .png)
    // 8-bit RGB, non-interlaced.
    XCTAssertEqual(Array(bytes[24..<29]), [8, 2, 0, 0, 0])
    let decoded = try ImageCodec.decode(bytes, name: "noise.png")
    XCTAssertEqual(decoded, image)
  }

  func testGreyscaleOfEveryBitDepthBecomesRGB() throws {
    for depth in [1, 2, 4, 8, 16] {
      let maximum = (1 << depth) - 1
      let samples = (0..<12).map { ($0 * 7919) % (maximum + 1) }
      let png = TinyPNG(width: 4, height: 3, colorType: .grey, bitDepth: depth, samples: samples)
      let decoded = try ImageCodec.decode(png.encoded(), name: "grey\(depth).png")
      XCTAssertEqual(decoded.width, 4)
      XCTAssertEqual(decoded.height, 3)
      for (i, sample) in samples.enumerated() {
        let expected = (Double(sample) * 255 / Double(maximum)).rounded()
        for c in 0..<3 {
          XCTAssertEqual(Double(decoded.pixels[i * 3 + c]), expected, "depth \(depth) pixel \(i)")
        }
      }
    }
  }

  func testSixteenBitRGBIsRoundedToEightBits() throws {
    let samples = [0, 65535, 0x1234, 0x8080, 0x7F7F, 257 * 200 + 128, 1, 254, 0xFFFE, 300, 40000, 0x00FF]
    let png = TinyPNG(width: 2, height: 2, colorType: .rgb, bitDepth: 16, samples: samples)
    let decoded = try ImageCodec.decode(png.encoded(), name: "deep.png")
    let expected = samples.map { Float((Double($0) * 255 / 65535).rounded()) }
    XCTAssertEqual(decoded.pixels, expected)
  }

  func testAlphaIsCompositedOverBlack() throws {
    // RGBA: opaque, half transparent, fully transparent white, nearly opaque.
    let rgba = [10, 20, 30, 255, 200, 100, 50, 128, 255, 255, 255, 0, 255, 128, 0, 254]
    let png = TinyPNG(width: 2, height: 2, colorType: .rgba, bitDepth: 8, samples: rgba)
    let decoded = try ImageCodec.decode(png.encoded(), name: "alpha.png")
    XCTAssertEqual(decoded.pixels, [10, 20, 30, 100, 50, 25, 0, 0, 0, 254, 127, 0])

    // Grey + alpha, 16-bit: reduced to 8 bits, then composited.
    let greyAlpha = [65535, 65535, 65535, 0, 257 * 100, 257 * 51, 0, 65535]
    let grey = TinyPNG(width: 4, height: 1, colorType: .greyAlpha, bitDepth: 16, samples: greyAlpha)
    let decodedGrey = try ImageCodec.decode(grey.encoded(), name: "grey-alpha.png")
    XCTAssertEqual(decodedGrey.pixels, [255, 255, 255, 0, 0, 0, 20, 20, 20, 0, 0, 0])
  }

  func testPaletteWithTransparencyBecomesRGB() throws {
    let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 250]
    let indices = [0, 1, 2, 3, 3, 2, 1, 0]
    let png = TinyPNG(
      width: 4, height: 2, colorType: .palette, bitDepth: 2, samples: indices, palette: palette,
      transparency: [255, 51])  // entry 1 (green) at alpha 51; others opaque
    let decoded = try ImageCodec.decode(png.encoded(), name: "palette.png")
    let colours: [[Float]] = [[255, 0, 0], [0, 51, 0], [0, 0, 255], [250, 250, 250]]
    XCTAssertEqual(decoded.pixels, indices.flatMap { colours[$0] })
  }

  func testInterlacedMatchesItsSamples() throws {
    let source = CodecTestSupport.noiseImage(width: 13, height: 11)
    let samples = source.pixels.map { Int($0) }
    for interlaced in [false, true] {
      let png = TinyPNG(
        width: 13, height: 11, colorType: .rgb, bitDepth: 8, samples: samples, interlaced: interlaced)
      XCTAssertEqual(try ImageCodec.decode(png.encoded(), name: "adam7.png"), source)
    }
  }

  func testTruncatedPNGIsRejected() throws {
    let bytes = try ImageCodec.encode(CodecTestSupport.noiseImage(width: 64, height: 64), as: .png)
    let message =
      "frame.png: corrupt PNG data: unexpected end of file (the file is truncated or damaged; re-export it)"
    let expected = ImageCodecError.corrupt(file: "frame.png", kind: .png, detail: "unexpected end of file")
    for cut in [bytes.count / 2, bytes.count - 12, 40] {
      assertCodecError(expected, message: message) {
        _ = try ImageCodec.decode(Array(bytes.prefix(cut)), name: "frame.png")
      }
    }
    // Only the signature and part of the header.
    assertCodecError(expected) { _ = try ImageCodec.decode(Array(bytes.prefix(20)), name: "frame.png") }
  }

  func testChecksumDamageIsRejected() throws {
    let bytes = try ImageCodec.encode(CodecTestSupport.noiseImage(width: 16, height: 16), as: .png)
    var header = bytes
    header[30] ^= 0x01  // IHDR's CRC (bytes 29..<33)
    assertCodecError(
      .corrupt(file: "damaged.png", kind: .png, detail: "IHDR: CRC error"),
      message:
        "damaged.png: corrupt PNG data: IHDR: CRC error (the file is truncated or damaged; re-export it)"
    ) { _ = try ImageCodec.decode(header, name: "damaged.png") }
    // Inside IDAT, zlib's own checksum fails before libpng reaches the chunk's CRC.
    var pixels = bytes
    pixels[bytes.count / 2] ^= 0x5A
    assertCodecError(.corrupt(file: "damaged.png", kind: .png, detail: "IDAT: incorrect data check")) {
      _ = try ImageCodec.decode(pixels, name: "damaged.png")
    }
  }

  func testDamagedCompressedDataWithValidChecksumIsRejected() throws {
    let header = TinyPNG.be32(4) + TinyPNG.be32(4) + [8, 2, 0, 0, 0]
    let bytes: [UInt8] =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + TinyPNG.chunk("IHDR", header)
      + TinyPNG.chunk("IDAT", [0x78, 0x01, 0xFF, 0xFF, 0xFF, 0x13, 0x37]) + TinyPNG.chunk("IEND", [])
    do {
      _ = try ImageCodec.decode(bytes, name: "garbage.png")
      XCTFail("damaged deflate data was accepted")
    } catch {
      guard case .corrupt(let file, .png, let detail) = error else {
        return XCTFail("unexpected error \(error)")
      }
      XCTAssertEqual(file, "garbage.png")
      XCTAssertFalse(detail.isEmpty)
    }
  }

  func testZeroSizeIsRejected() throws {
    var bytes = try ImageCodec.encode(CodecTestSupport.noiseImage(width: 5, height: 8), as: .png)
    bytes.replaceSubrange(16..<20, with: TinyPNG.be32(0))  // IHDR width
    assertCodecError(
      .noPixels(file: "empty.png", width: 0, height: 8),
      message: "empty.png: the image is 0x8 pixels (no pixels); use an image of at least 1x1"
    ) { _ = try ImageCodec.decode(bytes, name: "empty.png") }
  }

  func testHugeDimensionsAreRejectedFromTheHeader() throws {
    var bytes = try ImageCodec.encode(CodecTestSupport.noiseImage(width: 5, height: 8), as: .png)
    bytes.replaceSubrange(16..<24, with: TinyPNG.be32(20000) + TinyPNG.be32(20000))
    assertCodecError(
      .tooLarge(file: "huge.png", width: 20000, height: 20000),
      message: "huge.png: the image is 20000x20000 pixels, over the limit of 16384 pixels per side "
        + "and 268435456 pixels; scale it down first"
    ) { _ = try ImageCodec.decode(bytes, name: "huge.png") }
    // Exactly at the limit on one side is still accepted by the header check (then the data
    // is missing, which is a different error).
    bytes.replaceSubrange(16..<24, with: TinyPNG.be32(16384) + TinyPNG.be32(1))
    do {
      _ = try ImageCodec.decode(bytes, name: "edge.png")
      XCTFail("a file with too little data was accepted")
    } catch {
      guard case .corrupt = error else { return XCTFail("unexpected error \(error)") }
    }
  }

  func testSharedPhotographsDecodeAndRoundTrip() throws {
    let folder = TestPaths.shared.appendingPathComponent("images")
    let expected = ["chelsea.png": (451, 300), "coffee.png": (600, 400), "astronaut.png": (512, 512)]
    var found = 0
    for (name, size) in expected.sorted(by: { $0.key < $1.key }) {
      let url = folder.appendingPathComponent(name)
      guard FileManager.default.fileExists(atPath: url.path) else { continue }
      found += 1
      let image = try ImageCodec.read(contentsOf: url)
      XCTAssertEqual(image.width, size.0, name)
      XCTAssertEqual(image.height, size.1, name)
      XCTAssertGreaterThan(Set(image.pixels).count, 200, "\(name) decodes to a real photograph")
      let again = try ImageCodec.decode(ImageCodec.encode(image, as: .png), name: name)
      XCTAssertEqual(again, image, name)
    }
    if found == 0 { throw XCTSkip("no shared images at \(folder.path)") }
  }
}
