import Foundation
import XCTest

/// deploy/slurm against a real Slurm: a one-node cluster (scripts/slurm-local.sh; .ci/run starts
/// one where it runs as root) runs the job array and the final step.
final class SlurmTests: XCTestCase {
  private func clusterAnswers() throws -> Bool {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sinfo") else { return false }
    let folder = try TestSupport.temporaryFolder("sinfo")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.runShell("timeout 10 sinfo -h -o %a", in: folder)
    return result.status == 0 && result.stdout.contains("up")
  }

  /// `deploy/slurm/submit.sh RECIPE 3`: a 3-task array renders the sweep's 12 frames, the last task
  /// to finish writes the videos, the final step finds everything done and writes the sheet; the
  /// files are byte for byte those of one unsharded process.
  func testAJobArrayRendersWhatOneProcessRenders() throws {
    guard try clusterAnswers() else {
      throw XCTSkip(
        "no Slurm cluster answers sinfo; start one with scripts/slurm-local.sh start (root, slurm-wlm and "
          + "munge installed); .ci/run does")
    }
    let model = try TestSupport.googlenet()
    let alone = try TestSupport.temporaryFolder("slurm-alone")
    let shared = try TestSupport.temporaryFolder("slurm-shared")
    defer {
      try? FileManager.default.removeItem(at: alone)
      try? FileManager.default.removeItem(at: shared)
    }
    try TestSupport.writeRecipe(ShardTests.perFrame, named: "frames.yaml", in: alone)
    try TestSupport.writeRecipe(ShardTests.perFrame, named: "frames.yaml", in: shared)
    XCTAssertEqual(try TestSupport.run(["frames.yaml", "--model", model], in: alone).status, 0)

    let submit = TestSupport.packageRoot.appendingPathComponent("deploy/slurm/submit.sh").path
    let binary = try TestSupport.binary().path
    let submitted = try TestSupport.runShell(
      "DREAM_RUN='\(binary)' '\(submit)' frames.yaml 3 --model '\(model)'", in: shared)
    XCTAssertEqual(submitted.status, 0, submitted.stderr)
    // `array job 12 (3 shards), final job 13`
    let words = submitted.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
    guard let array = words.dropFirst(2).first, let final = words.last, Int(array) != nil, Int(final) != nil
    else { return XCTFail("no job ids in: \(submitted.stdout)") }
    XCTAssertTrue(
      TestSupport.wait(timeout: 300) {
        (try? TestSupport.runShell("squeue -h -j \(array),\(final)", in: shared).stdout.isEmpty) ?? false
      }, "the jobs did not finish in 5 minutes")

    let logs = try FileManager.default.contentsOfDirectory(atPath: shared.path).filter {
      $0.hasSuffix(".log")
    }
    XCTAssertEqual(
      Set(logs),
      [
        "dream-run-\(array)_0.log", "dream-run-\(array)_1.log", "dream-run-\(array)_2.log",
        "dream-run-\(final)-final.log",
      ])
    for task in 0..<3 {
      let log = try String(
        contentsOf: shared.appendingPathComponent("dream-run-\(array)_\(task).log"), encoding: .utf8)
      XCTAssertTrue(log.contains("shard \(task + 1)/3 renders its share"), log)
      XCTAssertEqual(log.components(separatedBy: ": wrote frames/").count - 1, 4, log)
    }
    let finalLog = try String(
      contentsOf: shared.appendingPathComponent("dream-run-\(final)-final.log"), encoding: .utf8)
    XCTAssertTrue(finalLog.contains("sweep of 2 variants: nothing to render"), finalLog)
    XCTAssertTrue(finalLog.contains("units: 12 of 12 done; frames: 12 of 12; videos: 2 of 2"), finalLog)
    XCTAssertTrue(
      FileManager.default.fileExists(
        atPath: shared.appendingPathComponent(".dream-run/frames.yaml.sheet.png").path))
    let expected = try ShardTests.outputs(alone)
    let got = try ShardTests.outputs(shared)
    XCTAssertEqual(got.keys.sorted(), expected.keys.sorted())
    for (path, bytes) in expected { XCTAssertEqual(got[path], bytes, "\(path) differs") }
  }
}
