import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

/// The .mp4 path (ffmpeg, H.264). Skipped with a message when ffmpeg is not installed, except the
/// "not found" error, which is tested with an empty search path.
final class VideoMP4Tests: XCTestCase {
  private var folder = URL(fileURLWithPath: "/")

  override func setUpWithError() throws {
    folder = try makeTemporaryFolder("mp4")
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  func testMissingFFmpegIsAClearError() throws {
    let frames = try VideoTestSupport.writeFrames(count: 1, width: 8, height: 8, in: folder, format: .png) {
      "\($0).png"
    }
    let out = folder.appendingPathComponent("out.mp4")
    assertVideoError(
      .ffmpegNotFound(output: out.path),
      message:
        "\(out.path): ffmpeg not found on PATH; install ffmpeg (apt-get install ffmpeg) or use an .avi output"
    ) {
      try VideoAssembler.write(
        frames: frames, to: out,
        options: VideoOptions(fps: 10, ffmpegSearchPath: folder.path + ":/nonexistent"))
    }
  }

  func testOddSizedPNGFramesBecomeH264() throws {
    guard VideoTestSupport.which("ffmpeg") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); mp4 writing not tested")
    }
    // Names whose string order differs from the given order: the list order must be kept.
    let frames = try VideoTestSupport.writeFrames(count: 6, width: 65, height: 49, in: folder, format: .png) {
      "frame\([100, 20, 3, 1000, 5, 60][$0]).png"
    }
    let out = folder.appendingPathComponent("clip.mp4")
    let summary = try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 24))
    XCTAssertEqual(summary, VideoSummary(container: .mp4, frameCount: 6, width: 64, height: 48))
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".png") },
      ["clip.mp4"], "no partial file left")
    let probe = try XCTUnwrap(try VideoTestSupport.probe(out), "ffprobe comes with ffmpeg")
    XCTAssertEqual(probe["codec_name"], "h264")
    XCTAssertEqual(probe["pix_fmt"], "yuv420p")
    XCTAssertEqual(probe["width"], "64")
    XCTAssertEqual(probe["height"], "48")
    XCTAssertEqual(probe["nb_read_frames"], "6")
    XCTAssertEqual(probe["r_frame_rate"], "24/1")
  }

  /// An animated GIF through ffmpeg's palette filters: every frame, the frames' size (odd is fine).
  func testFramesBecomeAnAnimatedGIF() throws {
    guard VideoTestSupport.which("ffmpeg") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); GIF writing not tested")
    }
    let frames = try VideoTestSupport.writeFrames(count: 4, width: 33, height: 21, in: folder, format: .png) {
      "f\($0).png"
    }
    let out = folder.appendingPathComponent("loop.gif")
    let summary = try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 10))
    XCTAssertEqual(summary, VideoSummary(container: .gif, frameCount: 4, width: 33, height: 21))
    XCTAssertEqual(try Data(contentsOf: out).prefix(6), Data("GIF89a".utf8))
    let probe = try XCTUnwrap(try VideoTestSupport.probe(out), "ffprobe comes with ffmpeg")
    XCTAssertEqual(probe["codec_name"], "gif")
    XCTAssertEqual(probe["width"], "33")
    XCTAssertEqual(probe["nb_read_frames"], "4")
  }

  /// Stopping (Ctrl-C) while ffmpeg has the frames ends ffmpeg, leaves no video and no temporary
  /// file, and says so.
  func testStoppingEndsFFmpegAndLeavesNothing() throws {
    guard VideoTestSupport.which("ffmpeg") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); mp4 writing not tested")
    }
    let frames = try VideoTestSupport.writeFrames(count: 8, width: 32, height: 32, in: folder, format: .png) {
      "\($0).png"
    }
    let out = folder.appendingPathComponent("clip.mp4")
    // 8 polls while the frames are checked, then 3 while they are piped: stop in the middle.
    var polls = 0
    assertVideoError(
      .cancelled(output: out.path),
      message: "\(out.path): stopped before the video was finished (nothing was written); rerun to make it"
    ) {
      try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 10)) {
        polls += 1
        return polls > 11
      }
    }
    XCTAssertEqual(polls, 12)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".png") }, [])
  }

  func testJPEGFramesWithMisleadingNames() throws {
    guard VideoTestSupport.which("ffmpeg") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); mp4 writing not tested")
    }
    let frames = try VideoTestSupport.writeFrames(
      count: 3, width: 32, height: 32, in: folder, format: .jpeg(quality: 90)
    ) { "\($0).png" }
    let out = folder.appendingPathComponent("clip.MP4")
    try VideoAssembler.write(frames: frames, to: out, options: VideoOptions(fps: 29.97))
    if let probe = try VideoTestSupport.probe(out) {
      XCTAssertEqual(probe["nb_read_frames"], "3")
      XCTAssertEqual(probe["r_frame_rate"], "30000/1001")
    }
  }

  func testFrameListErrors() throws {
    guard VideoTestSupport.which("ffmpeg") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); mp4 checks need it first")
    }
    let png = try VideoTestSupport.writeFrames(count: 1, width: 16, height: 16, in: folder, format: .png) {
      "\($0).png"
    }[0]
    let jpeg = try VideoTestSupport.writeFrames(
      count: 1, width: 16, height: 16, in: folder, format: .jpeg(quality: 90)
    ) { "\($0).jpg" }[0]
    let out = folder.appendingPathComponent("out.mp4")
    assertVideoError(
      .mixedFrameFormats(frame: jpeg.path, kind: .jpeg, firstFrame: png.path, firstKind: .png),
      message:
        "\(jpeg.path): frame is JPEG but \(png.path) is PNG; save every frame of an .mp4 video in one format"
    ) { try VideoAssembler.write(frames: [png, jpeg], to: out, options: VideoOptions(fps: 10)) }
    let dot = try VideoTestSupport.writeFrames(count: 1, width: 1, height: 1, in: folder, format: .png) { _ in
      "dot.png"
    }
    assertVideoError(.tooSmallForH264(output: out.path, width: 1, height: 1)) {
      try VideoAssembler.write(frames: dot, to: out, options: VideoOptions(fps: 10))
    }
    assertVideoError(.invalidCRF(output: out.path, crf: 52)) {
      try VideoAssembler.write(frames: [png], to: out, options: VideoOptions(fps: 10, crf: 52))
    }
  }
}
