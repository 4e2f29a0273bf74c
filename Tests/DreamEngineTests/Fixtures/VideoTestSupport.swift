import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

/// An AVI file parsed back by walking its RIFF chunks (independently of the writer's code).
struct ParsedAVI {
  struct IndexEntry: Equatable {
    var id: String
    var flags: UInt32
    var offset: Int
    var size: Int
  }

  var riffSize = 0
  var fileSize = 0
  var avih: [UInt32] = []  // the 14 DWORDs of MainAVIHeader
  var strhType = ""
  var strhHandler = ""
  var strhScale: UInt32 = 0
  var strhRate: UInt32 = 0
  var strhLength: UInt32 = 0
  var strfWidth: UInt32 = 0
  var strfHeight: UInt32 = 0
  var strfCompression = ""
  var moviFourCCOffset = 0
  /// (offset of the chunk header, data) of every '00dc' chunk, in order.
  var frames: [(offset: Int, data: [UInt8])] = []
  var index: [IndexEntry] = []

  init(_ bytes: [UInt8]) throws {
    fileSize = bytes.count
    XCTAssertEqual(Self.fourCC(bytes, 0), "RIFF")
    XCTAssertEqual(Self.fourCC(bytes, 8), "AVI ")
    riffSize = Self.u32(bytes, 4)
    try walk(bytes, from: 12, to: min(8 + riffSize, bytes.count))
  }

  private mutating func walk(_ bytes: [UInt8], from start: Int, to end: Int) throws {
    var position = start
    while position + 8 <= end {
      let id = Self.fourCC(bytes, position)
      let size = Self.u32(bytes, position + 4)
      let data = position + 8
      guard data + size <= end else {
        throw NSError(
          domain: "ParsedAVI", code: 1, userInfo: [NSLocalizedDescriptionKey: "chunk \(id) overruns"])
      }
      switch id {
      case "LIST":
        let listType = Self.fourCC(bytes, data)
        if listType == "movi" { moviFourCCOffset = data }
        try walk(bytes, from: data + 4, to: data + size)
      case "avih":
        avih = (0..<14).map { UInt32(Self.u32(bytes, data + 4 * $0)) }
      case "strh":
        strhType = Self.fourCC(bytes, data)
        strhHandler = Self.fourCC(bytes, data + 4)
        strhScale = UInt32(Self.u32(bytes, data + 20))
        strhRate = UInt32(Self.u32(bytes, data + 24))
        strhLength = UInt32(Self.u32(bytes, data + 32))
      case "strf":
        strfWidth = UInt32(Self.u32(bytes, data + 4))
        strfHeight = UInt32(Self.u32(bytes, data + 8))
        strfCompression = Self.fourCC(bytes, data + 16)
      case "00dc":
        frames.append((position, Array(bytes[data..<(data + size)])))
      case "idx1":
        for entry in stride(from: data, to: data + size, by: 16) {
          index.append(
            IndexEntry(
              id: Self.fourCC(bytes, entry), flags: UInt32(Self.u32(bytes, entry + 4)),
              offset: Self.u32(bytes, entry + 8), size: Self.u32(bytes, entry + 12)))
        }
      default:
        break
      }
      position = data + size + size % 2
    }
    XCTAssertEqual(position, end, "chunks fill their parent exactly")
  }

  static func u32(_ bytes: [UInt8], _ at: Int) -> Int {
    Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
  }

  static func fourCC(_ bytes: [UInt8], _ at: Int) -> String {
    String(decoding: bytes[at..<(at + 4)], as: UTF8.self)
  }
}

enum VideoTestSupport {
  /// The path of `tool` on PATH, if installed.
  static func which(_ tool: String) -> URL? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
      let url = URL(fileURLWithPath: String(folder)).appendingPathComponent(tool)
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
  }

  /// ffprobe's view of the first video stream (codec_name, width, height, pix_fmt,
  /// nb_read_frames), or nil when ffprobe is not installed.
  static func probe(_ video: URL) throws -> [String: String]? {
    guard let ffprobe = which("ffprobe") else { return nil }
    let process = Process()
    process.executableURL = ffprobe
    process.arguments = [
      "-v", "error", "-count_frames", "-select_streams", "v:0",
      "-show_entries", "stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate",
      "-of", "default=noprint_wrappers=1", video.path,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "ffprobe \(video.path)")
    var fields: [String: String] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: "=", maxSplits: 1)
      if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    return fields
  }

  /// Writes `count` frames of `width` x `height` (each a different image) as `name(i)` files.
  static func writeFrames(
    count: Int, width: Int, height: Int, in folder: URL, format: ImageFormat,
    name: (Int) -> String
  ) throws -> [URL] {
    try (0..<count).map { i in
      var image = CodecTestSupport.smoothImage(width: width, height: height)
      for p in image.pixels.indices { image.pixels[p] = min(255, image.pixels[p] + Float(i * 20)) }
      let url = folder.appendingPathComponent(name(i))
      try Data(ImageCodec.encode(image, as: format)).write(to: url)
      return url
    }
  }
}

/// Asserts that `body` throws exactly `expected` with `message` (when given).
func assertVideoError(
  _ expected: VideoError, message: String? = nil, file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Void
) {
  assertThrows(expected, message: message, file: file, line: line, body)
}
