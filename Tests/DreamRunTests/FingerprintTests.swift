import DreamVocabulary
import DreamEngine
import DreamRun
import Foundation
import RecipeParser
import XCTest

/// Fingerprints change exactly downstream of a change; seeds differ per frame and repeat per run.
final class FingerprintTests: XCTestCase {
  private func parse(_ text: String) throws -> Recipe {
    let files = InMemoryFileSystem(textFiles: ["/r/input.png": "x"])
    return try RecipeFile.parse(text: text, file: "/r/recipe.yaml", fileSystem: files).get()
  }

  private func plan(_ text: String) throws -> ExecutionPlan {
    ExecutionPlan(recipe: try parse(text))
  }

  private let inputs = FingerprintInputs(modelSHA256: "m", inputSHA256: "i")

  /// `layer: 3` enters as the node name it resolves to: a model whose dream-layer list puts
  /// another layer at index 3 re-renders, a list that only differs elsewhere does not.
  func testLayerIndicesEnterAsTheirResolvedNames() throws {
    let recipe = try parse(
      TestSupport.tinyRecipe(frames: 2).replacingOccurrences(
        of: "layer: inception_3a/output", with: "layer: 3"))
    let p = ExecutionPlan(recipe: recipe)
    func fingerprints(_ layers: [String]) -> [String] {
      var withLayers = inputs
      withLayers.layers = LayerBinding(recipe, layers: layers)
      return Fingerprints.compute(p, inputs: withLayers)
    }
    let a = fingerprints(["c0", "c1", "c2", "mixed3a", "mixed3b"])
    let sameAtThree = fingerprints(["x0", "x1", "x2", "mixed3a"])
    let otherAtThree = fingerprints(["c0", "c1", "c2", "mixed3b", "mixed3a"])
    let dream = try XCTUnwrap(p.node(id: "f1.s5")).index
    XCTAssertEqual(a[dream], sameAtThree[dream])
    XCTAssertNotEqual(a[dream], otherAtThree[dream])
    XCTAssertNotEqual(a.last, otherAtThree.last, "and everything downstream")
  }

  func testAParameterChangeChangesItsNodeAndEverythingDownstreamOnly() throws {
    let base = try plan(TestSupport.tinyRecipe(frames: 4, step: "{0: 1.0, 3: 1.0}"))
    let changed = try plan(TestSupport.tinyRecipe(frames: 4, step: "{0: 1.0, 2: 1.0, 3: 2.0}"))
    // Frame 2's step changes from 1.0 to 1.0 (keyframe at 2 holds 1.0), frame 3's from 1.0 to 2.0.
    let a = Fingerprints.compute(base, inputs: inputs)
    let b = Fingerprints.compute(changed, inputs: inputs)
    XCTAssertEqual(base.nodes.map(\.id), changed.nodes.map(\.id))
    let dream3 = try XCTUnwrap(base.node(id: "f3.s5")).index
    for node in base.nodes {
      // Frame 3's dream and everything after it (its clip, its save, the video).
      let downstreamOfFrame3 = node.index >= dream3
      if downstreamOfFrame3 {
        XCTAssertNotEqual(a[node.index], b[node.index], "\(node.id) should change")
      } else {
        XCTAssertEqual(a[node.index], b[node.index], "\(node.id) should not change")
      }
    }
  }

  func testModelAndInputEnterTheRightNodes() throws {
    let p = try plan(TestSupport.tinyRecipe(frames: 2))
    let a = Fingerprints.compute(p, inputs: inputs)
    var other = inputs
    other.modelSHA256 = "other"
    let model = Fingerprints.compute(p, inputs: other)
    let frame0Save = try XCTUnwrap(p.node(id: "f0.s7")).index
    let frame1Save = try XCTUnwrap(p.node(id: "f1.s7")).index
    XCTAssertEqual(a[frame0Save], model[frame0Save], "frame 0 is the input: no model involved")
    XCTAssertNotEqual(a[frame1Save], model[frame1Save])
    other = inputs
    other.inputSHA256 = "other"
    let input = Fingerprints.compute(p, inputs: other)
    XCTAssertNotEqual(a[frame0Save], input[frame0Save])
    XCTAssertEqual(a, Fingerprints.compute(p, inputs: inputs), "fingerprints repeat")
    XCTAssertEqual(Set(a).count, a.count, "every node has its own fingerprint")
  }

  /// A guide's bytes enter the dream nodes that read it (and what follows), not the frames before.
  func testGuideImageBytesEnterTheDreamsThatReadThem() throws {
    let files = InMemoryFileSystem(textFiles: ["/r/input.png": "x", "/r/cat.png": "y"])
    let text = TestSupport.tinyRecipe(frames: 2, extra: ", guide: cat.png")
    let p = ExecutionPlan(
      recipe: try RecipeFile.parse(text: text, file: "/r/recipe.yaml", fileSystem: files).get())
    var withGuide = inputs
    withGuide.imageSHA256 = ["/r/cat.png": "g1"]
    var otherGuide = inputs
    otherGuide.imageSHA256 = ["/r/cat.png": "g2"]
    let a = Fingerprints.compute(p, inputs: withGuide)
    let b = Fingerprints.compute(p, inputs: otherGuide)
    let dream = try XCTUnwrap(p.node(id: "f1.s5")).index
    XCTAssertEqual(p.nodes[dream].operation.referencedImages.map(\.resolvedPath), ["/r/cat.png"])
    for node in p.nodes {
      if node.index >= dream {
        XCTAssertNotEqual(a[node.index], b[node.index], "\(node.id) should change")
      } else {
        XCTAssertEqual(a[node.index], b[node.index], "\(node.id) should not change")
      }
    }
  }

