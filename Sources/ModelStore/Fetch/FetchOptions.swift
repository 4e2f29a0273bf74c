import Foundation

/// How catalog models are downloaded.
public struct FetchOptions: Sendable, Equatable {
  /// Replaces the scheme, host and directory of every archive URL: the download URL becomes
  /// `baseURLOverride` + the archive's file name (e.g. `http://127.0.0.1:8080/` +
  /// `inception5h.zip`). For mirrors and tests. Nil: the catalog's canonical URL.
  public var baseURLOverride: URL?
  /// Idle timeout in seconds: the download fails when no data arrives for this long.
  public var timeout: TimeInterval

  /// Default idle timeout: 60 seconds.
  public static let defaultTimeout: TimeInterval = 60

  /// Environment variable holding a base-URL override.
  public static let baseURLEnvironmentVariable = "DREAM_RUN_MODEL_BASE_URL"

  /// Creates options.
  public init(baseURLOverride: URL? = nil, timeout: TimeInterval = FetchOptions.defaultTimeout) {
    precondition(timeout > 0, "FetchOptions: timeout must be positive, got \(timeout)")
    self.baseURLOverride = baseURLOverride
    self.timeout = timeout
  }

  /// Options with the base-URL override taken from `DREAM_RUN_MODEL_BASE_URL` (if set, non-empty and
  /// a valid absolute URL; otherwise the canonical URLs are used).
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment,
    timeout: TimeInterval = FetchOptions.defaultTimeout
  ) -> FetchOptions {
    var base: URL?
    if let text = environment[baseURLEnvironmentVariable], !text.isEmpty,
      let url = URL(string: text), url.scheme != nil
    {
      base = url
    }
    return FetchOptions(baseURLOverride: base, timeout: timeout)
  }
}
