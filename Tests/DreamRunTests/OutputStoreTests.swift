import DreamEngine
import DreamRun
import Foundation
import XCTest

/// The run's output files go through `OutputFiles`, so a full disk is tested without filling one.
final class OutputStoreTests: XCTestCase {
  /// The disk, except that writing a file whose name ends with `failing` fails as a full disk does.
  struct DiskFullAt: OutputFiles {
    let failing: String

    func contents(of path: String) -> Data? { DiskOutputFiles().contents(of: path) }

    func writeAtomically(_ bytes: [UInt8], to path: String) throws(RunError) {
      if path.hasSuffix(failing) { throw .runtime(WriteFailure.message(path, code: ENOSPC)) }
      try DiskOutputFiles().writeAtomically(bytes, to: path)
    }

    func names(in folder: String) -> [String] { DiskOutputFiles().names(in: folder) }

    func remove(_ path: String) { DiskOutputFiles().remove(path) }
  }

  /// The disk fills up at frame 2: the run stops with the disk-full message, frames 0 and 1 are
  /// written and recorded, frame 2 is not; the rerun renders frame 2 only, and the result equals
  /// an uninterrupted run.
  func testADiskFullAtOneFrameKeepsTheFramesBeforeIt() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: folder)
    let recipe = folder.appendingPathComponent("recipe.yaml").path
    let options = RunOptions(recipePath: recipe, model: model, threads: 1)
    let prepared = try PreparedRun.prepare(options, environment: [:])
    let executor = Executor(
      prepared, reporter: ProgressReporter.standardError(quiet: true), files: DiskFullAt(failing: "/02.png"))
    XCTAssertThrowsError(try executor.execute()) { error in
      XCTAssertEqual(
        "\(error)",
        WriteFailure.message(folder.appendingPathComponent("out/02.png").path, code: ENOSPC))
    }
    let out = folder.appendingPathComponent("out")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["00.png", "01.png"])
    let rerun = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(rerun.status, 0, rerun.stderr)
    XCTAssertTrue(rerun.stdout.hasPrefix("rendered 1 frame (frame 2)"), rerun.stdout)
    let resumed = try TestSupport.files(in: out)
    let fresh = try TestSupport.temporaryFolder("fresh")
    defer { try? FileManager.default.removeItem(at: fresh) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: fresh)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: fresh).status, 0)
    XCTAssertEqual(resumed, try TestSupport.files(in: fresh.appendingPathComponent("out")))
  }

  /// Checkpoints go through the same seam: a disk that fills up when the first float checkpoint is
  /// written stops the run after frame 1's files were written and recorded, and the rerun (which
  /// finds no checkpoint, so recomputes frame 1 in memory) gives the bytes of an uninterrupted run.
  func testADiskFullAtACheckpointKeepsTheFilesAndResumesExactly() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: folder)
    let options = RunOptions(
      recipePath: folder.appendingPathComponent("recipe.yaml").path, model: model, threads: 1)
    let executor = Executor(
      try PreparedRun.prepare(options, environment: [:]),
      reporter: ProgressReporter.standardError(quiet: true),
      files: DiskFullAt(failing: ".f32"))
    XCTAssertThrowsError(try executor.execute()) { error in
      // `<state folder>/recipe.yaml.checkpoints/<fingerprint>.f32: cannot write the file: ...`
      XCTAssertTrue("\(error)".hasSuffix(".f32" + WriteFailure.message("", code: ENOSPC)), "\(error)")
    }
    let out = folder.appendingPathComponent("out")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["00.png", "01.png"])
    let rerun = try TestSupport.run(["recipe.yaml", "--model", model], in: folder)
    XCTAssertEqual(rerun.status, 0, rerun.stderr)
    let fresh = try TestSupport.temporaryFolder("fresh")
    defer { try? FileManager.default.removeItem(at: fresh) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: fresh)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: fresh).status, 0)
    XCTAssertEqual(
      try TestSupport.files(in: out), try TestSupport.files(in: fresh.appendingPathComponent("out")))
  }
}
