import DreamEngine
import DreamTestSupport
import DreamVocabulary
import Foundation
import XCTest

/// Video inputs: ffprobe's view of a file and the frame reader's pixels, on a lossless video
/// (PNG frames in Matroska) made by ffmpeg from known images. Skipped without ffmpeg.
final class VideoInputReaderTests: XCTestCase {
  private var folder = URL(fileURLWithPath: "/")

  override func setUpWithError() throws {
    guard VideoTestSupport.which("ffmpeg") != nil, VideoTestSupport.which("ffprobe") != nil else {
      throw XCTSkip("ffmpeg is not installed (apt-get install ffmpeg); video inputs not tested")
    }
    folder = try makeTemporaryFolder("video-input")
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  /// Four distinct 24x16 frames as PNGs and a lossless 10 fps .mkv of them.
  private func losslessVideo() throws -> (URL, [RGBImage]) {
    let frames = try VideoTestSupport.writeFrames(count: 4, width: 24, height: 16, in: folder, format: .png) {
      "f\($0).png"
    }
    let images = try frames.map { try ImageCodec.decode(Data(contentsOf: $0), name: $0.path) }
    let video = folder.appendingPathComponent("clip.mkv")
    let process = Process()
    process.executableURL = VideoTestSupport.which("ffmpeg")
    process.arguments = [
      "-hide_banner", "-loglevel", "error", "-framerate", "10", "-i",
      folder.appendingPathComponent("f%d.png").path,
      "-c:v", "png", video.path,
    ]
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    return (video, images)
  }

  func testProbeAndFramesAreExact() throws {
    let (video, images) = try losslessVideo()
    let info = try VideoInput.probe(video.path)
    XCTAssertEqual(info, VideoInfo(width: 24, height: 16, frameCount: 4, fps: 10, hasAudio: false))
    let reader = try VideoFrameReader(path: video.path, info: info)
    for i in [0, 1, 3, 2, 2, 0] {
      XCTAssertEqual(
        try reader.frame(i), images[i], "frame \(i) (asking for an earlier one restarts the decoder)")
    }
    XCTAssertThrowsError(try reader.frame(4)) { error in
      XCTAssertEqual(
        "\(error)",
        "\(video.path): the video ended at frame 4 although ffprobe counted 4 frames; re-encode it "
          + "(e.g. ffmpeg -i in.mp4 out.mp4) or use fewer frames")
    }
  }

  func testNotAVideoAndMissingToolsAreClearErrors() throws {
    let junk = folder.appendingPathComponent("junk.mp4")
    try Data("not a video".utf8).write(to: junk)
    XCTAssertThrowsError(try VideoInput.probe(junk.path)) { error in
      XCTAssertEqual(
        "\(error)",
        "\(junk.path): not a video ffmpeg can read (Invalid data found when processing input); give an .mp4, "
          + ".mov, .mkv, .webm or .avi file")
    }
    let image = folder.appendingPathComponent("still.png")
    try Data(ImageCodec.encode(RGBImage(width: 4, height: 4, fill: 9), as: .png)).write(to: image)
    XCTAssertThrowsError(try VideoInput.probe(image.path, searchPath: "/nonexistent")) { error in
      XCTAssertEqual(
        "\(error)",
        "\(image.path): reading a video input needs ffprobe (part of ffmpeg); install ffmpeg "
          + "(e.g. apt-get install ffmpeg) or load an image")
    }
  }
}
