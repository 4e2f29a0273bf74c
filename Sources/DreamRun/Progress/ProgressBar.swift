import Foundation
import ModelStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A text progress bar for downloads.
///
/// On a terminal it redraws one line in place (`\r`, at most every `redrawInterval` seconds, always
/// for the final state) and ends it with a newline in `finish()`. Elsewhere (a log file, CI) it
/// writes a plain line at every 10% step (every 10 MB when the total is unknown) and at the end.
/// Thread-safe: `update` may be called from any queue.
public final class ProgressBar: @unchecked Sendable {
  /// How the bar is drawn.
  public enum Style: Sendable, Equatable {
    /// Redraw in place; `width` is the number of cells between the brackets.
    case terminal(width: Int)
    /// Occasional plain lines.
    case lines
  }

  private let label: String
  private let style: Style
  private let redrawInterval: TimeInterval
  private let write: @Sendable (String) -> Void
  private let clock: @Sendable () -> TimeInterval
  private let lock = NSLock()
  private var start: TimeInterval?
  private var lastDraw: TimeInterval = -.infinity
  private var lastStep: Int64 = -1
  private var lastState: (Int64, Int64?) = (0, nil)
  private var drewSomething = false
  private var finished = false

  /// Creates a bar writing through `write`; `clock` returns seconds (monotonic).
  public init(
    label: String, style: Style, redrawInterval: TimeInterval = 0.1,
    write: @escaping @Sendable (String) -> Void,
    clock: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }
  ) {
    self.label = label
    self.style = style
    self.redrawInterval = redrawInterval
    self.write = write
    self.clock = clock
  }

  /// A bar on standard error, terminal style when standard error is a terminal.
  public static func standardError(label: String) -> ProgressBar {
    let style: Style = isatty(STDERR_FILENO) == 1 ? .terminal(width: 30) : .lines
    return ProgressBar(label: label, style: style) { text in
      StandardStream.error.write(text)
    }
  }

  /// This bar as a fetcher progress callback.
  public var handler: DownloadProgress {
    { [self] received, total in update(received: received, total: total) }
  }

  /// Records progress and draws when due.
  public func update(received: Int64, total: Int64?) {
    let text: String? = lock.withLock {
      guard !finished else { return nil }
      let now = clock()
      if start == nil { start = now }
      lastState = (received, total)
      let complete = total.map { received >= $0 } ?? false
      switch style {
      case .terminal(let width):
        guard complete || now - lastDraw >= redrawInterval else { return nil }
        lastDraw = now
        drewSomething = true
        return "\r" + line(received: received, total: total, now: now, width: width)
      case .lines:
        let step = total.map { $0 > 0 ? received * 10 / $0 : 10 } ?? received / 10_000_000
        guard step != lastStep else { return nil }
        lastStep = step
        drewSomething = true
        return line(received: received, total: total, now: now, width: 20) + "\n"
      }
    }
    if let text { write(text) }
  }

  /// Draws the final state (if not yet drawn) and ends a terminal line. Idempotent.
  public func finish() {
    let text: String? = lock.withLock {
      guard !finished else { return nil }
      finished = true
      guard drewSomething else { return nil }
      let (received, total) = lastState
      switch style {
      case .terminal(let width):
        return "\r" + line(received: received, total: total, now: clock(), width: width) + "\n"
      case .lines:
        return nil
      }
    }
    if let text { write(text) }
  }

  /// One rendered line for the current state; called with the lock held.
  private func line(received: Int64, total: Int64?, now: TimeInterval, width: Int) -> String {
    let elapsed = now - (start ?? now)
    let rate = elapsed > 0 ? Double(received) / elapsed : nil
    return Self.render(label: label, received: received, total: total, bytesPerSecond: rate, width: width)
  }

  /// Renders `label [#####.....]  50%  25.0 MB / 50.0 MB  3.1 MB/s` (known total) or
  /// `label  25.0 MB  3.1 MB/s` (unknown total); the rate is omitted when nil.
  public static func render(
    label: String, received: Int64, total: Int64?, bytesPerSecond: Double?, width: Int
  ) -> String {
    var parts = [label]
    if let total, total > 0 {
      let fraction = min(1, max(0, Double(received) / Double(total)))
      let filled = Int((fraction * Double(width)).rounded(.down))
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      let percent = String(Int((fraction * 100).rounded(.down)))
      parts.append("[\(bar)] " + String(repeating: " ", count: 3 - percent.count) + percent + "%")
      parts.append("\(ByteFormat.bytes(received)) / \(ByteFormat.bytes(total))")
    } else {
      parts.append(ByteFormat.bytes(received))
    }
    if let bytesPerSecond { parts.append("\(ByteFormat.bytes(Int64(bytesPerSecond)))/s") }
    return parts.joined(separator: "  ")
  }
}
