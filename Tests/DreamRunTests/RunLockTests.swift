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
}
