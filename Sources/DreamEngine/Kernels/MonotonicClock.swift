import Dispatch

/// Seconds from a monotonic clock, for progress lines and benchmarks (never for tests).
public enum MonotonicClock {
  public static func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }
}
