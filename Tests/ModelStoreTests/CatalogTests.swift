import Foundation
import ModelStore
import XCTest

/// The built-in catalog's constants, name suggestions and URL overrides.
final class CatalogTests: XCTestCase {
  func testInception5hConstants() throws {
    let entry = try XCTUnwrap(ModelCatalog.builtIn.entry(named: "inception5h"))
    XCTAssertEqual(
      entry.archiveURL.absoluteString,
      "https://storage.googleapis.com/download.tensorflow.org/models/inception5h.zip")
    XCTAssertEqual(entry.archiveSHA256, "d13569f6a98159de37e92e9c8ec4dae8f674fbf475f69fe6199b514f756d4364")
    XCTAssertEqual(entry.modelSHA256, "a39b08b826c9d5a5532ff424c03a3a11a202967544e389aca4b06c2bd8aef63f")
    XCTAssertEqual(entry.memberPath, "tensorflow_inception_graph.pb")
    XCTAssertEqual(entry.fileName, "tensorflow_inception_graph.pb")
    XCTAssertEqual(entry.inputNode, "input")
    XCTAssertEqual(entry.preprocessing, .none)
    XCTAssertEqual(
      entry.dreamLayers,
      [
        "conv2d0", "conv2d1", "conv2d2", "mixed3a", "mixed3b", "mixed4a", "mixed4b", "mixed4c", "mixed4d",
        "mixed4e", "mixed5a", "mixed5b",
      ])
    XCTAssertEqual(entry.dreamLayers[3], "mixed3a")
    XCTAssertEqual(ModelCatalog.builtIn.names, ["inception5h"])
  }

  func testHashesAreLowercasedAndWellFormed() {
    for entry in ModelCatalog.builtIn.entries {
      for hash in [entry.archiveSHA256, entry.modelSHA256] {
        XCTAssertEqual(hash.count, 64)
        XCTAssertTrue(hash.allSatisfy { "0123456789abcdef".contains($0) }, hash)
      }
    }
    let entry = CatalogEntry(
      name: "x", archiveURL: URL(string: "https://example.invalid/x.zip")!, archiveSHA256: "ABCDEF",
      memberPath: "a/b/x.pb", modelSHA256: "0A", dreamLayers: [], preprocessing: .none, inputNotes: "",
      description: "", licence: "")
    XCTAssertEqual(entry.archiveSHA256, "abcdef")
    XCTAssertEqual(entry.modelSHA256, "0a")
    XCTAssertEqual(entry.fileName, "x.pb")
  }

  func testBaseURLOverrideReplacesSchemeHostAndDirectory() {
    let entry = CatalogEntry.inception5h
    XCTAssertEqual(entry.downloadURL(baseOverride: nil), entry.archiveURL)
    XCTAssertEqual(
      entry.downloadURL(baseOverride: URL(string: "http://127.0.0.1:8080/")).absoluteString,
      "http://127.0.0.1:8080/inception5h.zip")
    XCTAssertEqual(
      entry.downloadURL(baseOverride: URL(string: "https://mirror.example/models")).absoluteString,
      "https://mirror.example/models/inception5h.zip")
  }

  func testFetchOptionsFromEnvironment() {
    XCTAssertNil(FetchOptions.fromEnvironment([:]).baseURLOverride)
    XCTAssertNil(FetchOptions.fromEnvironment(["DREAM_RUN_MODEL_BASE_URL": ""]).baseURLOverride)
    XCTAssertNil(FetchOptions.fromEnvironment(["DREAM_RUN_MODEL_BASE_URL": "no scheme"]).baseURLOverride)
    let options = FetchOptions.fromEnvironment(
      ["DREAM_RUN_MODEL_BASE_URL": "http://127.0.0.1:9/m/"], timeout: 5)
    XCTAssertEqual(options.baseURLOverride?.absoluteString, "http://127.0.0.1:9/m/")
    XCTAssertEqual(options.timeout, 5)
    XCTAssertEqual(FetchOptions().timeout, 60)
  }

  func testSuggestions() {
    let catalog = ModelCatalog.builtIn
    XCTAssertEqual(catalog.suggestions(for: "inception5"), ["inception5h"])
    XCTAssertEqual(catalog.suggestions(for: "Inception5H"), ["inception5h"])
    XCTAssertEqual(catalog.suggestions(for: "incepton5h"), ["inception5h"])
    XCTAssertEqual(catalog.suggestions(for: "inception"), ["inception5h"])
    XCTAssertEqual(catalog.suggestions(for: "googlenet"), [])
    XCTAssertEqual(catalog.suggestions(for: "vgg"), [])
  }

  func testSuggestionsRankByDistance() {
    func entry(_ name: String) -> CatalogEntry {
      CatalogEntry(
        name: name, archiveURL: URL(string: "https://example.invalid/\(name).zip")!,
        archiveSHA256: "", memberPath: "\(name).pb", modelSHA256: "", dreamLayers: [],
        preprocessing: .none, inputNotes: "", description: "", licence: "")
    }
    let catalog = ModelCatalog(entries: [entry("alexnet"), entry("googlenet"), entry("googlenet2")])
    XCTAssertEqual(catalog.suggestions(for: "googlenet1"), ["googlenet", "googlenet2"])
    XCTAssertEqual(catalog.suggestions(for: "alexnt"), ["alexnet"])
  }
}
