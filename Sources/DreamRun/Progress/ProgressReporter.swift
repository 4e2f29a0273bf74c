import DreamEngine
import Foundation
import ModelStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reports a run's progress on standard error.
///
/// - `live` (a terminal): one line redrawn in place with `\r`, at most 10 times a second:
///   `frame 12/50  dream 1/1  octave 2/2  iter 7/20  00:41 elapsed  ETA 05:12`.
/// - `lines` (a pipe or file): one plain line per finished frame, video and summary.
/// - `quiet`: nothing (errors are still printed by the caller).
/// - `json` (`--json`, for scripts): one JSON object per line and event, keys sorted:
///   `{"event":"begin","frames":3,"to_render":2,"up_to_date":1}`,
///   `{"event":"frame","files":["out/01.png"],"frame":1,"rendered":true,"seconds":4.91}`,
///   `{"event":"note","message":"..."}`; the command adds a final `done` event.
public final class ProgressReporter {
  public enum Mode: Sendable, Equatable {
    case live, lines, quiet, json
  }

  public let mode: Mode
  private let write: (String) -> Void
  private let clock: () -> Double
  private let start: Double
  private var lastDraw = -Double.infinity
  private var lineShown = false
  private var frameCount = 1
  private var framesToRender = 0
  private var framesRendered = 0
  private var renderSeconds = 0.0
  private var frame = 0
  private var frameStart = 0.0
  private var dream = (index: 0, count: 0)

  public init(
    mode: Mode, write: @escaping (String) -> Void, clock: @escaping () -> Double = MonotonicClock.now
  ) {
    self.mode = mode
    self.write = write
    self.clock = clock
    self.start = clock()
  }

  /// A reporter on standard error: `live` on a terminal, `lines` otherwise, `quiet` when asked.
  public static func standardError(quiet: Bool) -> ProgressReporter {
    let mode: Mode = quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .live : .lines)
    return ProgressReporter(mode: mode) { text in StandardStream.error.write(text) }
  }

  /// Called once: how many frames the recipe has and how many will be rendered.
  public func begin(frames: Int, toRender: Int, upToDate: Int) {
    frameCount = frames
    framesToRender = toRender
    if mode == .json {
      emitJSON(["event": "begin", "frames": frames, "to_render": toRender, "up_to_date": upToDate])
      return
    }
    if toRender > 0, upToDate > 0 {
      emitLine("\(upToDate) of \(frames) frames up to date; rendering \(toRender)")
    }
  }

  public func frameStarted(_ frame: Int) {
    self.frame = frame
    frameStart = clock()
    dream = (0, 0)
    draw(detail: "", force: true)
  }

  public func dreamStarted(index: Int, count: Int) {
    dream = (index, count)
    draw(detail: "dream \(index)/\(count)", force: true)
  }

  public func dreamProgress(_ progress: DreamProgress) {
    var detail = "dream \(dream.index)/\(dream.count)"
    if progress.octaveCount > 1 { detail += "  octave \(progress.octave)/\(progress.octaveCount)" }
    detail += "  iter \(progress.iteration)/\(progress.iterationCount)"
    draw(detail: detail, force: false)
  }

  /// A frame was computed; `wrote` lists the files written (empty when it was only recomputed).
  public func frameFinished(_ frame: Int, wrote: [String], rendered: Bool) {
    let seconds = clock() - frameStart
    if rendered {
      framesRendered += 1
      renderSeconds += seconds
    }
    if mode == .json, !wrote.isEmpty {
      emitJSON(["event": "frame", "frame": frame, "files": wrote, "rendered": rendered, "seconds": seconds])
    }
    guard mode == .lines, !wrote.isEmpty else { return }
    emitLine(
      "frame \(frame)/\(frameCount): wrote \(wrote.joined(separator: ", ")) in "
        + String(format: "%.1f s", seconds) + etaText(prefix: ", ETA "))
  }

  public func note(_ text: String) {
    if mode == .json { return emitJSON(["event": "note", "message": text]) }
    emitLine(text)
  }

  /// One JSON object on its own line (`json` mode).
  public func emitJSON(_ object: [String: Any]) {
    guard mode == .json,
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return }
    write(String(decoding: data, as: UTF8.self) + "\n")
  }

  /// Ends the live line, if one is drawn.
  public func finish() {
    if mode == .live, lineShown {
      write("\n")
      lineShown = false
    }
  }

  private func draw(detail: String, force: Bool) {
    guard mode == .live else { return }
    let now = clock()
    guard force || now - lastDraw >= 0.1 else { return }
    lastDraw = now
    var line = "frame \(frame)/\(frameCount)"
    if !detail.isEmpty { line += "  " + detail }
    line += "  " + Self.clockText(now - start) + " elapsed" + etaText(prefix: "  ETA ")
    write("\r" + line + "\u{1B}[K")
    lineShown = true
  }

  /// Prints a line of text; control characters in it (from file names) are shown escaped.
  private func emitLine(_ unescaped: String) {
    let text = StandardStream.escapingControls(unescaped)
    switch mode {
    case .quiet, .json: return
    case .lines: write(text + "\n")
    case .live:
      write((lineShown ? "\r\u{1B}[K" : "") + text + "\n")
      lineShown = false
    }
  }

  /// Remaining frames times the mean seconds per rendered frame so far.
  private func etaText(prefix: String) -> String {
    guard framesRendered > 0 else { return "" }
    let remaining = max(0, framesToRender - framesRendered)
    return prefix + Self.clockText(renderSeconds / Double(framesRendered) * Double(remaining))
  }

  /// `mm:ss`, or `h:mm:ss` from one hour.
  public static func clockText(_ seconds: Double) -> String {
    let total = Int(max(0, seconds).rounded())
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(two(m)):\(two(s))"
  }
}
