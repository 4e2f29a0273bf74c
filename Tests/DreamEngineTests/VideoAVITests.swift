import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

/// The native MJPEG AVI writer, checked by parsing the file back chunk by chunk and, when
/// installed, with ffprobe.
final class VideoAVITests: XCTestCase {
  private var folder = URL(fileURLWithPath: "/")

  override func setUpWithError() throws {
    folder = try makeTemporaryFolder("avi")
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  func testWriterProducesAValidIndexedAVI() throws {
    var jpegs: [[UInt8]] = []
    for i in 0..<5 {
      let image = CodecTestSupport.noiseImage(width: 48, height: 32, seed: UInt64(i + 1))
      var jpeg = try ImageCodec.encode(image, as: .jpeg(quality: 80))
      // Make frame sizes alternate odd/even so chunk padding is exercised (bytes after EOI are ignored).
      if jpeg.count % 2 != i % 2 { jpeg.append(0) }
      jpegs.append(jpeg)
    }
    let url = folder.appendingPathComponent("clip.avi")
    let writer = try MJPEGAVIWriter(url: url, width: 48, height: 32, fps: 25)
    for (i, jpeg) in jpegs.enumerated() { try writer.append(jpeg: jpeg, name: "frame\(i)") }
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: url.path), "nothing under the real name until finish")
    try writer.finish()

    let bytes = try [UInt8](Data(contentsOf: url))
    let avi = try ParsedAVI(bytes)
    XCTAssertEqual(avi.riffSize, bytes.count - 8)
    XCTAssertEqual(avi.avih[0], 40_000, "microseconds per frame at 25 fps")
    XCTAssertEqual(avi.avih[3] & 0x10, 0x10, "AVIF_HASINDEX")
    XCTAssertEqual(avi.avih[4], 5, "dwTotalFrames")
    XCTAssertEqual(avi.avih[6], 1, "dwStreams")
    XCTAssertEqual(avi.avih[7], UInt32(jpegs.map(\.count).max() ?? 0) + 8, "dwSuggestedBufferSize")
    XCTAssertEqual(Array(avi.avih[8...9]), [48, 32])
    XCTAssertEqual(avi.strhType, "vids")
    XCTAssertEqual(avi.strhHandler, "MJPG")
    XCTAssertEqual(avi.strhRate, 25)
    XCTAssertEqual(avi.strhScale, 1)
    XCTAssertEqual(avi.strhLength, 5)
    XCTAssertEqual(avi.strfCompression, "MJPG")
    XCTAssertEqual([avi.strfWidth, avi.strfHeight], [48, 32])
    XCTAssertEqual(avi.frames.map(\.data), jpegs, "frames stored byte-for-byte, in order")
    XCTAssertEqual(avi.index.count, 5)
    for (entry, frame) in zip(avi.index, avi.frames) {
      XCTAssertEqual(entry.id, "00dc")
      XCTAssertEqual(entry.flags, 0x10, "keyframe")
      XCTAssertEqual(avi.moviFourCCOffset + entry.offset, frame.offset, "idx1 offset is relative to 'movi'")
      XCTAssertEqual(entry.size, frame.data.count)
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["clip.avi"])