  func testDreamSeedsDifferPerFrameAndStepAndRepeat() {
    var seen = Set<UInt64>()
    for frame in 0..<100 {
      for step in 1...3 { seen.insert(DreamSeed.derive(seed: 7, frame: frame, step: step)) }
    }
    XCTAssertEqual(seen.count, 300)
    XCTAssertEqual(DreamSeed.derive(seed: 7, frame: 3, step: 2), DreamSeed.derive(seed: 7, frame: 3, step: 2))
    XCTAssertNotEqual(
      DreamSeed.derive(seed: 7, frame: 3, step: 2), DreamSeed.derive(seed: 8, frame: 3, step: 2))
  }

  func testOutputCheckerTrustsOnlyRecordedCompleteFiles() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("f.png").path
    var state = RunState()
    XCTAssertEqual(
      OutputChecker(state: state).status(nodeID: "f0.s2", path: file, fingerprint: "a"), .missing)
    let bytes = Data("frame bytes".utf8)
    try bytes.write(to: URL(fileURLWithPath: file))
    XCTAssertEqual(OutputChecker(state: state).status(nodeID: "f0.s2", path: file, fingerprint: "a"), .stale)
    state.outputs["f0.s2"] = RunState.Output(
      path: file, fingerprint: "a", sha256: Fingerprints.sha256Hex(bytes), bytes: bytes.count)
    XCTAssertEqual(
      OutputChecker(state: state).status(nodeID: "f0.s2", path: file, fingerprint: "a"), .upToDate)
    XCTAssertEqual(OutputChecker(state: state).status(nodeID: "f0.s2", path: file, fingerprint: "b"), .stale)
    try Data("frame bytez".utf8).write(to: URL(fileURLWithPath: file))
    XCTAssertEqual(
      OutputChecker(state: state).status(nodeID: "f0.s2", path: file, fingerprint: "a"), .stale,
      "same size, different content")
  }

  func testProgressClockText() {
    XCTAssertEqual(ProgressReporter.clockText(0), "00:00")
    XCTAssertEqual(ProgressReporter.clockText(312), "05:12")
    XCTAssertEqual(ProgressReporter.clockText(3723), "1:02:03")
  }

  func testLiveLineShowsFrameDreamIterationElapsedAndETA() {
    var text = ""
    var now = 100.0
    let reporter = ProgressReporter(mode: .live, write: { text += $0 }, clock: { now })
    reporter.begin(frames: 3, toRender: 2, upToDate: 1)
    XCTAssertEqual(text, "1 of 3 frames up to date; rendering 2\n")
    text = ""
    now = 101
    reporter.frameStarted(1)
    reporter.dreamStarted(index: 1, count: 1)
    now = 102
    reporter.dreamProgress(
      DreamProgress(
        octave: 2, octaveCount: 2, iteration: 7, iterationCount: 20, size: ImageSize(width: 8, height: 8),
        loss: 1))
    XCTAssertTrue(
      text.hasSuffix("\rframe 1/3  dream 1/1  octave 2/2  iter 7/20  00:02 elapsed\u{1B}[K"), text)
    now = 111
    reporter.frameFinished(1, wrote: ["f/01.png"], rendered: true)
    reporter.frameStarted(2)
    XCTAssertTrue(text.hasSuffix("\rframe 2/3  00:11 elapsed  ETA 00:10\u{1B}[K"), text)
    reporter.finish()
    XCTAssertTrue(text.hasSuffix("\n"))
  }

  func testPlainLinesAndQuiet() {
    var text = ""
    var now = 0.0
    let reporter = ProgressReporter(mode: .lines, write: { text += $0 }, clock: { now })
    reporter.begin(frames: 2, toRender: 2, upToDate: 0)
    reporter.frameStarted(0)
    now = 2.5
    reporter.frameFinished(0, wrote: ["out/00.png"], rendered: true)
    XCTAssertEqual(text, "frame 0/2: wrote out/00.png in 2.5 s, ETA 00:03\n")
    var quietText = ""
    let quiet = ProgressReporter(mode: .quiet, write: { quietText += $0 }, clock: { now })
    quiet.begin(frames: 2, toRender: 1, upToDate: 1)
    quiet.frameStarted(0)
    quiet.frameFinished(0, wrote: ["x"], rendered: true)
    quiet.note("hello")
    quiet.finish()
    XCTAssertEqual(quietText, "")
  }
}
