import DreamTestSupport
import Foundation
import ModelStore
import XCTest

/// Records progress callbacks (called on a background queue).
final class ProgressRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [(Int64, Int64?)] = []

  var handler: DownloadProgress {
    { [self] received, total in lock.withLock { events.append((received, total)) } }
  }
  var calls: [(Int64, Int64?)] { lock.withLock { events } }
}

/// Base class: a temporary cache, a local server, a test archive and a store using them.
class FetchTestCase: XCTestCase {
  var directory: URL!
  var server: TestHTTPServer!
  var payload: Data!
  var archive: Data!
  var entry: CatalogEntry!
  var cache: ModelCache!

  override func setUpWithError() throws {
    directory = try makeTemporaryFolder("ModelStoreTests")
    server = try TestHTTPServer()
    payload = Fixtures.payload()
    archive = try Fixtures.archive(member: "nets/testnet.pb", payload: payload)
    entry = Fixtures.entry(archive: archive, payload: payload)
    cache = ModelCache(root: directory.appendingPathComponent("cache", isDirectory: true))
  }

  override func tearDownWithError() throws {
    server.stop()
    try? FileManager.default.removeItem(at: directory)
  }

  /// A store with the test catalog (`entry` only, or `entries`) downloading from the local server.
  func makeStore(
    entries: [CatalogEntry]? = nil, timeout: TimeInterval = 10, progress: DownloadProgress? = nil
  ) -> ModelStore {
    ModelStore(
      catalog: ModelCatalog(entries: entries ?? [entry]), cache: cache,
      options: FetchOptions(baseURLOverride: server.baseURL, timeout: timeout), progress: progress)
  }

  /// The URL the store downloads the test entry from.
  var downloadURL: String { "http://127.0.0.1:\(server.port)/testnet.zip" }

  /// The manual-steps line for the test entry.
  var manualSteps: String {
    "Install it by hand: download https://models.invalid/some/dir/testnet.zip, check its sha256 is "
      + "\(entry.archiveSHA256), unzip nets/testnet.pb into \(cache.root.path)/models/testnet/ "
      + "(or give the .pb's path to --model)"
  }

  /// Asserts that nothing is installed and no staging leftovers remain.
  func assertNothingInstalled(file: StaticString = #filePath, line: UInt = #line) throws {
    let fileManager = FileManager.default
    XCTAssertFalse(
      fileManager.fileExists(atPath: cache.installDirectory(for: entry).path), "install directory exists",
      file: file, line: line)
    let leftovers = (try? fileManager.contentsOfDirectory(atPath: cache.stagingRoot.path)) ?? []
    XCTAssertEqual(leftovers, [], "staging leftovers", file: file, line: line)
    XCTAssertNil(cache.installed(entry), file: file, line: line)
  }

  /// Runs `body`, expecting a `ModelFetchError`, and returns it.
  func expectFetchError(
    file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
  ) -> ModelFetchError? {
    thrownError(ModelFetchError.self, file: file, line: line, body)
  }

}
