import DreamEngine
import DreamRun
import Foundation
import XCTest

/// Sweeps and shards: n processes sharing a folder render exactly what one process renders.
final class ShardTests: XCTestCase {
  /// Six frames per variant, each its own unit (`feedback: false`): 12 units and two videos.
  static let perFrame = """
    model: inception5h
    seed: 5
    frames: 6
    feedback: false
    threads: 1
    sweep:
      step: [1.0, 2.0]
    steps:
      - load: input.png
      - dream:
          layer: {0: inception_3a/output, 3: conv2/3x3}
          iterations: 40
          repeats: 2
          tile: 64
      - clip
      - save: frames/{step}/{frame:02}.png
      - video:
          path: frames/{step}.avi
          fps: 6

    """

  /// Three zoom chains (one unit each: frame i needs frame i - 1).
  static let chains = """
    model: inception5h
    seed: 2
    frames: 3
    threads: 1
    sweep:
      layer: [conv2/3x3, inception_3a/output, inception_3b/output]
    steps:
      - load: input.png
      - zoom: {factor: 1.05}
      - dream: {iterations: 40, repeats: 1, tile: 64}
      - clip
      - save: chains/{layer}-{frame}.png

    """

  private func writeRecipes(in folder: URL) throws {
    try TestSupport.writeRecipe(Self.perFrame, named: "frames.yaml", in: folder)
    try TestSupport.writeRecipe(Self.chains, named: "chains.yaml", in: folder)
  }

  /// What the recipes wrote (frames, videos), by path.
  static func outputs(_ folder: URL) throws -> [String: Data] {
    try TestSupport.files(in: folder).filter { $0.key.hasPrefix("frames/") || $0.key.hasPrefix("chains/") }
  }

  /// Three shards as separate processes, one killed with -9 while it renders and started again:
  /// the union of their work is byte for byte what one unsharded process renders, no unit is
  /// rendered by two shards, the videos are written by whichever shard finishes last, and `status`
  /// sees every unit done.
  func testThreeShardsRenderWhatOneProcessRendersEvenWithOneKilled() throws {
    let model = try TestSupport.googlenet()
    let alone = try TestSupport.temporaryFolder("alone")
    let sharded = try TestSupport.temporaryFolder("sharded")
    defer {
      try? FileManager.default.removeItem(at: alone)
      try? FileManager.default.removeItem(at: sharded)
    }
    try writeRecipes(in: alone)
    try writeRecipes(in: sharded)
    for recipe in ["frames.yaml", "chains.yaml"] {
      let run = try TestSupport.run([recipe, "--model", model], in: alone)
      XCTAssertEqual(run.status, 0, run.stderr)
    }
    let expected = try Self.outputs(alone)
    XCTAssertEqual(expected.count, 12 + 2 + 9)

    let logs = try TestSupport.temporaryFolder("logs")
    defer { try? FileManager.default.removeItem(at: logs) }
    func start(_ shard: Int, _ recipe: String, attempt: Int = 1) throws -> (Process, URL) {
      let out = logs.appendingPathComponent("\(recipe)-\(shard)-\(attempt)")
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      let process = try TestSupport.start(
        [recipe, "--model", model, "--shard", "\(shard)/3"], in: sharded, outputs: out)
      return (process, out)
    }
    for recipe in ["frames.yaml", "chains.yaml"] {
      var shards = try (1...3).map { try start($0, recipe) }
      // Shard 2 is killed once it has recorded its first file, then started again.
      let state = sharded.appendingPathComponent(
        recipe == "frames.yaml"
          ? ".dream-run/frames.yaml.step=1.0.shard-2-of-3.state.json"
          : ".dream-run/chains.yaml.layer=inception_3a_output.state.json")
      XCTAssertTrue(TestSupport.wait(timeout: 60) { FileManager.default.fileExists(atPath: state.path) })
      kill(shards[1].0.processIdentifier, SIGKILL)
      shards[1].0.waitUntilExit()
      XCTAssertEqual(shards[1].0.terminationReason, .uncaughtSignal)
      shards.append(try start(2, recipe, attempt: 2))
      var written: [[String]] = []
      for (index, (process, out)) in shards.enumerated() {
        process.waitUntilExit()
        let result = TestSupport.collect(process, outputs: out)
        if index != 1 { XCTAssertEqual(result.status, 0, result.stderr) }
        written.append(
          result.stderr.split(separator: "\n").compactMap { line in
            // `frame 3/6: wrote frames/1.0/03.png in 0.2 s` or `frames/1.0.avi: wrote 6 frames (64x48)`.
            line.range(of: ": wrote ").map { found in
              line.hasPrefix("frame ")
                ? String(line[found.upperBound...].split(separator: " ")[0])
                : String(line[..<found.lowerBound])
            }
          })
      }
      // Shards 1 and 3 never rendered the same file, nor one the restarted shard 2 rendered.
      XCTAssertTrue(Set(written[0]).isDisjoint(with: written[2]), "\(written)")
      XCTAssertTrue(Set(written[0] + written[2]).isDisjoint(with: written[3]), "\(written)")
    }
    let got = try Self.outputs(sharded)
    XCTAssertEqual(got.keys.sorted(), expected.keys.sorted())
    for (path, bytes) in expected { XCTAssertEqual(got[path], bytes, "\(path) differs") }

    let status = try TestSupport.run(["status", "frames.yaml", "--model", model], in: sharded)
    XCTAssertEqual(status.status, 0, status.stderr)
    XCTAssertTrue(
      status.stdout.contains("units: 12 of 12 done; frames: 12 of 12; videos: 2 of 2"), status.stdout)
    XCTAssertTrue(status.stdout.contains("step=2.0  6/6     1/1     done"), status.stdout)
    let chainStatus = try TestSupport.run(["status", "chains.yaml", "--model", model], in: sharded)
    XCTAssertTrue(chainStatus.stdout.contains("units: 3 of 3 done; frames: 9 of 9"), chainStatus.stdout)
    // A run without --shard afterwards has nothing to do and folds the shards' states into one.
    let final = try TestSupport.run(["frames.yaml", "--model", model], in: sharded)
    XCTAssertTrue(final.stdout.contains("sweep of 2 variants: nothing to render"), final.stdout)
    let states = try FileManager.default.contentsOfDirectory(
      atPath: sharded.appendingPathComponent(".dream-run").path
    ).filter { $0.hasPrefix("frames.yaml") && $0.hasSuffix(".state.json") }.sorted()
    XCTAssertEqual(states, ["frames.yaml.step=1.0.state.json", "frames.yaml.step=2.0.state.json"])
  }

