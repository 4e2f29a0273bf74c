import Foundation
import XCTest
import Yams

/// deploy/kubernetes: no cluster runs here (kind and k3s do not install), so the manifests are
/// checked field by field, and their pods' command lines are run as processes with the environment
/// an Indexed Job gives each pod.
final class KubernetesManifestTests: XCTestCase {
  private func manifest(_ name: String) throws -> [String: Any] {
    let url = TestSupport.packageRoot.appendingPathComponent("deploy/kubernetes/" + name)
    let text = try String(contentsOf: url, encoding: .utf8)
    return try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any], name)
  }

  private func container(_ job: [String: Any]) throws -> [String: Any] {
    let spec = try XCTUnwrap(job["spec"] as? [String: Any])
    let template = try XCTUnwrap((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
    XCTAssertEqual(template["restartPolicy"] as? String, "Never")
    let containers = try XCTUnwrap(template["containers"] as? [[String: Any]])
    XCTAssertEqual(containers.count, 1)
    let mounts = try XCTUnwrap(containers[0]["volumeMounts"] as? [[String: Any]])
    let workingDir = try XCTUnwrap(containers[0]["workingDir"] as? String)
    XCTAssertTrue(
      mounts.contains { $0["mountPath"] as? String == workingDir }, "the working folder is a shared volume")
    return containers[0]
  }

  /// The Indexed Job's pods run `dream-run run RECIPE --shard auto` with JOB_COMPLETIONS equal to
  /// the Job's completions; run as 3 processes with JOB_COMPLETION_INDEX 0, 1 and 2 (what the pods
  /// get), they render the bytes one process renders.
  func testTheIndexedJobsPodsRenderWhatOneProcessRenders() throws {
    let job = try manifest("job.yaml")
    XCTAssertEqual(job["kind"] as? String, "Job")
    let spec = try XCTUnwrap(job["spec"] as? [String: Any])
    XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
    let completions = try XCTUnwrap(spec["completions"] as? Int)
    XCTAssertLessThanOrEqual(try XCTUnwrap(spec["parallelism"] as? Int), completions)
    let pod = try container(job)
    let environment = try XCTUnwrap(pod["env"] as? [[String: Any]])
    XCTAssertEqual(
      environment.first { $0["name"] as? String == "JOB_COMPLETIONS" }?["value"] as? String,
      String(completions),
      "JOB_COMPLETIONS must equal spec.completions")
    let args = try XCTUnwrap(pod["args"] as? [String])
    XCTAssertEqual(args.first, "run")
    let shard = try XCTUnwrap(args.firstIndex(of: "--shard"))
    XCTAssertEqual(args[shard + 1], "auto")
    let modelOption = try XCTUnwrap(args.firstIndex(of: "--model"))
    XCTAssertEqual(
      try manifest("final-job.yaml")["kind"] as? String, "Job", "the final step is a Job of its own")
    _ = try container(try manifest("final-job.yaml"))

    // The pods' command line with this test's recipe and model, 3 completions.
    let model = try TestSupport.googlenet()
    var podArgs = args
    podArgs[1] = "frames.yaml"
    podArgs[modelOption + 1] = model
    let alone = try TestSupport.temporaryFolder("pods-alone")
    let shared = try TestSupport.temporaryFolder("pods-shared")
    let logs = try TestSupport.temporaryFolder("pods-logs")
    defer {
      for folder in [alone, shared, logs] { try? FileManager.default.removeItem(at: folder) }
    }
    try TestSupport.writeRecipe(ShardTests.perFrame, named: "frames.yaml", in: alone)
    try TestSupport.writeRecipe(ShardTests.perFrame, named: "frames.yaml", in: shared)
    XCTAssertEqual(try TestSupport.run(["frames.yaml", "--model", model], in: alone).status, 0)
    let pods = try (0..<3).map { index -> (Process, URL) in
      let out = logs.appendingPathComponent("pod-\(index)")
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      let process = try TestSupport.start(
        podArgs, in: shared, environment: ["JOB_COMPLETION_INDEX": String(index), "JOB_COMPLETIONS": "3"],
        outputs: out)
      return (process, out)
    }
    for (index, (process, out)) in pods.enumerated() {
      process.waitUntilExit()
      let result = TestSupport.collect(process, outputs: out)
      XCTAssertEqual(result.status, 0, result.stderr)
      XCTAssertTrue(result.stderr.contains("shard \(index + 1)/3 renders its share"), result.stderr)
    }
    let expected = try ShardTests.outputs(alone)
    let got = try ShardTests.outputs(shared)
    XCTAssertEqual(got.keys.sorted(), expected.keys.sorted())
    for (path, bytes) in expected { XCTAssertEqual(got[path], bytes, "\(path) differs") }
  }
}
