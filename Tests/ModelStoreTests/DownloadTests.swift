import Foundation
import ModelStore
import XCTest

/// Catalog downloads against the local server: success, cache reuse and every failure mode.
final class DownloadTests: FetchTestCase {
  func testGoodDownloadInstallsAndVerifies() throws {
    server.serve("/testnet.zip", body: archive)
    let recorder = ProgressRecorder()
    let resolved = try makeStore(progress: recorder.handler).resolve("testnet", relativeTo: nil)

    XCTAssertEqual(resolved.fileURL.path, cache.root.path + "/models/testnet/testnet.pb")
    XCTAssertEqual(try Data(contentsOf: resolved.fileURL), payload)
    XCTAssertEqual(resolved.sha256, Fixtures.sha256(payload))
    XCTAssertEqual(resolved.entry?.dreamLayers, ["conv1", "block1", "block2"])
    XCTAssertTrue(try cache.verify(entry))
    let installed = try XCTUnwrap(cache.installed(entry))
    XCTAssertEqual(installed.bytes, Int64(payload.count))
    XCTAssertEqual(installed.manifest.source, downloadURL)
    XCTAssertEqual(installed.manifest.archiveSHA256, Fixtures.sha256(archive))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.stagingRoot.path), [])
    XCTAssertEqual(server.requests, ["GET /testnet.zip"])

    let calls = recorder.calls
    XCTAssertGreaterThan(calls.count, 1)
    XCTAssertEqual(calls.last?.0, Int64(archive.count))
    XCTAssertEqual(calls.last?.1, Int64(archive.count))
    XCTAssertEqual(calls.map(\.0), calls.map(\.0).sorted())
  }

  func testSecondResolveUsesTheCacheWithoutNetwork() throws {
    server.serve("/testnet.zip", body: archive)
    let store = makeStore()
    let first = try store.resolve("testnet", relativeTo: nil)
    server.stop()
    let second = try store.resolve("testnet", relativeTo: nil)
    XCTAssertEqual(first, second)
    XCTAssertEqual(server.requests.count, 1)
  }

  func testTruncatedDownloadFailsCleanlyAndNextAttemptSucceeds() throws {
    server.serve("/testnet.zip", body: archive, behavior: .closeAfter(bytes: archive.count / 2))
    let store = makeStore()
    let error = expectFetchError { _ = try store.resolve("testnet", relativeTo: nil) }
    guard case .truncated(let received, let expected)? = error?.reason else {
      return XCTFail("expected truncation, got \(String(describing: error))")
    }
    XCTAssertLessThan(received, Int64(archive.count))
    XCTAssertEqual(expected, Int64(archive.count))
    XCTAssertEqual(
      error?.description,
      "cannot download model 'testnet' from \(downloadURL): the download was cut off after \(received) of "
        + "\(archive.count) bytes\n\(manualSteps)")
    try assertNothingInstalled()

    server.serve("/testnet.zip", body: archive)
    XCTAssertEqual(try Data(contentsOf: try store.resolve("testnet", relativeTo: nil).fileURL), payload)
  }

  func testConnectionClosedRightAfterTheHeaders() throws {
    server.serve("/testnet.zip", body: archive, behavior: .closeAfter(bytes: 0))
    let error = expectFetchError { _ = try makeStore().resolve("testnet", relativeTo: nil) }
    XCTAssertEqual(error?.reason, .truncated(receivedBytes: 0, expectedBytes: Int64(archive.count)))
    try assertNothingInstalled()
  }

  func testNotFound() throws {
    let error = expectFetchError { _ = try makeStore().resolve("testnet", relativeTo: nil) }
    XCTAssertEqual(error?.reason, .httpStatus(code: 404))
    XCTAssertEqual(
      error?.description,
      "cannot download model 'testnet' from \(downloadURL): HTTP 404 Not Found\n\(manualSteps)")
    try assertNothingInstalled()
  }

  func testServerErrorStatus() throws {
    server.serve("/testnet.zip", status: 500, body: archive)
    let error = expectFetchError { _ = try makeStore().resolve("testnet", relativeTo: nil) }
    XCTAssertEqual(error?.reason, .httpStatus(code: 500))
    try assertNothingInstalled()
  }

  func testWrongArchiveChecksum() throws {
    let other = try Fixtures.archive(member: "nets/testnet.pb", payload: Fixtures.payload(seed: 7))
    server.serve("/testnet.zip", body: other)
    let error = expectFetchError { _ = try makeStore().resolve("testnet", relativeTo: nil) }
    XCTAssertEqual(
      error?.reason,
      .archiveChecksumMismatch(expected: Fixtures.sha256(archive), actual: Fixtures.sha256(other)))
    XCTAssertEqual(
      error?.description,
      "cannot install model 'testnet' from \(downloadURL): the downloaded archive is corrupted: sha256 "
        + "\(Fixtures.sha256(other)), expected \(Fixtures.sha256(archive))\n\(manualSteps)")
    try assertNothingInstalled()
  }

  func testCorruptedZipWithMatchingArchiveHash() throws {
    // The catalog hash matches the garbage, so only the zip reader can catch it.
    var garbage = archive!
    garbage.replaceSubrange(garbage.count - 40..<garbage.count, with: Data(repeating: 0x55, count: 40))
    let corruptEntry = Fixtures.entry(archive: garbage, payload: payload)
    server.serve("/testnet.zip", body: garbage)
    let error = expectFetchError {
      _ = try makeStore(entries: [corruptEntry]).resolve("testnet", relativeTo: nil)
    }
    guard case .invalidArchive? = error?.reason else {
      return XCTFail("expected an invalid archive, got \(String(describing: error))")
    }
    XCTAssertTrue(
      error?.description.hasPrefix(
        "cannot install model 'testnet' from \(downloadURL): "
          + "the downloaded archive is corrupted: not a readable zip file") ?? false,
      "\(String(describing: error))")
    try assertNothingInstalled()
  }

  func testCorruptedMemberData() throws {
    // Flip bytes inside the compressed member: the archive hash is the catalog's, the member is not.
    var damaged = archive!
    let middle = damaged.count / 2
    damaged.replaceSubrange(middle..<middle + 16, with: Data(repeating: 0, count: 16))
    let damagedEntry = Fixtures.entry(archive: damaged, payload: payload)
    server.serve("/testnet.zip", body: damaged)
    let error = expectFetchError {
      _ = try makeStore(entries: [damagedEntry]).resolve("testnet", relativeTo: nil)
    }
    switch error?.reason {
    case .invalidArchive?, .modelChecksumMismatch?: break
    default: XCTFail("expected a corrupted member, got \(String(describing: error))")
    }
    try assertNothingInstalled()
  }

  func testModelChecksumMismatch() throws {
    var wrongModel = entry!
    wrongModel.modelSHA256 = String(repeating: "0", count: 64)
    server.serve("/testnet.zip", body: archive)
    let error = expectFetchError {
      _ = try makeStore(entries: [wrongModel]).resolve("testnet", relativeTo: nil)
    }
    XCTAssertEqual(
      error?.reason,
      .modelChecksumMismatch(
        file: "testnet.pb", expected: String(repeating: "0", count: 64), actual: Fixtures.sha256(payload)))
    try assertNothingInstalled()
  }

  func testMissingMember() throws {
    let otherArchive = try Fixtures.archive(member: "elsewhere.pb", payload: payload)
    let otherEntry = Fixtures.entry(archive: otherArchive, payload: payload)
    server.serve("/testnet.zip", body: otherArchive)
    let error = expectFetchError {
      _ = try makeStore(entries: [otherEntry]).resolve("testnet", relativeTo: nil)
    }
    XCTAssertEqual(error?.reason, .missingMember(path: "nets/testnet.pb"))
    try assertNothingInstalled()
  }

  func testConnectionRefusedIsReportedAsOffline() throws {
    let store = makeStore()
    server.stop()
    let error = expectFetchError { _ = try store.resolve("testnet", relativeTo: nil) }
    guard case .offline? = error?.reason else {
      return XCTFail("expected offline, got \(String(describing: error))")
    }
    XCTAssertTrue(
      error?.description.hasPrefix(
        "cannot download model 'testnet' from \(downloadURL): the server cannot be reached (offline") ?? false
    )
    try assertNothingInstalled()
  }

  func testStalledServerTimesOut() throws {
    server.serve("/testnet.zip", body: archive, behavior: .stall(seconds: 8))
    let start = Date()
    let error = expectFetchError { _ = try makeStore(timeout: 1).resolve("testnet", relativeTo: nil) }
    XCTAssertLessThan(Date().timeIntervalSince(start), 6)
    XCTAssertEqual(error?.reason, .timedOut(seconds: 1))
    XCTAssertEqual(
      error?.description,
      "cannot download model 'testnet' from \(downloadURL): timed out: no data received for 1 s\n\(manualSteps)"
    )
    try assertNothingInstalled()
  }

  func testForceRedownloadsAndAFailedForceKeepsTheOldInstall() throws {
    server.serve("/testnet.zip", body: archive)
    let store = makeStore()
    _ = try store.fetch("testnet")
    _ = try store.fetch("testnet")
    XCTAssertEqual(server.requests.count, 1)
    let refreshed = try store.fetch("testnet", force: true)
    XCTAssertEqual(server.requests.count, 2)
    XCTAssertEqual(try Data(contentsOf: refreshed.fileURL), payload)

    server.serve("/testnet.zip", status: 404, body: Data())
    _ = expectFetchError { _ = try store.fetch("testnet", force: true) }
    XCTAssertNotNil(cache.installed(entry))
    XCTAssertTrue(try cache.verify(entry))
  }

  func testStaleStagingDirectoriesAreRemoved() throws {
    let stale = cache.stagingRoot.appendingPathComponent("testnet-dead-process", isDirectory: true)
    try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
    try Data("partial".utf8).write(to: stale.appendingPathComponent("archive.zip"))
    server.serve("/testnet.zip", body: archive)
    _ = try makeStore().resolve("testnet", relativeTo: nil)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.stagingRoot.path), [])
  }

  func testConcurrentFetchesDownloadOnce() throws {
    server.serve("/testnet.zip", body: archive)
    let store = makeStore()
    let results = ResultBox()
    DispatchQueue.concurrentPerform(iterations: 3) { _ in
      results.add(Result { try store.resolve("testnet", relativeTo: nil).sha256 })
    }
    XCTAssertEqual(try results.all.map { try $0.get() }, Array(repeating: Fixtures.sha256(payload), count: 3))
    XCTAssertEqual(server.requests.count, 1)
  }
}

/// Collects results from concurrent closures.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<String, Error>] = []
  func add(_ result: Result<String, Error>) { lock.withLock { results.append(result) } }
  var all: [Result<String, Error>] { lock.withLock { results } }
}