  /// The units `plan` and `status` count, and what `status` says before anything is rendered.
  func testPlanAndStatusCountIndependentUnits() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("units")
    defer { try? FileManager.default.removeItem(at: folder) }
    try writeRecipes(in: folder)
    let plan = try TestSupport.run(["plan", "chains.yaml", "--model", model, "--variant", "2"], in: folder)
    XCTAssertEqual(plan.status, 0, plan.stderr)
    XCTAssertTrue(plan.stdout.hasPrefix("sweep: 3 variants (layer 3)\n  1  layer=conv2/3x3\n"), plan.stdout)
    XCTAssertTrue(plan.stdout.contains("plan of variant 2 (--variant N shows another):\n"), plan.stdout)
    XCTAssertTrue(plan.stdout.contains("chains/inception_3a_output-2.png"), plan.stdout)
    XCTAssertTrue(
      plan.stdout.hasSuffix("units: 3 independent units (one per variant: its frames are a chain)\n"),
      plan.stdout)
    let status = try TestSupport.run(["status", "frames.yaml", "--model", model], in: folder)
    XCTAssertEqual(
      status.stdout,
      """
      frames.yaml: sweep of 2 variants (step 2); 12 independent units (one per frame: with feedback: false every frame starts from the input)
      VARIANT   FRAMES  VIDEOS  STATE
      step=1.0  0/6     0/1     missing
      step=2.0  0/6     0/1     missing
      units: 0 of 12 done; frames: 0 of 12; videos: 0 of 2

      """)
  }

  /// A sweep's contact sheet: a grid with a labelled row per value of the first key and a column
  /// per value of the last, in the PNG and on the page (every image shown in chromium).
  func testASweepsContactSheetIsALabelledGrid() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("sweep-sheet")
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      """
      model: inception5h
      threads: 1
      sweep:
        layer: [conv2/3x3, inception_3a/output]
        step: [1, 2, 3]
      steps:
        - load: input.png
        - dream: {iterations: 2, repeats: 1, tile: 64}
        - save: out/{layer}-{step}.png

      """, in: folder)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder).status, 0)
    let result = try TestSupport.run(
      ["sheet", "recipe.yaml", "--model", model, "--thumbnail", "32"], in: folder)
    XCTAssertEqual(
      result.stdout, "sheet: .dream-run/recipe.yaml.sheet.png\npage: .dream-run/recipe.yaml.sheet.html\n")
    let png = try ImageCodec.read(
      contentsOf: folder.appendingPathComponent(".dream-run/recipe.yaml.sheet.png"))
    // Row labels 'layer=inception_3a/output' (25 characters of 8 pixels, + 8), 3 columns of 32 + 4;
    // a 16-pixel header strip, 2 rows of 24 + 4.
    XCTAssertEqual(png.width, 25 * 8 + 8 + 3 * (32 + 4) + 4)
    XCTAssertEqual(png.height, 16 + 2 * (24 + 4) + 4)
    // The header strip holds black label pixels; the corner above the row labels none.
    XCTAssertTrue((0..<png.width).contains { x in (4..<14).contains { png[x, $0, 0] == 0 } })
    let page = folder.appendingPathComponent(".dream-run/recipe.yaml.sheet.html")
    let html = try String(contentsOf: page, encoding: .utf8)
    XCTAssertTrue(html.contains("<th>step=1</th><th>step=2</th><th>step=3</th>"), html)
    XCTAssertTrue(html.contains("<th>layer=inception_3a/output</th>"), html)
    XCTAssertTrue(html.contains("<img src=\"../out/inception_3a_output-3.png\""), html)
    guard let browser = CheckReportBrowserTests.browser else {
      throw XCTSkip("no chromium found (apt-get install chromium); .ci/run installs it")
    }
    let dom = try CheckReportBrowserTests.dumpDOM(browser, page, profile: folder)
    XCTAssertTrue(dom.contains("data-images=\"6 of 6 images shown\""), String(dom.prefix(1500)))
  }

  /// A one-key sweep's sheet is laid out like frames: `--columns` cells per row, each labelled.
  func testAOneKeySweepsSheetWrapsAtColumns() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("one-key-sheet")
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(
      """
      model: inception5h
      threads: 1
      sweep:
        step: [1, 2, 3]
      steps:
        - load: input.png
        - dream: {layer: conv2/3x3, iterations: 1, repeats: 1, tile: 64}
        - save: out/{step}.png

      """, in: folder)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder).status, 0)
    let result = try TestSupport.run(
      ["sheet", "recipe.yaml", "--model", model, "--thumbnail", "32", "--columns", "2"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    let png = try ImageCodec.read(
      contentsOf: folder.appendingPathComponent(".dream-run/recipe.yaml.sheet.png"))
    // 2 columns of 32 + 4; 2 rows of 24 + a 16-pixel label strip + 4.
    XCTAssertEqual(png.width, 2 * (32 + 4) + 4)
    XCTAssertEqual(png.height, 2 * (24 + 16 + 4) + 4)
    let html = try String(
      contentsOf: folder.appendingPathComponent(".dream-run/recipe.yaml.sheet.html"), encoding: .utf8)
    XCTAssertTrue(html.contains("<div class=\"grid\">"), html)
    XCTAssertTrue(html.contains("step=3 | "), html)
  }

  /// Bad shard settings and sweeps are usage or recipe errors (exit 2) that render nothing.
  func testBadShardsAndSweepsAreRefusedBeforeAnyWork() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("bad-shards")
    defer { try? FileManager.default.removeItem(at: folder) }
    try writeRecipes(in: folder)
    let cases: [([String], [String: String], String)] = [
      (["--shard", "3/2"], [:], "--shard 3/2: the shard number must be 1...2 (shards count from 1)\n"),
      (["--shard", "0/0"], [:], "--shard 0/0: the shard count must be at least 1\n"),
      (["--shard", "two"], [:], "--shard 'two': write i/n (shard i of n, e.g. 2/3) or auto\n"),
      (
        ["--shard", "auto"], ["SLURM_ARRAY_TASK_ID": "1", "JOB_COMPLETION_INDEX": "0"],
        "--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; unset one, or give --shard i/n\n"
      ),
    ]
    for (arguments, environment, message) in cases {
      let result = try TestSupport.run(
        ["frames.yaml", "--model", model] + arguments, in: folder, environment: environment)
      XCTAssertEqual(result.status, 2, "\(arguments)")
      XCTAssertEqual(result.stderr, message)
    }
    let values = "[" + (1...17).map(String.init).joined(separator: ", ") + "]"
    try TestSupport.writeRecipe(
      Self.perFrame.replacingOccurrences(
        of: "  step: [1.0, 2.0]\n", with: "  step: \(values)\n  seed: \(values)\n"
      )
      .replacingOccurrences(of: "{step}", with: "{step}-{seed}"),
      named: "many.yaml", in: folder)
    let many = try TestSupport.run(["many.yaml", "--model", model], in: folder)
    XCTAssertEqual(many.status, 2)
    XCTAssertTrue(
      many.stderr.hasPrefix(
        "many.yaml:6:1: error: sweep: the sweep makes 289 variants (step 17 x seed 17); more than 256 need "
          + "'max-variants: 289' in the recipe, or --yes\n"), many.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("frames").path))
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".dream-run").path))
  }

  func testShardAutoReadsSlurmAndKubernetes() throws {
    func shard(_ environment: [String: String]) throws -> String {
      try Shard.parse("auto", environment: environment).description
    }
    XCTAssertEqual(
      try shard(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "9"]),
      "5/10")
    XCTAssertEqual(
      try shard(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"]),
      "1/3")
    XCTAssertEqual(try shard(["JOB_COMPLETION_INDEX": "2", "JOB_COMPLETIONS": "3"]), "3/3")
    func failure(_ environment: [String: String]) -> String {
      do {
        _ = try Shard.parse("auto", environment: environment)
        return "accepted"
      } catch {
        return error.description
      }
    }
    XCTAssertEqual(
      failure([
        "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "8",
        "SLURM_ARRAY_TASK_COUNT": "3",
      ]),
      "--shard auto: the job array 0-8 has 3 tasks, not one per index; use a contiguous array without a step "
        + "(e.g. --array=0-2) or give --shard i/n")
    XCTAssertEqual(
      failure(["JOB_COMPLETION_INDEX": "0"]),
      "--shard auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; set it to the Job's completions in "
        + "the manifest (see deploy/kubernetes/job.yaml)")
    XCTAssertEqual(
      failure([:]),
      "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes "
        + "Indexed Job) is set; give --shard i/n")
    XCTAssertEqual(
      failure(["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "3"]),
      "--shard auto (JOB_COMPLETION_INDEX=3, JOB_COMPLETIONS=3): the shard number must be 1...3 (shards count from 1)"
    )
  }

  /// Every unit goes to exactly one of n shards, whatever n.
  func testShardsPartitionTheUnits() {
    let counts = [1, 7, 12]
    for n in 1...5 {
      var seen = [Int](repeating: 0, count: counts.reduce(0, +))
      var next = 0
      let units = counts.map { count -> RecipeBatch.VariantUnits in
        defer { next += count }
        return RecipeBatch.VariantUnits(firstUnit: next, count: count, perFrame: count > 1, frames: count)
      }
      for number in 1...n {
        let shard = Shard(number: number, count: n)
        for variant in units {
          var owned = 0
          for frame in 0..<variant.frames where variant.owns(frame: frame, shard: shard) {
            owned += 1
            if variant.perFrame { seen[variant.firstUnit + frame] += 1 }
          }
          if !variant.perFrame, owned > 0 { seen[variant.firstUnit] += 1 }
          XCTAssertEqual(owned, variant.frameCount(for: shard), "shard \(shard), variant \(variant)")
          XCTAssertEqual(variant.touches(shard), owned > 0, "shard \(shard), variant \(variant)")
        }
      }
      XCTAssertEqual(seen, [Int](repeating: 1, count: seen.count), "n = \(n)")
    }
  }
}
