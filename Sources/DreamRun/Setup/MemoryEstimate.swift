import DreamEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The peak memory of a run, worked out before it starts from the frame size, the input's size,
/// the model and the largest network pass, and checked against the memory available.
///
/// Peak = the larger of two phases, each on top of a fixed base and the model:
/// - preparing: the input decoded (8-bit copies and a float image, 18 bytes per pixel) and resized
///   to the frame size (12 bytes per pixel);
/// - rendering: ``bytesPerFramePixel`` per frame pixel (the frame, the algorithm's octave
///   pyramid, gradients and the blur's buffers), plus one network pass per thread working at
///   once, each bounded by ``Network/passBytes(width:height:)`` for the largest tile.
/// Calibrated against peak RSS measured on this engine (docs/cli.md, Memory); it errs high.
public struct MemoryEstimate: Sendable, Equatable {
  /// The process with its libraries and OpenBLAS's buffers, before the model.
  public static let baseBytes = 48 << 20
  /// Frame-sized float buffers alive while a frame renders (measured ~65 bytes per pixel).
  public static let bytesPerFramePixel = 80
  /// Input decoding: the decoder's 8-bit buffer, its Swift copy and the float image.
  public static let bytesPerInputPixel = 18
  /// One plan node with its ids, parameter string and fingerprint (measured ~1.3 KB: a
  /// 4,000,000-node plan took 5.3 GB).
  public static let bytesPerPlanNode = 1536

  public var modelBytes = 0
  /// `800x450`.
  public var frame = ""
  public var framePixels = 0
  public var inputPixels = 0
  /// Network passes that run at once (threads, at most the cores).
  public var passes = 1
  /// The largest single pass (``Network/passBytes(width:height:)``).
  public var passBytes = 0
  /// Nodes of the plan the run builds (every frame's, or `--frames N`'s).
  public var planNodes = 0

  public init() {}

  /// Bytes while the input is decoded and resized.
  public var preparingBytes: Int {
    Self.baseBytes + 2 * modelBytes + planNodes * Self.bytesPerPlanNode + inputPixels
      * Self.bytesPerInputPixel
      + framePixels * 12
  }

  /// Bytes while frames render.
  public var renderingBytes: Int {
    Self.baseBytes + 2 * modelBytes + planNodes * Self.bytesPerPlanNode + framePixels
      * Self.bytesPerFramePixel
      + passes * passBytes
  }

  /// The estimated peak.
  public var peakBytes: Int { max(preparingBytes, renderingBytes) }

  /// `about 190 MB`.
  public var summary: String { "about " + Self.describe(peakBytes) }

  /// The largest tile a dream of `width x height` feeds the network: one axis is cut into
  /// round(dim / tile) tiles, so a tile is at most ~1.5x the nominal size (or the whole axis), and
  /// never below the network's minimum.
  public static func largestTile(width: Int, height: Int, tileSize: Int, minimum: Int) -> (
    width: Int, height: Int
  ) {
    func side(_ dimension: Int) -> Int {
      let nominal = TileGrid.tileLength(dimension: dimension, tileSize: max(1, tileSize))
      let smallerOctave = min(dimension, tileSize + tileSize / 2 + 1)
      return min(dimension, max(nominal, smallerOctave, minimum))
    }
    return (side(width), side(height))
  }

  /// Refuses a run whose estimate exceeds `limit` (`--max-memory`, bytes) or, without one, the
  /// memory available now (``availableBytes()``).
  func check(limit: Int?, file: String) throws(RunError) {
    let peak = peakBytes
    let what: String
    if planNodes * Self.bytesPerPlanNode > max(passes * passBytes, framePixels * Self.bytesPerFramePixel) {
      what = "fewer 'frames:' (or --frames N)"
    } else if preparingBytes > renderingBytes {
      what = "a smaller input image (\(inputPixels) pixels)"
    } else {
      what = "a smaller 'size:' or 'tile:', or fewer --threads"
    }
    if let limit {
      guard peak > limit else { return }
      throw .runtime(
        "\(file): error: this run needs \(summary) of memory (frame \(frame), \(passes) thread(s)), more than "
          + "--max-memory \(Self.describe(limit)); use \(what), or raise --max-memory")
    }
    guard let available = Self.availableBytes(), peak > available else { return }
    throw .runtime(
      "\(file): error: this run needs \(summary) of memory, more than the \(Self.describe(available)) "
        + "available; use \(what), or pass --max-memory to set the limit yourself")
  }

  /// `512 MB`, `3.4 GB`.
  public static func describe(_ bytes: Int) -> String {
    let megabytes = Double(bytes) / Double(1 << 20)
    if megabytes < 1024 { return String(format: "%.0f MB", megabytes.rounded(.up)) }
    return String(format: "%.1f GB", megabytes / 1024)
  }

  /// Memory this process may still use: the smallest of the kernel's MemAvailable, what the
  /// control group's limit leaves (cgroup v2 `memory.max` - `memory.current`) and what the
  /// address-space limit (`ulimit -v`) leaves of this process's size; nil when unknown.
  public static func availableBytes() -> Int? {
    var candidates: [Int] = []
    var limit = rlimit()
    if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max,
      let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
      let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    {
      candidates.append(max(0, Int(clamping: limit.rlim_cur) - kilobytes * 1024))
    }
    if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
      let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    {
      candidates.append(kilobytes * 1024)
    }
    let read = { (path: String) in
      (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    if let maximum = read("/sys/fs/cgroup/memory.max").flatMap({ Int($0) }),
      let current = read("/sys/fs/cgroup/memory.current").flatMap({ Int($0) })
    {
      candidates.append(max(0, maximum - current))
    }
    return candidates.min()
  }

  /// Parses `--max-memory`: bytes with an optional K, M, G or T suffix (powers of 1024): `1500M`,
  /// `2G`. Nil when malformed or not positive.
  public static func parseSize(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = Substring(text.uppercased())
    if digits.hasSuffix("B") { digits = digits.dropLast() }
    var multiplier = 1
    if let last = digits.last, let unit = units[last] {
      multiplier = unit
      digits = digits.dropLast()
    }
    guard let value = Double(digits), value.isFinite, value > 0, value * Double(multiplier) < 9e18 else {
      return nil
    }
    return Int(value * Double(multiplier))
  }
}

extension URL {
  /// The file's size in bytes (0 when unknown).
  var fileSize: Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
  }
}
