import Foundation
import DreamRun
import XCTest

/// The text progress bar: rendering and when it draws.
final class ProgressBarTests: XCTestCase {
  /// Collects written text and serves a settable clock.
  final class Sink: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    private var time: TimeInterval = 0
    func write(_ chunk: String) { lock.withLock { text += chunk } }
    var output: String { lock.withLock { text } }
    var now: TimeInterval {
      get { lock.withLock { time } }
      set { lock.withLock { time = newValue } }
    }
  }

  func testRender() {
    XCTAssertEqual(
      ProgressBar.render(
        label: "inception5h", received: 25_000_000, total: 50_000_000, bytesPerSecond: 3_100_000, width: 10),
      "inception5h  [#####.....]  50%  25.0 MB / 50.0 MB  3.1 MB/s")
    XCTAssertEqual(
      ProgressBar.render(label: "m", received: 0, total: 1000, bytesPerSecond: nil, width: 4),
      "m  [....]   0%  0 B / 1.0 KB")
    XCTAssertEqual(
      ProgressBar.render(label: "m", received: 1000, total: 1000, bytesPerSecond: nil, width: 4),
      "m  [####] 100%  1.0 KB / 1.0 KB")
    XCTAssertEqual(
      ProgressBar.render(label: "m", received: 1_500_000_000, total: nil, bytesPerSecond: 999, width: 4),
      "m  1.50 GB  999 B/s")
  }

  func testLinesStyleWritesEveryTenPercent() {
    let sink = Sink()
    let bar = ProgressBar(
      label: "m", style: .lines, write: { sink.write($0) }, clock: { sink.now })
    for received in stride(from: Int64(0), through: 1000, by: 50) {
      sink.now = Double(received) / 100
      bar.update(received: received, total: 1000)
    }
    bar.finish()
    let lines = sink.output.split(separator: "\n")
    XCTAssertEqual(lines.count, 11)
    XCTAssertEqual(lines.first, "m  [....................]   0%  0 B / 1.0 KB")
    XCTAssertEqual(lines.last, "m  [####################] 100%  1.0 KB / 1.0 KB  100 B/s")
  }

  func testTerminalStyleRedrawsInPlaceAtMostEveryInterval() {
    let sink = Sink()
    let bar = ProgressBar(
      label: "m", style: .terminal(width: 4), redrawInterval: 1, write: { sink.write($0) },
      clock: { sink.now })
    bar.update(received: 0, total: 100)
    sink.now = 0.5
    bar.update(received: 50, total: 100)
    sink.now = 1.0
    bar.update(received: 60, total: 100)
    sink.now = 1.2
    bar.update(received: 100, total: 100)
    bar.finish()
    bar.finish()
    XCTAssertEqual(
      sink.output,
      "\rm  [....]   0%  0 B / 100 B" + "\rm  [##..]  60%  60 B / 100 B  60 B/s"
        + "\rm  [####] 100%  100 B / 100 B  83 B/s" + "\rm  [####] 100%  100 B / 100 B  83 B/s\n")
  }

  func testFinishWithoutUpdatesWritesNothing() {
    let sink = Sink()
    let bar = ProgressBar(
      label: "m", style: .terminal(width: 4), write: { sink.write($0) }, clock: { sink.now })
    bar.finish()
    bar.update(received: 1, total: 2)
    XCTAssertEqual(sink.output, "")
  }
}
