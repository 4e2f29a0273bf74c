import DreamVocabulary
import Foundation

/// Streams JPEG frames into a Motion-JPEG AVI 1.0 file (one video stream, no audio).
///
/// Frames are written to disk as they arrive, so memory stays bounded (only a 16-byte index entry
/// per frame is kept). The file is built in ``VideoFiles/temporary(for:)`` beside the destination; `finish()`
/// appends the `idx1` index, rewrites the header with the final counts and sizes, and renames it over
/// the destination, so an interrupted run never leaves a half-written video under the real name.
/// A writer dropped without `finish()` deletes its partial file.
///
/// Layout: `RIFF 'AVI '` { `LIST 'hdrl'` (avih, `LIST 'strl'` (strh 'vids'/'MJPG', strf
/// BITMAPINFOHEADER 'MJPG')), `LIST 'movi'` ('00dc' chunk per frame, each padded to an even size),
/// `idx1` (one keyframe entry per frame, offsets relative to the 'movi' fourcc) }.
public final class MJPEGAVIWriter {
  /// The largest file written (2^31 - 1 bytes): AVI 1.0 sizes are 32-bit and many readers treat
  /// them as signed.
  public static let maximumFileSize = Int(Int32.max)

  public let url: URL
  public let width: Int
  public let height: Int
  public let fps: Double
  public private(set) var frameCount = 0

  private let partialURL: URL
  private var handle: FileHandle?
  private var index = LittleEndianBytes()
  private var moviListSize = 4  // the 'movi' fourcc
  private var largestFrame = 0
  private let rate: UInt32
  private let scale: UInt32

  /// Creates `<url>.partial` and writes a provisional header. `width` and `height` must match every
  /// frame (1...`ImageCodec.maximumSide`); `fps` must be above 0 and at most `VideoOptions.maximumFPS`.
  public init(url: URL, width: Int, height: Int, fps: Double) throws(VideoError) {
    let name = ImageCodec.displayName(of: url)
    guard fps.isFinite, fps > 0, fps <= VideoOptions.maximumFPS else {
      throw .invalidFPS(output: name, fps: fps)
    }
    precondition(
      (1...ImageCodec.maximumSide).contains(width) && (1...ImageCodec.maximumSide).contains(height),
      "MJPEGAVIWriter: frame size \(width)x\(height)")
    self.url = url
    self.width = width
    self.height = height
    self.fps = fps
    (rate, scale) = AVIHeader.rational(fps: fps)
    partialURL = VideoFiles.temporary(for: url)
    guard FileManager.default.createFile(atPath: partialURL.path, contents: nil) else {
      throw .unwritable(file: ImageCodec.displayName(of: partialURL), reason: "cannot create it")
    }
    do {
      handle = try FileHandle(forWritingTo: partialURL)
    } catch {
      throw .unwritable(file: ImageCodec.displayName(of: partialURL), reason: WriteFailure.reason(of: error))
    }
    try write(header().bytes())
  }

  deinit {
    if let handle {
      try? handle.close()
      try? FileManager.default.removeItem(at: partialURL)
    }
  }

  /// Appends one frame: a complete JPEG file's bytes whose size is `width` x `height`.
  /// `name` identifies the frame in errors.
  public func append(jpeg: [UInt8], name: String) throws(VideoError) {
    precondition(handle != nil, "MJPEGAVIWriter: append after finish")
    guard ImageFileKind.detect(jpeg) == .jpeg, let size = JPEGFrameSize.parse(jpeg) else {
      throw .notJPEG(frame: name)
    }
    guard size.width == width, size.height == height else {
      throw .frameSizeMismatch(
        frame: name, width: size.width, height: size.height,
        firstFrame: ImageCodec.displayName(of: url), firstWidth: width, firstHeight: height)
    }
    let padded = jpeg.count + jpeg.count % 2
    let fileSizeAfter = AVIHeader.byteCount + moviListSize - 4 + 8 + padded + 8 + 16 * (frameCount + 1)
    guard fileSizeAfter <= Self.maximumFileSize else {
      throw .tooLarge(output: ImageCodec.displayName(of: url))
    }

    var chunk = LittleEndianBytes()
    chunk.fourCC("00dc")
    chunk.u32(UInt32(jpeg.count))
    chunk.bytes.reserveCapacity(8 + padded)
    chunk.bytes += jpeg
    if jpeg.count % 2 == 1 { chunk.bytes.append(0) }
    try write(chunk.bytes)

    index.fourCC("00dc")
    index.u32(0x10)  // AVIIF_KEYFRAME: every MJPEG frame is a key frame
    index.u32(UInt32(moviListSize))  // offset of this chunk from the 'movi' fourcc
    index.u32(UInt32(jpeg.count))
    moviListSize += 8 + padded
    largestFrame = max(largestFrame, jpeg.count)
    frameCount += 1
  }

  /// Writes the index, the final header, and renames the file to `url`. Call once, after the last
  /// frame; a video needs at least one frame.
  public func finish() throws(VideoError) {
    guard let handle else { preconditionFailure("MJPEGAVIWriter: finish called twice") }
    guard frameCount > 0 else { throw .noFrames(output: ImageCodec.displayName(of: url)) }
    var idx1 = LittleEndianBytes()
    idx1.fourCC("idx1")
    idx1.u32(UInt32(index.bytes.count))
    try write(idx1.bytes + index.bytes)
    do {
      try handle.seek(toOffset: 0)
      try handle.write(contentsOf: header().bytes())
      try handle.synchronize()
      try handle.close()
      self.handle = nil
    } catch {
      throw .unwritable(file: ImageCodec.displayName(of: partialURL), reason: WriteFailure.reason(of: error))
    }
    try VideoFiles.rename(partialURL, over: url)
  }

  private func header() -> AVIHeader {
    let fileSize = AVIHeader.byteCount + moviListSize - 4 + 8 + 16 * frameCount
    return AVIHeader(
      width: width, height: height, rate: rate, scale: scale, frameCount: frameCount,
      largestFrame: largestFrame, moviListSize: moviListSize, riffSize: fileSize - 8)
  }

  private func write(_ bytes: [UInt8]) throws(VideoError) {
    guard let handle else { preconditionFailure("MJPEGAVIWriter: write after finish") }
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw .unwritable(file: ImageCodec.displayName(of: partialURL), reason: WriteFailure.reason(of: error))
    }
  }
}

/// Reads a JPEG's size from its SOFn segment without decoding it.
enum JPEGFrameSize {
  static func parse(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    var i = 2  // after SOI
    while i + 3 < bytes.count {
      guard bytes[i] == 0xFF else { return nil }
      let marker = bytes[i + 1]
      if marker == 0xFF {  // fill byte
        i += 1
        continue
      }
      if marker == 0x01 || (0xD0...0xD7).contains(marker) {  // no length
        i += 2
        continue
      }
      if marker == 0xD9 || marker == 0xDA { return nil }  // end or scan before any frame header
      let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
      guard length >= 2 else { return nil }
      if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
        guard i + 8 < bytes.count else { return nil }
        let height = Int(bytes[i + 5]) << 8 | Int(bytes[i + 6])
        let width = Int(bytes[i + 7]) << 8 | Int(bytes[i + 8])
        return (width, height)
      }
      i += 2 + length
    }
    return nil
  }
}
