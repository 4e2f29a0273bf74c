import Foundation
import ModelStore
import XCTest

/// Cache directory resolution, the cheap installed check, verification and manual installs.
final class CacheTests: FetchTestCase {
  func testCacheRootResolution() {
    XCTAssertEqual(
      ModelCache.defaultRoot(environment: [
        "DREAM_RUN_CACHE": "/x/cache", "XDG_CACHE_HOME": "/xdg", "HOME": "/h",
      ])
      .path, "/x/cache")
    XCTAssertEqual(
      ModelCache.defaultRoot(environment: ["DREAM_RUN_CACHE": "", "XDG_CACHE_HOME": "/xdg", "HOME": "/h"])
        .path,
      "/xdg/dream-run")
    XCTAssertEqual(
      ModelCache.defaultRoot(environment: ["XDG_CACHE_HOME": "relative/ignored", "HOME": "/h"]).path,
      "/h/.cache/dream-run")
    XCTAssertEqual(ModelCache.defaultRoot(environment: ["HOME": "/home/u"]).path, "/home/u/.cache/dream-run")
    XCTAssertEqual(
      ModelCache.fromEnvironment(["DREAM_RUN_CACHE": "/c"]).modelsDirectory.path, "/c/models")
  }

  func testLayout() {
    XCTAssertEqual(cache.installDirectory(for: entry).path, cache.root.path + "/models/testnet")
    XCTAssertEqual(cache.modelFile(for: entry).path, cache.root.path + "/models/testnet/testnet.pb")
    XCTAssertEqual(cache.manifestFile(for: entry).path, cache.root.path + "/models/testnet/manifest.json")
    XCTAssertEqual(cache.stagingRoot.path, cache.root.path + "/tmp")
  }

  func testInstalledCheckRejectsChangedSizeAndVerifyRehashes() throws {
    server.serve("/testnet.zip", body: archive)
    _ = try makeStore().resolve("testnet", relativeTo: nil)
    XCTAssertNotNil(cache.installed(entry))

    // Same size, different content: the cheap check passes, verification does not.
    var tampered = payload!
    tampered[0] ^= 0xff
    try tampered.write(to: cache.modelFile(for: entry))
    XCTAssertNotNil(cache.installed(entry))
    XCTAssertFalse(try cache.verify(entry))

    // Different size: not installed any more.
    try Data("short".utf8).write(to: cache.modelFile(for: entry))
    XCTAssertNil(cache.installed(entry))

    // A manifest for another catalog hash does not count.
    var updated = entry!
    updated.modelSHA256 = String(repeating: "1", count: 64)
    XCTAssertNil(cache.installed(updated))
  }

  func testManualInstallIsAdoptedWithoutNetwork() throws {
    try FileManager.default.createDirectory(
      at: cache.installDirectory(for: entry), withIntermediateDirectories: true)
    try payload.write(to: cache.modelFile(for: entry))
    server.stop()
    let resolved = try makeStore().resolve("testnet", relativeTo: nil)
    XCTAssertEqual(resolved.sha256, Fixtures.sha256(payload))
    XCTAssertEqual(cache.installed(entry)?.manifest.source, "manual")
    XCTAssertEqual(server.requests, [])
  }

  func testWrongManualFileIsReplacedByADownload() throws {
    try FileManager.default.createDirectory(
      at: cache.installDirectory(for: entry), withIntermediateDirectories: true)
    try Data("not the model".utf8).write(to: cache.modelFile(for: entry))
    server.serve("/testnet.zip", body: archive)
    let resolved = try makeStore().resolve("testnet", relativeTo: nil)
    XCTAssertEqual(try Data(contentsOf: resolved.fileURL), payload)
    XCTAssertEqual(server.requests.count, 1)
  }

  func testRemove() throws {
    server.serve("/testnet.zip", body: archive)
    _ = try makeStore().resolve("testnet", relativeTo: nil)
    try cache.remove(entry)
    XCTAssertNil(cache.installed(entry))
    XCTAssertFalse(FileManager.default.fileExists(atPath: cache.installDirectory(for: entry).path))
  }
}
