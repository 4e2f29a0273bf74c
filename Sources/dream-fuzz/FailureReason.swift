/// Why a finished `dream-run` command counts as a failure, by the harness's rules:
/// a signal, a hang, an exit code outside 0/1/2, a peak RSS above the limit, or a non-zero
/// exit that printed nothing on standard error.
enum FailureReason: Equatable {
  case signal(Int32)
  case timeout(seconds: Double)
  case memory(peakKiB: Int, limitKiB: Int)
  case exitCode(Int32)
  case silentError(exitCode: Int32)

  /// Judges one command; nil means it passed. An abandoned command (the harness was
  /// interrupted) is never judged.
  static func judge(_ outcome: ChildOutcome, stderr: [UInt8], memoryLimitKiB: Int, timeoutSeconds: Double)
    -> FailureReason?
  {
    switch outcome.termination {
    case .abandoned: return nil
    case .timedOut: return .timeout(seconds: timeoutSeconds)
    case .signaled(let signal): return .signal(signal)
    case .exited(let code):
      if outcome.peakRSSKiB > memoryLimitKiB {
        return .memory(peakKiB: outcome.peakRSSKiB, limitKiB: memoryLimitKiB)
      }
      if !(0...2).contains(code) { return .exitCode(code) }
      if code != 0 && stderr.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
        return .silentError(exitCode: code)
      }
      return nil
    }
  }

  /// One line for people: `killed by SIGSEGV`.
  var summary: String {
    switch self {
    case .signal(let signal): return "killed by \(ChildProcess.signalName(signal))"
    case .timeout(let seconds): return "hang: still running after \(Int(seconds)) s (killed)"
    case .memory(let peak, let limit): return "peak RSS \(peak / 1024) MB above the \(limit / 1024) MB limit"
    case .exitCode(let code): return "exit code \(code) (expected 0, 1 or 2)"
    case .silentError(let code): return "exit code \(code) with nothing on standard error"
    }
  }

  /// A short stable tag for grouping duplicates: `SIGSEGV`, `timeout`, `exit-134`.
  var tag: String {
    switch self {
    case .signal(let signal): return ChildProcess.signalName(signal)
    case .timeout: return "timeout"
    case .memory: return "memory"
    case .exitCode(let code): return "exit-\(code)"
    case .silentError(let code): return "silent-exit-\(code)"
    }
  }
}
