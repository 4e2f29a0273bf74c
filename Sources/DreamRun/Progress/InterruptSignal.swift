import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns SIGINT (Ctrl-C) and SIGTERM into a flag that the executor polls (between steps and before
/// every tile gradient of a dream), so a run stops at a safe point: no partial file, state saved.
/// A second Ctrl-C while stopping kills the process at once, which is still safe: every write is
/// atomic and the state is recorded after each file.
public final class InterruptSignal: @unchecked Sendable {
  private let lock = NSLock()
  private var received: Int32?
  private var sources: [any DispatchSourceSignal] = []

  public init() {}

  /// The first signal received, if any.
  public var signal: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return received
  }

  public var isSet: Bool { signal != nil }

  /// Starts listening for SIGINT and SIGTERM (their default actions are disabled meanwhile).
  public func install() {
    for number in [SIGINT, SIGTERM] {
      Glibc_signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in self?.receive(number) }
      source.resume()
      sources.append(source)
    }
  }

  /// Records `number` as if it had arrived (tests use it).
  public func receive(_ number: Int32) {
    lock.lock()
    let first = received == nil
    if first { received = number }
    lock.unlock()
    if !first {
      Glibc_signal(number, SIG_DFL)
      raise(number)
    }
  }
}

@inline(__always)
private func Glibc_signal(_ number: Int32, _ action: sighandler_t?) {
  #if canImport(Glibc)
    _ = Glibc.signal(number, action)
  #else
    _ = Darwin.signal(number, action)
  #endif
}
