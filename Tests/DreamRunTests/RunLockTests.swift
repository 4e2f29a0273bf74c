import DreamRun
import Foundation
import XCTest

/// Two runs of one recipe must not render into the same files at once.
final class RunLockTests: XCTestCase {
  func testSecondRunOfTheSameRecipeIsRefusedUntilTheFirstEnds() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runlock-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let state = folder.appendingPathComponent(".dream-run/recipe.yaml.state.json").path
    var first: RunLock? = try RunLock(stateFile: state, recipe: "recipe.yaml")
    XCTAssertNotNil(first)
    do {
      _ = try RunLock(stateFile: state, recipe: "recipe.yaml")
      XCTFail("a second lock was granted")
    } catch {
      XCTAssertEqual(
        "\(error)",
        "recipe.yaml: another dream-run is rendering this recipe (lock \(state).lock); "
          + "wait for it to finish or stop it, then run again")
    }
    first = nil
    XCTAssertNoThrow(try RunLock(stateFile: state, recipe: "recipe.yaml"))
  }

  /// A symbolic-link alias of a recipe shares its state file, hence its lock.
  func testASymlinkedAliasSharesTheRecipesStateAndLock() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runlock-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("steps: []\n".utf8).write(to: folder.appendingPathComponent("a.yaml"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("b.yaml").path, withDestinationPath: "a.yaml")
    let a = RunState.locations(
      recipeFile: folder.appendingPathComponent("a.yaml").path, directory: folder.path)
    let b = RunState.locations(
      recipeFile: folder.appendingPathComponent("b.yaml").path, directory: folder.path)
    XCTAssertEqual(a.state, b.state)
    XCTAssertTrue(a.state.hasSuffix("/.dream-run/a.yaml.state.json"), a.state)
    let held = try RunLock(stateFile: a.state, recipe: "a.yaml")
    XCTAssertThrowsError(try RunLock(stateFile: b.state, recipe: "b.yaml"))
    withExtendedLifetime(held) {}
  }
}
