import Foundation
import XCTest

/// Outputs stay in the recipe's folder tree and never replace a file dream-run did not write
/// (docs/security.md).
final class OutputSafetyTests: XCTestCase {
  private var folder: URL!
  private var project: URL!
  private var outside: URL!
  private var model = ""

  override func setUpWithError() throws {
    model = try TestSupport.googlenet()
    folder = try TestSupport.temporaryFolder()
    project = folder.appendingPathComponent("project")
    outside = folder.appendingPathComponent("outside")
    for url in [project!, outside!] {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    try FileManager.default.copyItem(
      at: TestSupport.tinyInput, to: project.appendingPathComponent("input.png"))
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  private func recipe(save: String, video: String = "out/clip.avi") -> String {
    """
    model: inception5h
    frames: 2
    frame0: input
    steps:
      - load: input.png
      - tint: 2
      - save: \(save)
      - video: {path: \(video), fps: 5}

    """
  }

  private func run(_ arguments: [String]) throws -> TestSupport.Result {
    try TestSupport.run(arguments + ["--model", model], in: project)
  }

  private var outsideFiles: [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: outside.path)) ?? []
  }

  /// `..`, an absolute path and a symbolic link out of the tree are recipe errors, in validate
  /// and run, and nothing is created outside.
  func testOutputsOutsideTheRecipesFolderAreRefused() throws {
    let real = try XCTUnwrap(URL(fileURLWithPath: outside.path).resolvingSymlinksInPath().path as String?)
    try FileManager.default.createSymbolicLink(
      at: project.appendingPathComponent("link"), withDestinationURL: outside)
    for (save, video, shown) in [
      ("../outside/{frame}.png", "out/clip.avi", real + "/0.png"),
      ("out/{frame}.png", "\(outside.path)/clip.avi", real + "/clip.avi"),
      ("link/sub/{frame}.png", "out/clip.avi", real + "/sub/0.png"),
    ] {
      try TestSupport.writeRecipe(recipe(save: save, video: video), in: project)
      for command in [["validate", "recipe.yaml"], ["recipe.yaml"]] {
        let result = try run(command)
        XCTAssertEqual(result.status, 2, "\(save) \(command)")
        XCTAssertTrue(
          result.stderr.contains("this path resolves to '\(shown)', outside the recipe's folder"),
          result.stderr)
        XCTAssertTrue(result.stderr.contains("pass --allow-outside"), result.stderr)
      }
      XCTAssertEqual(outsideFiles, [], save)
    }
    let allowed = try run(["recipe.yaml", "--allow-outside", "--quiet"])
    XCTAssertEqual(allowed.status, 0, allowed.stderr)
    XCTAssertEqual(outsideFiles, ["sub"])
  }

  /// A `.dream-run` folder linked out of the tree is refused before anything is written.
  func testALinkedStateFolderIsRefused() throws {
    try FileManager.default.createSymbolicLink(
      at: project.appendingPathComponent(".dream-run"), withDestinationURL: outside)
    try TestSupport.writeRecipe(recipe(save: "out/{frame}.png"), in: project)
    let result = try run(["recipe.yaml"])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("the run-state folder resolves to"), result.stderr)
    XCTAssertEqual(outsideFiles, [])
    XCTAssertFalse(FileManager.default.fileExists(atPath: project.appendingPathComponent("out").path))
  }

  /// An existing file dream-run did not write (here read-only) is left alone unless --force; a
  /// file this recipe wrote is replaced freely.
  func testAnExistingFileIsReplacedOnlyWithForce() throws {
    try TestSupport.writeRecipe(recipe(save: "out/{frame}.png"), in: project)
    let out = project.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let mine = out.appendingPathComponent("1.png")
    try Data("mine".utf8).write(to: mine)
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: mine.path)
    let refused = try run(["recipe.yaml"])
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(
      refused.stderr.hasSuffix(
        "out/1.png: exists and was not written by dream-run for this recipe; move it away, or pass --force to replace it\n"
      ),
      refused.stderr)
    XCTAssertEqual(try Data(contentsOf: mine), Data("mine".utf8))
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("0.png").path))
    let forced = try run(["recipe.yaml", "--force", "--quiet"])
    XCTAssertEqual(forced.status, 0, forced.stderr)
    XCTAssertNotEqual(try Data(contentsOf: mine), Data("mine".utf8))
    // Written by dream-run now: a changed recipe replaces it without --force.
    try TestSupport.writeRecipe(
      recipe(save: "out/{frame}.png").replacingOccurrences(of: "tint: 2", with: "tint: 3"), in: project)
    let rerun = try run(["recipe.yaml", "--quiet"])
    XCTAssertEqual(rerun.status, 0, rerun.stderr)
  }

  /// Two recipes in one folder writing the same files: the second is told which recipe owns them.
  func testTwoRecipesSharingOutputsAreDetected() throws {
    try TestSupport.writeRecipe(recipe(save: "out/{frame}.png"), named: "first.yaml", in: project)
    try TestSupport.writeRecipe(
      recipe(save: "out/{frame}.png", video: "other.avi"), named: "second.yaml", in: project)
    XCTAssertEqual(try run(["first.yaml", "--quiet"]).status, 0)
    let second = try run(["second.yaml"])
    XCTAssertEqual(second.status, 1)
    XCTAssertTrue(
      second.stderr.hasSuffix(
        "out/0.png: already written by the recipe 'first.yaml' in the same folder; two recipes must not share "
          + "outputs: give this one another save/video path (or pass --force to take the file over)\n"),
      second.stderr)
  }
}
