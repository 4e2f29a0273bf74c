import DreamTestSupport
import DreamVocabulary
import DreamEngine
import Foundation
import XCTest

/// Format detection, file handling, quantisation and error messages shared by both codecs.
final class ImageCodecTests: XCTestCase {
  func testFormatIsDetectedByContentNotExtension() throws {
    let folder = try makeTemporaryFolder("detect")
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = CodecTestSupport.noiseImage(width: 9, height: 7)
    let pngNamedJPEG = folder.appendingPathComponent("photo.jpg")
    try Data(ImageCodec.encode(image, as: .png)).write(to: pngNamedJPEG)
    XCTAssertEqual(try ImageCodec.read(contentsOf: pngNamedJPEG), image, "lossless, so it was read as PNG")
    let jpegNamedPNG = folder.appendingPathComponent("photo.png")
    let jpeg = try ImageCodec.encode(image, as: .jpeg(quality: 90))
    try Data(jpeg).write(to: jpegNamedPNG)
    XCTAssertEqual(try ImageCodec.read(contentsOf: jpegNamedPNG), try ImageCodec.decode(jpeg, name: "x"))
    XCTAssertEqual(ImageFileKind.detect(jpeg), .jpeg)
    XCTAssertEqual(ImageFileKind.detect([0x89, 0x50, 0x4E, 0x47]), nil, "a partial signature is no PNG")
  }

  func testEmptyFileIsRejected() throws {
    let folder = try makeTemporaryFolder("empty")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("blank.png")
    try Data().write(to: url)
    assertCodecError(
      .emptyFile(file: url.path),
      message: "\(url.path): the file is empty (0 bytes); re-export it or use another image"
    ) { _ = try ImageCodec.read(contentsOf: url) }
  }

  func testNonImagesAreRejectedWithTheirFirstBytes() {
    assertCodecError(
      .notAnImage(file: "chelsea.jpg", signature: "'GIF8'"),
      message: "chelsea.jpg: not a PNG or JPEG image (starts with 'GIF8'); convert it to PNG or JPEG"
    ) { _ = try ImageCodec.decode(Array("GIF89a\u{1}\u{0}".utf8), name: "chelsea.jpg") }
    assertCodecError(
      .notAnImage(file: "model.pb", signature: "bytes 0A 0B 00 FF"),
      message: "model.pb: not a PNG or JPEG image (starts with bytes 0A 0B 00 FF); convert it to PNG or JPEG"
    ) { _ = try ImageCodec.decode([0x0A, 0x0B, 0x00, 0xFF, 0x12], name: "model.pb") }
    assertCodecError(.notAnImage(file: "x", signature: "'ab'")) {
      _ = try ImageCodec.decode(Array("ab".utf8), name: "x")
    }
  }

  func testMissingFilesAndFoldersAreUnreadable() throws {
    let folder = try makeTemporaryFolder("missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("nope.png")
    assertCodecError(
      .unreadable(file: missing.path, reason: "no such file"),
      message: "\(missing.path): cannot read the file: no such file; check the path and its permissions"
    ) { _ = try ImageCodec.read(contentsOf: missing) }
    assertCodecError(.unreadable(file: folder.path, reason: "it is a folder")) {
      _ = try ImageCodec.read(contentsOf: folder)
    }
  }

  func testWriteChoosesTheFormatFromTheExtensionAndIsAtomic() throws {
    let folder = try makeTemporaryFolder("write")
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = CodecTestSupport.smoothImage(width: 40, height: 30)
    for name in ["a.png", "b.JPG", "c.jpeg"] {
      let url = folder.appendingPathComponent(name)
      try ImageCodec.write(image, to: url)
      let bytes = try [UInt8](Data(contentsOf: url))
      XCTAssertEqual(ImageFileKind.detect(bytes), name.hasSuffix("png") ? .png : .jpeg, name)
      let back = try ImageCodec.read(contentsOf: url)
      if name.hasSuffix("png") {
        XCTAssertEqual(back, image)
      } else {
        XCTAssertLessThan(CodecTestSupport.meanDifference(back, image), 3, name)
      }
    }
    // Overwriting replaces the file; no temporary files are left behind.
    try ImageCodec.write(
      CodecTestSupport.noiseImage(width: 3, height: 3), to: folder.appendingPathComponent("a.png"))
    XCTAssertEqual(try ImageCodec.read(contentsOf: folder.appendingPathComponent("a.png")).width, 3)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    XCTAssertEqual(names, ["a.png", "b.JPG", "c.jpeg"])
  }

  func testWriteErrorsNameTheFile() throws {
    let image = CodecTestSupport.noiseImage(width: 2, height: 2)
    assertCodecError(
      .unknownExtension(file: "out/frame.gif"),
      message: "out/frame.gif: unknown image extension; use .png, .jpg or .jpeg"
    ) { try ImageCodec.write(image, to: URL(fileURLWithPath: "out/frame.gif")) }
    assertCodecError(.unknownExtension(file: "frame")) { _ = try ImageFormat.forPath("frame") }
    let folder = try makeTemporaryFolder("unwritable")
    defer { try? FileManager.default.removeItem(at: folder) }
    let target = folder.appendingPathComponent("missing/frame.png")
    let parent = folder.appendingPathComponent("missing")
    assertCodecError(
      .unwritable(file: target.path, reason: "folder \(parent.path) does not exist"),
      message: "\(target.path): cannot write the file: folder \(parent.path) does not exist; "
        + "check that its folder exists and is writable"
    ) { try ImageCodec.write(image, to: target) }
  }

  func testZeroSizeImagesCannotBeEncoded() {
    for format in [ImageFormat.png, .jpeg(quality: 90)] {
      assertCodecError(.noPixels(file: "empty.out", width: 0, height: 5)) {
        _ = try ImageCodec.encode(RGBImage(width: 0, height: 5), as: format, name: "empty.out")
      }
    }
  }

  func testQuantizationClampsAndRoundsOrTruncates() {
    let values: [Float] = [-3, 0.49, 0.5, 1.5, 123.5, 123.99, 254.5, 255, 300, .nan, .infinity, -.infinity]
    var padded = values
    while padded.count % 3 != 0 { padded.append(0) }
    let image = RGBImage(width: padded.count / 3, height: 1, pixels: padded)
    let rounded = ImageCodec.quantize(image, .round)
    let truncated = ImageCodec.quantize(image, .truncate)
    XCTAssertEqual(Array(rounded.prefix(values.count)), [0, 0, 1, 2, 124, 124, 255, 255, 255, 0, 255, 0])
    XCTAssertEqual(Array(truncated.prefix(values.count)), [0, 0, 0, 1, 123, 123, 254, 255, 255, 0, 255, 0])
    // The PNG writer uses the chosen quantisation.
    let png = (try? ImageCodec.encode(image, as: .png, quantization: .truncate)) ?? []
    let back = (try? ImageCodec.decode(png, name: "q.png"))?.pixels.map { UInt8($0) }
    XCTAssertEqual(back, truncated)
  }

  func testFormatForPath() throws {
    XCTAssertEqual(try ImageFormat.forPath("frames/0001.png"), .png)
    XCTAssertEqual(try ImageFormat.forPath("a.b/frame.JPEG", jpegQuality: 80), .jpeg(quality: 80))
    XCTAssertEqual(try ImageFormat.forPath("x.jpg"), .jpeg(quality: ImageFormat.defaultJPEGQuality))
  }

}
