import Crypto
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Progress of a download: bytes received so far and the announced total (nil when the server
/// sent no Content-Length). Called on a background queue, in order, after every received chunk.
public typealias DownloadProgress = @Sendable (_ receivedBytes: Int64, _ totalBytes: Int64?) -> Void

/// The outcome of a finished transfer.
struct DownloadResult {
  /// sha256 of the bytes written, lowercase hex (computed while downloading, no second read).
  var sha256: String
  /// Bytes written.
  var bytes: Int64
}

/// Downloads one URL into a file with URLSession, hashing while writing, and blocks until done.
///
/// `timeout` is the idle timeout: the request fails when no data arrives for that long.
struct HTTPDownloader {
  var timeout: TimeInterval

  /// Downloads `url` into the new file `destination`; throws `FetchFailureReason` on failure
  /// (the partial file is left for the caller to remove with its staging directory).
  func download(_ url: URL, to destination: URL, progress: DownloadProgress?) throws -> DownloadResult {
    guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
      throw FetchFailureReason.cacheWrite(path: destination.path, detail: "cannot create file")
    }
    let handle = try FileHandle(forWritingTo: destination)
    defer { try? handle.close() }
    let delegate = DownloadDelegate(handle: handle, progress: progress)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.urlCache = nil
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    defer { session.invalidateAndCancel() }
    var request = URLRequest(url: url)
    request.timeoutInterval = timeout
    session.dataTask(with: request).resume()
    delegate.finished.wait()
    return try delegate.outcome(timeout: timeout)
  }
}

/// Receives the body, writes and hashes it; all callbacks run on one serial queue, and the result
/// is read only after `finished` is signalled (the lock makes that hand-over explicit).
private final class DownloadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  let finished = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private let handle: FileHandle
  private let progress: DownloadProgress?
  private var hasher = SHA256()
  private var received: Int64 = 0
  private var expected: Int64?
  private var badStatus: Int?
  private var writeFailure: String?
  private var transferError: Error?

  init(handle: FileHandle, progress: DownloadProgress?) {
    self.handle = handle
    self.progress = progress
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    let status = (response as? HTTPURLResponse)?.statusCode ?? 200
    lock.withLock {
      if status != 200 { badStatus = status }
      expected = response.expectedContentLength > 0 ? response.expectedContentLength : nil
    }
    completionHandler(status == 200 ? .allow : .cancel)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    let snapshot: (Int64, Int64?)? = lock.withLock {
      guard writeFailure == nil else { return nil }
      do {
        try handle.write(contentsOf: data)
      } catch {
        writeFailure = error.localizedDescription
        dataTask.cancel()
        return nil
      }
      hasher.update(data: data)
      received += Int64(data.count)
      return (received, expected)
    }
    if let (bytes, total) = snapshot { progress?(bytes, total) }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    let status = (task.response as? HTTPURLResponse)?.statusCode
    lock.withLock {
      transferError = error
      if let status, status != 200, badStatus == nil { badStatus = status }
    }
    finished.signal()
  }

  /// The result, or the failure classified for the user.
  func outcome(timeout: TimeInterval) throws -> DownloadResult {
    try lock.withLock {
      if let badStatus { throw FetchFailureReason.httpStatus(code: badStatus) }
      if let writeFailure { throw FetchFailureReason.cacheWrite(path: "download file", detail: writeFailure) }
      if let transferError { throw classify(transferError, timeout: timeout) }
      if let expected, received != expected {
        throw FetchFailureReason.truncated(receivedBytes: received, expectedBytes: expected)
      }
      return DownloadResult(sha256: FileHashing.hex(hasher.finalize()), bytes: received)
    }
  }

  /// Maps a URLSession error to a reason; called with the lock held. Once a response with a
  /// length or any body bytes arrived, a transfer error means the body was cut short.
  private func classify(_ error: Error, timeout: TimeInterval) -> FetchFailureReason {
    let detail = error.localizedDescription
    if let urlError = error as? URLError {
      switch urlError.code {
      case .timedOut:
        return .timedOut(seconds: timeout)
      case .cannotConnectToHost, .cannotFindHost, .notConnectedToInternet, .dnsLookupFailed,
        .internationalRoamingOff, .dataNotAllowed:
        return .offline(detail: detail)
      default:
        break
      }
    }
    if received > 0 || expected != nil {
      return .truncated(receivedBytes: received, expectedBytes: expected)
    }
    return .transport(detail: detail)
  }
}

extension FetchFailureReason: Error {}
