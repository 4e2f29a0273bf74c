import Foundation
import XCTest

import DreamRun

/// `validate` costs nothing per frame or pixel, and a run that would not fit in memory is refused
/// before it starts.
final class ResourceBoundTests: XCTestCase {
  /// A million-frame recipe validates (a whole plan took 50 s and 3.6 GB) under a 1.5 GB
  /// address-space limit, with the full plan's node count.
  func testValidatingAMillionFramesBuildsNoPlan() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 1_000_000), in: folder)
    let result = try TestSupport.runLimited(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(
      result.stdout.hasPrefix("recipe.yaml: ok (1000000 frames, 3999999 nodes; peak memory about "),
      result.stdout)
  }

  /// A 1 MB recipe of keyframed dreams and zooms over a million frames (16 billion plan nodes)
  /// validates under a 1.5 GB address-space limit: each step is checked around its keyframes.
  func testAMegabyteOfKeyframedStepsValidatesWithinBounds() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = "model: inception5h\nframes: 1000000\nsize: [64, 64]\nsteps:\n  - load: input.png\n"
    var step = 0
    while text.utf8.count < 1_000_000 {
      text +=
        "  - dream: {layer: {0: \(step % 8), 999999: \((step + 3) % 8)}, iterations: {0: 1, 500000: 3}, tile: 64}\n"
      text += "  - zoom: {factor: {0: 1.01, 999999: 1.02}}\n"
      step += 1
    }
    try TestSupport.writeRecipe(text + "  - save: o/{frame}.png\n", in: folder)
    let result = try TestSupport.runLimited(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("recipe.yaml: ok (1000000 frames, "), result.stdout)
  }

  /// A keyframed zoom that goes wrong only between two far-apart keyframes of a long recipe is still
  /// found, with the first frame where it happens.
  func testAProblemBetweenKeyframesIsFoundWithItsFrame() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let recipe = TestSupport.tinyRecipe(frames: 100).replacingOccurrences(
      of: "zoom: {factor: 1.05}", with: "zoom: {trim: {top: {0: 0, 80: 80}}}")
    try TestSupport.writeRecipe(recipe, in: folder)
    let result = try TestSupport.run(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(result.status, 2, result.stdout)
    XCTAssertTrue(result.stderr.contains("(frame 48)"), result.stderr)
  }

  /// A small PNG that declares 16384x16384 pixels (a decompression bomb within the pixel limit) is
  /// checked by its header: validate stays under a 1.5 GB limit (decoding took 3.9 GB); a run
  /// refuses it by its memory estimate against --max-memory before decoding.
  func testAPNGBombIsCheckedByItsHeaderAndRefusedByTheEstimate() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.blackPNG(side: 16384).write(to: folder.appendingPathComponent("bomb.png"))
    try TestSupport.writeRecipe(
      TestSupport.tinyRecipe().replacingOccurrences(of: "load: input.png", with: "load: bomb.png")
        .replacingOccurrences(of: "frame0: input", with: "frame0: input\nsize: [64, 48]"),
      in: folder)
    let validate = try TestSupport.runLimited(["validate", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(validate.status, 0, validate.stderr)
    let run = try TestSupport.runLimited(["recipe.yaml", "--model", model, "--max-memory", "1G"], in: folder)
    XCTAssertEqual(run.status, 1, run.stdout)
    XCTAssertTrue(
      run.stderr.hasPrefix("recipe.yaml: error: this run needs about 4.")
        && run.stderr.contains("--max-memory 1.0 GB"),
      run.stderr)
    XCTAssertTrue(run.stderr.contains("use a smaller input image (268435456 pixels)"), run.stderr)
    // Without --max-memory the address-space limit is what is available.
    let limited = try TestSupport.runLimited(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(limited.status, 1, limited.stdout)
    XCTAssertTrue(limited.stderr.contains("GB available; use a smaller input image"), limited.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
  }

  /// `plan` of a million-frame recipe says it is too long to list (under a 1.5 GB limit; it built
  /// 4,000,000 nodes in 5.3 GB); `--frames N` lists the first N frames.
  func testPlanListsAMillionFramesOnlyWithFrames() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 1_000_000), in: folder)
    let whole = try TestSupport.runLimited(["plan", "recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(whole.status, 0, whole.stderr)
    XCTAssertEqual(
      whole.stdout,
      "1000000 frames, 3999999 nodes: too many to list (more than 100000 nodes); add --frames N to list "
        + "frames 0...N-1\nunits: 1 independent unit (each frame starts from the one before)\n")
    let three = try TestSupport.run(["plan", "recipe.yaml", "--model", model, "--frames", "3"], in: folder)
    XCTAssertEqual(three.status, 0, three.stderr)
    XCTAssertTrue(three.stdout.contains("\n3 frames, 10 nodes; 0 of 3 files up to date; "), three.stdout)
  }

  /// `--max-memory` below the estimate refuses the run (exit 1, nothing written); a malformed one is
  /// a usage error; `plan` prints the estimate.
  func testMaxMemoryRefusesARunOverTheEstimate() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 2, iterations: 1), in: folder)
    let refused = try TestSupport.run(["recipe.yaml", "--model", model, "--max-memory", "10M"], in: folder)
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.stderr.contains("more than --max-memory 10 MB"), refused.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    let malformed = try TestSupport.run(
      ["recipe.yaml", "--model", model, "--max-memory", "lots"], in: folder)
    XCTAssertEqual(malformed.status, 2)
    XCTAssertTrue(malformed.stderr.contains("--max-memory 'lots' is not a size"), malformed.stderr)
    let plan = try TestSupport.run(["plan", "recipe.yaml", "--model", model, "--threads", "1"], in: folder)
    XCTAssertEqual(plan.status, 0, plan.stderr)
    XCTAssertTrue(plan.stdout.contains("; peak memory about "), plan.stdout)
    XCTAssertTrue(
      plan.stdout.hasSuffix(
        " MB with 1 thread(s)\nunits: 1 independent unit (each frame starts from the one before)\n"),
      plan.stdout)
    let allowed = try TestSupport.run(
      ["recipe.yaml", "--model", model, "--max-memory", "4G", "--quiet"], in: folder)
    XCTAssertEqual(allowed.status, 0, allowed.stderr)
  }

  func testSizesParseWithBinaryUnits() {
    XCTAssertEqual(MemoryEstimate.parseSize("1500M"), 1500 << 20)
    XCTAssertEqual(MemoryEstimate.parseSize("2g"), 2 << 30)
    XCTAssertEqual(MemoryEstimate.parseSize("512KB"), 512 << 10)
    XCTAssertEqual(MemoryEstimate.parseSize("1048576"), 1 << 20)
    for bad in ["", "0", "-1G", "G", "1e400", "nan", "2X"] {
      XCTAssertNil(MemoryEstimate.parseSize(bad), bad)
    }
  }

  /// A black 8-bit greyscale PNG of side x side: about 2 MB that decode to gigabytes. The zlib
  /// stream is one fixed-Huffman deflate block: a literal 0, then copies of 258 bytes at
  /// distance 1, then literal zeros.
  static func blackPNG(side: Int) throws -> Data {
    let count = side * (side + 1)  // a filter byte 0 and `side` zero samples per row
    var bits = BitWriter()
    bits.write(0b011, count: 3)  // BFINAL 1, BTYPE 01 (fixed Huffman), least significant bit first
    bits.writeCode(0x30, length: 8)  // literal 0
    var remaining = count - 1
    while remaining >= 258 {
      bits.writeCode(0xC5, length: 8)  // length symbol 285: 258 bytes
      bits.writeCode(0, length: 5)  // distance code 0: distance 1
      remaining -= 258
    }
    for _ in 0..<remaining { bits.writeCode(0x30, length: 8) }
    bits.writeCode(0, length: 7)  // end of block
    let adler = UInt32(count % 65521) << 16 | 1  // all zeros: a = 1, b = count
    let zlib = [0x78, 0x01] + bits.bytes + bigEndian(adler)
    let header = bigEndian(UInt32(side)) + bigEndian(UInt32(side)) + [8, 0, 0, 0, 0]
    let png: [UInt8] =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib)
      + chunk("IEND", [])
    return Data(png)
  }

  private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
    let typed = Array(type.utf8) + body
    return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
  }

  private static func bigEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
  }

  /// CRC-32 (ISO-HDLC, as PNG chunks use).
  private static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}

/// Deflate's bit order: values least significant bit first, Huffman codes most significant first.
private struct BitWriter {
  var bytes: [UInt8] = []
  private var used = 8

  mutating func write(_ value: Int, count: Int) {
    for i in 0..<count { append(bit: (value >> i) & 1) }
  }

  mutating func writeCode(_ code: Int, length: Int) {
    for i in stride(from: length - 1, through: 0, by: -1) { append(bit: (code >> i) & 1) }
  }

  private mutating func append(bit: Int) {
    if used == 8 {
      bytes.append(0)
      used = 0
    }
    bytes[bytes.count - 1] |= UInt8(bit << used)
    used += 1
  }
}
