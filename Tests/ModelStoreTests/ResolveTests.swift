import Foundation
import ModelStore
import XCTest

/// Path references, unknown names and the error texts users see.
final class ResolveTests: FetchTestCase {
  func testPathReferenceResolvesRelativeToTheBaseDirectory() throws {
    let base = directory.appendingPathComponent("recipes", isDirectory: true)
    let nets = base.appendingPathComponent("nets", isDirectory: true)
    try FileManager.default.createDirectory(at: nets, withIntermediateDirectories: true)
    let other = Fixtures.payload(count: 1000, seed: 99)
    try other.write(to: nets.appendingPathComponent("mine.pb"))

    let resolved = try makeStore().resolve("nets/mine.pb", relativeTo: base)
    XCTAssertEqual(resolved.fileURL.path, nets.path + "/mine.pb")
    XCTAssertEqual(resolved.sha256, Fixtures.sha256(other))
    XCTAssertNil(resolved.entry)

    let absolute = try makeStore().resolve(nets.path + "/../nets/mine.pb", relativeTo: directory)
    XCTAssertEqual(absolute.fileURL.path, nets.path + "/mine.pb")
    XCTAssertEqual(server.requests, [])
  }

  func testAFileWithACatalogHashGetsTheCatalogEntry() throws {
    let file = directory.appendingPathComponent("graph.pb")
    try payload.write(to: file)
    let resolved = try makeStore().resolve("graph.pb", relativeTo: directory)
    XCTAssertEqual(resolved.entry?.name, "testnet")
    XCTAssertEqual(resolved.fileURL, file.standardizedFileURL)
  }

  func testMissingFile() throws {
    let store = makeStore()
    XCTAssertThrowsError(try store.resolve("nets/none.pb", relativeTo: directory)) { error in
      XCTAssertEqual(
        (error as? ModelReferenceError)?.description,
        "model: file 'nets/none.pb' not found (looked for \(directory.path)/nets/none.pb); give an existing "
          + ".pb path or a catalog name (testnet)")
    }
  }

  func testDirectoryIsNotAModel() throws {
    XCTAssertThrowsError(try makeStore().resolve(".", relativeTo: directory)) { error in
      XCTAssertEqual(
        error as? ModelReferenceError, .notARegularFile(path: directory.standardizedFileURL.path))
    }
  }

  func testUnknownNameSuggestsTheNearestCatalogName() throws {
    XCTAssertThrowsError(try makeStore().resolve("testnt", relativeTo: directory)) { error in
      XCTAssertEqual(
        (error as? ModelReferenceError)?.description,
        "model: unknown model 'testnt' (did you mean 'testnet'?); catalog models: testnet; "
          + "or give a path to a .pb file")
    }
    let builtIn = ModelStore(cache: cache)
    XCTAssertThrowsError(try builtIn.resolve("inception5", relativeTo: directory)) { error in
      XCTAssertEqual(
        error as? ModelReferenceError,
        .unknownModel(name: "inception5", suggestions: ["inception5h"], catalogNames: ["inception5h"]))
    }
    XCTAssertThrowsError(try builtIn.resolve("vgg16", relativeTo: directory)) { error in
      XCTAssertEqual(
        (error as? ModelReferenceError)?.description,
        "model: unknown model 'vgg16'; catalog models: inception5h; or give a path to a .pb file")
    }
    XCTAssertThrowsError(try builtIn.fetch("inceptionv5h")) { error in
      XCTAssertEqual(
        error as? ModelReferenceError,
        .unknownModel(name: "inceptionv5h", suggestions: ["inception5h"], catalogNames: ["inception5h"]))
    }
    XCTAssertEqual(server.requests, [])
  }

  func testEmptyReference() {
    XCTAssertThrowsError(try makeStore().resolve("  ", relativeTo: nil)) { error in
      XCTAssertEqual(
        (error as? ModelReferenceError)?.description,
        "model: empty model reference; give a catalog name (testnet) or a path to a .pb file")
    }
  }

  func testListingTable() throws {
    let second = Fixtures.entry(archive: archive, payload: payload, name: "othernet")
    let store = makeStore(entries: [entry, second])
    server.serve("/testnet.zip", body: archive)
    _ = try store.resolve("testnet", relativeTo: nil)
    let root = cache.root.path
    let pathWidth = (root + "/models/othernet/othernet.pb").count
    func pad(_ text: String, _ width: Int) -> String {
      text + String(repeating: " ", count: width - text.count)
    }
    let expected =
      [
        "model cache: \(root)",
        "NAME      INSTALLED  SIZE      \(pad("PATH", pathWidth))  DESCRIPTION",
        "testnet   yes        300.0 KB  \(pad(root + "/models/testnet/testnet.pb", pathWidth))  test network",
        "othernet  no         -         \(root)/models/othernet/othernet.pb  test network",
      ].joined(separator: "\n") + "\n"
    XCTAssertEqual(store.listingTable(), expected)

    let rows = store.listing()
    XCTAssertEqual(rows.map(\.entry.name), ["testnet", "othernet"])
    XCTAssertEqual(rows[1].state, .notInstalled)
  }

  func testListingShowsAnUnverifiedFile() throws {
    try FileManager.default.createDirectory(
      at: cache.installDirectory(for: entry), withIntermediateDirectories: true)
    try Data(count: 2500).write(to: cache.modelFile(for: entry))
    XCTAssertEqual(makeStore().listing().first?.state, .unverifiedFile(bytes: 2500))
  }
}
