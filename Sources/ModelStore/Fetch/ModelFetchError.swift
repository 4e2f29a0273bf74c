import Foundation

/// Why fetching a catalog model failed.
public enum FetchFailureReason: Sendable, Equatable {
  /// The server answered with a status other than 200.
  case httpStatus(code: Int)
  /// The host could not be reached: no network, DNS failure or connection refused.
  case offline(detail: String)
  /// No data arrived for `seconds` (the fetcher's timeout).
  case timedOut(seconds: Double)
  /// The connection ended before the announced length (or with a transfer error mid-body).
  case truncated(receivedBytes: Int64, expectedBytes: Int64?)
  /// Any other transport error.
  case transport(detail: String)
  /// The archive arrived but its sha256 differs from the catalog's.
  case archiveChecksumMismatch(expected: String, actual: String)
  /// The archive's sha256 could not be checked against, or it is not a readable zip file.
  case invalidArchive(detail: String)
  /// The archive does not contain the catalog's member path.
  case missingMember(path: String)
  /// The extracted .pb's sha256 differs from the catalog's.
  case modelChecksumMismatch(file: String, expected: String, actual: String)
  /// The cache directory could not be written.
  case cacheWrite(path: String, detail: String)

  /// True for failures of the network transfer itself (as opposed to verification or disk).
  public var isTransferFailure: Bool {
    switch self {
    case .httpStatus, .offline, .timedOut, .truncated, .transport: return true
    case .archiveChecksumMismatch, .invalidArchive, .missingMember, .modelChecksumMismatch, .cacheWrite:
      return false
    }
  }

  /// The standard reason phrase of common HTTP error statuses (the same on every platform).
  static func reasonPhrase(_ code: Int) -> String? {
    switch code {
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 408: return "Request Timeout"
    case 410: return "Gone"
    case 429: return "Too Many Requests"
    case 500: return "Internal Server Error"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    default: return nil
    }
  }

  /// The reason as a sentence fragment, e.g. `HTTP 404 Not Found`.
  public var summary: String {
    switch self {
    case .httpStatus(let code):
      return Self.reasonPhrase(code).map { "HTTP \(code) \($0)" } ?? "HTTP status \(code)"
    case .offline(let detail):
      return "the server cannot be reached (offline, unknown host or connection refused: \(detail))"
    case .timedOut(let seconds):
      return "timed out: no data received for \(ByteFormat.seconds(seconds))"
    case .truncated(let received, let expected):
      let total = expected.map { " of \($0)" } ?? ""
      return "the download was cut off after \(received)\(total) bytes"
    case .transport(let detail):
      return "network error: \(detail)"
    case .archiveChecksumMismatch(let expected, let actual):
      return "the downloaded archive is corrupted: sha256 \(actual), expected \(expected)"
    case .invalidArchive(let detail):
      return "the downloaded archive is corrupted: not a readable zip file (\(detail))"
    case .missingMember(let path):
      return "the archive does not contain '\(path)'"
    case .modelChecksumMismatch(let file, let expected, let actual):
      return "the extracted \(file) is corrupted: sha256 \(actual), expected \(expected)"
    case .cacheWrite(let path, let detail):
      return "cannot write to the model cache \(path): \(detail)"
    }
  }
}

/// A failed download or installation of a catalog model. Nothing is left half-installed when this
/// is thrown: the next attempt starts clean.
///
/// `description` is one line naming the model, the URL and the reason, then one line with the
/// manual install steps.
public struct ModelFetchError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  /// Catalog name of the model.
  public var modelName: String
  /// The URL that was downloaded (after any base-URL override).
  public var url: URL
  /// What went wrong.
  public var reason: FetchFailureReason
  /// The manual install instructions (one line).
  public var manualSteps: String

  /// Creates the error; `manualSteps` comes from `ModelFetchError.manualSteps(for:installDirectory:)`.
  public init(modelName: String, url: URL, reason: FetchFailureReason, manualSteps: String) {
    self.modelName = modelName
    self.url = url
    self.reason = reason
    self.manualSteps = manualSteps
  }

  public var description: String {
    let verb = reason.isTransferFailure ? "download" : "install"
    return "cannot \(verb) model '\(modelName)' from \(url.absoluteString): \(reason.summary)\n"
      + manualSteps
  }

  public var errorDescription: String? { description }

  /// The one-line manual install instructions for `entry` into `installDirectory`.
  public static func manualSteps(for entry: CatalogEntry, installDirectory: URL) -> String {
    "Install it by hand: download \(entry.archiveURL.absoluteString), check its sha256 is "
      + "\(entry.archiveSHA256), unzip \(entry.memberPath) into \(installDirectory.path)/ "
      + "(or give the .pb's path to --model)"
  }
}
