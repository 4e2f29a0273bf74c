import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Seconds from a monotonic clock, for progress lines and benchmarks (never for tests).
public enum MonotonicClock {
  public static func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }

  /// CPU seconds used by this process (all threads): less sensitive than wall time to other
  /// processes on a shared machine, so the benchmark reports both.
  public static func processCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}