    if let probe = try VideoTestSupport.probe(url) {
      XCTAssertEqual(probe["codec_name"], "mjpeg")
      XCTAssertEqual(probe["nb_read_frames"], "5")
      XCTAssertEqual(probe["width"], "48")
      XCTAssertEqual(probe["height"], "32")
      XCTAssertEqual(probe["r_frame_rate"], "25/1")
    } else {
      print("ffprobe not installed: AVI checked by the chunk walk only")
    }
  }

  func testAssemblerAcceptsJPEGAndPNGFramesInTheGivenOrder() throws {
    let jpegs = try VideoTestSupport.writeFrames(
      count: 3, width: 40, height: 24, in: folder, format: .jpeg(quality: 90)
    ) { "f\($0).jpg" }
    let pngs = try VideoTestSupport.writeFrames(count: 2, width: 40, height: 24, in: folder, format: .png) {
      "g\($0).png"
    }
    let order = [jpegs[2], pngs[0], jpegs[0], pngs[1], jpegs[1]]
    let url = folder.appendingPathComponent("mixed.avi")
    let summary = try VideoAssembler.write(
      frames: order, to: url, options: VideoOptions(fps: 29.97, jpegQuality: 92))
    XCTAssertEqual(summary, VideoSummary(container: .avi, frameCount: 5, width: 40, height: 24))
    let avi = try ParsedAVI([UInt8](Data(contentsOf: url)))
    XCTAssertEqual([avi.strhRate, avi.strhScale], [30000, 1001])
    XCTAssertEqual(avi.frames.count, 5)
    XCTAssertEqual(avi.frames[0].data, try [UInt8](Data(contentsOf: jpegs[2])), "JPEG frames are copied")
    XCTAssertEqual(avi.frames[4].data, try [UInt8](Data(contentsOf: jpegs[1])))
    let original = try ImageCodec.read(contentsOf: pngs[0])
    let stored = try ImageCodec.decode(avi.frames[1].data, name: "frame 1")
    XCTAssertLessThan(CodecTestSupport.meanDifference(stored, original), 3, "PNG frames re-encoded as JPEG")
    if let probe = try VideoTestSupport.probe(url) {
      XCTAssertEqual(probe["nb_read_frames"], "5")
      XCTAssertEqual(probe["r_frame_rate"], "30000/1001")
    }
  }

  func testFrameErrorsNameTheFrame() throws {
    let frames = try VideoTestSupport.writeFrames(
      count: 2, width: 40, height: 24, in: folder, format: .jpeg(quality: 90)
    ) { "\($0).jpg" }
    let small = try VideoTestSupport.writeFrames(count: 1, width: 20, height: 24, in: folder, format: .png) {
      _ in "small.png"
    }[0]
    let out = folder.appendingPathComponent("out.avi")
    assertVideoError(
      .frameSizeMismatch(
        frame: small.path, width: 20, height: 24, firstFrame: frames[0].path, firstWidth: 40, firstHeight: 24),
      message:
        "\(small.path): frame is 20x24 but \(frames[0].path) is 40x24; every frame of a video must have the same size"
    ) { try VideoAssembler.write(frames: [frames[0], small], to: out, options: VideoOptions(fps: 10)) }

    // A truncated frame is rejected by name, not turned into a grey frame.
    let bytes = try [UInt8](Data(contentsOf: frames[1]))
    try Data(bytes.prefix(bytes.count / 2)).write(to: frames[1])
    assertVideoError(
      .badFrame(.corrupt(file: frames[1].path, kind: .jpeg, detail: "premature end of JPEG file"))
    ) { try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 10)) }

    let missing = folder.appendingPathComponent("7.jpg")
    assertVideoError(.badFrame(.unreadable(file: missing.path, reason: "no such file"))) {
      try VideoAssembler.write(frames: [frames[0], missing], to: out, options: VideoOptions(fps: 10))
    }
    // Failed runs leave neither a video nor a partial file.
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }, [])
  }

  /// A video that cannot be written is worded like any other file (frames, state): a full disk
  /// says to free space and that finished frames are kept.
  func testWriteFailuresAreWordedLikeFrameWrites() {
    let reason = String(cString: strerror(ENOSPC))
    XCTAssertEqual(
      VideoError.unwritable(file: "out/clip.avi", reason: reason).description,
      WriteFailure.message("out/clip.avi", code: ENOSPC))
    XCTAssertEqual(
      WriteFailure.message("out/clip.avi", code: ENOSPC),
      "out/clip.avi: cannot write the file: \(reason); free disk space and rerun (finished frames are kept)")
  }

  func testArgumentErrors() throws {
    let frames = try VideoTestSupport.writeFrames(
      count: 1, width: 8, height: 8, in: folder, format: .jpeg(quality: 90)
    ) { "\($0).jpg" }
    let out = folder.appendingPathComponent("out.avi")
    assertVideoError(
      .noFrames(output: out.path),
      message: "\(out.path): no frames to write; check the frame list (were the frames saved?)"
    ) { try VideoAssembler.write(frames: [], to: out, options: VideoOptions(fps: 10)) }
    assertVideoError(
      .invalidFPS(output: out.path, fps: 0),
      message: "\(out.path): fps 0 is invalid; use a frame rate above 0 and at most 1000"
    ) { try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 0)) }
    assertVideoError(.invalidFPS(output: out.path, fps: 5000)) {
      try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 5000))
    }
    assertVideoError(.invalidJPEGQuality(output: out.path, quality: 0)) {
      try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 10, jpegQuality: 0))
    }
    let mkv = folder.appendingPathComponent("out.mkv")
    assertVideoError(
      .unknownContainer(output: mkv.path),
      message:
        "\(mkv.path): unknown video extension; use .avi (MJPEG), .mp4 (H.264 via ffmpeg) or .gif (via ffmpeg)"
    ) { try VideoAssembler.write(frames: frames, to: mkv, options: VideoOptions(fps: 10)) }
    let nowhere = folder.appendingPathComponent("no/such/out.avi")
    assertVideoError(
      .unwritable(file: nowhere.path, reason: "folder \(folder.path)/no/such does not exist")
    ) { try VideoAssembler.write(frames: frames, to: nowhere, options: VideoOptions(fps: 10)) }
  }

  func testWriterRejectsNonJPEGAndCleansUpWhenAbandoned() throws {
    let url = folder.appendingPathComponent("abandoned.avi")
    do {
      let writer = try MJPEGAVIWriter(url: url, width: 8, height: 8, fps: 12.5)
      let png = try ImageCodec.encode(CodecTestSupport.noiseImage(width: 8, height: 8), as: .png)
      assertVideoError(.notJPEG(frame: "p.png")) { try writer.append(jpeg: png, name: "p.png") }
      let wrongSize = try ImageCodec.encode(
        CodecTestSupport.noiseImage(width: 9, height: 8), as: .jpeg(quality: 50))
      assertVideoError(
        .frameSizeMismatch(
          frame: "w.jpg", width: 9, height: 8, firstFrame: url.path, firstWidth: 8, firstHeight: 8)
      ) { try writer.append(jpeg: wrongSize, name: "w.jpg") }
      assertVideoError(.noFrames(output: url.path)) { try writer.finish() }
      // The partial file exists (hidden, named for this process) until the writer goes away.
      XCTAssertEqual(
        try FileManager.default.contentsOfDirectory(atPath: folder.path),
        [".abandoned.avi.\(getpid()).dream-run.tmp"])
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
  }

  func testExistingVideoIsReplacedWhole() throws {
    let url = folder.appendingPathComponent("v.avi")
    try Data("old".utf8).write(to: url)
    let frames = try VideoTestSupport.writeFrames(
      count: 2, width: 16, height: 16, in: folder, format: .jpeg(quality: 90)
    ) { "\($0).jpg" }
    try VideoAssembler.write(frames: frames, to: url, options: VideoOptions(fps: 12.5))
    let avi = try ParsedAVI([UInt8](Data(contentsOf: url)))
    XCTAssertEqual(avi.frames.count, 2)
    XCTAssertEqual([avi.strhRate, avi.strhScale], [12500, 1000])
    XCTAssertEqual(avi.avih[0], 80_000)
  }

  /// Very slow rates (down to the recipe's minimum and below) give a valid header, never a trap.
  func testVerySlowFrameRatesWriteAValidHeader() throws {
    let folder = try makeTemporaryFolder("slow-avi")
    defer { try? FileManager.default.removeItem(at: folder) }
    for fps in [0.001, 0.0004, 0.5] {
      let url = folder.appendingPathComponent("slow.avi")
      let writer = try MJPEGAVIWriter(url: url, width: 16, height: 16, fps: fps)
      let image = CodecTestSupport.noiseImage(width: 16, height: 16, seed: 3)
      try writer.append(jpeg: try ImageCodec.encode(image, as: .jpeg(quality: 80)), name: "frame0")
      try writer.finish()
      let avi = try ParsedAVI(try [UInt8](Data(contentsOf: url)))
      XCTAssertEqual(Double(avi.avih[0]), min(Double(UInt32.max), (1_000_000 / fps).rounded()), "fps \(fps)")
    }
  }
}
